package io.waitline.notify.sms;

import com.twilio.exception.ApiConnectionException;
import com.twilio.exception.ApiException;
import com.twilio.http.NetworkHttpClient;
import com.twilio.http.Request;
import com.twilio.http.Response;
import com.twilio.http.TwilioRestClient;
import com.twilio.rest.api.v2010.Account;
import com.twilio.rest.api.v2010.account.Message;
import com.twilio.rest.api.v2010.account.MessageCreator;
import com.twilio.rest.api.v2010.account.MessageReader;
import com.twilio.type.PhoneNumber;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.waitline.notify.Channel;
import io.waitline.notify.channel.ChannelException;
import io.waitline.notify.channel.Delivery;
import io.waitline.notify.channel.Digests;
import io.waitline.notify.channel.Lookup;
import io.waitline.notify.channel.NotificationChannel;
import io.waitline.notify.channel.Outgoing;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.apache.http.HttpHost;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.conn.ConnectTimeoutException;
import org.apache.http.conn.routing.HttpRoute;
import org.apache.http.impl.client.HttpClientBuilder;

/**
 * SMS through twilio-java (Messages API). The SDK blocks, so every call runs on a dedicated worker pool. The SDK's
 * own retries are switched off: a retried POST could send twice, and resilience4j decides about retries.
 *
 * <p>Twilio keeps every message it accepted, so after a timeout or a crash the message is looked up
 * ({@link #lookup}) before anything is sent again.
 */
public final class TwilioSmsChannel implements NotificationChannel {
  /** Twilio errors meaning "this number cannot get SMS from us" (invalid, landline, unsubscribed, blocked region). */
  private static final Set<Integer> RECIPIENT_ERRORS = Set.of(21211, 21408, 21610, 21612, 21614, 21606, 21635);
  private static final int UNSUBSCRIBED = 21610;
  /** How many of a recipient's latest messages a look-up reads at most: ten pages of 50. */
  static final int LOOKUP_LIMIT = 500;

  /**
   * @param from the sending number (E.164), or null when {@code messagingServiceSid} is used
   * @param statusCallback where Twilio reports delivery ({@code <public URL>/api/v1/twilio/message-status}); null
   *     for none
   * @param apiBaseUrl null for api.twilio.com; a local URL for tests and emulators
   */
  public record Settings(String accountSid, String authToken, String from, String messagingServiceSid,
      String statusCallback, String apiBaseUrl, Duration timeout, int threads) {}

  private final Settings settings;
  private final TwilioRestClient client;
  private final WorkerExecutor workers;

  public TwilioSmsChannel(Vertx vertx, Settings settings) {
    this.settings = settings;
    this.client = new TwilioRestClient.Builder(settings.accountSid(), settings.authToken())
        .httpClient(new SingleShotHttpClient(httpClient(settings)))
        .build();
    this.workers = vertx.createSharedWorkerExecutor("waitline-notify-sms", settings.threads());
  }

  @Override
  public Channel channel() {
    return Channel.SMS;
  }

  @Override
  public String address(Outgoing out) {
    return out.recipient().phone();
  }

  @Override
  public String fingerprint(Outgoing out) {
    return Digests.sha256(out.recipient().phone(), out.message().sms());
  }

  @Override
  public Future<Delivery> send(Outgoing out) {
    String to = out.recipient().phone();
    String body = out.message().sms();
    return workers.executeBlocking(() -> {
      MessageCreator creator = settings.from() != null
          ? Message.creator(new PhoneNumber(to), new PhoneNumber(settings.from()), body)
          : Message.creator(new PhoneNumber(to), settings.messagingServiceSid(), body);
      if (settings.statusCallback() != null) {
        creator.setStatusCallback(URI.create(settings.statusCallback() + "?intent=" + out.intentId()));
      }
      try {
        return new Delivery(creator.create(client).getSid(), List.of());
      } catch (RuntimeException e) {
        throw classifySend(e);
      }
    }, false);
  }

  @Override
  public boolean canLookUp() {
    return true;
  }

  /**
   * Finds the message among the recipient's most recent ones by its text and creation time, page after page (Twilio
   * lists the newest first) until the messages are older than the send, or {@link #LOOKUP_LIMIT} were read.
   */
  @Override
  public Future<Lookup> lookup(String address, String fingerprint, Instant startedAt, Set<String> taken) {
    Instant since = startedAt.minus(Duration.ofMinutes(5));
    return workers.executeBlocking(() -> {
      MessageReader reader = Message.reader().setTo(new PhoneNumber(address)).setPageSize(50);
      if (settings.from() != null) reader.setFrom(new PhoneNumber(settings.from()));
      reader.limit(LOOKUP_LIMIT);
      try {
        for (Message m : reader.read(client)) {
          if (m.getDateCreated() != null && m.getDateCreated().toInstant().isBefore(since)) break;
          if (taken.contains(m.getSid())) continue;
          if (fingerprint.equals(Digests.sha256(address, m.getBody()))) {
            boolean failed = m.getStatus() == Message.Status.FAILED || m.getStatus() == Message.Status.UNDELIVERED
                || m.getStatus() == Message.Status.CANCELED;
            return (Lookup) new Lookup.Found(m.getSid(), failed);
          }
        }
        return new Lookup.NotFound();
      } catch (RuntimeException e) {
        throw classify(e);
      }
    }, false);
  }

  @Override
  public boolean canProbe() {
    return true;
  }

  /** Twilio answers a read of the account (nothing is sent): it answers again. */
  @Override
  public Future<Void> probe() {
    return workers.executeBlocking(() -> {
      try {
        Account.fetcher(settings.accountSid()).fetch(client);
        return null;
      } catch (RuntimeException e) {
        throw classify(e);
      }
    }, false);
  }

  @Override
  public Future<Void> close() {
    return workers.close();
  }

  /**
   * Like {@link #classify}, for a send: a 5xx may come after Twilio kept the message, so it is "unknown" and
   * looked up before anything is sent again, never retried blindly.
   */
  static ChannelException classifySend(RuntimeException e) {
    if (e instanceof ApiException api && api.getStatusCode() != null && api.getStatusCode() >= 500) {
      return new ChannelException.Unknown("Twilio answered " + api.getStatusCode() + " to the send: "
          + api.getMessage() + "; it may have kept the message", e);
    }
    return classify(e);
  }

  /** Maps SDK failures to what they mean for the message. */
  static ChannelException classify(RuntimeException e) {
    if (e instanceof ApiException api && api.getStatusCode() != null) {
      int status = api.getStatusCode();
      Integer code = api.getCode();
      String what = "Twilio answered " + status + (code == null ? "" : " (error " + code + ")") + ": "
          + api.getMessage();
      if (status == 429 || status >= 500 || status == 401 || status == 403) {
        return new ChannelException.Transient(what, e);
      }
      if (code != null && RECIPIENT_ERRORS.contains(code) || status == 400 || status == 404) {
        return new ChannelException.Rejected(what, List.of(), code != null && code == UNSUBSCRIBED);
      }
      return new ChannelException.Transient(what, e);
    }
    Throwable cause = e.getCause();
    if (cause instanceof ConnectException || cause instanceof ConnectTimeoutException
        || cause instanceof UnknownHostException || cause instanceof NoRouteToHostException) {
      return new ChannelException.Transient("cannot connect to Twilio: " + cause.getMessage(), e);
    }
    if (e instanceof ApiConnectionException || e instanceof ApiException) {
      // the request may have reached Twilio: a lost answer, a reset connection, an unreadable body
      return new ChannelException.Unknown("no usable answer from Twilio: " + e.getMessage(), e);
    }
    return new ChannelException.Unknown("unexpected Twilio failure: " + e, e);
  }

  private static HttpClientBuilder httpClient(Settings s) {
    int millis = (int) s.timeout().toMillis();
    HttpClientBuilder builder = HttpClientBuilder.create()
        .useSystemProperties()
        .disableAutomaticRetries() // a re-sent POST could send the SMS twice
        .setMaxConnPerRoute(s.threads())
        .setMaxConnTotal(s.threads())
        .setDefaultRequestConfig(RequestConfig.custom().setConnectTimeout(millis).setSocketTimeout(millis + 1000)
            .setConnectionRequestTimeout(millis).build());
    if (s.apiBaseUrl() != null) {
      URI base = URI.create(s.apiBaseUrl());
      HttpHost target = new HttpHost(base.getHost(), base.getPort(), base.getScheme());
      builder.setRoutePlanner((host, request, context) -> new HttpRoute(target, null, "https".equals(base.getScheme())));
    }
    return builder;
  }

  /** The SDK's network client without its built-in retry loop (it re-sends POSTs on any 5xx). */
  private static final class SingleShotHttpClient extends NetworkHttpClient {
    SingleShotHttpClient(HttpClientBuilder builder) {
      super(builder);
    }

    @Override
    public Response reliableRequest(Request request) {
      return reliableRequest(request, new int[0], 1, 0);
    }
  }
}

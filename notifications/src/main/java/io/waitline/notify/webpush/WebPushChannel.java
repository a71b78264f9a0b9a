package io.waitline.notify.webpush;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.waitline.notify.Channel;
import io.waitline.notify.channel.ChannelException;
import io.waitline.notify.channel.Delivery;
import io.waitline.notify.channel.NotificationChannel;
import io.waitline.notify.channel.Outgoing;
import io.waitline.notify.channel.Recipient.WebPushSubscription;
import java.io.ByteArrayOutputStream;
import java.net.ConnectException;
import java.security.Security;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import nl.martijndwars.webpush.Encoding;
import nl.martijndwars.webpush.Notification;
import nl.martijndwars.webpush.PushService;
import nl.martijndwars.webpush.Urgency;
import nl.martijndwars.webpush.Utils;
import org.apache.http.Header;
import org.apache.http.client.methods.HttpPost;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * Web Push to the patient page (RFC 8030), payload encrypted for the browser with {@code aes128gcm} (RFC 8291) and
 * signed with the server's VAPID key (RFC 8292) by nl.martijndwars:web-push. Encryption runs on a worker pool; the
 * POST to the push service is a non-blocking Vert.x request. Subscriptions the push service reports gone (404, 410)
 * are returned for removal. The intent id is the notification tag and the Topic, so a re-sent copy replaces the
 * first.
 */
public final class WebPushChannel implements NotificationChannel {
  /** An urgent message gives up on a silent push service this soon, for the next channel. */
  static final long URGENT_TIMEOUT_MILLIS = 3000;

  /** Keys as produced by {@code npx web-push generate-vapid-keys} (base64url, uncompressed P-256). */
  public record Settings(String publicKey, String privateKey, String subject, Duration timeout) {}

  private final PushService push;
  private final HttpClient http;
  private final WorkerExecutor workers;
  private final Settings settings;

  public WebPushChannel(Vertx vertx, Settings settings) {
    if (Security.getProvider(BouncyCastleProvider.PROVIDER_NAME) == null) {
      Security.addProvider(new BouncyCastleProvider());
    }
    try {
      this.push = new PushService(settings.publicKey(), settings.privateKey(), settings.subject());
    } catch (Exception e) {
      throw new IllegalArgumentException("VAPID_PUBLIC_KEY / VAPID_PRIVATE_KEY are not a valid P-256 key pair: "
          + e.getMessage(), e);
    }
    this.settings = settings;
    int millis = (int) settings.timeout().toMillis();
    this.http = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(millis));
    this.workers = vertx.createSharedWorkerExecutor("waitline-notify-webpush", 2);
  }

  public String publicKey() {
    return settings.publicKey();
  }

  @Override
  public Channel channel() {
    return Channel.WEB_PUSH;
  }

  @Override
  public String address(Outgoing out) {
    return out.recipient().webPush().size() + " browser(s)";
  }

  @Override
  public Future<Delivery> send(Outgoing out) {
    List<WebPushSubscription> subs = out.recipient().webPush();
    List<Future<Result>> results = new ArrayList<>();
    for (WebPushSubscription s : subs) results.add(sendOne(out, s));
    return Future.join(results).transform(ignored -> {
      List<String> dead = new ArrayList<>();
      String accepted = null;
      ChannelException worst = null;
      for (Future<Result> f : results) {
        if (f.succeeded()) {
          Result r = f.result();
          if (r.dead) dead.add(r.endpoint);
          else if (accepted == null) accepted = r.endpoint;
        } else {
          ChannelException c = f.cause() instanceof ChannelException ce ? ce
              : new ChannelException.Unknown("Web Push failed: " + f.cause(), f.cause());
          if (worst == null || c instanceof ChannelException.Unknown) worst = c;
        }
      }
      if (accepted != null) return Future.succeededFuture(new Delivery(accepted, dead));
      if (worst != null) return Future.failedFuture(worst);
      return Future.failedFuture(new ChannelException.Rejected(
          "every browser subscription of this patient has expired", dead, false));
    });
  }

  private record Result(String endpoint, boolean dead) {}

  private Future<Result> sendOne(Outgoing out, WebPushSubscription s) {
    return workers.executeBlocking(() -> encrypt(out, s), false).compose(post -> {
      RequestOptions req = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(s.endpoint())
          .setTimeout(out.urgent() ? Math.min(URGENT_TIMEOUT_MILLIS, settings.timeout().toMillis())
              : settings.timeout().toMillis());
      for (Map.Entry<String, String> h : post.headers.entrySet()) req.putHeader(h.getKey(), h.getValue());
      return http.request(req)
          .compose(r -> r.send(Buffer.buffer(post.body)))
          .recover(err -> Future.failedFuture(classifyIo(err)))
          .compose(resp -> resp.body().compose(body -> {
            int status = resp.statusCode();
            if (status >= 200 && status < 300) return Future.succeededFuture(new Result(s.endpoint(), false));
            if (status == 404 || status == 410) return Future.succeededFuture(new Result(s.endpoint(), true));
            String what = "the push service answered " + status + ": " + body.toString().trim();
            if (status == 429 || status >= 500 || status == 401 || status == 403) {
              return Future.failedFuture(new ChannelException.Transient(what, null));
            }
            return Future.failedFuture(new ChannelException.Rejected(what, List.of(), false));
          }));
    });
  }

  private record Encrypted(Map<String, String> headers, byte[] body) {}

  private Encrypted encrypt(Outgoing out, WebPushSubscription s) throws Exception {
    var msg = out.message();
    JsonObject payload = new JsonObject()
        .put("title", msg.title())
        .put("body", msg.text())
        .put("url", msg.link())
        .put("tag", out.intentId().toString())
        .put("kind", out.kind().wire())
        .put("urgent", out.urgent());
    Notification n = new Notification(s.endpoint(), (org.bouncycastle.jce.interfaces.ECPublicKey) Utils.loadPublicKey(s.p256dh()),
        Base64.getUrlDecoder().decode(padless(s.auth())), payload.encode().getBytes(java.nio.charset.StandardCharsets.UTF_8),
        out.urgent() ? 600 : 3600, out.urgent() ? Urgency.HIGH : Urgency.NORMAL,
        out.intentId().toString().replace("-", ""));
    HttpPost post = push.preparePost(n, Encoding.AES128GCM);
    Map<String, String> headers = new java.util.LinkedHashMap<>();
    for (Header h : post.getAllHeaders()) headers.put(h.getName(), h.getValue());
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    post.getEntity().writeTo(body);
    return new Encrypted(headers, body.toByteArray());
  }

  private static String padless(String b64) {
    return b64.replace('+', '-').replace('/', '_').replace("=", "");
  }

  private static ChannelException classifyIo(Throwable err) {
    if (err instanceof ConnectException || err.getCause() instanceof ConnectException) {
      return new ChannelException.Transient("cannot connect to the push service: " + err.getMessage(), err);
    }
    return new ChannelException.Unknown("no answer from the push service: " + err.getMessage(), err);
  }

  @Override
  public Future<Void> close() {
    return http.close().compose(v -> workers.close());
  }
}

package io.waitline.notify.sms;

import static io.waitline.queue.Refused.Kind.MALFORMED_CALLBACK;

import com.twilio.security.RequestValidator;
import com.twilio.twiml.MessagingResponse;
import com.twilio.twiml.TwiMLException;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.waitline.notify.NotificationException;
import io.waitline.notify.PhoneNumbers;
import io.waitline.notify.SmsKeyword;
import io.waitline.notify.Templates;
import io.waitline.notify.store.NotifyStore;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What Twilio calls us with: delivery reports for messages we sent, and SMS that patients send to our number.
 * Both are trusted only with a valid {@code X-Twilio-Signature}, checked by the SDK's {@link RequestValidator}.
 */
public final class TwilioWebhooks {
  private static final Logger LOG = LoggerFactory.getLogger(TwilioWebhooks.class);

  private final Pool pool;
  private final NotifyStore store;
  private final RequestValidator validator;
  private final Templates templates;
  private final String senderName;
  private final Clock clock;
  private final Runnable wake;

  public TwilioWebhooks(Pool pool, NotifyStore store, String authToken, Templates templates, String senderName,
      Clock clock, Runnable wake) {
    this.pool = pool;
    this.store = store;
    this.validator = new RequestValidator(authToken);
    this.templates = templates;
    this.senderName = senderName;
    this.clock = clock;
    this.wake = wake;
  }

  /**
   * @param url the full URL Twilio requested, as Twilio saw it (public scheme, host, path and query)
   * @param params the form parameters of the POST
   */
  public boolean verify(String url, Map<String, String> params, String signature) {
    return signature != null && validator.validate(url, params, signature);
  }

  /**
   * A message status callback: {@code MessageSid}, {@code MessageStatus}, {@code ErrorCode}. Delivered marks the
   * intent delivered; failed or undelivered sends it on to the next channel; error 21610 records an opt-out.
   *
   * @param intent the {@code intent} query parameter we put in the callback URL, or null
   */
  public Future<Void> statusCallback(Map<String, String> params, String intent) {
    String sid = params.get("MessageSid");
    String status = params.getOrDefault("MessageStatus", params.get("SmsStatus"));
    if (sid == null || status == null) {
      return Future.failedFuture(new NotificationException(MALFORMED_CALLBACK,
          "MessageSid and MessageStatus are required."));
    }
    UUID intentId = parseUuid(intent);
    String error = params.get("ErrorCode");
    var now = clock.instant();
    return store.recordProviderStatus(pool, sid, intentId, status, error, now)
        .compose(v -> store.applyProviderStatus(pool, sid, now))
        .compose(state -> {
          if ("pending".equals(state)) {
            LOG.info("Twilio reports message {} {}; trying the next channel", sid, status);
            wake.run();
          }
          String to = PhoneNumbers.e164(params.get("To"), null);
          if ("21610".equals(error) && to != null) return store.setSmsOptOut(pool, to, true, now);
          return Future.succeededFuture();
        });
  }

  /** An SMS from a patient: STOP / START / HELP keywords; the answer is TwiML. */
  public Future<String> inbound(Map<String, String> params) {
    String from = PhoneNumbers.e164(params.get("From"), null);
    SmsKeyword keyword = SmsKeyword.of(params.get("Body"));
    var now = clock.instant();
    if (from == null) return Future.succeededFuture(twiml(null));
    return switch (keyword) {
      case STOP -> store.setSmsOptOut(pool, from, true, now).map(v -> {
        LOG.info("A patient number opted out of SMS (STOP)");
        return twiml(null); // Twilio itself confirms opt-outs
      });
      case START -> store.setSmsOptOut(pool, from, false, now)
          .map(v -> twiml(templates.reply("start", "en", senderName)));
      case HELP -> Future.succeededFuture(twiml(templates.reply("help", "en", senderName)));
      case OTHER -> Future.succeededFuture(twiml(null));
    };
  }

  static String twiml(String reply) {
    MessagingResponse.Builder b = new MessagingResponse.Builder();
    if (reply != null) b.message(new com.twilio.twiml.messaging.Message.Builder(reply).build());
    try {
      return b.build().toXml();
    } catch (TwiMLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static UUID parseUuid(String s) {
    if (s == null) return null;
    try {
      return UUID.fromString(s);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}

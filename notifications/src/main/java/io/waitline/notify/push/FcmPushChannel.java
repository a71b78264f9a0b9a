package io.waitline.notify.push;

import com.google.firebase.ErrorCode;
import com.google.firebase.FirebaseApp;
import com.google.firebase.messaging.AndroidConfig;
import com.google.firebase.messaging.ApnsConfig;
import com.google.firebase.messaging.Aps;
import com.google.firebase.messaging.FirebaseMessaging;
import com.google.firebase.messaging.FirebaseMessagingException;
import com.google.firebase.messaging.Message;
import com.google.firebase.messaging.MessagingErrorCode;
import com.google.firebase.messaging.Notification;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.waitline.notify.Channel;
import io.waitline.notify.channel.ChannelException;
import io.waitline.notify.channel.Delivery;
import io.waitline.notify.channel.NotificationChannel;
import io.waitline.notify.channel.Outgoing;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Push to the patient's mobile app through firebase-admin (FCM HTTP v1), on a dedicated worker pool. Tokens FCM
 * reports dead — {@code UNREGISTERED} (HTTP 404) or {@code INVALID_ARGUMENT} about the token (HTTP 400) — are
 * returned for removal. The intent id is the collapse key and notification tag, so a copy re-sent after an unknown
 * outcome replaces the first on the device instead of showing twice.
 */
public final class FcmPushChannel implements NotificationChannel {
  private final FirebaseMessaging messaging;
  private final WorkerExecutor workers;

  public FcmPushChannel(Vertx vertx, FirebaseApp app, int threads) {
    this.messaging = FirebaseMessaging.getInstance(app);
    this.workers = vertx.createSharedWorkerExecutor("waitline-notify-fcm", threads);
  }

  @Override
  public Channel channel() {
    return Channel.PUSH;
  }

  @Override
  public String address(Outgoing out) {
    return out.recipient().pushTokens().size() + " device(s)";
  }

  @Override
  public Future<Delivery> send(Outgoing out) {
    return workers.executeBlocking(() -> sendToAll(out), false);
  }

  private Delivery sendToAll(Outgoing out) {
    List<String> dead = new ArrayList<>();
    String accepted = null;
    ChannelException worst = null;
    for (String token : out.recipient().pushTokens()) {
      try {
        String name = messaging.send(message(out, token));
        if (accepted == null) accepted = name;
      } catch (FirebaseMessagingException e) {
        if (isDeadToken(e)) {
          dead.add(token);
        } else {
          ChannelException c = classify(e);
          if (worst == null || c instanceof ChannelException.Unknown) worst = c;
        }
      }
    }
    if (accepted != null) return new Delivery(accepted, dead);
    if (worst != null) throw worst;
    throw new ChannelException.Rejected("every device token of this patient is no longer registered", dead, false);
  }

  private static Message message(Outgoing out, String token) {
    String tag = out.intentId().toString();
    var msg = out.message();
    Message.Builder b = Message.builder()
        .setToken(token)
        .setNotification(Notification.builder().setTitle(msg.title()).setBody(msg.text()).build())
        .putData("intent", tag)
        .putData("kind", out.kind().wire())
        .setAndroidConfig(AndroidConfig.builder()
            .setCollapseKey(tag)
            .setPriority(out.urgent() ? AndroidConfig.Priority.HIGH : AndroidConfig.Priority.NORMAL)
            .setTtl(out.urgent() ? 10 * 60_000L : 60 * 60_000L)
            .build())
        .setApnsConfig(ApnsConfig.builder()
            .putHeader("apns-collapse-id", tag)
            .putHeader("apns-priority", out.urgent() ? "10" : "5")
            .setAps(Aps.builder().setThreadId("waitline").build())
            .build());
    if (msg.link() != null) b.putData("link", msg.link());
    return b.build();
  }

  /** Both forms in which FCM says a token is gone: UNREGISTERED / NOT_FOUND, and INVALID_ARGUMENT about the token. */
  static boolean isDeadToken(FirebaseMessagingException e) {
    MessagingErrorCode code = e.getMessagingErrorCode();
    if (code == MessagingErrorCode.UNREGISTERED || code == MessagingErrorCode.SENDER_ID_MISMATCH) return true;
    if (code == null && e.getErrorCode() == ErrorCode.NOT_FOUND) return true;
    boolean invalid = code == MessagingErrorCode.INVALID_ARGUMENT || e.getErrorCode() == ErrorCode.INVALID_ARGUMENT;
    return invalid && String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains("token");
  }

  static ChannelException classify(FirebaseMessagingException e) {
    String what = "FCM: " + e.getErrorCode() + (e.getMessagingErrorCode() == null ? "" : "/"
        + e.getMessagingErrorCode()) + ": " + e.getMessage();
    if (e.getHttpResponse() != null) {
      // FCM answered: the message was not taken
      int status = e.getHttpResponse().getStatusCode();
      if (status == 429 || status >= 500 || status == 401 || status == 403) {
        return new ChannelException.Transient(what, e);
      }
      return new ChannelException.Rejected(what, List.of(), false);
    }
    for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
      if (c instanceof ConnectException || c instanceof UnknownHostException || c instanceof NoRouteToHostException) {
        return new ChannelException.Transient("cannot connect to FCM: " + c.getMessage(), e);
      }
    }
    return new ChannelException.Unknown(what, e);
  }

  @Override
  public Future<Void> close() {
    return workers.close();
  }
}

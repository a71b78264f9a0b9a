package io.waitline.edge.rest;

import io.waitline.edge.pipeline.Problems;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.waitline.notify.Channel;
import io.waitline.notify.Notifications;
import io.waitline.notify.Preferences;
import io.waitline.notify.QuietHours;
import io.waitline.notify.sms.TwilioWebhooks;
import io.waitline.notify.store.QueueSettings;
import io.waitline.notify.store.SiteSettings;
import io.waitline.queue.QueueException;
import io.waitline.queue.command.QueueCommands;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notification endpoints: patient preferences and Web Push / app subscriptions, the staff view of messages that
 * need a look, notification settings, and Twilio's webhooks (form-encoded, signature-checked, outside the OpenAPI
 * router). Without a notifications module every operation answers a 404 problem.
 */
public final class NotificationApi {
  private static final Logger LOG = LoggerFactory.getLogger(NotificationApi.class);
  static final String TWILIO_STATUS = "/api/v1/twilio/message-status";
  static final String TWILIO_INBOUND = "/api/v1/twilio/inbound-sms";
  private static final String EMPTY_TWIML = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response/>";

  private final Notifications notifications;
  private final QueueCommands commands;
  private final String publicUrl;

  public NotificationApi(Notifications notifications, QueueCommands commands, String publicUrl) {
    this.notifications = notifications;
    this.commands = commands;
    this.publicUrl = publicUrl;
  }

  /** The OpenAPI operations this class answers. */
  public void register(Map<String, Handler<RoutingContext>> ops) {
    ops.put("getWebPushPublicKey", this::publicKey);
    ops.put("subscribeWebPush", enabled(this::subscribeWebPush));
    ops.put("registerPushToken", enabled(this::registerPushToken));
    ops.put("getNotificationPreferences", enabled(this::getPreferences));
    ops.put("putNotificationPreferences", enabled(this::putPreferences));
    ops.put("listSiteNotifications", enabled(this::listSite));
    ops.put("retryNotification", enabled(this::retry));
    ops.put("getNotification", enabled(rc -> QueueApi.respond(rc, 200,
        notifications.notification(UUID.fromString(rc.pathParam("notificationId"))))));
    ops.put("listEntryNotifications", enabled(rc -> {
      UUID entry = UUID.fromString(rc.pathParam("entryId"));
      QueueApi.respond(rc, 200, commands.entry(entry).compose(e -> notifications.entryNotifications(entry)));
    }));
    ops.put("getQueueNotificationSettings", enabled(this::getQueueSettings));
    ops.put("putQueueNotificationSettings", enabled(this::putQueueSettings));
    ops.put("getSiteNotificationSettings", enabled(this::getSiteSettings));
    ops.put("putSiteNotificationSettings", enabled(this::putSiteSettings));
  }

  /** Twilio's webhooks, before the static files. */
  public void mountWebhooks(Router root) {
    root.post(TWILIO_STATUS).handler(rc -> twilio(rc, (hooks, params) ->
        hooks.statusCallback(params, rc.request().getParam("intent")).map(v -> EMPTY_TWIML)));
    root.post(TWILIO_INBOUND).handler(rc -> twilio(rc, TwilioWebhooks::inbound));
  }

  private interface TwilioCall {
    Future<String> apply(TwilioWebhooks hooks, Map<String, String> params);
  }

  /** Verifies {@code X-Twilio-Signature} over the public URL and the form, then answers TwiML. */
  private void twilio(RoutingContext rc, TwilioCall call) {
    TwilioWebhooks hooks = notifications == null ? null : notifications.twilio();
    if (hooks == null) {
      Problems.send(rc, 404, "not-found", "Not found", "SMS is not configured on this server.");
      return;
    }
    Map<String, String> params = new HashMap<>();
    rc.request().formAttributes().forEach(e -> params.put(e.getKey(), e.getValue()));
    String url = publicUrl + rc.request().uri();
    if (!hooks.verify(url, params, rc.request().getHeader("X-Twilio-Signature"))) {
      LOG.warn("Refused a Twilio webhook with a missing or wrong signature for {}", url);
      Problems.send(rc, 403, "forbidden", "Not allowed", "The request is not signed by Twilio for " + url + ".");
      return;
    }
    call.apply(hooks, params)
        .onSuccess(xml -> rc.response().putHeader("Content-Type", "text/xml").end(xml))
        .onFailure(rc::fail);
  }

  // --- patient

  private void publicKey(RoutingContext rc) {
    String key = notifications == null ? null : notifications.vapidPublicKey();
    if (key == null) {
      Problems.send(rc, 404, "not-found", "Not found", "Web Push is not configured on this server.");
      return;
    }
    rc.response().putHeader("Cache-Control", "public, max-age=3600");
    QueueApi.respond(rc, 200, Future.succeededFuture(new JsonObject().put("publicKey", key)));
  }

  private void subscribeWebPush(RoutingContext rc) {
    String token = rc.pathParam("token");
    JsonObject sub = rc.body().asJsonObject();
    QueueApi.respond(rc, 201, VisitApi.visit(commands, rc)
        .compose(v -> notifications.subscribeWebPush(token, sub))
        .map(v -> new JsonObject().put("subscribed", true)));
  }

  private void registerPushToken(RoutingContext rc) {
    String token = rc.pathParam("token");
    JsonObject in = rc.body().asJsonObject();
    QueueApi.respond(rc, 201, VisitApi.visit(commands, rc)
        .compose(v -> notifications.registerPushToken(token, in.getString("token"), in.getString("platform")))
        .map(v -> new JsonObject().put("registered", true)));
  }

  private void getPreferences(RoutingContext rc) {
    String token = rc.pathParam("token");
    QueueApi.respond(rc, 200, VisitApi.visit(commands, rc)
        .compose(v -> notifications.preferences(token))
        .map(this::preferencesJson));
  }

  private void putPreferences(RoutingContext rc) {
    String token = rc.pathParam("token");
    JsonObject in = rc.body().asJsonObject();
    List<Channel> channels = in.getJsonArray("channels", new JsonArray()).stream()
        .map(o -> Channel.fromWire(String.valueOf(o))).toList();
    Preferences p = new Preferences(channels, in.getString("language"), in.getBoolean("optedOut", false));
    QueueApi.respond(rc, 200, VisitApi.visit(commands, rc)
        .compose(v -> notifications.savePreferences(token, p))
        .map(this::preferencesJson));
  }

  private JsonObject preferencesJson(Preferences p) {
    return new JsonObject()
        .put("channels", new JsonArray(p.channels().stream().map(Channel::wire).toList()))
        .put("language", p.language())
        .put("optedOut", p.optedOut())
        .put("availableChannels", new JsonArray(notifications.activeChannels().stream().map(Channel::wire)
            .sorted().toList()));
  }

  // --- staff

  private void listSite(RoutingContext rc) {
    String siteId = rc.pathParam("siteId");
    String state = rc.queryParams().get("state");
    int limit = rc.queryParams().get("limit") == null ? 100 : Integer.parseInt(rc.queryParams().get("limit"));
    QueueApi.respond(rc, 200, commands.site(siteId).compose(s -> notifications.siteNotifications(siteId, state, limit)));
  }

  private void retry(RoutingContext rc) {
    UUID id = UUID.fromString(rc.pathParam("notificationId"));
    QueueApi.respond(rc, 200, notifications.retry(id));
  }

  private void getQueueSettings(RoutingContext rc) {
    String queueId = rc.pathParam("queueId");
    QueueApi.respond(rc, 200, commands.queue(queueId).compose(q -> notifications.queueSettings(queueId))
        .map(NotificationApi::queueJson));
  }

  private void putQueueSettings(RoutingContext rc) {
    String queueId = rc.pathParam("queueId");
    JsonObject in = rc.body().asJsonObject();
    List<Integer> alerts = in.getJsonArray("positionAlerts", new JsonArray()).stream()
        .map(o -> ((Number) o).intValue()).toList();
    QueueSettings s = new QueueSettings(alerts, in.getInteger("longWaitMinutes"), in.getInteger("delayMinutes"));
    QueueApi.respond(rc, 200, commands.queue(queueId).compose(q -> notifications.saveQueueSettings(queueId, s))
        .map(NotificationApi::queueJson));
  }

  private void getSiteSettings(RoutingContext rc) {
    String siteId = rc.pathParam("siteId");
    QueueApi.respond(rc, 200, commands.site(siteId).compose(x -> notifications.siteSettings(siteId))
        .map(NotificationApi::siteJson));
  }

  private void putSiteSettings(RoutingContext rc) {
    String siteId = rc.pathParam("siteId");
    JsonObject in = rc.body().asJsonObject();
    QuietHours quiet;
    try {
      quiet = in.getString("quietHours") == null ? null : QuietHours.parse(in.getString("quietHours"));
    } catch (RuntimeException e) {
      throw new QueueException.Invalid("quietHours must look like 21:00-07:00.");
    }
    SiteSettings s = new SiteSettings(quiet, in.getString("staffEmail"), in.getString("staffPhone"));
    QueueApi.respond(rc, 200, commands.site(siteId).compose(x -> notifications.saveSiteSettings(siteId, s))
        .map(NotificationApi::siteJson));
  }

  private static JsonObject queueJson(QueueSettings s) {
    return new JsonObject()
        .put("positionAlerts", new JsonArray(s.positionAlerts() == null ? List.of() : s.positionAlerts()))
        .put("longWaitMinutes", s.longWaitMinutes())
        .put("delayMinutes", s.delayMinutes());
  }

  private static JsonObject siteJson(SiteSettings s) {
    return new JsonObject()
        .put("quietHours", s.quietHours() == null ? null : s.quietHours().toString())
        .put("staffEmail", s.staffEmail())
        .put("staffPhone", s.staffPhone());
  }

  private Handler<RoutingContext> enabled(Handler<RoutingContext> h) {
    if (notifications != null) return h;
    return rc -> Problems.send(rc, 404, "not-found", "Not found", "Notifications are not enabled on this server.");
  }
}

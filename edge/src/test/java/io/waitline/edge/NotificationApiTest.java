package io.waitline.edge;

import io.waitline.edge.pipeline.AccessServices;
import io.waitline.edge.pipeline.Problems;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.waitline.access.NewAccount;
import io.waitline.access.PasswordHasher;
import io.waitline.access.Role;
import io.waitline.access.RoleGrant;
import io.waitline.access.StaffAccount;
import io.vertx.sqlclient.Tuple;
import io.waitline.notify.Notifications;
import io.waitline.notify.NotificationsConfig;
import io.waitline.notify.webpush.VapidKeys;
import io.waitline.queue.Entry;
import io.waitline.queue.OrderingRule;
import io.waitline.queue.Patient;
import io.waitline.queue.Priority;
import io.waitline.queue.ServiceQueue;
import io.waitline.queue.ServiceTimeEstimator;
import io.waitline.queue.Site;
import io.waitline.queue.command.CheckIn;
import io.waitline.queue.command.QueueCommands;
import io.waitline.queue.command.TestClock;
import io.waitline.queue.event.EventBusPublisher;
import io.waitline.queue.store.QueueStore;
import io.waitline.queue.store.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The notification endpoints on the real edge: patient subscriptions and choices, staff view, Twilio webhooks. */
class NotificationApiTest {
  /** An admin's API token, from the real access services. */
  private static String adminToken;
  private static final String PUBLIC_URL = "https://waitline.test";
  private static final String TWILIO_TOKEN = "twilio-auth-token-for-tests";
  private static final VapidKeys VAPID = VapidKeys.generate();

  private static Vertx vertx;
  private static Pool pool;
  private static QueueCommands commands;
  private static HttpServer server;
  private static HttpServer bare;
  private static WebClient http;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    PgConnectOptions db = MigratedDatabases.fresh();
    pool = TestDatabase.pool(vertx, db, 8);
    // mid-morning at the clinic on a test clock, so a run across midnight cannot end a patient's link mid-test
    commands = new QueueCommands(pool, new QueueStore(), new EventBusPublisher(vertx.eventBus()),
        new ServiceTimeEstimator(), new TestClock(TestApp.START, Duration.ofMillis(1)));
    AccessServices access = AccessServices.create(vertx, pool, PasswordHasher.forTests(), commands,
        Clock.systemUTC());
    StaffAccount admin = access.accounts().create(new NewAccount("admin", "Admin", "correct horse battery staple",
        List.of(new RoleGrant(Role.ADMIN, null)))).await();
    adminToken = access.sessions().open(admin.principal(null), admin.id(), "token", "127.0.0.1").await().token();
    Map<String, String> env = Map.of("VAPID_PUBLIC_KEY", VAPID.publicKey(), "VAPID_PRIVATE_KEY", VAPID.privateKey(),
        "TWILIO_ACCOUNT_SID", "AC0123", "TWILIO_AUTH_TOKEN", TWILIO_TOKEN, "TWILIO_FROM", "+447700900000");
    Notifications notifications = Notifications.create(vertx, pool, NotificationsConfig.load(env::get, PUBLIC_URL),
        false);
    EdgeRouter.Settings settings = new EdgeRouter.Settings(PUBLIC_URL, access);
    server = vertx.createHttpServer()
        .requestHandler(EdgeRouter.router(vertx, pool, commands, settings, notifications, null).await()).listen(0).await();
    bare = vertx.createHttpServer().requestHandler(EdgeRouter.router(vertx, pool, commands, settings, null, null).await())
        .listen(0).await();
    http = WebClient.create(vertx, new WebClientOptions().setDefaultHost("localhost")
        .setDefaultPort(server.actualPort()));
    commands.createSite(new Site("clinic", "Riverside Clinic", ZoneId.of("Europe/London"), "en", "ticket")).await();
    commands.createQueue(new ServiceQueue("general", "clinic", "General", "A", OrderingRule.DEFAULT, 600, false, 1, 0))
        .await();
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  @Test
  void theVapidPublicKeyIsPublicAndA404ProblemWithoutWebPush() {
    HttpResponse<Buffer> r = http.get("/api/v1/web-push/public-key").send().await();
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.bodyAsJsonObject().getString("publicKey")).isEqualTo(VAPID.publicKey());

    HttpResponse<Buffer> none = WebClient.create(vertx).get(bare.actualPort(), "localhost",
        "/api/v1/web-push/public-key").send().await();
    assertThat(none.statusCode()).isEqualTo(404);
    assertThat(none.getHeader("Content-Type")).startsWith(Problems.CONTENT_TYPE);
  }

  @Test
  void aPatientSubscribesTheirBrowserWithTheirLinkAndBadSubscriptionsAreProblems() throws Exception {
    String token = visitToken(checkIn("Ann Web"));
    JsonObject sub = subscription("https://fcm.googleapis.com/fcm/send/abc:xyz");
    assertThat(post("/api/v1/visits/" + token + "/web-push", sub).statusCode()).isEqualTo(201);
    assertThat(pool.preparedQuery("SELECT endpoint FROM notify_web_push WHERE visit_token = $1")
        .execute(Tuple.of(token)).await().iterator().next().getString(0)).endsWith("abc:xyz");

    assertProblem(post("/api/v1/visits/" + token + "/web-push", subscription("https://attacker.example/x")), 422);
    assertProblem(post("/api/v1/visits/" + token + "/web-push", new JsonObject().put("endpoint", "https://x")), 400);
    assertProblem(post("/api/v1/visits/NoSuchVisitTokenAtAllHere000/web-push", sub), 404);
  }

  @Test
  void preferencesRoundTripAndUnknownChannelsAreRefused() {
    String token = visitToken(checkIn("Bo Prefs"));
    JsonObject prefs = new JsonObject().put("channels", new JsonArray().add("email").add("sms")).put("language", "es");
    HttpResponse<Buffer> put = http.request(HttpMethod.PUT, "/api/v1/visits/" + token + "/notification-preferences")
        .sendJsonObject(prefs).await();
    assertThat(put.statusCode()).as(put.bodyAsString()).isEqualTo(200);
    JsonObject got = http.get("/api/v1/visits/" + token + "/notification-preferences").send().await()
        .bodyAsJsonObject();
    assertThat(got.getJsonArray("channels")).containsExactly("email", "sms");
    assertThat(got.getString("language")).isEqualTo("es");
    assertThat(got.getBoolean("optedOut")).isFalse();
    assertThat(got.getJsonArray("availableChannels")).containsExactly("sms", "web_push");

    assertProblem(http.request(HttpMethod.PUT, "/api/v1/visits/" + token + "/notification-preferences")
        .sendJsonObject(new JsonObject().put("channels", new JsonArray().add("fax"))).await(), 400);
  }

  @Test
  void staffSeeFailedMessagesByTicketAndCanRetryThem() {
    Entry e = checkIn("Cy Failed");
    UUID id = StoredNotifications.called(pool, e, "failed", Map.of("rounds", 3, "last_error", "sms: down; email: down"));

    assertProblem(http.get("/api/v1/sites/clinic/notifications?state=failed").send().await(), 401);
    HttpResponse<Buffer> list = http.get("/api/v1/sites/clinic/notifications?state=failed")
        .putHeader("Authorization", "Bearer " + adminToken).send().await();
    assertThat(list.statusCode()).isEqualTo(200);
    JsonObject failed = list.bodyAsJsonArray().getJsonObject(0);
    assertThat(failed.getString("ticket")).isEqualTo(e.ticket());
    assertThat(failed.getString("lastError")).contains("sms: down");
    assertThat(list.bodyAsString()).doesNotContain("Cy Failed");

    JsonObject one = http.get("/api/v1/notifications/" + id).putHeader("Authorization", "Bearer " + adminToken).send()
        .await().bodyAsJsonObject();
    assertThat(one.getString("kind")).isEqualTo("called");
    assertThat(one.getJsonArray("attempts")).isEmpty();
    JsonArray ofEntry = http.get("/api/v1/entries/" + e.id() + "/notifications")
        .putHeader("Authorization", "Bearer " + adminToken).send().await().bodyAsJsonArray();
    assertThat(ofEntry).extracting(o -> ((JsonObject) o).getString("id")).contains(id.toString());

    HttpResponse<Buffer> retry = http.post("/api/v1/notifications/" + id + "/retry")
        .putHeader("Authorization", "Bearer " + adminToken).send().await();
    assertThat(retry.statusCode()).as(retry.bodyAsString()).isEqualTo(200);
    assertThat(retry.bodyAsJsonObject().getString("state")).isEqualTo("pending");
    assertProblem(http.post("/api/v1/notifications/" + id + "/retry")
        .putHeader("Authorization", "Bearer " + adminToken).send().await(), 409);
  }

  @Test
  void twilioWebhooksAnswerTwimlOnlyWhenSignedByTwilio() {
    MultiMap form = MultiMap.caseInsensitiveMultiMap().add("From", "+447700900777").add("To", "+447700900000")
        .add("Body", "HELP").add("MessageSid", "SM123").add("AccountSid", "AC0123");
    String path = "/api/v1/twilio/inbound-sms";
    HttpResponse<Buffer> signed = http.post(path)
        .putHeader("X-Twilio-Signature", sign(PUBLIC_URL + path, form)).sendForm(form).await();
    assertThat(signed.statusCode()).as(signed.bodyAsString()).isEqualTo(200);
    assertThat(signed.getHeader("Content-Type")).startsWith("text/xml");
    assertThat(signed.bodyAsString()).contains("<Message>").contains("STOP");

    assertProblem(http.post(path).sendForm(form).await(), 403);
    assertProblem(http.post(path).putHeader("X-Twilio-Signature", sign("https://elsewhere.test" + path, form))
        .sendForm(form).await(), 403);

    String status = "/api/v1/twilio/message-status?intent=" + UUID.randomUUID();
    MultiMap report = MultiMap.caseInsensitiveMultiMap().add("MessageSid", "SM999").add("MessageStatus", "delivered");
    HttpResponse<Buffer> ok = http.post(status).putHeader("X-Twilio-Signature", sign(PUBLIC_URL + status, report))
        .sendForm(report).await();
    assertThat(ok.statusCode()).as(ok.bodyAsString()).isEqualTo(200);
  }

  @Test
  void unsignedOrForgedDeliveryReportsAreRefusedAndNeverMoveAMessageToAnotherChannel() {
    Entry e = checkIn("Di Report");
    UUID id = StoredNotifications.called(pool, e, "sent", Map.of("channel", "sms", "provider_ref", "SM777",
        "sent_at", OffsetDateTime.now()));
    String status = "/api/v1/twilio/message-status?intent=" + id;
    MultiMap undelivered = MultiMap.caseInsensitiveMultiMap().add("MessageSid", "SM777")
        .add("MessageStatus", "undelivered").add("ErrorCode", "30003");
    MultiMap delivered = MultiMap.caseInsensitiveMultiMap().add("MessageSid", "SM777")
        .add("MessageStatus", "delivered");

    assertProblem(http.post(status).sendForm(undelivered).await(), 403);
    assertProblem(http.post(status).putHeader("X-Twilio-Signature",
        sign("another-auth-token", PUBLIC_URL + status, undelivered)).sendForm(undelivered).await(), 403);
    assertProblem(http.post(status).putHeader("X-Twilio-Signature", sign(PUBLIC_URL + status, delivered))
        .sendForm(undelivered).await(), 403); // a real signature, over another report
    assertThat(intentState(id)).isEqualTo("sent sms {}");
    assertThat(pool.query("SELECT count(*) FROM notify_provider_status WHERE provider_ref = 'SM777'").execute().await()
        .iterator().next().getLong(0)).isZero();

    // Twilio's own report does move it: the refusals above were the signature, not the report
    HttpResponse<Buffer> real = http.post(status)
        .putHeader("X-Twilio-Signature", sign(PUBLIC_URL + status, undelivered)).sendForm(undelivered).await();
    assertThat(real.statusCode()).as(real.bodyAsString()).isEqualTo(200);
    assertThat(intentState(id)).isEqualTo("pending sms {sms}");
  }

  // --- helpers

  private static String intentState(UUID id) {
    var r = pool.preparedQuery("SELECT state, channel, excluded::text FROM notify_intent WHERE id = $1")
        .execute(Tuple.of(id)).await().iterator().next();
    return r.getString(0) + " " + r.getString(1) + " " + r.getString(2);
  }

  private static Entry checkIn(String name) {
    return commands.checkIn("general", new CheckIn(new Patient(name, null, null, "+447700900111", null),
        Priority.NORMAL, null, null), "test").await().entry();
  }

  private static String visitToken(Entry e) {
    return commands.visitToken(e.id()).await();
  }

  private static HttpResponse<Buffer> post(String path, JsonObject body) {
    return http.post(path).sendJsonObject(body).await();
  }

  private static JsonObject subscription(String endpoint) throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    ECPublicKey pub = (ECPublicKey) g.generateKeyPair().getPublic();
    byte[] point = new byte[65];
    point[0] = 4;
    byte[] x = pub.getW().getAffineX().toByteArray();
    byte[] y = pub.getW().getAffineY().toByteArray();
    System.arraycopy(x, Math.max(0, x.length - 32), point, 1 + 32 - Math.min(32, x.length), Math.min(32, x.length));
    System.arraycopy(y, Math.max(0, y.length - 32), point, 33 + 32 - Math.min(32, y.length), Math.min(32, y.length));
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    return new JsonObject().put("endpoint", endpoint).put("expirationTime", null)
        .put("keys", new JsonObject().put("p256dh", b64.encodeToString(point))
            .put("auth", b64.encodeToString("sixteen byte key".getBytes(StandardCharsets.US_ASCII))));
  }

  private static String sign(String url, MultiMap form) {
    return sign(TWILIO_TOKEN, url, form);
  }

  private static String sign(String authToken, String url, MultiMap form) {
    StringBuilder data = new StringBuilder(url);
    TreeMap<String, String> sorted = new TreeMap<>();
    form.forEach(e -> sorted.put(e.getKey(), e.getValue()));
    sorted.forEach((k, v) -> data.append(k).append(v));
    try {
      Mac mac = Mac.getInstance("HmacSHA1");
      mac.init(new SecretKeySpec(authToken.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
      return Base64.getEncoder().encodeToString(mac.doFinal(data.toString().getBytes(StandardCharsets.UTF_8)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static void assertProblem(HttpResponse<Buffer> r, int status) {
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(status);
    assertThat(r.getHeader("Content-Type")).startsWith(Problems.CONTENT_TYPE);
    assertThat(r.bodyAsJsonObject().getString("detail")).isNotBlank();
  }
}

package io.waitline.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import io.vertx.sqlclient.Pool;
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
import io.waitline.queue.command.QueueSnapshot;
import io.waitline.queue.event.EventBusPublisher;
import io.waitline.queue.event.QueueEventPublisher;
import io.waitline.queue.store.QueueStore;
import io.waitline.queue.store.TestDatabase;
import java.time.ZoneId;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * The web edge as the server wires it, over a fresh embedded PostgreSQL, listening on a free port: one site
 * ({@link #SITE}) with two queues ({@link #GENERAL}, {@link #LAB}), an HTTP and a WebSocket client.
 */
final class TestApp implements AutoCloseable {
  static final String TOKEN = "test-staff-token-7f3a9c21d4e8";
  static final String SITE = "clinic";
  static final String GENERAL = "general";
  static final String LAB = "lab";

  final Vertx vertx;
  final Pool pool;
  final MovableClock clock = new MovableClock();
  final QueueCommands commands;
  final HttpServer server;
  final WebClient http;
  final WebSocketClient webSockets;
  private final AtomicInteger counter = new AtomicInteger();

  private TestApp(UnaryOperator<QueueEventPublisher> faults) {
    // metrics on, as the server has them, so /metrics has something to scrape
    vertx = Vertx.vertx(new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions()
        .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true)).setEnabled(true)));
    var db = TestDatabase.freshDatabase();
    Notifications.migrate("jdbc:postgresql://" + db.getHost() + ":" + db.getPort() + "/" + db.getDatabase(),
        db.getUser(), db.getPassword());
    pool = TestDatabase.pool(vertx, db, 8);
    commands = new QueueCommands(pool, new QueueStore(), faults.apply(new EventBusPublisher(vertx.eventBus())),
        new ServiceTimeEstimator(), clock);
    // notification endpoints with Web Push configured; nothing is sent (the module is not started)
    VapidKeys vapid = VapidKeys.generate();
    Notifications notifications = Notifications.create(vertx, pool, NotificationsConfig.load(
        Map.of("VAPID_PUBLIC_KEY", vapid.publicKey(), "VAPID_PRIVATE_KEY", vapid.privateKey())::get, "http://localhost"));
    var router = WebApi.router(vertx, pool, commands, new WebApi.Settings("http://localhost", TOKEN), notifications)
        .await();
    server = vertx.createHttpServer().requestHandler(router).listen(0).await();
    http = WebClient.create(vertx, new WebClientOptions().setDefaultHost("localhost")
        .setDefaultPort(server.actualPort()));
    webSockets = vertx.createWebSocketClient();
    commands.createSite(new Site(SITE, "Riverside Clinic", ZoneId.of("Europe/London"), "en", "ticket")).await();
    queue(SITE, GENERAL, "A");
    queue(SITE, LAB, "B");
  }

  /** The edge with events published straight to the event bus. */
  static TestApp start() {
    return new TestApp(p -> p);
  }

  /** The edge with the event-bus publisher wrapped, e.g. to lose or reorder events. */
  static TestApp start(UnaryOperator<QueueEventPublisher> faults) {
    return new TestApp(faults);
  }

  int port() {
    return server.actualPort();
  }

  // --- state, through the commands

  void queue(String siteId, String id, String prefix) {
    commands.createQueue(new ServiceQueue(id, siteId, "Queue " + id, prefix, OrderingRule.DEFAULT, 600, false, 1, 0))
        .await();
  }

  /** A new empty queue at {@link #SITE}, with its own ticket prefix. */
  String newQueue() {
    int n = counter.incrementAndGet();
    String id = "q-" + n;
    queue(SITE, id, "" + (char) ('C' + n / 26) + (char) ('A' + n % 26));
    return id;
  }

  /** A new site with its own two queues ({@code <site>-a}, {@code <site>-b}). */
  String newSite() {
    String id = "site-" + counter.incrementAndGet();
    commands.createSite(new Site(id, "Site " + id, ZoneId.of("Europe/London"), "en", "ticket")).await();
    queue(id, id + "-a", "SA");
    queue(id, id + "-b", "SB");
    return id;
  }

  Entry checkIn(String queueId, String name) {
    return commands.checkIn(queueId, new CheckIn(new Patient(name, null, null, null, null), Priority.NORMAL, null,
        null), "test").await();
  }

  String visitToken(Entry e) {
    return commands.visitToken(e.id()).await();
  }

  QueueSnapshot snapshot(String queueId) {
    return commands.snapshot(queueId).await();
  }

  long seq(String queueId) {
    return commands.queue(queueId).await().version();
  }

  // --- HTTP

  HttpRequest<Buffer> anonymous(HttpMethod method, String path) {
    return http.request(method, path);
  }

  HttpRequest<Buffer> staff(HttpMethod method, String path) {
    return http.request(method, path).putHeader("Authorization", "Bearer " + TOKEN);
  }

  HttpResponse<Buffer> get(String path) {
    return staff(HttpMethod.GET, path).send().await();
  }

  /** Sends {@code body} as it is, labelled application/json, with the staff token. */
  HttpResponse<Buffer> post(String path, String body) {
    return staff(HttpMethod.POST, path).putHeader("Content-Type", "application/json")
        .sendBuffer(Buffer.buffer(body)).await();
  }

  HttpResponse<Buffer> post(String path) {
    return staff(HttpMethod.POST, path).send().await();
  }

  /** Asserts an RFC 9457 problem with this status and a human sentence in {@code detail}; returns the problem. */
  static JsonObject problem(HttpResponse<Buffer> response, int status) {
    assertThat(response.statusCode()).as("status of %s", response.bodyAsString()).isEqualTo(status);
    assertThat(response.getHeader("Content-Type")).startsWith(Problems.CONTENT_TYPE);
    JsonObject problem = response.bodyAsJsonObject();
    assertThat(problem.getInteger("status")).isEqualTo(status);
    assertThat(problem.getString("type")).startsWith("https://");
    assertThat(problem.getString("title")).isNotBlank();
    assertThat(problem.getString("detail")).as("detail").isNotBlank()
        .doesNotContain("Exception").doesNotContain("java.").doesNotContain("null");
    return problem;
  }

  // --- WebSockets

  /** Opens a feed, e.g. {@code /ws/queues/general?view=display}; fails the test if the handshake is refused. */
  FeedClient feed(String uri) {
    return FeedClient.connect(webSockets, port(), uri);
  }

  /** The HTTP status with which the server refuses to open this feed. */
  int refusedFeed(String uri) {
    try {
      FeedClient.connect(webSockets, port(), uri).close();
    } catch (UpgradeRejectedException e) {
      return e.getStatus();
    }
    throw new AssertionError("the feed " + uri + " was opened but should have been refused");
  }

  @Override
  public void close() {
    http.close();
    webSockets.close().await();
    server.close().await();
    vertx.close().await();
  }
}

package io.waitline.edge;

import io.waitline.edge.pipeline.AccessServices;
import io.waitline.edge.pipeline.Problems;
import io.waitline.edge.pipeline.ClientAddress;
import io.waitline.edge.oidc.OidcSettings;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.waitline.access.DeviceKind;
import io.waitline.access.NewAccount;
import io.waitline.access.PairedDevice;
import io.waitline.access.PasswordHasher;
import io.waitline.access.Role;
import io.waitline.access.RoleGrant;
import io.waitline.access.StaffAccount;
import io.waitline.notify.NotificationsConfig;
import io.waitline.notify.webpush.VapidKeys;
import io.waitline.pay.Payments;
import io.waitline.pay.PaymentsConfig;
import io.waitline.pay.store.Settings;
import io.waitline.queue.Entry;
import io.waitline.queue.OrderingRule;
import io.waitline.queue.Patient;
import io.waitline.queue.Priority;
import io.waitline.queue.ServiceQueue;
import io.waitline.queue.Site;
import io.waitline.queue.command.CheckIn;
import io.waitline.queue.command.QueueCommands;
import io.waitline.sync.SyncService;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.waitline.queue.command.QueueSnapshot;
import io.waitline.queue.command.TestClock;
import io.waitline.queue.event.QueueEventPublisher;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import io.vertx.sqlclient.Row;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A Waitline node wired as the server wires it ({@link WaitlineNode}), on a fresh copy of a migrated database
 * ({@link MigratedDatabases}), listening on a free port with one edge instance per core: one site ({@link #SITE})
 * with two queues ({@link #GENERAL}, {@link #LAB}), an HTTP and a WebSocket client. Credentials come from the real
 * access services: {@link #staffToken}, {@link #deviceToken}, {@link #adminToken}.
 *
 * <p>A test class registers one as a JUnit extension, {@code @RegisterExtension static final TestApp app =
 * TestApp.node();}: it starts before the class's {@code @BeforeAll} methods and stops after its tests.
 *
 * <p>A Vert.x thread reported blocked while the node runs fails the test during which it was reported (or, when the
 * app is not an extension, its {@link #close}).
 */
final class TestApp implements BeforeAllCallback, AfterEachCallback, AfterAllCallback, AutoCloseable {
  /** The password of every account {@link #account} creates. */
  static final String PASSWORD = "correct horse battery staple";
  static final String SITE = "clinic";
  static final String GENERAL = "general";
  static final String LAB = "lab";
  /** The signing secret Stripe's webhooks are checked with (the processor itself is the sandbox). */
  static final String STRIPE_WEBHOOK_SECRET = "whsec_edge_test";
  /** Where {@link #clock} starts: a Friday, mid-morning at {@link #SITE} (Europe/London, on GMT then). */
  static final Instant START = Instant.parse("2026-11-20T10:00:00Z");

  /**
   * The commands' clock (queues, payments, sources, insights): 10:00 on a Friday in London, a millisecond later at
   * every reading and otherwise still, so no run crosses midnight; a test that needs time to pass moves it.
   */
  final TestClock clock = new TestClock(START, Duration.ofMillis(1));
  /**
   * The access services' own clock, so moving patients to another day leaves sessions valid. It runs with real time:
   * a class's many requests spend rate-limit budgets that only time refills (RateLimitTest, which counts them, stops
   * it).
   */
  final TestClock accessClock = TestClock.running(Instant.now());
  private final UnaryOperator<QueueEventPublisher> faults;
  private final OidcSettings oidc;
  private final ClientAddress proxies;
  Vertx vertx;
  /** The node's own database, a fresh copy for this app. */
  PgConnectOptions database;
  WaitlineNode node;
  Pool pool;
  AccessServices access;
  EdgeRouter.Settings settings;
  QueueCommands commands;
  /** Co-pays through the sandbox terminal: €20.00 at the kiosk of {@link #GENERAL}. */
  Payments payments;
  /** Appointment sources with a test key; nothing is polled (the node's scheduler is off). */
  SyncService sync;
  /** The key sealing appointment sources' secrets in tests: 32 bytes, base64. */
  static final String SECRETS_KEY = java.util.Base64.getEncoder().encodeToString(new byte[32]);
  WebClient http;
  WebSocketClient webSockets;
  private final AtomicInteger counter = new AtomicInteger();
  private String adminToken;
  private BlockedEventLoops blocked;
  /** Changes to the node's options beyond the test defaults (e.g. shorter connection deadlines). */
  private UnaryOperator<WaitlineNode.Options> tuning = UnaryOperator.identity();

  private TestApp(UnaryOperator<QueueEventPublisher> faults, OidcSettings oidc, ClientAddress proxies) {
    this.faults = faults;
    this.oidc = oidc;
    this.proxies = proxies;
  }

  /** The node as an extension, started for the test class; events published straight to the event bus. */
  static TestApp node() {
    return new TestApp(p -> p, null, null);
  }

  /** The node as an extension, behind these trusted proxies (as WAITLINE_TRUSTED_PROXIES lists them). */
  static TestApp nodeTrustingProxies(String proxies) {
    return new TestApp(p -> p, null, ClientAddress.trusting(proxies));
  }

  /** The node as an extension, with the event-bus publisher wrapped, e.g. to lose or reorder events. */
  static TestApp nodeWithFaults(UnaryOperator<QueueEventPublisher> faults) {
    return new TestApp(faults, null, null);
  }

  /** The node as an extension that also trusts this OpenID Connect provider (read when the node starts). */
  static TestApp nodeWithOidc(OidcSettings oidc) {
    return new TestApp(p -> p, oidc, null);
  }

  /** The node as an extension, its options changed by {@code tuning} (e.g. shorter connection deadlines). */
  static TestApp nodeTuned(UnaryOperator<WaitlineNode.Options> tuning) {
    TestApp app = node();
    app.tuning = tuning;
    return app;
  }

  /** A node started now, for a test that needs one of its own; close it. */
  static TestApp start() {
    return node().open();
  }

  /** A node started now that also trusts this OpenID Connect provider (its discovery document is read at start). */
  static TestApp startWithOidc(OidcSettings oidc) {
    return new TestApp(p -> p, oidc, null).open();
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    open();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    blocked.assertNone();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    close();
  }

  private TestApp open() {
    adminToken = null; // a rerun of a failed test opens the app again, on a new database
    blocked = BlockedEventLoops.watch();
    // metrics on, as the server has them, so /metrics has something to scrape; an event loop is reported blocked
    // after 5 s (Vert.x's default is 2 s): on a loaded 2-core CI machine a starved but idle loop can pass 2 s, while
    // the stalls this catches (a request doing seconds of work) pass 5 s too
    vertx = Vertx.vertx(new VertxOptions().setMaxEventLoopExecuteTime(5).setMaxEventLoopExecuteTimeUnit(
        java.util.concurrent.TimeUnit.SECONDS).setMetricsOptions(new MicrometerMetricsOptions()
        .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true)).setEnabled(true)));
    // Web Push configured, so the notification endpoints answer; nothing is sent (the module is not started)
    VapidKeys vapid = VapidKeys.generate();
    database = MigratedDatabases.fresh();
    var options = new WaitlineNode.Options(database, "http://localhost")
        .poolSize(8)
        .listen("0.0.0.0", 0)
        .notifications(NotificationsConfig.load(Map.of("VAPID_PUBLIC_KEY", vapid.publicKey(),
            "VAPID_PRIVATE_KEY", vapid.privateKey())::get, "http://localhost"))
        .sendNotifications(false)
        .clocks(clock, accessClock)
        .passwordHasher(PasswordHasher.forTests())
        .busFaults(faults)
        .payments(PaymentsConfig.load(Map.of("STRIPE_WEBHOOK_SECRET", STRIPE_WEBHOOK_SECRET)::get,
            "http://localhost"))
        .appointmentSources(SECRETS_KEY)
        .pollSources(false)
        .meterRegistry(new SimpleMeterRegistry())
        .nodeName("edge-test")
        .oidc(oidc);
    if (proxies != null) options.clientAddress(proxies);
    node = WaitlineNode.start(vertx, tuning.apply(options));
    pool = node.pool();
    access = node.access();
    settings = node.settings();
    commands = node.commands();
    payments = node.payments();
    sync = node.sync();
    http = WebClient.create(vertx, new WebClientOptions().setDefaultHost("localhost").setDefaultPort(port()));
    webSockets = vertx.createWebSocketClient();
    commands.createSite(new Site(SITE, "Riverside Clinic", ZoneId.of("Europe/London"), "en", "ticket")).await();
    queue(SITE, GENERAL, "A");
    queue(SITE, LAB, "B");
    payments.saveSiteSetting(new Settings.SiteSetting(SITE, "eur", true)).await();
    payments.saveQueueSetting(new Settings.QueueSetting(GENERAL, 2000, "kiosk")).await();
    return this;
  }

  /** A sandbox card reader of its own at {@link #SITE}, so payments on it never find it busy. */
  String newReader(String station) {
    String id = "sbx_" + station + "_" + counter.incrementAndGet();
    payments.saveReader(new Settings.Reader(id, SITE, station, "Reader " + id)).await();
    return id;
  }

  /** A new csv source at {@link #SITE} whose files have the columns Id, Start and Name, for {@link #GENERAL}. */
  java.util.UUID csvSource() {
    return sync.create(SITE, new JsonObject().put("kind", "csv")
        .put("name", "Export " + counter.incrementAndGet()).put("mapping", new JsonObject()
            .put("defaultQueue", GENERAL).put("columns", new JsonObject()
                .put("appointmentId", "Id").put("start", "Start").put("patientName", "Name")))).await().id();
  }

  /** A {@link #csvSource} file of one appointment tomorrow. */
  String csvFile(String appointmentId, String patientName) {
    return "Id,Start,Name\r\n" + appointmentId + "," + clock.instant().plus(java.time.Duration.ofDays(1)) + ","
        + patientName + "\r\n";
  }

  int port() {
    return node.port();
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
        null), "test").await().entry();
  }

  /** {@code name} checked in to a new queue of their own and called from it, so it is certainly them who is called. */
  Entry calledAlone(String name) {
    String queue = newQueue();
    checkIn(queue, name);
    return commands.callNext(queue, "Room 2", "test").await();
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

  /**
   * Every row of every table of the node's database, as text, by table: what a refused request must leave as it
   * was. Left out are the migration histories, the two tables every request writes whatever it asks: the
   * rate-limit buckets it spends and the audit log, which records refusals too (see {@link #auditSince}), and a
   * device's last-seen time, which every request of the device sets.
   */
  Map<String, List<String>> tables() {
    Map<String, List<String>> out = new java.util.TreeMap<>();
    for (String name : tableNames()) {
      List<String> rows = new ArrayList<>();
      for (Row r : pool.query("SELECT " + rowText(name) + " FROM \"" + name + "\" t ORDER BY 1").execute().await()) {
        rows.add(r.getString(0));
      }
      out.put(name, rows);
    }
    return out;
  }

  /**
   * Resolves every card payment or refund left for the payments sweep, so that no background work changes a table
   * while a test compares it before and after a request: each pass moves {@link #clock} a minute on (past the sandbox
   * reader's simulated tap and the wait before an unanswered call is looked up) and runs the sweep.
   */
  void settlePayments() {
    for (int pass = 0; unsettledPayments() > 0; pass++) {
      assertThat(pass).as("passes of the payments sweep before every payment is settled").isLessThan(5);
      clock.advance(Duration.ofMinutes(1));
      payments.sweep().await();
    }
  }

  private long unsettledPayments() {
    return pool.query("SELECT (SELECT count(*) FROM payment WHERE state IN ('unknown', 'processing', 'authorized'))"
        + " + (SELECT count(*) FROM payment_refund WHERE state IN ('pending', 'unknown'))").execute().await()
        .iterator().next().getLong(0);
  }

  /** Asserts that every table {@link #tables} reads is as in {@code before}, naming the first that is not. */
  void assertTablesAsBefore(Map<String, List<String>> before, String after) {
    Map<String, List<String>> now = tables();
    assertThat(now.keySet()).isEqualTo(before.keySet());
    before.forEach((table, rows) -> assertThat(now.get(table)).as("table %s after %s", table, after).isEqualTo(rows));
  }

  /**
   * A digest of each table {@link #tables} reads, all in one statement: the cheap check for many calls. A table's
   * digest is its row count and the sum of its rows' 64-bit hashes, so no row has to be sorted.
   */
  Map<String, String> tableDigests() {
    String perTable = String.join(" UNION ALL ", tableNames().stream().map(name -> "SELECT '" + name
        + "', count(*) || ':' || coalesce(sum(hashtextextended(" + rowText(name) + ", 0)), 0) FROM \"" + name
        + "\" t").toList());
    Map<String, String> out = new java.util.TreeMap<>();
    for (Row r : pool.query(perTable).execute().await()) out.put(r.getString(0), r.getString(1));
    return out;
  }

  /** A row {@code t} of {@code table} as text, without the device's last-seen time. */
  private static String rowText(String table) {
    return table.equals("device") ? "(to_jsonb(t) - 'last_seen_at')::text" : "t::text";
  }

  private List<String> tableNames() {
    List<String> out = new ArrayList<>();
    for (Row table : pool.query("SELECT table_name FROM information_schema.tables WHERE table_schema ="
        + " current_schema() AND table_type = 'BASE TABLE' AND table_name NOT LIKE 'flyway%'"
        + " AND table_name NOT IN ('rate_limit', 'audit_log')").execute().await()) {
      out.add(table.getString(0));
    }
    return out;
  }

  /** The newest audit record's id (0 when there is none), to read what a request added with {@link #auditSince}. */
  long lastAuditId() {
    return pool.query("SELECT coalesce(max(id), 0) FROM audit_log").execute().await().iterator().next().getLong(0);
  }

  /** The action and outcome of every audit record after {@code id}, oldest first. */
  List<String> auditSince(long id) {
    List<String> out = new ArrayList<>();
    for (Row r : pool.preparedQuery("SELECT action || ' ' || outcome FROM audit_log WHERE id > $1 ORDER BY id")
        .execute(io.vertx.sqlclient.Tuple.of(id)).await()) {
      out.add(r.getString(0));
    }
    return out;
  }

  /**
   * The newest audit record's id once the records of every request answered so far are written: they are written
   * as answers end, so an earlier test's record may still be on its way (see {@link #auditUpToMarker}).
   */
  long settledAuditId() {
    auditUpToMarker(lastAuditId(), 0);
    return lastAuditId();
  }

  /**
   * The action and outcome of every audit record after {@code id} (as {@link #auditSince}), up to a later marker: an
   * admin's search of the site's entries is made now, and its record and at least {@code expected} others are waited
   * for (records are written as answers end, not always in the order of the answers). The marker's own record is
   * left out.
   */
  List<String> auditUpToMarker(long id, int expected) {
    return auditUpToMarker(id, expected, record -> true);
  }

  /**
   * The same, for the records {@code counted} accepts ("action outcome"): those are awaited and returned. A record
   * of a request answered earlier may still be written after the marker (by the event loop that served it), so a test
   * that cannot name every record after {@code id} names the ones it means.
   */
  List<String> auditUpToMarker(long id, int expected, Predicate<String> counted) {
    HttpResponse<Buffer> marker = http.get("/api/v1/sites/" + SITE + "/entries?q=audit-marker")
        .putHeader("Authorization", "Bearer " + adminToken()).send().await();
    assertThat(marker.statusCode()).as("the marker request").isEqualTo(200);
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
    while (true) {
      List<String> records = new ArrayList<>();
      boolean markerSeen = false;
      for (Row r : pool.preparedQuery("SELECT action || ' ' || outcome, detail->>'search' FROM audit_log"
          + " WHERE id > $1 ORDER BY id").execute(io.vertx.sqlclient.Tuple.of(id)).await()) {
        if ("audit-marker".equals(r.getString(1))) markerSeen = true;
        else if (counted.test(r.getString(0))) records.add(r.getString(0));
      }
      if (markerSeen && records.size() >= expected) return records;
      if (System.nanoTime() > deadline) {
        assertThat(markerSeen).as("the marker's audit record within 10 s").isTrue();
        return records;
      }
      vertx.timer(20).await();
    }
  }

  /**
   * The first record that {@code GET /api/v1/audit?<filter>} shows {@code token} and {@code match} accepts, read once
   * a later marker's record is written (see {@link #auditUpToMarker}) and again until one matches, for at most 10 s:
   * the event loop that answered the request may write its record after the marker's.
   */
  JsonObject auditRecord(String token, String filter, Predicate<JsonObject> match) {
    settledAuditId();
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
    while (true) {
      HttpResponse<Buffer> r = http.get("/api/v1/audit?" + filter).putHeader("Authorization", "Bearer " + token)
          .send().await();
      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
      JsonArray items = r.bodyAsJsonObject().getJsonArray("items");
      for (Object o : items) {
        if (match.test((JsonObject) o)) return (JsonObject) o;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no matching audit record for " + filter + " within 10 s of a later marker; found "
            + items);
      }
      vertx.timer(20).await();
    }
  }

  /** The same, as the admin sees it. */
  JsonObject auditRecord(String filter, Predicate<JsonObject> match) {
    return auditRecord(adminToken(), filter, match);
  }

  // --- credentials

  /** A new local account with these roles at {@code siteIdOrNullForAll} and the password {@link #PASSWORD}. */
  StaffAccount account(String siteIdOrNullForAll, Role... roles) {
    int n = counter.incrementAndGet();
    List<RoleGrant> grants = Arrays.stream(roles).map(r -> new RoleGrant(r, siteIdOrNullForAll)).toList();
    return access.accounts().create(new NewAccount("staff-" + n, "Staff Member " + n, PASSWORD, grants)).await();
  }

  /** A bearer ({@code wls_}) API token of a new account with these roles at one site, or at every site for null. */
  String staffToken(String siteIdOrNullForAll, Role... roles) {
    return tokenOf(account(siteIdOrNullForAll, roles));
  }

  /** A bearer API token for an existing account. */
  String tokenOf(StaffAccount account) {
    return access.sessions().open(account.principal(null), account.id(), "token", "127.0.0.1").await().token();
  }

  /** A newly paired device of this kind at {@code siteId}: its token ({@code wld_}) and record. */
  PairedDevice device(String siteId, DeviceKind kind) {
    String code = access.devices().startPairing(siteId, kind, kind.wire() + " " + counter.incrementAndGet(), "test")
        .await().code();
    return access.devices().pair(code).await();
  }

  /** The token ({@code wld_}) of a newly paired device of this kind at {@code siteId}. */
  String deviceToken(String siteId, DeviceKind kind) {
    return device(siteId, kind).token();
  }

  /** An API token of an admin at every site (made once per app); the staff helpers below send it. */
  synchronized String adminToken() {
    if (adminToken == null) adminToken = staffToken(null, Role.ADMIN);
    return adminToken;
  }

  // --- HTTP

  HttpRequest<Buffer> anonymous(HttpMethod method, String path) {
    return http.request(method, path);
  }

  HttpRequest<Buffer> staff(HttpMethod method, String path) {
    return http.request(method, path).putHeader("Authorization", "Bearer " + adminToken());
  }

  HttpResponse<Buffer> get(String path) {
    return staff(HttpMethod.GET, path).send().await();
  }

  /** Sends {@code body} as it is, labelled application/json, with the admin token. */
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

  /**
   * Checks a refusal on a FHIR path: an OperationOutcome with {@code status}, its sentence in the issue's
   * diagnostics; returned as the problem it stands for ({@code status}, {@code title}, {@code detail}).
   */
  static JsonObject operationOutcome(HttpResponse<Buffer> response, int status) {
    assertThat(response.statusCode()).as("status of %s", response.bodyAsString()).isEqualTo(status);
    assertThat(response.getHeader("Content-Type")).startsWith("application/fhir+json");
    JsonObject outcome = response.bodyAsJsonObject();
    assertThat(outcome.getString("resourceType")).isEqualTo("OperationOutcome");
    JsonObject issue = outcome.getJsonArray("issue").getJsonObject(0);
    assertThat(issue.getString("severity")).isEqualTo("error");
    assertThat(issue.getString("diagnostics")).as("diagnostics").isNotBlank()
        .doesNotContain("Exception").doesNotContain("java.").doesNotContain("null");
    return new JsonObject().put("status", status).put("title", issue.getJsonObject("details").getString("text"))
        .put("detail", issue.getString("diagnostics"));
  }

  // --- WebSockets

  /** The staff view of {@code queue}'s live feed, as the admin. */
  FeedClient staffFeed(String queue) {
    return feed("/ws/queues/" + queue + "?view=staff&access_token=" + adminToken());
  }

  /** The staff view of every queue of {@code site} in one live feed, as the admin. */
  FeedClient siteStaffFeed(String site) {
    return feed("/ws/sites/" + site + "?view=staff&access_token=" + adminToken());
  }

  /** Opens a feed, e.g. {@code /ws/queues/general?view=display}; fails the test if the handshake is refused. */
  FeedClient feed(String uri) {
    return FeedClient.connect(webSockets, port(), uri);
  }

  /**
   * Proves that nothing but heartbeats reached these queue or site feeds since their last message read: one more
   * check-in at {@code queue} must be the very next message of each, so a duplicate or stray message sent earlier
   * fails.
   */
  void assertNextIsMarker(String queue, FeedClient... feeds) {
    checkIn(queue, "Marker Patient");
    String marker = queue + "#" + seq(queue);
    for (FeedClient feed : feeds) {
      JsonObject next = feed.next();
      assertThat(next.getString("queueId") + "#" + next.getLong("seq"))
          .as("the marker, with nothing before it: %s", next).isEqualTo(marker);
      assertThat(next.getString("type")).as("the marker's frame (protocol 1 or 2)").isIn("event", "delta");
    }
  }

  /**
   * The same for a patient's feed: pausing (or resuming) {@code queue} must be the very next visit the patient
   * gets, so a visit sent earlier for a change that did not concern them fails.
   */
  void assertNextVisitIsMarker(FeedClient feed, String queue) {
    boolean paused = commands.queue(queue).await().paused();
    commands.pause(queue, !paused, "test").await();
    JsonObject visit = feed.next("visit").getJsonObject("visit");
    assertThat(visit.getBoolean("queuePaused") + " #" + visit.getLong("seq"))
        .as("the marker, with nothing before it: %s", visit).isEqualTo(!paused + " #" + seq(queue));
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
    node.stop().await();
    vertx.close().await();
    blocked.stop();
    blocked.assertNone();
  }
}

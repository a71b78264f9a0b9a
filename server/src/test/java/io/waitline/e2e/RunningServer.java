package io.waitline.e2e;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.waitline.queue.LoopbackPorts;
import io.waitline.server.Config;
import io.waitline.server.WaitlineServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real Waitline server (embedded PostgreSQL in a temp data dir, demo site {@code main}) on a fixed free port, so a
 * restart keeps the address browsers reconnect to; small JSON helpers talk to the REST API as the first admin, with
 * an API token. A browser test class registers one as a JUnit extension, which skips the class when Chromium is not
 * installed, starts the server before the class's own {@code @BeforeAll} and stops it and deletes its data after:
 * <pre>{@code @RegisterExtension static final RunningServer server = RunningServer.withStaff();}</pre>
 */
final class RunningServer implements BeforeAllCallback, AfterAllCallback {
  static final String ADMIN = "ada";
  static final String ADMIN_PASSWORD = "ada-admin-passphrase-1";
  /** A front-desk account at every site, for the desk pages. */
  static final String DESK = "desk";
  static final String DESK_PASSWORD = "desk-passphrase-2024";

  private final boolean withStaff;
  private Path dataDir;
  private int port;
  private int mllpPort;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private WaitlineServer server;
  private String token;

  private RunningServer(boolean withStaff) {
    this.withStaff = withStaff;
  }

  /** A server with its first admin (set up through the API) and the front-desk account. */
  static RunningServer withStaff() {
    return new RunningServer(true);
  }

  /** A server as on its very first start: no account yet, only the setup code. */
  static RunningServer unset() {
    return new RunningServer(false);
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    Browser.assumeInstalled();
    dataDir = Files.createTempDirectory("waitline-e2e-");
    port = LoopbackPorts.free();
    mllpPort = LoopbackPorts.free();
    startServer();
    if (withStaff) {
      setUp();
      createStaff(DESK, "Dana Desk", DESK_PASSWORD, "front-desk", null);
    }
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    try {
      stop();
    } finally {
      if (dataDir != null) {
        try (Stream<Path> files = Files.walk(dataDir)) {
          files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
      }
    }
  }

  private void startServer() throws Exception {
    server = new WaitlineServer(Config.load(Map.of(
        "WAITLINE_HTTP_HOST", "127.0.0.1",
        "WAITLINE_HTTP_PORT", String.valueOf(port),
        "WAITLINE_DATA_DIR", dataDir.toString(),
        "WAITLINE_MLLP_PORT", String.valueOf(mllpPort),
        "WAITLINE_PUBLIC_URL", base()))).start();
  }

  /** Where the server listens for HL7 v2 over MLLP (every hl7v2-mllp source). */
  int mllpPort() {
    return mllpPort;
  }

  /** The one-time setup code the server wrote to its data directory at its first start. */
  String setupCode() throws Exception {
    Path file = dataDir.resolve("setup-code");
    for (int i = 0; i < 100 && !Files.exists(file); i++) Thread.sleep(100);
    return Files.readString(file).trim();
  }

  boolean setupCodeExists() {
    return Files.exists(dataDir.resolve("setup-code"));
  }

  /** Creates the first admin through the API, then signs the helpers in as that admin. */
  void setUp() throws Exception {
    HttpResponse<String> r = anonymous("POST", "/api/v1/setup", new JsonObject().put("code", setupCode())
        .put("username", ADMIN).put("displayName", "Ada Admin").put("password", ADMIN_PASSWORD).encode());
    if (r.statusCode() != 201) throw new IllegalStateException("setup answered " + r.statusCode() + ": " + r.body());
    signInHelpers();
  }

  /** Gives the helpers an API token of the admin (after the admin exists). */
  void signInHelpers() {
    HttpResponse<String> r = anonymous("POST", "/api/v1/auth/tokens",
        new JsonObject().put("username", ADMIN).put("password", ADMIN_PASSWORD).encode());
    if (r.statusCode() != 201) throw new IllegalStateException("sign-in answered " + r.statusCode() + ": " + r.body());
    token = new JsonObject(r.body()).getString("token");
  }

  /** A built-in account with one role, at {@code siteId} or (null) at every site. */
  JsonObject createStaff(String username, String name, String password, String role, String siteId) {
    JsonObject grant = new JsonObject().put("role", role);
    if (siteId != null) grant.put("siteId", siteId);
    return post("/api/v1/staff", new JsonObject().put("username", username).put("displayName", name)
        .put("password", password).put("roles", new JsonArray().add(grant)));
  }

  /** A fresh pairing code for a {@code display} or {@code kiosk} at the site. */
  String pairingCode(String siteId, String kind, String name) {
    return post("/api/v1/sites/" + siteId + "/device-pairings", new JsonObject().put("kind", kind).put("name", name))
        .getString("code");
  }

  /** A kiosk of site main ("Entrance kiosk") in a TV-sized browser, paired at {@code path} and showing its page. */
  Browser pairedKiosk(String path) throws IOException {
    Browser kiosk = Browser.tv();
    try {
      kiosk.open(url(path));
      kiosk.pair(pairingCode("main", "kiosk", "Entrance kiosk"));
      kiosk.waitFor(d -> kiosk.visible("#app"));
      return kiosk;
    } catch (RuntimeException e) {
      kiosk.close();
      throw e;
    }
  }

  /** Stops the server (closing every browser connection) and the database. */
  void stop() throws Exception {
    if (server != null) server.stop();
    server = null;
  }

  /** Starts again on the same port and data. */
  void startAgain() throws Exception {
    startServer();
  }

  String base() {
    return "http://127.0.0.1:" + port;
  }

  String url(String path) {
    return base() + path;
  }

  JsonObject post(String path, JsonObject body) {
    return new JsonObject(send("POST", path, body == null ? "" : body.encode(), 200, 201));
  }

  void postNoContent(String path, JsonObject body) {
    send("POST", path, body == null ? "" : body.encode(), 200, 204);
  }

  JsonObject delete(String path) {
    return new JsonObject(send("DELETE", path, null, 200));
  }

  JsonObject getObject(String path) {
    return new JsonObject(send("GET", path, null, 200));
  }

  JsonArray getArray(String path) {
    return new JsonArray(send("GET", path, null, 200));
  }

  /** Status code and body of a request as the admin, whatever the status. */
  HttpResponse<String> raw(String method, String path, String body) {
    return request(method, path, body, token);
  }

  /** Status code and body of a request without any credential. */
  HttpResponse<String> anonymous(String method, String path, String body) {
    return request(method, path, body, null);
  }

  private HttpResponse<String> request(String method, String path, String body, String bearer) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(10))
        .header("Accept", "application/json");
    if (bearer != null) b.header("Authorization", "Bearer " + bearer);
    if (body != null) b.header("Content-Type", "application/json");
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    try {
      return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException(method + " " + path + " failed", e);
    }
  }

  private String send(String method, String path, String body, int... ok) {
    HttpResponse<String> r = raw(method, path, body);
    for (int status : ok) {
      if (r.statusCode() == status) return r.body();
    }
    throw new IllegalStateException(method + " " + path + " answered " + r.statusCode() + ": " + r.body());
  }

  JsonObject checkIn(String queueId, String name) {
    return post("/api/v1/queues/" + queueId + "/check-ins",
        new JsonObject().put("patient", new JsonObject().put("name", name)));
  }

  JsonObject callNext(String queueId, String room) {
    return post("/api/v1/queues/" + queueId + "/call-next", new JsonObject().put("calledTo", room));
  }

  /** An appointment later today in the demo site's time zone (a little earlier today just before midnight). */
  JsonObject appointmentToday(String queueId, String name, String birthDate, String ref) {
    java.time.ZoneId zone = java.time.ZoneId.of("Europe/London");
    java.time.Instant now = java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    java.time.Instant at = now.plusSeconds(600);
    if (!java.time.LocalDate.ofInstant(at, zone).equals(java.time.LocalDate.ofInstant(now, zone))) {
      at = now.minusSeconds(600);
    }
    return post("/api/v1/queues/" + queueId + "/appointments", new JsonObject()
        .put("patient", new JsonObject().put("name", name).put("birthDate", birthDate))
        .put("appointmentAt", at.toString()).put("appointmentRef", ref));
  }

}

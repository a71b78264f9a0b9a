package io.waitline.e2e;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.waitline.server.Config;
import io.waitline.server.WaitlineServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * A real Waitline server (embedded PostgreSQL in a temp data dir, demo site {@code main}) on a fixed free port, so a
 * restart keeps the address browsers reconnect to. Small JSON helpers talk to its REST API as staff.
 */
final class RunningServer implements AutoCloseable {
  static final String TOKEN = "e2e-staff-token-0123456789abcdef";

  private final Path dataDir;
  private final int port;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private WaitlineServer server;

  private RunningServer(Path dataDir, int port) {
    this.dataDir = dataDir;
    this.port = port;
  }

  static RunningServer start(Path dataDir) throws Exception {
    RunningServer s = new RunningServer(dataDir, freePort());
    s.startServer();
    return s;
  }

  private void startServer() throws Exception {
    server = new WaitlineServer(Config.load(Map.of(
        "WAITLINE_HTTP_HOST", "127.0.0.1",
        "WAITLINE_HTTP_PORT", String.valueOf(port),
        "WAITLINE_DATA_DIR", dataDir.toString(),
        "WAITLINE_ADMIN_TOKEN", TOKEN,
        "WAITLINE_PUBLIC_URL", base()))).start();
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

  JsonObject getObject(String path) {
    return new JsonObject(send("GET", path, null, 200));
  }

  JsonArray getArray(String path) {
    return new JsonArray(send("GET", path, null, 200));
  }

  /** Status code and body of a request, whatever the status. */
  HttpResponse<String> raw(String method, String path, String body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(10))
        .header("Authorization", "Bearer " + TOKEN).header("Accept", "application/json");
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

  @Override
  public void close() throws Exception {
    stop();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    }
  }
}

package io.waitline.load;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The REST calls the benchmark makes, as a script would: JSON over HTTP, bearer token, every call with a timeout. */
final class Api {
  static final long TIMEOUT_MS = 30_000;

  private final WebClient web;
  private final String baseUrl;
  private String token;

  Api(WebClient web, String baseUrl) {
    this.web = web;
    this.baseUrl = baseUrl;
  }

  /** The same account on another HTTP client, with its own connections: one desk of several. */
  Api onClient(WebClient other) {
    Api api = new Api(other, baseUrl);
    api.token = token;
    return api;
  }

  /** POST /api/v1/auth/tokens: an API token for the account, used for every later call and the staff feeds. */
  String signIn(String username, String password) {
    token = call(HttpMethod.POST, "/api/v1/auth/tokens", 201,
        new JsonObject().put("username", username).put("password", password), false).getString("token");
    return token;
  }

  /** The API token {@link #signIn} got. */
  String token() {
    return token;
  }

  /** A display device enrolled the way a TV is: a pairing code from the admin, redeemed by the device. */
  String pairDisplay(String site, String name) {
    String code = call(HttpMethod.POST, "/api/v1/sites/" + site + "/device-pairings", 201,
        new JsonObject().put("kind", "display").put("name", name), true).getString("code");
    return call(HttpMethod.POST, "/api/v1/devices/pair", 201, new JsonObject().put("code", code), false)
        .getString("token");
  }

  void createQueue(String site, String id, String ticketPrefix) {
    call(HttpMethod.POST, "/api/v1/sites/" + site + "/queues", 201, new JsonObject().put("id", id)
        .put("name", "Benchmark " + id).put("ticketPrefix", ticketPrefix), true);
  }

  /** An hl7v2-mllp source whose messages carry MSH-4 {@code facility}, all of them to {@code queue}. */
  void createHl7Source(String site, String name, String facility, String queue) {
    call(HttpMethod.POST, "/api/v1/sites/" + site + "/sources", 201, new JsonObject().put("kind", "hl7v2-mllp")
        .put("name", name).put("mapping", new JsonObject().put("defaultQueue", queue)
            .put("hl7", new JsonObject().put("sendingFacility", facility).put("timeZone", "UTC"))), true);
  }

  /** Checks a walk-in in; yields the entry with its {@code patientLink}. */
  JsonObject checkIn(String queueId, String name) {
    return call(HttpMethod.POST, "/api/v1/queues/" + queueId + "/check-ins", 201,
        new JsonObject().put("patient", new JsonObject().put("name", name)), true);
  }

  JsonObject callNext(String queueId, String calledTo) {
    return call(HttpMethod.POST, "/api/v1/queues/" + queueId + "/call-next", 200,
        new JsonObject().put("calledTo", calledTo), true);
  }

  void noShow(String entryId) {
    call(HttpMethod.POST, "/api/v1/entries/" + entryId + "/no-show", 200, null, true);
  }

  void start(String entryId) {
    call(HttpMethod.POST, "/api/v1/entries/" + entryId + "/start", 200, null, true);
  }

  void complete(String entryId) {
    call(HttpMethod.POST, "/api/v1/entries/" + entryId + "/complete", 200, null, true);
  }

  /** The queue's event log after {@code after}, at most {@code limit} events, in seq order. */
  JsonArray events(String queueId, long after, int limit) {
    return send(HttpMethod.GET, "/api/v1/queues/" + queueId + "/events?after=" + after + "&limit=" + limit, 200,
        null, true).bodyAsJsonArray();
  }

  /** The queue's current seq (its version): the last event every queue feed must have seen. */
  long queueSeq(String queueId) {
    return call(HttpMethod.GET, "/api/v1/queues/" + queueId, 200, null, false).getLong("seq");
  }

  /** Creates an appointment source of the site; yields its id. */
  String createSource(String site, JsonObject definition) {
    return call(HttpMethod.POST, "/api/v1/sites/" + site + "/sources", 201, definition, true).getString("id");
  }

  /** The source's health: state, last attempt and success, counts per outcome. */
  JsonObject sourceHealth(String sourceId) {
    return call(HttpMethod.GET, "/api/v1/sources/" + sourceId + "/health", 200, null, true);
  }

  /** Uploads a CSV file to a csv source and applies it; yields the report. */
  JsonObject uploadCsv(String sourceId, String csv, long timeoutMs) {
    HttpRequest<Buffer> req = web.requestAbs(HttpMethod.POST, baseUrl + "/api/v1/sources/" + sourceId + "/files")
        .timeout(timeoutMs).bearerTokenAuthentication(token).putHeader("Content-Type", "text/csv; charset=utf-8");
    HttpResponse<Buffer> r;
    try {
      r = req.sendBuffer(Buffer.buffer(csv)).await(timeoutMs + 1000, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new ApiException(0, "the CSV upload got no answer within " + timeoutMs + " ms");
    }
    if (r.statusCode() != 200) {
      throw new ApiException(r.statusCode(), "the CSV upload answered " + r.statusCode() + ": " + r.bodyAsString());
    }
    return r.bodyAsJsonObject();
  }

  /** GET /api/v1/sites/{site}/insights?{query}: the figures of a range of the site's days, as JSON. */
  JsonObject insights(String site, String query) {
    return call(HttpMethod.GET, "/api/v1/sites/" + site + "/insights?" + query, 200, null, true);
  }

  /** The Prometheus text of /metrics, or null when the server does not answer it. */
  String metrics() {
    try {
      HttpResponse<Buffer> r = web.requestAbs(HttpMethod.GET, baseUrl + "/metrics").timeout(TIMEOUT_MS).send()
          .await(TIMEOUT_MS + 1000, TimeUnit.MILLISECONDS);
      return r.statusCode() == 200 ? r.bodyAsString() : null;
    } catch (TimeoutException e) {
      return null;
    }
  }

  private JsonObject call(HttpMethod method, String path, int expected, JsonObject body, boolean withToken) {
    return send(method, path, expected, body, withToken).bodyAsJsonObject();
  }

  private HttpResponse<Buffer> send(HttpMethod method, String path, int expected, JsonObject body,
      boolean withToken) {
    HttpRequest<Buffer> req = web.requestAbs(method, baseUrl + path).timeout(TIMEOUT_MS);
    if (withToken) req.bearerTokenAuthentication(token);
    HttpResponse<Buffer> r;
    try {
      r = (body == null ? req.send() : req.sendJsonObject(body)).await(TIMEOUT_MS + 1000, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new ApiException(0, method + " " + path + " got no answer within " + TIMEOUT_MS + " ms");
    }
    if (r.statusCode() != expected) {
      throw new ApiException(r.statusCode(), method + " " + path + " answered " + r.statusCode() + ": "
          + r.bodyAsString());
    }
    return r;
  }

  static final class ApiException extends RuntimeException {
    /** The HTTP status of the answer; 0 when none came. */
    final int status;

    ApiException(int status, String message) {
      super(message);
      this.status = status;
    }
  }
}

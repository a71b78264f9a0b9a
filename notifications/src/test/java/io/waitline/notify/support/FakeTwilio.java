package io.waitline.notify.support;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A local server speaking Twilio's Messages API as twilio-java calls it: {@code POST .../Messages.json} (form
 * encoded, HTTP Basic with the account SID and auth token), {@code GET .../Messages.json?To=&From=&PageSize=} (newest
 * first, in pages linked by {@code next_page_uri}), {@code GET .../Messages/{Sid}.json} and {@code GET
 * /2010-04-01/Accounts/{Sid}.json}, with Twilio's JSON shapes
 * and error bodies. It keeps every message it accepted, and can fail a share of requests, answer late, drop
 * connections or be down.
 */
public final class FakeTwilio implements AutoCloseable {
  public static final String SID = "AC00000000000000000000000000000001";
  public static final String TOKEN = "test-auth-token-0123456789";
  public static final String FROM = "+447700900000";
  private static final DateTimeFormatter RFC2822 =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss Z", Locale.US).withZone(ZoneOffset.UTC);

  /** One message Twilio accepted. */
  public record Sms(String sid, String to, String from, String body, String statusCallback, Instant created) {}

  public final List<Sms> accepted = new CopyOnWriteArrayList<>();
  public final AtomicInteger posts = new AtomicInteger();
  public final AtomicInteger lookups = new AtomicInteger();
  /** Reads of the account resource (what a breaker's probe asks). */
  public final AtomicInteger accountReads = new AtomicInteger();
  public final Set<String> invalidNumbers = ConcurrentHashMap.newKeySet();
  public final Set<String> unsubscribed = ConcurrentHashMap.newKeySet();
  public volatile double failRate;
  /** Accepted messages for which the answer comes this late (the message is kept either way). */
  public volatile Predicate<Sms> answerLate = s -> false;
  public volatile long lateMillis = 3000;
  /** Requests that are read and then cut off without answer and without keeping the message. */
  public final AtomicInteger dropNext = new AtomicInteger();
  /** Requests that are read, then neither kept nor answered (the sender dies waiting, or times out). */
  public final AtomicInteger swallowNext = new AtomicInteger();
  /** Requests that are kept, then answered 500 (a failure after Twilio took the message). */
  public final AtomicInteger failAfterAccepting = new AtomicInteger();
  /** Requests that are kept, then never answered (the caller hangs until its own timeout). */
  public final AtomicInteger hangAfterAccepting = new AtomicInteger();

  private final Vertx vertx;
  private final Random random = new Random(42);
  private HttpServer server;
  private int port;

  public FakeTwilio(Vertx vertx) {
    this.vertx = vertx;
  }

  public FakeTwilio start() {
    server = vertx.createHttpServer().requestHandler(this::handle);
    server.listen(port).toCompletionStage().toCompletableFuture().join();
    port = server.actualPort();
    return this;
  }

  /** Down entirely: connections are refused until {@link #start()} again (same port). */
  public void stop() {
    server.close().toCompletionStage().toCompletableFuture().join();
  }

  public String url() {
    return "http://127.0.0.1:" + port;
  }

  public long countFor(String body) {
    return accepted.stream().filter(s -> s.body().equals(body)).count();
  }

  private void handle(HttpServerRequest req) {
    String expected = "Basic " + Base64.getEncoder().encodeToString((SID + ":" + TOKEN)
        .getBytes(StandardCharsets.UTF_8));
    String base = "/2010-04-01/Accounts/" + SID + "/Messages";
    if (!expected.equals(req.getHeader("Authorization"))) {
      error(req, 401, 20003, "Authenticate");
      return;
    }
    if (req.method().name().equals("GET") && req.path().equals("/2010-04-01/Accounts/" + SID + ".json")) {
      accountReads.incrementAndGet();
      json(req, 200, new JsonObject().put("sid", SID).put("friendly_name", "Waitline test").put("status", "active")
          .put("type", "Full").put("uri", req.path()));
    } else if (req.method().name().equals("POST") && req.path().equals(base + ".json")) {
      req.setExpectMultipart(true);
      req.end().onSuccess(v -> create(req));
    } else if (req.method().name().equals("GET") && req.path().equals(base + ".json")) {
      list(req);
    } else if (req.method().name().equals("GET") && req.path().startsWith(base + "/")) {
      String sid = req.path().substring(base.length() + 1).replace(".json", "");
      accepted.stream().filter(s -> s.sid().equals(sid)).findFirst().ifPresentOrElse(
          s -> json(req, 200, message(s)), () -> error(req, 404, 20404, "The requested resource was not found"));
    } else {
      error(req, 404, 20404, "The requested resource " + req.path() + " was not found");
    }
  }

  private void create(HttpServerRequest req) {
    posts.incrementAndGet();
    if (swallowNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) return;
    if (dropNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      req.connection().close();
      return;
    }
    boolean fail;
    synchronized (random) {
      fail = random.nextDouble() < failRate;
    }
    if (fail) {
      error(req, 500, 20500, "An internal server error has occurred");
      return;
    }
    var form = req.formAttributes();
    String to = form.get("To");
    if (to == null || !to.matches("\\+[1-9][0-9]{6,14}") || invalidNumbers.contains(to)) {
      error(req, 400, 21211, "The 'To' number " + to + " is not a valid phone number.");
      return;
    }
    if (unsubscribed.contains(to)) {
      error(req, 400, 21610, "Attempt to send to unsubscribed recipient");
      return;
    }
    String sid = "SM" + java.util.UUID.randomUUID().toString().replace("-", "");
    Sms sms = new Sms(sid, to, form.get("From"), form.get("Body"), form.get("StatusCallback"), Instant.now());
    accepted.add(sms);
    if (hangAfterAccepting.getAndUpdate(n -> Math.max(0, n - 1)) > 0) return;
    if (failAfterAccepting.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      error(req, 500, 20500, "An internal server error has occurred");
      return;
    }
    if (answerLate.test(sms)) {
      vertx.setTimer(lateMillis, id -> {
        if (!req.response().closed()) json(req, 201, message(sms));
      });
    } else {
      json(req, 201, message(sms));
    }
  }

  private void list(HttpServerRequest req) {
    lookups.incrementAndGet();
    String to = req.getParam("To");
    String from = req.getParam("From");
    int size = req.getParam("PageSize") == null ? 50 : Integer.parseInt(req.getParam("PageSize"));
    int page = req.getParam("Page") == null ? 0 : Integer.parseInt(req.getParam("Page"));
    List<Sms> all = accepted.stream()
        .filter(s -> to == null || s.to().equals(to))
        .filter(s -> from == null || s.from().equals(from))
        .sorted(Comparator.comparing(Sms::created).reversed())
        .toList();
    List<JsonObject> found = all.stream().skip((long) page * size).limit(size).map(this::message).toList();
    String uri = req.uri();
    String base = req.path() + "?" + (to == null ? "" : "To=" + encode(to) + "&")
        + (from == null ? "" : "From=" + encode(from) + "&") + "PageSize=" + size;
    boolean more = (long) (page + 1) * size < all.size();
    json(req, 200, new JsonObject()
        .put("messages", new JsonArray(found))
        .put("uri", uri)
        .put("first_page_uri", base + "&Page=0")
        .put("next_page_uri", more ? base + "&Page=" + (page + 1) + "&PageToken=PA" + (page + 1) : null)
        .put("previous_page_uri", page == 0 ? null : base + "&Page=" + (page - 1))
        .put("page", page)
        .put("page_size", size)
        .put("start", page * size)
        .put("end", Math.max(0, page * size + found.size() - 1)));
  }

  private static String encode(String value) {
    return java.net.URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private JsonObject message(Sms s) {
    String date = RFC2822.format(s.created());
    return new JsonObject()
        .put("account_sid", SID)
        .put("api_version", "2010-04-01")
        .put("body", s.body())
        .put("date_created", date)
        .put("date_sent", null)
        .put("date_updated", date)
        .put("direction", "outbound-api")
        .put("error_code", null)
        .put("error_message", null)
        .put("from", s.from())
        .put("messaging_service_sid", null)
        .put("num_media", "0")
        .put("num_segments", "1")
        .put("price", null)
        .put("price_unit", "USD")
        .put("sid", s.sid())
        .put("status", "queued")
        .put("subresource_uris", new JsonObject().put("media", "/2010-04-01/Accounts/" + SID + "/Messages/"
            + s.sid() + "/Media.json"))
        .put("to", s.to())
        .put("uri", "/2010-04-01/Accounts/" + SID + "/Messages/" + s.sid() + ".json");
  }

  private static void error(HttpServerRequest req, int status, int code, String message) {
    json(req, status, new JsonObject().put("code", code).put("message", message)
        .put("more_info", "https://www.twilio.com/docs/errors/" + code).put("status", status));
  }

  private static void json(HttpServerRequest req, int status, JsonObject body) {
    if (req.response().closed() || req.response().ended()) return;
    req.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
  }

  @Override
  public void close() {
    try {
      stop();
    } catch (RuntimeException ignored) {
      // already stopped
    }
  }
}

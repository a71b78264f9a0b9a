package io.waitline.pay.support;

import io.netty.handler.codec.http.QueryStringDecoder;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A local server speaking the part of Stripe's HTTP API that stripe-java calls for Terminal's server-driven flow:
 * form-encoded requests with bearer keys, the Idempotency-Key header (replays, {@code idempotency_key_in_use} while
 * the first request runs, {@code idempotency_error} for other parameters), Stripe's error shapes, and objects built
 * from stripe-mock's canonical examples in the shared fixtures. Physical test-card outcomes follow Stripe's decline
 * amounts (ending 01 call_issuer, 05 generic_decline, 55 incorrect_pin, 75 pin_try_exceeded).
 *
 * <p>Faults are scripted per request: hang without doing anything, do the work and answer late, do the work and drop
 * the connection, or answer 500 after doing the work.
 */
public final class LocalStripe implements AutoCloseable {
  public static final String SECRET_KEY = "sk_test_waitline_local";
  public static final String WEBHOOK_SECRET = "whsec_waitline_local";

  /** What to do to one matching request. */
  public enum Fault { HANG, ANSWER_LATE, DROP_AFTER_WORK, SERVER_ERROR_AFTER_WORK }

  /** One request as received, for assertions about what Waitline sent. */
  public record Request(String method, String path, String idempotencyKey, String body) {}

  private record Scripted(String method, Pattern path, Fault fault) {}

  private record Stored(String fingerprint, int status, String body) {}

  private record Waiter(String method, Pattern path, io.vertx.core.Promise<Request> arrived) {}

  private final Vertx vertx;
  private final Clock clock;
  private final HttpServer server;
  private final Map<String, JsonObject> intents = new LinkedHashMap<>();
  private final Map<String, JsonObject> charges = new LinkedHashMap<>();
  private final Map<String, JsonObject> refunds = new LinkedHashMap<>();
  private final Map<String, JsonObject> readers = new LinkedHashMap<>();
  private final List<JsonObject> balance = new ArrayList<>();
  private final List<JsonObject> payouts = new ArrayList<>();
  /** Balance transaction id → the payout that paid it out. */
  private final Map<String, String> paidOutBy = new HashMap<>();
  private final Map<String, Stored> idempotent = new LinkedHashMap<>();
  private final Map<String, Boolean> inFlight = new LinkedHashMap<>();
  private final Deque<Scripted> faults = new ConcurrentLinkedDeque<>();
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final List<Waiter> waiters = new CopyOnWriteArrayList<>();
  private final List<io.vertx.core.Promise<Void>> hangWatchers = new CopyOnWriteArrayList<>();
  private long lateMillis = 1500;
  private int counter;

  public LocalStripe(Vertx vertx, Clock clock) {
    this.vertx = vertx;
    this.clock = clock;
    this.server = vertx.createHttpServer().requestHandler(this::handle);
    try {
      server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public String apiBase() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  /** A reader (online unless told otherwise), as registered in the Stripe dashboard. */
  public synchronized void addReader(String id, boolean online) {
    JsonObject r = Fixtures.stripe("terminal.reader");
    r.put("id", id).put("label", "Reader " + id).put("status", online ? "online" : "offline").putNull("action")
        .put("device_type", "bbpos_wisepos_e");
    readers.put(id, r);
  }

  /** The next request matching {@code method} and {@code pathRegex} meets {@code fault}. */
  public void fault(String method, String pathRegex, Fault fault) {
    faults.add(new Scripted(method, Pattern.compile(pathRegex), fault));
  }

  /** How late {@link Fault#ANSWER_LATE} answers: longer than the SDK's read timeout in the tests. */
  public void lateBy(long millis) {
    this.lateMillis = millis;
  }

  /** Completes when a request matching {@code method} and {@code pathRegex} arrives (before it is answered). */
  public io.vertx.core.Future<Request> nextRequest(String method, String pathRegex) {
    Waiter w = new Waiter(method, Pattern.compile(pathRegex), io.vertx.core.Promise.promise());
    waiters.add(w);
    return w.arrived().future();
  }

  /** Completes when the client of a hanging request gives up (its connection closes). */
  public io.vertx.core.Future<Void> hangReleased() {
    io.vertx.core.Promise<Void> p = io.vertx.core.Promise.promise();
    hangWatchers.add(p);
    return p.future();
  }

  /** Requests received matching {@code method} and {@code pathRegex}. */
  public List<Request> requests(String method, String pathRegex) {
    Pattern p = Pattern.compile(pathRegex);
    return requests.stream().filter(r -> r.method().equals(method) && p.matcher(r.path()).matches()).toList();
  }

  /** Clears the request log (after a warm-up). */
  public void forgetRequests() {
    requests.clear();
  }

  public List<Request> requests() {
    return List.copyOf(requests);
  }

  public synchronized List<JsonObject> intents() {
    return intents.values().stream().map(JsonObject::copy).toList();
  }

  public synchronized JsonObject intent(String id) {
    return intents.get(id).copy();
  }

  public synchronized List<JsonObject> charges() {
    return charges.values().stream().map(JsonObject::copy).toList();
  }

  public synchronized List<JsonObject> refunds() {
    return refunds.values().stream().map(JsonObject::copy).toList();
  }

  /** Money actually taken: captured amounts less refunds, over every charge. */
  public synchronized long netCaptured() {
    return charges.values().stream().mapToLong(c -> c.getLong("amount_captured") - c.getLong("amount_refunded"))
        .sum();
  }

  /** Books a charge Waitline never asked for (for the reconciliation). */
  public synchronized void bookForeignCharge(long amount, String currency) {
    JsonObject charge = charge(amount, currency, null);
    charge.put("captured", true).put("amount_captured", amount);
    charges.put(charge.getString("id"), charge);
    book("charge", charge.getString("id"), amount, currency);
  }

  /**
   * Pays out every booking not paid out yet, as Stripe's automatic payouts do: the payout's amount is their net (less
   * fees), arriving at {@code arrival} with {@code status} ({@code paid}, {@code in_transit}, {@code failed}...).
   */
  public synchronized String payOut(Instant arrival, String status) {
    JsonObject po = Fixtures.stripe("payout");
    String id = "po_" + next();
    long amount = 0;
    String currency = "eur";
    for (JsonObject bt : balance) {
      if (paidOutBy.containsKey(bt.getString("id"))) continue;
      paidOutBy.put(bt.getString("id"), id);
      amount += bt.getLong("net");
      currency = bt.getString("currency");
    }
    po.put("id", id).put("amount", amount).put("currency", currency).put("arrival_date", arrival.getEpochSecond())
        .put("created", clock.instant().getEpochSecond()).put("status", status);
    payouts.add(po);
    return id;
  }

  // --- Stripe's webhooks, signed the way Stripe signs them

  /** An Event envelope around a copy of {@code object}, as Stripe posts it. */
  public synchronized JsonObject event(String type, JsonObject object) {
    JsonObject ev = Fixtures.stripe("event");
    return ev.put("id", "evt_" + next()).put("type", type).put("created", clock.instant().getEpochSecond())
        .put("api_version", com.stripe.Stripe.API_VERSION)
        .put("data", new JsonObject().put("object", object.copy()));
  }

  /** {@code Stripe-Signature}: t=timestamp, v1=HMAC-SHA256(secret, "timestamp.payload") in hex. */
  public static String sign(String payload, long timestamp, String secret) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      byte[] digest = mac.doFinal((timestamp + "." + payload).getBytes(StandardCharsets.UTF_8));
      StringBuilder hex = new StringBuilder();
      for (byte b : digest) hex.append(String.format("%02x", b));
      return "t=" + timestamp + ",v1=" + hex;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  // --- HTTP

  private void handle(HttpServerRequest req) {
    req.body().onSuccess(body -> {
      String key = req.getHeader("Idempotency-Key");
      Request received = new Request(req.method().name(), req.path(), key, body.toString());
      requests.add(received);
      for (Waiter w : waiters) {
        if (w.method().equals(received.method()) && w.path().matcher(received.path()).matches()
            && waiters.remove(w)) {
          w.arrived().tryComplete(received);
        }
      }
      if (!("Bearer " + SECRET_KEY).equals(req.getHeader("Authorization"))) {
        send(req, 401, error("invalid_request_error", null, "Invalid API Key provided."));
        return;
      }
      Scripted fault = takeFault(req.method().name(), req.path());
      if (fault != null && fault.fault() == Fault.HANG) {
        synchronized (this) {
          if (key != null) inFlight.put(key, true);
        }
        // the client gives up; Stripe never ran the request, so the key is free again
        req.connection().closeHandler(v -> {
          synchronized (this) {
            if (key != null) inFlight.remove(key);
          }
          hangWatchers.forEach(p -> p.tryComplete());
          hangWatchers.clear();
        });
        return;
      }
      Stored answer = answer(req, key, body);
      if (fault == null) {
        send(req, answer.status(), answer.body());
        return;
      }
      switch (fault.fault()) {
        case ANSWER_LATE -> vertx.setTimer(lateMillis, id -> send(req, answer.status(), answer.body()));
        case DROP_AFTER_WORK -> req.connection().close();
        case SERVER_ERROR_AFTER_WORK -> send(req, 500, error("api_error", null,
            "An unknown error occurred while processing this request."));
        default -> throw new IllegalStateException();
      }
    });
  }

  private Scripted takeFault(String method, String path) {
    for (Scripted s : faults) {
      if (s.method().equals(method) && s.path().matcher(path).matches() && faults.remove(s)) return s;
    }
    return null;
  }

  /** Runs a request once per idempotency key, as Stripe does: later requests with the key get the first answer. */
  private synchronized Stored answer(HttpServerRequest req, String key, Buffer body) {
    String fingerprint = req.method() + " " + req.path() + " " + body;
    if (key != null && req.method().name().equals("POST")) {
      if (inFlight.containsKey(key)) {
        return new Stored(fingerprint, 409, error("invalid_request_error", "idempotency_key_in_use",
            "There is currently another in-progress request using this Idempotent Key (that probably means you"
                + " submitted twice, and the other request is still going through): " + key
                + ". Please try again later."));
      }
      Stored earlier = idempotent.get(key);
      if (earlier != null) {
        if (!earlier.fingerprint().equals(fingerprint)) {
          return new Stored(fingerprint, 400, error("idempotency_error", null, "Keys for idempotent requests can"
              + " only be used with the same parameters they were first used with. Try using a key other than '"
              + key + "' if you meant to execute a different request."));
        }
        return earlier;
      }
    }
    MultiMap form = form(req.method().name().equals("GET") ? req.query() : body.toString());
    Stored out;
    try {
      JsonObject result = route(req.method().name(), req.path(), form);
      out = new Stored(fingerprint, 200, result.encode());
    } catch (StripeError e) {
      out = new Stored(fingerprint, e.status, e.body);
    }
    // Stripe saves the answer of a request that ran, except 500s
    if (key != null && req.method().name().equals("POST") && out.status() < 500) idempotent.put(key, out);
    return out;
  }

  private static final Pattern INTENT = Pattern.compile("/v1/payment_intents/([^/]+)(/capture|/cancel)?");
  private static final Pattern READER = Pattern.compile(
      "/v1/terminal/readers/([^/]+)(/process_payment_intent|/cancel_action)?");
  private static final Pattern PRESENT = Pattern.compile(
      "/v1/test_helpers/terminal/readers/([^/]+)/present_payment_method");

  private JsonObject route(String method, String path, MultiMap form) {
    Matcher m;
    if (method.equals("POST") && path.equals("/v1/payment_intents")) return createIntent(form);
    if (method.equals("GET") && path.equals("/v1/payment_intents")) {
      long gte = Long.parseLong(form.get("created[gte]") == null ? "0" : form.get("created[gte]"));
      return list(path, intents.values().stream().filter(pi -> pi.getLong("created") >= gte).toList());
    }
    if ((m = INTENT.matcher(path)).matches()) {
      JsonObject pi = intents.get(m.group(1));
      if (pi == null) throw missing("payment_intent", m.group(1));
      if (method.equals("GET")) return expanded(pi, form);
      if ("/capture".equals(m.group(2))) return capture(pi);
      if ("/cancel".equals(m.group(2))) return cancel(pi);
    }
    if ((m = READER.matcher(path)).matches()) {
      JsonObject reader = readers.get(m.group(1));
      if (reader == null) throw missing("terminal.reader", m.group(1));
      if (method.equals("GET")) return reader.copy();
      if ("/process_payment_intent".equals(m.group(2))) return process(reader, form.get("payment_intent"));
      if ("/cancel_action".equals(m.group(2))) return reader.putNull("action").copy();
    }
    if (method.equals("POST") && (m = PRESENT.matcher(path)).matches()) {
      JsonObject reader = readers.get(m.group(1));
      if (reader == null) throw missing("terminal.reader", m.group(1));
      return present(reader);
    }
    if (method.equals("POST") && path.equals("/v1/refunds")) return refund(form);
    if (method.equals("GET") && path.equals("/v1/refunds")) {
      String pi = form.get("payment_intent");
      return list(path, refunds.values().stream().filter(r -> pi == null || pi.equals(r.getString("payment_intent")))
          .toList());
    }
    if (method.equals("GET") && path.equals("/v1/balance_transactions") && form.get("payout") != null) {
      String payout = form.get("payout");
      return list(path, balance.stream().filter(b -> payout.equals(paidOutBy.get(b.getString("id")))).toList());
    }
    if (method.equals("GET") && path.equals("/v1/payouts")) {
      long gte = Long.parseLong(form.get("arrival_date[gte]") == null ? "0" : form.get("arrival_date[gte]"));
      long lt = Long.parseLong(form.get("arrival_date[lt]") == null ? String.valueOf(Long.MAX_VALUE)
          : form.get("arrival_date[lt]"));
      return list(path, payouts.stream()
          .filter(p -> p.getLong("arrival_date") >= gte && p.getLong("arrival_date") < lt).toList());
    }
    if (method.equals("GET") && path.equals("/v1/balance_transactions")) {
      long gte = Long.parseLong(form.get("created[gte]") == null ? "0" : form.get("created[gte]"));
      long lt = Long.parseLong(form.get("created[lt]") == null ? String.valueOf(Long.MAX_VALUE)
          : form.get("created[lt]"));
      return list(path, balance.stream().filter(b -> b.getLong("created") >= gte && b.getLong("created") < lt)
          .toList());
    }
    throw new StripeError(404, error("invalid_request_error", null, "Unrecognized request URL (" + method + ": "
        + path + ")."));
  }

  private JsonObject createIntent(MultiMap form) {
    if (form.get("amount") == null || form.get("currency") == null) {
      throw new StripeError(400, error("invalid_request_error", "parameter_missing", "Missing required param: amount."));
    }
    JsonObject metadata = new JsonObject();
    form.forEach(e -> {
      if (e.getKey().startsWith("metadata[")) metadata.put(e.getKey().substring(9, e.getKey().length() - 1),
          e.getValue());
    });
    JsonObject pi = Fixtures.stripe("payment_intent");
    pi.put("id", "pi_" + next()).put("amount", Long.parseLong(form.get("amount"))).put("currency", form.get("currency"))
        .put("status", "requires_payment_method").put("capture_method", form.get("capture_method"))
        .put("payment_method_types", new JsonArray(form.getAll("payment_method_types[0]")))
        .put("created", clock.instant().getEpochSecond()).put("metadata", metadata)
        .put("description", form.get("description")).put("amount_received", 0).put("amount_capturable", 0)
        .putNull("latest_charge").putNull("last_payment_error").putNull("canceled_at").putNull("next_action")
        .putNull("client_secret").putNull("processing").putNull("automatic_payment_methods");
    intents.put(pi.getString("id"), pi);
    return pi.copy();
  }

  private JsonObject process(JsonObject reader, String intentId) {
    JsonObject pi = intents.get(intentId);
    if (pi == null) throw missing("payment_intent", intentId);
    if (!"online".equals(reader.getString("status"))) {
      throw new StripeError(400, error("invalid_request_error", "terminal_reader_offline",
          "Reader is currently offline, please ensure the reader is powered on and connected to the internet."));
    }
    JsonObject action = reader.getJsonObject("action");
    if (action != null && "in_progress".equals(action.getString("status"))) {
      throw new StripeError(400, error("invalid_request_error", "terminal_reader_busy",
          "Reader is currently busy processing another request."));
    }
    if (!"requires_payment_method".equals(pi.getString("status"))) {
      throw new StripeError(400, error("invalid_request_error", "payment_intent_unexpected_state",
          "This PaymentIntent's status is " + pi.getString("status") + "."));
    }
    reader.put("action", new JsonObject().put("type", "process_payment_intent").put("status", "in_progress")
        .putNull("failure_code").putNull("failure_message")
        .put("process_payment_intent", new JsonObject().put("payment_intent", intentId)));
    return reader.copy();
  }

  /** The patient taps a test card: approved, or declined by the amount's last two digits. */
  private JsonObject present(JsonObject reader) {
    JsonObject action = reader.getJsonObject("action");
    if (action == null || !"in_progress".equals(action.getString("status"))) {
      throw new StripeError(400, error("invalid_request_error", "terminal_reader_action_not_in_progress",
          "The reader has no action in progress."));
    }
    JsonObject pi = intents.get(action.getJsonObject("process_payment_intent").getString("payment_intent"));
    String decline = switch ((int) (pi.getLong("amount") % 100)) {
      case 1 -> "call_issuer";
      case 5 -> "generic_decline";
      case 55 -> "incorrect_pin";
      case 75 -> "pin_try_exceeded";
      default -> null;
    };
    if (decline != null) {
      action.put("status", "failed").put("failure_code", "card_declined").put("failure_message",
          "Your card was declined.");
      pi.put("last_payment_error", new JsonObject().put("type", "card_error").put("code", "card_declined")
          .put("decline_code", decline).put("message", "Your card was declined."));
      return reader.copy();
    }
    JsonObject charge = charge(pi.getLong("amount"), pi.getString("currency"), pi.getString("id"));
    charges.put(charge.getString("id"), charge);
    pi.put("status", "requires_capture").put("amount_capturable", pi.getLong("amount"))
        .put("latest_charge", charge.getString("id")).put("payment_method", "pm_" + next())
        .putNull("last_payment_error");
    action.put("status", "succeeded");
    return reader.copy();
  }

  private JsonObject capture(JsonObject pi) {
    if (!"requires_capture".equals(pi.getString("status"))) {
      throw new StripeError(400, error("invalid_request_error", "payment_intent_unexpected_state",
          "This PaymentIntent could not be captured because it has a status of " + pi.getString("status")
              + ". Only a PaymentIntent with one of the following statuses may be captured: requires_capture."));
    }
    long amount = pi.getLong("amount");
    JsonObject charge = charges.get(pi.getString("latest_charge"));
    charge.put("captured", true).put("amount_captured", amount);
    book("charge", charge.getString("id"), amount, pi.getString("currency"));
    pi.put("status", "succeeded").put("amount_received", amount).put("amount_capturable", 0);
    return pi.copy();
  }

  private JsonObject cancel(JsonObject pi) {
    String status = pi.getString("status");
    if (status.equals("succeeded") || status.equals("canceled")) {
      throw new StripeError(400, error("invalid_request_error", "payment_intent_unexpected_state",
          "You cannot cancel this PaymentIntent because it has a status of " + status + "."));
    }
    pi.put("status", "canceled").put("canceled_at", clock.instant().getEpochSecond())
        .put("cancellation_reason", "requested_by_customer");
    return pi.copy();
  }

  private JsonObject refund(MultiMap form) {
    JsonObject pi = intents.get(form.get("payment_intent"));
    if (pi == null) throw missing("payment_intent", form.get("payment_intent"));
    JsonObject charge = charges.get(pi.getString("latest_charge"));
    if (charge == null || !charge.getBoolean("captured")) {
      throw new StripeError(400, error("invalid_request_error", "charge_not_refundable",
          "This PaymentIntent does not have a successful charge to refund."));
    }
    long amount = form.get("amount") == null ? charge.getLong("amount_captured") - charge.getLong("amount_refunded")
        : Long.parseLong(form.get("amount"));
    if (charge.getLong("amount_refunded") + amount > charge.getLong("amount_captured")) {
      throw new StripeError(400, error("invalid_request_error", "amount_too_large", "Refund amount ("
          + amount + ") is greater than unrefunded amount on charge."));
    }
    JsonObject metadata = new JsonObject();
    form.forEach(e -> {
      if (e.getKey().startsWith("metadata[")) metadata.put(e.getKey().substring(9, e.getKey().length() - 1),
          e.getValue());
    });
    JsonObject refund = Fixtures.stripe("refund");
    refund.put("id", "re_" + next()).put("amount", amount).put("charge", charge.getString("id"))
        .put("payment_intent", pi.getString("id")).put("currency", pi.getString("currency"))
        .put("status", "succeeded").put("metadata", metadata).put("created", clock.instant().getEpochSecond());
    refunds.put(refund.getString("id"), refund);
    charge.put("amount_refunded", charge.getLong("amount_refunded") + amount)
        .put("refunded", charge.getLong("amount_refunded").equals(charge.getLong("amount_captured")));
    refund.put("balance_transaction", book("refund", refund.getString("id"), -amount, pi.getString("currency")));
    return refund.copy();
  }

  // --- objects

  private JsonObject charge(long amount, String currency, String intentId) {
    JsonObject charge = Fixtures.stripe("charge");
    charge.put("id", "ch_" + next()).put("amount", amount).put("currency", currency).put("captured", false)
        .put("amount_captured", 0).put("amount_refunded", 0).put("refunded", false).put("payment_intent", intentId)
        .put("created", clock.instant().getEpochSecond()).put("status", "succeeded").put("paid", true)
        .putNull("balance_transaction")
        .put("billing_details", new JsonObject().putNull("name").putNull("email").putNull("phone"))
        .put("payment_method_details", new JsonObject().put("type", "card_present").put("card_present",
            new JsonObject().put("brand", "visa").put("last4", "4242").put("exp_month", 12).put("exp_year", 2030)
                .put("funding", "credit").put("read_method", "contactless_emv").put("network", "visa")));
    return charge;
  }

  private String book(String type, String source, long amount, String currency) {
    JsonObject bt = Fixtures.stripe("balance_transaction");
    long fee = type.equals("charge") ? Math.round(amount * 0.027) + 5 : 0;
    bt.put("id", "txn_" + next()).put("type", type).put("reporting_category", type).put("source", source)
        .put("amount", amount).put("fee", fee).put("net", amount - fee).put("currency", currency)
        .put("created", clock.instant().getEpochSecond()).put("status", "pending").put("fee_details", new JsonArray());
    balance.add(bt);
    return bt.getString("id");
  }

  private JsonObject expanded(JsonObject pi, MultiMap form) {
    JsonObject out = pi.copy();
    if (form.getAll("expand[0]").contains("latest_charge") && out.getString("latest_charge") != null) {
      out.put("latest_charge", charges.get(out.getString("latest_charge")).copy());
    }
    return out;
  }

  private static JsonObject list(String url, List<JsonObject> data) {
    return new JsonObject().put("object", "list").put("url", url).put("has_more", false)
        .put("data", new JsonArray(data.stream().map(JsonObject::copy).toList()));
  }

  private String next() {
    return String.format("%024d", ++counter) + UUID.randomUUID().toString().substring(0, 4);
  }

  private static MultiMap form(String encoded) {
    MultiMap out = MultiMap.caseInsensitiveMultiMap();
    if (encoded == null || encoded.isEmpty()) return out;
    new QueryStringDecoder(encoded, StandardCharsets.UTF_8, false).parameters().forEach(out::add);
    return out;
  }

  private static String error(String type, String code, String message) {
    JsonObject e = new JsonObject().put("type", type).put("message", message);
    if (code != null) e.put("code", code);
    return new JsonObject().put("error", e).encode();
  }

  private static StripeError missing(String resource, String id) {
    return new StripeError(404, error("invalid_request_error", "resource_missing", "No such " + resource + ": '"
        + id + "'"));
  }

  private void send(HttpServerRequest req, int status, String body) {
    if (req.response().ended() || req.response().closed()) return;
    req.response().setStatusCode(status).putHeader("Content-Type", "application/json")
        .putHeader("Request-Id", "req_" + next()).end(body);
  }

  private static final class StripeError extends RuntimeException {
    final int status;
    final String body;

    StripeError(int status, String body) {
      super(body, null, false, false);
      this.status = status;
      this.body = body;
    }
  }

  @Override
  public void close() {
    server.close();
  }
}

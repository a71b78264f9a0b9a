package io.waitline.edge.pipeline;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import io.waitline.access.Principal;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Token buckets that slow down guessing (passwords, the setup code, pairing codes, visit links) and a runaway kiosk,
 * as each operation's {@code x-waitline-rate-limit} declares. Each bucket holds a minute's budget and refills
 * evenly; buckets are keyed by client address, or by device. They live in PostgreSQL ({@link RateLimitStore}), so
 * every instance and node on one database spends one budget and a restart does not refill it.
 */
public final class RateLimits {
  private final RateLimitStore store;
  private final Clock clock;
  private final ClientAddress clientAddress;
  /** The budget of each bucket seen so far: operations that share a bucket must agree on it. */
  private final Map<String, Integer> budgets = new ConcurrentHashMap<>();

  public RateLimits(RateLimitStore store, Clock clock, ClientAddress clientAddress) {
    this.store = store;
    this.clock = clock;
    this.clientAddress = clientAddress;
  }

  /** The limit of this operation, to run after the access guard; operations without a limit pass through. */
  public Handler<RoutingContext> forOperation(OperationPolicy policy) {
    OperationPolicy.RateLimit limit = policy.rateLimit();
    if (limit == null) return RoutingContext::next;
    int known = budgets.computeIfAbsent(limit.bucket(), b -> limit.perMinute());
    if (known != limit.perMinute()) {
      throw new IllegalStateException("operation " + policy.operationId() + " gives rate-limit bucket "
          + limit.bucket() + " " + limit.perMinute() + " a minute, another operation " + known);
    }
    return rc -> store.take(limit.bucket(), subject(rc, limit), limit.perMinute(), clock.millis())
        .onFailure(rc::fail)
        .onSuccess(waitMs -> {
          if (waitMs == 0) {
            rc.next();
            return;
          }
          long seconds = Math.max(1, (waitMs + 999) / 1000);
          String who = limit.per() == OperationPolicy.Per.DEVICE && Caller.of(rc) instanceof Principal.Device
              ? "this device" : "this address";
          rc.response().putHeader("Retry-After", String.valueOf(seconds));
          Problems.send(rc, 429, "too-many-requests", "Too many requests", "There were too many of these requests "
              + "from " + who + " in the last minute; please wait " + seconds + " second" + (seconds == 1 ? "" : "s")
              + " and try again.");
        });
  }

  private String subject(RoutingContext rc, OperationPolicy.RateLimit limit) {
    if (limit.per() == OperationPolicy.Per.DEVICE && Caller.of(rc) instanceof Principal.Device d) {
      return "device:" + d.id();
    }
    String address = clientAddress.of(rc);
    return address == null ? "unknown" : address;
  }
}

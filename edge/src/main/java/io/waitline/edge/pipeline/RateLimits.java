package io.waitline.edge.pipeline;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import io.waitline.access.Principal;
import java.time.Clock;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-node token buckets that slow down guessing (passwords, the setup code, pairing codes, visit links) and a
 * runaway kiosk. Each bucket holds a minute's budget and refills evenly; buckets are keyed by client address, or by
 * device for the kiosk. Memory is bounded: a bucket idle for a whole minute is full again and is forgotten, and at
 * most {@link #MAX_BUCKETS} are kept (the least recently used go first).
 */
public final class RateLimits {
  public static final int MAX_BUCKETS = 50_000;
  private static final long WINDOW_MS = 60_000;

  /** A budget of {@code perMinute} requests shared by the operations of one {@code group}. */
  private record Limit(String group, int perMinute, boolean perDevice) {}

  private static final Map<String, Limit> LIMITS = new HashMap<>();

  static {
    // signIn and createApiToken check the same passwords, so they share one budget
    Limit signIn = new Limit("sign-in", 10, false);
    LIMITS.put("signIn", signIn);
    LIMITS.put("createApiToken", signIn);
    LIMITS.put("setUpFirstAdmin", new Limit("setup", 10, false));
    LIMITS.put("pairDevice", new Limit("pairing", 10, false));
    Limit visit = new Limit("visit", 60, false);
    for (String op : List.of("getVisit", "visitRunningLate", "visitLeave", "subscribeWebPush", "registerPushToken",
        "getNotificationPreferences", "putNotificationPreferences")) {
      LIMITS.put(op, visit);
    }
    LIMITS.put("kioskCheckIn", new Limit("kiosk", 30, true));
  }

  private final Clock clock;
  private final int maxBuckets;
  private final ClientAddress clientAddress;
  /** In access order, so the least recently used bucket is the first. */
  private final LinkedHashMap<String, Bucket> buckets = new LinkedHashMap<>(64, 0.75f, true);

  public RateLimits(ClientAddress clientAddress) {
    this(Clock.systemUTC(), MAX_BUCKETS, clientAddress);
  }

  public RateLimits(Clock clock, int maxBuckets) {
    this(clock, maxBuckets, ClientAddress.TCP_PEER);
  }

  private RateLimits(Clock clock, int maxBuckets, ClientAddress clientAddress) {
    this.clock = clock;
    this.maxBuckets = maxBuckets;
    this.clientAddress = clientAddress;
  }

  /** The limit of this operation, to run after the access guard; operations without a limit pass through. */
  public Handler<RoutingContext> forOperation(String operationId) {
    Limit limit = LIMITS.get(operationId);
    if (limit == null) return RoutingContext::next;
    return rc -> {
      long waitMs = take(limit.group() + "|" + key(rc, limit), limit.perMinute());
      if (waitMs == 0) {
        rc.next();
        return;
      }
      long seconds = Math.max(1, (waitMs + 999) / 1000);
      String who = limit.perDevice() && Caller.of(rc) instanceof Principal.Device ? "this device" : "this address";
      rc.response().putHeader("Retry-After", String.valueOf(seconds));
      Problems.send(rc, 429, "too-many-requests", "Too many requests", "There were too many of these requests from "
          + who + " in the last minute; please wait " + seconds + " second" + (seconds == 1 ? "" : "s")
          + " and try again.");
    };
  }

  /**
   * Takes one token from the bucket {@code key} ({@code perMinute} tokens when full). Returns 0 when there was one,
   * otherwise how many milliseconds until there is.
   */
  public long take(String key, int perMinute) {
    long now = clock.millis();
    synchronized (buckets) {
      forgetIdle(now);
      Bucket b = buckets.computeIfAbsent(key, k -> new Bucket(perMinute, now));
      b.refill(now, perMinute);
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return 0;
      }
      return (long) Math.ceil((1 - b.tokens) * WINDOW_MS / perMinute - 1e-6); // no rounding error past a ms
    }
  }

  /** How many buckets are kept now. */
  public int size() {
    synchronized (buckets) {
      return buckets.size();
    }
  }

  private void forgetIdle(long now) {
    Iterator<Bucket> it = buckets.values().iterator();
    while (it.hasNext()) {
      Bucket eldest = it.next();
      if (buckets.size() < maxBuckets && now - eldest.updated < WINDOW_MS) return;
      it.remove();
    }
  }

  private String key(RoutingContext rc, Limit limit) {
    if (limit.perDevice() && Caller.of(rc) instanceof Principal.Device d) return "device:" + d.id();
    String address = clientAddress.of(rc);
    return address == null ? "unknown" : address;
  }

  private static final class Bucket {
    double tokens;
    long updated;

    Bucket(int perMinute, long now) {
      this.tokens = perMinute;
      this.updated = now;
    }

    void refill(long now, int perMinute) {
      if (now > updated) tokens = Math.min(perMinute, tokens + (now - updated) * (double) perMinute / WINDOW_MS);
      updated = now;
    }
  }
}

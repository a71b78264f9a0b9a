package io.waitline.edge.pipeline;

import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Session and device credentials the guard accepted a moment ago, so a burst of requests with one token costs one
 * database read, not one each (a command is then one transaction, not two). Shared by the node's edge instances.
 *
 * <p>An entry is used for at most {@link #TTL}, measured on the node's clock and on the real one, and never past its
 * credential's own end. Operations that end credentials ({@code x-waitline-ends-credentials} in the contract: sign
 * out, password changes, account changes, device revocation) empty the cache before they answer, and a lookup that
 * was under way when that happened does not store its now stale answer. Other nodes forget theirs when the change's
 * notice reaches them ({@link AccessChanges}), and in any case within {@link #TTL}. Only valid credentials are kept;
 * an unknown token is looked up every time.
 */
public final class CredentialCache {
  /** How long an accepted credential is taken on trust. */
  public static final Duration TTL = Duration.ofSeconds(1);
  private static final long TTL_NANOS = TTL.toNanos();
  /** Beyond this many distinct tokens in one second the cache starts afresh rather than grow. */
  static final int MAX_ENTRIES = 10_000;

  private record Entry(Object value, long storedNanos, Instant storedAt, Instant validUntil) {}

  private final Clock clock;
  private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
  private final AtomicLong generation = new AtomicLong();

  public CredentialCache(Clock clock) {
    this.clock = clock;
  }

  /**
   * The credential behind {@code token}: a recent accepted answer, or {@code load}'s (kept when present).
   * {@code validUntil} gives the credential's own end (null: none).
   */
  @SuppressWarnings("unchecked")
  public <T> Future<Optional<T>> lookup(String token, Supplier<Future<Optional<T>>> load,
      Function<T, Instant> validUntil) {
    Entry e = entries.get(token);
    Instant now = clock.instant();
    if (e != null && fresh(e, now)) return Future.succeededFuture(Optional.of((T) e.value()));
    long started = generation.get();
    return load.get().map(found -> {
      found.ifPresent(value -> store(token, value, validUntil.apply(value), started));
      return found;
    });
  }

  /** Forgets every credential: called when an operation that ends credentials is about to answer. */
  public void forgetAll() {
    generation.incrementAndGet();
    entries.clear();
  }

  private boolean fresh(Entry e, Instant now) {
    return System.nanoTime() - e.storedNanos() < TTL_NANOS
        && !now.isBefore(e.storedAt()) && now.isBefore(e.storedAt().plus(TTL))
        && (e.validUntil() == null || now.isBefore(e.validUntil()));
  }

  private void store(String token, Object value, Instant validUntil, long startedAt) {
    if (entries.size() >= MAX_ENTRIES) entries.clear();
    entries.put(token, new Entry(value, System.nanoTime(), clock.instant(), validUntil));
    // a credential ended while this lookup was under way: its answer may predate the change
    if (generation.get() != startedAt) entries.remove(token);
  }
}

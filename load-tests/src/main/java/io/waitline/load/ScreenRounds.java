package io.waitline.load;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What one side's screens hear, checked as it comes, one round (one frame to every screen) at a time. A screen's
 * first message must be of the first type (Waitline's snapshot, the bare server's hello); after it only frames of
 * the side's type may come, each with the seq after the screen's last, which must be the round's under way. A
 * heartbeat may come at any time, before the first message too. Anything else — a frame lost, repeated or early, a
 * resync, a close — fails the round and the run. Each screen's arrival time and frame size go into preallocated
 * slots: nothing is allocated per frame.
 */
final class ScreenRounds implements ScreenSockets.Screens {
  private static final byte[] HEARTBEAT = ascii("heartbeat");

  private final int clients;
  private final byte[] firstType;
  private final byte[] frameType;
  private final boolean[] heard;
  private final long[] lastSeq;
  private final long[] arrivedAt;
  private final long[] arrivedBytes;
  private final AtomicInteger heardCount = new AtomicInteger();
  private final CompletableFuture<Void> allHeard = new CompletableFuture<>();
  private volatile Round round;
  private volatile String failure;

  /** {@code clients} screens, each at {@code seq} once it has its first message. */
  ScreenRounds(int clients, long seq, String firstType, String frameType) {
    this.clients = clients;
    this.firstType = ascii(firstType);
    this.frameType = ascii(frameType);
    heard = new boolean[clients];
    lastSeq = new long[clients];
    Arrays.fill(lastSeq, seq);
    arrivedAt = new long[clients];
    arrivedBytes = new long[clients];
  }

  /** Completes once every screen has its first message; fails with the first failure. */
  CompletableFuture<Void> allHeard() {
    return allHeard;
  }

  int heard() {
    return heardCount.get();
  }

  /** The first failure, or null. */
  String failure() {
    return failure;
  }

  /** Starts the round of frame {@code seq}: from now on each screen's next frame must be it. */
  Round begin(long seq) {
    Round r = new Round(seq, clients);
    round = r;
    String f = failure;
    if (f != null) r.done.completeExceptionally(new IllegalStateException(f));
    return r;
  }

  /** When the last round's frame reached {@code client} (System.nanoTime), once that round is done. */
  long arrivedAt(int client) {
    return arrivedAt[client];
  }

  /** The size in bytes of the last round's frame at {@code client}, once that round is done. */
  long bytes(int client) {
    return arrivedBytes[client];
  }

  @Override
  public void message(int client, long nanos, byte[] head, int headLength, long length) {
    // a node's heartbeat goes to all its feeds at once, so it may come even before a feed's snapshot
    if (FrameHead.typeIs(head, headLength, HEARTBEAT)) return;
    if (!heard[client]) {
      if (!FrameHead.typeIs(head, headLength, firstType)) {
        failed(client, "a first message that is not a " + text(firstType, firstType.length) + ": "
            + text(head, headLength));
        return;
      }
      heard[client] = true;
      if (heardCount.incrementAndGet() == clients) allHeard.complete(null);
      return;
    }
    if (!FrameHead.typeIs(head, headLength, frameType)) {
      failed(client, "an unexpected frame: " + text(head, headLength));
      return;
    }
    long seq = FrameHead.seq(head, headLength);
    Round r = round;
    if (seq != lastSeq[client] + 1 || r == null || seq != r.seq) {
      failed(client, String.format(Locale.ROOT, "frame seq %d after %d, while frame %d was awaited", seq,
          lastSeq[client], r == null ? -1 : r.seq));
      return;
    }
    lastSeq[client] = seq;
    arrivedAt[client] = nanos;
    arrivedBytes[client] = length;
    if (r.pending.decrementAndGet() == 0) r.done.complete(null);
  }

  @Override
  public void failed(int client, String why) {
    String f = String.format(Locale.ROOT, "client %d: %s", client, why);
    if (failure == null) failure = f;
    allHeard.completeExceptionally(new IllegalStateException(f));
    Round r = round;
    if (r != null) r.done.completeExceptionally(new IllegalStateException(f));
  }

  /** One frame on its way to every screen: done once all have it, failed at the first failure. */
  static final class Round {
    final long seq;
    final CompletableFuture<Void> done = new CompletableFuture<>();
    private final AtomicInteger pending;

    private Round(long seq, int clients) {
      this.seq = seq;
      this.pending = new AtomicInteger(clients);
    }

    /** Screens that have not got the frame yet. */
    int pending() {
      return pending.get();
    }
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static String text(byte[] bytes, int length) {
    return new String(bytes, 0, length, StandardCharsets.UTF_8);
  }
}

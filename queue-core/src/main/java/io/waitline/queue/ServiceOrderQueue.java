package io.waitline.queue;

import io.waitline.queue.SimulatedWaitEstimator.Item;
import java.util.BitSet;
import java.util.PriorityQueue;

/**
 * The patients waiting in one run of {@link SimulatedWaitEstimator}, handed out in {@link QueueOrdering}'s order in
 * O(log n) per call: urgent first, then the promoted (waited past the longest wait), then high, then normal priority;
 * within a class by due time, place time and order. Time never goes back in a run, so a promotion is for good: before
 * each call the newly promoted move to their class, and are dropped from their old one when they reach its head.
 */
final class ServiceOrderQueue implements SimulatedWaitEstimator.Pending {
  private final PriorityQueue<Item> urgent;
  private final PriorityQueue<Item> promoted;
  private final PriorityQueue<Item> high;
  private final PriorityQueue<Item> normal;
  /** The high and normal priority patients not promoted yet, the next to be first. */
  private final PriorityQueue<Item> byPromotion;
  /** By order: who was called, so that a patient called before their promotion is not promoted afterwards. */
  private final BitSet called;

  /**
   * For runs of at most {@code capacity} patients: sized once and {@link #clear cleared} between runs, since growing
   * the queues cost a fifth of a run and building them for each run a tenth.
   */
  ServiceOrderQueue(int capacity) {
    urgent = new PriorityQueue<>(capacity, Item.IN_CLASS);
    promoted = new PriorityQueue<>(capacity, Item.IN_CLASS);
    high = new PriorityQueue<>(capacity, Item.IN_CLASS);
    normal = new PriorityQueue<>(capacity, Item.IN_CLASS);
    byPromotion = new PriorityQueue<>(capacity, (a, b) -> {
      int c = Double.compare(a.promotedAfter(), b.promotedAfter());
      return c != 0 ? c : Integer.compare(a.order(), b.order());
    });
    called = new BitSet(capacity);
  }

  @Override
  public void add(Item item) {
    if (item.priorityRank() == Priority.URGENT.rank()) {
      urgent.add(item);
      return;
    }
    (item.priorityRank() == Priority.HIGH.rank() ? high : normal).add(item);
    byPromotion.add(item);
  }

  @Override
  public void clear() {
    urgent.clear();
    promoted.clear();
    high.clear();
    normal.clear();
    byPromotion.clear();
    called.clear();
  }

  @Override
  public Item poll(double t) {
    while (!byPromotion.isEmpty() && byPromotion.peek().promotedAt(t)) {
      Item item = byPromotion.poll();
      if (!called.get(item.order())) promoted.add(item);
    }
    Item next = urgent.poll();
    if (next == null) next = promoted.poll();
    if (next == null) next = firstNotPromoted(high, t);
    if (next == null) next = firstNotPromoted(normal, t);
    if (next != null) called.set(next.order());
    return next;
  }

  /** The head of {@code queue} once those promoted by {@code t} (already moved on) are dropped; null when none. */
  private static Item firstNotPromoted(PriorityQueue<Item> queue, double t) {
    Item next = queue.poll();
    while (next != null && next.promotedAt(t)) next = queue.poll();
    return next;
  }
}

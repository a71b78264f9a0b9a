package io.waitline.queue;

import io.waitline.queue.SimulatedWaitEstimator.Item;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.PriorityQueue;
import java.util.function.Predicate;

/**
 * The patients waiting in one run of {@link SimulatedWaitEstimator}, handed out in {@link QueueOrdering}'s order:
 * urgent first, then the promoted (waited past the longest wait), then high, then normal priority; within a class by
 * due time, place time and order. Time never goes back in a run, so a promotion is for good: before each call the
 * newly promoted move to their class, and are dropped from their old one when they reach its head.
 *
 * <p>Every run of an estimate starts from the same line, so the line is sorted into each order once per estimate and
 * a run walks through it; only the patients arriving during a run, and the promoted, go through heaps.
 */
final class ServiceOrderQueue implements SimulatedWaitEstimator.Pending {
  private static final Comparator<Item> BY_PROMOTION = (a, b) -> {
    int c = Double.compare(a.promotedAfter(), b.promotedAfter());
    return c != 0 ? c : Integer.compare(a.order(), b.order());
  };

  private final Merged urgent;
  private final Merged high;
  private final Merged normal;
  /** The high and normal priority patients not promoted yet, the next to be first. */
  private final Merged byPromotion;
  private final PriorityQueue<Item> promoted;
  /** By order: who was called, so that a patient called before their promotion is not promoted afterwards. */
  private final BitSet called;
  /** The line the sorted orders were made from. */
  private Item[] line;

  /** For runs of at most {@code capacity} patients: the heaps are sized once and emptied between runs. */
  ServiceOrderQueue(int capacity) {
    urgent = new Merged(Item.IN_CLASS, capacity);
    high = new Merged(Item.IN_CLASS, capacity);
    normal = new Merged(Item.IN_CLASS, capacity);
    byPromotion = new Merged(BY_PROMOTION, capacity);
    promoted = new PriorityQueue<>(capacity, Item.IN_CLASS);
    called = new BitSet(capacity);
  }

  @Override
  public void start(Item[] line) {
    if (line != this.line) {
      this.line = line;
      urgent.sortLine(line, item -> classOf(item) == urgent);
      high.sortLine(line, item -> classOf(item) == high);
      normal.sortLine(line, item -> classOf(item) == normal);
      byPromotion.sortLine(line, item -> classOf(item) != urgent);
    }
    urgent.restart();
    high.restart();
    normal.restart();
    byPromotion.restart();
    promoted.clear();
    called.clear();
  }

  @Override
  public void add(Item item) {
    Merged priorityClass = classOf(item);
    priorityClass.add(item);
    if (priorityClass != urgent) byPromotion.add(item);
  }

  /** The order of {@code item}'s priority; all but the urgent may also be promoted. */
  private Merged classOf(Item item) {
    if (item.priorityRank() == Priority.URGENT.rank()) return urgent;
    return item.priorityRank() == Priority.HIGH.rank() ? high : normal;
  }

  @Override
  public Item poll(double t) {
    for (Item first = byPromotion.peek(); first != null && first.promotedAt(t); first = byPromotion.peek()) {
      byPromotion.poll();
      if (!called.get(first.order())) promoted.add(first);
    }
    Item next = urgent.poll();
    if (next == null) next = promoted.poll();
    if (next == null) next = firstNotPromoted(high, t);
    if (next == null) next = firstNotPromoted(normal, t);
    if (next != null) called.set(next.order());
    return next;
  }

  /** The head of {@code queue} once those promoted by {@code t} (already moved on) are dropped; null when none. */
  private static Item firstNotPromoted(Merged queue, double t) {
    Item next = queue.poll();
    while (next != null && next.promotedAt(t)) next = queue.poll();
    return next;
  }

  /**
   * Patients in one order: the run's share of the line, sorted once per estimate and walked through, and those
   * arriving during the run in a heap; the first of the two comes out first.
   */
  private static final class Merged {
    private final Comparator<Item> order;
    private final PriorityQueue<Item> arrivals;
    private Item[] sortedLine = new Item[0];
    private int next;

    Merged(Comparator<Item> order, int capacity) {
      this.order = order;
      arrivals = new PriorityQueue<>(capacity, order);
    }

    /** Sorts the patients of {@code line} that belong here, once per estimate. */
    void sortLine(Item[] line, Predicate<Item> belongs) {
      sortedLine = Arrays.stream(line).filter(belongs).sorted(order).toArray(Item[]::new);
    }

    void restart() {
      next = 0;
      arrivals.clear();
    }

    void add(Item arrival) {
      arrivals.add(arrival);
    }

    /** The first, or null when empty. */
    Item peek() {
      Item arrival = arrivals.peek();
      if (next == sortedLine.length) return arrival;
      Item inLine = sortedLine[next];
      return arrival != null && order.compare(arrival, inLine) < 0 ? arrival : inLine;
    }

    /** Removes and returns the first, or null when empty. */
    Item poll() {
      Item first = peek();
      if (first == null) return null;
      if (next < sortedLine.length && first == sortedLine[next]) next++;
      else arrivals.poll();
      return first;
    }
  }
}

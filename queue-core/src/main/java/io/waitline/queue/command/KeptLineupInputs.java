package io.waitline.queue.command;

import io.waitline.queue.Entry;
import io.waitline.queue.QueueDay;
import io.waitline.queue.event.EventType;
import io.waitline.queue.store.QueueStore;
import java.time.LocalDate;
import java.util.List;

/**
 * What each queue's lineup needs of its day ({@link QueueStore#lineupInputs}: the waiting and expected patients and
 * the latest at the desks), kept per queue version so that a check-in, a call or new appointments do not read it
 * again. Inputs are of one local day: a command on a new day reads them again. Only changes this node applies exactly
 * to what was read carry them to the version they commit; every other change makes the queue's next command read
 * them.
 */
final class KeptLineupInputs extends KeptPerVersion<KeptLineupInputs.Inputs, LocalDate> {
  /** The inputs of a queue's {@code day}: the expected patients and the others, each in {@link QueueDay#ID_ORDER}. */
  record Inputs(LocalDate day, List<Entry> expected, List<Entry> present) {
    /**
     * The inputs among {@code live} (read at, or carried to, a version of the queue) on {@code day}: every expected
     * patient, and among the others those {@link QueueStore#lineupInputsAmong} keeps, in the same order.
     */
    static Inputs among(LocalDate day, LiveInputs live) {
      return new Inputs(day, live.expected(), QueueStore.lineupInputsAmong(live.present()));
    }
  }

  KeptLineupInputs() {
    super((inputs, day) -> inputs.day().equals(day), KeptLineupInputs::appliedBy);
  }

  /**
   * A walk-in or an arrival joins today's line, a call moves a waiting patient to a desk, an appointment announced or
   * moved is expected on its day (among the inputs when that is theirs, else not). Every other change may move entries
   * between queues, or end them, and is read again after.
   */
  private static boolean appliedBy(EventType type) {
    return type == EventType.CHECKED_IN || type == EventType.CALLED || type == EventType.EXPECTED;
  }
}

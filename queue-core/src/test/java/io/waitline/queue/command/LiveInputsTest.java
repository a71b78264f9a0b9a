package io.waitline.queue.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.waitline.queue.Entry;
import io.waitline.queue.Patient;
import io.waitline.queue.Priority;
import io.waitline.queue.Status;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class LiveInputsTest {
  private static final Instant AT = Instant.parse("2026-11-20T10:00:00Z");

  @Test
  void changesMergedIntoKeptInputsGiveWhatAMapOfThemAllGivesInIdOrderSplitByExpected() {
    Random random = new Random(7);
    for (int round = 0; round < 300; round++) {
      TreeMap<UUID, Entry> model = new TreeMap<>();
      for (int i = 0, n = random.nextInt(60); i < n; i++) {
        Entry e = entry(random, anyStatus(random));
        model.put(e.id(), e);
      }
      LiveInputs live = round % 2 == 0
          ? LiveInputs.kept(List.copyOf(part(model, true)), List.copyOf(part(model, false)))
          : LiveInputs.read(shuffled(new ArrayList<>(model.values()), random));
      for (int step = 0, steps = 1 + random.nextInt(12); step < steps; step++) {
        List<UUID> ids = new ArrayList<>(model.keySet());
        int what = random.nextInt(4);
        if (what == 0 || ids.isEmpty()) { // a new entry
          Entry e = entry(random, anyStatus(random));
          model.put(e.id(), e);
          live.put(e);
        } else if (what == 1) { // one of them changed, maybe to the other part
          Entry before = model.get(ids.get(random.nextInt(ids.size())));
          Entry after = new Entry(before.id(), before.queueId(), "A-1", before.patient(), before.priority(),
              before.appointmentAt(), null, AT, anyStatus(random), AT, null, false, null);
          model.put(after.id(), after);
          live.put(after);
        } else if (what == 2) { // one moved to another day
          UUID gone = ids.get(random.nextInt(ids.size()));
          model.remove(gone);
          live.remove(gone);
        } else { // an id never among them leaves: nothing changes
          live.remove(new UUID(random.nextLong(), random.nextLong()));
        }
        assertEquals(part(model, true), live.expected(), "expected, round " + round + ", step " + step);
        assertEquals(part(model, false), live.present(), "present, round " + round + ", step " + step);
      }
    }
  }

  @Test
  void keptInputsWithoutChangesAreGivenAsTheyAreWithoutACopy() {
    List<Entry> expected = List.of(entry(new Random(1), Status.EXPECTED));
    List<Entry> present = List.of(entry(new Random(2), Status.WAITING));
    LiveInputs live = LiveInputs.kept(expected, present);
    assertSame(expected, live.expected());
    assertSame(present, live.present());
  }

  /** The model's entries of one part, in id order. */
  private static List<Entry> part(TreeMap<UUID, Entry> model, boolean expected) {
    return model.values().stream().filter(e -> (e.status() == Status.EXPECTED) == expected).toList();
  }

  private static Status anyStatus(Random random) {
    Status[] some = {Status.EXPECTED, Status.EXPECTED, Status.WAITING, Status.CALLED, Status.COMPLETED};
    return some[random.nextInt(some.length)];
  }

  private static List<Entry> shuffled(List<Entry> entries, Random random) {
    List<Entry> copy = new ArrayList<>(entries);
    Collections.shuffle(copy, random);
    return copy;
  }

  private static Entry entry(Random random, Status status) {
    UUID id = new UUID(random.nextLong(), random.nextLong());
    return new Entry(id, "q", null, new Patient("Pat " + id, null, null, null, null), Priority.NORMAL, AT, null, AT,
        status, AT, null, false, null);
  }
}

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
  void changesMergedIntoKeptInputsGiveWhatAMapOfThemAllGivesInIdOrder() {
    Random random = new Random(7);
    for (int round = 0; round < 200; round++) {
      TreeMap<UUID, Entry> model = new TreeMap<>();
      List<Entry> kept = new ArrayList<>();
      for (int i = 0, n = random.nextInt(40); i < n; i++) {
        Entry e = entry(random, Status.EXPECTED);
        model.put(e.id(), e);
      }
      kept.addAll(model.values());
      LiveInputs live = round % 2 == 0 ? LiveInputs.kept(List.copyOf(kept)) : LiveInputs.read(shuffled(kept, random));
      for (int step = 0, steps = 1 + random.nextInt(12); step < steps; step++) {
        List<UUID> ids = new ArrayList<>(model.keySet());
        int what = random.nextInt(3);
        if (what == 0 || ids.isEmpty()) { // a new entry
          Entry e = entry(random, Status.EXPECTED);
          model.put(e.id(), e);
          live.put(e);
        } else if (what == 1) { // one of them changed
          Entry before = model.get(ids.get(random.nextInt(ids.size())));
          Entry after = new Entry(before.id(), before.queueId(), "A-1", before.patient(), before.priority(),
              before.appointmentAt(), null, AT, Status.WAITING, AT, null, false, null);
          model.put(after.id(), after);
          live.put(after);
        } else { // one moved to another day
          UUID gone = ids.get(random.nextInt(ids.size()));
          model.remove(gone);
          live.remove(gone);
        }
        assertEquals(List.copyOf(model.values()), live.inIdOrder(), "round " + round + ", step " + step);
      }
    }
  }

  @Test
  void keptInputsWithoutChangesAreGivenAsTheyAreWithoutACopy() {
    List<Entry> kept = List.of(entry(new Random(1), Status.EXPECTED));
    assertSame(kept, LiveInputs.kept(kept).inIdOrder());
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

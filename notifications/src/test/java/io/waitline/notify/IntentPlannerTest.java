package io.waitline.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.waitline.queue.Entry;
import io.waitline.queue.OrderingRule;
import io.waitline.queue.Patient;
import io.waitline.queue.Priority;
import io.waitline.queue.ServiceQueue;
import io.waitline.queue.Status;
import io.waitline.queue.WaitEstimate;
import io.waitline.queue.event.EventType;
import io.waitline.queue.event.LoggedEvent;
import io.waitline.queue.event.QueueEvent;
import io.waitline.queue.event.QueueEventPayload;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** Which messages a queue event means. */
class IntentPlannerTest {
  private static final QueueRules RULES = new QueueRules(List.of(3, 1), 15, 60);
  private static final ServiceQueue QUEUE = new ServiceQueue("q1", "main", "Blood tests", "A", OrderingRule.DEFAULT,
      600, false, 1, 0);
  private static final UUID ME = UUID.fromString("00000000-0000-0000-0000-000000000001");
  private long ids = 100;

  @Test
  void beingCalledIsOneUrgentMessageWithTheRoom() {
    var plan = IntentPlanner.plan(event(EventType.CALLED, entry(ME, "A-001", "Room 3"), lineup()), RULES, Map.of());
    assertThat(plan.intents()).singleElement().satisfies(d -> {
      assertThat(d.kind()).isEqualTo(Kind.CALLED);
      assertThat(d.kind().urgent()).isTrue();
      assertThat(d.params().getString("room")).isEqualTo("Room 3");
      assertThat(d.key()).isEqualTo("called:" + ids + ":" + ME);
    });
  }

  @Test
  void arrivingNearTheFrontIsToldInTheCheckInMessageNotByPositionAlerts() {
    var plan = IntentPlanner.plan(event(EventType.CHECKED_IN, entry(ME, "A-001", null), lineup(ME)), RULES, Map.of());
    assertThat(plan.intents()).filteredOn(d -> !d.skipped()).extracting(IntentDraft::kind)
        .containsExactly(Kind.CHECKED_IN);
    assertThat(plan.intents()).filteredOn(IntentDraft::skipped).extracting(IntentDraft::key)
        .containsExactlyInAnyOrder("position_reached:" + ME + ":3", "position_reached:" + ME + ":1");
  }

  @Test
  void aPauseTellsEveryWaitingPatient() {
    UUID other = UUID.randomUUID();
    var plan = IntentPlanner.plan(event(EventType.PAUSED, null, lineup(ME, other)), new QueueRules(List.of(), 15, 60),
        Map.of());
    assertThat(plan.intents()).extracting(IntentDraft::kind).containsOnly(Kind.QUEUE_PAUSED).hasSize(2);
  }

  @Test
  void aGrowingEstimateIsToldOnceWhenItPassesTheStep() {
    Map<UUID, Integer> baselines = new HashMap<>(Map.of(ME, 10));
    var small = IntentPlanner.plan(event(EventType.STAFF_CHANGED, null, lineupWithWait(ME, 20)), RULES, baselines);
    assertThat(small.intents()).isEmpty();
    var big = IntentPlanner.plan(event(EventType.STAFF_CHANGED, null, lineupWithWait(ME, 26)), RULES, baselines);
    assertThat(big.intents()).singleElement().satisfies(d -> assertThat(d.kind()).isEqualTo(Kind.DELAYED));
    assertThat(big.baselines()).containsEntry(ME, 26);
  }

  /**
   * However a patient moves back and forth, each threshold is told at most once, and only when the patient is at or
   * above it (the store keeps the first draft of a key).
   */
  @Property
  void eachThresholdFiresAtMostOnceWhateverTheMoves(@ForAll @Size(min = 1, max = 30) List<@IntRange(min = 1, max = 8) Integer> positions) {
    Map<String, IntentDraft> stored = new LinkedHashMap<>();
    for (int p : positions) {
      List<QueueEventPayload.Place> lineup = new ArrayList<>();
      for (int i = 1; i < p; i++) lineup.add(place(UUID.randomUUID(), i, null));
      lineup.add(place(ME, p, null));
      var plan = IntentPlanner.plan(event(EventType.STAFF_CHANGED, null, lineup), RULES, Map.of());
      for (IntentDraft d : plan.intents()) stored.putIfAbsent(d.key(), d);
    }
    List<IntentDraft> told = stored.values().stream().filter(d -> !d.skipped() && d.entryId().equals(ME)).toList();
    Set<Integer> thresholds = new HashSet<>();
    for (IntentDraft d : told) {
      int n = d.params().getInteger("threshold");
      assertThat(thresholds.add(n)).isTrue();
      assertThat(d.params().getInteger("position")).isLessThanOrEqualTo(n);
    }
    int best = positions.stream().mapToInt(Integer::intValue).min().orElseThrow();
    if (best <= 1) assertThat(thresholds).as("reaching the front is always told (once)").isNotEmpty();
  }

  private LoggedEvent event(EventType type, Entry entry, List<QueueEventPayload.Place> lineup) {
    ids++;
    return new LoggedEvent(ids, ids, new QueueEvent("q1", "main", ids, type,
        new QueueEventPayload(QueueEventPayload.VERSION, entry, lineup, QUEUE),
        Instant.parse("2026-11-20T10:05:00Z").plusSeconds(ids)));
  }

  private static Entry entry(UUID id, String ticket, String calledTo) {
    Instant at = Instant.parse("2026-11-20T10:00:00Z");
    return new Entry(id, "q1", ticket, new Patient("Ann Lee", null, null, null, null), Priority.NORMAL, null, null, at,
        calledTo == null ? Status.WAITING : Status.CALLED, at, calledTo, false, null);
  }

  private static List<QueueEventPayload.Place> lineup(UUID... ids) {
    List<QueueEventPayload.Place> places = new ArrayList<>();
    for (int i = 0; i < ids.length; i++) places.add(place(ids[i], i + 1, null));
    return places;
  }

  private static List<QueueEventPayload.Place> lineupWithWait(UUID id, int p50) {
    return List.of(place(id, 5, p50));
  }

  private static QueueEventPayload.Place place(UUID id, int position, Integer p50) {
    return new QueueEventPayload.Place(id, "A-" + position, position,
        p50 == null ? null : new WaitEstimate(p50, p50 + 10, true));
  }
}

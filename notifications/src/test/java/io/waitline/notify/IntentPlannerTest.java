package io.waitline.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
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
  private static final UUID ME = UUID.fromString("00000000-0000-0000-0000-000000000001");
  private long ids = 100;

  @Test
  void beingCalledIsOneUrgentMessageWithTheRoom() {
    var plan = IntentPlanner.plan(event("called", entry(ME, "A-001", "Room 3"), lineup()), RULES, Map.of());
    assertThat(plan.intents()).singleElement().satisfies(d -> {
      assertThat(d.kind()).isEqualTo(Kind.CALLED);
      assertThat(d.kind().urgent()).isTrue();
      assertThat(d.params().getString("room")).isEqualTo("Room 3");
      assertThat(d.key()).isEqualTo("called:" + ids + ":" + ME);
    });
  }

  @Test
  void arrivingNearTheFrontIsToldInTheCheckInMessageNotByPositionAlerts() {
    var plan = IntentPlanner.plan(event("checked_in", entry(ME, "A-001", null), lineup(ME)), RULES, Map.of());
    assertThat(plan.intents()).filteredOn(d -> !d.skipped()).extracting(IntentDraft::kind)
        .containsExactly(Kind.CHECKED_IN);
    assertThat(plan.intents()).filteredOn(IntentDraft::skipped).extracting(IntentDraft::key)
        .containsExactlyInAnyOrder("position_reached:" + ME + ":3", "position_reached:" + ME + ":1");
  }

  @Test
  void aPauseTellsEveryWaitingPatient() {
    UUID other = UUID.randomUUID();
    var plan = IntentPlanner.plan(event("paused", null, lineup(ME, other)), new QueueRules(List.of(), 15, 60),
        Map.of());
    assertThat(plan.intents()).extracting(IntentDraft::kind).containsOnly(Kind.QUEUE_PAUSED).hasSize(2);
  }

  @Test
  void aGrowingEstimateIsToldOnceWhenItPassesTheStep() {
    Map<UUID, Integer> baselines = new HashMap<>(Map.of(ME, 10));
    var small = IntentPlanner.plan(event("staff_changed", null, lineupWithWait(ME, 20)), RULES, baselines);
    assertThat(small.intents()).isEmpty();
    var big = IntentPlanner.plan(event("staff_changed", null, lineupWithWait(ME, 26)), RULES, baselines);
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
      JsonArray lineup = new JsonArray();
      for (int i = 1; i < p; i++) lineup.add(place(UUID.randomUUID(), i, null));
      lineup.add(place(ME, p, null));
      var plan = IntentPlanner.plan(event("staff_changed", null, lineup), RULES, Map.of());
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

  private OutboxEvent event(String type, JsonObject entry, JsonArray lineup) {
    return new OutboxEvent(++ids, "q1", "main", ids, type, new JsonObject().put("entry", entry).put("lineup", lineup),
        Instant.now());
  }

  private static JsonObject entry(UUID id, String ticket, String calledTo) {
    return new JsonObject().put("id", id.toString()).put("ticket", ticket).put("calledTo", calledTo);
  }

  private static JsonArray lineup(UUID... ids) {
    JsonArray a = new JsonArray();
    for (int i = 0; i < ids.length; i++) a.add(place(ids[i], i + 1, null));
    return a;
  }

  private static JsonArray lineupWithWait(UUID id, int p50) {
    return new JsonArray().add(place(id, 5, p50));
  }

  private static JsonObject place(UUID id, int position, Integer p50) {
    return new JsonObject().put("id", id.toString()).put("ticket", "A-" + position).put("position", position)
        .put("estimate", p50 == null ? null : new JsonObject().put("p50Minutes", p50).put("p90Minutes", p50 + 10));
  }
}

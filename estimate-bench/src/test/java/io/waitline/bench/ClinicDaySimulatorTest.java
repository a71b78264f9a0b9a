package io.waitline.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import io.waitline.queue.ServiceTimeEstimator;
import io.waitline.queue.replay.EstimateReplay;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClinicDaySimulatorTest {

  @Test
  void theSameProfileAndSeedGiveTheSameDay() {
    assertThat(new ClinicDaySimulator(ClinicDaySimulator.Profile.GP, 7).run())
        .isEqualTo(new ClinicDaySimulator(ClinicDaySimulator.Profile.GP, 7).run());
  }

  @Test
  void everyCallOfEveryKindOfDayIsTheFirstOfTheLineTheServerWouldHaveShown() {
    for (ClinicDaySimulator.Profile profile : ClinicDaySimulator.Profile.values()) {
      List<JsonObject> day = new ClinicDaySimulator(profile, 3).run();
      EstimateReplay replay = new EstimateReplay(new ServiceTimeEstimator());
      Map<String, String> firstOfLine = new HashMap<>();
      List<String> mismatches = new ArrayList<>();
      int calls = 0;
      for (JsonObject line : day) {
        if ("called".equals(line.getString("type"))) {
          calls++;
          String expected = firstOfLine.get(line.getString("queue"));
          if (!line.getString("entry").equals(expected)) mismatches.add(line.encode() + " expected " + expected);
        }
        replay.accept(line, m -> firstOfLine.put(m.queue(), m.lineup().places().isEmpty() ? null
            : m.traceIds().get(m.lineup().places().get(0).entry().id())));
      }
      assertThat(calls).as(profile + " calls").isGreaterThan(20);
      assertThat(mismatches).as(profile.name()).isEmpty();
    }
  }

  @Test
  void everyKindOfDayHasTheEventsOfItsKind() {
    Map<String, Integer> types = new HashMap<>();
    for (ClinicDaySimulator.Profile profile : ClinicDaySimulator.Profile.values()) {
      for (JsonObject line : new ClinicDaySimulator(profile, 5).run()) types.merge(line.getString("type"), 1, Integer::sum);
    }
    assertThat(types).containsKeys("day", "queue", "expected", "checked_in", "called", "service_started", "completed",
        "transferred_out", "transferred_in", "no_show", "requeued", "left", "staff_changed", "roster", "truth");
  }

  /** The header is written after the day has run; its staff must still be what the desk had recorded at opening. */
  @Test
  void eachQueueHeaderCarriesTheStaffPlannedAtOpeningNotTheCountAtClosing() {
    for (ClinicDaySimulator.Profile profile : ClinicDaySimulator.Profile.values()) {
      List<JsonObject> day = new ClinicDaySimulator(profile, 5).run();
      int open = day.get(0).getInteger("open_t");
      for (JsonObject q : day.stream().filter(l -> l.getString("type").equals("queue")).toList()) {
        long atOpening = q.getJsonArray("roster_plan").stream().map(JsonObject.class::cast)
            .filter(s -> s.getInteger("on_t") <= open && open < s.getInteger("off_t")).count();
        assertThat(q.getInteger("staff_on_duty")).as(profile + " " + q.getString("queue")).isEqualTo((int) atOpening);
      }
    }
  }
}

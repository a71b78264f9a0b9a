package io.waitline.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Open front desks keep today's list from the staff feed's events: a change made anywhere reaches every desk without
 * any of them reading the whole day again (each read is a {@code listTodaysEntries} record in the audit log).
 */
class DeskLiveListE2ETest {
  @RegisterExtension static final RunningServer server = RunningServer.withStaff();

  /** How many times desks have read today's list so far. */
  private static int listReads() {
    return server.getObject("/api/v1/audit?action=listTodaysEntries&limit=500").getJsonArray("items").size();
  }

  @Test
  void desksApplyEventsToTheirListsInsteadOfReadingTheDayAgain() throws Exception {
    server.checkIn("general", "Early Bird");
    try (Browser one = Browser.desktop(); Browser two = Browser.desktop()) {
      for (Browser desk : List.of(one, two)) {
        desk.open(server.url("/desk/main"));
        desk.signIn(RunningServer.DESK, RunningServer.DESK_PASSWORD);
        desk.waitFor(d -> desk.text("#conn").equals("Live") && desk.text("#rows").contains("Early Bird"));
      }
      // the first reads (page start, first snapshot) are written down once the answers went out
      one.waitFor(d -> listReads() >= 4);
      int before = listReads();

      // check-ins, a call, a no-show and a completion made elsewhere reach both lists
      JsonObject ann = server.checkIn("general", "Ann Arrival");
      server.checkIn("lab", "Ben Bloodwork");
      server.checkIn("general", "Cy Second");
      JsonObject called = server.callNext("general", "Room 2"); // Early Bird
      server.post("/api/v1/entries/" + called.getString("id") + "/start", null);
      server.post("/api/v1/entries/" + called.getString("id") + "/complete", null);
      JsonObject annCalled = server.callNext("general", "Room 3");
      assertThat(annCalled.getString("id")).isEqualTo(ann.getString("id"));
      server.post("/api/v1/entries/" + ann.getString("id") + "/no-show", null);
      for (Browser desk : List.of(one, two)) {
        desk.waitFor(d -> desk.text("#rows").contains("Ben Bloodwork") && desk.text("#rows").contains("Cy Second"));
        // finished patients leave the list, a no-show stays with its status; the waiting are in line order
        desk.waitFor(d -> !desk.text("#rows").contains("Early Bird"));
        desk.waitForText("tr[data-ticket='" + ann.getString("ticket") + "'] td.status", "No-show");
        desk.waitForText("tr[data-ticket='A-003'] td:nth-child(6)", "1");
      }

      // a desk searching sees only matching newcomers; the other desk sees everyone
      // typed in one go (key by key, a slow browser could search for "D", "Do"... each a read of its own)
      one.js("const s = document.getElementById('search'); s.value = 'Dora'; s.dispatchEvent(new Event('input'));");
      one.waitFor(d -> !one.text("#rows").contains("Cy Second"));
      int withSearch = before + 1; // that search is one read
      server.checkIn("general", "Dora Match");
      server.checkIn("general", "Eve Other");
      one.waitFor(d -> one.text("#rows").contains("Dora Match"));
      two.waitFor(d -> two.text("#rows").contains("Dora Match") && two.text("#rows").contains("Eve Other"));
      assertThat(one.text("#rows")).doesNotContain("Eve Other");

      // the desk's own action: its answer and the event update the list, no read either
      two.click("tr[data-ticket='A-005'] button[data-op='leave']");
      two.waitFor(d -> !two.text("#rows").contains("Eve Other"));
      one.waitFor(d -> listReads() >= withSearch);
      assertThat(listReads()).as("reads of today's list while 11 events reached 2 desks").isEqualTo(withSearch);
    }
  }
}

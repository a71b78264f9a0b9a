package io.waitline.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.support.ui.Select;

/** The front desk answers every action on the page; a refusal is the server's own sentence. */
class FrontDeskE2ETest {
  @RegisterExtension static final RunningServer server = RunningServer.withStaff();

  @Test
  void refusalsShowTheServersSentenceAndUndoPauseSearchAndKeysWork() throws Exception {
    try (Browser desk = Browser.desktop()) {
      desk.open(server.url("/desk/main"));
      desk.signIn(RunningServer.DESK, RunningServer.DESK_PASSWORD);
      desk.waitFor(d -> desk.text("#conn").equals("Live"));
      new Select(desk.find("#call-queue")).selectByValue("lab");
      desk.find("#called-to").sendKeys("Lab 1\n");
      desk.waitFor(d -> desk.text("#error").equals("Nobody is waiting in queue Blood tests."));

      // a walk-in arrives in the lab; "N" calls next from anywhere outside a field
      JsonObject walkIn = server.post("/api/v1/queues/lab/check-ins", new JsonObject()
          .put("patient", new JsonObject().put("name", "Rita Moss").put("mrn", "MRN-4711")));
      desk.waitFor(d -> desk.text("#rows").contains("Rita Moss"));
      desk.find("body").sendKeys("n");
      desk.waitFor(d -> desk.text("#flash").contains("Called B-001 (Rita Moss) to Lab 1."));
      desk.waitFor(d -> desk.text("tr[data-ticket='B-001'] td.status").startsWith("Called"));

      desk.click("tr[data-ticket='B-001'] button[data-op='no-show']");
      desk.waitFor(d -> desk.text("#flash").startsWith("B-001: No-show."));
      desk.click("#flash-undo");
      desk.waitFor(d -> desk.text("#flash").startsWith("B-001: Called."));
      assertThat(server.getObject("/api/v1/entries/" + walkIn.getString("id")).getString("status")).isEqualTo("called");

      desk.click("#pause-lab");
      desk.waitFor(d -> desk.text("#flash").equals("Blood tests is paused."));
      desk.find("#call-next").click();
      desk.waitFor(d -> desk.text("#error").equals("Queue Blood tests is paused; resume it to call."));
      desk.click("#pause-lab");
      desk.waitFor(d -> desk.text("#flash").equals("Blood tests is running."));

      server.checkIn("general", "Tom Reed");
      desk.waitFor(d -> desk.text("#rows").contains("Tom Reed"));
      desk.find("body").sendKeys("/");
      desk.find("#search").sendKeys("MRN-4711");
      desk.waitFor(d -> !desk.text("#rows").contains("Tom Reed") && desk.text("#rows").contains("Rita Moss"));
      desk.find("#search").sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.BACK_SPACE);
      desk.waitFor(d -> desk.text("#rows").contains("Tom Reed"));
    }
  }
}

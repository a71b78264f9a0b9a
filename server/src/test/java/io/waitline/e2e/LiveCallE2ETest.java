package io.waitline.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The front desk checks a patient in and calls them; the waiting-room TV and the patient's phone show it at once. */
class LiveCallE2ETest {
  @RegisterExtension static final RunningServer server = RunningServer.withStaff();

  @Test
  void aDeskCheckInAndCallReachTheTvAndThePatientsPhoneWithinASecond() throws Exception {
    try (Browser desk = Browser.desktop(); Browser tv = Browser.tv(); Browser phone = Browser.phone()) {
      desk.open(server.url("/desk/main"));
      desk.signIn(RunningServer.DESK, RunningServer.DESK_PASSWORD);
      desk.waitFor(d -> desk.text("#conn").equals("Live"));

      // check-in from the desk's form
      desk.find("#ci-name").sendKeys("Ann Lee");
      desk.find("#ci-dob").sendKeys("04231980");
      desk.find("#ci-submit").click();
      desk.waitFor(d -> desk.visible("#ci-link"));
      String patientLink = desk.find("#ci-link").getAttribute("href");
      assertThat(desk.text("#flash")).contains("Checked in Ann Lee: ticket A-001.");
      desk.waitFor(d -> desk.text("#rows").contains("Ann Lee"));

      phone.open(patientLink);
      phone.waitFor(d -> phone.text("#conn").equals("Live") && phone.text("#ticket").equals("A-001"));
      assertThat(phone.text("#position")).isEqualTo("1");
      assertThat(phone.text("#ahead")).isEqualTo("0");
      assertThat(phone.text("#estimate")).matches("under 5 min|\\d+–\\d+ min");
      assertThat(phone.text("#estimate-note")).isEqualTo("A likely range, not a promise: it changes as the line moves.");

      tv.open(server.url("/tv/main"));
      tv.pair(server.pairingCode("main", "display", "Lobby TV"));
      tv.waitFor(d -> "live".equals(tv.find("body").getAttribute("data-feed")));
      tv.waitFor(d -> tv.text("#next").contains("A-001"));

      // the desk in Room 3 calls next (keyboard: the room, then Enter)
      desk.find("#called-to").clear();
      desk.find("#called-to").sendKeys("Room 3\n");
      long clicked = System.currentTimeMillis();

      tv.waitFor(d -> "A-001".equals(tv.find("#now-calling").getAttribute("data-last-ticket")));
      phone.waitFor(d -> phone.visible("#called"));
      long tvShown = Long.parseLong(tv.find("#now-calling").getAttribute("data-shown-at"));
      long phoneShown = Long.parseLong(phone.find("#called").getAttribute("data-shown-at"));
      System.out.printf("call shown on the TV after %d ms, on the phone after %d ms%n", tvShown - clicked,
          phoneShown - clicked);
      assertThat(tvShown - clicked).as("ms until the TV shows the call").isLessThan(1000);
      assertThat(phoneShown - clicked).as("ms until the phone shows the call").isLessThan(1000);

      assertThat(tv.text("#now-calling")).contains("A-001").contains("Room 3");
      assertThat(tv.find("body").getAttribute("data-last-announcement")).isEqualTo("Ticket A 1, please go to Room 3.");
      assertThat(tv.driver.getPageSource()).doesNotContain("Ann Lee").doesNotContain("A.L.");
      assertThat(phone.text("#called")).contains("It's your turn!").contains("Please go to Room 3.");
      desk.waitFor(d -> desk.text("#flash").contains("Called A-001 (Ann Lee) to Room 3."));
    }
  }

  @Test
  void aTvForChosenQueuesShowsOnlyTheirCalls() throws Exception {
    // a site of its own, so ticket numbers do not depend on the order of tests
    server.post("/api/v1/sites", new JsonObject().put("id", "north").put("name", "North Clinic")
        .put("timeZone", "Europe/London"));
    for (String[] q : new String[][] {{"north-gp", "GP", "N"}, {"north-lab", "Lab", "L"}}) {
      server.post("/api/v1/sites/north/queues", new JsonObject().put("id", q[0]).put("name", q[1]).put("ticketPrefix", q[2]));
    }
    server.checkIn("north-gp", "Gil Hart");
    server.checkIn("north-lab", "Lia Berg");
    try (Browser tv = Browser.tv()) {
      tv.open(server.url("/tv/north?queues=north-lab"));
      tv.pair(server.pairingCode("north", "display", "Lab corridor TV"));
      tv.waitFor(d -> "live".equals(tv.find("body").getAttribute("data-feed")) && tv.text("#next").contains("L-001"));
      assertThat(tv.text("#next")).doesNotContain("N-001");
      server.callNext("north-gp", "Room 5");
      server.callNext("north-lab", "Lab 2");
      tv.waitFor(d -> "L-001".equals(tv.find("#now-calling").getAttribute("data-last-ticket")));
      assertThat(tv.text("#now-calling")).contains("Lab 2").doesNotContain("Room 5");
    }
  }

  @Test
  void theTvFollowsSeveralChangesInARowAndThenShowsWhatAFreshBoardShows() throws Exception {
    siteWithOneQueue("delta", "D", "Ann One", "Bo Two", "Cy Three");
    try (Browser tv = Browser.tv()) {
      tv.open(server.url("/tv/delta"));
      tv.pair(server.pairingCode("delta", "display", "Delta TV"));
      tv.waitFor(d -> "live".equals(tv.find("body").getAttribute("data-feed")) && tv.text("#next").contains("D-003"));

      server.callNext("delta-gp", "Room 1"); // D-001 leaves the head of the line
      server.post("/api/v1/queues/delta-gp/check-ins", new JsonObject() // D-004 goes in at the head
          .put("patient", new JsonObject().put("name", "Di Four")).put("priority", "urgent"));
      server.checkIn("delta-gp", "Ed Five"); // D-005 at the end
      server.callNext("delta-gp", "Room 2"); // D-004 is called
      tv.waitFor(d -> "D-004".equals(tv.find("#now-calling").getAttribute("data-last-ticket")));
      tv.waitFor(d -> nextTickets(tv).equals(List.of("D-002", "D-003", "D-005")));
      assertThat(tv.text("#now-calling")).contains("D-004").contains("Room 2").contains("D-001").contains("Room 1");

      String board = tv.text("#now-calling") + " | " + tv.text("#next");
      tv.driver.navigate().refresh(); // a fresh snapshot at the same seq
      tv.waitFor(d -> "live".equals(tv.find("body").getAttribute("data-feed")) && tv.text("#next").contains("D-005"));
      assertThat(tv.text("#now-calling") + " | " + tv.text("#next")).as("the board after a reload").isEqualTo(board);
    }
  }

  @Test
  void theTvKeepsItsRecentCallsThroughAReloadThoughThosePatientsWereSeenSince() throws Exception {
    siteWithOneQueue("echo", "E", "Ann One", "Bo Two");
    try (Browser tv = Browser.tv()) {
      tv.open(server.url("/tv/echo"));
      tv.pair(server.pairingCode("echo", "display", "Echo TV"));
      tv.waitFor(d -> "live".equals(tv.find("body").getAttribute("data-feed")) && tv.text("#next").contains("E-002"));

      String first = server.callNext("echo-gp", "Room 1").getString("id");
      server.post("/api/v1/entries/" + first + "/start", null);
      server.post("/api/v1/entries/" + first + "/complete", null);
      server.callNext("echo-gp", "Room 2");
      tv.waitFor(d -> "E-002".equals(tv.find("#now-calling").getAttribute("data-last-ticket")));
      tv.waitFor(d -> tv.text("#recent").contains("E-001"));

      tv.driver.navigate().refresh(); // E-001 is no longer called: only the display itself remembers the call
      tv.waitFor(d -> "live".equals(tv.find("body").getAttribute("data-feed")) && tv.text("#now-calling").contains("E-002"));
      assertThat(tv.text("#recent")).as("recently called, after the reload").contains("E-001").contains("Room 1");
    }
  }

  /**
   * A site of its own (so ticket numbers do not depend on the order of tests) with one queue, {@code <site>-gp}, whose
   * tickets start with {@code prefix}, and these patients checked in to it.
   */
  private static void siteWithOneQueue(String site, String prefix, String... patients) {
    server.post("/api/v1/sites", new JsonObject().put("id", site).put("name", site + " clinic")
        .put("timeZone", "Europe/London"));
    server.post("/api/v1/sites/" + site + "/queues", new JsonObject().put("id", site + "-gp").put("name", "GP")
        .put("ticketPrefix", prefix));
    for (String name : patients) server.checkIn(site + "-gp", name);
  }

  /** The tickets the board shows as next, in order. */
  private static List<String> nextTickets(Browser tv) {
    return tv.driver.findElements(By.cssSelector("#next li")).stream().map(li -> li.getAttribute("data-ticket"))
        .toList();
  }
}

package io.waitline.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The server goes away and comes back: the pages say so honestly while it is gone and carry on after. */
class PatientReconnectE2ETest {
  @RegisterExtension static final RunningServer server = RunningServer.withStaff();

  @Test
  void thePatientPageAndTheTvShowReconnectingWhileTheServerIsDownAndResumeAfterItRestarts() throws Exception {
    server.checkIn("general", "Ann Lee");
    JsonObject bob = server.checkIn("general", "Bob Stone");
    try (Browser phone = Browser.phone(); Browser tv = Browser.tv()) {
      phone.open(bob.getString("patientLink"));
      phone.waitFor(d -> phone.text("#conn").equals("Live") && phone.text("#position").equals("2"));
      tv.open(server.url("/tv/main"));
      tv.pair(server.pairingCode("main", "display", "Waiting room TV"));
      tv.waitFor(d -> "live".equals(tv.find("body").getAttribute("data-feed")));

      server.stop();

      phone.waitFor(d -> phone.text("#conn").startsWith("Reconnecting…"));
      assertThat(phone.text("#position")).as("no stale numbers while disconnected").isEqualTo("—");
      assertThat(phone.text("#ahead")).isEqualTo("—");
      assertThat(phone.text("#estimate")).isEqualTo("—");
      assertThat(phone.visible("#estimate-note")).as("no promise beside no number").isFalse();
      tv.waitFor(d -> tv.visible("#feed-lost"));
      assertThat(tv.text("#feed-lost")).contains("Connection lost");

      server.startAgain();
      phone.waitFor(d -> phone.text("#conn").equals("Live") && phone.text("#position").equals("2"));
      tv.waitFor(d -> !tv.visible("#feed-lost"));

      // changes after the restart arrive on the resumed feeds
      JsonObject first = server.callNext("general", "Room 1");
      phone.waitFor(d -> phone.text("#position").equals("1") && phone.text("#ahead").equals("0"));
      tv.waitFor(d -> tv.text("#now-calling").contains("A-001"));
      server.callNext("general", "Room 2");
      phone.waitFor(d -> phone.visible("#called") && phone.text("#called-to").equals("Please go to Room 2."));
      tv.waitFor(d -> "A-002".equals(tv.find("#now-calling").getAttribute("data-last-ticket")));
      assertThat(tv.text("#now-calling")).contains("A-002").contains("A-001");
      server.post("/api/v1/entries/" + first.getString("id") + "/start", null);
      tv.waitFor(d -> tv.text("#recent").contains("A-001") && !tv.text("#now-calling").contains("A-001"));
    }
  }
}

package io.waitline.e2e;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every face on a 390×844 phone and a 1920×1080 screen, with the pairing, sign-in and admin pages: nothing spills
 * sideways, and a screenshot of each is written to target/screenshots, or to the folder in -Dwaitline.screenshots
 * (docs/screenshots holds the committed ones:
 * {@code mvn -pl server test -Dtest=ScreenshotsE2ETest -Dwaitline.screenshots=$PWD/docs/screenshots}).
 */
class ScreenshotsE2ETest {
  @RegisterExtension static final RunningServer server = RunningServer.withStaff();
  private static String waitingLink;
  private static String calledLink;

  @BeforeAll
  static void start() throws Exception {
    for (String name : new String[] {"Ann Lee", "Bob Stone", "Carla Diaz", "Dev Patel", "Eve Moreau", "Farid Khan"}) {
      JsonObject e = server.checkIn("general", name);
      if (name.equals("Ann Lee")) calledLink = e.getString("patientLink");
      if (name.equals("Eve Moreau")) waitingLink = e.getString("patientLink");
      if (name.equals("Dev Patel")) {
        String link = e.getString("patientLink");
        server.post("/api/v1/visits/" + link.substring(link.lastIndexOf('/') + 1) + "/running-late", null);
      }
    }
    for (String name : new String[] {"Gina Rossi", "Hugo Blanc", "Ivy Chen"}) server.checkIn("lab", name);
    server.appointmentToday("general", "Jon Smith", "1950-01-31", "shot-1");
    server.appointmentToday("lab", "Kim Lo", "1985-03-03", "shot-2");
    server.appointmentToday("lab", "Lee Park", "1979-11-21", "shot-3");
    JsonObject lab = server.callNext("lab", "Lab 1");
    server.post("/api/v1/entries/" + lab.getString("id") + "/start", null);
    server.callNext("general", "Room 3");
    server.callNext("general", "Room 2");
  }

  @Test
  void everyFaceFitsAPhoneAndATvScreen() throws Exception {
    try (Browser phone = Browser.phone(); Browser tv = Browser.tv()) {
      for (var entry : Map.of("phone", phone, "tv", tv).entrySet()) {
        String size = entry.getKey();
        Browser b = entry.getValue();
        b.driver.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features",
            java.util.List.of(Map.of("name", "prefers-reduced-motion", "value", "reduce"))));

        b.open(waitingLink);
        b.waitFor(d -> b.text("#conn").equals("Live") && b.text("#ticket").equals("A-005"));
        b.shoot("patient-" + size);

        b.open(calledLink);
        b.waitFor(d -> b.visible("#called"));
        b.shoot("patient-called-" + size);

        b.open(waitingLink + "?lang=ar");
        b.waitFor(d -> b.text("#conn").equals("مباشر"));
        b.shoot("patient-ar-" + size);

        b.open(server.url("/tv/main"));
        b.waitFor(d -> b.visible("#pair-code"));
        b.shoot("pair-" + size);
        b.pair(server.pairingCode("main", "display", "Lobby TV " + size));
        b.waitFor(d -> b.text("#now-calling").contains("A-002"));
        b.shoot("tv-" + size);

        b.open(server.url("/desk/main"));
        b.waitFor(d -> b.visible("#signin-password"));
        b.shoot("signin-" + size);
        b.signIn(RunningServer.DESK, RunningServer.DESK_PASSWORD);
        b.waitFor(d -> b.text("#rows").contains("Farid Khan") && b.text("#conn").equals("Live"));
        b.shoot("desk-" + size);
        b.click("#sign-out");
        b.waitFor(d -> b.visible("#signin-password"));

        b.open(server.url("/admin"));
        b.signIn(RunningServer.ADMIN, RunningServer.ADMIN_PASSWORD);
        b.waitFor(d -> b.text("#staff-rows").contains("Dana Desk"));
        b.shoot("admin-" + size);
        b.click("#tab-devices");
        b.find("#pairing-name").sendKeys("Entrance kiosk " + size);
        new org.openqa.selenium.support.ui.Select(b.find("#pairing-kind")).selectByValue("kiosk");
        b.find("#pairing-submit").click();
        b.waitFor(d -> b.text("#pairing-code").matches("[0-9A-Z]{4}-[0-9A-Z]{4}"));
        String kioskCode = b.text("#pairing-code");
        b.waitFor(d -> b.text("#device-rows").contains("Lobby TV " + size));
        b.shoot("admin-devices-" + size);
        b.click("#sign-out");
        b.waitFor(d -> b.visible("#signin-password"));

        b.open(server.url("/kiosk/main"));
        b.pair(kioskCode);
        b.waitForScreen("welcome");
        b.shoot("kiosk-welcome-" + size);
        b.find("#go-find").click();
        b.find("#find-name").sendKeys(size.equals("phone") ? "Kim Lo" : "Lee Park");
        b.find("#dob-day").sendKeys(size.equals("phone") ? "3" : "21");
        new org.openqa.selenium.support.ui.Select(b.find("#dob-month")).selectByValue(size.equals("phone") ? "3" : "11");
        b.find("#dob-year").sendKeys(size.equals("phone") ? "1985" : "1979");
        b.find("#find-submit").click();
        b.waitForScreen("ticket");
        b.shoot("kiosk-" + size);
      }
    }
  }
}

package io.waitline.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.support.ui.Select;

/** Self check-in at the kiosk: by name and date of birth, by the appointment's QR code, and starting over. */
class KioskE2ETest {
  @RegisterExtension static final RunningServer server = RunningServer.withStaff();
  private static Browser kiosk;

  @BeforeAll
  static void start() throws Exception {
    kiosk = server.pairedKiosk("/kiosk/main?idle=4");
  }

  @AfterAll
  static void stop() throws Exception {
    if (kiosk != null) kiosk.close();
  }

  private static JsonObject appointment(String queue, String name, String born, String ref) {
    return server.appointmentToday(queue, name, born, ref);
  }

  /** A fresh kiosk page on its welcome screen (the device stays paired). */
  private static void welcome() {
    kiosk.open(server.url("/kiosk/main?idle=4"));
    kiosk.waitForScreen("welcome");
  }

  @Test
  void aPatientFindsTodaysAppointmentByNameAndDateOfBirthAndGetsATicketWithAQrCodeOfTheirPage() {
    appointment("lab", "Maria Garcia", "1975-02-14", "kiosk-1");
    welcome();
    kiosk.find("#go-find").click();
    kiosk.find("#find-name").sendKeys("  maria GARCIA ");
    kiosk.find("#dob-day").sendKeys("14");
    new Select(kiosk.find("#dob-month")).selectByValue("2");
    kiosk.find("#dob-year").sendKeys("1975");
    kiosk.find("#find-submit").click();

    kiosk.waitForScreen("ticket");
    assertThat(kiosk.text("#ticket-code")).isEqualTo("B-001");
    assertThat(kiosk.text("#ticket-queue")).isEqualTo("Blood tests");
    assertThat(kiosk.text("#copay")).isEmpty(); // blood tests take no co-pay on the demo site
    String link = kiosk.find("#ticket-qr svg").getAttribute("data-text");
    assertThat(link).startsWith(server.url("/visit/"));
    assertThat(kiosk.find("#ticket-qr svg path").getAttribute("d")).isNotBlank();
    assertThat(server.getObject("/api/v1/visits/" + link.substring(link.lastIndexOf('/') + 1)).getString("status"))
        .isEqualTo("waiting");
  }

  @Test
  void anUnknownPatientIsToldTheServersSentenceAndTwoMatchesAreSentToTheDesk() {
    welcome();
    kiosk.find("#go-find").click();
    kiosk.find("#find-name").sendKeys("Nobody Known");
    kiosk.find("#dob-day").sendKeys("1");
    new Select(kiosk.find("#dob-month")).selectByValue("1");
    kiosk.find("#dob-year").sendKeys("1990");
    kiosk.find("#find-submit").click();
    kiosk.waitFor(d -> !kiosk.text("#find-error").isEmpty());
    assertThat(kiosk.text("#find-error")).isEqualTo(
        "We could not find an appointment today for that name and date of birth. Please ask at the desk.");

    appointment("general", "Sam Twice", "1960-06-01", "kiosk-2a");
    appointment("lab", "Sam Twice", "1960-06-01", "kiosk-2b");
    var twice = server.raw("POST", "/api/v1/sites/main/kiosk/check-ins",
        new JsonObject().put("name", "sam twice").put("birthDate", "1960-06-01").encode());
    assertThat(twice.statusCode()).isEqualTo(409);
    assertThat(new JsonObject(twice.body()).getString("detail")).contains("more than one appointment").endsWith("desk so we check you in for the right one.");
    assertThat(server.raw("POST", "/api/v1/sites/main/kiosk/check-ins", "{\"name\":\"x\"}").statusCode()).isEqualTo(400);
  }

  @Test
  void theQrCodeOfTheAppointmentChecksThePatientIn() {
    JsonObject expected = appointment("general", "Quinn Code", "1990-09-09", "kiosk-3");
    welcome();
    kiosk.find("#go-scan").click();
    // a handheld scanner types the code and Enter
    kiosk.find("#scan-code").sendKeys("waitline:check-in:" + expected.getString("id") + "\n");

    kiosk.waitForScreen("ticket");
    assertThat(kiosk.text("#ticket-code")).startsWith("A-");
    assertThat(server.getObject("/api/v1/entries/" + expected.getString("id")).getString("status")).isEqualTo("waiting");

    // the same code again: a check-in code that finds nothing to check in, said as such (not "not a code")
    welcome();
    kiosk.find("#go-scan").click();
    kiosk.find("#scan-code").sendKeys("waitline:check-in:" + expected.getString("id") + "\n");
    kiosk.waitFor(d -> !kiosk.text("#scan-error").isEmpty());
    assertThat(kiosk.text("#scan-error")).isEqualTo("We could not find an appointment today for this code at this"
        + " clinic (or it has already checked in). Please ask at the desk.");
  }

  @Test
  void theKioskStartsOverAfterInactivity() {
    welcome();
    kiosk.find("#go-find").click();
    kiosk.find("#find-name").sendKeys("Half Typed");
    kiosk.waitForScreen("welcome");
    kiosk.find("#go-find").click();
    assertThat(kiosk.find("#find-name").getAttribute("value")).isEmpty();
  }
}

package io.waitline.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.support.ui.Select;

/**
 * The co-pay at the kiosk with the sandbox terminal of {@code ./waitline}: check in, pay £20.00 by card, see it paid,
 * open the printable receipt; a declined card offers another card or the desk; the desk refunds part of it and the
 * day's report matches the sandbox's books. Writes screenshots of the kiosk's payment steps, the receipt and the
 * report to target/screenshots (or -Dwaitline.screenshots).
 */
class CopayE2ETest {
  @RegisterExtension static final RunningServer server = RunningServer.withStaff();
  private static Browser kiosk;
  private static final Path OUT = Path.of(System.getProperty("waitline.screenshots", "target/screenshots"));
  /** The sandbox approves a card the patient taps two seconds after the reader asks; the page polls every second. */
  private static final Duration PAYING = Duration.ofSeconds(20);

  @BeforeAll
  static void start() throws Exception {
    kiosk = server.pairedKiosk("/kiosk/main?idle=120");
  }

  @AfterAll
  static void stop() throws Exception {
    if (kiosk != null) kiosk.close();
  }

  /** An appointment in "general" checked in at the kiosk; {@code copay} (minor units) overrides the queue's when set. */
  private static void checkInAtKiosk(String name, String birthDate, String ref, Long copay) {
    JsonObject appointment = server.appointmentToday("general", name, birthDate, ref);
    if (copay != null) {
      var set = server.raw("PUT", "/api/v1/entries/" + appointment.getString("id") + "/copay",
          new JsonObject().put("amountMinor", copay).put("source", "test").encode());
      assertThat(set.statusCode()).isEqualTo(200);
    }
    kiosk.open(server.url("/kiosk/main?idle=120"));
    kiosk.waitForScreen("welcome");
    kiosk.find("#go-find").click();
    kiosk.find("#find-name").sendKeys(name);
    String[] ymd = birthDate.split("-");
    kiosk.find("#dob-day").sendKeys(String.valueOf(Integer.parseInt(ymd[2])));
    new Select(kiosk.find("#dob-month")).selectByValue(String.valueOf(Integer.parseInt(ymd[1])));
    kiosk.find("#dob-year").sendKeys(ymd[0]);
    kiosk.find("#find-submit").click();
    kiosk.waitForScreen("ticket");
  }

  private static String copayState() {
    return kiosk.find("#copay").getAttribute("data-state");
  }

  @Test
  void aPatientPaysTheCoPayAtTheKioskAndGetsAReceiptAndTheDeskRefundsPartOfIt() throws Exception {
    checkInAtKiosk("Nora Paid", "1981-05-09", "copay-1", null);
    kiosk.waitFor(d -> "offer".equals(copayState()));
    assertThat(kiosk.text("#copay h3")).isEqualTo("Co-pay £20.00");
    kiosk.screenshot(OUT.resolve("kiosk-copay-offer.png"));

    kiosk.click("#copay-pay");
    kiosk.waitFor(d -> "reader".equals(copayState()));
    assertThat(kiosk.text("#copay-message")).startsWith("Please tap, insert or swipe your card");
    kiosk.screenshot(OUT.resolve("kiosk-copay-reader.png"));
    kiosk.waitFor(PAYING, d -> "paid".equals(copayState()));
    assertThat(kiosk.text("#copay-message")).isEqualTo("Paid £20.00 VISA •••• 4242 — your receipt is on its way.");
    kiosk.screenshot(OUT.resolve("kiosk-copay-paid.png"));

    String entryId = kiosk.find("#copay").getAttribute("data-entry");
    JsonObject payment = server.getObject("/api/v1/entries/" + entryId + "/copay").getJsonObject("payment");
    assertThat(payment.getString("state")).isEqualTo("succeeded");
    try (Browser phone = Browser.phone()) {
      phone.open(payment.getString("receiptUrl"));
      phone.waitFor(d -> phone.visible("#receipt"));
      assertThat(phone.text("#clinic")).isEqualTo("Main Street Clinic");
      assertThat(phone.text("#amount")).isEqualTo("£20.00");
      assertThat(phone.text("#method")).isEqualTo("VISA •••• 4242");
      assertThat(phone.text("#receipt")).doesNotContain("Nora");
      phone.screenshot(OUT.resolve("receipt-phone.png"));
    }

    try (Browser desk = Browser.desktop()) {
      desk.open(server.url("/desk/main"));
      desk.signIn(RunningServer.ADMIN, RunningServer.ADMIN_PASSWORD);
      String row = "tr[data-entry='" + entryId + "']";
      desk.waitFor(d -> desk.text(row + " td.copay").contains("£20.00 · paid"));
      desk.js("window.prompt = (question) => question.startsWith('Amount') ? '5.00' : 'Charged the wrong service';");
      desk.click(row + " button[data-op='pay-refund']");
      desk.waitFor(d -> desk.text("#flash").equals("Refunded 5.00."));

      desk.open(server.url("/payments/main"));
      desk.waitFor(d -> desk.visible("#app") && !desk.text("#lines").isEmpty());
      assertThat(desk.text("#matches")).isEqualTo("Everything Waitline recorded matches the processor.");
      assertThat(desk.text("#lines")).contains(payment.getString("ticket")).contains("£20.00").contains("-£5.00");
      desk.screenshot(OUT.resolve("payments-report.png"));
    }
    JsonArray refunds = server.getArray("/api/v1/payments/" + payment.getString("id") + "/refunds");
    assertThat(refunds).hasSize(1);
    assertThat(refunds.getJsonObject(0).getLong("amountMinor")).isEqualTo(500);
    assertThat(refunds.getJsonObject(0).getString("state")).isEqualTo("succeeded");
  }

  @Test
  void aDeclinedCardIsToldInWordsAndThePatientMayPayAtTheDeskInstead() throws Exception {
    // the sandbox declines amounts ending in 05 for insufficient funds, like Stripe's physical test cards
    checkInAtKiosk("Dora Declined", "1970-12-01", "copay-2", 2005L);
    kiosk.waitFor(d -> "offer".equals(copayState()));
    assertThat(kiosk.text("#copay h3")).isEqualTo("Co-pay £20.05");

    kiosk.click("#copay-pay");
    kiosk.waitFor(PAYING, d -> "declined".equals(copayState()));
    assertThat(kiosk.text("#copay-message"))
        .isEqualTo("The card was declined for insufficient funds. Please try another card.");
    assertThat(kiosk.text("#copay-pay")).isEqualTo("Try another card");
    kiosk.screenshot(OUT.resolve("kiosk-copay-declined.png"));

    kiosk.click("#copay-skip");
    kiosk.waitFor(d -> "desk".equals(copayState()));
    assertThat(kiosk.text("#copay-message")).isEqualTo("Please pay at the desk.");
    String entryId = kiosk.find("#copay").getAttribute("data-entry");
    JsonObject copay = server.getObject("/api/v1/entries/" + entryId + "/copay");
    assertThat(copay.getValue("payment")).isNull(); // the declined intent was cancelled: the desk starts afresh
  }
}

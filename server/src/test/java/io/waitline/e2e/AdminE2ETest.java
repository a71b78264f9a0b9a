package io.waitline.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.support.ui.Select;

/**
 * A server's first start as an administrator lives it: the setup page with the one-time code, then the admin page
 * that creates a front-desk account and pairs and revokes a waiting-room TV. The tests run in order, as a day does.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AdminE2ETest {
  @RegisterExtension static final RunningServer server = RunningServer.unset();
  private static Browser admin;

  @BeforeAll
  static void start() throws Exception {
    admin = Browser.desktop();
  }

  @AfterAll
  static void stop() throws Exception {
    if (admin != null) admin.close();
  }

  @Test
  @Order(1)
  void theFirstAdministratorIsCreatedOnTheSetupPageWithTheServersOneTimeCode() throws Exception {
    // the admin page sends a server without accounts to its setup page
    admin.open(server.url("/admin"));
    admin.waitFor(d -> d.getCurrentUrl().endsWith("/setup") && admin.visible("#setup-form"));

    admin.find("#setup-code").sendKeys("AAAA-BBBB-CCCC-DDDD-EEEE");
    admin.find("#setup-username").sendKeys(RunningServer.ADMIN);
    admin.find("#setup-name").sendKeys("Ada Admin");
    admin.find("#setup-password").sendKeys(RunningServer.ADMIN_PASSWORD);
    admin.find("#setup-password2").sendKeys(RunningServer.ADMIN_PASSWORD + "x");
    admin.find("#setup-submit").click();
    assertThat(admin.text("#setup-error")).isEqualTo("The two passwords are not the same.");

    admin.find("#setup-password2").sendKeys(org.openqa.selenium.Keys.BACK_SPACE);
    admin.find("#setup-submit").click();
    admin.waitFor(d -> !admin.text("#setup-error").isEmpty() && !admin.text("#setup-error").endsWith("…"));
    String wrongCode = admin.text("#setup-error");
    assertThat(admin.driver.getCurrentUrl()).as("a wrong code: " + wrongCode).endsWith("/setup");

    admin.find("#setup-code").clear();
    admin.find("#setup-code").sendKeys(server.setupCode());
    admin.find("#setup-submit").click();
    admin.waitFor(d -> d.getCurrentUrl().endsWith("/admin") && admin.text("#who").equals("Signed in as Ada Admin"));
    admin.waitFor(d -> admin.text("#staff-rows").contains("Ada Admin"));
    assertThat(server.setupCodeExists()).as("the used code is deleted").isFalse();

    // once set up, the setup page only says so
    admin.open(server.url("/setup"));
    admin.waitFor(d -> admin.visible("#setup-done"));
    assertThat(admin.visible("#setup-form")).isFalse();
    server.signInHelpers();
  }

  @Test
  @Order(2)
  void theAdminPageCreatesAFrontDeskAccountThatCanThenSignInAtTheDesk() throws Exception {
    admin.open(server.url("/admin#staff"));
    admin.waitFor(d -> admin.visible("#new-staff"));
    admin.find("#ns-username").sendKeys("frank");
    admin.find("#ns-name").sendKeys("Frank Front");
    admin.find("#ns-password").sendKeys("frank-passphrase-42");
    admin.find("#ns-password2").sendKeys("frank-passphrase-42");
    new Select(admin.find("#ns-grants .grant-role")).selectByValue("front-desk");
    new Select(admin.find("#ns-grants .grant-site")).selectByValue("main");
    admin.find("#ns-submit").click();
    admin.waitFor(d -> admin.text("#flash").equals("Created account frank."));
    admin.waitFor(d -> admin.text("tr[data-username='frank']").contains("Front desk at Main Street Clinic"));

    try (Browser desk = Browser.desktop()) {
      desk.open(server.url("/desk/main"));
      desk.signIn("frank", "frank-passphrase-42");
      desk.waitFor(d -> desk.text("#who").equals("Signed in as Frank Front") && desk.text("#conn").equals("Live"));
    }

    // disabled, the account can no longer sign in
    admin.click("tr[data-username='frank'] button[data-op='disable']");
    admin.waitFor(d -> admin.text("#flash").equals("frank is disabled."));
    try (Browser desk = Browser.desktop()) {
      desk.open(server.url("/desk/main"));
      desk.submitSignIn("frank", "frank-passphrase-42");
      desk.waitFor(d -> desk.text("#signin-error").equals("The username or password is not right."));
    }
  }

  @Test
  @Order(3)
  void aTvPairedWithTheAdminPagesCodeGoesBackToThePairingScreenWhenRevoked() throws Exception {
    admin.open(server.url("/admin#devices"));
    admin.waitFor(d -> admin.visible("#pairing-form"));
    admin.find("#pairing-name").sendKeys("Lobby TV");
    admin.find("#pairing-submit").click();
    admin.waitFor(d -> admin.text("#pairing-code").matches("[0-9A-Z]{4}-[0-9A-Z]{4}"));
    assertThat(admin.text("#pairing-help")).contains(server.url("/tv/main"));
    String code = admin.text("#pairing-code");

    try (Browser tv = Browser.tv()) {
      tv.open(server.url("/tv/main"));
      tv.waitFor(d -> tv.text("#pair-help").equals("Ask an administrator for a pairing code, then type it here."));
      tv.pair(code.toLowerCase());
      tv.waitFor(d -> "live".equals(tv.find("body").getAttribute("data-feed")));
      assertThat((String) tv.js("return localStorage.getItem('waitline.device.tv')")).contains("\"token\":\"wld_");

      // a used code does not pair a second screen
      try (Browser other = Browser.tv()) {
        other.open(server.url("/tv/main"));
        other.waitFor(d -> other.visible("#pair-code"));
        other.find("#pair-code").sendKeys(code);
        other.find("#pair-submit").click();
        other.waitFor(d -> !other.text("#pair-error").isEmpty() && !other.text("#pair-error").endsWith("…"));
        assertThat(other.visible("#pair-code")).isTrue();
      }

      admin.driver.navigate().refresh();
      admin.waitFor(d -> admin.text("#device-rows").contains("Lobby TV"));
      admin.click("tr[data-name='Lobby TV'] button[data-op='revoke']");
      admin.waitFor(d -> admin.visible("#revoke-dialog"));
      assertThat(admin.text("#revoke-title")).isEqualTo("Revoke Lobby TV?");
      admin.click("#revoke-confirm");
      admin.waitFor(d -> admin.text("#flash").equals("Lobby TV is revoked."));

      // the server closes the revoked screen's feed; on reconnecting it finds out and asks to be paired again
      tv.waitFor(Duration.ofSeconds(15), d -> tv.visible("#pair-code"));
      assertThat(tv.text("#pair-error"))
          .isEqualTo("This device is no longer paired. Ask an administrator for a new pairing code.");
      assertThat(tv.js("return localStorage.getItem('waitline.device.tv')")).isNull();
      assertThat(tv.visible("#now-calling")).isFalse();
    }
  }
}

package io.waitline.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The front desk's sign-in: the server's own sentences, the lockout, and a session that ends in the middle of a shift. */
class SignInE2ETest {
  @RegisterExtension static final RunningServer server = RunningServer.withStaff();

  @Test
  void fiveWrongPasswordsLockTheAccountAndTheDeskShowsTheServersSentences() throws Exception {
    server.createStaff("lena", "Lena Lind", "lena-passphrase-77", "front-desk", "main");
    try (Browser desk = Browser.desktop()) {
      desk.open(server.url("/desk/main"));
      for (int attempt = 1; attempt <= 4; attempt++) {
        desk.submitSignIn("lena", "not-her-password-" + attempt);
        desk.waitForText("#signin-error", "The username or password is not right.");
        desk.js("document.getElementById('signin-error').textContent = ''");
      }
      // the fifth wrong password locks this username from this address, and the page says so in the server's words
      desk.submitSignIn("lena", "not-her-password-5");
      desk.waitFor(d -> desk.text("#signin-error").startsWith("Too many failed sign-ins for this username"));
      String sentence = desk.text("#signin-error");
      desk.js("document.getElementById('signin-error').textContent = ''");
      // now even the right password does not help until it unlocks
      desk.submitSignIn("lena", "lena-passphrase-77");
      desk.waitForText("#signin-error", sentence);
      assertThat(desk.visible("#app")).isFalse();

      var locked = server.anonymous("POST", "/api/v1/auth/session",
          new JsonObject().put("username", "lena").put("password", "lena-passphrase-77").encode());
      assertThat(locked.statusCode()).isEqualTo(423);
      assertThat(new JsonObject(locked.body()).getString("detail")).isEqualTo(sentence);
      JsonObject account = server.getArray("/api/v1/staff").stream().map(JsonObject.class::cast)
          .filter(a -> a.getString("username").equals("lena")).findFirst().orElseThrow();
      assertThat(account.getString("lockedUntil")).isNotNull();
    }
  }

  @Test
  void whenTheSessionEndsMidShiftTheDeskAsksToSignInAgainAndKeepsWhatWasTyped() throws Exception {
    JsonObject mara = server.createStaff("mara", "Mara Moss", "mara-passphrase-01", "front-desk", null);
    try (Browser desk = Browser.desktop()) {
      desk.open(server.url("/desk/main"));
      desk.signIn("mara", "mara-passphrase-01");
      desk.waitFor(d -> desk.text("#conn").equals("Live") && desk.text("#who").equals("Signed in as Mara Moss"));
      // the session is the HttpOnly cookie: nothing of it is readable by the page or kept in its storage
      assertThat((String) desk.js("return document.cookie")).doesNotContain("wls_");
      assertThat((String) desk.js("return JSON.stringify(localStorage)")).doesNotContain("wls_");

      desk.find("#ci-name").sendKeys("Nora Quist");
      desk.find("#ci-mrn").sendKeys("MRN-9001");
      // an administrator resets her password: every session of the account ends at once
      server.postNoContent("/api/v1/staff/" + mara.getString("id") + "/password",
          new JsonObject().put("newPassword", "mara-new-passphrase-02"));
      desk.find("#ci-submit").click();

      desk.waitFor(d -> desk.visible("#signin-form") && !desk.visible("#app"));
      assertThat(desk.text("#signin-error")).isEqualTo("Your session has ended; please sign in again.");
      assertThat((Long) desk.js("return document.querySelectorAll('#rows tr').length")).as("patients left on the page")
          .isZero();
      desk.signIn("mara", "mara-new-passphrase-02");

      assertThat(desk.find("#ci-name").getAttribute("value")).isEqualTo("Nora Quist");
      assertThat(desk.find("#ci-mrn").getAttribute("value")).isEqualTo("MRN-9001");
      desk.find("#ci-submit").click();
      desk.waitFor(d -> desk.text("#flash").startsWith("Checked in Nora Quist: ticket A-"));
      desk.waitFor(d -> desk.text("#conn").equals("Live") && desk.text("#rows").contains("Nora Quist"));

      desk.click("#sign-out");
      desk.waitFor(d -> desk.visible("#signin-form"));
      assertThat((Long) desk.js("return document.querySelectorAll('#rows tr').length")).isZero();
    }
  }
}

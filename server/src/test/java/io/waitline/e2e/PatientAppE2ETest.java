package io.waitline.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The patient page as an app: strict policy, manifest, service worker, and the patient's own buttons. */
class PatientAppE2ETest {
  @RegisterExtension static final RunningServer server = RunningServer.withStaff();

  @Test
  void pagesAreServedUnderAStrictContentSecurityPolicy() {
    for (String page : List.of("/", "/visit/abcdefghijklmnopqrstuvwxyz", "/tv/main", "/desk/main", "/kiosk/main",
        "/admin", "/setup")) {
      var response = server.raw("GET", page, null);
      assertThat(response.statusCode()).as(page).isEqualTo(200);
      assertThat(response.headers().firstValue("Content-Type")).as(page).hasValueSatisfying(v -> assertThat(v).startsWith("text/html"));
      assertThat(response.headers().firstValue("Content-Security-Policy")).as(page).hasValueSatisfying(csp -> assertThat(csp)
          .contains("default-src 'self'", "script-src 'self'", "style-src 'self'", "object-src 'none'",
              "frame-ancestors 'none'", "connect-src 'self' ws://127.0.0.1:", " wss://127.0.0.1:")
          .doesNotContain("unsafe-inline", "unsafe-eval", "*"));
    }
    assertThat(server.raw("GET", "/js/patient.js", null).headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).contains("javascript"));
  }

  @Test
  void thePatientPageIsAnInstallableAppWhoseServiceWorkerKeepsTheShellButNeverTheApi() throws Exception {
    JsonObject visit = server.checkIn("general", "Pia Wu");
    String link = visit.getString("patientLink");
    String token = link.substring(link.lastIndexOf('/') + 1);
    JsonObject manifest = new JsonObject(server.raw("GET", "/visit/" + token + "/manifest.webmanifest", null).body());
    assertThat(manifest.getString("start_url")).isEqualTo("/visit/" + token);
    assertThat(manifest.getString("display")).isEqualTo("standalone");
    assertThat(manifest.getJsonArray("icons")).hasSize(2);

    try (Browser phone = Browser.phone()) {
      phone.open(link);
      phone.waitFor(d -> phone.text("#conn").equals("Live"));
      phone.waitFor(d -> swActive(phone));
      @SuppressWarnings("unchecked")
      List<String> cached = (List<String>) ((org.openqa.selenium.JavascriptExecutor) phone.driver).executeAsyncScript(
          "const done = arguments[arguments.length - 1];"
              + "caches.keys().then(ks => Promise.all(ks.map(k => caches.open(k).then(c => c.keys()))))"
              + ".then(all => done(all.flat().map(r => new URL(r.url).pathname)));");
      assertThat(cached).contains("/patient.html", "/js/patient.js").noneMatch(p -> p.startsWith("/api/"));
      assertThat(phone.find("link[rel=manifest]").getAttribute("href")).endsWith("/visit/" + token + "/manifest.webmanifest");
      // no Web Push key on this server yet: no button that cannot work
      assertThat(phone.visible("#push")).isFalse();

      phone.find("#late").click();
      phone.waitFor(d -> phone.visible("#late-noted"));
      assertThat(phone.visible("#late")).isFalse();

      phone.find("#leave").click();
      phone.find("#leave-no").click();
      assertThat(phone.text("#ticket")).isEqualTo("A-001");
      phone.find("#leave").click();
      phone.find("#leave-yes").click();
      phone.waitFor(d -> phone.text("#ended-message").equals("You have left the queue. You can close this page."));
      assertThat(server.raw("GET", "/api/v1/visits/" + token, null).statusCode()).isEqualTo(410);

      phone.driver.navigate().refresh();
      phone.waitFor(d -> phone.text("#ended-message").equals("This visit has ended. Thank you for coming."));
    }
  }

  private static boolean swActive(Browser phone) {
    Object state = ((org.openqa.selenium.JavascriptExecutor) phone.driver).executeAsyncScript(
        "const done = arguments[arguments.length - 1];"
            + "navigator.serviceWorker.getRegistration('/visit/').then(r => done(r && r.active ? r.active.state : null));");
    return "activated".equals(state);
  }
}

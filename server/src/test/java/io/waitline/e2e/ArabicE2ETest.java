package io.waitline.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Pages follow the site's language, Arabic right-to-left, and the user's own choice of language. */
class ArabicE2ETest {
  @RegisterExtension static final RunningServer server = RunningServer.withStaff();

  @BeforeAll
  static void start() throws Exception {
    server.post("/api/v1/sites", new JsonObject().put("id", "dubai").put("name", "عيادة دبي")
        .put("timeZone", "Asia/Dubai").put("language", "ar"));
    server.post("/api/v1/sites/dubai/queues", new JsonObject().put("id", "dubai-general").put("name", "الطب العام")
        .put("ticketPrefix", "D"));
  }

  @Test
  void aSiteWhoseLanguageIsArabicGetsRightToLeftArabicPages() throws Exception {
    JsonObject visit = server.checkIn("dubai-general", "Layla Haddad");
    try (Browser browser = Browser.phone()) {
      browser.open(visit.getString("patientLink"));
      browser.waitFor(d -> browser.text("#ticket").equals("D-001"));
      assertRtlArabic(browser);
      assertThat(browser.text("#title")).isEqualTo("مكانك في الدور");
      assertThat(browser.text("#leave")).isEqualTo("مغادرة الدور");
      // the text really runs right to left: the ticket label starts on the right
      assertThat((String) browser.js("return getComputedStyle(document.body).direction")).isEqualTo("rtl");

      // a new screen asks for its pairing code in the site's language already
      browser.open(server.url("/tv/dubai"));
      browser.waitFor(d -> browser.text("#pair-title").equals("إقران هذه الشاشة"));
      assertRtlArabic(browser);
      browser.pair(server.pairingCode("dubai", "display", "شاشة الانتظار"));
      browser.waitFor(d -> browser.text("#now-title").equals("النداء الآن"));
      assertRtlArabic(browser);

      browser.open(server.url("/kiosk/dubai"));
      browser.waitFor(d -> browser.text("#pair-title").equals("إقران هذا الكشك"));
      browser.pair(server.pairingCode("dubai", "kiosk", "كشك المدخل"));
      browser.waitFor(d -> browser.text("#welcome-title").equals("أهلًا بك"));
      assertRtlArabic(browser);

      browser.open(server.url("/desk/dubai"));
      browser.waitFor(d -> browser.text("#signin-submit").equals("تسجيل الدخول"));
      assertRtlArabic(browser);
      browser.signIn(RunningServer.DESK, RunningServer.DESK_PASSWORD);
      browser.waitFor(d -> browser.text("#call-next").equals("نداء التالي"));
      assertRtlArabic(browser);
    }
  }

  @Test
  void aPatientCanSwitchTheirPageToArabicAndBackAndTheChoiceIsKept() throws Exception {
    JsonObject visit = server.checkIn("general", "Omar Aziz");
    try (Browser browser = Browser.phone()) {
      browser.open(visit.getString("patientLink"));
      browser.waitFor(d -> browser.text("#conn").equals("Live"));
      assertThat(browser.find("html").getAttribute("dir")).isEqualTo("ltr");

      browser.find("#lang").sendKeys("العربية");
      browser.waitFor(d -> "rtl".equals(browser.find("html").getAttribute("dir")));
      assertThat(browser.text("#conn")).isEqualTo("مباشر");

      browser.driver.navigate().refresh();
      browser.waitFor(d -> browser.text("#conn").equals("مباشر"));
      assertRtlArabic(browser);

      browser.find("#lang").sendKeys("Español");
      browser.waitFor(d -> browser.text("#title").equals("Su lugar en la cola"));
      assertThat(browser.find("html").getAttribute("dir")).isEqualTo("ltr");
    }
  }

  private static void assertRtlArabic(Browser browser) {
    assertThat(browser.find("html").getAttribute("dir")).isEqualTo("rtl");
    assertThat(browser.find("html").getAttribute("lang")).isEqualTo("ar");
  }
}

package io.waitline.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The small pure rules: fallback order, quiet hours, phone numbers, SMS keywords, push endpoints, templates. */
class DomainTest {
  private static final Set<Channel> ALL = EnumSet.allOf(Channel.class);

  @Test
  void theChainFollowsThePatientsPreferenceKeepingOnlyWhatCanReachThem() {
    Preferences emailFirst = new Preferences(List.of(Channel.EMAIL, Channel.SMS), null, false);
    assertThat(FallbackPlan.chain(Kind.CALLED, emailFirst, ALL, ALL, Set.of()))
        .containsExactly(Channel.EMAIL, Channel.SMS);
    assertThat(FallbackPlan.chain(Kind.CALLED, Preferences.DEFAULT, Set.of(Channel.SMS, Channel.EMAIL), ALL, Set.of()))
        .containsExactly(Channel.SMS, Channel.EMAIL);
    assertThat(FallbackPlan.chain(Kind.CALLED, Preferences.DEFAULT, ALL, Set.of(Channel.EMAIL, Channel.PUSH),
        Set.of(Channel.PUSH))).containsExactly(Channel.EMAIL);
    assertThat(FallbackPlan.chain(Kind.CHECKED_IN, Preferences.DEFAULT, ALL, ALL, Set.of()).get(0))
        .isEqualTo(Channel.SMS);
  }

  @Test
  void quietHoursSpanMidnightInTheSitesZoneAndEndAtTheirEnd() {
    QuietHours q = QuietHours.parse("21:00-07:00");
    ZoneId london = ZoneId.of("Europe/London");
    assertThat(q.contains(LocalTime.of(23, 0))).isTrue();
    assertThat(q.contains(LocalTime.of(6, 59))).isTrue();
    assertThat(q.contains(LocalTime.of(7, 0))).isFalse();
    assertThat(q.holdUntil(Instant.parse("2026-11-20T22:00:00Z"), london))
        .isEqualTo(Instant.parse("2026-11-21T07:00:00Z"));
    assertThat(q.holdUntil(Instant.parse("2026-11-21T03:00:00Z"), london))
        .isEqualTo(Instant.parse("2026-11-21T07:00:00Z"));
    assertThat(q.holdUntil(Instant.parse("2026-11-21T12:00:00Z"), london)).isNull();
    // summer time: 07:00 in London is 06:00 UTC
    assertThat(q.holdUntil(Instant.parse("2026-07-01T01:00:00Z"), london))
        .isEqualTo(Instant.parse("2026-07-01T06:00:00Z"));
    assertThat(QuietHours.parse("12:00-14:00").contains(LocalTime.of(13, 0))).isTrue();
  }

  @Test
  void phoneNumbersBecomeE164OrNothing() {
    assertThat(PhoneNumbers.e164("07700 900123", "44")).isEqualTo("+447700900123");
    assertThat(PhoneNumbers.e164("+44 (0)7700-900123".replace("(0)", ""), null)).isEqualTo("+447700900123");
    assertThat(PhoneNumbers.e164("0044 7700 900123", null)).isEqualTo("+447700900123");
    assertThat(PhoneNumbers.e164("07700 900123", null)).isNull();
    assertThat(PhoneNumbers.e164("call me", "44")).isNull();
    assertThat(PhoneNumbers.e164(null, "44")).isNull();
  }

  @Test
  void smsKeywordsAreTwiliosStandardOnes() {
    assertThat(SmsKeyword.of(" Stop! ")).isEqualTo(SmsKeyword.STOP);
    assertThat(SmsKeyword.of("unsubscribe")).isEqualTo(SmsKeyword.STOP);
    assertThat(SmsKeyword.of("START")).isEqualTo(SmsKeyword.START);
    assertThat(SmsKeyword.of("help")).isEqualTo(SmsKeyword.HELP);
    assertThat(SmsKeyword.of("please stop sending")).isEqualTo(SmsKeyword.OTHER);
  }

  @Test
  void onlyHttpsEndpointsOfKnownPushServicesAreAccepted() {
    WebPushEndpoints p = WebPushEndpoints.defaults();
    assertThat(p.check("https://fcm.googleapis.com/fcm/send/abc")).isNull();
    assertThat(p.check("https://updates.push.services.mozilla.com/wpush/v2/x")).isNull();
    assertThat(p.check("https://web.push.apple.com/QGx")).isNull();
    assertThat(p.check("https://wns2-db5p.notify.windows.com/w/?token=x")).isNull();
    assertThat(p.check("http://fcm.googleapis.com/fcm/send/abc")).contains("https");
    assertThat(p.check("https://evilfcm.googleapis.com.attacker.net/x")).contains("not a known push service");
    assertThat(p.check("https://10.0.0.1/x")).contains("not a known push service");
    assertThat(p.check("not a url")).isNotNull();
  }

  @Test
  void everyKindRendersInEveryLanguageWithoutNamesOrQueueNames() {
    Templates t = new Templates();
    JsonObject params = new JsonObject().put("ticket", "A-042").put("room", "Room 3").put("position", 2)
        .put("waitLow", 17).put("waitHigh", 31).put("minutes", 75).put("queue", "Oncology").put("threshold", 3)
        .put("amount", "€20.00").put("card", "Visa •••• 4242").put("receipt", "https://w.test/receipts/r");
    for (String lang : Templates.LANGUAGES) {
      for (Kind k : Kind.values()) {
        boolean patient = k.audience() == Kind.Audience.PATIENT;
        Message m = t.render(k, lang, "Main Street Clinic", params, patient ? "https://w.test/visit/tok" : null);
        assertThat(m.title()).as("%s %s", k, lang).contains("A-042");
        assertThat(m.sms()).as("%s %s", k, lang).contains("A-042");
        for (String part : List.of(m.title(), m.text(), m.sms(), m.emailBody())) {
          assertThat(part).as("%s %s", k, lang).doesNotContain("{").doesNotContain("}");
          if (patient) assertThat(part).as("%s %s", k, lang).doesNotContain("Oncology");
        }
        if (patient && k != Kind.CALLED && k != Kind.RECEIPT) assertThat(m.sms()).contains("https://w.test/visit/tok");
        if (k == Kind.RECEIPT) assertThat(m.sms()).contains("€20.00").contains("https://w.test/receipts/r");
        if (patient) assertThat(m.emailBody()).contains("https://w.test/visit/tok").contains("STOP");
      }
    }
    // the range the patient page shows for 17/31: as far below P50 as P90 is above it (3, down to 0), to 31 (up to 35)
    assertThat(t.render(Kind.DELAYED, "en", "S", params, "l").text()).contains("0–35 min");
    assertThat(t.render(Kind.CALLED, "fr", "S", new JsonObject().put("ticket", "B-1"), "l").text())
        .contains("l'accueil");
    assertThat(t.render(Kind.CALLED, "xx", "S", params, "l").sms()).contains("it is your turn");
  }

  @Test
  void configurationNamesWhatIsMissing() {
    assertThatThrownBy(() -> NotificationsConfig.load(Map.of("TWILIO_ACCOUNT_SID", "AC1")::get, "https://x"))
        .hasMessageContaining("TWILIO_AUTH_TOKEN");
    assertThatThrownBy(() -> NotificationsConfig.load(Map.of("TWILIO_ACCOUNT_SID", "AC1", "TWILIO_AUTH_TOKEN", "t")::get,
        "https://x")).hasMessageContaining("TWILIO_FROM");
    assertThatThrownBy(() -> NotificationsConfig.load(Map.of("NOTIFY_POSITION_ALERTS", "3,zero")::get, "https://x"))
        .hasMessageContaining("NOTIFY_POSITION_ALERTS");
    assertThatThrownBy(() -> NotificationsConfig.load(Map.of("SMTP_HOST", "mail")::get, "https://x"))
        .hasMessageContaining("SMTP_FROM");
    NotificationsConfig none = NotificationsConfig.load(Map.<String, String>of()::get, "https://x");
    assertThat(none.anyChannel()).isFalse();
    assertThat(none.positionAlerts()).containsExactly(3, 1);
    assertThat(none.quietHours()).hasToString("21:00-07:00");
  }
}

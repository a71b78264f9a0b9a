package io.waitline.notify;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * Notification settings, parsed from the server's configuration source (environment variables or system
 * properties; see docs/notifications.md). A channel whose settings are absent is simply not used.
 */
public record NotificationsConfig(
    String publicUrl,
    Twilio twilio,
    Fcm fcm,
    Vapid vapid,
    Smtp smtp,
    List<Integer> positionAlerts,
    int delayMinutes,
    int longWaitMinutes,
    QuietHours quietHours,
    String phoneCountryCode,
    String staffEmail,
    String smsSenderName,
    List<String> webPushHosts,
    Duration pollInterval) {

  /** {@code TWILIO_ACCOUNT_SID}, {@code TWILIO_AUTH_TOKEN} and {@code TWILIO_FROM} or a messaging service. */
  public record Twilio(String accountSid, String authToken, String from, String messagingServiceSid) {}

  /** {@code FCM_CREDENTIALS_FILE}: a service-account JSON; {@code FCM_PROJECT_ID} overrides its project. */
  public record Fcm(String credentialsFile, String projectId) {}

  /** {@code VAPID_PUBLIC_KEY}, {@code VAPID_PRIVATE_KEY} (base64url) and {@code VAPID_SUBJECT} (mailto: or https:). */
  public record Vapid(String publicKey, String privateKey, String subject) {}

  /**
   * {@code SMTP_HOST}, {@code SMTP_PORT}, {@code SMTP_USER}, {@code SMTP_PASSWORD}, {@code SMTP_FROM}, {@code SMTP_TLS},
   * and {@code SMTP_CA_FILE}: PEM certificates to trust for the mail server instead of the JVM's (a private CA).
   */
  public record Smtp(String host, int port, String user, String password, String from, String tls, String caFile) {}

  /** Whether any channel is configured; without one, notifications do not run. */
  public boolean anyChannel() {
    return twilio != null || fcm != null || vapid != null || smtp != null;
  }

  public QueueRules defaultRules() {
    return new QueueRules(positionAlerts, delayMinutes, longWaitMinutes);
  }

  /**
   * @param get reads one key, returning null when unset or blank
   * @param publicUrl the base of patient links (WAITLINE_PUBLIC_URL)
   */
  public static NotificationsConfig load(Function<String, String> get, String publicUrl) {
    Twilio twilio = null;
    if (get.apply("TWILIO_ACCOUNT_SID") != null || get.apply("TWILIO_AUTH_TOKEN") != null) {
      twilio = new Twilio(required(get, "TWILIO_ACCOUNT_SID", "Twilio"), required(get, "TWILIO_AUTH_TOKEN", "Twilio"),
          get.apply("TWILIO_FROM"), get.apply("TWILIO_MESSAGING_SERVICE_SID"));
      if (twilio.from() == null && twilio.messagingServiceSid() == null) {
        throw new IllegalArgumentException("Twilio needs TWILIO_FROM (a number in E.164, e.g. +447700900123) or "
            + "TWILIO_MESSAGING_SERVICE_SID");
      }
    }
    Fcm fcm = get.apply("FCM_CREDENTIALS_FILE") == null ? null
        : new Fcm(get.apply("FCM_CREDENTIALS_FILE"), get.apply("FCM_PROJECT_ID"));
    Vapid vapid = null;
    if (get.apply("VAPID_PUBLIC_KEY") != null || get.apply("VAPID_PRIVATE_KEY") != null) {
      vapid = new Vapid(required(get, "VAPID_PUBLIC_KEY", "Web Push"), required(get, "VAPID_PRIVATE_KEY", "Web Push"),
          orDefault(get.apply("VAPID_SUBJECT"), "mailto:admin@localhost"));
      if (!vapid.subject().startsWith("mailto:") && !vapid.subject().startsWith("https:")) {
        throw new IllegalArgumentException("VAPID_SUBJECT must be a mailto: or https: URL, got '" + vapid.subject() + "'");
      }
    }
    Smtp smtp = null;
    if (get.apply("SMTP_HOST") != null) {
      String tls = orDefault(get.apply("SMTP_TLS"), "starttls");
      if (!List.of("none", "starttls", "tls").contains(tls)) {
        throw new IllegalArgumentException("SMTP_TLS must be none, starttls or tls, got '" + tls + "'");
      }
      smtp = new Smtp(get.apply("SMTP_HOST"), intValue(get, "SMTP_PORT", "tls".equals(tls) ? 465 : 587, 1, 65535),
          get.apply("SMTP_USER"), get.apply("SMTP_PASSWORD"), required(get, "SMTP_FROM", "E-mail"), tls,
          get.apply("SMTP_CA_FILE"));
    }
    String quiet = orDefault(get.apply("NOTIFY_QUIET_HOURS"), "21:00-07:00");
    QuietHours quietHours;
    try {
      quietHours = "off".equalsIgnoreCase(quiet) ? null : QuietHours.parse(quiet);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("NOTIFY_QUIET_HOURS must look like 21:00-07:00 or be 'off', got '" + quiet + "'");
    }
    return new NotificationsConfig(publicUrl, twilio, fcm, vapid, smtp,
        intList(get, "NOTIFY_POSITION_ALERTS", "3,1"),
        intValue(get, "NOTIFY_DELAY_MINUTES", 20, 5, 240),
        intValue(get, "NOTIFY_LONG_WAIT_MINUTES", 60, 5, 1440),
        quietHours,
        get.apply("NOTIFY_PHONE_COUNTRY_CODE"),
        get.apply("NOTIFY_STAFF_EMAIL"),
        orDefault(get.apply("NOTIFY_SMS_SENDER_NAME"), "Waitline"),
        get.apply("NOTIFY_WEB_PUSH_HOSTS") == null ? List.of()
            : Arrays.stream(get.apply("NOTIFY_WEB_PUSH_HOSTS").split(",")).map(String::trim)
                .filter(s -> !s.isEmpty()).toList(),
        Duration.ofMillis(intValue(get, "NOTIFY_POLL_MILLIS", 1000, 50, 60_000)));
  }

  private static String required(Function<String, String> get, String key, String what) {
    String v = get.apply(key);
    if (v == null) throw new IllegalArgumentException(what + " is partly configured: " + key + " is missing");
    return v;
  }

  private static int intValue(Function<String, String> get, String key, int dflt, int min, int max) {
    String v = get.apply(key);
    if (v == null) return dflt;
    try {
      int n = Integer.parseInt(v);
      if (n < min || n > max) throw new NumberFormatException();
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be a whole number from " + min + " to " + max + ", got '" + v + "'");
    }
  }

  private static List<Integer> intList(Function<String, String> get, String key, String dflt) {
    String v = orDefault(get.apply(key), dflt);
    try {
      List<Integer> out = Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty())
          .map(Integer::parseInt).toList();
      if (out.stream().anyMatch(n -> n < 1 || n > 100)) throw new NumberFormatException();
      return out;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be positions from 1 to 100 separated by commas, e.g. 3,1; got '"
          + v + "'");
    }
  }

  private static String orDefault(String v, String d) {
    return v == null ? d : v;
  }
}

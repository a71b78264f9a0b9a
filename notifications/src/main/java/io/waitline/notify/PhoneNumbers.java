package io.waitline.notify;

/**
 * Turns phone numbers as typed at the desk ("07700 900123", "+44 7700 900123", "0044…") into E.164, the form
 * Twilio sends and expects. A national number needs the site's country calling code.
 */
public final class PhoneNumbers {
  private PhoneNumbers() {}

  /** @return the E.164 number, or null when it cannot be one (then SMS cannot reach the patient) */
  public static String e164(String raw, String defaultCountryCode) {
    if (raw == null) return null;
    String s = raw.trim().replaceAll("[\\s().\\-/]", "");
    if (s.startsWith("00")) s = "+" + s.substring(2);
    if (!s.startsWith("+")) {
      if (defaultCountryCode == null || !s.startsWith("0")) return null;
      s = "+" + defaultCountryCode.replace("+", "") + s.substring(1);
    }
    String digits = s.substring(1);
    if (!digits.matches("[1-9][0-9]{6,14}")) return null;
    return s;
  }
}

package io.waitline.notify;

import java.util.Locale;
import java.util.Set;

/** What an inbound SMS asks for, by Twilio's standard opt-out, opt-in and help keywords. */
public enum SmsKeyword {
  STOP, START, HELP, OTHER;

  private static final Set<String> STOP_WORDS =
      Set.of("STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "OPTOUT", "REVOKE", "STOPP", "ARRET", "ALTO");
  private static final Set<String> START_WORDS = Set.of("START", "YES", "UNSTOP", "OPTIN");
  private static final Set<String> HELP_WORDS = Set.of("HELP", "INFO", "AIDE", "AYUDA");

  /** The keyword is the whole message, ignoring case, spaces and trailing punctuation. */
  public static SmsKeyword of(String body) {
    if (body == null) return OTHER;
    String word = body.trim().replaceAll("[\\p{Punct}\\s]+$", "").toUpperCase(Locale.ROOT);
    if (STOP_WORDS.contains(word)) return STOP;
    if (START_WORDS.contains(word)) return START;
    if (HELP_WORDS.contains(word)) return HELP;
    return OTHER;
  }
}

package io.waitline.queue;

import java.time.LocalDate;

/** Who an entry is for. Only staff views ever carry these fields; public views use {@link #initials()}. */
public record Patient(String name, LocalDate birthDate, String mrn, String phone, String email) {

  /**
   * "Jane van Doe" → "J.V.D."; never more than three letters, never the name itself. Words are split at white
   * space as {@code \s+} splits them, without a regular expression per call (names are read on every staff answer).
   */
  public String initials() {
    if (name == null || name.isBlank()) return "";
    String trimmed = name.trim();
    StringBuilder sb = new StringBuilder();
    boolean wordStart = true;
    for (int i = 0; i < trimmed.length() && sb.length() < 6; ) {
      int cp = trimmed.codePointAt(i);
      if (isSpace(cp)) {
        wordStart = true;
      } else if (wordStart) {
        sb.appendCodePoint(Character.toUpperCase(cp)).append('.');
        wordStart = false;
      }
      i += Character.charCount(cp);
    }
    return sb.toString();
  }

  /** The characters of the regular expression {@code \s}: space, tab, line feed, vertical tab, form feed, return. */
  private static boolean isSpace(int cp) {
    return cp == ' ' || (cp >= '\t' && cp <= '\r');
  }
}

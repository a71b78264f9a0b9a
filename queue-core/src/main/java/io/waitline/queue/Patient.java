package io.waitline.queue;

import java.time.LocalDate;

/** Who an entry is for. Only staff views ever carry these fields; public views use {@link #initials()}. */
public record Patient(String name, LocalDate birthDate, String mrn, String phone, String email) {

  /** "Jane van Doe" → "J.V.D."; never more than three letters, never the name itself. */
  public String initials() {
    if (name == null || name.isBlank()) return "";
    StringBuilder sb = new StringBuilder();
    for (String part : name.trim().split("\\s+")) {
      if (sb.length() >= 6) break;
      sb.appendCodePoint(Character.toUpperCase(part.codePointAt(0))).append('.');
    }
    return sb.toString();
  }
}

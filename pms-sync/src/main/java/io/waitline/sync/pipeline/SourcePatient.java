package io.waitline.sync.pipeline;

import java.time.LocalDate;
import java.util.List;
import java.util.Locale;

/**
 * A patient as a source describes them.
 *
 * @param ref the source's own id of the patient (e.g. {@code Patient/7}); identifies them within that source
 * @param language preferred language code (e.g. {@code es}), for messages to the patient; may be null
 */
public record SourcePatient(String ref, String name, LocalDate birthDate, List<Identifier> identifiers, String phone,
    String email, String language) {

  /** A business identifier: the system (namespace URI or OID) and the value within it. */
  public record Identifier(String system, String value) {}

  /** The language of a tag such as {@code es} or {@code pt-BR}: its two letters in lower case; null for any other. */
  public static String twoLetterLanguage(String tag) {
    return tag != null && tag.matches("[a-zA-Z]{2}([-_].*)?") ? tag.substring(0, 2).toLowerCase(Locale.ROOT) : null;
  }

  /** The value of the identifier in {@code system}, or null. */
  public String identifier(String system) {
    if (system == null) return null;
    return identifiers.stream().filter(i -> system.equals(i.system())).map(Identifier::value).findFirst()
        .orElse(null);
  }
}

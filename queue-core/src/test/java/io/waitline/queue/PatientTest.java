package io.waitline.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class PatientTest {

  @Example
  void initialsTakeTheFirstLetterOfEachNameInUpperCase() {
    assertThat(patient("Jane van Doe").initials()).isEqualTo("J.V.D.");
    assertThat(patient("ann lee").initials()).isEqualTo("A.L.");
    assertThat(patient("Cher").initials()).isEqualTo("C.");
    assertThat(patient("  Élodie   Ünal ").initials()).isEqualTo("É.Ü.");
  }

  @Example
  void initialsStopAtThreeLetters() {
    assertThat(patient("Maria Luisa de la Cruz").initials()).isEqualTo("M.L.D.");
  }

  @Example
  void aMissingOrBlankNameHasNoInitials() {
    assertThat(patient(null).initials()).isEmpty();
    assertThat(patient("   ").initials()).isEmpty();
    assertThat(patient("\u0001\u0002").initials()).as("control characters only, trimmed away").isEmpty();
  }

  @Provide
  Arbitrary<String> names() {
    Arbitrary<String> word = Arbitraries.strings().withCharRange('a', 'z').withChars("éüøñ'-").ofMinLength(1)
        .ofMaxLength(12).map(w -> Character.toUpperCase(w.charAt(0)) + w.substring(1));
    Arbitrary<String> separator = Arbitraries.of(" ", "  ", "\t", "\n", " \r\n", "\f", "\u000B");
    return word.list().ofMinSize(1).ofMaxSize(6).flatMap(words -> separator.map(sep -> String.join(sep, words)))
        .filter(name -> name.codePointCount(0, name.length()) > 1);
  }

  @Property
  void initialsNeverRevealTheNameOrMoreThanThreeLetters(@ForAll("names") String name) {
    String initials = patient(name).initials();

    assertThat(initials).isNotEqualTo(name).isNotEqualToIgnoringCase(name);
    assertThat(initials.replace(".", "").codePointCount(0, initials.replace(".", "").length()))
        .isBetween(1, 3);
    assertThat(initials).doesNotContain(" ", "\t");
  }

  @Property
  void initialsAreTheUpperCasedFirstLettersOfTheFirstThreeWords(@ForAll("names") String name) {
    List<String> words = List.of(name.trim().split("\\s+"));
    StringBuilder expected = new StringBuilder();
    for (String w : words.subList(0, Math.min(3, words.size()))) {
      expected.append(Character.toUpperCase(w.charAt(0))).append('.');
    }

    assertThat(patient(name).initials()).isEqualTo(expected.toString());
  }

  private static Patient patient(String name) {
    return new Patient(name, null, "MRN-1", "+33600000000", "p@example.org");
  }
}

package io.waitline.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Base64;
import org.junit.jupiter.api.Test;

class PasswordHasherTest {
  private final PasswordHasher hasher = PasswordHasher.forTests();

  @Test
  void aHashVerifiesTheRightPasswordAndNoOther() {
    String phc = hasher.hash("correct horse battery");
    assertThat(hasher.verify("correct horse battery", phc)).isTrue();
    assertThat(hasher.verify("correct horse batterY", phc)).isFalse();
    assertThat(hasher.verify("", phc)).isFalse();
    assertThat(hasher.verify(null, phc)).isFalse();
  }

  @Test
  void theSamePasswordHashesDifferentlyEachTimeBecauseOfTheSalt() {
    String a = hasher.hash("correct horse battery");
    String b = hasher.hash("correct horse battery");
    assertThat(a).isNotEqualTo(b);
    assertThat(hasher.verify("correct horse battery", b)).isTrue();
  }

  @Test
  void standardHashesAreArgon2idPhcStringsWithTheAgreedParameters() {
    PasswordHasher standard = PasswordHasher.standard();
    String phc = standard.hash("pässwörd with ünïcode ✓");
    String[] parts = phc.split("\\$");
    assertThat(parts).hasSize(6);
    assertThat(parts[1]).isEqualTo("argon2id");
    assertThat(parts[2]).isEqualTo("v=19");
    assertThat(parts[3]).isEqualTo("m=19456,t=2,p=1");
    assertThat(Base64.getDecoder().decode(parts[4])).hasSize(16);
    assertThat(Base64.getDecoder().decode(parts[5])).hasSize(32);
    assertThat(parts[4]).doesNotContain("=");
    assertThat(standard.verify("pässwörd with ünïcode ✓", phc)).isTrue();
    // the parameters travel with the hash: a cheap hasher still verifies a standard hash
    assertThat(hasher.verify("pässwörd with ünïcode ✓", phc)).isTrue();
  }

  @Test
  void malformedHashesVerifyNothingInsteadOfThrowing() {
    String good = hasher.hash("correct horse battery");
    String[] parts = good.split("\\$");
    String[] malformed = {
        null, "", "$", "plain text", "$argon2id$", "$argon2id$v=19$m=64,t=1,p=1$",
        good.replace("argon2id", "argon2i"),
        good.replace("v=19", "v=16"),
        good.replace("m=64,t=1,p=1", "m=64,t=1"),
        good.replace("m=64,t=1,p=1", "m=x,t=1,p=1"),
        good.replace("m=64,t=1,p=1", "m=-64,t=1,p=1"),
        good.replace("m=64,t=1,p=1", "m=64,t=0,p=1"),
        // absurd cost read from a corrupt row is refused rather than computed
        good.replace("m=64,t=1,p=1", "m=99999999,t=1,p=1"),
        good.replace("m=64,t=1,p=1", "m=64,t=1,p=1,q=2"),
        "$argon2id$v=19$m=64,t=1,p=1$" + parts[4] + "$not*base64",
        "$argon2id$v=19$m=64,t=1,p=1$" + parts[4] + "$" + parts[5].substring(0, 8),
        "$argon2id$v=19$m=64,t=1,p=1$$" + parts[5],
        good + "$extra",
    };
    for (String phc : malformed) {
      assertThat(hasher.verify("correct horse battery", phc)).as(String.valueOf(phc)).isFalse();
    }
  }
}

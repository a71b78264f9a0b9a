package io.waitline.access;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/** Random secrets and the SHA-256 digests that are all the database ever keeps of them. */
final class Tokens {
  /** Crockford base32: no I, L, O or U, so codes read aloud or typed are hard to get wrong. */
  static final String CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  private static final SecureRandom RANDOM = new SecureRandom();

  private Tokens() {}

  /** {@code prefix} followed by 256 random bits as 43 base64url characters. */
  static String secret(String prefix) {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** {@code groups} groups of {@code size} random Crockford characters, joined by dashes. */
  static String code(int groups, int size) {
    StringBuilder sb = new StringBuilder();
    for (int g = 0; g < groups; g++) {
      if (g > 0) sb.append('-');
      for (int i = 0; i < size; i++) sb.append(CROCKFORD.charAt(RANDOM.nextInt(CROCKFORD.length())));
    }
    return sb.toString();
  }

  /**
   * A typed code in its canonical form: upper case, without dashes or spaces, with the look-alikes Crockford allows
   * (O for 0, I and L for 1). Null when something else is left over.
   */
  static String canonicalCode(String typed) {
    if (typed == null) return null;
    StringBuilder sb = new StringBuilder();
    for (char c : typed.toUpperCase(java.util.Locale.ROOT).toCharArray()) {
      if (c == '-' || c == ' ') continue;
      if (c == 'O') c = '0';
      if (c == 'I' || c == 'L') c = '1';
      if (CROCKFORD.indexOf(c) < 0) return null;
      sb.append(c);
    }
    return sb.toString();
  }

  static String sha256(String secret) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(md.digest(secret.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}

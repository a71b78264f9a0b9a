package io.waitline.access;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Argon2id password hashes as PHC strings ({@code $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>}). CPU- and
 * memory-heavy by design: call it on a worker thread, never on an event loop.
 */
public final class PasswordHasher {
  private static final int SALT_BYTES = 16;
  private static final int HASH_BYTES = 32;
  // bounds on parameters read back from a stored string, so a corrupt row cannot make a verify take minutes
  private static final int MAX_MEMORY_KIB = 1 << 18;
  private static final int MAX_ITERATIONS = 16;
  private static final int MAX_PARALLELISM = 16;
  private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
  private static final SecureRandom RANDOM = new SecureRandom();

  private final int memoryKib;
  private final int iterations;
  private final int parallelism;
  private volatile String dummy;

  private PasswordHasher(int memoryKib, int iterations, int parallelism) {
    this.memoryKib = memoryKib;
    this.iterations = iterations;
    this.parallelism = parallelism;
  }

  /** The OWASP-recommended Argon2id setting: 19 MiB, 2 passes, 1 lane. */
  public static PasswordHasher standard() {
    return new PasswordHasher(19456, 2, 1);
  }

  /** Cheap parameters so tests that sign in many times stay fast. Never for real passwords. */
  public static PasswordHasher forTests() {
    return new PasswordHasher(64, 1, 1);
  }

  public String hash(String password) {
    byte[] salt = new byte[SALT_BYTES];
    RANDOM.nextBytes(salt);
    byte[] hash = argon2(password, salt, memoryKib, iterations, parallelism, HASH_BYTES);
    return "$argon2id$v=19$m=" + memoryKib + ",t=" + iterations + ",p=" + parallelism + "$" + B64.encodeToString(salt)
        + "$" + B64.encodeToString(hash);
  }

  /** True when {@code password} matches {@code phc}; false for a wrong password and for any malformed string. */
  public boolean verify(String password, String phc) {
    if (password == null || phc == null) return false;
    try {
      String[] parts = phc.split("\\$", -1);
      if (parts.length != 6 || !parts[0].isEmpty() || !parts[1].equals("argon2id") || !parts[2].equals("v=19")) {
        return false;
      }
      int m = -1;
      int t = -1;
      int p = -1;
      String[] params = parts[3].split(",", -1);
      if (params.length != 3) return false;
      for (String kv : params) {
        String[] pair = kv.split("=", -1);
        if (pair.length != 2 || !pair[1].matches("[0-9]{1,7}")) return false;
        int value = Integer.parseInt(pair[1]);
        switch (pair[0]) {
          case "m" -> m = value;
          case "t" -> t = value;
          case "p" -> p = value;
          default -> {
            return false;
          }
        }
      }
      if (p < 1 || p > MAX_PARALLELISM || t < 1 || t > MAX_ITERATIONS || m < 8 * p || m > MAX_MEMORY_KIB) {
        return false;
      }
      byte[] salt = Base64.getDecoder().decode(parts[4]);
      byte[] expected = Base64.getDecoder().decode(parts[5]);
      if (salt.length < 8 || expected.length < 16 || expected.length > 64) return false;
      byte[] actual = argon2(password, salt, m, t, p, expected.length);
      return MessageDigest.isEqual(actual, expected);
    } catch (IllegalArgumentException e) {
      // bad base64 or numbers: not a hash we wrote
      return false;
    }
  }

  /**
   * A hash of an unguessable password with this hasher's parameters: verifying against it costs what a real
   * verify costs, so unknown usernames cannot be told apart by timing.
   */
  String dummyHash() {
    String d = dummy;
    if (d == null) {
      byte[] secret = new byte[24];
      RANDOM.nextBytes(secret);
      d = hash(B64.encodeToString(secret));
      dummy = d;
    }
    return d;
  }

  private static byte[] argon2(String password, byte[] salt, int m, int t, int p, int length) {
    Argon2Parameters params = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
        .withVersion(Argon2Parameters.ARGON2_VERSION_13)
        .withMemoryAsKB(m)
        .withIterations(t)
        .withParallelism(p)
        .withSalt(salt)
        .build();
    Argon2BytesGenerator generator = new Argon2BytesGenerator();
    generator.init(params);
    byte[] out = new byte[length];
    generator.generateBytes(password.getBytes(StandardCharsets.UTF_8), out);
    return out;
  }
}

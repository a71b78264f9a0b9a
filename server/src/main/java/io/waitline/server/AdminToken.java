package io.waitline.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The interim staff credential. Taken from configuration, or generated once and kept in the data dir so it
 * survives restarts. Never a fixed default.
 */
final class AdminToken {
  static final String FILE = "admin-token";

  private AdminToken() {}

  /** @return the token, and whether it was just generated (so the caller prints it once) */
  static Result resolve(String configured, Path dataDir) throws IOException {
    if (configured != null) {
      if (configured.length() < 16) throw new IllegalArgumentException("WAITLINE_ADMIN_TOKEN must be at least 16 characters");
      return new Result(configured, false);
    }
    Path file = dataDir.resolve(FILE);
    if (Files.exists(file)) return new Result(Files.readString(file, StandardCharsets.UTF_8).trim(), false);
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    Files.createDirectories(dataDir);
    try {
      // created private, so the token is never readable by others, not even for an instant
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException notPosix) {
      Files.createFile(file);
    }
    Files.writeString(file, token + "\n", StandardCharsets.UTF_8);
    return new Result(token, true);
  }

  record Result(String token, boolean generated) {}
}

package io.waitline.sync.store;

import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals source secrets with AES-256-GCM under a key from configuration, so a database dump alone reveals nothing.
 * The source id is bound as associated data: a sealed value copied onto another source does not open.
 */
public final class SecretBox {
  private static final int IV_BYTES = 12;
  private static final int TAG_BITS = 128;
  private final SecretKeySpec key;
  private final SecureRandom random = new SecureRandom();

  /** @param base64Key 32 random bytes, base64 (e.g. {@code openssl rand -base64 32}) */
  public SecretBox(String base64Key) {
    byte[] raw;
    try {
      raw = Base64.getDecoder().decode(base64Key.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the secrets key must be base64 (openssl rand -base64 32)");
    }
    if (raw.length != 32) throw new IllegalArgumentException("the secrets key must be 32 bytes, base64-encoded");
    this.key = new SecretKeySpec(raw, "AES");
  }

  public String seal(String boundTo, JsonObject secrets) {
    try {
      byte[] iv = new byte[IV_BYTES];
      random.nextBytes(iv);
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
      c.updateAAD(boundTo.getBytes(StandardCharsets.UTF_8));
      byte[] sealed = c.doFinal(secrets.encode().getBytes(StandardCharsets.UTF_8));
      return Base64.getEncoder().encodeToString(ByteBuffer.allocate(iv.length + sealed.length).put(iv).put(sealed)
          .array());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("could not seal a source secret", e);
    }
  }

  /** @throws IllegalStateException when the value was sealed under another key or for another source */
  public JsonObject open(String boundTo, String sealed) {
    try {
      byte[] all = Base64.getDecoder().decode(sealed);
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, all, 0, IV_BYTES));
      c.updateAAD(boundTo.getBytes(StandardCharsets.UTF_8));
      byte[] plain = c.doFinal(all, IV_BYTES, all.length - IV_BYTES);
      return new JsonObject(new String(plain, StandardCharsets.UTF_8));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalStateException("a source secret does not open with the configured key", e);
    }
  }
}

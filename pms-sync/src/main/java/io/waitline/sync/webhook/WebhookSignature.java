package io.waitline.sync.webhook;

import static io.waitline.queue.Refused.Kind.FORBIDDEN;

import io.waitline.sync.SyncException;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The signature a PMS puts on each webhook: header {@code X-Waitline-Signature: t=<unix seconds>,v1=<hex>}, where
 * v1 is HMAC-SHA256 with the source's secret over {@code "<t>.<body>"} (the Stripe scheme, which most PMS webhook
 * libraries can produce). A signature older or newer than {@link #TOLERANCE} is refused, so a captured request
 * cannot be replayed later; within it, a replay carries the same event id and is applied once.
 */
public final class WebhookSignature {
  public static final String HEADER = "X-Waitline-Signature";
  public static final Duration TOLERANCE = Duration.ofMinutes(5);

  private WebhookSignature() {}

  /**
   * The signed time of a body whose signature holds; fails with a {@code FORBIDDEN} {@link SyncException} and a
   * sentence otherwise.
   */
  public static Instant verify(String secret, String header, String body, Instant now) {
    if (header == null || header.isBlank()) {
      throw new SyncException(FORBIDDEN, "The request carries no " + HEADER + " header.");
    }
    Long t = null;
    String v1 = null;
    for (String part : header.split(",")) {
      String[] kv = part.trim().split("=", 2);
      if (kv.length != 2) continue;
      if (kv[0].equals("t") && kv[1].matches("\\d{1,12}")) t = Long.parseLong(kv[1]);
      if (kv[0].equals("v1") && kv[1].matches("[0-9a-fA-F]{64}")) v1 = kv[1].toLowerCase(Locale.ROOT);
    }
    if (t == null || v1 == null) {
      throw new SyncException(FORBIDDEN, "The " + HEADER + " header must read t=<unix seconds>,v1=<64 hex digits>.");
    }
    Instant signedAt = Instant.ofEpochSecond(t);
    if (Duration.between(signedAt, now).abs().compareTo(TOLERANCE) > 0) {
      throw new SyncException(FORBIDDEN, "The signature was made at " + signedAt + ", more than 5 minutes from now;"
          + " a replayed or delayed request is refused.");
    }
    byte[] expected = HexFormat.of().formatHex(hmac(secret, t + "." + body)).getBytes(StandardCharsets.US_ASCII);
    if (!MessageDigest.isEqual(expected, v1.getBytes(StandardCharsets.US_ASCII))) {
      throw new SyncException(FORBIDDEN, "The signature does not match this body and this source's secret.");
    }
    return signedAt;
  }

  /** The header value for {@code body} signed at {@code at}, as a sender makes it. */
  public static String sign(String secret, String body, Instant at) {
    return "t=" + at.getEpochSecond() + ",v1=" + HexFormat.of().formatHex(hmac(secret, at.getEpochSecond() + "."
        + body));
  }

  private static byte[] hmac(String secret, String text) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException(e);
    }
  }
}

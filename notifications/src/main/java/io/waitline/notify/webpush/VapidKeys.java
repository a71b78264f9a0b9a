package io.waitline.notify.webpush;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;

/**
 * A VAPID key pair in the form browsers and {@code VAPID_PUBLIC_KEY} / {@code VAPID_PRIVATE_KEY} use: base64url of
 * the uncompressed P-256 point, and of the 32-byte private scalar. Run the class to print a new pair.
 */
public record VapidKeys(String publicKey, String privateKey) {

  public static VapidKeys generate() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      KeyPair kp = g.generateKeyPair();
      ECPublicKey pub = (ECPublicKey) kp.getPublic();
      byte[] point = new byte[65];
      point[0] = 4;
      System.arraycopy(fixed(pub.getW().getAffineX()), 0, point, 1, 32);
      System.arraycopy(fixed(pub.getW().getAffineY()), 0, point, 33, 32);
      byte[] d = fixed(((ECPrivateKey) kp.getPrivate()).getS());
      Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
      return new VapidKeys(b64.encodeToString(point), b64.encodeToString(d));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] fixed(BigInteger n) {
    byte[] b = n.toByteArray();
    byte[] out = new byte[32];
    int copy = Math.min(32, b.length);
    System.arraycopy(b, b.length - copy, out, 32 - copy, copy);
    return out;
  }

  /** Prints a new key pair as environment variables. */
  public static void main(String[] args) {
    VapidKeys k = generate();
    System.out.println("VAPID_PUBLIC_KEY=" + k.publicKey());
    System.out.println("VAPID_PRIVATE_KEY=" + k.privateKey());
  }
}

package io.waitline.notify.support;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A local Web Push service (RFC 8030) that plays the browser too: it creates subscriptions (a P-256 key pair and
 * an auth secret, as a browser would), and for every push checks the VAPID signature (RFC 8292) and decrypts the
 * {@code aes128gcm} payload with the subscriber's private key (RFC 8291, RFC 8188), independently of the library
 * that encrypted it. Subscriptions can be made to answer 404 or 410.
 */
public final class FakePushService implements AutoCloseable {
  /** A browser's subscription, with the private half only the browser knows. */
  public record Subscriber(String id, String endpoint, String p256dh, String auth, KeyPair keys, byte[] secret) {
    /** The subscription as a browser's {@code PushSubscription.toJSON()} gives it to the patient page. */
    public JsonObject subscription() {
      return new JsonObject().put("endpoint", endpoint).put("expirationTime", null)
          .put("keys", new JsonObject().put("p256dh", p256dh).put("auth", auth));
    }
  }

  /** One push as the browser would see it. */
  public record Received(String subscriptionId, JsonObject payload, Map<String, String> headers) {}

  public final List<Received> received = new CopyOnWriteArrayList<>();
  public final List<String> rejectedSignatures = new CopyOnWriteArrayList<>();
  public final Set<String> gone = ConcurrentHashMap.newKeySet();
  public final Set<String> notFound = ConcurrentHashMap.newKeySet();
  /** While set, every request is answered 503, as a push service that is down. */
  public volatile boolean down;
  /** Pushes that are taken (and shown) but answered only after this long, once each: a lost answer. */
  public final java.util.concurrent.atomic.AtomicInteger answerLate = new java.util.concurrent.atomic.AtomicInteger();
  private final Map<String, Subscriber> subscribers = new ConcurrentHashMap<>();
  private final Vertx vertx;
  private HttpServer server;

  public FakePushService(Vertx vertx) {
    this.vertx = vertx;
  }

  public FakePushService start() {
    server = vertx.createHttpServer().requestHandler(this::handle);
    server.listen(0).toCompletionStage().toCompletableFuture().join();
    return this;
  }

  public String origin() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  public Subscriber subscribe() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC", "SunEC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair keys = g.generateKeyPair();
    byte[] secret = new byte[16];
    new SecureRandom().nextBytes(secret);
    String id = Long.toHexString(new SecureRandom().nextLong());
    Subscriber s = new Subscriber(id, origin() + "/push/" + id, b64(uncompressed((ECPublicKey) keys.getPublic())),
        b64(secret), keys, secret);
    subscribers.put(id, s);
    return s;
  }

  private void handle(HttpServerRequest req) {
    req.body().onSuccess(body -> {
      if (down) {
        req.response().setStatusCode(503).end("service unavailable");
        return;
      }
      String id = req.path().replace("/push/", "");
      Subscriber s = subscribers.get(id);
      if (s == null || notFound.contains(id)) {
        req.response().setStatusCode(404).end();
        return;
      }
      if (gone.contains(id)) {
        req.response().setStatusCode(410).end("push subscription has unsubscribed or expired");
        return;
      }
      String why = checkVapid(req.getHeader("Authorization"));
      if (why != null) {
        rejectedSignatures.add(why);
        req.response().setStatusCode(403).end(why);
        return;
      }
      try {
        byte[] plain = decrypt(body.getBytes(), s);
        Map<String, String> headers = new java.util.HashMap<>();
        req.headers().forEach(h -> headers.put(h.getKey().toLowerCase(), h.getValue()));
        received.add(new Received(id, new JsonObject(new String(plain, StandardCharsets.UTF_8)), headers));
        if (answerLate.getAndUpdate(n -> Math.max(0, n - 1)) > 0) return; // never answered
        req.response().setStatusCode(201).putHeader("Location", origin() + "/message/" + received.size()).end();
      } catch (Exception e) {
        req.response().setStatusCode(400).end("cannot decrypt: " + e);
      }
    });
  }

  /** {@code vapid t=<JWT ES256>, k=<public key>}: the JWT must verify with k and name this origin as audience. */
  private String checkVapid(String header) {
    if (header == null || !header.startsWith("vapid ")) return "no VAPID authorization";
    String t = null;
    String k = null;
    for (String part : header.substring(6).split(",")) {
      String p = part.trim();
      if (p.startsWith("t=")) t = p.substring(2);
      if (p.startsWith("k=")) k = p.substring(2);
    }
    if (t == null || k == null) return "VAPID t= or k= missing";
    try {
      String[] jwt = t.split("\\.");
      Signature v = Signature.getInstance("SHA256withECDSAinP1363Format");
      v.initVerify(publicKey(unb64(k)));
      v.update((jwt[0] + "." + jwt[1]).getBytes(StandardCharsets.US_ASCII));
      if (!v.verify(unb64(jwt[2]))) return "VAPID signature does not verify";
      JsonObject claims = new JsonObject(new String(unb64(jwt[1]), StandardCharsets.UTF_8));
      // web-push 5.1.1 names the origin without its port (fine for real push services, on 443)
      String aud = claims.getString("aud");
      if (!origin().equals(aud) && !origin().replaceFirst(":\\d+$", "").equals(aud)) {
        return "VAPID audience is " + aud;
      }
      if (claims.getLong("exp") * 1000 < System.currentTimeMillis()) return "VAPID token expired";
      return null;
    } catch (Exception e) {
      return "VAPID check failed: " + e;
    }
  }

  /** RFC 8291 with the aes128gcm content coding of RFC 8188, one record. */
  static byte[] decrypt(byte[] body, Subscriber s) throws Exception {
    ByteBuffer in = ByteBuffer.wrap(body);
    byte[] salt = new byte[16];
    in.get(salt);
    int recordSize = in.getInt();
    int idLength = in.get() & 0xff;
    byte[] asPublic = new byte[idLength];
    in.get(asPublic);
    byte[] ciphertext = new byte[in.remaining()];
    in.get(ciphertext);
    if (ciphertext.length > recordSize) throw new IllegalStateException("more than one record");

    KeyAgreement ka = KeyAgreement.getInstance("ECDH", "SunEC");
    ka.init(s.keys().getPrivate());
    ka.doPhase(publicKey(asPublic), true);
    byte[] ecdh = ka.generateSecret();

    byte[] uaPublic = uncompressed((ECPublicKey) s.keys().getPublic());
    byte[] keyInfo = concat("WebPush: info".getBytes(StandardCharsets.US_ASCII), new byte[] {0}, uaPublic, asPublic);
    byte[] ikm = hkdf(s.secret(), ecdh, keyInfo, 32);
    byte[] cek = hkdf(salt, ikm, concat("Content-Encoding: aes128gcm".getBytes(StandardCharsets.US_ASCII),
        new byte[] {0}), 16);
    byte[] nonce = hkdf(salt, ikm, concat("Content-Encoding: nonce".getBytes(StandardCharsets.US_ASCII),
        new byte[] {0}), 12);
    Cipher aes = Cipher.getInstance("AES/GCM/NoPadding");
    aes.init(Cipher.DECRYPT_MODE, new SecretKeySpec(cek, "AES"), new GCMParameterSpec(128, nonce));
    byte[] padded = aes.doFinal(ciphertext);
    int end = padded.length - 1;
    while (end >= 0 && padded[end] == 0) end--;
    if (end < 0 || padded[end] != 2) throw new IllegalStateException("last record must end with delimiter 2");
    return Arrays.copyOf(padded, end);
  }

  private static byte[] hkdf(byte[] salt, byte[] ikm, byte[] info, int length) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(salt, "HmacSHA256"));
    byte[] prk = mac.doFinal(ikm);
    mac.init(new SecretKeySpec(prk, "HmacSHA256"));
    mac.update(info);
    mac.update((byte) 1);
    return Arrays.copyOf(mac.doFinal(), length);
  }

  private static PublicKey publicKey(byte[] uncompressed) throws Exception {
    AlgorithmParameters params = AlgorithmParameters.getInstance("EC", "SunEC");
    params.init(new ECGenParameterSpec("secp256r1"));
    ECParameterSpec spec = params.getParameterSpec(ECParameterSpec.class);
    ECPoint point = new ECPoint(new BigInteger(1, Arrays.copyOfRange(uncompressed, 1, 33)),
        new BigInteger(1, Arrays.copyOfRange(uncompressed, 33, 65)));
    return KeyFactory.getInstance("EC", "SunEC").generatePublic(new ECPublicKeySpec(point, spec));
  }

  private static byte[] uncompressed(ECPublicKey key) {
    return concat(new byte[] {4}, fixed(key.getW().getAffineX()), fixed(key.getW().getAffineY()));
  }

  private static byte[] fixed(BigInteger n) {
    byte[] b = n.toByteArray();
    byte[] out = new byte[32];
    int copy = Math.min(32, b.length);
    System.arraycopy(b, b.length - copy, out, 32 - copy, copy);
    return out;
  }

  private static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) n += p.length;
    byte[] out = new byte[n];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }

  static String b64(byte[] b) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  static byte[] unb64(String s) {
    return Base64.getUrlDecoder().decode(s.replace("=", ""));
  }

  @Override
  public void close() {
    server.close().toCompletionStage().toCompletableFuture().join();
  }
}

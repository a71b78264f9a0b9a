package io.waitline.sync.source;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.uritemplate.UriTemplate;
import io.vertx.core.MultiMap;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code Authorization} header for a source: none, a bearer token, basic credentials, or an access token from a
 * SMART Backend Services token endpoint (client-credentials grant with a JWT assertion signed by the client's key),
 * cached until shortly before it expires.
 */
public final class SourceCredentials {
  private static final String ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

  private final Vertx vertx;
  private final WebClient web;
  private final Clock clock;
  private final Map<String, Token> tokens = new ConcurrentHashMap<>();

  private record Token(String value, Instant expiresAt) {}

  public SourceCredentials(Vertx vertx, Clock clock) {
    this.vertx = vertx;
    this.web = WebClient.create(vertx);
    this.clock = clock;
  }

  /** @return the header value, or null when the source needs none */
  public Future<String> authorization(Source source) {
    SourceAuth auth = source.auth();
    if (auth instanceof SourceAuth.Bearer b) return Future.succeededFuture("Bearer " + b.token());
    if (auth instanceof SourceAuth.Basic b) {
      return Future.succeededFuture("Basic " + Base64.getEncoder().encodeToString(
          (b.username() + ":" + b.password()).getBytes(StandardCharsets.UTF_8)));
    }
    if (auth instanceof SourceAuth.SmartBackend s) return smartToken(source, s).map(t -> "Bearer " + t);
    return Future.succeededFuture(null);
  }

  /** Forgets cached tokens of a source (its auth changed, or the source refused the token). */
  public void forget(Source source) {
    tokens.keySet().removeIf(k -> k.startsWith(source.id() + "|"));
  }

  private Future<String> smartToken(Source source, SourceAuth.SmartBackend s) {
    String key = source.id() + "|" + source.updatedAt();
    Token cached = tokens.get(key);
    Instant now = clock.instant();
    if (cached != null && now.isBefore(cached.expiresAt())) return Future.succeededFuture(cached.value());
    // reading the key and signing are CPU work: off the event loop
    return vertx.executeBlocking(() -> {
      try {
        return assertion(s, now);
      } catch (RuntimeException e) {
        throw new SourceFailure("The SMART Backend Services private key could not sign the client assertion;"
            + " check that it is a PKCS#8 PEM key for " + s.algorithm() + ".", false, e);
      }
    }, false).compose(assertion -> requestToken(s, key, now, assertion));
  }

  private Future<String> requestToken(SourceAuth.SmartBackend s, String key, Instant now, String assertion) {
    MultiMap form = MultiMap.caseInsensitiveMultiMap()
        .add("grant_type", "client_credentials")
        .add("scope", s.scope())
        .add("client_assertion_type", ASSERTION_TYPE)
        .add("client_assertion", assertion);
    return web.postAbs(UriTemplate.of(s.tokenUrl())).putHeader("Accept", "application/json").sendForm(form)
        .recover(err -> Future.failedFuture(new SourceFailure("The SMART token endpoint could not be reached ("
            + err.getMessage() + ").", true, err)))
        .map(resp -> token(resp, s, now))
        .onSuccess(t -> tokens.put(key, t))
        .map(Token::value);
  }

  private Token token(HttpResponse<Buffer> resp, SourceAuth.SmartBackend s, Instant now) {
    if (resp.statusCode() != 200) {
      boolean retry = resp.statusCode() >= 500 || resp.statusCode() == 429;
      throw new SourceFailure("The SMART token endpoint refused the client credentials (HTTP " + resp.statusCode()
          + errorOf(resp) + ").", retry, null);
    }
    JsonObject body;
    try {
      body = resp.bodyAsJsonObject();
    } catch (RuntimeException e) {
      body = null;
    }
    if (body == null || body.getString("access_token") == null) {
      throw new SourceFailure("The SMART token endpoint answered without an access_token.", false, null);
    }
    long seconds = body.getLong("expires_in", 300L);
    // renew a minute early so no request goes out with a token about to lapse
    return new Token(body.getString("access_token"), now.plusSeconds(Math.max(0, seconds - 60)));
  }

  private static String errorOf(HttpResponse<Buffer> resp) {
    try {
      JsonObject b = resp.bodyAsJsonObject();
      return b != null && b.getString("error") != null ? ": " + b.getString("error") : "";
    } catch (RuntimeException e) {
      return "";
    }
  }

  /** The signed client assertion: iss = sub = client id, aud = token URL, five minutes, a fresh jti. */
  private String assertion(SourceAuth.SmartBackend s, Instant now) {
    JWTAuth signer = JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions()
        .setAlgorithm(s.algorithm()).setBuffer(s.privateKeyPem())));
    JsonObject header = new JsonObject();
    if (s.keyId() != null) header.put("kid", s.keyId());
    JsonObject claims = new JsonObject().put("iss", s.clientId()).put("sub", s.clientId()).put("aud", s.tokenUrl())
        .put("jti", UUID.randomUUID().toString()).put("iat", now.getEpochSecond())
        .put("exp", now.plusSeconds(300).getEpochSecond());
    return signer.generateToken(claims, new JWTOptions().setAlgorithm(s.algorithm()).setHeader(header)
        .setNoTimestamp(true));
  }
}

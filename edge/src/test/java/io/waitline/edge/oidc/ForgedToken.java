package io.waitline.edge.oidc;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;

/** Tokens an attacker makes: right issuer, audience and key id, signed by a key the provider never published. */
public final class ForgedToken {
  private ForgedToken() {}

  /** An admin's access token for {@code audience}, "issued" by {@code issuer} and valid for five minutes. */
  public static String admin(String issuer, String audience) throws Exception {
    RSAKey forger = new RSAKeyGenerator(2048).keyID("default").generate();
    Instant now = Instant.now();
    SignedJWT forged = new SignedJWT(
        new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("default").type(JOSEObjectType.JWT).build(),
        new JWTClaimsSet.Builder().issuer(issuer).subject("mallory").audience(audience)
            .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(300)))
            .claim("realm_access", Map.of("roles", List.of("admin"))).build());
    forged.sign(new RSASSASigner(forger));
    return forged.serialize();
  }
}

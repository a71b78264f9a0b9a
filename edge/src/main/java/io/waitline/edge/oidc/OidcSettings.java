package io.waitline.edge.oidc;

import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * How Waitline trusts an OpenID Connect identity provider (Keycloak, Entra ID, Okta, …) for staff sign-in.
 *
 * @param issuer       the provider's issuer URL, exactly as its discovery document states it (no trailing slash)
 * @param clientId     Waitline's client id at the provider
 * @param clientSecret the client secret, or null for a public client (the code flow then relies on PKCE alone)
 * @param audience     the value access tokens must carry in {@code aud}
 * @param rolesClaim   dotted path to the roles inside the token claims, e.g. {@code realm_access.roles}
 * @param rolePrefix   prefix the provider puts before Waitline role names, e.g. {@code waitline-}; may be empty
 * @param scopes       scopes asked for at sign-in; always includes {@code openid}
 */
public record OidcSettings(String issuer, String clientId, String clientSecret, String audience, String rolesClaim,
    String rolePrefix, List<String> scopes) {

  public static final String DEFAULT_ROLES_CLAIM = "realm_access.roles";
  public static final String DEFAULT_SCOPES = "openid profile";

  public OidcSettings {
    scopes = List.copyOf(scopes);
  }

  /**
   * Reads the {@code WAITLINE_OIDC_*} variables. Empty when {@code WAITLINE_OIDC_ISSUER} is not set (OIDC sign-in
   * off); an {@link IllegalArgumentException} with a sentence naming the variable when the rest is incomplete or
   * malformed.
   */
  public static Optional<OidcSettings> from(Function<String, String> env) {
    String issuer = value(env, "WAITLINE_OIDC_ISSUER");
    if (issuer == null) return Optional.empty();
    issuer = issuer.replaceAll("/+$", "");
    if (!isHttpUrl(issuer)) {
      throw new IllegalArgumentException("WAITLINE_OIDC_ISSUER must be the identity provider's issuer URL, such as "
          + "https://id.example.org/realms/waitline, not '" + issuer + "'.");
    }
    String clientId = value(env, "WAITLINE_OIDC_CLIENT_ID");
    if (clientId == null) {
      throw new IllegalArgumentException("WAITLINE_OIDC_ISSUER is set, so WAITLINE_OIDC_CLIENT_ID must be set too: "
          + "the client id Waitline has at the identity provider (for example waitline).");
    }
    String secret = value(env, "WAITLINE_OIDC_CLIENT_SECRET");
    String audience = Optional.ofNullable(value(env, "WAITLINE_OIDC_AUDIENCE")).orElse(clientId);
    String rolesClaim = Optional.ofNullable(value(env, "WAITLINE_OIDC_ROLES_CLAIM")).orElse(DEFAULT_ROLES_CLAIM);
    if (Arrays.stream(rolesClaim.split("\\.", -1)).anyMatch(String::isBlank)) {
      throw new IllegalArgumentException("WAITLINE_OIDC_ROLES_CLAIM must be a claim name or a dotted path into the "
          + "token such as realm_access.roles, not '" + rolesClaim + "'.");
    }
    String prefix = Optional.ofNullable(value(env, "WAITLINE_OIDC_ROLE_PREFIX")).orElse("");
    List<String> scopes = List.of(
        Optional.ofNullable(value(env, "WAITLINE_OIDC_SCOPES")).orElse(DEFAULT_SCOPES).split("[\\s,]+"));
    if (!scopes.contains("openid")) {
      throw new IllegalArgumentException("WAITLINE_OIDC_SCOPES must include openid (it is '"
          + String.join(" ", scopes) + "'); the default is '" + DEFAULT_SCOPES + "'.");
    }
    return Optional.of(new OidcSettings(issuer, clientId, secret, audience, rolesClaim, prefix, scopes));
  }

  /** Keeps the client secret out of logs and error messages. */
  @Override
  public String toString() {
    return "OidcSettings[issuer=" + issuer + ", clientId=" + clientId + ", clientSecret="
        + (clientSecret == null ? "none" : "***") + ", audience=" + audience + ", rolesClaim=" + rolesClaim
        + ", rolePrefix=" + rolePrefix + ", scopes=" + scopes + "]";
  }

  private static String value(Function<String, String> env, String name) {
    String v = env.apply(name);
    return v == null || v.isBlank() ? null : v.trim();
  }

  private static boolean isHttpUrl(String s) {
    try {
      URI uri = new URI(s);
      return ("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) && uri.getHost() != null
          && uri.getQuery() == null && uri.getFragment() == null;
    } catch (java.net.URISyntaxException e) {
      return false;
    }
  }
}

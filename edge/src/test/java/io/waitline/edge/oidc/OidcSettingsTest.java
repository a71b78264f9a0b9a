package io.waitline.edge.oidc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OidcSettingsTest {
  private static Optional<OidcSettings> read(Map<String, String> env) {
    return OidcSettings.from(new HashMap<>(env)::get);
  }

  private static Map<String, String> minimal(String... more) {
    Map<String, String> env = new HashMap<>(Map.of(
        "WAITLINE_OIDC_ISSUER", "https://id.example.org/realms/waitline",
        "WAITLINE_OIDC_CLIENT_ID", "waitline"));
    for (int i = 0; i < more.length; i += 2) env.put(more[i], more[i + 1]);
    return env;
  }

  @Test
  void withoutAnIssuerOidcSignInIsOff() {
    assertThat(read(Map.of())).isEmpty();
    assertThat(read(Map.of("WAITLINE_OIDC_ISSUER", "  ", "WAITLINE_OIDC_CLIENT_ID", "waitline"))).isEmpty();
  }

  @Test
  void defaultsFollowKeycloak() {
    OidcSettings s = read(minimal()).orElseThrow();
    assertThat(s.issuer()).isEqualTo("https://id.example.org/realms/waitline");
    assertThat(s.clientId()).isEqualTo("waitline");
    assertThat(s.clientSecret()).isNull();
    assertThat(s.audience()).as("defaults to the client id").isEqualTo("waitline");
    assertThat(s.rolesClaim()).isEqualTo("realm_access.roles");
    assertThat(s.rolePrefix()).isEmpty();
    assertThat(s.scopes()).containsExactly("openid", "profile");
  }

  @Test
  void everySettingCanBeChanged() {
    OidcSettings s = read(minimal("WAITLINE_OIDC_ISSUER", "https://login.example.com/tenant/v2.0/",
        "WAITLINE_OIDC_CLIENT_SECRET", "s3cret", "WAITLINE_OIDC_AUDIENCE", "api://waitline",
        "WAITLINE_OIDC_ROLES_CLAIM", "roles", "WAITLINE_OIDC_ROLE_PREFIX", "waitline-",
        "WAITLINE_OIDC_SCOPES", "openid profile email")).orElseThrow();
    assertThat(s.issuer()).as("trailing slash dropped").isEqualTo("https://login.example.com/tenant/v2.0");
    assertThat(s.clientSecret()).isEqualTo("s3cret");
    assertThat(s.audience()).isEqualTo("api://waitline");
    assertThat(s.rolesClaim()).isEqualTo("roles");
    assertThat(s.rolePrefix()).isEqualTo("waitline-");
    assertThat(s.scopes()).isEqualTo(List.of("openid", "profile", "email"));
  }

  @Test
  void aMissingClientIdIsExplained() {
    assertThatThrownBy(() -> read(Map.of("WAITLINE_OIDC_ISSUER", "https://id.example.org/realms/waitline")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("WAITLINE_OIDC_CLIENT_ID must be set");
  }

  @Test
  void anIssuerThatIsNotAnHttpUrlIsExplained() {
    assertThatThrownBy(() -> read(minimal("WAITLINE_OIDC_ISSUER", "id.example.org/realms/waitline")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("WAITLINE_OIDC_ISSUER must be the identity provider's issuer URL");
  }

  @Test
  void aMalformedRolesClaimPathIsExplained() {
    assertThatThrownBy(() -> read(minimal("WAITLINE_OIDC_ROLES_CLAIM", "realm_access..roles")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("WAITLINE_OIDC_ROLES_CLAIM");
  }

  @Test
  void scopesWithoutOpenidAreExplained() {
    assertThatThrownBy(() -> read(minimal("WAITLINE_OIDC_SCOPES", "profile email")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must include openid");
  }

  @Test
  void theClientSecretStaysOutOfLogs() {
    OidcSettings s = read(minimal("WAITLINE_OIDC_CLIENT_SECRET", "s3cret-value")).orElseThrow();
    assertThat(s.toString()).doesNotContain("s3cret-value").contains("clientSecret=***");
  }
}

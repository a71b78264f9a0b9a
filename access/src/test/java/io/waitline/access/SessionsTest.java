package io.waitline.access;

import static io.waitline.access.AccessWorld.NORTH;
import static io.waitline.access.AccessWorld.SOUTH;
import static io.waitline.access.AccessWorld.START;
import static io.waitline.access.AccessWorld.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.sqlclient.Row;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SessionsTest {
  private final AccessWorld w = new AccessWorld();
  private final StaffAccount dana = w.account("dana", new RoleGrant(Role.FRONT_DESK, NORTH));

  @AfterEach
  void close() {
    w.close();
  }

  private IssuedSession open(String kind) {
    return await(w.sessions.open(dana.principal(null), dana.id(), kind, "10.0.0.7"));
  }

  @Test
  void aSessionTokenFindsItsStaffMemberAndCsrfToken() {
    IssuedSession s = open("cookie");
    assertThat(s.token()).matches("wls_[A-Za-z0-9_-]{43}");
    assertThat(s.csrfToken()).matches("[A-Za-z0-9_-]{43}");
    assertThat(s.expiresAt()).isEqualTo(START.plus(Duration.ofHours(12)));

    ActiveSession found = await(w.sessions.find(s.token())).orElseThrow();
    assertThat(found.accountId()).isEqualTo(dana.id());
    assertThat(found.csrfToken()).isEqualTo(s.csrfToken());
    assertThat(found.principal().username()).isEqualTo("dana");
    assertThat(found.principal().rolesAt(NORTH)).containsExactly(Role.FRONT_DESK);
    assertThat(found.principal().expiresAt()).isEqualTo(s.expiresAt());
  }

  @Test
  void onlyAHashOfTheTokenIsStored() {
    IssuedSession s = open("token");
    Row row = w.row("SELECT token_hash, kind, remote_address FROM staff_session");
    assertThat(row.getString("token_hash")).hasSize(64).doesNotContain(s.token().substring(4));
    assertThat(row.getString("kind")).isEqualTo("token");
    assertThat(row.getString("remote_address")).isEqualTo("10.0.0.7");
    assertThat(w.row("SELECT count(*) FROM staff_session WHERE principal::text LIKE '%' || $1 || '%'",
        s.token().substring(4)).getLong(0)).isZero();
  }

  @Test
  void unknownAndForeignTokensFindNothing() {
    open("cookie");
    assertThat(await(w.sessions.find("wls_" + "A".repeat(43)))).isEmpty();
    assertThat(await(w.sessions.find("wld_whatever"))).isEmpty();
    assertThat(await(w.sessions.find(""))).isEmpty();
    assertThat(await(w.sessions.find(null))).isEmpty();
  }

  @Test
  void aCookieSessionEndsAfterThirtyIdleMinutes() {
    IssuedSession s = open("cookie");
    w.clock.advance(Duration.ofMinutes(29));
    assertThat(await(w.sessions.find(s.token()))).isPresent();
    w.clock.advance(Duration.ofMinutes(29));
    // used at minute 29, so still alive at 58
    assertThat(await(w.sessions.find(s.token()))).isPresent();
    w.clock.advance(Duration.ofMinutes(31));
    assertThat(await(w.sessions.find(s.token()))).isEmpty();
  }

  @Test
  void checkingASessionIsNotAUseAndDoesNotKeepItAlive() {
    IssuedSession s = open("cookie");
    w.clock.advance(Duration.ofMinutes(20));
    assertThat(await(w.sessions.check(s.token()))).isPresent();
    w.clock.advance(Duration.ofMinutes(11));
    // checked at minute 20 only: idle since sign-in, so over at 31
    assertThat(await(w.sessions.check(s.token()))).isEmpty();
    assertThat(await(w.sessions.find(s.token()))).isEmpty();
  }

  @Test
  void aCookieSessionInUseStillEndsTwelveHoursAfterSignIn() {
    IssuedSession s = open("cookie");
    for (int i = 0; i < 35; i++) {
      w.clock.advance(Duration.ofMinutes(20));
      assertThat(await(w.sessions.find(s.token()))).as("after %d minutes", (i + 1) * 20).isPresent();
    }
    w.clock.advance(Duration.ofMinutes(20)); // 12 h
    assertThat(await(w.sessions.find(s.token()))).isEmpty();
  }

  @Test
  void anApiTokenHasNoIdleTimeoutAndLastsTwelveHours() {
    IssuedSession t = open("token");
    w.clock.advance(Duration.ofHours(11).plusMinutes(59));
    assertThat(await(w.sessions.find(t.token()))).isPresent();
    w.clock.advance(Duration.ofMinutes(1));
    assertThat(await(w.sessions.find(t.token()))).isEmpty();
  }

  @Test
  void closingASessionEndsItAndOnlyIt() {
    IssuedSession a = open("cookie");
    IssuedSession b = open("cookie");
    await(w.sessions.close(a.token()));
    assertThat(await(w.sessions.find(a.token()))).isEmpty();
    assertThat(await(w.sessions.find(b.token()))).isPresent();
    await(w.sessions.close("wls_unknown"));
  }

  @Test
  void closeAllEndsEverySessionOfTheAccountButNotOthers() {
    StaffAccount other = w.account("omar", new RoleGrant(Role.CLINICIAN, SOUTH));
    IssuedSession a = open("cookie");
    IssuedSession b = open("token");
    IssuedSession omars = await(w.sessions.open(other.principal(null), other.id(), "cookie", null));
    await(w.sessions.closeAll(dana.id()));
    assertThat(await(w.sessions.find(a.token()))).isEmpty();
    assertThat(await(w.sessions.find(b.token()))).isEmpty();
    assertThat(await(w.sessions.find(omars.token()))).isPresent();
  }

  @Test
  void closeOthersKeepsTheSessionThatChangedThePassword() {
    IssuedSession here = open("cookie");
    IssuedSession elsewhere = open("cookie");
    await(w.sessions.closeOthers(dana.id(), here.token()));
    assertThat(await(w.sessions.find(here.token()))).isPresent();
    assertThat(await(w.sessions.find(elsewhere.token()))).isEmpty();
  }

  @Test
  void aRoleChangeAppliesToAnOpenSessionAtOnce() {
    IssuedSession s = open("cookie");
    await(w.accounts.update(dana.id(), "Dana Reyes", java.util.List.of(new RoleGrant(Role.MANAGER, SOUTH)), null));
    Principal.Staff now = await(w.sessions.find(s.token())).orElseThrow().principal();
    assertThat(now.name()).isEqualTo("Dana Reyes");
    assertThat(now.rolesAt(NORTH)).isEmpty();
    assertThat(now.rolesAt(SOUTH)).containsExactly(Role.MANAGER);
  }

  @Test
  void anIdentityProviderSessionKeepsTheRolesItWasOpenedWith() {
    Principal.Staff oidc = new Principal.Staff("kc-123", "lee", "Lee Chan", "oidc",
        Map.of("*", Set.of(Role.CLINICIAN), SOUTH, Set.of(Role.MANAGER)), START.plusSeconds(300));
    IssuedSession s = await(w.sessions.open(oidc, null, "cookie", "10.0.0.9"));
    ActiveSession found = await(w.sessions.find(s.token())).orElseThrow();
    assertThat(found.accountId()).isNull();
    assertThat(found.principal().id()).isEqualTo("kc-123");
    assertThat(found.principal().source()).isEqualTo("oidc");
    assertThat(found.principal().rolesBySite()).isEqualTo(oidc.rolesBySite());
    assertThat(found.principal().expiresAt()).isEqualTo(START.plus(Duration.ofHours(12)));
  }
}

package io.waitline.access;

import io.waitline.access.AccessException.Refusal;
import static io.waitline.access.AccessWorld.NORTH;
import static io.waitline.access.AccessWorld.HERE;
import static io.waitline.access.AccessWorld.PASSWORD;
import static io.waitline.access.AccessWorld.SOUTH;
import static io.waitline.access.AccessWorld.await;
import static io.waitline.access.AccessWorld.refusal;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StaffAccountsTest {
  private final AccessWorld w = new AccessWorld();

  @AfterEach
  void close() {
    w.close();
  }

  @Test
  void anAccountSignsInWithItsPasswordAndRecordsWhen() {
    StaffAccount created = w.account("dana", new RoleGrant(Role.FRONT_DESK, NORTH), new RoleGrant(Role.MANAGER, null));
    assertThat(created.lastSignInAt()).isNull();
    assertThat(created.createdAt()).isEqualTo(AccessWorld.START);

    StaffAccount signedIn = await(w.accounts.authenticate("Dana ", PASSWORD, HERE));
    assertThat(signedIn.id()).isEqualTo(created.id());
    assertThat(signedIn.lastSignInAt()).isEqualTo(AccessWorld.START);
    Principal.Staff p = signedIn.principal(AccessWorld.START.plusSeconds(60));
    assertThat(p.source()).isEqualTo("local");
    assertThat(p.rolesAt(NORTH)).containsExactlyInAnyOrder(Role.FRONT_DESK, Role.MANAGER);
    assertThat(p.rolesAt(SOUTH)).containsExactly(Role.MANAGER);
    assertThat(p.displayName()).isEqualTo("Name of dana (dana)");
  }

  @Test
  void theDatabaseKeepsOnlyAnArgon2idHashOfThePassword() {
    StaffAccount a = w.account("dana", new RoleGrant(Role.CLINICIAN, NORTH));
    String stored = w.row("SELECT password_hash FROM staff_account WHERE id = $1", a.id()).getString(0);
    assertThat(stored).startsWith("$argon2id$v=19$").doesNotContain(PASSWORD);
  }

  @Test
  void unknownUserWrongPasswordAndDisabledAccountGetTheSameAnswer() {
    StaffAccount a = w.account("dana", new RoleGrant(Role.CLINICIAN, NORTH));
    w.account("admin", new RoleGrant(Role.ADMIN, null));
    AccessException unknown = refusal(w.accounts.authenticate("nobody", PASSWORD, HERE));
    AccessException wrong = refusal(w.accounts.authenticate("dana", "not the password", HERE));
    await(w.accounts.update(a.id(), null, null, true));
    AccessException disabled = refusal(w.accounts.authenticate("dana", PASSWORD, HERE));
    for (AccessException e : List.of(unknown, wrong, disabled)) {
      assertThat(e.refusal()).isEqualTo(Refusal.UNAUTHENTICATED);
      assertThat(e.getMessage()).isEqualTo("The username or password is not right.");
    }
  }

  @Test
  void anUnknownUsernameTakesAsLongAsAWrongPassword() {
    try (AccessWorld real = new AccessWorld(PasswordHasher.standard())) {
      real.account("dana", new RoleGrant(Role.CLINICIAN, NORTH));
      refusal(real.accounts.authenticate("nobody", "warm-up", HERE));
      List<Long> unknown = new ArrayList<>();
      List<Long> wrong = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        unknown.add(timed(real.accounts.authenticate("nobody-" + i, "not the password", HERE)));
        wrong.add(timed(real.accounts.authenticate("dana", "not the password", HERE)));
      }
      // without the dummy verify an unknown name answers in about a millisecond, a wrong password in tens to
      // hundreds: a quarter leaves room for a busy machine's noise and still tells the two apart by far
      assertThat(median(unknown)).isGreaterThan(median(wrong) / 4);
    }
  }

  private static long timed(Future<?> f) {
    long start = System.nanoTime();
    refusal(f);
    return System.nanoTime() - start;
  }

  private static long median(List<Long> xs) {
    return xs.stream().sorted().toList().get(xs.size() / 2);
  }

  @Test
  void fiveWrongPasswordsInARowLockTheAccountForFifteenMinutes() {
    StaffAccount a = w.account("dana", new RoleGrant(Role.CLINICIAN, NORTH));
    for (int i = 1; i <= 4; i++) {
      assertThat(refusal(w.accounts.authenticate("dana", "wrong " + i, HERE)).refusal())
          .isEqualTo(Refusal.UNAUTHENTICATED);
    }
    AccessException fifth = refusal(w.accounts.authenticate("dana", "wrong 5", HERE));
    assertThat(fifth.refusal()).isEqualTo(Refusal.LOCKED);
    assertThat(fifth.getMessage()).contains("locked for 15 minutes");

    w.clock.advance(Duration.ofMinutes(14));
    AccessException stillLocked = refusal(w.accounts.authenticate("dana", PASSWORD, HERE));
    assertThat(stillLocked.refusal()).isEqualTo(Refusal.LOCKED);
    assertThat(stillLocked.type()).isEqualTo("locked");
    assertThat(stillLocked.getMessage()).contains("locked for 1 minute.");
    assertThat(await(w.accounts.get(a.id())).lockedUntil()).isEqualTo(AccessWorld.START.plus(Duration.ofMinutes(15)));

    w.clock.advance(Duration.ofMinutes(1));
    assertThat(await(w.accounts.get(a.id())).lockedUntil()).isNull();
    assertThat(await(w.accounts.authenticate("dana", PASSWORD, HERE)).id()).isEqualTo(a.id());
    assertThat(w.row("SELECT count(*) FROM password_failure WHERE username = 'dana'").getLong(0)).isZero();
  }

  @Test
  void afterALockRunsOutTheCountStartsAgain() {
    w.account("dana", new RoleGrant(Role.CLINICIAN, NORTH));
    for (int i = 0; i < 5; i++) refusal(w.accounts.authenticate("dana", "wrong", HERE));
    w.clock.advance(Duration.ofMinutes(16));
    // one more wrong password after the lock ended is the first of a new run, not the sixth
    assertThat(refusal(w.accounts.authenticate("dana", "wrong", HERE)).refusal()).isEqualTo(Refusal.UNAUTHENTICATED);
    for (int i = 0; i < 3; i++) assertThat(refusal(w.accounts.authenticate("dana", "wrong", HERE)).refusal())
        .isEqualTo(Refusal.UNAUTHENTICATED);
    assertThat(refusal(w.accounts.authenticate("dana", "wrong", HERE)).refusal()).isEqualTo(Refusal.LOCKED);
  }

  @Test
  void aSuccessfulSignInResetsTheCountOfFailures() {
    w.account("dana", new RoleGrant(Role.CLINICIAN, NORTH));
    for (int i = 0; i < 4; i++) refusal(w.accounts.authenticate("dana", "wrong", HERE));
    await(w.accounts.authenticate("dana", PASSWORD, HERE));
    for (int i = 0; i < 4; i++) assertThat(refusal(w.accounts.authenticate("dana", "wrong", HERE)).refusal())
        .isEqualTo(Refusal.UNAUTHENTICATED);
  }

  @Test
  void anAdminUnlocksALockedAccountAtOnce() {
    StaffAccount a = w.account("dana", new RoleGrant(Role.CLINICIAN, NORTH));
    for (int i = 0; i < 5; i++) refusal(w.accounts.authenticate("dana", "wrong", HERE));
    assertThat(await(w.accounts.get(a.id())).lockedUntil()).isNotNull();

    StaffAccount unlocked = await(w.accounts.unlock(a.id()));
    assertThat(unlocked.lockedUntil()).isNull();
    assertThat(await(w.accounts.authenticate("dana", PASSWORD, HERE)).id()).isEqualTo(a.id());
  }

  @Test
  void concurrentWrongPasswordsAreEachCountedAndLockTheAccount() {
    StaffAccount a = w.account("dana", new RoleGrant(Role.CLINICIAN, NORTH));
    // four at once: none may be lost, none locks
    List<Future<StaffAccount>> four = new ArrayList<>();
    for (int i = 0; i < 4; i++) four.add(w.accounts.authenticate("dana", "wrong " + i, HERE));
    for (Future<StaffAccount> f : four) assertThat(refusal(f).refusal()).isEqualTo(Refusal.UNAUTHENTICATED);
    assertThat(failures("dana", HERE)).isEqualTo(4);

    // a burst after an unlock: only the first four failures may be answered as mere wrong passwords
    await(w.accounts.unlock(a.id()));
    List<Future<StaffAccount>> burst = new ArrayList<>();
    for (int i = 0; i < 16; i++) burst.add(w.accounts.authenticate("dana", "wrong " + i, HERE));
    long wrong = burst.stream().filter(f -> refusal(f).refusal() == Refusal.UNAUTHENTICATED).count();
    assertThat(wrong).isLessThanOrEqualTo(4);
    assertThat(failures("dana", HERE)).isGreaterThanOrEqualTo(5);
    assertThat(refusal(w.accounts.authenticate("dana", PASSWORD, HERE)).refusal()).isEqualTo(Refusal.LOCKED);
  }

  private int failures(String username, String address) {
    return w.row("SELECT failures FROM password_failure WHERE username = $1 AND remote_address = $2", username,
        address).getInteger(0);
  }

  @Test
  void unknownAndRealUsernamesAnswerAlikeThroughTheWholeLockoutSequence() {
    w.account("dana", new RoleGrant(Role.CLINICIAN, NORTH));
    // seven wrong tries each, then the right password for the real one: every answer pairs up exactly
    for (int i = 1; i <= 8; i++) {
      AccessException unknown = refusal(w.accounts.authenticate("nobody", "wrong " + i, HERE));
      AccessException real = refusal(w.accounts.authenticate("dana", i == 8 ? PASSWORD : "wrong " + i, HERE));
      assertThat(real.refusal()).as("try %d", i).isEqualTo(unknown.refusal())
          .isEqualTo(i < 5 ? Refusal.UNAUTHENTICATED : Refusal.LOCKED);
      assertThat(real.type()).as("try %d", i).isEqualTo(unknown.type());
      assertThat(real.getMessage()).as("try %d", i).isEqualTo(unknown.getMessage());
    }
    w.clock.advance(Duration.ofMinutes(10));
    AccessException unknown = refusal(w.accounts.authenticate("nobody", "wrong", HERE));
    AccessException real = refusal(w.accounts.authenticate("dana", PASSWORD, HERE));
    assertThat(real.getMessage()).isEqualTo(unknown.getMessage()).contains("locked for 5 minutes");
  }

  @Test
  void aUsernameHoldingANulIsAnUnknownNameAndCountsLikeOne() {
    w.account("dana", new RoleGrant(Role.CLINICIAN, NORTH));
    for (int i = 1; i <= 5; i++) {
      AccessException e = refusal(w.accounts.authenticate("da\u0000na", PASSWORD, HERE));
      assertThat(e.refusal()).as("try %d", i).isEqualTo(i < 5 ? Refusal.UNAUTHENTICATED : Refusal.LOCKED);
    }
    // the real name from the same address is untouched by it
    assertThat(await(w.accounts.authenticate("dana", PASSWORD, HERE)).username()).isEqualTo("dana");
  }

  @Test
  void anAttackersAddressLockingAnAccountDoesNotStopItsOwnerFromAnotherAddress() {
    String attacker = "203.0.113.66";
    StaffAccount a = w.account("dana", new RoleGrant(Role.CLINICIAN, NORTH));
    for (int i = 0; i < 5; i++) refusal(w.accounts.authenticate("dana", "guess " + i, attacker));
    assertThat(refusal(w.accounts.authenticate("dana", PASSWORD, attacker)).refusal()).isEqualTo(Refusal.LOCKED);

    // the owner, elsewhere, signs in; their own count is untouched by the attacker's
    assertThat(await(w.accounts.authenticate("dana", PASSWORD, HERE)).id()).isEqualTo(a.id());
    assertThat(refusal(w.accounts.authenticate("dana", "typo", HERE)).refusal()).isEqualTo(Refusal.UNAUTHENTICATED);
    // and the owner's success did not lift the attacker's lock
    assertThat(await(w.accounts.get(a.id())).locks())
        .containsExactly(new StaffAccount.Lock(attacker, AccessWorld.START.plus(Duration.ofMinutes(15))));
  }

  @Test
  void anAdminSeesEveryLockedAddressAndClearsThemAllAtOnce() {
    StaffAccount a = w.account("dana", new RoleGrant(Role.CLINICIAN, NORTH));
    for (int i = 0; i < 5; i++) refusal(w.accounts.authenticate("dana", "wrong", "203.0.113.1"));
    w.clock.advance(Duration.ofMinutes(2));
    for (int i = 0; i < 5; i++) refusal(w.accounts.authenticate("dana", "wrong", "203.0.113.2"));
    StaffAccount seen = await(w.accounts.get(a.id()));
    assertThat(seen.locks()).extracting(StaffAccount.Lock::address).containsExactly("203.0.113.2", "203.0.113.1");
    assertThat(seen.lockedUntil()).isEqualTo(AccessWorld.START.plus(Duration.ofMinutes(17)));
    assertThat(await(w.accounts.list())).singleElement().isEqualTo(seen);

    assertThat(await(w.accounts.unlock(a.id())).locks()).isEmpty();
    assertThat(await(w.accounts.authenticate("dana", PASSWORD, "203.0.113.1")).id()).isEqualTo(a.id());
    assertThat(await(w.accounts.authenticate("dana", PASSWORD, "203.0.113.2")).id()).isEqualTo(a.id());
  }

  @Test
  void failuresOlderThanFifteenMinutesNeitherCountNorStay() {
    w.account("dana", new RoleGrant(Role.CLINICIAN, NORTH));
    for (int i = 0; i < 4; i++) refusal(w.accounts.authenticate("dana", "wrong", HERE));
    for (int i = 0; i < 30; i++) refusal(w.accounts.authenticate("stranger-" + i, "wrong", "203.0.113." + i));
    w.clock.advance(Duration.ofMinutes(16));
    // a fifth failure a quarter of an hour later starts a new run rather than locking
    assertThat(refusal(w.accounts.authenticate("dana", "wrong", HERE)).refusal()).isEqualTo(Refusal.UNAUTHENTICATED);
    assertThat(failures("dana", HERE)).isEqualTo(1);
    // and the stale rows of everyone else were tidied away as it was counted
    assertThat(w.row("SELECT count(*) FROM password_failure").getLong(0)).isEqualTo(1);
  }

  @Test
  void wrongCurrentPasswordsCountLikeFailedSignInsAndLockTheChangeAfterFive() {
    StaffAccount a = w.account("dana", new RoleGrant(Role.CLINICIAN, NORTH));
    for (int i = 1; i <= 4; i++) {
      assertThat(refusal(w.accounts.changePassword(a.id(), "guess " + i, "a brand new passphrase", HERE)).refusal())
          .isEqualTo(Refusal.FORBIDDEN);
    }
    assertThat(refusal(w.accounts.changePassword(a.id(), "guess 5", "a brand new passphrase", HERE)).refusal())
        .isEqualTo(Refusal.LOCKED);
    // now even the right current password is refused from here, without being checked, and so is sign-in
    AccessException locked = refusal(w.accounts.changePassword(a.id(), PASSWORD, "a brand new passphrase", HERE));
    assertThat(locked.refusal()).isEqualTo(Refusal.LOCKED);
    assertThat(locked.getMessage()).contains("locked for 15 minutes");
    assertThat(refusal(w.accounts.authenticate("dana", PASSWORD, HERE)).refusal()).isEqualTo(Refusal.LOCKED);
    // the password did not change
    assertThat(await(w.accounts.authenticate("dana", PASSWORD, "198.51.100.7")).id()).isEqualTo(a.id());

    w.clock.advance(Duration.ofMinutes(15));
    await(w.accounts.changePassword(a.id(), PASSWORD, "a brand new passphrase", HERE));
    assertThat(await(w.accounts.authenticate("dana", "a brand new passphrase", HERE)).id()).isEqualTo(a.id());
  }

  @Test
  void failedSignInsAndWrongCurrentPasswordsShareOneCount() {
    StaffAccount a = w.account("dana", new RoleGrant(Role.CLINICIAN, NORTH));
    for (int i = 0; i < 3; i++) refusal(w.accounts.authenticate("dana", "wrong", HERE));
    assertThat(refusal(w.accounts.changePassword(a.id(), "guess", "a brand new passphrase", HERE)).refusal())
        .isEqualTo(Refusal.FORBIDDEN);
    assertThat(refusal(w.accounts.changePassword(a.id(), "guess", "a brand new passphrase", HERE)).refusal())
        .isEqualTo(Refusal.LOCKED);
  }

  @Test
  void disablingAnAccountRefusesItsSignInAndEndsItsSessions() {
    w.account("admin", new RoleGrant(Role.ADMIN, null));
    StaffAccount a = w.account("dana", new RoleGrant(Role.CLINICIAN, NORTH));
    IssuedSession cookie = await(w.sessions.open(a.principal(null), a.id(), "cookie", "10.0.0.1"));
    IssuedSession token = await(w.sessions.open(a.principal(null), a.id(), "token", "10.0.0.1"));

    StaffAccount disabled = await(w.accounts.update(a.id(), null, null, true));
    assertThat(disabled.disabled()).isTrue();
    assertThat(await(w.sessions.find(cookie.token()))).isEmpty();
    assertThat(await(w.sessions.find(token.token()))).isEmpty();
    assertThat(w.row("SELECT count(*) FROM staff_session WHERE account_id = $1 AND revoked_at IS NULL", a.id())
        .getLong(0)).isZero();
    assertThat(refusal(w.accounts.authenticate("dana", PASSWORD, HERE)).refusal()).isEqualTo(Refusal.UNAUTHENTICATED);

    // enabling again does not bring old sessions back
    await(w.accounts.update(a.id(), null, null, false));
    assertThat(await(w.sessions.find(cookie.token()))).isEmpty();
    assertThat(await(w.accounts.authenticate("dana", PASSWORD, HERE)).id()).isEqualTo(a.id());
  }

  @Test
  void usernamesAreUniqueWhateverTheirCase() {
    w.account("dana", new RoleGrant(Role.CLINICIAN, NORTH));
    AccessException taken = refusal(w.accounts.create(new NewAccount("DANA", "Another Dana", PASSWORD,
        List.of(new RoleGrant(Role.CLINICIAN, SOUTH)))));
    assertThat(taken.refusal()).isEqualTo(Refusal.CONFLICT);
    assertThat(taken.getMessage()).isEqualTo("The username dana is taken; choose another.");
    assertThat(await(w.accounts.list())).extracting(StaffAccount::username).containsExactly("dana");
  }

  @Test
  void weakPasswordsAndBadInputAreRefusedWithASentence() {
    List<RoleGrant> roles = List.of(new RoleGrant(Role.CLINICIAN, NORTH));
    AccessException shortPw = refusal(w.accounts.create(new NewAccount("dana", "Dana", "elevenchars", roles)));
    assertThat(shortPw.refusal()).isEqualTo(Refusal.INVALID);
    assertThat(shortPw.getMessage()).isEqualTo("A password needs at least 12 characters.");
    AccessException sameAsName = refusal(w.accounts.create(
        new NewAccount("dana.reyes.nurse", "Dana", "Dana.Reyes.Nurse", roles)));
    assertThat(sameAsName.getMessage()).isEqualTo("The password must not be the username.");
    assertThat(refusal(w.accounts.create(new NewAccount("no spaces please", "Dana", PASSWORD, roles))).refusal())
        .isEqualTo(Refusal.INVALID);
    assertThat(refusal(w.accounts.create(new NewAccount("dana", " ", PASSWORD, roles))).refusal())
        .isEqualTo(Refusal.INVALID);
    assertThat(refusal(w.accounts.create(new NewAccount("dana", "Dana", PASSWORD, List.of()))).getMessage())
        .isEqualTo("Give the account at least one role.");
    AccessException unknownSite = refusal(w.accounts.create(new NewAccount("dana", "Dana", PASSWORD,
        List.of(new RoleGrant(Role.CLINICIAN, "atlantis")))));
    assertThat(unknownSite.refusal()).isEqualTo(Refusal.NOT_FOUND);
    assertThat(unknownSite.getMessage()).isEqualTo("There is no site atlantis.");
    assertThat(await(w.accounts.list())).isEmpty();
  }

  @Test
  void updatingReplacesTheRolesAndKeepsWhatWasNotGiven() {
    StaffAccount a = w.account("dana", new RoleGrant(Role.CLINICIAN, NORTH));
    StaffAccount renamed = await(w.accounts.update(a.id(), "Dana Reyes", null, null));
    assertThat(renamed.displayName()).isEqualTo("Dana Reyes");
    assertThat(renamed.roles()).containsExactly(new RoleGrant(Role.CLINICIAN, NORTH));

    StaffAccount moved = await(w.accounts.update(a.id(), null,
        List.of(new RoleGrant(Role.MANAGER, SOUTH), new RoleGrant(Role.FRONT_DESK, null)), null));
    assertThat(moved.displayName()).isEqualTo("Dana Reyes");
    assertThat(moved.roles()).containsExactlyInAnyOrder(new RoleGrant(Role.MANAGER, SOUTH),
        new RoleGrant(Role.FRONT_DESK, null));
    assertThat(await(w.accounts.get(a.id())).roles()).isEqualTo(moved.roles());
    assertThat(refusal(w.accounts.update(java.util.UUID.randomUUID(), "X", null, null)).refusal())
        .isEqualTo(Refusal.NOT_FOUND);
  }

  @Test
  void theLastActiveAdminForEverySiteCannotBeDisabledOrDemoted() {
    StaffAccount admin = w.account("admin", new RoleGrant(Role.ADMIN, null));
    AccessException disable = refusal(w.accounts.update(admin.id(), null, null, true));
    assertThat(disable.refusal()).isEqualTo(Refusal.CONFLICT);
    assertThat(disable.getMessage()).contains("last active admin");
    AccessException demote = refusal(w.accounts.update(admin.id(), null, List.of(new RoleGrant(Role.ADMIN, NORTH)),
        null));
    assertThat(demote.refusal()).isEqualTo(Refusal.CONFLICT);
    assertThat(await(w.accounts.get(admin.id())).roles()).containsExactly(new RoleGrant(Role.ADMIN, null));
    assertThat(await(w.accounts.anyAdmin())).isTrue();

    // with a second admin, either may go, but not both at once
    StaffAccount second = w.account("second", new RoleGrant(Role.ADMIN, null));
    Future<StaffAccount> a = w.accounts.update(admin.id(), null, null, true);
    Future<StaffAccount> b = w.accounts.update(second.id(), null, null, true);
    int succeeded = (succeeded(a) ? 1 : 0) + (succeeded(b) ? 1 : 0);
    assertThat(succeeded).isEqualTo(1);
    assertThat(await(w.accounts.anyAdmin())).isTrue();
  }

  private static boolean succeeded(Future<?> f) {
    try {
      f.toCompletionStage().toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
      return true;
    } catch (java.util.concurrent.ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(AccessException.class);
      return false;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void anAdminResetsAPasswordWhichEndsEverySessionAndLiftsALock() {
    StaffAccount a = w.account("dana", new RoleGrant(Role.CLINICIAN, NORTH));
    IssuedSession s = await(w.sessions.open(a.principal(null), a.id(), "cookie", null));
    for (int i = 0; i < 5; i++) refusal(w.accounts.authenticate("dana", "wrong", HERE));

    await(w.accounts.resetPassword(a.id(), "a brand new passphrase"));
    assertThat(await(w.sessions.find(s.token()))).isEmpty();
    assertThat(refusal(w.accounts.authenticate("dana", PASSWORD, HERE)).refusal()).isEqualTo(Refusal.UNAUTHENTICATED);
    assertThat(await(w.accounts.authenticate("dana", "a brand new passphrase", HERE)).id()).isEqualTo(a.id());
    assertThat(refusal(w.accounts.resetPassword(a.id(), "short")).refusal()).isEqualTo(Refusal.INVALID);
  }

  @Test
  void changingOnesOwnPasswordNeedsTheCurrentOne() {
    StaffAccount a = w.account("dana", new RoleGrant(Role.CLINICIAN, NORTH));
    AccessException wrong = refusal(w.accounts.changePassword(a.id(), "not it", "a brand new passphrase", HERE));
    assertThat(wrong.refusal()).isEqualTo(Refusal.FORBIDDEN);
    assertThat(wrong.getMessage()).isEqualTo("Your current password is not right.");
    assertThat(refusal(w.accounts.changePassword(a.id(), PASSWORD, "dana", HERE)).refusal()).isEqualTo(Refusal.INVALID);

    await(w.accounts.changePassword(a.id(), PASSWORD, "a brand new passphrase", HERE));
    assertThat(await(w.accounts.authenticate("dana", "a brand new passphrase", HERE)).id()).isEqualTo(a.id());
    assertThat(refusal(w.accounts.authenticate("dana", PASSWORD, HERE)).refusal()).isEqualTo(Refusal.UNAUTHENTICATED);
  }

  @Test
  void anyAdminCountsOnlyActiveAdminsForEverySite() {
    assertThat(await(w.accounts.anyAdmin())).isFalse();
    w.account("siteadmin", new RoleGrant(Role.ADMIN, NORTH));
    assertThat(await(w.accounts.anyAdmin())).isFalse();
    StaffAccount admin = w.account("admin", new RoleGrant(Role.ADMIN, null));
    assertThat(await(w.accounts.anyAdmin())).isTrue();
    assertThat(admin.principal(null).rolesBySite()).isEqualTo(java.util.Map.of("*", Set.of(Role.ADMIN)));
  }
}

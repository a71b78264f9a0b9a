package io.waitline.access;

import io.waitline.access.AccessException.Refusal;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AccessRuleTest {
  private static final Instant LATER = Instant.parse("2030-01-01T00:00:00Z");
  private static final Principal.Device NORTH_DISPLAY =
      new Principal.Device("d1", "north", DeviceKind.DISPLAY, "Lobby TV");
  private static final Principal.Device NORTH_KIOSK = new Principal.Device("d2", "north", DeviceKind.KIOSK, "Entrance");

  private static Principal.Staff staff(String... siteRoles) {
    Map<String, Set<Role>> bySite = new HashMap<>();
    for (String sr : siteRoles) {
      String[] parts = sr.split("@");
      bySite.computeIfAbsent(parts[1], s -> new java.util.HashSet<>()).add(Role.fromWire(parts[0]).orElseThrow());
    }
    return new Principal.Staff("id", "dana", "Dana", "local", bySite, LATER);
  }

  private static AccessRule.Decision decide(List<String> declared, Principal caller, String site) {
    return AccessRule.decide(declared, caller, site);
  }

  @Test
  void anonymousCallersAreAskedToSignInExceptOnPublicAndPatientOperations() {
    AccessRule.Decision refused = decide(List.of("front-desk"), Principal.ANONYMOUS, "north");
    assertThat(refused.allowed()).isFalse();
    assertThat(refused.refusal()).isEqualTo(Refusal.UNAUTHENTICATED);
    assertThat(refused.reason()).contains("sign in");
    assertThat(decide(List.of("display", "front-desk"), Principal.ANONYMOUS, "north").reason())
        .contains("enrolled device");
    assertThat(decide(List.of("public"), Principal.ANONYMOUS, null).allowed()).isTrue();
    assertThat(decide(List.of("patient"), Principal.ANONYMOUS, "north").allowed()).isTrue();
  }

  @Test
  void aDeviceMayUseOperationsDeclaredForItsKindAtItsOwnSiteOnly() {
    List<String> board = List.of("display", "kiosk", "front-desk");
    assertThat(decide(board, NORTH_DISPLAY, "north").allowed()).isTrue();
    assertThat(decide(board, NORTH_KIOSK, "north").allowed()).isTrue();

    AccessRule.Decision otherSite = decide(board, NORTH_DISPLAY, "south");
    assertThat(otherSite.refusal()).isEqualTo(Refusal.FORBIDDEN);
    assertThat(otherSite.reason()).contains("another site");

    AccessRule.Decision wrongKind = decide(List.of("kiosk", "front-desk"), NORTH_DISPLAY, "north");
    assertThat(wrongKind.refusal()).isEqualTo(Refusal.FORBIDDEN);
    assertThat(wrongKind.reason()).contains("display device may not do this");

    assertThat(decide(List.of("staff"), NORTH_DISPLAY, "north").refusal()).isEqualTo(Refusal.FORBIDDEN);
    // a request about no site is never a device's business
    AccessRule.Decision noSite = decide(board, NORTH_DISPLAY, null);
    assertThat(noSite.refusal()).isEqualTo(Refusal.FORBIDDEN);
    assertThat(noSite.reason()).isEqualTo("A display device may only do this for its own site.");
  }

  @Test
  void aRoleHeldAtOneSiteCountsThereAndNowhereElse() {
    Principal.Staff frontDeskNorth = staff("front-desk@north");
    assertThat(decide(List.of("front-desk", "manager"), frontDeskNorth, "north").allowed()).isTrue();
    AccessRule.Decision south = decide(List.of("front-desk", "manager"), frontDeskNorth, "south");
    assertThat(south.refusal()).isEqualTo(Refusal.FORBIDDEN);
    assertThat(south.reason()).isEqualTo("You have no role at site south; this needs front-desk or manager.");

    AccessRule.Decision wrongRole = decide(List.of("manager"), frontDeskNorth, "north");
    assertThat(wrongRole.refusal()).isEqualTo(Refusal.FORBIDDEN);
    assertThat(wrongRole.reason()).contains("(front-desk) does not allow this; it needs manager");
  }

  @Test
  void aRoleHeldAtEverySiteCountsAtEachSite() {
    Principal.Staff clinicianEverywhere = staff("clinician@*");
    assertThat(decide(List.of("clinician"), clinicianEverywhere, "north").allowed()).isTrue();
    assertThat(decide(List.of("clinician"), clinicianEverywhere, "south").allowed()).isTrue();
    assertThat(decide(List.of("manager"), clinicianEverywhere, "south").allowed()).isFalse();
  }

  @Test
  void anAdminMayDoWhatAnyStaffRoleMayWhereTheAdminRoleIsHeld() {
    Principal.Staff admin = staff("admin@*");
    assertThat(decide(List.of("manager"), admin, "north").allowed()).isTrue();
    assertThat(decide(List.of("front-desk", "display"), admin, "south").allowed()).isTrue();
    assertThat(decide(List.of("admin"), admin, null).allowed()).isTrue();

    Principal.Staff northAdmin = staff("admin@north");
    assertThat(decide(List.of("manager"), northAdmin, "north").allowed()).isTrue();
    assertThat(decide(List.of("admin"), northAdmin, "north").allowed()).isTrue();
    assertThat(decide(List.of("manager"), northAdmin, "south").refusal()).isEqualTo(Refusal.FORBIDDEN);
    // site-less admin operations (accounts, first-class settings) need the admin role at every site
    assertThat(decide(List.of("admin"), northAdmin, null).refusal()).isEqualTo(Refusal.FORBIDDEN);
    // but what a manager of some site may do about no one site (read the audit log), an admin of some site may too
    assertThat(decide(List.of("manager"), northAdmin, null).allowed()).isTrue();
  }

  @Test
  void theStaffWordAcceptsAnyRoleAtTheSite() {
    assertThat(decide(List.of("staff"), staff("clinician@north"), "north").allowed()).isTrue();
    assertThat(decide(List.of("staff"), staff("clinician@north"), "south").refusal()).isEqualTo(Refusal.FORBIDDEN);
    assertThat(decide(List.of("staff"), staff("manager@*"), "south").allowed()).isTrue();
    AccessRule.Decision nobody = decide(List.of("staff"), staff(), "north");
    assertThat(nobody.refusal()).isEqualTo(Refusal.FORBIDDEN);
    assertThat(nobody.reason()).isEqualTo("You have no role at site north; this needs staff.");
  }

  @Test
  void aRequestAboutNoSiteAcceptsARoleHeldAtAnySite() {
    assertThat(decide(List.of("staff"), staff("front-desk@south"), null).allowed()).isTrue();
    assertThat(decide(List.of("manager"), staff("manager@south"), null).allowed()).isTrue();
    assertThat(decide(List.of("manager"), staff("front-desk@south"), null).refusal()).isEqualTo(Refusal.FORBIDDEN);
    assertThat(decide(List.of("staff"), staff(), null).refusal()).isEqualTo(Refusal.FORBIDDEN);
  }
}

package io.waitline.access;

import io.waitline.access.AccessException.Refusal;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The one rule that decides whether a caller may use an operation, from the operation's declared access list (the
 * {@code x-waitline-access} of the OpenAPI contract) and the site the request is about. Pure: no I/O.
 *
 * <p>Declared words: {@code public} (anyone), {@code patient} (the visit token in the path is the credential; the
 * handler checks it), {@code staff} (any staff role), a role name ({@code front-desk}, {@code clinician},
 * {@code manager}, {@code admin}), or a device kind ({@code display}, {@code kiosk}). {@code admin} may do everything
 * staff may. Roles count where they are held: at the request's site or at every site. A request about no particular
 * site accepts a role held at any site; {@code admin} held at some sites only counts there as the other roles, and an
 * operation declared for {@code admin} alone needs it at every site.
 */
public final class AccessRule {
  private AccessRule() {}

  /**
   * Allowed, or refused ({@link Refusal#UNAUTHENTICATED} without a credential, {@link Refusal#FORBIDDEN} when the
   * caller's may not) with a sentence.
   */
  public record Decision(boolean allowed, Refusal refusal, String reason) {
    static final Decision ALLOW = new Decision(true, null, null);

    static Decision refuse(Refusal refusal, String reason) {
      return new Decision(false, refusal, reason);
    }
  }

  public static Decision decide(List<String> declared, Principal caller, String siteId) {
    if (declared.contains("public") || declared.contains("patient")) return Decision.ALLOW;
    if (caller instanceof Principal.Staff s) return staff(declared, s, siteId);
    if (caller instanceof Principal.Device d) return device(declared, d, siteId);
    return Decision.refuse(Refusal.UNAUTHENTICATED,
        "Please sign in: this needs a staff sign-in" + (declaresDevice(declared) ? " or an enrolled device." : "."));
  }

  private static Decision device(List<String> declared, Principal.Device d, String siteId) {
    if (!declared.contains(d.deviceKind().wire())) {
      return Decision.refuse(Refusal.FORBIDDEN,
          "A " + d.deviceKind().wire() + " device may not do this; it needs a staff sign-in.");
    }
    if (siteId == null) {
      return Decision.refuse(Refusal.FORBIDDEN,
          "A " + d.deviceKind().wire() + " device may only do this for its own site.");
    }
    if (!siteId.equals(d.siteId())) {
      return Decision.refuse(Refusal.FORBIDDEN, "This " + d.deviceKind().wire() + " is enrolled at another site.");
    }
    return Decision.ALLOW;
  }

  private static Decision staff(List<String> declared, Principal.Staff s, String siteId) {
    Set<Role> held = siteId != null ? s.rolesAt(siteId) : anySite(s);
    if (held.contains(Role.ADMIN) && (siteId != null || s.rolesAt(null).contains(Role.ADMIN))) return Decision.ALLOW;
    if (declared.contains("staff") && !held.isEmpty()) return Decision.ALLOW;
    for (Role role : held) {
      // an admin of some site may do, about no one site, what the other roles may (e.g. read their sites' audit)
      if (role == Role.ADMIN ? declaresAnotherRole(declared) : declared.contains(role.wire())) return Decision.ALLOW;
    }
    String needed = declared.stream().filter(w -> Role.fromWire(w).isPresent() || w.equals("staff"))
        .collect(Collectors.joining(" or "));
    String where = siteId == null ? "" : " at site " + siteId;
    if (held.isEmpty()) return Decision.refuse(Refusal.FORBIDDEN,
        "You have no role" + where + "; this needs " + needed + ".");
    String have = held.stream().map(Role::wire).sorted().collect(Collectors.joining(", "));
    return Decision.refuse(Refusal.FORBIDDEN,
        "Your role" + where + " (" + have + ") does not allow this; it needs " + needed + ".");
  }

  private static Set<Role> anySite(Principal.Staff s) {
    return s.rolesBySite().values().stream().flatMap(Set::stream).collect(Collectors.toSet());
  }

  private static boolean declaresAnotherRole(List<String> declared) {
    return declared.stream().anyMatch(w -> Role.fromWire(w).filter(r -> r != Role.ADMIN).isPresent());
  }

  private static boolean declaresDevice(List<String> declared) {
    return declared.contains("display") || declared.contains("kiosk");
  }
}

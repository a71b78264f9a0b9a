package io.waitline.access;

import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * A local staff account as shown to admins; never carries the password hash. {@code locks} are the addresses refused
 * sign-in to this account for now after failed attempts, latest end first.
 */
public record StaffAccount(UUID id, String username, String displayName, List<RoleGrant> roles, boolean disabled,
    List<Lock> locks, Instant lastSignInAt, Instant createdAt) {
  /** Sign-in to this account from {@code address} is refused until {@code until}. */
  public record Lock(String address, Instant until) {}

  public StaffAccount {
    roles = List.copyOf(roles);
    locks = List.copyOf(locks);
  }

  /** When the last of its locks ends, or null when no address is locked out. */
  public Instant lockedUntil() {
    return locks.isEmpty() ? null : locks.get(0).until();
  }

  /** This account as a caller whose credential is valid until {@code expiresAt}. */
  public Principal.Staff principal(Instant expiresAt) {
    Map<String, Set<Role>> bySite = new HashMap<>();
    for (RoleGrant g : roles) {
      String site = g.siteId() == null ? Principal.ALL_SITES : g.siteId();
      bySite.computeIfAbsent(site, s -> new HashSet<>()).add(g.role());
    }
    Map<String, Set<Role>> frozen = new HashMap<>();
    bySite.forEach((site, set) -> frozen.put(site, Set.copyOf(set)));
    return new Principal.Staff(id.toString(), username, displayName, "local", frozen, expiresAt);
  }
}

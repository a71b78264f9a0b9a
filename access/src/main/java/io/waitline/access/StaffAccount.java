package io.waitline.access;

import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** A local staff account as shown to admins; never carries the password hash. */
public record StaffAccount(UUID id, String username, String displayName, List<RoleGrant> roles, boolean disabled,
    Instant lockedUntil, Instant lastSignInAt, Instant createdAt) {
  public StaffAccount {
    roles = List.copyOf(roles);
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

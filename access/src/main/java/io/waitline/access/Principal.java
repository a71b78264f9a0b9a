package io.waitline.access;

import java.time.Instant;
import java.util.Map;
import java.util.Set;

/** Who is calling: a signed-in staff member, an enrolled device, or nobody in particular. */
public sealed interface Principal {
  /** Key of {@link Staff#rolesBySite()} for roles held at every site. */
  String ALL_SITES = "*";

  /** The kind recorded in the audit log: {@code staff}, {@code device} or {@code anonymous}. */
  String kind();

  /** A stable id for the audit log (account id, device id), or null for anonymous callers. */
  String id();

  /** What a person reading the audit log sees, e.g. "Dana Reyes (dreyes)" or "display Lobby TV". */
  String displayName();

  /**
   * A staff member. {@code source} is {@code local} (built-in account) or {@code oidc} (identity provider);
   * {@code rolesBySite} maps a site id, or {@link #ALL_SITES}, to the roles held there; {@code expiresAt} is when the
   * credential stops being valid.
   */
  record Staff(String id, String username, String name, String source, Map<String, Set<Role>> rolesBySite,
      Instant expiresAt) implements Principal {
    public Staff {
      rolesBySite = Map.copyOf(rolesBySite);
    }

    @Override
    public String kind() {
      return "staff";
    }

    @Override
    public String displayName() {
      return name + " (" + username + ")";
    }

    /** The roles held at {@code siteId}: those held there plus those held at every site. */
    public Set<Role> rolesAt(String siteId) {
      var roles = new java.util.HashSet<>(rolesBySite.getOrDefault(ALL_SITES, Set.of()));
      if (siteId != null) roles.addAll(rolesBySite.getOrDefault(siteId, Set.of()));
      return roles;
    }
  }

  /** An enrolled TV display or payment kiosk, bound to one site. */
  record Device(String id, String siteId, DeviceKind deviceKind, String name) implements Principal {
    @Override
    public String kind() {
      return "device";
    }

    @Override
    public String displayName() {
      return deviceKind.wire() + " " + name;
    }
  }

  /** No credential was presented. */
  record Anonymous() implements Principal {
    @Override
    public String kind() {
      return "anonymous";
    }

    @Override
    public String id() {
      return null;
    }

    @Override
    public String displayName() {
      return "anonymous";
    }
  }

  Principal ANONYMOUS = new Anonymous();
}

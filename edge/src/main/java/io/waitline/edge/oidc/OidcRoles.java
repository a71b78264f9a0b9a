package io.waitline.edge.oidc;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.waitline.access.Principal;
import io.waitline.access.Role;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads Waitline roles out of identity-provider token claims. A value is {@code <role>} (held at every site) or
 * {@code <role>@<siteId>} (held at that site), after the configured prefix; values without the prefix, unknown role
 * names and malformed values belong to other applications and are ignored.
 */
final class OidcRoles {
  private OidcRoles() {}

  /** The roles per site (or {@link Principal#ALL_SITES}) found at {@code dottedPath} in {@code claims}. */
  static Map<String, Set<Role>> rolesBySite(JsonObject claims, String dottedPath, String prefix) {
    Map<String, Set<Role>> bySite = new HashMap<>();
    for (String value : values(claimAt(claims, dottedPath))) {
      if (!value.startsWith(prefix)) continue;
      String name = value.substring(prefix.length());
      int at = name.indexOf('@');
      String site = at < 0 ? Principal.ALL_SITES : name.substring(at + 1);
      Optional<Role> role = Role.fromWire(at < 0 ? name : name.substring(0, at));
      if (role.isEmpty() || site.isBlank() || site.contains("@")) continue;
      bySite.computeIfAbsent(site, s -> EnumSet.noneOf(Role.class)).add(role.get());
    }
    return bySite;
  }

  /** Follows {@code a.b.c} through nested objects; null where the path leads nowhere. */
  static Object claimAt(JsonObject claims, String dottedPath) {
    Object current = claims;
    for (String segment : dottedPath.split("\\.")) {
      if (!(current instanceof JsonObject object)) return null;
      current = object.getValue(segment);
    }
    return current;
  }

  /** A JSON array of strings, or one string holding names separated by spaces or commas. */
  private static List<String> values(Object claim) {
    List<String> out = new ArrayList<>();
    if (claim instanceof JsonArray array) {
      for (Object o : array) {
        if (o instanceof String s && !s.isBlank()) out.add(s.trim());
      }
    } else if (claim instanceof String s) {
      for (String part : s.trim().split("[\\s,]+")) {
        if (!part.isEmpty()) out.add(part);
      }
    }
    return out;
  }
}

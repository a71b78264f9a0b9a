package io.waitline.access;

/** A role held at one site, or at every site when {@code siteId} is null. */
public record RoleGrant(Role role, String siteId) {
}

package io.waitline.access;

import java.util.List;

/** What an admin (or the first-start setup) gives to create a local staff account. */
public record NewAccount(String username, String displayName, String password, List<RoleGrant> roles) {
}

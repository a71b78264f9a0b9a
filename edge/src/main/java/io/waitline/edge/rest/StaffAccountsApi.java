package io.waitline.edge.rest;

import io.waitline.edge.pipeline.JsonReply;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.waitline.access.AccessException;
import io.waitline.access.NewAccount;
import io.waitline.access.Role;
import io.waitline.access.RoleGrant;
import io.waitline.access.StaffAccounts;
import io.waitline.queue.QueueException;
import io.waitline.queue.command.QueueCommands;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Admins manage the built-in staff accounts: create, rename, grant roles, disable, unlock, reset a password. */
public final class StaffAccountsApi {
  private final StaffAccounts accounts;
  private final QueueCommands commands;

  public StaffAccountsApi(StaffAccounts accounts, QueueCommands commands) {
    this.accounts = accounts;
    this.commands = commands;
  }

  /** The OpenAPI operations this class answers. */
  public void register(Map<String, Handler<RoutingContext>> ops) {
    ops.put("listStaffAccounts", rc -> JsonReply.send(rc, 200, accounts.list()
        .map(all -> new JsonArray(all.stream().map(SessionApi::accountJson).toList()))));
    ops.put("createStaffAccount", this::create);
    ops.put("updateStaffAccount", this::update);
    ops.put("unlockStaffAccount", rc -> JsonReply.send(rc, 200, accounts.unlock(accountId(rc))
        .map(SessionApi::accountJson)));
    ops.put("resetStaffPassword", rc -> accounts.resetPassword(accountId(rc),
            rc.body().asJsonObject().getString("newPassword"))
        .onSuccess(a -> rc.response().setStatusCode(204).end())
        .onFailure(rc::fail));
  }

  private void create(RoutingContext rc) {
    JsonObject in = rc.body().asJsonObject();
    List<RoleGrant> roles = grants(in.getJsonArray("roles"));
    JsonReply.send(rc, 201, sitesExist(roles).compose(v -> accounts.create(new NewAccount(in.getString("username"),
        displayName(in.getString("displayName")), in.getString("password"), roles))).map(SessionApi::accountJson));
  }

  private void update(RoutingContext rc) {
    JsonObject in = rc.body().asJsonObject();
    List<RoleGrant> roles = in.containsKey("roles") ? grants(in.getJsonArray("roles")) : null;
    String name = in.containsKey("displayName") ? displayName(in.getString("displayName")) : null;
    JsonReply.send(rc, 200, sitesExist(roles == null ? List.of() : roles)
        .compose(v -> accounts.update(accountId(rc), name, roles, in.getBoolean("disabled")))
        .map(SessionApi::accountJson));
  }

  private static List<RoleGrant> grants(JsonArray in) {
    // the contract admits only known role names; duplicates are harmless and dropped
    LinkedHashSet<RoleGrant> out = new LinkedHashSet<>();
    for (Object o : in) {
      JsonObject g = (JsonObject) o;
      out.add(new RoleGrant(Role.fromWire(g.getString("role")).orElseThrow(), g.getString("siteId")));
    }
    return new ArrayList<>(out);
  }

  private static String displayName(String name) {
    String trimmed = name.trim();
    if (trimmed.isEmpty()) throw new AccessException(400, "bad-request", "The display name must not be blank.");
    return trimmed;
  }

  /** A role can only be held at a site that exists. */
  private Future<Void> sitesExist(List<RoleGrant> roles) {
    Future<Void> chain = Future.succeededFuture();
    for (RoleGrant g : roles) {
      if (g.siteId() == null) continue;
      chain = chain.compose(v -> commands.site(g.siteId()).<Void>mapEmpty().recover(err -> Future.failedFuture(
          err instanceof QueueException.NotFound ? new AccessException(400, "bad-request", "There is no site '"
              + g.siteId() + "' to hold the role " + g.role().wire() + " at.") : err)));
    }
    return chain;
  }

  private static UUID accountId(RoutingContext rc) {
    try {
      return UUID.fromString(rc.pathParam("accountId"));
    } catch (IllegalArgumentException e) {
      throw new AccessException(400, "bad-request", "'" + rc.pathParam("accountId") + "' is not an account id.");
    }
  }
}

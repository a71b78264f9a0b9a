package io.waitline.edge.pipeline;

import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.waitline.access.AuditLog;
import io.waitline.access.Devices;
import io.waitline.access.FirstAdminSetup;
import io.waitline.access.PasswordHasher;
import io.waitline.access.Sessions;
import io.waitline.access.StaffAccounts;
import java.time.Clock;

/**
 * The access module's services the web edge uses, over one database pool and one clock, and the node's cache of
 * recently accepted credentials (shared by its edge instances).
 */
public record AccessServices(StaffAccounts accounts, Sessions sessions, Devices devices, FirstAdminSetup setup,
    AuditLog audit, Clock clock, CredentialCache credentials) {

  public static AccessServices create(Vertx vertx, Pool pool, PasswordHasher hasher, Clock clock) {
    StaffAccounts accounts = new StaffAccounts(vertx, pool, hasher, clock);
    return new AccessServices(accounts, new Sessions(pool, clock), new Devices(pool, clock),
        new FirstAdminSetup(pool, accounts, clock), new AuditLog(pool, clock), clock, new CredentialCache(clock));
  }
}

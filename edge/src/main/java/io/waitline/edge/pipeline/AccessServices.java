package io.waitline.edge.pipeline;

import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.waitline.access.AuditLog;
import io.waitline.access.AuditSubjects;
import io.waitline.access.Devices;
import io.waitline.access.FirstAdminSetup;
import io.waitline.access.PasswordHasher;
import io.waitline.access.Sessions;
import io.waitline.access.Sites;
import io.waitline.access.StaffAccounts;
import io.waitline.queue.Entry;
import io.waitline.queue.Site;
import io.waitline.queue.command.QueueCommands;
import io.waitline.queue.read.QueueReadModel;
import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The access module's services the web edge uses, over one database pool and one clock, and the node's cache of
 * recently accepted credentials (shared by its edge instances).
 */
public record AccessServices(StaffAccounts accounts, Sessions sessions, Devices devices, FirstAdminSetup setup,
    AuditLog audit, Clock clock, CredentialCache credentials) {

  /** Wires access to what it asks of queue-core (sites, the patients audit records name) through queue-core's API. */
  public static AccessServices create(Vertx vertx, Pool pool, PasswordHasher hasher, QueueCommands commands,
      Clock clock) {
    Sites sites = sites(commands);
    StaffAccounts accounts = new StaffAccounts(vertx, pool, hasher, sites, clock);
    return new AccessServices(accounts, new Sessions(pool, clock), new Devices(pool, sites, clock),
        new FirstAdminSetup(pool, accounts, clock), new AuditLog(pool, auditSubjects(pool), clock), clock,
        new CredentialCache(clock));
  }

  static Sites sites(QueueCommands commands) {
    return ids -> commands.sites().map(all -> {
      Set<String> unknown = new LinkedHashSet<>(ids);
      for (Site s : all) unknown.remove(s.id());
      return unknown;
    });
  }

  static AuditSubjects auditSubjects(Pool pool) {
    QueueReadModel queues = new QueueReadModel();
    return ids -> queues.entries(pool, ids).map(found -> {
      Map<UUID, AuditSubjects.Subject> out = new HashMap<>();
      for (Entry e : found) {
        out.put(e.id(), new AuditSubjects.Subject(e.patient().name(), e.patient().mrn(), e.ticket()));
      }
      return out;
    });
  }
}

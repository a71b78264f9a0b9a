package io.waitline.access;

import static io.waitline.access.AccessWorld.NORTH;
import static io.waitline.access.AccessWorld.SOUTH;
import static io.waitline.access.AccessWorld.START;
import static io.waitline.access.AccessWorld.await;
import static io.waitline.access.AccessWorld.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.waitline.queue.Entry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AuditLogTest {
  private final AccessWorld w = new AccessWorld();

  @AfterEach
  void close() {
    w.close();
  }

  private void record(String actorId, String action, String site, UUID entry, int outcome) {
    await(w.audit.record(new AuditEvent("staff", actorId, "Name of " + actorId, action, site, entry, outcome,
        "10.0.0.1", new JsonObject().put("n", 1))));
    w.clock.advance(Duration.ofMinutes(1));
  }

  private JsonArray items(AuditQuery q) {
    return await(w.audit.query(q)).getJsonArray("items");
  }

  private static List<String> actions(JsonArray items) {
    return items.stream().map(o -> ((JsonObject) o).getString("action")).collect(Collectors.toList());
  }

  private static AuditQuery all(int limit) {
    return new AuditQuery(null, null, null, null, null, null, null, null, limit);
  }

  @Test
  void aRecordComesBackWithThePatientItConcerns() {
    Entry e = w.patient(NORTH, "Jane Doe", "MRN-7");
    await(w.audit.record(new AuditEvent("staff", "u1", "Dana (dana)", "getEntry", NORTH, e.id(), 200, "10.0.0.1",
        new JsonObject().put("queueId", "north-lab"))));

    JsonObject item = items(all(10)).getJsonObject(0);
    assertThat(item.getLong("id")).isPositive();
    assertThat(item.getString("at")).isEqualTo(START.toString());
    assertThat(item.getString("actorKind")).isEqualTo("staff");
    assertThat(item.getString("actorId")).isEqualTo("u1");
    assertThat(item.getString("actorName")).isEqualTo("Dana (dana)");
    assertThat(item.getString("action")).isEqualTo("getEntry");
    assertThat(item.getString("siteId")).isEqualTo(NORTH);
    assertThat(item.getString("entryId")).isEqualTo(e.id().toString());
    assertThat(item.getJsonObject("patient")).isEqualTo(new JsonObject().put("name", "Jane Doe").put("mrn", "MRN-7")
        .put("ticket", e.ticket()));
    assertThat(item.getInteger("outcome")).isEqualTo(200);
    assertThat(item.getString("remoteAddress")).isEqualTo("10.0.0.1");
    assertThat(item.getJsonObject("detail")).isEqualTo(new JsonObject().put("queueId", "north-lab"));
  }

  @Test
  void aRecordWithoutPatientOrDetailHasNulls() {
    await(w.audit.record(new AuditEvent("anonymous", null, null, "signIn", null, null, 401, null, null)));
    JsonObject item = items(all(10)).getJsonObject(0);
    assertThat(item.getString("actorName")).isEqualTo("anonymous");
    assertThat(item.containsKey("patient")).isTrue();
    assertThat(item.getValue("patient")).isNull();
    assertThat(item.getValue("detail")).isNull();
    assertThat(item.getValue("entryId")).isNull();
    assertThat(item.getInteger("outcome")).isEqualTo(401);
  }

  @Test
  void filtersCombineAndResultsAreNewestFirst() {
    UUID entry = w.patient(NORTH, "Jane Doe", null).id();
    record("u1", "getEntry", NORTH, entry, 200);             // 09:00
    record("u2", "callNext", NORTH, entry, 200);             // 09:01
    record("u1", "getQueueBoard", SOUTH, null, 200);         // 09:02
    record("u1", "signIn", null, null, 200);                 // 09:03
    record("u2", "getEntry", SOUTH, null, 403);              // 09:04

    assertThat(actions(items(all(10)))).containsExactly("getEntry", "signIn", "getQueueBoard", "callNext",
        "getEntry");
    assertThat(actions(items(new AuditQuery(null, NORTH, null, null, null, null, null, null, 10))))
        .containsExactly("callNext", "getEntry");
    assertThat(actions(items(new AuditQuery(null, null, entry, null, null, null, null, null, 10))))
        .containsExactly("callNext", "getEntry");
    assertThat(actions(items(new AuditQuery(null, null, null, "u1", null, null, null, null, 10))))
        .containsExactly("signIn", "getQueueBoard", "getEntry");
    assertThat(items(new AuditQuery(null, null, null, null, "getEntry", null, null, null, 10)))
        .extracting(o -> ((JsonObject) o).getString("actorId")).containsExactly("u2", "u1");
    Instant from = START.plus(Duration.ofMinutes(1));
    Instant to = START.plus(Duration.ofMinutes(3));
    assertThat(actions(items(new AuditQuery(null, null, null, null, null, from, to, null, 10))))
        .containsExactly("getQueueBoard", "callNext");
    assertThat(actions(items(new AuditQuery(null, NORTH, null, "u1", "getEntry", null, null, null, 10))))
        .containsExactly("getEntry");
    assertThat(items(new AuditQuery(null, SOUTH, entry, null, null, null, null, null, 10))).isEmpty();
  }

  @Test
  void aReaderLimitedToSomeSitesSeesOnlyTheirRecords() {
    record("u1", "getEntry", NORTH, null, 200);
    record("u1", "getEntry", SOUTH, null, 200);
    record("u1", "signIn", null, null, 200);
    assertThat(items(new AuditQuery(Set.of(NORTH), null, null, null, null, null, null, null, 10)))
        .extracting(o -> ((JsonObject) o).getString("siteId")).containsExactly(NORTH);
    // asking for another site's records inside a limited view finds nothing rather than leaking
    assertThat(items(new AuditQuery(Set.of(NORTH), SOUTH, null, null, null, null, null, null, 10))).isEmpty();
    assertThat(items(new AuditQuery(Set.of(), null, null, null, null, null, null, null, 10))).isEmpty();
    assertThat(items(all(10))).hasSize(3);
  }

  @Test
  void pagesFollowEachOtherWithoutGapsOrRepeats() {
    for (int i = 0; i < 7; i++) record("u1", "action" + i, NORTH, null, 200);
    JsonObject first = await(w.audit.query(all(3)));
    assertThat(actions(first.getJsonArray("items"))).containsExactly("action6", "action5", "action4");
    Long cursor = first.getLong("nextBefore");
    assertThat(cursor).isEqualTo(first.getJsonArray("items").getJsonObject(2).getLong("id"));

    JsonObject second = await(w.audit.query(new AuditQuery(null, null, null, null, null, null, null, cursor, 3)));
    assertThat(actions(second.getJsonArray("items"))).containsExactly("action3", "action2", "action1");
    JsonObject third = await(w.audit.query(new AuditQuery(null, null, null, null, null, null, null,
        second.getLong("nextBefore"), 3)));
    assertThat(actions(third.getJsonArray("items"))).containsExactly("action0");
    assertThat(third.getValue("nextBefore")).isNull();

    JsonObject exact = await(w.audit.query(all(7)));
    assertThat(exact.getJsonArray("items")).hasSize(7);
    assertThat(exact.getValue("nextBefore")).isNull();
  }

  @Test
  void theDatabaseRefusesToChangeOrRemoveAuditRecords() {
    record("u1", "getEntry", NORTH, null, 200);
    for (String sql : List.of("UPDATE audit_log SET outcome = 500", "DELETE FROM audit_log", "TRUNCATE audit_log")) {
      Throwable err = failure(w.pool.query(sql).execute());
      assertThat(err).as(sql).isInstanceOf(PgException.class);
      assertThat(err.getMessage()).as(sql).contains("audit_log is append-only");
    }
    JsonArray items = items(all(10));
    assertThat(items).hasSize(1);
    assertThat(items.getJsonObject(0).getInteger("outcome")).isEqualTo(200);
  }

  /** V4: new records have the highest id, so with (x, id) they land at the end of their key's range (pages split full). */
  @Test
  void theAuditLookupsAreIndexedByIdAscending() {
    Map<String, String> indexes = new HashMap<>();
    for (var r : await(w.pool.query("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'audit_log'")
        .execute())) {
      indexes.put(r.getString("indexname"), r.getString("indexdef"));
    }
    assertThat(indexes).containsOnlyKeys("audit_log_pkey", "audit_log_at", "audit_log_by_site", "audit_log_by_entry",
        "audit_log_by_actor", "audit_log_by_action");
    assertThat(indexes.get("audit_log_by_actor")).endsWith("(actor_id, id) WHERE (actor_id IS NOT NULL)");
    assertThat(indexes.values()).noneMatch(def -> def.contains("DESC"));
  }

  @Test
  void migratingAgainChangesNothing() {
    try (Stream<Path> shipped = Files.list(Path.of("src/main/resources/db/access"))) {
      assertThat(w.accessMigrationsApplied).isEqualTo(shipped.count()).isPositive();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    assertThat(AccessMigrations.migrate(w.jdbcUrl(), w.db.getUser(), w.db.getPassword())).isZero();
  }
}

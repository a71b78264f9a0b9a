package io.waitline.sync.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import io.waitline.queue.store.TestDatabase;
import io.waitline.sync.SyncService;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The suggested-match probe looks each new patient up by site, birth date and name together, even on a table the
 * planner has no statistics for (a site whose patients all came since the last analyze): a probe by site and birth
 * date alone reads every patient born that day for each new one, which grew a batch of 32 to over a second at 20,000
 * patients under the MLLP benchmark.
 */
class SuggestMatchesPlanTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void theProbeOfAnUnanalysedTableUsesTheNameNotOnlyTheBirthDate() throws Exception {
    SqlConnection c = migratedDatabase();
    // 3,000 patients of one site born on one day, and no statistics: as a new site's first minutes of an import
    await(c.query("ALTER TABLE sync_patient SET (autovacuum_enabled = false)").execute());
    await(c.query("INSERT INTO sync_patient (id, site_id, name, birth_date, created_at) SELECT gen_random_uuid(),"
        + " 'clinic', 'Patient ' || g, DATE '1980-04-23', now() FROM generate_series(1, 3000) g").execute());
    // the plan a pooled connection keeps for the statement after its first executions
    await(c.query("SET plan_cache_mode = force_generic_plan").execute());

    List<String> names = List.of("Ann Lee", "Bob Ray");
    Row row = await(c.preparedQuery("EXPLAIN (FORMAT JSON) " + SyncStore.SUGGEST_MATCHES).execute(Tuple.from(
        new Object[] {OffsetDateTime.now(ZoneOffset.UTC), new UUID[] {UUID.randomUUID(), UUID.randomUUID()},
            new String[] {"clinic", "clinic"}, new UUID[] {UUID.randomUUID(), UUID.randomUUID()},
            new String[] {"a1", "a2"}, names.toArray(String[]::new),
            new LocalDate[] {LocalDate.of(1980, 4, 23), LocalDate.of(1980, 4, 23)}}))).iterator().next();
    List<JsonObject> scans = new ArrayList<>();
    scansOf(new JsonArray(row.getValue(0).toString()).getJsonObject(0).getJsonObject("Plan"), scans);

    assertThat(scans).as("the plan's scans of sync_patient").hasSize(1);
    assertThat(scans.get(0).getString("Node Type")).isEqualTo("Index Scan");
    assertThat(scans.get(0).getString("Index Name")).isEqualTo("sync_patient_same_person");
    assertThat(scans.get(0).getString("Index Cond")).as("what the index is probed with")
        .contains("site_id").contains("birth_date").contains("regexp_replace");
  }

  /**
   * Without statistics the planner tells two indexes that both start with the site apart by their trees' heights
   * alone (its estimates of the rows each finds are guesses): under the benchmark it took an index on site and name
   * for the probe, using only its site column, and read every patient born that day. So the site's patients have one
   * such index, the one the probe needs.
   */
  @Test
  void sitePatientsHaveOneIndexStartingWithTheSiteSoThePlannerCannotTakeAnother() throws Exception {
    SqlConnection c = migratedDatabase();
    List<String> bySite = new ArrayList<>();
    await(c.query("SELECT indexname FROM pg_indexes WHERE tablename = 'sync_patient'"
        + " AND indexdef LIKE '%(site_id%' ORDER BY indexname").execute())
        .forEach(r -> bySite.add(r.getString(0)));
    assertThat(bySite).containsExactly("sync_patient_same_person");
  }

  private SqlConnection migratedDatabase() throws Exception {
    PgConnectOptions db = TestDatabase.freshDatabase();
    SyncService.migrate("jdbc:postgresql://" + db.getHost() + ":" + db.getPort() + "/" + db.getDatabase(),
        db.getUser(), db.getPassword());
    Pool pool = TestDatabase.pool(vertx, db, 1);
    return await(pool.getConnection());
  }

  /** Every node of the plan that reads sync_patient. */
  private static void scansOf(JsonObject node, List<JsonObject> scans) {
    if ("sync_patient".equals(node.getString("Relation Name"))) scans.add(node);
    JsonArray children = node.getJsonArray("Plans");
    if (children != null) children.forEach(child -> scansOf((JsonObject) child, scans));
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}

package io.waitline.notify.store;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import io.waitline.notify.Channel;
import io.waitline.notify.IntentDraft;
import io.waitline.notify.Kind;
import io.waitline.notify.Preferences;
import io.waitline.notify.QuietHours;
import io.waitline.notify.channel.Recipient.WebPushSubscription;
import io.waitline.queue.event.LogCursor;
import java.time.Instant;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/** The SQL of notifications. Every method runs on the client it is given, so callers choose the transaction. */
public final class NotifyStore {
  public static final String OUTBOX = "outbox";
  /**
   * Records an intent's outcome in {@code notify_outcome} from the {@code changed} rows of the statement it ends, when
   * {@code $1} is true: ids, kind, channel and outcome only (no address, no text a provider sent back).
   */
  private static final String OUTCOME = " outcome AS (INSERT INTO notify_outcome (record_key, type, data, at)"
      + " SELECT entry_id::text, 'io.waitline.notification.outcome', jsonb_build_object('intentId', id, 'kind', kind,"
      + " 'entryId', entry_id, 'siteId', site_id, 'queueId', queue_id, 'ticket', ticket, 'channel', channel,"
      + " 'outcome', outcome, 'rounds', rounds), updated_at FROM changed WHERE $1)";
  private static final String INTENT_COLUMNS = "i.id, i.dedupe_key, i.kind, i.event_id, i.entry_id, i.site_id,"
      + " i.queue_id, i.ticket, i.urgent, i.params, i.state, i.channel, i.provider_ref, i.excluded, i.rounds,"
      + " i.claims, i.next_attempt_at, i.last_error, i.created_at, i.updated_at, i.sent_at, i.delivered_at,"
      + " i.send_now";
  private static final String ATTEMPT_SELECT = "SELECT id, intent_id, channel, worker, started_at, finished_at, outcome,"
      + " recipient, fingerprint, provider_ref, detail FROM notify_attempt WHERE intent_id = $1";

  private final boolean publishOutcomes;

  /** @param publishOutcomes whether intents' outcomes are recorded for the Kafka relay ({@code notify_outcome}) */
  public NotifyStore(boolean publishOutcomes) {
    this.publishOutcomes = publishOutcomes;
  }

  // --- the outbox

  /**
   * Locks the checkpoint row (one reader at a time across nodes); null when there is none yet. A checkpoint kept
   * before the log recorded transactions has only a position: {@code xact} is null then.
   */
  public Future<Checkpoint> lockCheckpoint(SqlClient c) {
    return c.preparedQuery("SELECT last_xact, last_event_id FROM notify_checkpoint WHERE name = $1 FOR UPDATE")
        .execute(Tuple.of(OUTBOX))
        .map(rows -> {
          if (rows.size() == 0) return null;
          Row r = rows.iterator().next();
          return new Checkpoint(r.getLong("last_xact"), r.getLong("last_event_id"));
        });
  }

  /** Where the reader stands; {@code xact} is null for a checkpoint written before cursors had one. */
  public record Checkpoint(Long xact, long position) {}

  /** Starts reading the outbox after {@code cursor} (earlier events are history), unless another node just did. */
  public Future<Void> createCheckpoint(SqlClient c, LogCursor cursor, Instant now) {
    return c.preparedQuery("INSERT INTO notify_checkpoint (name, last_xact, last_event_id, updated_at)"
            + " VALUES ($1, $2, $3, $4) ON CONFLICT (name) DO NOTHING")
        .execute(Tuple.of(OUTBOX, cursor.xact(), cursor.position(), odt(now))).mapEmpty();
  }

  public Future<Void> advanceCheckpoint(SqlClient c, LogCursor cursor, Instant now) {
    return c.preparedQuery("UPDATE notify_checkpoint SET last_xact = $2, last_event_id = $3, updated_at = $4"
            + " WHERE name = $1")
        .execute(Tuple.of(OUTBOX, cursor.xact(), cursor.position(), odt(now))).mapEmpty();
  }

  // --- planning state

  public Future<Map<String, QueueSettings>> queueSettings(SqlClient c, Collection<String> queueIds) {
    return c.preparedQuery("SELECT queue_id, position_alerts, long_wait_minutes, delay_minutes"
            + " FROM notify_queue_settings WHERE queue_id = ANY($1)")
        .execute(Tuple.of(queueIds.toArray(new String[0])))
        .map(rows -> {
          Map<String, QueueSettings> out = new HashMap<>();
          for (Row r : rows) out.put(r.getString("queue_id"), queueSettings(r));
          return out;
        });
  }

  public Future<QueueSettings> queueSettings(SqlClient c, String queueId) {
    return queueSettings(c, List.of(queueId)).map(m -> m.get(queueId));
  }

  public Future<Void> saveQueueSettings(SqlClient c, String queueId, QueueSettings s, Instant now) {
    return c.preparedQuery("INSERT INTO notify_queue_settings (queue_id, position_alerts, long_wait_minutes,"
            + " delay_minutes, updated_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (queue_id) DO UPDATE SET"
            + " position_alerts = $2, long_wait_minutes = $3, delay_minutes = $4, updated_at = $5")
        .execute(Tuple.of(queueId, s.positionAlerts().toArray(new Integer[0]), s.longWaitMinutes(),
            s.delayMinutes(), odt(now)))
        .mapEmpty();
  }

  private static QueueSettings queueSettings(Row r) {
    Integer[] alerts = r.getArrayOfIntegers("position_alerts");
    return new QueueSettings(alerts == null ? List.of() : Arrays.asList(alerts), r.getInteger("long_wait_minutes"),
        r.getInteger("delay_minutes"));
  }

  public Future<Map<UUID, Integer>> baselines(SqlClient c, Collection<UUID> entryIds) {
    if (entryIds.isEmpty()) return Future.succeededFuture(Map.of());
    return c.preparedQuery("SELECT entry_id, baseline_p50 FROM notify_watch WHERE entry_id = ANY($1)")
        .execute(Tuple.of(entryIds.toArray(new UUID[0])))
        .map(rows -> {
          Map<UUID, Integer> out = new HashMap<>();
          for (Row r : rows) out.put(r.getUUID(0), r.getInteger(1));
          return out;
        });
  }

  public Future<Void> saveBaselines(SqlClient c, Map<UUID, Integer> baselines, Instant now) {
    if (baselines.isEmpty()) return Future.succeededFuture();
    List<Tuple> batch = new ArrayList<>();
    baselines.forEach((id, p50) -> batch.add(Tuple.of(id, p50, odt(now))));
    return c.preparedQuery("INSERT INTO notify_watch (entry_id, baseline_p50, updated_at) VALUES ($1, $2, $3)"
            + " ON CONFLICT (entry_id) DO UPDATE SET baseline_p50 = $2, updated_at = $3")
        .executeBatch(batch).mapEmpty();
  }

  // --- intents

  /** Stores drafts; a key that exists already is left alone (the event was planned before). */
  public Future<Integer> insertIntents(SqlClient c, List<IntentDraft> drafts, Instant now) {
    if (drafts.isEmpty()) return Future.succeededFuture(0);
    List<Tuple> batch = new ArrayList<>();
    for (IntentDraft d : drafts) {
      batch.add(Tuple.from(new Object[] {UUID.randomUUID(), d.key(), d.kind().wire(), d.kind().audience().wire(),
          d.eventId(), d.entryId(), d.siteId(), d.queueId(), d.ticket(), d.kind().urgent(), d.params(),
          d.skipped() ? "skipped" : "pending", d.skipped() ? null : odt(now), d.skipReason(), odt(now)}));
    }
    return c.preparedQuery("INSERT INTO notify_intent (id, dedupe_key, kind, audience, event_id, entry_id, site_id,"
            + " queue_id, ticket, urgent, params, state, next_attempt_at, last_error, created_at, updated_at)"
            + " VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$15)"
            + " ON CONFLICT (dedupe_key) DO NOTHING")
        .executeBatch(batch)
        .map(rows -> {
          int n = 0;
          for (RowSet<Row> r = rows; r != null; r = r.next()) n += r.rowCount();
          return n;
        });
  }

  /**
   * Takes up to {@code limit} due intents for {@code worker} until {@code leaseUntil}: pending, held, failed or
   * unknown ones whose time has come, and ones whose previous worker's lease ran out (it crashed or hung).
   */
  public Future<List<IntentRow>> claim(SqlClient c, String worker, Instant now, Instant leaseUntil, int limit,
      boolean urgentOnly) {
    return c.preparedQuery("WITH due AS (SELECT id, state AS was FROM notify_intent"
            + " WHERE ((state IN ('pending', 'held', 'failed', 'unknown') AND next_attempt_at <= $2)"
            + " OR (state = 'sending' AND lease_until < $2)) AND (urgent OR NOT $5)"
            + " ORDER BY urgent DESC, next_attempt_at NULLS LAST LIMIT $4 FOR UPDATE SKIP LOCKED)"
            + " UPDATE notify_intent i SET state = 'sending', lease_owner = $1, lease_until = $3,"
            + " claims = i.claims + 1, updated_at = $2 FROM due WHERE i.id = due.id"
            + " RETURNING " + INTENT_COLUMNS + ", due.was")
        .execute(Tuple.of(worker, odt(now), odt(leaseUntil), limit, urgentOnly))
        .map(rows -> map(rows, r -> intent(r, r.getString("was"))));
  }

  /**
   * Records where a claimed intent ends up, only if this worker still holds it (a worker whose lease ran out must
   * not overwrite what its successor found).
   */
  public Future<Boolean> finish(SqlClient c, UUID id, String worker, Finish f, Instant now) {
    return c.preparedQuery("WITH changed AS (UPDATE notify_intent SET state = $4, channel = COALESCE($5, channel),"
            + " provider_ref = COALESCE($6, provider_ref), excluded = $7, rounds = $8, next_attempt_at = $9,"
            + " last_error = $10, sent_at = COALESCE($11, sent_at), updated_at = $12, lease_owner = NULL,"
            + " lease_until = NULL, send_now = false WHERE id = $2 AND lease_owner = $3 AND state = 'sending'"
            + " RETURNING id, kind, entry_id, site_id, queue_id, ticket, channel, state AS outcome, rounds, updated_at),"
            + OUTCOME + " SELECT count(*) FROM changed")
        .execute(Tuple.from(new Object[] {publishOutcomes, id, worker, f.state(),
            f.channel() == null ? null : f.channel().wire(), f.providerRef(), wires(f.excluded()), f.rounds(),
            odt(f.nextAttemptAt()), f.error(), odt(f.sentAt()), odt(now)}))
        .map(rows -> rows.iterator().next().getLong(0) == 1);
  }

  /** How a claim ends; {@code nextAttemptAt} null means "not due again by itself". */
  public record Finish(String state, Channel channel, String providerRef, Set<Channel> excluded, int rounds,
      Instant nextAttemptAt, String error, Instant sentAt) {}

  public Future<IntentRow> intent(SqlClient c, UUID id) {
    return c.preparedQuery("SELECT " + INTENT_COLUMNS + " FROM notify_intent i WHERE i.id = $1")
        .execute(Tuple.of(id))
        .map(rows -> rows.size() == 0 ? null : intent(rows.iterator().next(), null));
  }

  public Future<List<IntentRow>> intentsOfSite(SqlClient c, String siteId, Set<String> states, int limit) {
    return c.preparedQuery("SELECT " + INTENT_COLUMNS + " FROM notify_intent i WHERE i.site_id = $1"
            + " AND i.state = ANY($2) ORDER BY i.updated_at DESC LIMIT $3")
        .execute(Tuple.of(siteId, states.toArray(new String[0]), limit))
        .map(rows -> map(rows, r -> intent(r, null)));
  }

  public Future<List<IntentRow>> intentsOfEntry(SqlClient c, UUID entryId) {
    return c.preparedQuery("SELECT " + INTENT_COLUMNS + " FROM notify_intent i WHERE i.entry_id = $1"
            + " ORDER BY i.created_at, i.dedupe_key")
        .execute(Tuple.of(entryId))
        .map(rows -> map(rows, r -> intent(r, null)));
  }

  /**
   * Staff asked to send a message again now, with every channel back in play. For an {@code unknown} one this is
   * staff deciding that a possible second copy is better than none.
   */
  public Future<Boolean> retryNow(SqlClient c, UUID id, Instant now) {
    return c.preparedQuery("UPDATE notify_intent SET state = 'pending', excluded = '{}', next_attempt_at = $2,"
            + " send_now = true, updated_at = $2 WHERE id = $1 AND state IN ('failed', 'skipped', 'held', 'unknown')")
        .execute(Tuple.of(id, odt(now))).map(r -> r.rowCount() == 1);
  }

  private static IntentRow intent(Row r, String was) {
    String channel = r.getString("channel");
    String[] excluded = r.getArrayOfStrings("excluded");
    Set<Channel> ex = EnumSet.noneOf(Channel.class);
    if (excluded != null) for (String s : excluded) ex.add(Channel.fromWire(s));
    Kind kind = Kind.fromWire(r.getString("kind"));
    return new IntentRow(r.getUUID("id"), r.getString("dedupe_key"), kind, r.getLong("event_id"),
        r.getUUID("entry_id"), r.getString("site_id"), r.getString("queue_id"), r.getString("ticket"),
        r.getBoolean("urgent"), (JsonObject) r.getValue("params"), r.getString("state"), was,
        channel == null ? null : Channel.fromWire(channel), r.getString("provider_ref"), ex, r.getInteger("rounds"),
        r.getInteger("claims"), instant(r.getOffsetDateTime("next_attempt_at")), r.getString("last_error"),
        instant(r.getOffsetDateTime("created_at")), instant(r.getOffsetDateTime("updated_at")),
        instant(r.getOffsetDateTime("sent_at")), instant(r.getOffsetDateTime("delivered_at")),
        r.getBoolean("send_now"));
  }

  // --- attempts

  /**
   * Writes the attempt row before a provider call and keeps the claim alive until {@code leaseUntil}, in one
   * statement and only while {@code worker} still holds the intent: null when the lease was lost to another worker
   * (which then finds no attempt of this one, and nothing may be sent).
   */
  public Future<Long> startAttempt(SqlClient c, UUID intentId, Channel channel, String worker, Instant at,
      Instant leaseUntil, String recipient, String fingerprint) {
    return c.preparedQuery("WITH held AS (UPDATE notify_intent SET lease_until = $7"
            + " WHERE id = $1 AND lease_owner = $3 AND state = 'sending' RETURNING id)"
            + " INSERT INTO notify_attempt (intent_id, channel, worker, started_at, recipient, fingerprint)"
            + " SELECT held.id, $2, $3, $4, $5, $6 FROM held RETURNING id")
        .execute(Tuple.from(new Object[] {intentId, channel.wire(), worker, odt(at), recipient, fingerprint,
            odt(leaseUntil)}))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getLong(0));
  }

  /** Provider references recorded since {@code since} for messages of other intents to {@code recipient}. */
  public Future<Set<String>> providerRefsOfOthers(SqlClient c, UUID intentId, String recipient, Instant since) {
    return c.preparedQuery("SELECT provider_ref FROM notify_attempt WHERE recipient = $2 AND started_at >= $3"
            + " AND provider_ref IS NOT NULL AND intent_id <> $1")
        .execute(Tuple.of(intentId, recipient, odt(since)))
        .map(rows -> {
          Set<String> refs = new HashSet<>();
          for (Row r : rows) refs.add(r.getString(0));
          return refs;
        });
  }

  public Future<Void> finishAttempt(SqlClient c, long id, String outcome, String providerRef, String detail,
      Instant at) {
    return c.preparedQuery("UPDATE notify_attempt SET outcome = $2, provider_ref = $3, detail = $4, finished_at = $5"
            + " WHERE id = $1")
        .execute(Tuple.of(id, outcome, providerRef, detail == null ? null : truncate(detail), odt(at)))
        .mapEmpty();
  }

  /** The latest attempt of an intent, or null if it was never tried. */
  public Future<AttemptRow> lastAttempt(SqlClient c, UUID intentId) {
    return c.preparedQuery(ATTEMPT_SELECT + " ORDER BY id DESC LIMIT 1")
        .execute(Tuple.of(intentId))
        .map(rows -> rows.size() == 0 ? null : attempt(rows.iterator().next()));
  }

  /** Every attempt of an intent, oldest first. */
  public Future<List<AttemptRow>> attempts(SqlClient c, UUID intentId) {
    return c.preparedQuery(ATTEMPT_SELECT + " ORDER BY id").execute(Tuple.of(intentId))
        .map(rows -> map(rows, NotifyStore::attempt));
  }

  private static AttemptRow attempt(Row r) {
    return new AttemptRow(r.getLong("id"), r.getUUID("intent_id"), Channel.fromWire(r.getString("channel")),
        r.getString("worker"), instant(r.getOffsetDateTime("started_at")), instant(r.getOffsetDateTime("finished_at")),
        r.getString("outcome"), r.getString("recipient"), r.getString("fingerprint"), r.getString("provider_ref"),
        r.getString("detail"));
  }

  // --- provider delivery reports

  /** Keeps the latest report for a message; final states (delivered, failed…) are never overwritten by early ones. */
  public Future<Void> recordProviderStatus(SqlClient c, String providerRef, UUID intentId, String status,
      String errorCode, Instant now) {
    return c.preparedQuery("INSERT INTO notify_provider_status (provider_ref, intent_id, status, error_code,"
            + " updated_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (provider_ref) DO UPDATE SET"
            + " status = CASE WHEN notify_provider_status.status IN ('delivered', 'undelivered', 'failed', 'read',"
            + " 'canceled') THEN notify_provider_status.status ELSE $3 END,"
            + " error_code = COALESCE($4, notify_provider_status.error_code),"
            + " intent_id = COALESCE(notify_provider_status.intent_id, $2), updated_at = $5")
        .execute(Tuple.of(providerRef, intentId, status, errorCode, odt(now))).mapEmpty();
  }

  /** A report about an intent whose send outcome is not recorded yet (the callback names the intent). */
  public Future<String> providerRefForIntent(SqlClient c, UUID intentId) {
    return c.preparedQuery("SELECT provider_ref FROM notify_provider_status WHERE intent_id = $1"
            + " ORDER BY updated_at DESC LIMIT 1")
        .execute(Tuple.of(intentId))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getString(0));
  }

  /**
   * Applies the recorded report of {@code providerRef} to its intent: delivered marks it delivered; failed or
   * undelivered puts it back to pending with that channel ruled out, so the next channel is tried.
   *
   * @return the intent's new state, or null if nothing changed
   */
  public Future<String> applyProviderStatus(SqlClient c, String providerRef, Instant now) {
    return c.preparedQuery("WITH changed AS (UPDATE notify_intent i SET"
            + " state = CASE WHEN s.status IN ('delivered', 'read') THEN 'delivered' ELSE 'pending' END,"
            + " delivered_at = CASE WHEN s.status IN ('delivered', 'read') THEN $3 ELSE i.delivered_at END,"
            + " excluded = CASE WHEN s.status IN ('delivered', 'read') THEN i.excluded"
            + "   ELSE array_append(array_remove(i.excluded, i.channel), i.channel) END,"
            + " next_attempt_at = CASE WHEN s.status IN ('delivered', 'read') THEN NULL ELSE $3 END,"
            + " last_error = CASE WHEN s.status IN ('delivered', 'read') THEN i.last_error"
            + "   ELSE i.channel || ' reported ' || s.status || COALESCE(' (error ' || s.error_code || ')', '') END,"
            + " updated_at = $3"
            + " FROM notify_provider_status s WHERE s.provider_ref = $2 AND i.provider_ref = s.provider_ref"
            + " AND i.state = 'sent' AND s.status IN ('delivered', 'read', 'undelivered', 'failed', 'canceled')"
            // the provider's report is the outcome: a message it could not deliver goes back to pending
            + " RETURNING i.id, i.kind, i.entry_id, i.site_id, i.queue_id, i.ticket, i.channel, i.state, i.rounds,"
            + " i.updated_at, CASE WHEN i.state = 'delivered' THEN 'delivered' ELSE 'undelivered' END AS outcome),"
            + OUTCOME + " SELECT state FROM changed")
        .execute(Tuple.of(publishOutcomes, providerRef, odt(now)))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getString(0));
  }

  // --- people: preferences, opt-outs, addresses

  public Future<Preferences> preferences(SqlClient c, String visitToken) {
    return c.preparedQuery("SELECT channels, language, opted_out FROM notify_preference WHERE visit_token = $1")
        .execute(Tuple.of(visitToken))
        .map(rows -> rows.size() == 0 ? Preferences.DEFAULT : preferences(rows.iterator().next()));
  }

  /** A preference row's choices; a row of nulls (no preference stored) is the default. */
  private static Preferences preferences(Row r) {
    if (r.getBoolean("opted_out") == null) return Preferences.DEFAULT;
    String[] ch = r.getArrayOfStrings("channels");
    List<Channel> channels = ch == null ? List.of() : Arrays.stream(ch).map(Channel::fromWire).toList();
    return new Preferences(channels, r.getString("language"), r.getBoolean("opted_out"));
  }

  /**
   * Everything this module knows about reaching one person, in one statement: the site's settings, the visit's
   * preferences, whether the phone opted out of SMS, its app devices and browser subscriptions. {@code visitToken}
   * and {@code phone} may be null (staff alerts, no phone).
   */
  public Future<Reach> reach(SqlClient c, String siteId, String visitToken, String phone) {
    return c.preparedQuery("SELECT ss.site_id AS settings_of, ss.quiet_start, ss.quiet_end, ss.staff_email,"
            + " ss.staff_phone, p.channels, p.language, p.opted_out,"
            + " EXISTS (SELECT 1 FROM notify_sms_optout WHERE phone = $3) AS sms_opted_out,"
            + " ARRAY(SELECT token FROM notify_push_token WHERE visit_token = $2 ORDER BY created_at, token) AS push,"
            + " (SELECT json_agg(json_build_object('endpoint', endpoint, 'p256dh', p256dh, 'auth', auth)"
            + "   ORDER BY created_at, endpoint) FROM notify_web_push WHERE visit_token = $2) AS web_push"
            + " FROM (SELECT 1) one LEFT JOIN notify_site_settings ss ON ss.site_id = $1"
            + " LEFT JOIN notify_preference p ON p.visit_token = $2")
        .execute(Tuple.of(siteId, visitToken, phone))
        .map(rows -> {
          Row r = rows.iterator().next();
          List<WebPushSubscription> webPush = new ArrayList<>();
          if (r.getValue("web_push") instanceof JsonArray subs) {
            for (Object o : subs) {
              JsonObject s = (JsonObject) o;
              webPush.add(new WebPushSubscription(s.getString("endpoint"), s.getString("p256dh"), s.getString("auth")));
            }
          }
          return new Reach(r.getString("settings_of") == null ? null : siteSettings(r), preferences(r),
              r.getBoolean("sms_opted_out"), List.of(r.getArrayOfStrings("push")), List.copyOf(webPush));
        });
  }

  public Future<Void> savePreferences(SqlClient c, String visitToken, Preferences p, Instant now) {
    return c.preparedQuery("INSERT INTO notify_preference (visit_token, channels, language, opted_out, updated_at)"
            + " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (visit_token) DO UPDATE SET channels = $2, language = $3,"
            + " opted_out = $4, updated_at = $5")
        .execute(Tuple.of(visitToken, p.channels().isEmpty() ? null : wires(p.channels()), p.language(),
            p.optedOut(), odt(now)))
        .mapEmpty();
  }

  public Future<Boolean> smsOptedOut(SqlClient c, String phone) {
    return c.preparedQuery("SELECT 1 FROM notify_sms_optout WHERE phone = $1").execute(Tuple.of(phone))
        .map(rows -> rows.size() > 0);
  }

  public Future<Void> setSmsOptOut(SqlClient c, String phone, boolean optedOut, Instant now) {
    return (optedOut
        ? c.preparedQuery("INSERT INTO notify_sms_optout (phone, opted_out_at) VALUES ($1, $2)"
            + " ON CONFLICT (phone) DO NOTHING").execute(Tuple.of(phone, odt(now)))
        : c.preparedQuery("DELETE FROM notify_sms_optout WHERE phone = $1").execute(Tuple.of(phone)))
        .mapEmpty();
  }

  public Future<List<String>> pushTokens(SqlClient c, String visitToken) {
    return c.preparedQuery("SELECT token FROM notify_push_token WHERE visit_token = $1 ORDER BY created_at")
        .execute(Tuple.of(visitToken)).map(rows -> map(rows, r -> r.getString(0)));
  }

  public Future<Void> addPushToken(SqlClient c, String visitToken, String token, String platform, Instant now) {
    return c.preparedQuery("INSERT INTO notify_push_token (token, visit_token, platform, created_at)"
            + " VALUES ($1, $2, $3, $4) ON CONFLICT (token) DO UPDATE SET visit_token = $2, platform = $3")
        .execute(Tuple.of(token, visitToken, platform, odt(now))).mapEmpty();
  }

  public Future<Integer> removePushTokens(SqlClient c, Collection<String> tokens) {
    if (tokens.isEmpty()) return Future.succeededFuture(0);
    return c.preparedQuery("DELETE FROM notify_push_token WHERE token = ANY($1)")
        .execute(Tuple.of(tokens.toArray(new String[0]))).map(RowSet::rowCount);
  }

  public Future<List<WebPushSubscription>> webPush(SqlClient c, String visitToken) {
    return c.preparedQuery("SELECT endpoint, p256dh, auth FROM notify_web_push WHERE visit_token = $1"
            + " ORDER BY created_at")
        .execute(Tuple.of(visitToken))
        .map(rows -> map(rows, r -> new WebPushSubscription(r.getString(0), r.getString(1), r.getString(2))));
  }

  public Future<Void> addWebPush(SqlClient c, String visitToken, WebPushSubscription s, Instant now) {
    return c.preparedQuery("INSERT INTO notify_web_push (endpoint, visit_token, p256dh, auth, created_at)"
            + " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (endpoint) DO UPDATE SET visit_token = $2, p256dh = $3,"
            + " auth = $4")
        .execute(Tuple.of(s.endpoint(), visitToken, s.p256dh(), s.auth(), odt(now))).mapEmpty();
  }

  public Future<Integer> removeWebPush(SqlClient c, Collection<String> endpoints) {
    if (endpoints.isEmpty()) return Future.succeededFuture(0);
    return c.preparedQuery("DELETE FROM notify_web_push WHERE endpoint = ANY($1)")
        .execute(Tuple.of(endpoints.toArray(new String[0]))).map(RowSet::rowCount);
  }

  // --- sites

  public Future<SiteSettings> siteSettings(SqlClient c, String siteId) {
    return c.preparedQuery("SELECT quiet_start, quiet_end, staff_email, staff_phone FROM notify_site_settings"
            + " WHERE site_id = $1")
        .execute(Tuple.of(siteId))
        .map(rows -> rows.size() == 0 ? null : siteSettings(rows.iterator().next()));
  }

  private static SiteSettings siteSettings(Row r) {
    LocalTime start = r.getLocalTime("quiet_start");
    LocalTime end = r.getLocalTime("quiet_end");
    return new SiteSettings(start == null || end == null ? null : new QuietHours(start, end),
        r.getString("staff_email"), r.getString("staff_phone"));
  }

  public Future<Void> saveSiteSettings(SqlClient c, String siteId, SiteSettings s, Instant now) {
    QuietHours q = s.quietHours();
    return c.preparedQuery("INSERT INTO notify_site_settings (site_id, quiet_start, quiet_end, staff_email,"
            + " staff_phone, updated_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (site_id) DO UPDATE SET"
            + " quiet_start = $2, quiet_end = $3, staff_email = $4, staff_phone = $5, updated_at = $6")
        .execute(Tuple.from(new Object[] {siteId, q == null ? null : q.start(), q == null ? null : q.end(),
            s.staffEmail(), s.staffPhone(), odt(now)}))
        .mapEmpty();
  }

  // --- helpers

  private static String[] wires(Collection<Channel> channels) {
    return channels.stream().map(Channel::wire).toArray(String[]::new);
  }

  private static String truncate(String s) {
    return s.length() > 1000 ? s.substring(0, 1000) : s;
  }

  private static <T> List<T> map(RowSet<Row> rows, Function<Row, T> f) {
    List<T> out = new ArrayList<>(rows.size());
    for (Row r : rows) out.add(f.apply(r));
    return out;
  }

  static OffsetDateTime odt(Instant i) {
    return i == null ? null : i.atOffset(ZoneOffset.UTC);
  }

  static Instant instant(OffsetDateTime t) {
    return t == null ? null : t.toInstant();
  }
}

package io.waitline.pay.store;

import static io.waitline.queue.sql.Rows.first;
import static io.waitline.queue.sql.Rows.instant;
import static io.waitline.queue.sql.Rows.map;
import static io.waitline.queue.sql.Rows.odt;

import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import io.waitline.pay.PaymentState;
import io.waitline.pay.store.Settings.QueueSetting;
import io.waitline.pay.store.Settings.Reader;
import io.waitline.pay.store.Settings.SiteSetting;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** The SQL of payments. Every method runs on the client it is given, so callers choose the transaction. */
public final class PaymentStore {
  private static final String COLUMNS = "id, entry_id, site_id, queue_id, ticket, station, method, processor,"
      + " reader_id, amount_minor, currency, state, pending_op, intent_ref, charge_ref, attempts, captured_minor,"
      + " refunded_minor, reserved_minor, card_brand, card_last4, failure, receipt_token, created_by, created_at,"
      + " updated_at, paid_at";
  private static final String REFUND_COLUMNS = "id, payment_id, amount_minor, reason, state, refund_ref, failure,"
      + " created_by, created_at, updated_at";
  /** The states a payment's outcome is published in (docs/events.md): where a co-pay ends. */
  private static final String OUTCOME_STATES = "('succeeded', 'declined', 'canceled', 'failed')";
  private static final String SAVE_SITE_SETTING =
      save("payment_site_setting", "site_id", "currency", "kiosk_skippable");
  private static final String SAVE_QUEUE_SETTING = save("payment_queue_setting", "queue_id", "amount_minor", "collect");
  private static final String SAVE_VISIT_AMOUNT = save("payment_visit_amount", "entry_id", "amount_minor", "source");
  private static final String SAVE_READER = save("payment_reader", "reader_id", "site_id", "station", "label");

  // --- settings

  private final boolean publishOutcomes;

  /** @param publishOutcomes whether outcomes are recorded for the Kafka relay ({@code payment_outcome}) */
  public PaymentStore(boolean publishOutcomes) {
    this.publishOutcomes = publishOutcomes;
  }

  /**
   * Records the outcome of each {@code changed} payment that ended in an outcome state, when the parameter
   * {@code flag} is true: ids, method, amounts and the sentence shown for a decline; nothing of the card.
   */
  private static String paymentOutcome(String flag) {
    return " outcome AS (INSERT INTO payment_outcome (record_key, type, data, at) SELECT entry_id::text,"
        + " 'io.waitline.payment.outcome', jsonb_build_object('paymentId', id, 'entryId', entry_id, 'siteId', site_id,"
        + " 'queueId', queue_id, 'ticket', ticket, 'station', station, 'method', method, 'processor', processor,"
        + " 'outcome', state, 'amountMinor', amount_minor, 'capturedMinor', captured_minor, 'refundedMinor',"
        + " refunded_minor, 'currency', currency, 'reason', failure), updated_at FROM changed"
        + " WHERE " + flag + " AND state IN " + OUTCOME_STATES + ")";
  }

  public Future<SiteSetting> siteSetting(SqlClient c, String siteId) {
    return c.preparedQuery("SELECT site_id, currency, kiosk_skippable FROM payment_site_setting WHERE site_id = $1")
        .execute(Tuple.of(siteId))
        .map(rows -> first(rows, r -> new SiteSetting(r.getString(0), r.getString(1), r.getBoolean(2))));
  }

  public Future<Void> saveSiteSetting(SqlClient c, SiteSetting s, Instant now) {
    return c.preparedQuery(SAVE_SITE_SETTING)
        .execute(Tuple.of(s.siteId(), s.currency(), s.kioskSkippable(), odt(now))).mapEmpty();
  }

  public Future<QueueSetting> queueSetting(SqlClient c, String queueId) {
    return c.preparedQuery("SELECT queue_id, amount_minor, collect FROM payment_queue_setting WHERE queue_id = $1")
        .execute(Tuple.of(queueId))
        .map(rows -> first(rows, r -> new QueueSetting(r.getString(0), r.getLong(1), r.getString(2))));
  }

  public Future<Void> saveQueueSetting(SqlClient c, QueueSetting s, Instant now) {
    return c.preparedQuery(SAVE_QUEUE_SETTING)
        .execute(Tuple.of(s.queueId(), s.amountMinor(), s.collect(), odt(now))).mapEmpty();
  }

  /** The amount a source set for one visit, or null. */
  public Future<Long> visitAmount(SqlClient c, UUID entryId) {
    return c.preparedQuery("SELECT amount_minor FROM payment_visit_amount WHERE entry_id = $1")
        .execute(Tuple.of(entryId)).map(rows -> first(rows, r -> r.getLong(0)));
  }

  public Future<Void> saveVisitAmount(SqlClient c, UUID entryId, long amountMinor, String source, Instant now) {
    return c.preparedQuery(SAVE_VISIT_AMOUNT)
        .execute(Tuple.of(entryId, amountMinor, source, odt(now))).mapEmpty();
  }

  /** Removes the amount {@code source} set for a visit; one set by the desk or another source stays. */
  public Future<Void> clearVisitAmount(SqlClient c, UUID entryId, String source) {
    return c.preparedQuery("DELETE FROM payment_visit_amount WHERE entry_id = $1 AND source = $2")
        .execute(Tuple.of(entryId, source)).mapEmpty();
  }

  public Future<List<Reader>> readers(SqlClient c, String siteId) {
    return c.preparedQuery("SELECT reader_id, site_id, station, label FROM payment_reader WHERE site_id = $1"
            + " ORDER BY station, label")
        .execute(Tuple.of(siteId))
        .map(rows -> map(rows, r -> new Reader(r.getString(0), r.getString(1), r.getString(2), r.getString(3))));
  }

  public Future<Void> saveReader(SqlClient c, Reader reader, Instant now) {
    return c.preparedQuery(SAVE_READER)
        .execute(Tuple.of(reader.readerId(), reader.siteId(), reader.station(), reader.label(), odt(now))).mapEmpty();
  }

  // --- payments

  /** Stores a new payment; false when the visit already has a live one (the unique index answered 23505). */
  public Future<Boolean> insert(SqlClient c, PaymentRow p) {
    // a payment recorded as paid (cash) is an outcome at once
    return c.preparedQuery("WITH changed AS (INSERT INTO payment (id, entry_id, site_id, queue_id, ticket, station,"
            + " method, processor, reader_id, amount_minor, currency, state, captured_minor, card_brand, receipt_token,"
            + " created_by, created_at, updated_at, paid_at)"
            + " VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$17,$18) RETURNING *),"
            + paymentOutcome("$19") + " SELECT count(*) FROM changed")
        .execute(Tuple.from(new Object[] {p.id(), p.entryId(), p.siteId(), p.queueId(), p.ticket(), p.station(),
            p.method(), p.processor(), p.readerId(), p.amountMinor(), p.currency(), p.state().wire(),
            p.capturedMinor(), p.cardBrand(), p.receiptToken(), p.createdBy(), odt(p.createdAt()), odt(p.paidAt()),
            publishOutcomes}))
        .map(true)
        .recover(err -> isUniqueViolation(err) ? Future.succeededFuture(false) : Future.failedFuture(err));
  }

  public Future<PaymentRow> payment(SqlClient c, UUID id) {
    return c.preparedQuery("SELECT " + COLUMNS + " FROM payment WHERE id = $1").execute(Tuple.of(id))
        .map(rows -> first(rows, PaymentStore::row));
  }

  public Future<PaymentRow> lockPayment(SqlClient c, UUID id) {
    return c.preparedQuery("SELECT " + COLUMNS + " FROM payment WHERE id = $1 FOR UPDATE").execute(Tuple.of(id))
        .map(rows -> first(rows, PaymentStore::row));
  }

  public Future<PaymentRow> livePayment(SqlClient c, UUID entryId) {
    return c.preparedQuery("SELECT " + COLUMNS + " FROM payment WHERE entry_id = $1"
            + " AND state NOT IN ('canceled', 'failed')")
        .execute(Tuple.of(entryId)).map(rows -> first(rows, PaymentStore::row));
  }

  public Future<PaymentRow> byIntent(SqlClient c, String intentRef) {
    return c.preparedQuery("SELECT " + COLUMNS + " FROM payment WHERE intent_ref = $1").execute(Tuple.of(intentRef))
        .map(rows -> first(rows, PaymentStore::row));
  }

  public Future<PaymentRow> byReceiptToken(SqlClient c, String token) {
    return c.preparedQuery("SELECT " + COLUMNS + " FROM payment WHERE receipt_token = $1").execute(Tuple.of(token))
        .map(rows -> first(rows, PaymentStore::row));
  }

  public Future<List<PaymentRow>> ofEntries(SqlClient c, List<UUID> entryIds) {
    return c.preparedQuery("SELECT " + COLUMNS + " FROM payment WHERE entry_id = ANY($1) ORDER BY created_at")
        .execute(Tuple.of(entryIds.toArray(new UUID[0]))).map(rows -> map(rows, PaymentStore::row));
  }

  /** Payments of a site created, paid or refunded in [from, to). */
  public Future<List<PaymentRow>> ofSite(SqlClient c, String siteId, Instant from, Instant to) {
    return c.preparedQuery("SELECT " + COLUMNS + " FROM payment p WHERE site_id = $1 AND ((created_at >= $2"
            + " AND created_at < $3) OR (paid_at >= $2 AND paid_at < $3) OR EXISTS (SELECT 1 FROM payment_refund r"
            + " WHERE r.payment_id = p.id AND r.updated_at >= $2 AND r.updated_at < $3)) ORDER BY created_at")
        .execute(Tuple.of(siteId, odt(from), odt(to))).map(rows -> map(rows, PaymentStore::row));
  }

  /** Payments waiting for the processor: unknown for longer than {@code before}, or on a reader or authorized. */
  public Future<List<PaymentRow>> unresolved(SqlClient c, Instant before, int limit) {
    return c.preparedQuery("SELECT " + COLUMNS + " FROM payment WHERE (state = 'unknown' AND updated_at < $1)"
            + " OR state IN ('processing', 'authorized') ORDER BY updated_at LIMIT $2")
        .execute(Tuple.of(odt(before), limit)).map(rows -> map(rows, PaymentStore::row));
  }

  /**
   * Marks the payment unknown and stores the call with its idempotency key, in one statement pair run in the
   * caller's transaction, before the processor is called. Only from one of {@code from}: false when another caller
   * got there first.
   */
  public Future<Boolean> beginCall(SqlClient c, UUID paymentId, List<PaymentState> from, String op, String key,
      boolean newAttempt, String readerId, Instant now) {
    String[] states = from.stream().map(PaymentState::wire).toArray(String[]::new);
    return c.preparedQuery("UPDATE payment SET state = 'unknown', pending_op = $3, failure = NULL,"
            + " attempts = attempts + $5, reader_id = COALESCE($6, reader_id), updated_at = $4"
            + " WHERE id = $1 AND state = ANY($2)")
        .execute(Tuple.of(paymentId, states, op, odt(now), newAttempt ? 1 : 0, readerId))
        .compose(r -> r.rowCount() == 0 ? Future.succeededFuture(false)
            : insertCall(c, paymentId, op, key, now).map(true));
  }

  /** Stores a call with its idempotency key before it is made; the same key twice is stored once. */
  public Future<Void> insertCall(SqlClient c, UUID paymentId, String op, String key, Instant now) {
    return c.preparedQuery("INSERT INTO payment_call (payment_id, op, idempotency_key, started_at)"
            + " VALUES ($1, $2, $3, $4) ON CONFLICT (idempotency_key) DO NOTHING")
        .execute(Tuple.of(paymentId, op, key, odt(now))).mapEmpty();
  }

  public Future<Void> finishCall(SqlClient c, String key, String outcome, String detail, Instant now) {
    return c.preparedQuery("UPDATE payment_call SET finished_at = $2, outcome = $3, detail = $4"
            + " WHERE idempotency_key = $1")
        .execute(Tuple.of(key, odt(now), outcome, detail)).mapEmpty();
  }

  /** The idempotency key of the payment's last call of {@code op}, or null. */
  public Future<String> lastCallKey(SqlClient c, UUID paymentId, String op) {
    return c.preparedQuery("SELECT idempotency_key FROM payment_call WHERE payment_id = $1 AND op = $2"
            + " ORDER BY id DESC LIMIT 1")
        .execute(Tuple.of(paymentId, op)).map(rows -> first(rows, r -> r.getString(0)));
  }

  public Future<Integer> callCount(SqlClient c, UUID paymentId) {
    return c.preparedQuery("SELECT count(*) FROM payment_call WHERE payment_id = $1").execute(Tuple.of(paymentId))
        .map(rows -> rows.iterator().next().getInteger(0));
  }

  /** What the processor said about the payment; the card's brand and last 4 are kept once known. */
  public record Update(PaymentState state, String intentRef, String chargeRef, long capturedMinor, String cardBrand,
      String cardLast4, String failure) {}

  /**
   * Applies an update when it moves the payment forward: only from {@code unknown} or a state of lower rank, so a
   * late or replayed report never takes a payment back. True when applied.
   */
  public Future<Boolean> advance(SqlClient c, UUID id, Update u, Instant now) {
    List<String> lower = new ArrayList<>();
    lower.add(PaymentState.UNKNOWN.wire());
    for (PaymentState s : PaymentState.values()) {
      if (s.rank() >= 0 && s.rank() < u.state().rank()) lower.add(s.wire());
    }
    if (u.state() == PaymentState.DECLINED) lower.add(PaymentState.PROCESSING.wire());
    return c.preparedQuery("WITH changed AS (UPDATE payment SET state = $2, pending_op = NULL,"
            + " intent_ref = COALESCE($3, intent_ref), charge_ref = COALESCE($4, charge_ref),"
            + " captured_minor = GREATEST(captured_minor, $5), card_brand = COALESCE($6, card_brand),"
            + " card_last4 = COALESCE($7, card_last4), failure = $8, updated_at = $9,"
            + " paid_at = CASE WHEN $2 = 'succeeded' THEN COALESCE(paid_at, $9) ELSE paid_at END"
            + " WHERE id = $1 AND state = ANY($10) RETURNING *)," + paymentOutcome("$11")
            + " SELECT count(*) FROM changed")
        .execute(Tuple.from(new Object[] {id, u.state().wire(), u.intentRef(), u.chargeRef(), u.capturedMinor(),
            u.cardBrand(), u.cardLast4(), u.failure(), odt(now), lower.toArray(new String[0]), publishOutcomes}))
        .map(rows -> rows.iterator().next().getLong(0) == 1);
  }

  /** Puts an unknown payment back to the state it had before a call that is now known not to have happened. */
  public Future<Void> revert(SqlClient c, UUID id, PaymentState to, String failure, Instant now) {
    return c.preparedQuery("UPDATE payment SET state = $2, pending_op = NULL, failure = $3, updated_at = $4"
            + " WHERE id = $1 AND state = 'unknown'")
        .execute(Tuple.of(id, to.wire(), failure, odt(now))).mapEmpty();
  }

  // --- refunds

  /** Inserts a refund and reserves its amount on the locked payment, in the caller's transaction. */
  public Future<Void> insertRefund(SqlClient c, RefundRow r) {
    return c.preparedQuery("UPDATE payment SET reserved_minor = reserved_minor + $2, updated_at = $3 WHERE id = $1")
        .execute(Tuple.of(r.paymentId(), r.amountMinor(), odt(r.createdAt())))
        .compose(v -> c.preparedQuery("INSERT INTO payment_refund (" + REFUND_COLUMNS + ")"
                + " VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$9)")
            .execute(Tuple.from(new Object[] {r.id(), r.paymentId(), r.amountMinor(), r.reason(), r.state(),
                r.refundRef(), r.failure(), r.createdBy(), odt(r.createdAt())})))
        .mapEmpty();
  }

  /**
   * Settles a pending or unknown refund: succeeded moves its amount from reserved to refunded, failed releases it,
   * unknown keeps it reserved. False when the refund was already settled.
   */
  public Future<Boolean> settleRefund(SqlClient c, UUID refundId, String state, String refundRef, String failure,
      Instant now) {
    // a refund that succeeded or failed is an outcome: ids and amount (not the reason staff typed)
    return c.preparedQuery("WITH changed AS (UPDATE payment_refund r SET state = $2,"
            + " refund_ref = COALESCE($3, refund_ref), failure = $4, updated_at = $5"
            + " WHERE id = $1 AND state IN ('pending', 'unknown') RETURNING r.*),"
            + " outcome AS (INSERT INTO payment_outcome (record_key, type, data, at) SELECT p.entry_id::text,"
            + " 'io.waitline.payment.refund', jsonb_build_object('refundId', changed.id, 'paymentId', p.id,"
            + " 'entryId', p.entry_id, 'siteId', p.site_id, 'outcome', changed.state, 'amountMinor',"
            + " changed.amount_minor, 'currency', p.currency), changed.updated_at"
            + " FROM changed JOIN payment p ON p.id = changed.payment_id"
            + " WHERE $6 AND changed.state IN ('succeeded', 'failed'))"
            + " SELECT payment_id, amount_minor FROM changed")
        .execute(Tuple.from(new Object[] {refundId, state, refundRef, failure, odt(now), publishOutcomes}))
        .compose(rows -> {
          if (rows.size() == 0) return Future.succeededFuture(false);
          if (state.equals("unknown")) return Future.succeededFuture(true);
          Row r = rows.iterator().next();
          String sql = state.equals("succeeded")
              ? "UPDATE payment SET reserved_minor = reserved_minor - $2, refunded_minor = refunded_minor + $2,"
                  + " updated_at = $3 WHERE id = $1"
              : "UPDATE payment SET reserved_minor = reserved_minor - $2, updated_at = $3 WHERE id = $1";
          return c.preparedQuery(sql).execute(Tuple.of(r.getUUID(0), r.getLong(1), odt(now))).map(true);
        });
  }

  public Future<RefundRow> refund(SqlClient c, UUID id) {
    return c.preparedQuery("SELECT " + REFUND_COLUMNS + " FROM payment_refund WHERE id = $1").execute(Tuple.of(id))
        .map(rows -> first(rows, PaymentStore::refundRow));
  }

  public Future<RefundRow> refundByRef(SqlClient c, String ref) {
    return c.preparedQuery("SELECT " + REFUND_COLUMNS + " FROM payment_refund WHERE refund_ref = $1")
        .execute(Tuple.of(ref)).map(rows -> first(rows, PaymentStore::refundRow));
  }

  public Future<List<RefundRow>> refundsOf(SqlClient c, List<UUID> paymentIds) {
    return c.preparedQuery("SELECT " + REFUND_COLUMNS + " FROM payment_refund WHERE payment_id = ANY($1)"
            + " ORDER BY created_at")
        .execute(Tuple.of(paymentIds.toArray(new UUID[0]))).map(rows -> map(rows, PaymentStore::refundRow));
  }

  /** Refunds still waiting for the processor's word, older than {@code before}. */
  public Future<List<RefundRow>> unresolvedRefunds(SqlClient c, Instant before, int limit) {
    return c.preparedQuery("SELECT " + REFUND_COLUMNS + " FROM payment_refund WHERE state IN ('pending', 'unknown')"
            + " AND updated_at < $1 ORDER BY updated_at LIMIT $2")
        .execute(Tuple.of(odt(before), limit)).map(rows -> map(rows, PaymentStore::refundRow));
  }

  /** Of the processor references given, those that belong to payments or refunds of other sites. */
  /** Which of the processor references {@code refs} (charges, refunds) belong to payments of other sites. */
  public Future<Set<String>> refsOfOtherSites(SqlClient c, String siteId, List<String> refs) {
    return refsOf(c, siteId, refs, "<>");
  }

  /** Which of the processor references {@code refs} belong to this site's payments and refunds, of any day. */
  public Future<Set<String>> refsOfSite(SqlClient c, String siteId, List<String> refs) {
    return refsOf(c, siteId, refs, "=");
  }

  private Future<Set<String>> refsOf(SqlClient c, String siteId, List<String> refs, String siteIs) {
    return c.preparedQuery("SELECT charge_ref FROM payment WHERE site_id " + siteIs + " $1 AND charge_ref = ANY($2)"
            + " UNION SELECT r.refund_ref FROM payment_refund r JOIN payment p ON p.id = r.payment_id"
            + " WHERE p.site_id " + siteIs + " $1 AND r.refund_ref = ANY($2)")
        .execute(Tuple.of(siteId, (Object) refs.toArray(new String[0])))
        .map(rows -> {
          Set<String> out = new HashSet<>();
          rows.forEach(r -> out.add(r.getString(0)));
          return out;
        });
  }

  // --- webhooks

  /** Records a processor event id; false when it was seen before (and so is not applied again). */
  public Future<Boolean> recordEvent(SqlClient c, String eventId, String type, String objectRef, boolean applied,
      Instant now) {
    return c.preparedQuery("INSERT INTO payment_webhook_event (event_id, type, object_ref, applied, received_at)"
            + " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (event_id) DO NOTHING")
        .execute(Tuple.of(eventId, type, objectRef, applied, odt(now))).map(r -> r.rowCount() == 1);
  }

  // --- rows

  private static PaymentRow row(Row r) {
    return new PaymentRow(r.getUUID("id"), r.getUUID("entry_id"), r.getString("site_id"), r.getString("queue_id"),
        r.getString("ticket"), r.getString("station"), r.getString("method"), r.getString("processor"),
        r.getString("reader_id"), r.getLong("amount_minor"), r.getString("currency"),
        PaymentState.fromWire(r.getString("state")), r.getString("pending_op"), r.getString("intent_ref"),
        r.getString("charge_ref"), r.getInteger("attempts"), r.getLong("captured_minor"),
        r.getLong("refunded_minor"), r.getLong("reserved_minor"), r.getString("card_brand"),
        r.getString("card_last4"), r.getString("failure"), r.getString("receipt_token"), r.getString("created_by"),
        instant(r.getOffsetDateTime("created_at")), instant(r.getOffsetDateTime("updated_at")),
        instant(r.getOffsetDateTime("paid_at")));
  }

  private static RefundRow refundRow(Row r) {
    return new RefundRow(r.getUUID("id"), r.getUUID("payment_id"), r.getLong("amount_minor"), r.getString("reason"),
        r.getString("state"), r.getString("refund_ref"), r.getString("failure"), r.getString("created_by"),
        instant(r.getOffsetDateTime("created_at")), instant(r.getOffsetDateTime("updated_at")));
  }

  public static boolean isUniqueViolation(Throwable err) {
    return err instanceof PgException pg && "23505".equals(pg.getSqlState());
  }

  /**
   * Inserts or replaces the one row of a key in a settings table: the parameters are the key, then {@code columns}'
   * values in order, then the time, which goes to {@code updated_at}.
   */
  private static String save(String table, String key, String... columns) {
    StringBuilder names = new StringBuilder(key);
    StringBuilder values = new StringBuilder("$1");
    StringBuilder updates = new StringBuilder();
    for (int i = 0; i < columns.length; i++) {
      names.append(", ").append(columns[i]);
      values.append(", $").append(i + 2);
      updates.append(columns[i]).append(" = $").append(i + 2).append(", ");
    }
    int at = columns.length + 2;
    return "INSERT INTO " + table + " (" + names + ", updated_at) VALUES (" + values + ", $" + at + ")"
        + " ON CONFLICT (" + key + ") DO UPDATE SET " + updates + "updated_at = $" + at;
  }
}

package io.waitline.queue.store;

import static io.waitline.queue.sql.Rows.instant;
import static io.waitline.queue.sql.Rows.map;
import static io.waitline.queue.sql.Rows.odt;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import io.waitline.queue.Entry;
import io.waitline.queue.HistoryStep;
import io.waitline.queue.LinkedEntry;
import io.waitline.queue.OrderingRule;
import io.waitline.queue.Patient;
import io.waitline.queue.Priority;
import io.waitline.queue.QueueDay;
import io.waitline.queue.QueueException;
import io.waitline.queue.Rota;
import io.waitline.queue.ServiceQueue;
import io.waitline.queue.Site;
import io.waitline.queue.Status;
import io.waitline.queue.TransferPolicy;
import io.waitline.queue.event.EventPayloadCodec;
import io.waitline.queue.event.EventType;
import io.waitline.queue.event.LogCursor;
import io.waitline.queue.event.LoggedEvent;
import io.waitline.queue.event.QueueEvent;
import io.waitline.queue.event.QueueEventPublisher.Notice;
import io.waitline.queue.read.DayVisit;
import io.waitline.queue.read.VisitContact;
import io.waitline.queue.read.WaitingEntry;
import io.waitline.queue.sql.Pipelined;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/** The SQL of the queue domain. Every method runs on the client it is given, so callers choose the transaction. */
public final class QueueStore {
  private static final String ENTRY_COLUMNS = "e.id, e.queue_id, e.ticket, e.patient_name, e.patient_birth_date,"
      + " e.patient_mrn, e.patient_phone, e.patient_email, e.priority, e.appointment_at, e.appointment_ref,"
      + " e.place_at, e.status, e.status_since, e.called_to, e.running_late, e.transferred_from";
  private static final String QUEUE_COLUMNS = "q.id, q.site_id, q.name, q.ticket_prefix, q.grace_minutes,"
      + " q.max_wait_minutes, q.transfer_policy, q.default_service_seconds, q.paused, q.staff_on_duty, q.version";
  /** The site of a queue, joined as {@code s}; read with {@link #siteOfQueue(Row)}. */
  private static final String SITE_OF_QUEUE_COLUMNS = "s.name AS site_name, s.time_zone, s.language, s.display_mode";
  /** A queue's rota, read in the statement that reads (or locks) the queue: it costs no round trip of its own. */
  private static final String ROTA_OF_QUEUE = "(SELECT coalesce(json_agg(json_build_object('day', r.weekday,"
      + " 'desk', r.desk, 'from', r.starts, 'to', r.ends)), '[]'::json) FROM queue_rota_shift r"
      + " WHERE r.queue_id = q.id) AS rota";
  private static final String QUEUE_AT_SITE = "SELECT " + QUEUE_COLUMNS + ", " + SITE_OF_QUEUE_COLUMNS + ", "
      + ROTA_OF_QUEUE + " FROM service_queue q JOIN site s ON s.id = q.site_id";
  private static final String EVENT_SELECT = "SELECT ev.id, ev.queue_id, q.site_id, ev.seq, ev.type, ev.payload, ev.at"
      + " FROM queue_event ev JOIN service_queue q ON q.id = ev.queue_id";
  private static final String EVENT_SELECT_WITH_XACT = "SELECT ev.id, ev.xact::text::bigint AS xact, ev.queue_id,"
      + " q.site_id, ev.seq, ev.type, ev.payload, ev.at FROM queue_event ev JOIN service_queue q ON q.id = ev.queue_id";
  /** Statuses shown on a live queue: not yet ended, and no-shows so the desk can requeue them today. */
  /** How many of a queue's latest called, in-service or no-show entries a command's lineup reads. */
  static final int RECENT_AT_DESKS = 50;
  private static final String ACTIVE = "('expected','waiting','called','in_service','no_show')";

  // --- sites

  public Future<Site> insertSite(SqlClient c, Site s) {
    return c.preparedQuery("INSERT INTO site (id, name, time_zone, language, display_mode) VALUES ($1,$2,$3,$4,$5)")
        .execute(Tuple.of(s.id(), s.name(), s.zone().getId(), s.language(), s.displayMode()))
        .map(s);
  }

  public Future<Site> site(SqlClient c, String id) {
    return c.preparedQuery("SELECT id, name, time_zone, language, display_mode FROM site WHERE id = $1")
        .execute(Tuple.of(id))
        .map(rows -> one(rows, "No site with id '" + id + "'."))
        .map(QueueStore::site);
  }

  public Future<List<Site>> sites(SqlClient c) {
    return c.query("SELECT id, name, time_zone, language, display_mode FROM site ORDER BY id").execute()
        .map(rows -> map(rows, QueueStore::site));
  }

  private static Site site(Row r) {
    return new Site(r.getString("id"), r.getString("name"), ZoneId.of(r.getString("time_zone")),
        r.getString("language"), r.getString("display_mode"));
  }

  // --- queues

  public Future<ServiceQueue> insertQueue(SqlClient c, ServiceQueue q) {
    return c.preparedQuery("INSERT INTO service_queue (id, site_id, name, ticket_prefix, grace_minutes,"
            + " max_wait_minutes, transfer_policy, default_service_seconds, paused, staff_on_duty, version)"
            + " VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)")
        .execute(Tuple.from(new Object[] {q.id(), q.siteId(), q.name(), q.ticketPrefix(),
            (int) q.rule().appointmentGrace().toMinutes(), (int) q.rule().maxWait().toMinutes(),
            q.rule().transferPolicy().wire(), q.defaultServiceSeconds(), q.paused(), q.staffOnDuty(), q.version()}))
        .map(q);
  }

  public Future<ServiceQueue> queue(SqlClient c, String id) {
    return c.preparedQuery("SELECT " + QUEUE_COLUMNS + " FROM service_queue q WHERE q.id = $1")
        .execute(Tuple.of(id))
        .map(rows -> queue(one(rows, "No queue with id '" + id + "'.")));
  }

  /** A queue read together with its site. */
  public Future<QueueAtSite> queueAtSite(SqlClient c, String id) {
    return c.preparedQuery(QUEUE_AT_SITE + " WHERE q.id = $1").execute(Tuple.of(id))
        .map(rows -> queueAtSite(one(rows, "No queue with id '" + id + "'.")));
  }

  /**
   * Locks the queue row and reads its site: every command on one queue runs one at a time, so seq and "call next"
   * stay exact.
   */
  public Future<QueueAtSite> lockQueueAtSite(SqlClient c, String id) {
    return c.preparedQuery(QUEUE_AT_SITE + " WHERE q.id = $1 FOR UPDATE OF q").execute(Tuple.of(id))
        .map(rows -> queueAtSite(one(rows, "No queue with id '" + id + "'.")));
  }

  /**
   * Locks several queue rows in id order (see {@link #lockQueueAtSite}): work that changes several queues in one
   * transaction takes them all first, in one order, so two such transactions never wait on each other.
   */
  public Future<Void> lockQueues(SqlClient c, Collection<String> ids) {
    return c.preparedQuery("SELECT id FROM service_queue WHERE id = ANY($1) ORDER BY id FOR UPDATE")
        .execute(Tuple.of(ids.toArray(String[]::new))).mapEmpty();
  }

  /** Locks the queue of an entry (see {@link #lockQueueAtSite}); an entry never changes queue. */
  public Future<QueueAtSite> lockQueueOfEntry(SqlClient c, UUID entryId) {
    return c.preparedQuery(QUEUE_AT_SITE + " WHERE q.id = (SELECT queue_id FROM entry WHERE id = $1) FOR UPDATE OF q")
        .execute(Tuple.of(entryId))
        .map(rows -> queueAtSite(one(rows, "No entry with id '" + entryId + "'.")));
  }

  /** A queue, the site it belongs to and its rota. */
  public record QueueAtSite(ServiceQueue queue, Site site, Rota rota) {}

  private static QueueAtSite queueAtSite(Row r) {
    return new QueueAtSite(queue(r), siteOfQueue(r), rota(r));
  }

  private static Rota rota(Row r) {
    return new Rota(((JsonArray) r.getValue("rota")).stream().map(o -> (JsonObject) o)
        .map(s -> new Rota.Shift(DayOfWeek.of(s.getInteger("day")), s.getString("desk"),
            LocalTime.parse(s.getString("from")), LocalTime.parse(s.getString("to"))))
        .toList());
  }

  private static Site siteOfQueue(Row r) {
    return new Site(r.getString("site_id"), r.getString("site_name"), ZoneId.of(r.getString("time_zone")),
        r.getString("language"), r.getString("display_mode"));
  }

  public Future<List<ServiceQueue>> queuesOfSite(SqlClient c, String siteId) {
    return c.preparedQuery("SELECT " + QUEUE_COLUMNS + " FROM service_queue q WHERE q.site_id = $1 ORDER BY q.id")
        .execute(Tuple.of(siteId))
        .map(rows -> map(rows, QueueStore::queue));
  }

  public Future<Void> updateQueueSettings(SqlClient c, String id, boolean paused, int staffOnDuty) {
    return c.preparedQuery("UPDATE service_queue SET paused = $2, staff_on_duty = $3 WHERE id = $1")
        .execute(Tuple.of(id, paused, staffOnDuty)).mapEmpty();
  }

  private static ServiceQueue queue(Row r) {
    return queue(r, r.getString("id"));
  }

  private static ServiceQueue queue(Row r, String id) {
    OrderingRule rule = new OrderingRule(Duration.ofMinutes(r.getInteger("grace_minutes")),
        Duration.ofMinutes(r.getInteger("max_wait_minutes")),
        TransferPolicy.fromWire(r.getString("transfer_policy")));
    return new ServiceQueue(id, r.getString("site_id"), r.getString("name"),
        r.getString("ticket_prefix"), rule, r.getInteger("default_service_seconds"), r.getBoolean("paused"),
        r.getInteger("staff_on_duty"), r.getLong("version"));
  }

  // --- rota

  /** Replaces a queue's planned week; run under the queue's lock. */
  public Future<Void> replaceRota(SqlClient c, String queueId, Rota rota) {
    List<Rota.Shift> shifts = rota.shifts();
    return c.preparedQuery("DELETE FROM queue_rota_shift WHERE queue_id = $1").execute(Tuple.of(queueId))
        .compose(v -> c.preparedQuery("INSERT INTO queue_rota_shift (queue_id, weekday, desk, starts, ends) "
                + "SELECT $1, * FROM unnest($2::smallint[], $3::text[], $4::time[], $5::time[])")
            .execute(Tuple.of(queueId,
                shifts.stream().map(s -> (short) s.day().getValue()).toArray(Short[]::new),
                shifts.stream().map(Rota.Shift::desk).toArray(String[]::new),
                shifts.stream().map(Rota.Shift::from).toArray(LocalTime[]::new),
                shifts.stream().map(Rota.Shift::to).toArray(LocalTime[]::new))))
        .mapEmpty();
  }

  // --- tickets

  /**
   * Atomically takes the next ticket of a queue for a day: the prefix and the day's number, at least 3 digits
   * (R-001, R-002, … R-1000); concurrent callers never share one.
   */
  public Future<String> nextTicket(SqlClient c, String queueId, String prefix, LocalDate day) {
    return c.preparedQuery(nextTicket("$1", "$2", "$3")).execute(Tuple.of(queueId, prefix, day))
        .map(rows -> rows.iterator().next().getString("ticket"));
  }

  /** The statement of {@link #nextTicket}, its queue, prefix and day in the parameters named. */
  private static String nextTicket(String queue, String prefix, String day) {
    return "INSERT INTO ticket_counter (queue_id, day, last) VALUES (" + queue + ", " + day + ", 1)"
        + " ON CONFLICT (queue_id, day) DO UPDATE SET last = ticket_counter.last + 1"
        + " RETURNING " + prefix + "::text || '-' || lpad(last::text, greatest(3, length(last::text)), '0') AS ticket";
  }

  // --- entries

  private static final String INSERT_ENTRY = "INSERT INTO entry (id, queue_id, ticket, ticket_day, patient_name,"
      + " patient_birth_date, patient_mrn, patient_phone, patient_email, priority, appointment_at, appointment_ref,"
      + " place_at, status, status_since, called_to, running_late, transferred_from, visit_token)";
  /**
   * An entry's first transition, from the row the statement's {@code created} inserted: a transition is only ever
   * written with the entry row it belongs to (the table keeps no foreign key to check that per row: V12).
   */
  private static final String FIRST_TRANSITION = "INSERT INTO entry_transition (entry_id, from_status, to_status,"
      + " from_called_to, to_called_to, at, actor, reason) SELECT id, NULL, $14, NULL, $16, $20, $21, $22 FROM created";

  /** Inserts an entry with its patient link's token and records its creation as its first transition. */
  public Future<Void> insertEntryWithTransition(SqlClient c, Entry e, LocalDate day, String visitToken, Instant at,
      String actor, String reason) {
    return c.preparedQuery("WITH created AS (" + INSERT_ENTRY
            + " VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19) RETURNING id) "
            + FIRST_TRANSITION)
        .execute(creation(e, e.ticket(), day, visitToken, at, actor, reason))
        .mapEmpty();
  }

  /**
   * Takes the next ticket of the entry's queue for {@code day} ({@link #nextTicket}), inserts the entry with it and
   * records its creation, in one statement; answers the ticket. The entry's own ticket is not read.
   */
  public Future<String> insertEntryWithTicket(SqlClient c, Entry e, String prefix, LocalDate day, String visitToken,
      Instant at, String actor, String reason) {
    return c.preparedQuery("WITH ticket AS (" + nextTicket("$2", "$3", "$4") + "), created AS (" + INSERT_ENTRY
            + " SELECT $1, $2, ticket, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19"
            + " FROM ticket RETURNING id), recorded AS (" + FIRST_TRANSITION + ") SELECT ticket FROM ticket")
        .execute(creation(e, prefix, day, visitToken, at, actor, reason))
        .map(rows -> rows.iterator().next().getString("ticket"));
  }

  /** The parameters of an entry's creation; the third is its ticket, or the prefix its ticket is made with. */
  private static Tuple creation(Entry e, String ticketOrPrefix, LocalDate day, String visitToken, Instant at,
      String actor, String reason) {
    Patient p = e.patient();
    return Tuple.from(new Object[] {e.id(), e.queueId(), ticketOrPrefix, day, p.name(), p.birthDate(), p.mrn(),
        p.phone(), p.email(), e.priority().wire(), odt(e.appointmentAt()), e.appointmentRef(), odt(e.placeAt()),
        e.status().wire(), odt(e.statusSince()), e.calledTo(), e.runningLate(), e.transferredFrom(), visitToken,
        odt(at), actor, reason});
  }

  /**
   * Inserts new entries of one kind of creation ({@code reason}) with their patient links' tokens and first
   * transitions: two statements however many. {@code days}, {@code visitTokens} and {@code actors} go with
   * {@code entries} by index.
   */
  public Future<Void> insertEntriesWithTransitions(SqlClient c, List<Entry> entries, List<LocalDate> days,
      List<String> visitTokens, Instant at, List<String> actors, String reason) {
    int n = entries.size();
    UUID[] ids = new UUID[n];
    String[] queues = new String[n], tickets = new String[n], names = new String[n], mrns = new String[n];
    String[] phones = new String[n], emails = new String[n], priorities = new String[n], refs = new String[n];
    String[] statuses = new String[n], calledTo = new String[n];
    LocalDate[] ticketDays = new LocalDate[n], births = new LocalDate[n];
    OffsetDateTime[] appointments = new OffsetDateTime[n], places = new OffsetDateTime[n];
    OffsetDateTime[] since = new OffsetDateTime[n];
    Boolean[] late = new Boolean[n];
    UUID[] transferredFrom = new UUID[n];
    for (int i = 0; i < n; i++) {
      Entry e = entries.get(i);
      Patient p = e.patient();
      ids[i] = e.id();
      queues[i] = e.queueId();
      tickets[i] = e.ticket();
      ticketDays[i] = days.get(i);
      names[i] = p.name();
      births[i] = p.birthDate();
      mrns[i] = p.mrn();
      phones[i] = p.phone();
      emails[i] = p.email();
      priorities[i] = e.priority().wire();
      appointments[i] = odt(e.appointmentAt());
      refs[i] = e.appointmentRef();
      places[i] = odt(e.placeAt());
      statuses[i] = e.status().wire();
      since[i] = odt(e.statusSince());
      calledTo[i] = e.calledTo();
      late[i] = e.runningLate();
      transferredFrom[i] = e.transferredFrom();
    }
    Future<RowSet<Row>> inserted = c.preparedQuery("INSERT INTO entry (id, queue_id, ticket, ticket_day,"
            + " patient_name, patient_birth_date, patient_mrn, patient_phone, patient_email, priority, appointment_at,"
            + " appointment_ref, place_at, status, status_since, called_to, running_late, transferred_from, visit_token)"
            + " SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::date[], $5::text[], $6::date[],"
            + " $7::text[], $8::text[], $9::text[], $10::text[], $11::timestamptz[], $12::text[], $13::timestamptz[],"
            + " $14::text[], $15::timestamptz[], $16::text[], $17::boolean[], $18::uuid[], $19::text[])")
        .execute(Tuple.from(new Object[] {ids, queues, tickets, ticketDays, names, births, mrns, phones, emails,
            priorities, appointments, refs, places, statuses, since, calledTo, late, transferredFrom,
            visitTokens.toArray(String[]::new)}));
    // the transitions go out right behind the entries (PostgreSQL runs them in that order): one round trip
    Future<RowSet<Row>> recorded = c.preparedQuery("INSERT INTO entry_transition (entry_id, from_status, to_status,"
            + " from_called_to, to_called_to, at, actor, reason) SELECT e, NULL, s, NULL, t, $4, a, $5"
            + " FROM unnest($1::uuid[], $2::text[], $3::text[], $6::text[]) WITH ORDINALITY AS x(e, s, t, a, i)"
            + " ORDER BY i")
        .execute(Tuple.of(ids, statuses, calledTo, odt(at), reason, actors.toArray(String[]::new)));
    return Pipelined.after(List.of(inserted), recorded).mapEmpty();
  }

  /**
   * Writes an entry's mutable fields back ({@link #updateEntry}) and records the transition from {@code before}: the
   * transition is written from the row the update changed, so an entry that is not there fails with nothing written.
   */
  public Future<Void> updateEntryWithTransition(SqlClient c, Entry before, Entry after, Instant at, String actor,
      String reason) {
    return c.preparedQuery("WITH changed AS (UPDATE entry SET ticket = $2, priority = $3, place_at = $4,"
            + " status = $5, status_since = $6, called_to = $7, running_late = $8 WHERE id = $1 RETURNING id)"
            + " INSERT INTO entry_transition (entry_id, from_status, to_status, from_called_to, to_called_to, at,"
            + " actor, reason) SELECT id, $9, $5, $10, $7, $11, $12, $13 FROM changed")
        .execute(Tuple.from(new Object[] {after.id(), after.ticket(), after.priority().wire(), odt(after.placeAt()),
            after.status().wire(), odt(after.statusSince()), after.calledTo(), after.runningLate(),
            before.status().wire(), before.calledTo(), odt(at), actor, reason}))
        .compose(rows -> rows.rowCount() == 1 ? Future.<Void>succeededFuture()
            : Future.failedFuture(new IllegalStateException("No entry with id '" + after.id() + "' to change.")));
  }

  /** Moves an entry's visit (ticket and patient link) to another local day, e.g. an arrival on another day. */
  public Future<Void> updateTicketDay(SqlClient c, UUID id, LocalDate day) {
    return c.preparedQuery("UPDATE entry SET ticket_day = $2 WHERE id = $1").execute(Tuple.of(id, day)).mapEmpty();
  }

  /** Writes an entry's mutable fields back. */
  public Future<Void> updateEntry(SqlClient c, Entry e) {
    return c.preparedQuery("UPDATE entry SET ticket = $2, priority = $3, place_at = $4, status = $5,"
            + " status_since = $6, called_to = $7, running_late = $8 WHERE id = $1")
        .execute(Tuple.from(new Object[] {e.id(), e.ticket(), e.priority().wire(), odt(e.placeAt()),
            e.status().wire(), odt(e.statusSince()), e.calledTo(), e.runningLate()}))
        .mapEmpty();
  }

  /** Writes an expected entry's appointment back: its time (also its place), patient and day. */
  public Future<Void> updateAppointment(SqlClient c, Entry e, LocalDate day) {
    Patient p = e.patient();
    return c.preparedQuery("UPDATE entry SET appointment_at = $2, place_at = $2, ticket_day = $3, patient_name = $4,"
            + " patient_birth_date = $5, patient_mrn = $6, patient_phone = $7, patient_email = $8 WHERE id = $1")
        .execute(Tuple.from(new Object[] {e.id(), odt(e.appointmentAt()), day, p.name(), p.birthDate(), p.mrn(),
            p.phone(), p.email()}))
        .mapEmpty();
  }

  public Future<Void> markServiceStarted(SqlClient c, UUID id, Instant at) {
    return c.preparedQuery("UPDATE entry SET service_started_at = $2 WHERE id = $1")
        .execute(Tuple.of(id, odt(at))).mapEmpty();
  }

  /** Records the service time of a completed entry, the input of wait estimates. */
  public Future<Void> markServiceCompleted(SqlClient c, UUID id, Instant at) {
    return c.preparedQuery("UPDATE entry SET service_seconds ="
            + " GREATEST(1, EXTRACT(EPOCH FROM ($2::timestamptz - service_started_at))::int) WHERE id = $1"
            + " AND service_started_at IS NOT NULL")
        .execute(Tuple.of(id, odt(at))).mapEmpty();
  }

  public Future<Entry> entry(SqlClient c, UUID id) {
    return c.preparedQuery("SELECT " + ENTRY_COLUMNS + " FROM entry e WHERE e.id = $1")
        .execute(Tuple.of(id))
        .map(rows -> entry(one(rows, "No entry with id '" + id + "'.")));
  }

  /** An entry and the local day it is on (its ticket's, or for an appointment not yet arrived, its appointment's). */
  public record DatedEntry(Entry entry, LocalDate day) {}

  public Future<DatedEntry> datedEntry(SqlClient c, UUID id) {
    return entryWith(c, id, "e.ticket_day", r -> new DatedEntry(entry(r), r.getLocalDate("ticket_day")));
  }

  /** An entry and its patient link's token. */
  public Future<LinkedEntry> linkedEntry(SqlClient c, UUID id) {
    return entryWith(c, id, "e.visit_token", r -> new LinkedEntry(entry(r), r.getString("visit_token")));
  }

  /** The entry {@code id} with one more of its columns, as {@code read} makes of its row; fails when there is none. */
  private <T> Future<T> entryWith(SqlClient c, UUID id, String column, Function<Row, T> read) {
    return c.preparedQuery("SELECT " + ENTRY_COLUMNS + ", " + column + " FROM entry e WHERE e.id = $1")
        .execute(Tuple.of(id))
        .map(rows -> read.apply(one(rows, "No entry with id '" + id + "'.")));
  }

  /** Every queue's id, in order. */
  public Future<List<String>> queueIds(SqlClient c) {
    return c.query("SELECT id FROM service_queue ORDER BY id").execute().map(rows -> map(rows, r -> r.getString("id")));
  }

  /** Gives an entry a new patient-link token (the old link stops working). */
  public Future<Void> setVisitToken(SqlClient c, UUID entryId, String token) {
    return c.preparedQuery("UPDATE entry SET visit_token = $2 WHERE id = $1").execute(Tuple.of(entryId, token))
        .mapEmpty();
  }

  /** The queue an entry belongs to, read without locks (an entry never changes queue). */
  public Future<String> queueIdOfEntry(SqlClient c, UUID id) {
    return c.preparedQuery("SELECT queue_id FROM entry WHERE id = $1")
        .execute(Tuple.of(id))
        .map(rows -> one(rows, "No entry with id '" + id + "'.").getString("queue_id"));
  }

  /** The live entries of a queue's local day; yesterday's unfinished visits do not haunt today's line. */
  public Future<List<Entry>> activeEntries(SqlClient c, String queueId, LocalDate day) {
    return c.preparedQuery("SELECT " + ENTRY_COLUMNS + " FROM entry e WHERE e.queue_id = $1 AND e.ticket_day = $2"
            + " AND e.status IN " + ACTIVE + " ORDER BY e.place_at, e.id")
        .execute(Tuple.of(queueId, day))
        .map(rows -> map(rows, QueueStore::entry));
  }

  /**
   * What a command's lineup and its estimates need of a queue's local day: every entry waiting or expected, and the
   * {@value #RECENT_AT_DESKS} latest called, in service or marked no-show (the desks' current patients). Bounded
   * so that desks that call without ever completing do not make every later command read the whole day; each part
   * has its own index.
   */
  public Future<List<Entry>> lineupInputs(SqlClient c, String queueId, LocalDate day) {
    return c.preparedQuery("SELECT " + ENTRY_COLUMNS + " FROM entry e WHERE e.queue_id = $1 AND e.ticket_day = $2"
            + " AND e.status IN ('waiting', 'expected')"
            + " UNION ALL (SELECT " + ENTRY_COLUMNS + " FROM entry e WHERE e.queue_id = $1 AND e.ticket_day = $2"
            + " AND e.status IN ('called', 'in_service', 'no_show') ORDER BY e.status_since DESC LIMIT $3)")
        .execute(Tuple.of(queueId, day, RECENT_AT_DESKS))
        .map(rows -> map(rows, QueueStore::entry));
  }

  /**
   * The entries among {@code entries} (all of one queue's day) that {@link #lineupInputs} reads: the waiting and
   * expected, and the {@value #RECENT_AT_DESKS} latest at the desks, in the order given (unmodifiable; {@code entries}
   * itself when all of them are). For a command that keeps them up to date itself.
   */
  public static List<Entry> lineupInputsAmong(List<Entry> entries) {
    List<Entry> atDesks = new ArrayList<>();
    for (Entry e : entries) if (atDesk(e)) atDesks.add(e);
    // sorted only when some must go, which is after most calls: one more is at a desk
    Set<UUID> pastLatest = Set.of();
    if (atDesks.size() > RECENT_AT_DESKS) {
      atDesks.sort(LATEST_FIRST);
      pastLatest = new HashSet<>();
      for (Entry e : atDesks.subList(RECENT_AT_DESKS, atDesks.size())) pastLatest.add(e.id());
    }
    List<Entry> inputs = new ArrayList<>(entries.size());
    for (Entry e : entries) {
      boolean input = e.status() == Status.WAITING || e.status() == Status.EXPECTED
          || atDesk(e) && !pastLatest.contains(e.id());
      if (input) inputs.add(e);
    }
    return Collections.unmodifiableList(inputs.size() == entries.size() ? entries : inputs);
  }

  private static final Comparator<Entry> LATEST_FIRST = Comparator.comparing(Entry::statusSince).reversed();

  private static boolean atDesk(Entry e) {
    return switch (e.status()) {
      case CALLED, IN_SERVICE, NO_SHOW -> true;
      default -> false;
    };
  }

  /** Entries of a site's local day, for the front desk list; {@code term} matches name, MRN, ticket or birth date. */
  public Future<List<Entry>> entriesOfDay(SqlClient c, String siteId, LocalDate day, String term) {
    String sql = "SELECT " + ENTRY_COLUMNS + " FROM entry e JOIN service_queue q ON q.id = e.queue_id"
        + " WHERE q.site_id = $1 AND e.ticket_day = $2";
    Tuple args = Tuple.of(siteId, day);
    if (term != null && !term.isBlank()) {
      sql += " AND (e.patient_name ILIKE $3 OR e.patient_mrn = $4 OR e.ticket ILIKE $4"
          + " OR e.patient_birth_date::text = $4)";
      args.addString("%" + term.trim().replace("%", "\\%").replace("_", "\\_") + "%").addString(term.trim());
    }
    return c.preparedQuery(sql + " ORDER BY e.place_at, e.id LIMIT 500").execute(args)
        .map(rows -> map(rows, QueueStore::entry));
  }

  /**
   * Expected (not yet arrived) entries of a site's local day for one patient: the name matches ignoring case and
   * spacing, the birth date exactly. Self check-in uses it.
   */
  public Future<List<Entry>> expectedOfDay(SqlClient c, String siteId, LocalDate day, String name,
      LocalDate birthDate) {
    return c.preparedQuery("SELECT " + ENTRY_COLUMNS + " FROM entry e JOIN service_queue q ON q.id = e.queue_id"
            + " WHERE q.site_id = $1 AND e.ticket_day = $2 AND e.status = 'expected' AND e.patient_birth_date = $3"
            + " AND lower(regexp_replace(trim(e.patient_name), '\\s+', ' ', 'g')) = lower($4)"
            + " ORDER BY e.appointment_at, e.id")
        .execute(Tuple.of(siteId, day, birthDate, name.trim().replaceAll("\\s+", " ")))
        .map(rows -> map(rows, QueueStore::entry));
  }

  /** Entry {@code entryId} if it is expected (not yet arrived) at the site on its local {@code day}. */
  public Future<List<Entry>> expectedOfDay(SqlClient c, String siteId, LocalDate day, UUID entryId) {
    return c.preparedQuery("SELECT " + ENTRY_COLUMNS + " FROM entry e JOIN service_queue q ON q.id = e.queue_id"
            + " WHERE q.site_id = $1 AND e.ticket_day = $2 AND e.status = 'expected' AND e.id = $3")
        .execute(Tuple.of(siteId, day, entryId))
        .map(rows -> map(rows, QueueStore::entry));
  }

  /** A visit by its patient link token, with the day it belongs to, its queue and site, in one statement. */
  public Future<VisitAt> visitAt(SqlClient c, String token) {
    return c.preparedQuery("SELECT " + ENTRY_COLUMNS + ", e.ticket_day, " + QUEUE_COLUMNS.replace("q.id,", "")
            + ", " + SITE_OF_QUEUE_COLUMNS + ", " + ROTA_OF_QUEUE
            + " FROM entry e JOIN service_queue q ON q.id = e.queue_id"
            + " JOIN site s ON s.id = q.site_id WHERE e.visit_token = $1")
        .execute(Tuple.of(token))
        .map(rows -> {
          Row r = one(rows, "This link is not valid. Please check the link in your message or ask at the desk.");
          Entry e = entry(r);
          return new VisitAt(e, r.getLocalDate("ticket_day"), queue(r, e.queueId()), siteOfQueue(r), rota(r));
        });
  }

  /** A visit read by its token: the entry, the local day it belongs to, its queue, site and the queue's rota. */
  public record VisitAt(Entry entry, LocalDate day, ServiceQueue queue, Site site, Rota rota) {}

  public Future<String> visitToken(SqlClient c, UUID entryId) {
    return c.preparedQuery("SELECT visit_token FROM entry WHERE id = $1").execute(Tuple.of(entryId))
        .map(rows -> one(rows, "No entry with id '" + entryId + "'.").getString("visit_token"));
  }

  /** A queue's recent past, the history of wait estimates: services (newest first) and patients who left. */
  public record RecentHistory(List<QueueDay.Served> served, List<QueueDay.Left> left) {}

  /**
   * The queue's most recent services (completed, or ended by a transfer out of service), newest first: at most 50 of
   * the last 14 days, each with its desk time when known (the patient's call to the same desk's next call, if that
   * came within 5 minutes of the completion; calls of the last day only) and the patient's check-in; and, in the same
   * statement, the patients who left the line in the last day (at most 30).
   */
  public Future<RecentHistory> recentServices(SqlClient c, String queueId, Instant now) {
    // the calls looked at are bounded by the served patients' own: from an hour before the earliest of their calls
    // (a call comes before its service), so the statement costs those services, not every call of the day
    return c.preparedQuery("WITH served AS (SELECT e.id, e.status, e.service_seconds, e.status_since, e.place_at,"
            + " e.priority, e.appointment_at, e.transferred_from FROM entry e WHERE e.queue_id = $1"
            + " AND e.status IN ('completed', 'transferred') AND e.service_seconds IS NOT NULL AND e.status_since > $2"
            + " ORDER BY e.status_since DESC LIMIT 50),"
            + " calls AS (SELECT t.entry_id, t.at, t.to_called_to AS desk,"
            + " lead(t.at) OVER (PARTITION BY t.to_called_to ORDER BY t.at) AS next_call"
            + " FROM entry ce JOIN entry_transition t ON t.entry_id = ce.id"
            + " WHERE ce.queue_id = $1 AND ce.status_since > $3"
            + " AND ce.status_since >= coalesce((SELECT min(s.status_since - make_interval(secs => s.service_seconds))"
            + " - interval '1 hour' FROM served s), 'infinity')"
            + " AND t.to_status = 'called' AND t.from_status IS DISTINCT FROM 'called')"
            + " (SELECT e.status, e.service_seconds, e.status_since, e.place_at, e.priority, e.appointment_at,"
            + " e.transferred_from,"
            + " (SELECT EXTRACT(EPOCH FROM (k.next_call - k.at))::int FROM calls k WHERE k.entry_id = e.id"
            + " AND k.next_call <= e.status_since + interval '5 minutes' ORDER BY k.at DESC LIMIT 1) AS desk_seconds,"
            + " (SELECT k.desk FROM calls k WHERE k.entry_id = e.id ORDER BY k.at DESC LIMIT 1) AS desk"
            + " FROM served e ORDER BY e.status_since DESC)"
            + " UNION ALL (SELECT e.status, NULL, e.status_since, e.place_at, e.priority, e.appointment_at,"
            + " e.transferred_from, NULL, NULL FROM entry e WHERE e.queue_id = $1 AND e.status = 'left'"
            + " AND e.status_since > $3 ORDER BY e.status_since DESC LIMIT 30)")
        .execute(Tuple.of(queueId, odt(now.minus(Duration.ofDays(14))), odt(now.minus(Duration.ofDays(1)))))
        .map(rows -> {
          List<QueueDay.Served> served = new ArrayList<>();
          List<QueueDay.Left> left = new ArrayList<>();
          for (Row r : rows) {
            Instant at = instant(r.getOffsetDateTime("status_since"));
            Instant place = instant(r.getOffsetDateTime("place_at"));
            Instant appointment = instant(r.getOffsetDateTime("appointment_at"));
            if ("left".equals(r.getString("status"))) {
              left.add(new QueueDay.Left(place, at, appointment == null));
              continue;
            }
            QueueDay.Arrival arrival = r.getUUID("transferred_from") != null ? null
                : new QueueDay.Arrival(place, Priority.fromWire(r.getString("priority")), appointment == null,
                    appointment);
            served.add(new QueueDay.Served(at, r.getInteger("service_seconds"), r.getInteger("desk_seconds"),
                r.getString("desk"), arrival));
          }
          return new RecentHistory(served, left);
        });
  }

  private static Entry entry(Row r) {
    Patient p = new Patient(r.getString("patient_name"), r.getLocalDate("patient_birth_date"),
        r.getString("patient_mrn"), r.getString("patient_phone"), r.getString("patient_email"));
    return new Entry(r.getUUID("id"), r.getString("queue_id"), r.getString("ticket"), p,
        Priority.fromWire(r.getString("priority")), instant(r.getOffsetDateTime("appointment_at")),
        r.getString("appointment_ref"), instant(r.getOffsetDateTime("place_at")),
        Status.fromWire(r.getString("status")), instant(r.getOffsetDateTime("status_since")),
        r.getString("called_to"), r.getBoolean("running_late"), r.getUUID("transferred_from"));
  }

  // --- history

  /** The most recent transition of an entry, or null for none. */
  public Future<Transition> lastTransition(SqlClient c, UUID entryId) {
    return c.preparedQuery("SELECT id, from_status, to_status, from_called_to, reason FROM entry_transition"
            + " WHERE entry_id = $1 ORDER BY id DESC LIMIT 1")
        .execute(Tuple.of(entryId))
        .map(rows -> {
          if (rows.size() == 0) return null;
          Row r = rows.iterator().next();
          String from = r.getString("from_status");
          return new Transition(r.getLong("id"), from == null ? null : Status.fromWire(from),
              Status.fromWire(r.getString("to_status")), r.getString("from_called_to"), r.getString("reason"));
        });
  }

  /** A recorded status change; {@code from} is null for the entry's creation. */
  public record Transition(long id, Status from, Status to, String fromCalledTo, String reason) {}

  /** The status changes of an entry, oldest first; every entry has at least its creation, so none means no entry. */
  public Future<List<HistoryStep>> history(SqlClient c, UUID entryId) {
    return c.preparedQuery("SELECT from_status, to_status, to_called_to, at, actor, reason FROM entry_transition"
            + " WHERE entry_id = $1 ORDER BY id")
        .execute(Tuple.of(entryId))
        .map(rows -> map(rows, r -> {
          String from = r.getString("from_status");
          return new HistoryStep(from == null ? null : Status.fromWire(from), Status.fromWire(r.getString("to_status")),
              r.getString("to_called_to"), instant(r.getOffsetDateTime("at")), r.getString("actor"),
              r.getString("reason"));
        }));
  }

  // --- events

  /**
   * Appends a queue's next event and sets its version to the event's seq; with {@code notice} (null for none), the
   * same statement sends that NOTIFY, so it costs no round trip of its own.
   */
  public Future<Void> appendEvent(SqlClient c, QueueEvent e, Notice notice) {
    Tuple row = Tuple.of(e.queueId(), e.seq(), e.type().wire(), EventPayloadCodec.encode(e.payload()), odt(e.at()));
    String append = "WITH appended AS (INSERT INTO queue_event (queue_id, seq, type, payload, at)"
        + " VALUES ($1,$2,$3,$4,$5)), version AS (UPDATE service_queue SET version = $2 WHERE id = $1)";
    if (notice == null) return c.preparedQuery(append + " SELECT").execute(row).mapEmpty();
    return c.preparedQuery(append + " SELECT pg_notify($6, $7)")
        .execute(row.addString(notice.channel()).addString(notice.payload())).mapEmpty();
  }

  /**
   * Appends consecutive events of one queue (in seq order) and sets its version to the last one's seq; with
   * {@code notice} (null for none), the same statement sends that one NOTIFY for them all.
   */
  public Future<Void> appendEvents(SqlClient c, List<QueueEvent> events, Notice notice) {
    QueueEvent last = events.get(events.size() - 1);
    Long[] seqs = events.stream().map(QueueEvent::seq).toArray(Long[]::new);
    String[] types = events.stream().map(e -> e.type().wire()).toArray(String[]::new);
    String[] payloads = events.stream().map(e -> EventPayloadCodec.encode(e.payload()).encode()).toArray(String[]::new);
    OffsetDateTime[] ats = events.stream().map(e -> odt(e.at())).toArray(OffsetDateTime[]::new);
    String append = "WITH appended AS (INSERT INTO queue_event (queue_id, seq, type, payload, at)"
        + " SELECT $1, s, t, p::jsonb, a FROM unnest($2::bigint[], $3::text[], $4::text[], $5::timestamptz[])"
        + " AS x(s, t, p, a) ORDER BY s), version AS (UPDATE service_queue SET version = $6 WHERE id = $1)";
    Tuple row = Tuple.of(last.queueId(), seqs, types, payloads, ats, last.seq());
    if (notice == null) return c.preparedQuery(append + " SELECT").execute(row).mapEmpty();
    return c.preparedQuery(append + " SELECT pg_notify($7, $8)")
        .execute(row.addString(notice.channel()).addString(notice.payload())).mapEmpty();
  }

  /** The waiting order (entry ids) announced by the queue's latest event; empty if none. */
  public Future<List<String>> lastAnnouncedOrder(SqlClient c, String queueId) {
    return c.preparedQuery("SELECT payload FROM queue_event WHERE queue_id = $1 ORDER BY seq DESC LIMIT 1")
        .execute(Tuple.of(queueId))
        .map(rows -> {
          if (rows.size() == 0) return List.<String>of();
          return EventPayloadCodec.decode((JsonObject) rows.iterator().next().getValue("payload")).lineup().stream()
              .map(p -> p.entryId().toString()).toList();
        });
  }

  /** Events of a queue with seq greater than {@code afterSeq}, in seq order, at most {@code limit}. */
  public Future<List<QueueEvent>> eventsAfter(SqlClient c, String queueId, long afterSeq, int limit) {
    return c.preparedQuery(EVENT_SELECT + " WHERE ev.queue_id = $1 AND ev.seq > $2 ORDER BY ev.seq LIMIT $3")
        .execute(Tuple.of(queueId, afterSeq, limit))
        .map(rows -> map(rows, QueueStore::event));
  }

  /**
   * As {@link #eventsAfter}, but ending before the event whose payload (as JSON text) would take the page past
   * {@code maxPayloadBytes}; the first event comes whatever its size, so a page is never empty while events remain.
   */
  public Future<List<QueueEvent>> eventsPage(SqlClient c, String queueId, long afterSeq, int limit,
      int maxPayloadBytes) {
    // the sizes of the next `limit` events only (a window over the unlimited rows would size the whole rest of the
    // log), each measured once; the page ends with the last event that starts within the budget
    return c.preparedQuery(EVENT_SELECT + " WHERE ev.queue_id = $1 AND ev.seq > $2 AND ev.seq <= ("
            + "SELECT max(seq) FROM (SELECT seq, sum(size) OVER (ORDER BY seq) - size AS before FROM ("
            + "SELECT seq, octet_length(payload::text) AS size FROM queue_event WHERE queue_id = $1 AND seq > $2"
            + " ORDER BY seq LIMIT $3) next_events) page WHERE before < $4) ORDER BY ev.seq")
        .execute(Tuple.of(queueId, afterSeq, limit, maxPayloadBytes))
        .map(rows -> map(rows, QueueStore::event));
  }

  /** One committed event of a queue; fails with {@link QueueException.NotFound} if there is none with that seq. */
  public Future<QueueEvent> event(SqlClient c, String queueId, long seq) {
    return c.preparedQuery(EVENT_SELECT + " WHERE ev.queue_id = $1 AND ev.seq = $2")
        .execute(Tuple.of(queueId, seq))
        .map(rows -> event(one(rows, "Event " + seq + " of queue " + queueId + " does not exist.")));
  }

  /** The last event of every queue that has one (each queue's seq equals its version). */
  public Future<List<QueueEvent>> latestEvents(SqlClient c) {
    return c.query(EVENT_SELECT + " WHERE ev.seq = q.version ORDER BY ev.queue_id").execute()
        .map(rows -> map(rows, QueueStore::event));
  }

  private static QueueEvent event(Row r) {
    return new QueueEvent(r.getString("queue_id"), r.getString("site_id"), r.getLong("seq"),
        EventType.fromWire(r.getString("type")), EventPayloadCodec.decode((JsonObject) r.getValue("payload")),
        instant(r.getOffsetDateTime("at")));
  }

  // --- what other modules read, through io.waitline.queue.event.EventLog and io.waitline.queue.read.QueueReadModel

  /** The entries among {@code ids} that exist, in no particular order: one statement however many. */
  public Future<List<Entry>> entries(SqlClient c, Collection<UUID> ids) {
    return c.preparedQuery("SELECT " + ENTRY_COLUMNS + " FROM entry e WHERE e.id = ANY($1)")
        .execute(Tuple.of(ids.toArray(UUID[]::new)))
        .map(rows -> map(rows, QueueStore::entry));
  }

  /**
   * Events after a cursor of the whole log, in (transaction, position) order, written by transactions older than the
   * oldest one still running (all committed and visible in this statement's snapshot).
   */
  public Future<List<LoggedEvent>> finishedEventsAfter(SqlClient c, LogCursor cursor, int limit) {
    return c.preparedQuery(EVENT_SELECT_WITH_XACT + " WHERE (ev.xact, ev.id) > ($1::bigint::text::xid8, $2)"
            + " AND ev.xact < pg_snapshot_xmin(pg_current_snapshot()) ORDER BY ev.xact, ev.id LIMIT $3")
        .execute(Tuple.of(cursor.xact(), cursor.position(), limit))
        .map(rows -> map(rows, r -> new LoggedEvent(r.getLong("id"), r.getLong("xact"), event(r))));
  }

  /** Before every event of a transaction still running (or yet to start), after every other event. */
  public Future<LogCursor> eventLogEnd(SqlClient c) {
    return c.query("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint").execute()
        .map(rows -> new LogCursor(rows.iterator().next().getLong(0), 0));
  }

  /**
   * The cursor after the event at {@code position} and every event written before it. The order is the column's
   * ({@code ev.xact}, read backwards along {@code queue_event_xact}), not the output's of the same name, which would
   * sort the whole log up to {@code position}.
   */
  public Future<LogCursor> eventCursorAt(SqlClient c, long position) {
    return c.preparedQuery("SELECT ev.xact::text::bigint FROM queue_event ev WHERE ev.id <= $1 ORDER BY ev.xact DESC"
            + " LIMIT 1")
        .execute(Tuple.of(position))
        .map(rows -> new LogCursor(rows.size() == 0 ? 0 : rows.iterator().next().getLong(0), position));
  }

  /** An entry with its patient link, queue name and site, in one read; null when there is no such entry. */
  public Future<VisitContact> visitContact(SqlClient c, UUID entryId) {
    return c.preparedQuery("SELECT " + ENTRY_COLUMNS + ", e.visit_token, q.name AS queue_name, s.id AS site_id,"
            + " s.name AS site_name, s.time_zone, s.language, s.display_mode FROM entry e"
            + " JOIN service_queue q ON q.id = e.queue_id JOIN site s ON s.id = q.site_id WHERE e.id = $1")
        .execute(Tuple.of(entryId))
        .map(rows -> {
          if (rows.size() == 0) return null;
          Row r = rows.iterator().next();
          Site site = new Site(r.getString("site_id"), r.getString("site_name"), ZoneId.of(r.getString("time_zone")),
              r.getString("language"), r.getString("display_mode"));
          return new VisitContact(entry(r), r.getString("visit_token"), r.getString("queue_name"), site);
        });
  }

  /**
   * A page of a queue's entries of the local days [{@code from}, {@code to}) in creation order, with the time each
   * patient first joined the line; {@code after} null reads from the start. Bounded by {@code limit}.
   */
  public Future<List<DayVisit>> dayVisits(SqlClient c, String queueId, LocalDate from, LocalDate to,
      DayVisit.Kind kind, DayVisit.Cursor after, int limit) {
    String which = switch (kind) {
      case APPOINTMENTS -> " AND e.appointment_at IS NOT NULL AND e.status <> 'transferred'";
      case ARRIVALS -> " AND a.arrived_at IS NOT NULL";
    };
    return c.preparedQuery("SELECT " + ENTRY_COLUMNS + ", e.ticket_day, e.created_at, a.arrived_at FROM entry e"
            + " LEFT JOIN LATERAL (SELECT min(t.at) AS arrived_at FROM entry_transition t WHERE t.entry_id = e.id"
            + " AND t.to_status = 'waiting') a ON true"
            + " WHERE e.queue_id = $1 AND e.ticket_day >= $2 AND e.ticket_day < $3" + which
            + " AND ($4::timestamptz IS NULL OR (e.created_at, e.id) > ($4, $5))"
            + " ORDER BY e.created_at, e.id LIMIT $6")
        .execute(Tuple.from(new Object[] {queueId, from, to, after == null ? null : odt(after.createdAt()),
            after == null ? null : after.id(), limit}))
        .map(rows -> map(rows, r -> new DayVisit(entry(r), r.getLocalDate("ticket_day"),
            instant(r.getOffsetDateTime("arrived_at")),
            new DayVisit.Cursor(instant(r.getOffsetDateTime("created_at")), r.getUUID("id")))));
  }

  /** Every waiting entry of its site's local day at {@code now}, with its queue's site and maximum wait. */
  public Future<List<WaitingEntry>> waitingToday(SqlClient c, Instant now) {
    return c.preparedQuery("SELECT " + ENTRY_COLUMNS + ", q.site_id, q.max_wait_minutes FROM entry e"
            + " JOIN service_queue q ON q.id = e.queue_id JOIN site s ON s.id = q.site_id"
            + " WHERE e.status = 'waiting' AND e.ticket_day = ($1::timestamptz AT TIME ZONE s.time_zone)::date"
            + " ORDER BY e.queue_id, e.place_at, e.id")
        .execute(Tuple.of(odt(now)))
        .map(rows -> map(rows, r -> new WaitingEntry(entry(r), r.getString("site_id"),
            Duration.ofMinutes(r.getInteger("max_wait_minutes")))));
  }

  // --- helpers

  private static Row one(RowSet<Row> rows, String notFound) {
    if (rows.size() == 0) throw new QueueException.NotFound(notFound);
    return rows.iterator().next();
  }
}

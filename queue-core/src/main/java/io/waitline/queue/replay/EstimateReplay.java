package io.waitline.queue.replay;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.waitline.queue.Entry;
import io.waitline.queue.Lineup;
import io.waitline.queue.OrderingRule;
import io.waitline.queue.Patient;
import io.waitline.queue.Priority;
import io.waitline.queue.QueueDay;
import io.waitline.queue.ServiceQueue;
import io.waitline.queue.Status;
import io.waitline.queue.TransferPolicy;
import io.waitline.queue.WaitEstimator;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Replays a clinic day in the trace format {@code waitline-wait-trace/1} through the estimator the server runs: after
 * every event of a queue (ground-truth {@code roster} lines excepted) it builds the queue's {@link QueueDay} the way
 * the server does ({@link QueueDay#of}, {@link Lineup#of}) from what had happened by then, and hands the moment on.
 * It never reads ground truth ({@code roster}, {@code truth}, {@code actual_call_t}).
 */
public final class EstimateReplay {
  /** Services that end within this long before a desk's next call chain into it (the server's rule). */
  private static final int CHAIN_SECONDS = 5 * 60;

  /**
   * One moment of the replay: the queue as the server knew it after event {@code seq}, and its lineup.
   *
   * @param lastCalledWaitSeconds the wait the most recently called patient of this queue had (head-of-line
   *     baseline), null before the first call
   */
  public record Moment(long seq, int t, String queue, QueueDay day, Lineup lineup, Map<UUID, String> traceIds,
      Integer lastCalledWaitSeconds) {}

  private final WaitEstimator estimator;
  private final boolean withRota;
  private final Map<String, QueueState> queues = new LinkedHashMap<>();
  private LocalDate date;
  private ZoneId zone;

  public EstimateReplay(WaitEstimator estimator) {
    this(estimator, true);
  }

  /** With {@code withRota} false the queues' planned shifts are left out, as for a queue without a rota. */
  public EstimateReplay(WaitEstimator estimator, boolean withRota) {
    this.estimator = estimator;
    this.withRota = withRota;
  }

  /** Feeds one trace line; {@code out} gets the moment after each replayed event. */
  public void accept(JsonObject line, Consumer<Moment> out) {
    String type = line.getString("type");
    switch (type) {
      case "day" -> {
        if (!"waitline-wait-trace/1".equals(line.getString("format"))) {
          throw new IllegalArgumentException("not a waitline-wait-trace/1 file: " + line.getString("format"));
        }
        date = LocalDate.parse(line.getString("date"));
        zone = ZoneId.of(line.getString("tz"));
      }
      case "queue" -> queues.put(line.getString("queue"), new QueueState(line));
      case "roster", "truth" -> { }
      default -> {
        QueueState q = queues.get(line.getString("queue"));
        if (q == null) throw new IllegalArgumentException("event for an unknown queue: " + line.encode());
        int t = line.getInteger("t");
        q.apply(type, line, t);
        out.accept(q.moment(line.getLong("seq"), t));
      }
    }
  }

  private Instant at(long t) {
    if (date == null) throw new IllegalArgumentException("the trace must start with its day line");
    return date.atStartOfDay(zone).toInstant().plusSeconds(t);
  }

  private static UUID uuid(String traceId) {
    return UUID.nameUUIDFromBytes(traceId.getBytes(StandardCharsets.UTF_8));
  }

  /** One queue as the server holds it: live entries, recent services, staff recorded, rota. */
  private final class QueueState {
    final String id;
    ServiceQueue queue;
    final List<QueueDay.Shift> rota = new ArrayList<>();
    final Map<String, Entry> live = new LinkedHashMap<>();
    final Map<UUID, String> traceIds = new HashMap<>();
    /** Newest first. */
    final List<QueueDay.Served> served = new ArrayList<>();
    /** Newest first, at most 30, as the server reads them. */
    final List<QueueDay.Left> left = new ArrayList<>();
    final Map<String, Instant> serviceStart = new HashMap<>();
    /** Per desk: its last call (entry, time) and, once that patient's service ended, the served record. */
    final Map<String, Instant> lastCallAt = new HashMap<>();
    final Map<String, QueueDay.Served> lastServedOfDesk = new HashMap<>();
    final Map<String, String> deskOf = new HashMap<>();
    Integer lastCalledWait;

    QueueState(JsonObject q) {
      id = q.getString("queue");
      OrderingRule rule = new OrderingRule(Duration.ofMinutes(q.getInteger("appointment_grace_minutes")),
          Duration.ofMinutes(q.getInteger("max_wait_minutes")), TransferPolicy.fromWire(q.getString("transfer_policy")));
      queue = new ServiceQueue(id, "site", q.getString("name"), q.getString("ticket_prefix"), rule,
          q.getInteger("default_service_seconds"), false, q.getInteger("staff_on_duty"), 0);
      for (Object o : withRota ? q.getJsonArray("roster_plan", new JsonArray()) : new JsonArray()) {
        JsonObject s = (JsonObject) o;
        rota.add(new QueueDay.Shift(s.getString("desk"), at(s.getLong("on_t")), at(s.getLong("off_t"))));
      }
      JsonObject history = q.getJsonObject("history", new JsonObject());
      JsonArray seconds = history.getJsonArray("service_seconds", new JsonArray());
      JsonArray completed = history.getJsonArray("completed_t", new JsonArray());
      for (int i = 0; i < seconds.size(); i++) {
        served.add(new QueueDay.Served(at(completed.getLong(i)), seconds.getInteger(i), null, null, null));
      }
    }

    void apply(String type, JsonObject ev, int t) {
      Instant now = at(t);
      String entry = ev.getString("entry");
      switch (type) {
        case "expected" -> put(entry, ev, null, Status.EXPECTED, now, at(ev.getLong("appointment_t")));
        case "checked_in", "transferred_in" -> {
          Instant appointment = ev.getValue("appointment_t") == null ? null : at(ev.getLong("appointment_t"));
          UUID from = "transferred_in".equals(type) ? uuid(ev.getString("from_entry")) : null;
          put(entry, ev, ev.getString("ticket"), Status.WAITING, at(ev.getLong("place_t")), appointment, from, now);
        }
        case "called" -> {
          Entry e = require(entry);
          String desk = ev.getString("desk");
          chain(desk, now);
          lastCallAt.put(desk, now);
          deskOf.put(entry, desk);
          lastCalledWait = (int) Duration.between(e.placeAt(), now).toSeconds();
          live.put(entry, e.withStatus(Status.CALLED, now, desk));
        }
        case "service_started" -> {
          Entry e = require(entry);
          serviceStart.put(entry, now);
          live.put(entry, e.withStatus(Status.IN_SERVICE, now, e.calledTo()));
        }
        case "completed" -> {
          Entry e = live.remove(entry);
          if (e == null) throw new IllegalArgumentException("completed an unknown entry " + entry);
          served(entry, e, now, ev.getInteger("service_seconds"));
        }
        case "transferred_out" -> {
          Entry e = live.remove(entry);
          Instant start = serviceStart.get(entry);
          if (e != null && e.status() == Status.IN_SERVICE && start != null) {
            served(entry, e, now, (int) Math.max(1, Duration.between(start, now).toSeconds()));
          }
        }
        case "no_show" -> {
          Entry e = require(entry);
          live.put(entry, e.withStatus(Status.NO_SHOW, now, null));
        }
        case "requeued" -> {
          Entry e = require(entry);
          live.put(entry, e.withStatus(Status.WAITING, now, null));
        }
        case "left" -> {
          Entry e = live.remove(entry);
          if (e != null) {
            left.add(0, new QueueDay.Left(e.placeAt(), now, e.appointmentAt() == null));
            if (left.size() > 30) left.remove(left.size() - 1);
          }
        }
        case "staff_changed" -> queue = new ServiceQueue(queue.id(), queue.siteId(), queue.name(),
            queue.ticketPrefix(), queue.rule(), queue.defaultServiceSeconds(), queue.paused(),
            ev.getInteger("staff_on_duty"), queue.version());
        default -> throw new IllegalArgumentException("unknown event type '" + type + "'");
      }
    }

    /** A desk calls again: its previous patient's service, if it ended moments ago, gets its desk time. */
    private void chain(String desk, Instant now) {
      QueueDay.Served last = lastServedOfDesk.remove(desk);
      Instant called = lastCallAt.get(desk);
      if (last == null || called == null) return;
      if (Duration.between(last.completedAt(), now).toSeconds() > CHAIN_SECONDS) return;
      int i = served.indexOf(last);
      if (i >= 0) {
        served.set(i, new QueueDay.Served(last.completedAt(), last.serviceSeconds(),
            (int) Duration.between(called, now).toSeconds(), last.desk(), last.arrival()));
      }
    }

    private void served(String entry, Entry e, Instant now, int seconds) {
      QueueDay.Arrival arrival = e.transferredFrom() != null ? null
          : new QueueDay.Arrival(e.placeAt(), e.priority(), e.appointmentAt() == null, e.appointmentAt());
      String desk = deskOf.get(entry);
      QueueDay.Served s = new QueueDay.Served(now, seconds, null, desk, arrival);
      served.add(0, s);
      if (served.size() > 50) served.remove(served.size() - 1);
      if (desk != null) lastServedOfDesk.put(desk, s);
    }

    private Entry require(String entry) {
      Entry e = live.get(entry);
      if (e == null) throw new IllegalArgumentException("event for an unknown or ended entry " + entry);
      return e;
    }

    private void put(String entry, JsonObject ev, String ticket, Status status, Instant now, Instant appointment) {
      put(entry, ev, ticket, status, appointment, appointment, null, now);
    }

    private void put(String entry, JsonObject ev, String ticket, Status status, Instant placeAt, Instant appointment,
        UUID from, Instant now) {
      UUID id = uuid(entry);
      traceIds.put(id, entry);
      Priority priority = Priority.fromWire(ev.getString("priority"));
      live.put(entry, new Entry(id, this.id, ticket, new Patient("p", null, null, null, null), priority, appointment,
          null, placeAt, status, now, null, false, from));
    }

    Moment moment(long seq, int t) {
      Instant now = at(t);
      QueueDay day = QueueDay.of(List.copyOf(live.values()), queue, served, left, rota, now);
      return new Moment(seq, t, id, day, Lineup.of(day, estimator), traceIds, lastCalledWait);
    }
  }
}

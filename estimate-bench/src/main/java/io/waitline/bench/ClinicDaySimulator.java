package io.waitline.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.waitline.queue.Entry;
import io.waitline.queue.OrderingRule;
import io.waitline.queue.Patient;
import io.waitline.queue.Priority;
import io.waitline.queue.QueueOrdering;
import io.waitline.queue.Status;
import io.waitline.queue.TransferPolicy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.UUID;

/**
 * Simulates one clinic day and writes it in the trace format {@code waitline-wait-trace/1}: arrivals by hour,
 * priorities, appointments with early and late arrivals and no-shows, transfers, desks that start late, take breaks
 * and are recorded with a lag, lognormal service times whose pace drifts, and the turnover between patients. Desks call
 * the first of {@link QueueOrdering}'s order, as the server does. Deterministic for a profile and seed.
 */
public final class ClinicDaySimulator {
  private static final LocalDate DATE = LocalDate.of(2026, 11, 16);
  private static final ZoneId ZONE = ZoneId.of("Europe/Berlin");

  /** The four kinds of day of issue 12. */
  public enum Profile {
    GP("small GP practice, a late clinician"),
    WALKIN("walk-in clinic with triage and transfers"),
    LAB("lab with a 7 a.m. rush"),
    SPECIALIST("specialist clinic on appointments");

    public final String description;

    Profile(String description) {
      this.description = description;
    }

    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private record QueueSpec(String id, String name, String prefix, int defaultService, double median, double sigma,
      double drift, List<int[]> plan, Map<String, Integer> deskLateness) {}

  private final Profile profile;
  private final long seed;
  private final Random rnd;
  private final List<JsonObject> events = new ArrayList<>();
  private final PriorityQueue<Timed> agenda = new PriorityQueue<>(
      Comparator.comparingInt(Timed::t).thenComparingLong(Timed::order));
  private final Map<String, Patient> patients = new HashMap<>();
  private final Map<String, Q> queues = new LinkedHashMap<>();
  private final Map<String, Person> people = new LinkedHashMap<>();
  private long order;
  private int seq;
  private int openT;
  private int closeT;

  private record Timed(int t, long order, Runnable action) {}

  public ClinicDaySimulator(Profile profile, long seed) {
    this.profile = profile;
    this.seed = seed;
    this.rnd = new Random(seed * 7919 + profile.ordinal());
  }

  /** The day's trace lines, in file order. */
  public List<JsonObject> run() {
    switch (profile) {
      case GP -> gp();
      case WALKIN -> walkIn();
      case LAB -> lab();
      case SPECIALIST -> specialist();
    }
    while (!agenda.isEmpty()) {
      Timed next = agenda.poll();
      now = next.t();
      next.action().run();
    }
    List<JsonObject> lines = new ArrayList<>();
    lines.add(new JsonObject().put("type", "day").put("format", "waitline-wait-trace/1")
        .put("day_id", profile.wire() + "-" + seed).put("profile", profile.wire()).put("seed", seed)
        .put("date", DATE.toString()).put("tz", ZONE.getId()).put("open_t", openT).put("close_t", closeT)
        .put("queues", new JsonArray(new ArrayList<>(queues.keySet()))));
    for (Q q : queues.values()) lines.add(q.header());
    lines.addAll(events);
    for (Person p : people.values()) lines.add(p.truth());
    return lines;
  }

  // --- profiles

  private void gp() {
    open(8 * 3600, 13 * 3600);
    int late = minutes(15, 45);
    Q q = queue(new QueueSpec("gp", "GP surgery", "G", 720, 660 * vary(0.15), 0.5, 0.25 * vary(0.5),
        List.of(new int[] {h(8.5), h(10.5)}, new int[] {h(10.75), h(12.75)}, new int[] {h(8.5), h(12.75)}),
        Map.of("Room 2", late)), new String[] {"Room 1", "Room 1", "Room 2"});
    appointments(q, h(8.5), h(12.25), 600, 0.08, -6, 8, 0.1);
    walkIns(q, new double[][] {{h(8), h(13), 3 * vary(0.3)}}, 0.05, 0.15);
  }

  private void walkIn() {
    open(8 * 3600, 14 * 3600);
    Q triage = queue(new QueueSpec("triage", "Triage", "T", 300, 240 * vary(0.15), 0.4, 0.15 * vary(0.5),
        List.of(new int[] {h(8), h(11)}, new int[] {h(11.5), h(14)}), Map.of()), new String[] {"Triage", "Triage"});
    Q treat = queue(new QueueSpec("treatment", "Treatment", "R", 900, 780 * vary(0.15), 0.55, 0.2 * vary(0.5),
        List.of(new int[] {h(8), h(11)}, new int[] {h(11.5), h(14)}, new int[] {h(8.25), h(12)},
            new int[] {h(12.5), h(14)}, new int[] {h(9), h(13)}),
        Map.of("Bay 3", minutes(0, 25))), new String[] {"Bay 1", "Bay 1", "Bay 2", "Bay 2", "Bay 3"});
    triage.transferTo = treat;
    walkIns(triage, new double[][] {{h(8), h(9), 9 * vary(0.25)}, {h(9), h(12), 13 * vary(0.25)},
        {h(12), h(13.5), 8 * vary(0.25)}}, 0.06, 0.15);
  }

  private void lab() {
    open(7 * 3600, h(11.5));
    Q q = queue(new QueueSpec("lab", "Blood tests", "L", 240, 200 * vary(0.15), 0.35, 0.15 * vary(0.5),
        List.of(new int[] {h(7), h(11.5)}, new int[] {h(7), h(9)}, new int[] {h(9.25), h(11.5)},
            new int[] {h(7.5), h(10)}), Map.of("Desk 3", minutes(0, 20))),
        new String[] {"Desk 1", "Desk 2", "Desk 2", "Desk 3"});
    walkIns(q, new double[][] {{h(6.9), h(7.5), 45 * vary(0.2)}, {h(7.5), h(8.5), 30 * vary(0.2)},
        {h(8.5), h(11.25), 14 * vary(0.2)}}, 0.02, 0.08);
  }

  private void specialist() {
    open(9 * 3600, 14 * 3600);
    Q q = queue(new QueueSpec("cardio", "Cardiology", "C", 1200, 1080 * vary(0.15), 0.45, 0.25 * vary(0.5),
        List.of(new int[] {h(9), h(11)}, new int[] {h(11.25), h(13.5)}, new int[] {h(9), h(13.5)}),
        Map.of("Dr B", minutes(0, 30))), new String[] {"Dr A", "Dr A", "Dr B"});
    appointments(q, h(9), h(13), 600, 0.1, -15, 10, 0.15);
    walkIns(q, new double[][] {{h(9), h(13), 1 * vary(0.5)}}, 0.3, 0.3);
  }

  // --- building blocks

  private void open(int open, int close) {
    openT = open;
    closeT = close;
  }

  private static int h(double hours) {
    return (int) Math.round(hours * 3600);
  }

  private int minutes(int low, int high) {
    return 60 * (low + rnd.nextInt(high - low + 1));
  }

  /** 1 ± up to {@code spread}, per day. */
  private double vary(double spread) {
    return 1 + spread * (2 * rnd.nextDouble() - 1);
  }

  private Q queue(QueueSpec spec, String[] deskOfShift) {
    Q q = new Q(spec);
    for (int i = 0; i < spec.plan.size(); i++) {
      int[] s = spec.plan.get(i);
      q.planned.add(new Object[] {deskOfShift[i], s[0], s[1]});
      String desk = deskOfShift[i];
      Desk d = q.desks.computeIfAbsent(desk, k -> new Desk(q, k));
      int late = spec.deskLateness.getOrDefault(desk, 0);
      boolean firstOfDesk = d.shifts.isEmpty();
      // a desk comes back from a break a little late now and then; the first shift may start late
      int on = s[0] + (firstOfDesk ? late : (rnd.nextDouble() < 0.4 ? minutes(0, 8) : 0));
      int off = s[1] + (rnd.nextDouble() < 0.3 ? minutes(0, 6) : 0);
      d.shifts.add(new int[] {on, off});
    }
    q.recorded = (int) spec.plan.stream().filter(s -> s[0] <= openT && openT < s[1]).count();
    q.recordedAtOpen = q.recorded;
    for (Desk d : q.desks.values()) {
      for (int[] s : d.shifts) {
        at(s[0], () -> d.on(true));
        at(s[1], () -> d.on(false));
      }
    }
    queues.put(q.spec.id, q);
    return q;
  }

  private void appointments(Q q, int from, int to, int every, double noShow, int earlyMean, int earlySd,
      double highShare) {
    for (int slot = from; slot < to; slot += every) {
      int appointment = slot;
      Person p = person(q, rnd.nextDouble() < highShare ? Priority.HIGH : Priority.NORMAL, "appointment");
      p.appointmentT = appointment;
      at(openT, () -> {
        emit(q, "expected", p.entry).put("priority", p.priority.wire()).put("appointment_t", appointment)
            .put("place_t", appointment).put("kind", "appointment");
        q.expected.put(p.entry, p);
      });
      if (rnd.nextDouble() < noShow) {
        at(appointment + 40 * 60, () -> {
          if (q.expected.remove(p.entry) == null) return;
          p.outcome = "no_show";
          emit(q, "no_show", p.entry).put("was", "expected");
        });
      } else {
        int arrive = Math.max(openT, appointment + (int) ((earlyMean + earlySd * rnd.nextGaussian()) * 60));
        at(arrive, () -> {
          q.expected.remove(p.entry);
          checkIn(q, p, arrive);
        });
      }
    }
  }

  /** Walk-ins at piecewise constant rates per hour ({@code {from, to, rate}}). */
  private void walkIns(Q q, double[][] rates, double urgentShare, double highShare) {
    for (double[] r : rates) {
      double t = r[0];
      while (true) {
        t += -Math.log(1 - rnd.nextDouble()) * 3600 / r[2];
        if (t >= r[1]) break;
        double u = rnd.nextDouble();
        Priority pr = u < urgentShare ? Priority.URGENT : u < urgentShare + highShare ? Priority.HIGH : Priority.NORMAL;
        Person p = person(q, pr, "walkin");
        int at = (int) t;
        at(at, () -> checkIn(q, p, at));
      }
    }
  }

  private Person person(Q q, Priority priority, String kind) {
    Person p = new Person(q.spec.id + "-" + (people.size() + 1), q, priority, kind);
    people.put(p.entry, p);
    return p;
  }

  private void checkIn(Q q, Person p, int t) {
    p.checkinT = t;
    p.placeT = t;
    p.ticket = q.spec.prefix + "-" + String.format(Locale.ROOT, "%03d", ++q.tickets);
    emit(q, "checked_in", p.entry).put("ticket", p.ticket).put("priority", p.priority.wire())
        .put("appointment_t", p.appointmentT).put("place_t", t).put("kind", p.kind);
    join(q, p, t);
    if (p.priority == Priority.NORMAL && "walkin".equals(p.kind)) {
      int patience = (int) (-Math.log(1 - rnd.nextDouble()) * 200 * 60);
      at(t + patience, () -> {
        if (q.waiting.remove(p)) {
          p.outcome = "left";
          emit(q, "left", p.entry);
        }
      });
    }
  }

  private void join(Q q, Person p, int t) {
    q.waiting.add(p);
    for (Desk d : q.desks.values()) {
      if (d.active && d.idle) {
        d.idle = false;
        at(t, d::callNext);
        break;
      }
    }
  }

  private void at(int t, Runnable action) {
    agenda.add(new Timed(t, order++, action));
  }

  private JsonObject emit(Q q, String type, String entry) {
    int t = now;
    JsonObject e = new JsonObject().put("t", t).put("at", DATE.atStartOfDay(ZONE).toInstant().plusSeconds(t).toString())
        .put("seq", ++seq).put("type", type).put("queue", q.spec.id);
    if (entry != null) e.put("entry", entry);
    events.add(e);
    return e;
  }

  /** The time of the agenda's current action. */
  private int now;

  private final class Q {
    final QueueSpec spec;
    final List<Object[]> planned = new ArrayList<>();
    final Map<String, Desk> desks = new LinkedHashMap<>();
    final List<Person> waiting = new ArrayList<>();
    final Map<String, Person> expected = new HashMap<>();
    final OrderingRule rule = new OrderingRule(Duration.ofMinutes(10), Duration.ofMinutes(90),
        TransferPolicy.KEEP_PLACE);
    Q transferTo;
    int tickets;
    int recorded;
    /** What the desk had recorded when the day opened: the header's staff_on_duty (the header is written last). */
    int recordedAtOpen;

    Q(QueueSpec spec) {
      this.spec = spec;
    }

    /** The queue's pace at {@code t}: the median service time drifts linearly over the day. */
    int serviceSeconds(int t, Desk desk) {
      double progress = (t - openT) / (double) (closeT - openT);
      double median = spec.median * (1 + spec.drift * (progress - 0.3)) * desk.pace;
      return Math.max(30, (int) (median * Math.exp(spec.sigma * rnd.nextGaussian())));
    }

    JsonObject header() {
      JsonArray plan = new JsonArray();
      for (Object[] s : planned) plan.add(new JsonObject().put("desk", s[0]).put("on_t", s[1]).put("off_t", s[2]));
      JsonArray secs = new JsonArray();
      JsonArray done = new JsonArray();
      Random history = new Random(seed * 31 + spec.id.hashCode());
      double yesterday = 1 + 0.2 * (2 * history.nextDouble() - 1);
      for (int i = 0; i < 50; i++) {
        secs.add(Math.max(30, (int) (spec.median * yesterday * Math.exp(spec.sigma * history.nextGaussian()))));
        done.add(-(86400 - closeT) - i * (int) spec.median);
      }
      return new JsonObject().put("type", "queue").put("queue", spec.id).put("name", spec.name)
          .put("ticket_prefix", spec.prefix).put("default_service_seconds", spec.defaultService)
          .put("appointment_grace_minutes", 10).put("max_wait_minutes", 90).put("transfer_policy", "keep_place")
          .put("staff_on_duty", recordedAtOpen).put("roster_plan", plan)
          .put("history", new JsonObject().put("service_seconds", secs).put("completed_t", done));
    }
  }

  private final class Desk {
    final Q q;
    final String name;
    final List<int[]> shifts = new ArrayList<>();
    final double pace;
    boolean active;
    boolean idle = true;
    boolean busy;

    Desk(Q q, String name) {
      this.q = q;
      this.name = name;
      this.pace = 1 + 0.15 * (2 * rnd.nextDouble() - 1);
    }

    void on(boolean state) {
      active = state;
      JsonObject r = emit(q, "roster", null).put("desk", name).put("state", state ? "on" : "off");
      int count = (int) q.desks.values().stream().filter(d -> d.active).count();
      r.put("active", count);
      int lag = minutes(0, 15);
      at(now + lag, () -> {
        int recorded = (int) q.desks.values().stream().filter(d -> d.active).count();
        if (recorded != q.recorded) {
          q.recorded = recorded;
          emit(q, "staff_changed", null).put("staff_on_duty", recorded);
        }
      });
      if (state && !busy) {
        idle = false;
        at(now, this::callNext);
      }
    }

    void callNext() {
      if (!active || busy) {
        idle = !busy;
        return;
      }
      if (q.waiting.isEmpty()) {
        idle = true;
        return;
      }
      Person p = first();
      q.waiting.remove(p);
      busy = true;
      idle = false;
      p.calls.add(now);
      emit(q, "called", p.entry).put("desk", name);
      int walk = 20 + rnd.nextInt(120);
      if (rnd.nextDouble() < 0.03) {
        at(now + 180, () -> {
            emit(q, "no_show", p.entry).put("was", "called");
          if (rnd.nextDouble() < 0.5) {
            int back = now + minutes(5, 30);
            at(back, () -> {
                    emit(q, "requeued", p.entry);
              join(q, p, now);
            });
          } else {
            p.outcome = "no_show";
          }
          free(0);
        });
        return;
      }
      at(now + walk, () -> {
        p.startT = now;
        emit(q, "service_started", p.entry).put("desk", name);
        int service = q.serviceSeconds(now, this);
        at(now + service, () -> {
            p.endT = now;
          if (q.transferTo != null && rnd.nextDouble() < 0.75) transfer(p, q.transferTo);
          else {
            p.outcome = "completed";
            emit(q, "completed", p.entry).put("desk", name).put("service_seconds", service);
          }
          free((int) (60 * Math.exp(0.5 * rnd.nextGaussian())));
        });
      });
    }

    private void free(int turnover) {
      at(now + turnover, () -> {
        busy = false;
        callNext();
      });
    }

    private Person first() {
      Instant day = DATE.atStartOfDay(ZONE).toInstant();
      Map<UUID, Person> byId = new HashMap<>();
      List<Entry> entries = new ArrayList<>();
      for (Person p : q.waiting) {
        UUID id = UUID.nameUUIDFromBytes(p.entry.getBytes(StandardCharsets.UTF_8));
        byId.put(id, p);
        entries.add(new Entry(id, q.spec.id, p.ticket, patients.computeIfAbsent(p.entry, k -> new Patient(k, null,
            null, null, null)), p.priority, p.appointmentT == null ? null : day.plusSeconds(p.appointmentT), null,
            day.plusSeconds(p.placeT), Status.WAITING, day.plusSeconds(p.placeT), null, false, null));
      }
      return byId.get(QueueOrdering.order(entries, q.rule, day.plusSeconds(now)).get(0).id());
    }
  }

  private void transfer(Person p, Q target) {
    p.outcome = "transferred";
    Person moved = person(target, rnd.nextDouble() < 0.15 ? Priority.HIGH : p.priority, "transfer");
    moved.checkinT = now;
    moved.placeT = p.placeT;
    moved.ticket = target.spec.prefix + "-" + String.format(Locale.ROOT, "%03d", ++target.tickets);
    emit(p.q, "transferred_out", p.entry).put("to_queue", target.spec.id).put("to_entry", moved.entry);
    emit(target, "transferred_in", moved.entry).put("ticket", moved.ticket).put("priority", moved.priority.wire())
        .put("appointment_t", (Integer) null).put("place_t", moved.placeT).put("kind", "transfer")
        .put("from_entry", p.entry).put("from_queue", p.q.spec.id);
    join(target, moved, now);
  }

  private final class Person {
    final String entry;
    final Q q;
    final Priority priority;
    final String kind;
    Integer appointmentT;
    String ticket;
    int placeT;
    Integer checkinT;
    Integer startT;
    Integer endT;
    String outcome = "open";
    final List<Integer> calls = new ArrayList<>();

    Person(String entry, Q q, Priority priority, String kind) {
      this.entry = entry;
      this.q = q;
      this.priority = priority;
      this.kind = kind;
    }

    JsonObject truth() {
      return new JsonObject().put("type", "truth").put("entry", entry).put("queue", q.spec.id).put("kind", kind)
          .put("priority", priority.wire()).put("outcome", outcome).put("calls", new JsonArray(new ArrayList<>(calls)))
          .put("checkin_t", checkinT).put("start_t", startT).put("end_t", endT);
    }
  }
}

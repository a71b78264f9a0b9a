package io.waitline.queue.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.spi.tracing.SpanKind;
import io.vertx.core.spi.tracing.TagExtractor;
import io.vertx.core.spi.tracing.VertxTracer;
import io.vertx.core.tracing.TracingOptions;
import io.vertx.core.tracing.TracingPolicy;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.Tuple;
import io.waitline.queue.Entry;
import io.waitline.queue.LinkedEntry;
import io.waitline.queue.Patient;
import io.waitline.queue.Priority;
import io.waitline.queue.QueueDay;
import io.waitline.queue.ServiceQueue;
import io.waitline.queue.ServiceTimeEstimator;
import io.waitline.queue.SimulatedWaitEstimator;
import io.waitline.queue.Site;
import io.waitline.queue.WaitEstimator;
import io.waitline.queue.event.EventType;
import io.waitline.queue.event.QueueEvent;
import io.waitline.queue.event.QueueEventPublisher;
import io.waitline.queue.store.QueueStore;
import io.waitline.queue.store.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What each command costs the database: statements counted by a tracer on the SQL client, and the transactions that
 * wrote the command's rows (the distinct transaction ids on the queue tables of this class's own database). Before
 * this was measured, a check-in took 10 statements plus a read-back of its link, a call-next 11 and a patient's visit
 * 8.
 */
class RoundTripsTest {
  private static final String SITE = "rt-site";
  private static final StatementCounter STATEMENTS = new StatementCounter();
  private static final List<QueueEvent> PUBLISHED = new CopyOnWriteArrayList<>();
  private static final AtomicInteger QUEUES = new AtomicInteger();
  private static final TestClock CLOCK = new TestClock(QueueWorld.START);
  /** The estimator's history of a queue (QueueStore.recentServices). */
  private static final String HISTORY_READ = "WITH served AS";
  /** The lineup's inputs of a queue's day (QueueStore.lineupInputs). */
  private static final String LINEUP_READ = "AND e.status IN ('waiting', 'expected') UNION ALL";
  private static Vertx vertx;
  private static Pool pool;
  private static QueueCommands commands;

  @BeforeAll
  static void start() {
    PgConnectOptions db = TestDatabase.freshDatabase();
    db.setTracingPolicy(TracingPolicy.ALWAYS);
    vertx = Vertx.builder().with(new VertxOptions().setTracingOptions(new TracingOptions()))
        .withTracer(options -> STATEMENTS).build();
    pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(2)).connectingTo(db).using(vertx).build();
    commands = new QueueCommands(pool, new QueueStore(), PUBLISHED::add, new ServiceTimeEstimator(), CLOCK);
    await(commands.createSite(new Site(SITE, "Clinic", QueueWorld.PARIS, "en", "ticket")));
  }

  @AfterAll
  static void stop() {
    await(pool.close());
    await(vertx.close());
  }

  @Test
  void aCheckInIsThreeStatementsInOneTransactionAndAnswersItsLink() {
    ServiceQueue q = queue();
    checkIn(q, "Ann");

    // lock, the entry with its ticket, event: the lineup's inputs and the history Ann's check-in read still hold
    Cost<LinkedEntry> cost = measure(() -> commands.checkIn(q.id(), walkIn("Bob"), "desk"));

    assertThat(cost.result().visitToken()).isEqualTo(await(commands.visitToken(cost.result().entry().id())));
    assertThat(cost.result().entry().ticket()).isEqualTo("R-002");
    assertThat(cost.statements()).as("%s", cost.sql()).hasSize(3).noneMatch(sql -> sql.contains(HISTORY_READ))
        .noneMatch(sql -> sql.contains(LINEUP_READ));
    assertThat(cost.writingTransactions()).isEqualTo(1);
  }

  @Test
  void withTheRelaysNoticeAndTheAuditRowACheckInAndACallNextAreFourStatementsInThreeRoundTrips() {
    ServiceQueue q = queue();
    QueueCommands relayed = new QueueCommands(pool, new QueueStore(), noticing(), new ServiceTimeEstimator(), CLOCK)
        .beforeCommit((c, entry) -> c.query("SELECT 'audit row'").execute());
    await(relayed.checkIn(q.id(), walkIn("Ann"), "desk"));

    // lock, the entry with its ticket, the event with its NOTIFY, the audit row sent behind the event's append
    Cost<LinkedEntry> checkIn = measure(() -> relayed.checkIn(q.id(), walkIn("Bob"), "desk"));
    // lock, the change (its lineup estimated meanwhile), the event with its NOTIFY and the audit row behind it
    Cost<Entry> call = measure(() -> relayed.callNext(q.id(), "Room 1", "desk"));

    for (Cost<?> cost : List.of(checkIn, call)) {
      assertThat(cost.statements()).as("%s", cost.sql()).hasSize(4)
          .noneMatch(sql -> sql.startsWith("SELECT pg_notify")).anyMatch(sql -> sql.contains("pg_notify($6, $7)"));
      assertThat(cost.writingTransactions()).isEqualTo(1);
    }
    assertThat(checkIn.roundTrips()).as("%s", checkIn.sql()).isEqualTo(3);
    // the change and the event's append are one round trip when the change's answer comes back after the estimate
    assertThat(call.roundTrips()).as("%s", call.sql()).isBetween(2, 3);
  }

  @Test
  void aCallNextEstimatesItsLineupWhileItsChangeIsStillOnTheWay() throws Exception {
    ServiceQueue q = queue();
    AtomicReference<CountDownLatch> estimated = new AtomicReference<>(new CountDownLatch(1));
    QueueCommands watched = counting(estimated);
    Entry ann = await(watched.checkIn(q.id(), walkIn("Ann"), "desk")).entry();
    await(watched.checkIn(q.id(), walkIn("Bob"), "desk"));
    estimated.set(new CountDownLatch(1));

    // another transaction holds Ann's row, so the call's change of it waits in PostgreSQL until that one ends
    Entry called = estimatedWhileHeld(estimated, "SELECT 1 FROM entry WHERE id = $1 FOR UPDATE", Tuple.of(ann.id()),
        () -> watched.callNext(q.id(), "Room 1", "desk"));

    assertThat(called.id()).isEqualTo(ann.id());
    assertThat(PUBLISHED.get(PUBLISHED.size() - 1).payload().lineup()).hasSize(1);
  }

  @Test
  void anExpectAllBatchEstimatesItsLineupWhileItsEntriesAreStillOnTheWay() throws Exception {
    ServiceQueue q = queue();
    AtomicReference<CountDownLatch> estimated = new AtomicReference<>(new CountDownLatch(1));
    QueueCommands watched = counting(estimated);
    await(watched.checkIn(q.id(), walkIn("Ann"), "desk"));
    estimated.set(new CountDownLatch(1));
    Instant at = CLOCK.instant().plus(Duration.ofMinutes(30));
    List<CheckIn> ins = List.of(
        new CheckIn(new Patient("Bob", null, null, null, null), Priority.NORMAL, at, "appt-bob"),
        new CheckIn(new Patient("Cy", null, null, null, null), Priority.NORMAL, at.plusSeconds(60), "appt-cy"));

    // another transaction holds the entries' table against writes (not reads, nor the queue's row), so the batch's
    // insert of its entries waits in PostgreSQL until that one ends
    List<Entry> expected = estimatedWhileHeld(estimated, "LOCK TABLE entry IN SHARE MODE", Tuple.tuple(),
        () -> watched.inOneTransaction(b -> b.expectAll(q.id(), ins, List.of("pms", "pms"))));

    assertThat(expected).extracting(e -> e.patient().name()).containsExactly("Bob", "Cy");
    assertThat(PUBLISHED.subList(PUBLISHED.size() - 2, PUBLISHED.size())).extracting(QueueEvent::type)
        .containsOnly(EventType.EXPECTED);
  }

  @Test
  void anExpectAllBatchWhoseEntriesCannotBeWrittenFailsWithThatAndWritesNothing() {
    ServiceQueue q = queue();
    await(commands.checkIn(q.id(), walkIn("Ann"), "desk"));
    Instant at = CLOCK.instant().plus(Duration.ofMinutes(30));
    // the same appointment twice: the entries' insert breaks the queue's unique appointment, after which the events
    // (sent behind it without waiting) fail only because the transaction is aborted
    List<CheckIn> ins = List.of(
        new CheckIn(new Patient("Bob", null, null, null, null), Priority.NORMAL, at, "appt-twice"),
        new CheckIn(new Patient("Cy", null, null, null, null), Priority.NORMAL, at, "appt-twice"));
    int published = PUBLISHED.size();

    Throwable failure = catchThrowable(() -> await(commands.inOneTransaction(b -> b.expectAll(q.id(), ins,
        List.of("pms", "pms")))));

    assertThat(failure).hasMessageContaining("entry_appointment");
    assertThat(PUBLISHED).hasSize(published);
    assertThat(rowsOf("entry", q)).as("Ann's entry alone").isEqualTo(1);
    assertThat(rowsOf("queue_event", q)).as("Ann's check-in's event alone").isEqualTo(1);
    // and the queue goes on: the next command is not held up by what the failed one kept
    assertThat(await(commands.checkIn(q.id(), walkIn("Dee"), "desk")).entry().ticket()).isEqualTo("R-002");
  }

  @Test
  void theFirstCommandOnAQueueReadsItsHistoryAndACallMakesTheNextOneReadItAgain() {
    ServiceQueue q = queue();

    Cost<LinkedEntry> first = measure(() -> commands.checkIn(q.id(), walkIn("Ann"), "desk"));
    await(commands.callNext(q.id(), "Room 1", "desk"));
    Cost<LinkedEntry> afterCall = measure(() -> commands.checkIn(q.id(), walkIn("Bob"), "desk"));

    assertThat(first.statements()).as("%s", first.sql()).hasSize(5).anyMatch(sql -> sql.contains(HISTORY_READ))
        .anyMatch(sql -> sql.contains(LINEUP_READ));
    // the call carried the lineup's inputs to its version, not the history
    assertThat(afterCall.statements()).as("%s", afterCall.sql()).hasSize(4)
        .anyMatch(sql -> sql.contains(HISTORY_READ)).noneMatch(sql -> sql.contains(LINEUP_READ));
  }

  @Test
  void aQueueChangedByAnotherNodeHasItsLineupAndHistoryReadAgain() {
    ServiceQueue q = queue();
    QueueCommands otherNode = new QueueCommands(pool, new QueueStore(), PUBLISHED::add, new ServiceTimeEstimator(),
        CLOCK);
    checkIn(q, "Ann");
    Entry called = await(otherNode.callNext(q.id(), "Room 1", "desk"));
    await(otherNode.startService(called.id(), "doc"));
    await(otherNode.complete(called.id(), "doc"));

    Cost<LinkedEntry> cost = measure(() -> commands.checkIn(q.id(), walkIn("Bob"), "desk"));

    assertThat(cost.statements()).as("%s", cost.sql()).anyMatch(sql -> sql.contains(HISTORY_READ))
        .anyMatch(sql -> sql.contains(LINEUP_READ));
    Cost<LinkedEntry> next = measure(() -> commands.checkIn(q.id(), walkIn("Cid"), "desk"));
    assertThat(next.statements()).as("%s", next.sql()).noneMatch(sql -> sql.contains(HISTORY_READ))
        .noneMatch(sql -> sql.contains(LINEUP_READ));
    // Ann, whom the other node called and served, is gone from the line this node kept
    assertThat(PUBLISHED.get(PUBLISHED.size() - 1).payload().lineup()).extracting(p -> p.entryId().toString())
        .containsExactly(cost.result().entry().id().toString(), next.result().entry().id().toString());
  }

  @Test
  void anHourAfterItWasReadTheHistoryIsReadAgain() {
    ServiceQueue q = queue();
    checkIn(q, "Ann");
    CLOCK.advance(RecentHistories.FRESH_FOR.minusSeconds(1));
    Cost<LinkedEntry> withinTheHour = measure(() -> commands.checkIn(q.id(), walkIn("Bob"), "desk"));
    CLOCK.advance(Duration.ofSeconds(1));

    Cost<LinkedEntry> anHourLater = measure(() -> commands.checkIn(q.id(), walkIn("Cid"), "desk"));

    assertThat(withinTheHour.statements()).as("%s", withinTheHour.sql()).noneMatch(sql -> sql.contains(HISTORY_READ));
    assertThat(anHourLater.statements()).as("%s", anHourLater.sql()).anyMatch(sql -> sql.contains(HISTORY_READ));
  }

  @Test
  void aCallNextIsThreeStatementsAndItsEventCarriesTheLineupItPickedFrom() {
    ServiceQueue q = queue();
    Entry ann = checkIn(q, "Ann");
    Entry bob = checkIn(q, "Bob");
    checkIn(q, "Cid");

    // lock, the change with its transition, event: the lineup's inputs and the history the check-ins read still hold
    Cost<Entry> cost = measure(() -> commands.callNext(q.id(), "Room 1", "desk"));

    assertThat(cost.result().id()).isEqualTo(ann.id());
    assertThat(cost.statements()).as("%s", cost.sql()).hasSize(3);
    assertThat(cost.writingTransactions()).isEqualTo(1);
    // the lineup kept in the transaction is the one a fresh read gives
    QueueEvent called = PUBLISHED.get(PUBLISHED.size() - 1);
    QueueSnapshot now = await(commands.snapshot(q.id()));
    assertThat(called.payload().lineup().stream().map(p -> p.entryId().toString()).toList())
        .containsExactlyElementsOf(now.lineup().places().stream().map(p -> p.entry().id().toString()).toList())
        .first().isEqualTo(bob.id().toString());
    assertThat(called.payload().queue().version()).isEqualTo(now.seq());
  }

  @Test
  void lineupInputsKeptThroughManyCallsGiveTheLineupOfAFreshRead() {
    ServiceQueue q = queue();
    // more calls than the lineup reads at the desks (QueueStore.RECENT_AT_DESKS), a minute apart, by a node that keeps
    // the inputs; with the server's estimator, which learns from the desks and the arrivals among them
    QueueCommands keeping = withServerEstimator();
    for (int i = 0; i < 80; i++) {
      CLOCK.advance(Duration.ofMinutes(1));
      await(keeping.checkIn(q.id(), walkIn("Ann " + i), "desk"));
      if (i % 4 != 3) {
        CLOCK.advance(Duration.ofMinutes(1));
        await(keeping.callNext(q.id(), "Room " + i % 3, "desk"));
      }
    }

    assertLastLineupIsAFreshRead(q, EventType.CHECKED_IN, 20);
  }

  @Test
  void anExpectAllBatchOnAQueueWhoseInputsAreKeptIsFourStatements() {
    ServiceQueue q = queue();
    QueueCommands otherNode = new QueueCommands(pool, new QueueStore(), PUBLISHED::add, new ServiceTimeEstimator(),
        CLOCK);
    Cost<List<Entry>> first = measure(() -> expectAll(commands, q, "A", 0, 16));

    // lock, the entries, their transitions, their events: the first batch's inputs and history still hold
    Cost<List<Entry>> next = measure(() -> expectAll(commands, q, "B", 0, 16));
    await(expectAll(otherNode, q, "C", 0, 1));
    Cost<List<Entry>> afterOtherNode = measure(() -> expectAll(commands, q, "D", 0, 16));

    assertThat(first.statements()).as("%s", first.sql()).anyMatch(sql -> sql.contains(LINEUP_READ));
    assertThat(next.statements()).as("%s", next.sql()).hasSize(4).noneMatch(sql -> sql.contains(LINEUP_READ))
        .noneMatch(sql -> sql.contains(HISTORY_READ));
    assertThat(next.result()).hasSize(16);
    assertThat(next.writingTransactions()).isEqualTo(1);
    assertThat(afterOtherNode.statements()).as("%s", afterOtherNode.sql()).anyMatch(sql -> sql.contains(LINEUP_READ));
  }

  @Test
  void lineupInputsKeptThroughManyExpectAllBatchesGiveTheLineupOfAFreshRead() {
    ServiceQueue q = queue();
    // batches of new appointments, some of them tomorrow's (not among today's inputs), some moved between the days,
    // between check-ins and calls, by a node that keeps the inputs; with the server's estimator, whose draws depend
    // on every expected patient of the day
    QueueCommands keeping = withServerEstimator();
    for (int i = 0; i < 6; i++) await(keeping.checkIn(q.id(), walkIn("Walk-in " + i), "desk"));
    for (int i = 0; i < 30; i++) {
      CLOCK.advance(Duration.ofMinutes(1));
      List<Entry> expected = await(expectAll(keeping, q, "Batch " + i, 4, 2));
      if (i % 5 == 4) {
        Entry today = expected.get(0);
        Entry tomorrow = expected.get(5);
        await(keeping.inOneTransaction(b -> b.reschedule(today.id(), tomorrow.appointmentAt().plusSeconds(60),
                today.patient(), "pms")
            .compose(v -> b.reschedule(tomorrow.id(), today.appointmentAt().plusSeconds(60), tomorrow.patient(),
                "pms"))));
      }
      if (i % 3 == 2) await(keeping.arrive(expected.get(1).id(), "desk"));
      if (i % 4 == 3) await(keeping.callNext(q.id(), "Room " + i % 2, "desk"));
    }
    await(expectAll(keeping, q, "Last", 3, 3));

    assertLastLineupIsAFreshRead(q, EventType.EXPECTED, 9);
  }

  @Test
  void batchesRacingForOneQueueGiveTheLineupOfAFreshReadWithoutReadingItsInputsAgain() {
    ServiceQueue q = queue();
    // two callers (the pool's two connections) each sending batches of new appointments to one queue, each batch as
    // soon as its last one committed: a lock granted before this node handled the last COMMIT's answer waits for the
    // inputs that batch carried (KeptPerVersion.awaited) instead of reading them; two patients wait, so each
    // batch's lineup has estimates, by the server's estimator, whose draws depend on every expected patient
    QueueCommands racing = withServerEstimator();
    await(racing.checkIn(q.id(), walkIn("Ann"), "desk"));
    await(racing.checkIn(q.id(), walkIn("Bob"), "desk"));
    STATEMENTS.start();
    List<Future<Void>> callers = new ArrayList<>();
    for (int caller = 0; caller < 2; caller++) {
      String name = "Caller " + caller;
      Future<Void> chain = Future.succeededFuture();
      for (int i = 0; i < 40; i++) {
        int batch = i;
        chain = chain.compose(v -> expectAll(racing, q, name + " batch " + batch, 4, 0).mapEmpty());
      }
      callers.add(chain);
    }
    await(Future.all(callers));
    List<String> sql = STATEMENTS.stop();

    assertThat(sql.stream().filter(statement -> statement.contains(LINEUP_READ)).count())
        .as("reads of the lineup's inputs among %d statements", sql.size()).isZero();
    assertLastLineupIsAFreshRead(q, EventType.EXPECTED, 2);
  }

  @Test
  void aChangeToTomorrowsAppointmentLeavesItOutOfTheDayTheEstimatorIsGiven() {
    ServiceQueue q = queue();
    // a node that keeps today's inputs, and one that reads them every time, both recording what the estimator is
    // given: tomorrow's patient running late must not join today's expected arrivals
    List<QueueDay> keptDays = new ArrayList<>();
    List<QueueDay> readDays = new ArrayList<>();
    QueueCommands keeping = new QueueCommands(pool, new QueueStore(), PUBLISHED::add, recording(keptDays), CLOCK);
    for (int i = 0; i < 3; i++) await(keeping.checkIn(q.id(), walkIn("Walk-in " + i), "desk"));
    List<Entry> booked = await(expectAll(keeping, q, "Booked", 2, 2));
    await(keeping.checkIn(q.id(), walkIn("Walk-in 3"), "desk"));

    await(keeping.runningLate(booked.get(2).id(), "pms"));
    await(new QueueCommands(pool, new QueueStore(), PUBLISHED::add, recording(readDays), CLOCK)
        .setStaffOnDuty(q.id(), 1, "desk"));

    QueueDay kept = keptDays.get(keptDays.size() - 1);
    QueueDay read = readDays.get(readDays.size() - 1);
    assertThat(kept.expected()).extracting(Entry::id).containsExactlyInAnyOrder(booked.get(0).id(), booked.get(1).id())
        .containsExactlyInAnyOrderElementsOf(read.expected().stream().map(Entry::id).toList());
  }

  /** An estimator that gives no estimates and keeps each day it is given in {@code days}. */
  private static WaitEstimator recording(List<QueueDay> days) {
    return day -> {
      synchronized (days) {
        days.add(day);
      }
      return Map.of();
    };
  }

  /**
   * The last event published, of type {@code type} by a node that kept the queue's lineup inputs, carries the lineup
   * and estimates (of {@code places} waiting) that a node keeping nothing reads at the same moment, for an event that
   * changes no entry.
   */
  private static void assertLastLineupIsAFreshRead(ServiceQueue q, EventType type, int places) {
    QueueEvent kept = PUBLISHED.get(PUBLISHED.size() - 1);
    await(withServerEstimator().setStaffOnDuty(q.id(), 1, "desk"));
    QueueEvent read = PUBLISHED.get(PUBLISHED.size() - 1);

    assertThat(kept.type()).isEqualTo(type);
    assertThat(read.type()).isEqualTo(EventType.STAFF_CHANGED);
    assertThat(kept.payload().lineup()).hasSize(places).containsExactlyElementsOf(read.payload().lineup());
  }

  /**
   * One batch announcing {@code today} appointments later today and {@code tomorrow} for tomorrow (the site's days),
   * in that order.
   */
  private static Future<List<Entry>> expectAll(QueueCommands node, ServiceQueue q, String name, int today,
      int tomorrow) {
    List<CheckIn> ins = new ArrayList<>();
    for (int i = 0; i < today + tomorrow; i++) {
      Instant at = CLOCK.instant().plus(Duration.ofMinutes(20 + 3 * i)).plus(Duration.ofDays(i < today ? 0 : 1));
      ins.add(new CheckIn(new Patient(name + " " + i, null, null, null, null), Priority.NORMAL, at,
          "appt-" + UUID.randomUUID()));
    }
    return node.inOneTransaction(b -> b.expectAll(q.id(), ins, Collections.nCopies(ins.size(), "pms")));
  }

  /** Commands whose estimator counts down the latch {@code estimated} holds each time it estimates. */
  private static QueueCommands counting(AtomicReference<CountDownLatch> estimated) {
    ServiceTimeEstimator estimator = new ServiceTimeEstimator();
    return new QueueCommands(pool, new QueueStore(), PUBLISHED::add, day -> {
      estimated.get().countDown();
      return estimator.estimate(day);
    }, CLOCK);
  }

  /**
   * Runs {@code command} while another transaction holds what {@code hold} takes, so that its write waits in
   * PostgreSQL; checks that its lineup was estimated meanwhile and that it was still waiting; then lets it go on and
   * answers its result.
   */
  private static <T> T estimatedWhileHeld(AtomicReference<CountDownLatch> estimated, String hold, Tuple args,
      Supplier<Future<T>> command) throws InterruptedException {
    SqlConnection holder = await(pool.getConnection());
    Transaction holding = await(holder.begin());
    await(holder.preparedQuery(hold).execute(args));
    Future<T> running;
    try {
      running = command.get();

      assertThat(estimated.get().await(30, TimeUnit.SECONDS)).as("the lineup estimated while the write waits")
          .isTrue();
      assertThat(running.isComplete()).as("the command still waiting for its write").isFalse();
    } finally {
      await(holding.rollback());
      await(holder.close());
    }
    return await(running);
  }

  private static QueueCommands withServerEstimator() {
    return new QueueCommands(pool, new QueueStore(), PUBLISHED::add, new SimulatedWaitEstimator(), CLOCK);
  }

  @Test
  void anEntryCommandLocksItsQueueWithoutReadingTheEntryTwice() {
    ServiceQueue q = queue();
    checkIn(q, "Ann");
    Entry called = await(commands.callNext(q.id(), "Room 1", "desk"));
    await(commands.startService(called.id(), "doc"));

    // lock the entry's queue, read the entry, record the service time, change, lineup and history (the service
    // start changed it), event
    Cost<Entry> cost = measure(() -> commands.complete(called.id(), "doc"));

    assertThat(cost.statements()).as("%s", cost.sql()).hasSize(7);
    assertThat(cost.writingTransactions()).isEqualTo(1);
  }

  @Test
  void pausingAnswersTheQueueAsOfItsEventWithoutReadingItAgain() {
    ServiceQueue q = queue();

    Cost<ServiceQueue> cost = measure(() -> commands.pause(q.id(), true, "desk"));

    assertThat(cost.result().paused()).isTrue();
    assertThat(cost.result().version()).isEqualTo(await(commands.queue(q.id())).version()).isEqualTo(1);
    assertThat(cost.statements()).as("%s", cost.sql()).hasSize(5);
    Cost<ServiceQueue> staff = measure(() -> commands.setStaffOnDuty(q.id(), 3, "desk"));
    assertThat(staff.result().staffOnDuty()).isEqualTo(3);
    assertThat(staff.result().paused()).isTrue();
    assertThat(staff.result().version()).isEqualTo(2);
  }

  @Test
  void aVisitReadsItsEntryQueueAndSiteInOneStatement() {
    ServiceQueue q = queue();
    checkIn(q, "Ann");
    LinkedEntry bob = await(commands.checkIn(q.id(), walkIn("Bob"), "desk"));

    // the isolation level, the visit with its queue and site, then the queue's live entries (the history the
    // check-ins read still holds)
    Cost<VisitView> cost = measure(() -> commands.visit(bob.visitToken()));

    assertThat(cost.result().place().position()).isEqualTo(2);
    assertThat(cost.result().site().id()).isEqualTo(SITE);
    assertThat(cost.statements()).as("%s", cost.sql()).hasSize(3);
    assertThat(cost.writingTransactions()).isZero();
  }

  @Test
  void aTransferHandsBackThePatientsLinkWithoutReadingItAgain() {
    ServiceQueue from = queue();
    ServiceQueue to = queue();
    LinkedEntry ann = await(commands.checkIn(from.id(), walkIn("Ann"), "desk"));

    Cost<LinkedEntry> cost = measure(() -> commands.transfer(ann.entry().id(), to.id(), null, "desk"));

    assertThat(cost.result().visitToken()).isEqualTo(ann.visitToken());
    assertThat(cost.result().entry().queueId()).isEqualTo(to.id());
    // the target queue's lineup inputs and history are read; the source's, read by Ann's check-in, still hold
    assertThat(cost.statements()).as("%s", cost.sql()).hasSize(12);
    assertThat(cost.writingTransactions()).isEqualTo(1);
  }

  @Test
  void workAddedBeforeCommitRunsInTheCommandsTransactionAndSeesItsEntry() {
    ServiceQueue q = queue();
    AtomicReference<Entry> seen = new AtomicReference<>();
    QueueCommands audited = commands.beforeCommit((c, entry) -> {
      seen.set(entry);
      return c.query("SELECT 1").execute();
    });

    Cost<LinkedEntry> cost = measure(() -> audited.checkIn(q.id(), walkIn("Ann"), "desk"));

    assertThat(seen.get()).isEqualTo(cost.result().entry());
    assertThat(cost.statements()).as("%s", cost.sql()).hasSize(6);
    assertThat(cost.writingTransactions()).isEqualTo(1);
  }

  @Test
  void aCommandWhoseBeforeCommitWorkFailsChangesNothingAndPublishesNothing() {
    ServiceQueue q = queue();
    checkIn(q, "Ann");
    int published = PUBLISHED.size();
    QueueCommands failing = commands.beforeCommit((c, entry) ->
        c.query("SELECT 1").execute().compose(v -> Future.failedFuture(new IllegalStateException("audit is down"))));

    Throwable refused = catchThrowable(() -> await(failing.callNext(q.id(), "Room 1", "desk")));
    Throwable notCheckedIn = catchThrowable(() -> await(failing.checkIn(q.id(), walkIn("Bob"), "desk")));

    assertThat(refused).hasMessage("audit is down");
    assertThat(notCheckedIn).hasMessage("audit is down");
    assertThat(PUBLISHED).hasSize(published);
    QueueSnapshot snapshot = await(commands.snapshot(q.id()));
    assertThat(snapshot.entries()).extracting(e -> e.patient().name()).containsExactly("Ann");
    assertThat(snapshot.lineup().places()).hasSize(1);
    assertThat(snapshot.seq()).isEqualTo(1);
    // the rolled-back check-in did not use up a ticket
    assertThat(checkIn(q, "Cid").ticket()).endsWith("-002");
  }

  // --- helpers

  /** A publisher that asks for a NOTIFY with every event, as {@code PgNotifyRelay} does. */
  private static QueueEventPublisher noticing() {
    return new QueueEventPublisher() {
      @Override
      public void publish(QueueEvent event) {
        PUBLISHED.add(event);
      }

      @Override
      public Notice notice(QueueEvent event) {
        return new Notice("round_trips_test", event.queueId() + ":" + event.seq());
      }
    };
  }

  /** {@code roundTrips}: the statements sent while no other was out, each one a wait for PostgreSQL. */
  private record Cost<T>(T result, List<String> sql, int roundTrips, long writingTransactions) {
    List<String> statements() {
      return sql;
    }
  }

  /** Runs one command alone and counts what it sent to PostgreSQL. */
  private static <T> Cost<T> measure(Supplier<Future<T>> command) {
    long before = currentXid();
    STATEMENTS.start();
    T result = await(command.get());
    List<String> sql = STATEMENTS.stop();
    return new Cost<>(result, sql, STATEMENTS.roundTrips(), writingTransactionsAfter(before));
  }

  /** The rows of queue {@code q} in {@code table} (one of the queue tables with a {@code queue_id}). */
  private static long rowsOf(String table, ServiceQueue q) {
    return await(pool.preparedQuery("SELECT count(*) FROM " + table + " WHERE queue_id = $1").execute(Tuple.of(q.id())))
        .iterator().next().getLong(0);
  }

  private static long currentXid() {
    return await(pool.query("SELECT txid_current()").execute()).iterator().next().getLong(0);
  }

  /**
   * The transactions after {@code xid} that wrote rows of the queue tables. Only this class writes in its database, so
   * other tests' transactions elsewhere on the same PostgreSQL (which take transaction ids too) do not count.
   */
  private static long writingTransactionsAfter(long xid) {
    return await(pool.preparedQuery("SELECT count(DISTINCT x::text) FROM (SELECT xmin AS x FROM entry"
            + " UNION ALL SELECT xmin FROM entry_transition UNION ALL SELECT xmin FROM queue_event"
            + " UNION ALL SELECT xmin FROM ticket_counter UNION ALL SELECT xmin FROM service_queue) w"
            + " WHERE x::text::bigint > $1 % 4294967296")
        .execute(Tuple.of(xid))).iterator().next().getLong(0);
  }

  private static ServiceQueue queue() {
    String id = "rt-" + QUEUES.incrementAndGet();
    return await(commands.createQueue(new ServiceQueue(id, SITE, "Queue " + id, "R", QueueWorld.KEEP_PLACE, 600,
        false, 1, 0)));
  }

  private static Entry checkIn(ServiceQueue q, String name) {
    return await(commands.checkIn(q.id(), walkIn(name), "desk")).entry();
  }

  private static CheckIn walkIn(String name) {
    return new CheckIn(new Patient(name, null, null, null, null), Priority.NORMAL, null, null);
  }

  private static <T> T await(Future<T> f) {
    try {
      return f.await(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("no answer within 30 s", e);
    }
  }

  /**
   * Notes the SQL of every statement the client sends while counting, and how many of them went out while no other
   * was waiting for its answer (the others were sent behind one still out: no wait of their own).
   */
  private static final class StatementCounter implements VertxTracer<Object, Object> {
    private static final Object SPAN = new Object();
    private final List<String> sql = new CopyOnWriteArrayList<>();
    private volatile boolean counting;
    private int out;
    private int roundTrips;

    synchronized void start() {
      sql.clear();
      out = 0;
      roundTrips = 0;
      counting = true;
    }

    List<String> stop() {
      counting = false;
      return List.copyOf(sql);
    }

    synchronized int roundTrips() {
      return roundTrips;
    }

    @Override
    public synchronized <R> Object sendRequest(Context context, SpanKind kind, TracingPolicy policy, R request,
        String operation, java.util.function.BiConsumer<String, String> headers, TagExtractor<R> tags) {
      if (!counting) return null;
      sql.add(tags.extract(request).getOrDefault("db.query.text", operation));
      if (out++ == 0) roundTrips++;
      return SPAN;
    }

    @Override
    public synchronized <R> void receiveResponse(Context context, R response, Object payload, Throwable failure,
        TagExtractor<R> tags) {
      if (payload == SPAN) out--;
    }
  }
}

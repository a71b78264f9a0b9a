package io.waitline.queue;

import static io.waitline.queue.Entries.NOW;
import static io.waitline.queue.Entries.entry;
import static io.waitline.queue.Entries.minutesAgo;
import static io.waitline.queue.Entries.waiting;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

class SimulatedWaitEstimatorTest {
  private final SimulatedWaitEstimator estimator = new SimulatedWaitEstimator();
  /** Long enough that nobody in these lines is promoted. */
  private static final OrderingRule RULE =
      new OrderingRule(Duration.ofMinutes(10), Duration.ofHours(10), TransferPolicy.KEEP_PLACE);

  /** {@code count} services of 9 minutes, each followed by a 1-minute turnover, one every 10 minutes. */
  private static List<QueueDay.Served> steadyTenMinuteDesk(int count) {
    List<QueueDay.Served> served = new ArrayList<>();
    for (int i = 0; i < count; i++) served.add(new QueueDay.Served(minutesAgo(10L * i + 12), 540, 600, "Room 1", null));
    return served;
  }

  private static List<Entry> line(int n) {
    List<Entry> line = new ArrayList<>();
    for (int i = 1; i <= n; i++) line.add(waiting(i, minutesAgo(60 - i)));
    return line;
  }

  private static QueueDay day(List<Entry> entries, int staff, List<QueueDay.Shift> rota, List<QueueDay.Served> served) {
    ServiceQueue q = new ServiceQueue("q", "s", "GP", "A", RULE, 540, false, staff, 0);
    return QueueDay.of(entries, q, served, List.of(), rota, NOW);
  }

  private Map<UUID, WaitEstimate> estimate(QueueDay day) {
    return estimator.estimate(day);
  }

  @Property(tries = 2000)
  void aPatientsLeaveDrawIsTheFirstDoubleOfItsStreamBitForBit(@ForAll long seed, @ForAll long kind,
      @ForAll @IntRange(min = 0, max = 200) int run) {
    assertThat(Double.doubleToRawLongBits(SimulatedWaitEstimator.firstDouble(seed, kind, run)))
        .isEqualTo(Double.doubleToRawLongBits(SimulatedWaitEstimator.stream(seed, kind, run).nextDouble()));
  }

  @Property(tries = 300)
  void aRunStartsFromWhatItsSeededStreamsWouldHaveDrawnBitForBit(@ForAll long seed,
      @ForAll @IntRange(min = 0, max = 199) int run) {
    SimulatedWaitEstimator.RunStarts starts = SimulatedWaitEstimator.RunStarts.of(seed);
    Random draws = SimulatedWaitEstimator.stream(seed, 1, run);
    SimulatedWaitEstimator.UnsharedRandom resumed = new SimulatedWaitEstimator.UnsharedRandom();
    resumed.resume(starts.drawsAfterPace[run], starts.secondOfPair[run]);

    assertThat(Double.doubleToRawLongBits(starts.paceDraws[run])).isEqualTo(Double.doubleToRawLongBits(
        draws.nextGaussian()));
    // then the draws a run takes, in a mixed order, the same as the stream's
    for (int i = 0; i < 20; i++) {
      assertThat(Double.doubleToRawLongBits(resumed.nextGaussian())).as("gaussian " + i)
          .isEqualTo(Double.doubleToRawLongBits(draws.nextGaussian()));
      assertThat(Double.doubleToRawLongBits(resumed.nextDouble())).as("double " + i)
          .isEqualTo(Double.doubleToRawLongBits(draws.nextDouble()));
      assertThat(resumed.nextInt(7)).as("int " + i).isEqualTo(draws.nextInt(7));
    }
    assertThat(SimulatedWaitEstimator.stream(seed, 2, run).nextLong())
        .isEqualTo(new Random(starts.starts[run]).nextLong());
    assertThat(SimulatedWaitEstimator.stream(seed, 3, run).nextLong())
        .isEqualTo(new Random(starts.arrivals[run]).nextLong());
  }

  @Property(tries = 300)
  void theUnsharedGeneratorDrawsWhatASeededRandomDrawsBitForBit(@ForAll long seed, @ForAll @IntRange(min = 1,
      max = 1000) int bound) {
    Random expected = new Random(seed);
    SimulatedWaitEstimator.UnsharedRandom unshared = new SimulatedWaitEstimator.UnsharedRandom();
    unshared.setSeed(seed);
    for (int i = 0; i < 30; i++) {
      assertThat(Double.doubleToRawLongBits(unshared.nextGaussian())).as("gaussian " + i)
          .isEqualTo(Double.doubleToRawLongBits(expected.nextGaussian()));
      assertThat(Double.doubleToRawLongBits(unshared.nextDouble())).as("double " + i)
          .isEqualTo(Double.doubleToRawLongBits(expected.nextDouble()));
      assertThat(unshared.nextInt(bound)).as("int " + i).isEqualTo(expected.nextInt(bound));
      assertThat(unshared.nextLong()).as("long " + i).isEqualTo(expected.nextLong());
    }
    unshared.setSeed(~seed);
    expected.setSeed(~seed);
    assertThat(unshared.nextGaussian()).as("seeded again mid-pair").isEqualTo(expected.nextGaussian());
  }

  @Example
  void theFirstInLineWithAnIdleDeskIsCalledNow() {
    List<Entry> line = line(1);

    assertThat(estimate(day(line, 1, List.of(), steadyTenMinuteDesk(30))).get(line.get(0).id()))
        .isEqualTo(new WaitEstimate(0, 0, true));
  }

  @Example
  void eachPlaceBackWaitsAboutOneDeskTimeIncludingTheTurnover() {
    List<Entry> line = line(4);
    Map<UUID, WaitEstimate> est = estimate(day(line, 1, List.of(), steadyTenMinuteDesk(30)));

    // 9-minute services plus 1 minute between patients: 0, 10, 20, 30 minutes (medians of sums of skewed desk times
    // whose pace may drift run a little above)
    assertThat(est.get(line.get(1).id()).p50Minutes()).isBetween(9, 11);
    assertThat(est.get(line.get(2).id()).p50Minutes()).isBetween(19, 23);
    assertThat(est.get(line.get(3).id()).p50Minutes()).isBetween(28, 34);
    assertThat(est.get(line.get(3).id()).p90Minutes()).isGreaterThan(est.get(line.get(3).id()).p50Minutes());
  }

  @Example
  void twoDesksServeTheLineTwiceAsFast() {
    List<Entry> line = line(5);
    Map<UUID, WaitEstimate> est = estimate(day(line, 2, List.of(), steadyTenMinuteDesk(30)));

    assertThat(est.get(line.get(0).id()).p50Minutes()).isZero();
    assertThat(est.get(line.get(1).id()).p50Minutes()).isZero();
    assertThat(est.get(line.get(4).id()).p50Minutes()).isBetween(18, 22);
  }

  @Example
  void aDeskEightMinutesIntoATenMinutePatientFreesUpInAboutTwoMinutes() {
    List<Entry> entries = new ArrayList<>(line(1));
    Entry called = entry(99, Status.CALLED, Priority.NORMAL, minutesAgo(30), null).withStatus(Status.CALLED,
        minutesAgo(8), "Room 1");
    entries.add(called);

    WaitEstimate first = estimate(day(entries, 1, List.of(), steadyTenMinuteDesk(30))).get(entries.get(0).id());

    assertThat(first.p50Minutes()).isBetween(1, 4);
  }

  @Example
  void aDeskThatCalledAgainWithoutCompletingIsBusyOnceWithItsLatestPatient() {
    List<Entry> entries = new ArrayList<>(line(1));
    // Room 1 called a patient 40 minutes ago and never completed them, then called another 8 minutes ago
    entries.add(entry(98, Status.CALLED, Priority.NORMAL, minutesAgo(60), null)
        .withStatus(Status.CALLED, minutesAgo(40), "Room 1"));
    entries.add(entry(99, Status.CALLED, Priority.NORMAL, minutesAgo(30), null)
        .withStatus(Status.CALLED, minutesAgo(8), "Room 1"));

    QueueDay day = day(entries, 1, List.of(), steadyTenMinuteDesk(30));

    assertThat(day.busy()).containsExactly(new QueueDay.Busy("Room 1", minutesAgo(8), false));
  }

  @Example
  void withNobodyOnDutyAndNoRotaThereIsNoEstimate() {
    assertThat(estimate(day(line(3), 0, List.of(), steadyTenMinuteDesk(30)))).isEmpty();
  }

  @Example
  void aClinicianDueInHalfAnHourIsWhenTheFirstPatientIsCalled() {
    List<Entry> line = line(1);
    List<QueueDay.Shift> rota = List.of(new QueueDay.Shift("Room 1", NOW.plusSeconds(1800), NOW.plusSeconds(14400)));

    assertThat(estimate(day(line, 0, rota, steadyTenMinuteDesk(30))).get(line.get(0).id()))
        .isEqualTo(new WaitEstimate(30, 30, true));
  }

  @Example
  void aPlannedBreakHoldsTheLineUntilTheDeskIsBack() {
    List<Entry> line = line(3);
    // on now, a break from 15 to 60 minutes from now
    List<QueueDay.Shift> rota = List.of(
        new QueueDay.Shift("Room 1", minutesAgo(60), NOW.plusSeconds(900)),
        new QueueDay.Shift("Room 1", NOW.plusSeconds(3600), NOW.plusSeconds(14400)));
    Map<UUID, WaitEstimate> est = estimate(day(line, 1, rota, steadyTenMinuteDesk(30)));

    assertThat(est.get(line.get(1).id()).p50Minutes()).isBetween(9, 11);
    assertThat(est.get(line.get(2).id()).p50Minutes()).isEqualTo(60);
  }

  @Example
  void aDeskWhoseShiftEndsWhileAnotherCarriesOnStopsCallingThenButTheLastDeskSeesTheLine() {
    List<Entry> line = line(6);
    List<QueueDay.Served> served = new ArrayList<>(steadyTenMinuteDesk(30));
    for (QueueDay.Served s : steadyTenMinuteDesk(30)) {
      served.add(new QueueDay.Served(s.completedAt(), s.serviceSeconds(), s.deskSeconds(), "Room 2", null));
    }
    List<QueueDay.Shift> roomOneLeavesSoon = List.of(
        new QueueDay.Shift("Room 1", minutesAgo(60), NOW.plusSeconds(900)),
        new QueueDay.Shift("Room 2", minutesAgo(60), NOW.plusSeconds(14400)));
    List<QueueDay.Shift> bothStay = List.of(new QueueDay.Shift("Room 1", minutesAgo(60), NOW.plusSeconds(14400)),
        new QueueDay.Shift("Room 2", minutesAgo(60), NOW.plusSeconds(14400)));
    List<QueueDay.Shift> bothLeaveSoon = List.of(new QueueDay.Shift("Room 1", minutesAgo(60), NOW.plusSeconds(900)),
        new QueueDay.Shift("Room 2", minutesAgo(60), NOW.plusSeconds(900)));
    UUID last = line.get(5).id();

    // two desks call at 0 and 10 minutes; after 15 only Room 2 calls: the sixth patient at about 30, not 20
    assertThat(estimate(day(line, 2, bothStay, served)).get(last).p50Minutes()).isBetween(17, 23);
    assertThat(estimate(day(line, 2, roomOneLeavesSoon, served)).get(last).p50Minutes()).isBetween(27, 33);
    // when every shift ends at once, those desks still see the patients already in line
    assertThat(estimate(day(line, 2, bothLeaveSoon, served)).get(last).p50Minutes()).isBetween(17, 23);
  }

  @Example
  void aShiftThatIsOverCallsNobody() {
    List<QueueDay.Shift> rota = List.of(new QueueDay.Shift("Room 1", minutesAgo(240), minutesAgo(10)));

    assertThat(estimate(day(line(2), 1, rota, steadyTenMinuteDesk(30)))).isEmpty();
  }

  @Example
  void anUrgentWalkInRateMakesTheBackOfTheLineWaitLonger() {
    List<Entry> entries = new ArrayList<>(line(6));
    QueueDay calm = day(entries, 1, List.of(), steadyTenMinuteDesk(30));
    // three urgent walk-ins in the last hour, already served
    List<QueueDay.Served> served = new ArrayList<>(steadyTenMinuteDesk(30));
    for (int i = 0; i < 3; i++) {
      served.set(i, new QueueDay.Served(minutesAgo(10L * i + 1), 540, 600, "Room 1",
          new QueueDay.Arrival(minutesAgo(15L * i + 20), Priority.URGENT, true, null)));
    }
    QueueDay urgentDay = day(entries, 1, List.of(), served);

    UUID last = entries.get(5).id();
    assertThat(estimate(urgentDay).get(last).p50Minutes()).isGreaterThan(estimate(calm).get(last).p50Minutes());
  }

  @Example
  void aRotaDeskOnDutyForAWhileThatHasCalledNobodyIsNotCountedOnToCallNow() {
    List<Entry> line = line(1);
    // on duty by the rota since 11 minutes ago; its last service ended 12 minutes ago, before the shift began
    List<QueueDay.Shift> rota = List.of(new QueueDay.Shift("Room 1", minutesAgo(11), NOW.plusSeconds(14400)));
    List<QueueDay.Shift> justStarted = List.of(new QueueDay.Shift("Room 1", minutesAgo(2), NOW.plusSeconds(14400)));

    assertThat(estimate(day(line, 1, justStarted, steadyTenMinuteDesk(30))).get(line.get(0).id()).p50Minutes())
        .isZero();
    assertThat(estimate(day(line, 1, rota, steadyTenMinuteDesk(30))).get(line.get(0).id()).p50Minutes())
        .isPositive();
  }

  @Example
  void whenPatientsLeaveTheLineThoseBehindWaitLess() {
    List<Entry> line = line(10);
    ServiceQueue q = new ServiceQueue("q", "s", "GP", "A", RULE, 540, false, 1, 0);
    List<QueueDay.Left> leaving = new ArrayList<>();
    for (int i = 0; i < 6; i++) leaving.add(new QueueDay.Left(minutesAgo(60L + 10 * i), minutesAgo(10L * i), true));
    QueueDay stay = QueueDay.of(line, q, steadyTenMinuteDesk(30), List.of(), List.of(), NOW);
    QueueDay leave = QueueDay.of(line, q, steadyTenMinuteDesk(30), leaving, List.of(), NOW);

    UUID last = line.get(9).id();
    assertThat(estimate(leave).get(last).p50Minutes()).isLessThan(estimate(stay).get(last).p50Minutes());
  }

  @Example
  void beforeAnyoneHasGivenUpTodayWalkInsFarBackStillExpectSomeAheadToGiveUp() {
    List<Entry> line = line(15);
    QueueDay day = day(line, 1, List.of(), steadyTenMinuteDesk(30));
    var learned = SimulatedWaitEstimator.Parameters.LEARNED;
    var nobodyGivesUp = new SimulatedWaitEstimator.Parameters(learned.halfLifeMinutes(), learned.priorWeight(),
        learned.drift(), learned.absentMinutes(), 0, learned.seed());

    UUID last = line.get(14).id();
    assertThat(learned.walkInLeavesPerHour()).isPositive();
    assertThat(estimate(day).get(last).p50Minutes())
        .isLessThan(new SimulatedWaitEstimator(nobodyGivesUp).estimate(day).get(last).p50Minutes());
  }

  @Example
  void walkInsGivingUpSayNothingAboutPatientsWithAppointments() {
    List<Entry> line = new ArrayList<>();
    for (int i = 1; i <= 10; i++) {
      line.add(entry(i, Status.WAITING, Priority.NORMAL, minutesAgo(60 - i), minutesAgo(60 - i)));
    }
    ServiceQueue q = new ServiceQueue("q", "s", "GP", "A", RULE, 540, false, 1, 0);
    List<QueueDay.Left> walkInsLeaving = new ArrayList<>();
    for (int i = 0; i < 6; i++) walkInsLeaving.add(new QueueDay.Left(minutesAgo(60L + 10 * i), minutesAgo(10L * i), true));

    assertThat(estimate(QueueDay.of(line, q, steadyTenMinuteDesk(30), walkInsLeaving, List.of(), NOW)))
        .isEqualTo(estimate(QueueDay.of(line, q, steadyTenMinuteDesk(30), List.of(), List.of(), NOW)));
  }

  @Example
  void theSameMomentAlwaysGivesTheSameEstimates() {
    QueueDay day = day(line(12), 2, List.of(), steadyTenMinuteDesk(30));

    assertThat(estimate(day)).isEqualTo(estimate(day));
  }

  @Property(tries = 60)
  void p50IsNeverAboveP90(@ForAll @IntRange(min = 1, max = 25) int waiting, @ForAll @IntRange(max = 4) int staff,
      @ForAll @IntRange(min = 60, max = 3600) int serviceSeconds, @ForAll @IntRange(max = 40) int history) {
    QueueDay day = day(line(waiting), staff, List.of(), variedHistory(history, serviceSeconds));

    assertThat(estimate(day).values()).allSatisfy(w -> assertThat(w.p50Minutes()).isLessThanOrEqualTo(w.p90Minutes()));
  }

  @Property(tries = 60)
  void addingAPatientAheadNeverShortensAnyonesEstimate(@ForAll @IntRange(min = 1, max = 25) int waiting,
      @ForAll @IntRange(min = 1, max = 4) int staff, @ForAll @IntRange(min = 60, max = 3600) int serviceSeconds,
      @ForAll @IntRange(max = 40) int history, @ForAll @IntRange(min = 0, max = 25) int at) {
    List<Entry> line = line(waiting);
    List<Entry> longer = new ArrayList<>(line);
    int ahead = Math.min(at, waiting - 1);
    Instant place = line.get(ahead).placeAt().minusSeconds(1);
    longer.add(waiting(500, place));
    List<QueueDay.Served> served = variedHistory(history, serviceSeconds);

    Map<UUID, WaitEstimate> before = estimate(day(line, staff, List.of(), served));
    Map<UUID, WaitEstimate> after = estimate(day(longer, staff, List.of(), served));

    for (Entry e : line) {
      assertThat(after.get(e.id()).p50Minutes()).isGreaterThanOrEqualTo(before.get(e.id()).p50Minutes());
      assertThat(after.get(e.id()).p90Minutes()).isGreaterThanOrEqualTo(before.get(e.id()).p90Minutes());
    }
  }

  @Property(tries = 60)
  void moreStaffNeverLengthensAnyonesEstimate(@ForAll @IntRange(min = 1, max = 25) int waiting,
      @ForAll @IntRange(min = 1, max = 4) int staff, @ForAll @IntRange(min = 60, max = 3600) int serviceSeconds,
      @ForAll @IntRange(max = 40) int history, @ForAll @IntRange(max = 2) int busy) {
    List<Entry> entries = new ArrayList<>(line(waiting));
    for (int i = 0; i < busy; i++) {
      entries.add(entry(200 + i, Status.WAITING, Priority.NORMAL, minutesAgo(90), null)
          .withStatus(Status.IN_SERVICE, minutesAgo(3 + 4L * i), "Room " + i));
    }
    List<QueueDay.Served> served = variedHistory(history, serviceSeconds);

    Map<UUID, WaitEstimate> fewer = estimate(day(entries, staff, List.of(), served));
    Map<UUID, WaitEstimate> more = estimate(day(entries, staff + 1, List.of(), served));

    assertThat(more.keySet()).isEqualTo(fewer.keySet());
    fewer.forEach((id, w) -> {
      assertThat(more.get(id).p50Minutes()).isLessThanOrEqualTo(w.p50Minutes());
      assertThat(more.get(id).p90Minutes()).isLessThanOrEqualTo(w.p90Minutes());
    });
  }

  /** Services around {@code seconds}, varying ±50%, one every {@code seconds}. */
  private static List<QueueDay.Served> variedHistory(int count, int seconds) {
    List<QueueDay.Served> served = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int s = seconds / 2 + (int) ((i * 7919L) % seconds);
      served.add(new QueueDay.Served(NOW.minusSeconds((long) seconds * (i + 1)), s, i % 3 == 0 ? null : s + 45,
          null, null));
    }
    return served;
  }
}

package io.waitline.queue.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.waitline.queue.Entry;
import io.waitline.queue.OrderingRule;
import io.waitline.queue.Patient;
import io.waitline.queue.Priority;
import io.waitline.queue.ServiceQueue;
import io.waitline.queue.Site;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The self check-in lookup: today's expected patients of a site, by name and date of birth. */
class ExpectedTodayTest {
  private static final LocalDate BORN = LocalDate.of(1980, 4, 23);
  @RegisterExtension static final QueueWorld world = QueueWorld.perClass(4);

  @BeforeEach
  void nineOClock() {
    world.clock.set(QueueWorld.START);
  }

  @Test
  void findsTodaysExpectedPatientByNameIgnoringCaseAndSpacingAndByBirthDate() {
    String site = newSite();
    ServiceQueue q = world.queue(site, "K", OrderingRule.DEFAULT, 1);
    Entry expected = expect(q, "Ann  Lee", BORN, Duration.ofMinutes(30), "k-1");

    var found = world.get(world.commands.expectedToday(site, "  ann lee ", BORN));

    assertThat(found).extracting(Entry::id).containsExactly(expected.id());
  }

  @Test
  void leavesOutOtherBirthDatesOtherDaysOtherSitesAndPatientsWhoHaveArrived() {
    String site = newSite();
    ServiceQueue q = world.queue(site, "K", OrderingRule.DEFAULT, 1);
    ServiceQueue elsewhere = world.queue(newSite(), "K", OrderingRule.DEFAULT, 1);
    expect(q, "Ann Lee", BORN.plusDays(1), Duration.ofMinutes(30), "k-2");
    expect(q, "Ann Lee", BORN, Duration.ofDays(1), "k-3");
    expect(elsewhere, "Ann Lee", BORN, Duration.ofMinutes(30), "k-4");
    Entry arrived = expect(q, "Ann Lee", BORN, Duration.ofMinutes(40), "k-5");
    world.get(world.commands.arrive(arrived.id(), "desk"));
    expect(q, "Ann Leeson", BORN, Duration.ofMinutes(30), "k-6");

    assertThat(world.get(world.commands.expectedToday(site, "Ann Lee", BORN))).isEmpty();
  }

  @Test
  void twoAppointmentsTodayAreBothFoundSoTheKioskCanSendThePatientToTheDesk() {
    String site = newSite();
    ServiceQueue general = world.queue(site, "K", OrderingRule.DEFAULT, 1);
    ServiceQueue lab = world.queue(site, "L", OrderingRule.DEFAULT, 1);
    expect(general, "Ann Lee", BORN, Duration.ofMinutes(30), "k-7");
    expect(lab, "Ann Lee", BORN, Duration.ofMinutes(60), "k-8");

    assertThat(world.get(world.commands.expectedToday(site, "ANN LEE", BORN))).hasSize(2);
  }

  private static int sites;

  private static String newSite() {
    String id = "kiosk-site-" + ++sites;
    world.get(world.commands.createSite(new Site(id, "Clinic " + id, QueueWorld.PARIS, "en", "ticket")));
    return id;
  }

  private static Entry expect(ServiceQueue q, String name, LocalDate born, Duration fromNow, String ref) {
    Instant at = world.clock.instant().plus(fromNow);
    return world.get(world.commands.expect(q.id(),
        new CheckIn(new Patient(name, born, null, null, null), Priority.NORMAL, at, ref), "pms")).entry();
  }
}

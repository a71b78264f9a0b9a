package io.waitline.queue.command;

import static io.waitline.queue.command.QueueWorld.assertHumanSentence;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.waitline.queue.Entry;
import io.waitline.queue.OrderingRule;
import io.waitline.queue.Priority;
import io.waitline.queue.QueueException;
import io.waitline.queue.ServiceQueue;
import io.waitline.queue.Site;
import io.waitline.queue.Status;
import io.waitline.queue.TransferPolicy;
import java.time.Duration;
import java.time.ZoneId;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Moving a patient between queues of one site: place, ticket, link, and what is refused. */
class TransferTest {
  private static final OrderingRule BACK_OF_QUEUE =
      new OrderingRule(Duration.ofMinutes(10), Duration.ofMinutes(90), TransferPolicy.BACK_OF_QUEUE);
  @RegisterExtension static final QueueWorld world = QueueWorld.perClass(4);

  @BeforeEach
  void nineOClock() {
    world.clock.set(QueueWorld.START);
  }

  /** Ann arrives at the lab at 09:00; Bob and Cid arrive at X-ray at 09:10 and 09:20; Ann is sent on at 09:30. */
  private Entry[] annSentToXrayAfterBobAndCid(ServiceQueue lab, ServiceQueue xray) {
    Entry ann = world.checkIn(lab, "Ann Lee");
    world.clock.advance(Duration.ofMinutes(10));
    world.checkIn(xray, "Bob Ray");
    world.clock.advance(Duration.ofMinutes(10));
    world.checkIn(xray, "Cid Cox");
    world.clock.advance(Duration.ofMinutes(10));
    Entry moved = world.get(world.commands.transfer(ann.id(), xray.id(), null, "desk")).entry();
    return new Entry[] {ann, moved};
  }

  @Test
  void intoAKeepPlaceQueueThePatientKeepsTheirOriginalArrivalAndGoesAheadOfLaterArrivals() {
    ServiceQueue lab = world.queue("L");
    ServiceQueue xray = world.queue(QueueWorld.SITE, "X", QueueWorld.KEEP_PLACE, 1);

    Entry[] annAndMoved = annSentToXrayAfterBobAndCid(lab, xray);

    assertThat(annAndMoved[1].placeAt()).isEqualTo(annAndMoved[0].placeAt());
    assertThat(world.line(xray)).containsExactly("X-003", "X-001", "X-002");
  }

  @Test
  void intoABackOfQueueQueueThePatientJoinsAtTheEnd() {
    ServiceQueue lab = world.queue("L");
    ServiceQueue xray = world.queue(QueueWorld.SITE, "X", BACK_OF_QUEUE, 1);

    Entry[] annAndMoved = annSentToXrayAfterBobAndCid(lab, xray);

    assertThat(annAndMoved[1].placeAt()).isEqualTo(world.clock.instant());
    assertThat(world.line(xray)).containsExactly("X-001", "X-002", "X-003");
  }

  @Test
  void theOldEntryEndsAsTransferredAndTheNewOneWaitsWithATicketOfTheTargetQueue() {
    ServiceQueue lab = world.queue("L");
    ServiceQueue xray = world.queue("X");
    Entry ann = world.checkIn(lab, "Ann Lee", Priority.HIGH);
    world.checkIn(xray, "Bob Ray");

    Entry moved = world.get(world.commands.transfer(ann.id(), xray.id(), null, "desk")).entry();

    assertThat(world.entry(ann).status()).isEqualTo(Status.TRANSFERRED);
    assertThat(moved.id()).isNotEqualTo(ann.id());
    assertThat(moved.queueId()).isEqualTo(xray.id());
    assertThat(moved.ticket()).isEqualTo("X-002");
    assertThat(moved.status()).isEqualTo(Status.WAITING);
    assertThat(moved.transferredFrom()).isEqualTo(ann.id());
    assertThat(moved.patient()).isEqualTo(ann.patient());
    assertThat(moved.priority()).isEqualTo(Priority.HIGH);
    assertThat(world.entry(moved)).isEqualTo(moved);
    assertThat(world.line(lab)).isEmpty();
  }

  @Test
  void aNewPriorityCanBeGivenOnTransfer() {
    ServiceQueue lab = world.queue("L");
    ServiceQueue xray = world.queue("X");
    world.checkIn(xray, "Bob Ray");
    Entry ann = world.checkIn(lab, "Ann Lee");

    Entry moved = world.get(world.commands.transfer(ann.id(), xray.id(), Priority.URGENT, "doc")).entry();

    assertThat(moved.priority()).isEqualTo(Priority.URGENT);
    assertThat(world.line(xray)).containsExactly("X-002", "X-001");
  }

  @Test
  void thePatientsLinkFollowsThemToTheNewEntryAndTheOldEntryGetsADeadOne() {
    ServiceQueue lab = world.queue("L");
    ServiceQueue xray = world.queue("X");
    world.checkIn(xray, "Bob Ray");
    Entry ann = world.checkIn(lab, "Ann Lee");
    String token = world.get(world.commands.visitToken(ann.id()));

    Entry moved = world.get(world.commands.transfer(ann.id(), xray.id(), null, "desk")).entry();

    assertThat(world.get(world.commands.visitToken(moved.id()))).isEqualTo(token);
    String oldToken = world.get(world.commands.visitToken(ann.id()));
    assertThat(oldToken).isNotEqualTo(token);
    VisitView view = world.get(world.commands.visit(token));
    assertThat(view.entry().id()).isEqualTo(moved.id());
    assertThat(view.queue().id()).isEqualTo(xray.id());
    assertThat(view.place().position()).isEqualTo(2);
    assertThat(catchThrowable(() -> world.get(world.commands.visit(oldToken))))
        .isInstanceOf(QueueException.Gone.class);
  }

  @Test
  void aCalledOrInServicePatientCanBeTransferred() {
    ServiceQueue lab = world.queue("L");
    ServiceQueue xray = world.queue("X");
    Entry ann = world.checkIn(lab, "Ann Lee");
    world.get(world.commands.callNext(lab.id(), "Room 1", "desk"));
    world.get(world.commands.startService(ann.id(), "doc"));

    Entry moved = world.get(world.commands.transfer(ann.id(), xray.id(), null, "doc")).entry();

    assertThat(moved.status()).isEqualTo(Status.WAITING);
    assertThat(moved.calledTo()).isNull();
    assertThat(world.entry(ann).status()).isEqualTo(Status.TRANSFERRED);
  }

  @Test
  void aTransferToAQueueOfAnotherSiteIsRefusedAndChangesNothing() {
    world.get(world.commands.createSite(new Site("site-2", "Other clinic", ZoneId.of("Europe/Paris"), "en",
        "initials")));
    ServiceQueue lab = world.queue("L");
    ServiceQueue elsewhere = world.queue("site-2", "E", QueueWorld.KEEP_PLACE, 1);
    Entry ann = world.checkIn(lab, "Ann Lee");

    Throwable refusal = catchThrowable(() -> world.get(world.commands.transfer(ann.id(), elsewhere.id(), null, "d")));

    assertThat(refusal).isInstanceOf(QueueException.Invalid.class).hasMessageContaining("another site");
    assertHumanSentence(refusal);
    assertThat(world.entry(ann)).isEqualTo(ann);
    assertThat(world.events(lab)).hasSize(1);
    assertThat(world.events(elsewhere)).isEmpty();
    assertThat(world.count("SELECT count(*) FROM ticket_counter WHERE queue_id = $1", elsewhere.id())).isZero();
  }

  @Test
  void aTransferIntoTheSameQueueIsRefused() {
    ServiceQueue lab = world.queue("L");
    Entry ann = world.checkIn(lab, "Ann Lee");

    Throwable refusal = catchThrowable(() -> world.get(world.commands.transfer(ann.id(), lab.id(), null, "desk")));

    assertThat(refusal).isInstanceOf(QueueException.Invalid.class);
    assertHumanSentence(refusal);
    assertThat(world.entry(ann)).isEqualTo(ann);
    assertThat(world.events(lab)).hasSize(1);
  }

  @Test
  void aTransferToAnUnknownQueueIsNotFoundAndChangesNothing() {
    ServiceQueue lab = world.queue("L");
    Entry ann = world.checkIn(lab, "Ann Lee");

    assertThat(catchThrowable(() -> world.get(world.commands.transfer(ann.id(), "no-such-queue", null, "desk"))))
        .isInstanceOf(QueueException.NotFound.class);
    assertThat(world.entry(ann)).isEqualTo(ann);
  }

  @Test
  void anEndedVisitCannotBeTransferred() {
    ServiceQueue lab = world.queue("L");
    ServiceQueue xray = world.queue("X");
    Entry ann = world.checkIn(lab, "Ann Lee");
    world.get(world.commands.leave(ann.id(), "patient"));

    Throwable refusal = catchThrowable(() -> world.get(world.commands.transfer(ann.id(), xray.id(), null, "desk")));

    assertThat(refusal).isInstanceOf(QueueException.Conflict.class);
    assertHumanSentence(refusal);
    assertThat(world.events(xray)).isEmpty();
  }
}

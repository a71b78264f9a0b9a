package io.waitline.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.waitline.load.CallLedger.Called;
import io.waitline.load.CallLedger.Findings;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CallLedgerTest {

  private static CallLedger threeCheckedIn() {
    CallLedger ledger = new CallLedger();
    for (int n = 1; n <= 3; n++) ledger.checkedIn("q", "e" + n, ticket(n));
    return ledger;
  }

  private static String ticket(int n) {
    return String.format("DA-%03d", n);
  }

  /** Patient n called to {@code desk}, as the event log says. */
  private static Called called(int n, String desk) {
    return new Called("e" + n, ticket(n), Instant.parse("2026-11-30T09:00:00Z").plusMillis(n), desk);
  }

  @Test
  void everyPatientCalledOnceInTicketOrderIsClean() {
    CallLedger ledger = threeCheckedIn();
    ledger.handedOut("q", "e2", "Desk 2"); // answers may arrive in any order; the log is the server's order
    ledger.handedOut("q", "e1", "Desk 1");
    ledger.handedOut("q", "e3", "Drain");
    Findings f = ledger.check(Map.of("q", List.of(called(1, "Desk 1"), called(2, "Desk 2"), called(3, "Drain"))));
    assertThat(f.checkedIn()).isEqualTo(3);
    assertThat(f.handedOut()).isEqualTo(3);
    assertThat(f.problems()).isZero();
  }

  @Test
  void oneEntryHandedToTwoDesksIsCaughtAndTheLogDisagrees() {
    CallLedger ledger = threeCheckedIn();
    ledger.handedOut("q", "e1", "Desk 1");
    ledger.handedOut("q", "e1", "Desk 2");
    ledger.handedOut("q", "e2", "Desk 1");
    ledger.handedOut("q", "e3", "Desk 2");
    Findings f = ledger.check(Map.of("q", List.of(called(1, "Desk 1"), called(2, "Desk 1"), called(3, "Desk 2"))));
    assertThat(f.handedToTwoDesks()).isEqualTo(1);
    assertThat(f.answersNotInLog()).isEqualTo(1);
    assertThat(f.problems()).isEqualTo(2);
  }

  @Test
  void aPatientNeverCalledIsLost() {
    CallLedger ledger = threeCheckedIn();
    ledger.handedOut("q", "e1", "Desk 1");
    ledger.handedOut("q", "e3", "Desk 1");
    Findings f = ledger.check(Map.of("q", List.of(called(1, "Desk 1"), called(3, "Desk 1"))));
    assertThat(f.neverCalled()).isEqualTo(1);
    assertThat(f.calledOutOfOrder()).isZero();
  }

  @Test
  void ticketsTakenOutOfArrivalOrderAreNotedButCalledByArrivalIsNoSkip() {
    CallLedger ledger = threeCheckedIn();
    for (int n = 1; n <= 3; n++) ledger.handedOut("q", "e" + n, "Desk 1");
    Instant t = Instant.parse("2026-11-30T09:00:00Z");
    Findings f = ledger.check(Map.of("q", List.of(new Called("e2", ticket(2), t, "Desk 1"),
        new Called("e1", ticket(1), t.plusMillis(1), "Desk 1"), called(3, "Desk 1"))));
    assertThat(f.ticketOrderInversions()).isEqualTo(1);
    assertThat(f.problems()).isZero();
  }

  @Test
  void aLaterArrivalCalledBeforeAnEarlierOneIsASkip() {
    CallLedger ledger = threeCheckedIn();
    ledger.handedOut("q", "e1", "Desk 1");
    ledger.handedOut("q", "e2", "Desk 1");
    ledger.handedOut("q", "e3", "Desk 1");
    Findings f = ledger.check(Map.of("q", List.of(called(1, "Desk 1"), called(3, "Desk 1"), called(2, "Desk 1"))));
    assertThat(f.calledOutOfOrder()).isEqualTo(1);
    assertThat(f.neverCalled()).isZero();
  }

  @Test
  void aCallOfAnEntryFromNowhereOrAnotherQueueIsUnknown() {
    CallLedger ledger = new CallLedger();
    ledger.checkedIn("q", "e1", "DA-001");
    ledger.checkedIn("r", "f1", "DB-001");
    ledger.handedOut("q", "e1", "Desk 1");
    ledger.handedOut("q", "f1", "Desk 1");
    ledger.handedOut("q", "x", "Desk 1");
    Instant t = Instant.parse("2026-11-30T09:00:01Z");
    Findings f = ledger.check(Map.of("q", List.of(called(1, "Desk 1"), new Called("f1", "DB-001", t, "Desk 1"),
        new Called("x", "DA-002", t, "Desk 1"))));
    assertThat(f.unknownCalled()).isEqualTo(2);
  }

  @Test
  void aDeskMayHearOfAPatientBeforeTheirCheckInAnswerArrives() {
    CallLedger ledger = new CallLedger();
    ledger.handedOut("q", "e1", "Desk 1");
    ledger.checkedIn("q", "e1", ticket(1));
    assertThat(ledger.check(Map.of("q", List.of(called(1, "Desk 1")))).problems()).isZero();
  }

  @Test
  void ticketsRepeatOnlyWithinOneQueue() {
    CallLedger ledger = new CallLedger();
    ledger.checkedIn("q", "e1", "A-001");
    ledger.checkedIn("r", "f1", "A-001"); // another queue may use the same code
    ledger.checkedIn("q", "e2", "A-001");
    assertThat(ledger.check(Map.of()).duplicateTickets()).isEqualTo(1);
  }

  @Test
  void ticketNumbersAreReadPastThePrefixAndBeyondThreeDigits() {
    assertThat(CallLedger.ticketNumber("DA-042")).isEqualTo(42);
    assertThat(CallLedger.ticketNumber("A-1204")).isEqualTo(1204);
  }
}

package io.waitline.sync.writeback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hl7.fhir.r4.model.Appointment.AppointmentStatus.ARRIVED;
import static org.hl7.fhir.r4.model.Appointment.AppointmentStatus.BOOKED;
import static org.hl7.fhir.r4.model.Appointment.AppointmentStatus.CANCELLED;
import static org.hl7.fhir.r4.model.Appointment.AppointmentStatus.CHECKEDIN;
import static org.hl7.fhir.r4.model.Appointment.AppointmentStatus.FULFILLED;
import static org.hl7.fhir.r4.model.Appointment.AppointmentStatus.NOSHOW;
import static org.hl7.fhir.r4.model.Appointment.AppointmentStatus.PENDING;

import io.waitline.queue.Entry;
import io.waitline.queue.Patient;
import io.waitline.queue.Priority;
import io.waitline.queue.Status;
import io.waitline.queue.event.EventType;
import io.waitline.queue.event.QueueEvent;
import io.waitline.queue.event.QueueEventPayload;
import io.waitline.sync.writeback.WriteBackRule.Decision;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Which queue events a source hears of, and when a status is written over the one the source has. */
class WriteBackRuleTest {
  private static final UUID SOURCE = UUID.randomUUID();

  private static QueueEvent event(EventType type, String appointmentRef) {
    Instant now = Instant.parse("2026-11-20T09:00:00Z");
    Entry e = new Entry(UUID.randomUUID(), "general", "A-001", new Patient("Ann Lee", null, null, null, null),
        Priority.NORMAL, now, appointmentRef, now, Status.WAITING, now, null, false, null);
    return new QueueEvent("general", "clinic", 1, type, new QueueEventPayload(1, e, List.of(), null), now);
  }

  @Test
  void checkInCompletionAndNoShowOfAnEntryFromASourceAreItsArrivedFulfilledAndNoshow() {
    String ref = SOURCE + ":Appointment/a1";
    assertThat(WriteBackRule.of(event(EventType.CHECKED_IN, ref)))
        .contains(new WriteBackRule.Intent(SOURCE, "Appointment/a1", ARRIVED));
    assertThat(WriteBackRule.of(event(EventType.COMPLETED, ref)))
        .contains(new WriteBackRule.Intent(SOURCE, "Appointment/a1", FULFILLED));
    assertThat(WriteBackRule.of(event(EventType.NO_SHOW, ref)))
        .contains(new WriteBackRule.Intent(SOURCE, "Appointment/a1", NOSHOW));
    assertThat(WriteBackRule.of(event(EventType.CALLED, ref))).isEmpty();
  }

  @Test
  void entriesNotFromASourceAreNotWrittenAnywhere() {
    assertThat(WriteBackRule.of(event(EventType.CHECKED_IN, null))).isEmpty();
    assertThat(WriteBackRule.of(event(EventType.CHECKED_IN, "REF-42"))).isEmpty();
    assertThat(WriteBackRule.of(event(EventType.CHECKED_IN, "desk:Appointment/a1"))).isEmpty();
    assertThat(WriteBackRule.of(event(EventType.CHECKED_IN, SOURCE + ":row-7"))).isEmpty();
  }

  @Test
  void aStatusIsWrittenOnlyOverOneLessFarAlong() {
    assertThat(WriteBackRule.decide(BOOKED, ARRIVED)).isEqualTo(Decision.APPLY);
    assertThat(WriteBackRule.decide(PENDING, NOSHOW)).isEqualTo(Decision.APPLY);
    assertThat(WriteBackRule.decide(ARRIVED, FULFILLED)).isEqualTo(Decision.APPLY);
    assertThat(WriteBackRule.decide(ARRIVED, ARRIVED)).isEqualTo(Decision.ALREADY);
    assertThat(WriteBackRule.decide(CHECKEDIN, ARRIVED)).isEqualTo(Decision.FURTHER_ALONG);
    assertThat(WriteBackRule.decide(FULFILLED, ARRIVED)).isEqualTo(Decision.FURTHER_ALONG);
    assertThat(WriteBackRule.decide(CANCELLED, FULFILLED)).isEqualTo(Decision.FURTHER_ALONG);
    assertThat(WriteBackRule.decide(FULFILLED, NOSHOW)).isEqualTo(Decision.FURTHER_ALONG);
    assertThat(WriteBackRule.decide(CANCELLED, ARRIVED)).isEqualTo(Decision.FURTHER_ALONG);
  }

  @Test
  void aNoShowWhoCameAfterAllIsWrittenArrivedThenFulfilled() {
    assertThat(WriteBackRule.decide(NOSHOW, ARRIVED)).isEqualTo(Decision.APPLY);
    assertThat(WriteBackRule.decide(NOSHOW, FULFILLED)).isEqualTo(Decision.APPLY);
    assertThat(WriteBackRule.decide(NOSHOW, NOSHOW)).isEqualTo(Decision.ALREADY);
  }

  @Test
  void whatWasLeftAloneIsSaidInASentence() {
    assertThat(WriteBackRule.sentence(Decision.ALREADY, ARRIVED, ARRIVED))
        .isEqualTo("The source had it as arrived already.");
    assertThat(WriteBackRule.sentence(Decision.FURTHER_ALONG, CANCELLED, ARRIVED))
        .isEqualTo("The source has it as cancelled, further along than arrived: left as it is.");
  }

  @Test
  void retriesWaitLongerEachTimeUpToAnHour() {
    assertThat(WriteBack.backoff(1)).hasSeconds(30);
    assertThat(WriteBack.backoff(2)).hasSeconds(60);
    assertThat(WriteBack.backoff(5)).hasSeconds(480);
    assertThat(WriteBack.backoff(50)).hasHours(1);
  }
}

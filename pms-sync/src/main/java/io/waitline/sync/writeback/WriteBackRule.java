package io.waitline.sync.writeback;

import io.waitline.queue.Entry;
import io.waitline.queue.event.QueueEvent;
import java.util.Optional;
import java.util.UUID;
import org.hl7.fhir.r4.model.Appointment.AppointmentStatus;

/**
 * What write-back does, as pure rules: which queue events a source hears of (a patient from it arrived, was seen, did
 * not come), and what to do with the status its Appointment has now.
 */
public final class WriteBackRule {
  private WriteBackRule() {}

  /** A status to write to one Appointment of one source. */
  public record Intent(UUID sourceId, String appointmentId, AppointmentStatus status) {}

  /** What to do with an Appointment's current status to reach the target. */
  public enum Decision {
    /** Write the target status. */
    APPLY,
    /** It has the target status already: nothing to write. */
    ALREADY,
    /** The source is further along (e.g. fulfilled or cancelled there): leave it as it is. */
    FURTHER_ALONG
  }

  /**
   * The intent of an event about an entry that came from a source ({@code appointmentRef} is
   * {@code <source id>:Appointment/<id>}): checked in is arrived, completed is fulfilled, no-show is noshow.
   */
  public static Optional<Intent> of(QueueEvent event) {
    Entry e = event.payload().entry();
    if (e == null || e.appointmentRef() == null) return Optional.empty();
    AppointmentStatus status = switch (event.type()) {
      case CHECKED_IN -> AppointmentStatus.ARRIVED;
      case COMPLETED -> AppointmentStatus.FULFILLED;
      case NO_SHOW -> AppointmentStatus.NOSHOW;
      default -> null;
    };
    if (status == null) return Optional.empty();
    String ref = e.appointmentRef();
    int colon = ref.indexOf(':');
    if (colon < 0 || !ref.startsWith("Appointment/", colon + 1)) return Optional.empty();
    try {
      return Optional.of(new Intent(UUID.fromString(ref.substring(0, colon)), ref.substring(colon + 1), status));
    } catch (IllegalArgumentException notFromASource) {
      return Optional.empty(); // an appointment reference typed at the desk
    }
  }

  /**
   * Whether to write {@code target} over {@code current}: a status that ends the appointment (fulfilled, cancelled,
   * noshow, entered-in-error) is never overwritten, and arrived never goes back to booked — except that a patient
   * marked noshow who came after all (the desk checked them in again) is arrived, then fulfilled: the queue saw them.
   */
  public static Decision decide(AppointmentStatus current, AppointmentStatus target) {
    if (current == target) return Decision.ALREADY;
    if (current == AppointmentStatus.NOSHOW && (target == AppointmentStatus.ARRIVED
        || target == AppointmentStatus.FULFILLED)) {
      return Decision.APPLY;
    }
    return rank(current) >= rank(target) ? Decision.FURTHER_ALONG : Decision.APPLY;
  }

  /** How far along an appointment is: planned, arrived, ended. */
  private static int rank(AppointmentStatus s) {
    if (s == null) return 0;
    return switch (s) {
      case ARRIVED, CHECKEDIN -> 1;
      case FULFILLED, CANCELLED, NOSHOW, ENTEREDINERROR -> 2;
      default -> 0; // proposed, pending, booked, waitlist
    };
  }

  /** What a decision that writes nothing means, as a sentence for the source's health. */
  public static String sentence(Decision d, AppointmentStatus current, AppointmentStatus target) {
    return switch (d) {
      case ALREADY -> "The source had it as " + target.toCode() + " already.";
      case FURTHER_ALONG -> "The source has it as " + current.toCode() + ", further along than " + target.toCode()
          + ": left as it is.";
      case APPLY -> throw new IllegalArgumentException("a decision to write is reported by what the write did");
    };
  }
}

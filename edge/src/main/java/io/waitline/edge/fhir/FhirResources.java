package io.waitline.edge.fhir;

import io.waitline.queue.Entry;
import io.waitline.queue.ServiceQueue;
import io.waitline.queue.Status;
import io.waitline.queue.read.DayVisit;
import java.util.Date;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;

/**
 * Waitline's entries as FHIR R4 resources, built with HAPI's model: an entry with an appointment time is an
 * {@link Appointment}, an entry whose patient arrived is an {@link Encounter} at the queue's {@link
 * org.hl7.fhir.r4.model.Location Location}. The patient is named by name and MRN only (what every role allowed to
 * search sees in the REST API too), never by birth date, phone or e-mail.
 */
public final class FhirResources {
  /** The identifier systems of Waitline's own values. */
  public static final String SYSTEM = "https://waitline.dev/fhir/";
  public static final String MRN = SYSTEM + "mrn";
  public static final String TICKET = SYSTEM + "ticket";
  public static final String APPOINTMENT_REF = SYSTEM + "appointment-ref";
  private static final String ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode";

  private FhirResources() {}

  /** The appointment of an entry booked for a time. */
  public static Appointment appointment(DayVisit visit, ServiceQueue queue) {
    Entry e = visit.entry();
    Appointment a = new Appointment();
    a.setId(e.id().toString());
    a.getMeta().setLastUpdated(Date.from(e.statusSince()));
    a.setStatus(appointmentStatus(e.status()));
    a.setStart(Date.from(e.appointmentAt()));
    identifiers(e).forEach(a::addIdentifier);
    a.addParticipant().setActor(patient(e)).setStatus(Appointment.ParticipationStatus.ACCEPTED);
    a.addParticipant().setActor(location(queue)).setStatus(Appointment.ParticipationStatus.ACCEPTED);
    return a;
  }

  /** The encounter of an entry whose patient arrived: its status, where (queue and room) and when. */
  public static Encounter encounter(DayVisit visit, ServiceQueue queue) {
    Entry e = visit.entry();
    Encounter enc = new Encounter();
    enc.setId(e.id().toString());
    enc.getMeta().setLastUpdated(Date.from(e.statusSince()));
    enc.setStatus(encounterStatus(e.status()));
    enc.setClass_(new Coding(ACT_CODE, "AMB", "ambulatory"));
    identifiers(e).forEach(enc::addIdentifier);
    enc.setSubject(patient(e));
    Period period = new Period().setStart(Date.from(visit.arrivedAt()));
    if (e.status().isEnded() || e.status() == Status.NO_SHOW) period.setEnd(Date.from(e.statusSince()));
    enc.setPeriod(period);
    enc.addLocation().setLocation(location(queue)).setStatus(e.status().isEnded()
        ? Encounter.EncounterLocationStatus.COMPLETED : Encounter.EncounterLocationStatus.ACTIVE);
    if (e.calledTo() != null) {
      // the desk or room the patient was called to has no resource of its own: it is named
      enc.addLocation().setLocation(new Reference().setDisplay(e.calledTo()))
          .setStatus(Encounter.EncounterLocationStatus.ACTIVE);
    }
    if (e.appointmentAt() != null) enc.addAppointment(new Reference("Appointment/" + e.id()));
    return enc;
  }

  /**
   * An entry's status as an appointment's: expected is booked; waiting, called and in service are arrived; a patient
   * who left before being seen cancelled.
   */
  static Appointment.AppointmentStatus appointmentStatus(Status s) {
    return switch (s) {
      case EXPECTED -> Appointment.AppointmentStatus.BOOKED;
      case WAITING, CALLED, IN_SERVICE, TRANSFERRED -> Appointment.AppointmentStatus.ARRIVED;
      case COMPLETED -> Appointment.AppointmentStatus.FULFILLED;
      case NO_SHOW -> Appointment.AppointmentStatus.NOSHOW;
      case CANCELLED, LEFT -> Appointment.AppointmentStatus.CANCELLED;
    };
  }

  /**
   * An arrived entry's status as an encounter's: waiting and called are arrived, in service is in-progress, completed
   * (or transferred on to another queue) is finished; a visit that ended unseen (left, no-show, cancelled) is
   * cancelled. An entry expected again (its arrival undone) is planned.
   */
  static Encounter.EncounterStatus encounterStatus(Status s) {
    return switch (s) {
      case EXPECTED -> Encounter.EncounterStatus.PLANNED; // the arrival was undone
      case WAITING, CALLED -> Encounter.EncounterStatus.ARRIVED;
      case IN_SERVICE -> Encounter.EncounterStatus.INPROGRESS;
      case COMPLETED, TRANSFERRED -> Encounter.EncounterStatus.FINISHED;
      case NO_SHOW, CANCELLED, LEFT -> Encounter.EncounterStatus.CANCELLED;
    };
  }

  /** What Waitline can say about itself as a FHIR server: two searches, JSON only, bearer tokens. */
  public static CapabilityStatement capabilities(String baseUrl, Date published) {
    CapabilityStatement cs = new CapabilityStatement();
    cs.setStatus(Enumerations.PublicationStatus.ACTIVE);
    cs.setDate(published);
    cs.setKind(CapabilityStatement.CapabilityStatementKind.INSTANCE);
    cs.setFhirVersion(Enumerations.FHIRVersion._4_0_1);
    cs.addFormat("application/fhir+json");
    cs.getSoftware().setName("Waitline");
    cs.getImplementation().setDescription("Today's patient queues, read-only").setUrl(baseUrl);
    CapabilityStatement.CapabilityStatementRestComponent rest = cs.addRest()
        .setMode(CapabilityStatement.RestfulCapabilityMode.SERVER);
    rest.getSecurity().setDescription("Send a Waitline API token (or the identity provider's access token) as"
        + " Authorization: Bearer. Front desk, clinicians, managers and admins of the queue's site may search.");
    resource(rest, "Appointment", "Entries booked for a time, with the day in the site's time zone");
    resource(rest, "Encounter", "Patients who arrived, with the queue and room and the period");
    return cs;
  }

  private static void resource(CapabilityStatement.CapabilityStatementRestComponent rest, String type,
      String documentation) {
    CapabilityStatement.CapabilityStatementRestResourceComponent r = rest.addResource().setType(type);
    r.setDocumentation(documentation);
    r.addInteraction().setCode(CapabilityStatement.TypeRestfulInteraction.SEARCHTYPE);
    r.addSearchParam().setName("location").setType(Enumerations.SearchParamType.REFERENCE)
        .setDocumentation("The queue, as its id or Location/<id>; required");
    r.addSearchParam().setName("date").setType(Enumerations.SearchParamType.DATE)
        .setDocumentation("Whole days (eq, ge, gt, le, lt) in the site's time zone; today when absent; at most "
            + FhirSearch.MAX_DAYS + " days");
    r.addSearchParam().setName("_count").setType(Enumerations.SearchParamType.NUMBER)
        .setDocumentation("Page size, at most " + FhirSearch.MAX_COUNT);
  }

  private static java.util.List<Identifier> identifiers(Entry e) {
    java.util.List<Identifier> ids = new java.util.ArrayList<>();
    if (e.ticket() != null) ids.add(new Identifier().setSystem(TICKET).setValue(e.ticket()));
    if (e.appointmentRef() != null) ids.add(new Identifier().setSystem(APPOINTMENT_REF).setValue(e.appointmentRef()));
    return ids;
  }

  private static Reference patient(Entry e) {
    Reference r = new Reference().setDisplay(e.patient().name());
    if (e.patient().mrn() != null) r.setIdentifier(new Identifier().setSystem(MRN).setValue(e.patient().mrn()));
    return r;
  }

  private static Reference location(ServiceQueue queue) {
    return new Reference("Location/" + queue.id()).setDisplay(queue.name());
  }
}

package io.waitline.sync.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.IParser;
import io.waitline.sync.pipeline.ReceivedRecord;
import io.waitline.sync.pipeline.RecordReader;
import io.waitline.sync.pipeline.SourceAppointment;
import io.waitline.sync.pipeline.SourcePatient;
import io.waitline.sync.pipeline.Visit;
import io.waitline.sync.source.Mapping;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Money;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * Reads one FHIR R4 record, an Appointment with its Patient in a {@code collection} Bundle, into the pipeline's terms.
 * Status, start, participants (Patient, Practitioner, Location, HealthcareService), serviceType and the mapped
 * co-pay extension come from the Appointment; name, birth date, identifiers, phone, email and language from the Patient.
 */
public final class FhirAppointmentReader implements RecordReader {
  private final FhirContext fhir;

  public FhirAppointmentReader(FhirContext fhir) {
    this.fhir = fhir;
  }

  /** The record the inbox keeps for one Appointment: the Appointment and its patient, serialized by HAPI. */
  public String payload(Appointment appointment, Patient patient) {
    return payload(json(appointment), patient == null ? null : json(patient));
  }

  /**
   * The record the inbox keeps for one Appointment, from the JSON of the Appointment and of its patient (or null):
   * a {@code collection} Bundle of the two, which {@link #read(ReceivedRecord, Mapping)} reads.
   */
  public static String payload(String appointmentJson, String patientJson) {
    StringBuilder b = new StringBuilder(appointmentJson.length() + (patientJson == null ? 0 : patientJson.length())
        + 80).append("{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[{\"resource\":")
        .append(appointmentJson);
    if (patientJson != null) b.append("},{\"resource\":").append(patientJson);
    return b.append("}]}").toString();
  }

  /** One resource as JSON, encoded by HAPI. */
  String json(Resource resource) {
    return parser().encodeResourceToString(resource);
  }

  @Override
  public SourceAppointment read(ReceivedRecord record, Mapping mapping) {
    Bundle bundle;
    try {
      bundle = parser().parseResource(Bundle.class, record.payload());
    } catch (DataFormatException e) {
      throw new Unreadable("The record is not a valid FHIR R4 resource: " + e.getMessage().replaceAll("\\s+", " ")
          .replaceAll("^HAPI-\\d+: ", "") + (e.getMessage().endsWith(".") ? "" : "."));
    }
    Appointment a = first(bundle, Appointment.class);
    if (a == null) throw new Unreadable("The record holds no Appointment.");
    return read(a, ref -> patientIn(bundle, ref), mapping);
  }

  /**
   * Reads an Appointment already parsed, as {@link #read(ReceivedRecord, Mapping)} reads the one in a record's
   * payload; {@code patients} finds a patient that came with it by reference ({@code Patient/7}), or null.
   */
  public SourceAppointment read(Appointment a, Function<String, Patient> patients, Mapping mapping) {
    if (!a.hasStatus()) throw new Unreadable("Appointment " + idOf(a) + " has no status.");
    String code = a.getStatus().toCode();
    Visit visit = mapping.visit(code);
    if (visit == null) {
      throw new Unreadable("Appointment status '" + code + "' is not in the mapping; add it under mapping.statuses.");
    }
    List<Mapping.Key> keys = new ArrayList<>();
    Reference patientRef = null;
    for (Appointment.AppointmentParticipantComponent p : a.getParticipant()) {
      String ref = p.getActor().getReference();
      if (ref == null) continue;
      String relative = relative(ref);
      switch (relative.substring(0, Math.max(0, relative.indexOf('/')))) {
        case "Patient" -> patientRef = p.getActor();
        case "Location" -> keys.add(new Mapping.Key("location", relative));
        case "Practitioner" -> keys.add(new Mapping.Key("practitioner", relative));
        case "HealthcareService" -> keys.add(new Mapping.Key("healthcareService", relative));
        default -> { }
      }
    }
    for (CodeableConcept type : a.getServiceType()) {
      for (Coding c : type.getCoding()) {
        if (c.hasCode()) keys.add(new Mapping.Key("serviceType", c.hasSystem() ? c.getSystem() + "|" + c.getCode() : c.getCode()));
      }
    }
    if (patientRef == null) throw new Unreadable("Appointment " + idOf(a) + " has no Patient participant.");
    String patientId = relative(patientRef.getReference());
    Patient patient = patients.apply(patientId);
    if (patient == null) {
      throw new Unreadable("The appointment's patient " + patientId + " was not in the source's answer.");
    }
    return new SourceAppointment(visit, a.hasStart() ? a.getStart().toInstant() : null, keys,
        patient(patient, patientId), copay(a, mapping.copayExtension()));
  }

  /** The co-pay the mapping's extension carries as {@code valueMoney}; null when none is mapped or sent. */
  private static SourceAppointment.Copay copay(Appointment a, String extensionUrl) {
    if (extensionUrl == null) return null;
    Extension ext = a.getExtensionByUrl(extensionUrl);
    if (ext == null) return null;
    if (!(ext.getValue() instanceof Money money)) {
      throw new Unreadable("Appointment " + idOf(a) + " carries the co-pay extension without a valueMoney.");
    }
    if (!money.hasValue() || !money.hasCurrency()) {
      throw new Unreadable("Appointment " + idOf(a) + "'s co-pay needs both a value and a currency.");
    }
    return new SourceAppointment.Copay(money.getValue(), money.getCurrency());
  }

  private SourcePatient patient(Patient p, String ref) {
    String name = name(p);
    if (name == null) throw new Unreadable("Patient " + ref + " has no name.");
    // a partial birth date (year, or year and month) cannot confirm a match: treated as unknown
    String born = p.hasBirthDate() ? p.getBirthDateElement().getValueAsString() : null;
    LocalDate birth = born != null && born.length() == 10 ? LocalDate.parse(born) : null;
    List<SourcePatient.Identifier> ids = new ArrayList<>();
    for (Identifier id : p.getIdentifier()) {
      if (id.hasValue()) {
        ids.add(new SourcePatient.Identifier(id.hasSystem() ? id.getSystem() : typeOf(id), id.getValue().trim()));
      }
    }
    return new SourcePatient(ref, name, birth, ids, telecom(p, ContactPoint.ContactPointSystem.PHONE),
        telecom(p, ContactPoint.ContactPointSystem.EMAIL), language(p));
  }

  /** OpenMRS sends identifiers without a system but with a type ("OpenMRS ID"): the type's text stands in. */
  private static String typeOf(Identifier id) {
    if (id.hasType() && id.getType().hasText()) return "urn:waitline:identifier-type:" + id.getType().getText();
    if (id.hasType() && id.getType().hasCoding()) {
      Coding c = id.getType().getCodingFirstRep();
      return "urn:waitline:identifier-type:" + (c.hasCode() ? c.getCode() : c.getDisplay());
    }
    return "urn:waitline:identifier-type:unknown";
  }

  private static String name(Patient p) {
    HumanName chosen = null;
    for (HumanName n : p.getName()) {
      if (chosen == null || n.getUse() == HumanName.NameUse.OFFICIAL || n.getUse() == HumanName.NameUse.USUAL) {
        chosen = n;
        if (n.getUse() == HumanName.NameUse.OFFICIAL) break;
      }
    }
    if (chosen == null) return null;
    String given = String.join(" ", chosen.getGiven().stream().map(g -> g.getValue()).toList()).trim();
    String family = chosen.hasFamily() ? chosen.getFamily().trim() : "";
    String full = (given + " " + family).trim();
    if (full.isEmpty() && chosen.hasText()) full = chosen.getText().trim();
    return full.isEmpty() ? null : full;
  }

  /** A mobile number first, then any of that kind. */
  private static String telecom(Patient p, ContactPoint.ContactPointSystem system) {
    String any = null;
    for (ContactPoint cp : p.getTelecom()) {
      if (cp.getSystem() != system || !cp.hasValue()) continue;
      if (cp.getUse() == ContactPoint.ContactPointUse.MOBILE) return cp.getValue();
      if (any == null && cp.getUse() != ContactPoint.ContactPointUse.OLD) any = cp.getValue();
    }
    return any;
  }

  /** The preferred communication language as a two-letter code ({@code en-US} → {@code en}). */
  private static String language(Patient p) {
    Patient.PatientCommunicationComponent chosen = null;
    for (Patient.PatientCommunicationComponent c : p.getCommunication()) {
      if (chosen == null || c.getPreferred()) chosen = c;
    }
    if (chosen == null) return null;
    for (Coding c : chosen.getLanguage().getCoding()) {
      if (c.hasCode()) return c.getCode().split("[-_]")[0].toLowerCase(Locale.ROOT);
    }
    return null;
  }

  private static Patient patientIn(Bundle bundle, String ref) {
    for (Bundle.BundleEntryComponent e : bundle.getEntry()) {
      if (e.getResource() instanceof Patient p && ref.equals("Patient/" + p.getIdElement().getIdPart())) return p;
    }
    return null;
  }

  private static <T extends Resource> T first(Bundle b, Class<T> type) {
    for (Bundle.BundleEntryComponent e : b.getEntry()) {
      if (type.isInstance(e.getResource())) return type.cast(e.getResource());
    }
    return null;
  }

  private static String idOf(Appointment a) {
    return a.getIdElement().getIdPart() == null ? "(without id)" : a.getIdElement().getIdPart();
  }

  /** {@code https://ehr/fhir/Patient/7/_history/2} or {@code Patient/7} → {@code Patient/7}. */
  static String relative(String reference) {
    int history = reference.indexOf("/_history/");
    String r = history >= 0 ? reference.substring(0, history) : reference;
    int end = r.length();
    while (end > 0 && r.charAt(end - 1) == '/') end--; // trailing slashes end no part
    int last = r.lastIndexOf('/', end - 1);
    if (last < 0) return r; // one part: kept as it is
    return r.substring(r.lastIndexOf('/', last - 1) + 1, end);
  }

  private IParser parser() {
    return fhir.newJsonParser();
  }
}

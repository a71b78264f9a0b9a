package io.waitline.sync.fhir;

import static io.waitline.queue.Refused.Kind.INVALID;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import ca.uhn.fhir.rest.client.exceptions.FhirClientConnectionException;
import ca.uhn.fhir.rest.client.interceptor.SimpleRequestHeaderInterceptor;
import ca.uhn.fhir.rest.gclient.IQuery;
import ca.uhn.fhir.rest.param.DateParam;
import ca.uhn.fhir.rest.param.DateRangeParam;
import ca.uhn.fhir.rest.param.ParamPrefixEnum;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.waitline.sync.SyncException;
import io.waitline.sync.pipeline.ReceivedRecord;
import io.waitline.sync.pipeline.RecordReader;
import io.waitline.sync.source.Mapping;
import io.waitline.sync.source.Source;
import io.waitline.sync.source.SourceCredentials;
import io.waitline.sync.source.SourceFailure;
import io.waitline.sync.source.SourceGuard;
import io.waitline.sync.source.SourceKind;
import io.waitline.sync.writeback.WriteBackRule;
import io.waitline.sync.writeback.WriteRefused;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.hl7.fhir.instance.model.api.IBaseBundle;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * FHIR R4 sources through HAPI's generic client: {@code Appointment?date=ge..&date=lt..&_lastUpdated=ge..
 * &_include=Appointment:patient&_sort=_lastUpdated&_count=..}, following {@code next} links. HAPI's client blocks,
 * so every request runs on a worker pool, behind the source's circuit breaker. A patient the server did not include
 * (some servers ignore {@code _include}) is read by id.
 */
public final class FhirR4Kind implements SourceKind {
  /** How much longer than the guard's time limit HAPI waits on a silent socket. */
  private static final Duration SOCKET_MARGIN = Duration.ofSeconds(1);
  /** A version id that orders versions as a number. */
  private static final Pattern VERSION_NUMBER = Pattern.compile("\\d{1,18}");
  private final FhirContext fhir;
  private final WorkerExecutor workers;
  private final SourceCredentials credentials;
  private final Function<Source, SourceGuard> guards;
  private final FhirAppointmentReader reader;
  private final int pageSize;

  /**
   * @param timeout the guard's time limit; HAPI's client gives up on a silent socket a second after it, so a hung
   *     request also frees its worker thread, while the caller hears the guard's sentence (the guard's timer, not the
   *     socket, decides even when a loaded machine runs the timer late)
   */
  public FhirR4Kind(FhirContext fhir, WorkerExecutor workers, SourceCredentials credentials,
      Function<Source, SourceGuard> guards, Duration timeout, int pageSize) {
    this.fhir = fhir;
    this.workers = workers;
    this.credentials = credentials;
    this.guards = guards;
    this.pageSize = pageSize;
    this.reader = new FhirAppointmentReader(fhir);
    fhir.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
    fhir.getRestfulClientFactory().setSocketTimeout((int) timeout.plus(SOCKET_MARGIN).toMillis());
    fhir.getRestfulClientFactory().setConnectTimeout((int) Math.min(timeout.toMillis(), 10_000));
  }

  @Override
  public String kind() {
    return Source.FHIR_R4;
  }

  @Override
  public RecordReader reader() {
    return reader;
  }

  @Override
  public void validate(Source source) {
    try {
      URI u = URI.create(source.baseUrl());
      if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme()) || u.getHost() == null) {
        throw new IllegalArgumentException();
      }
    } catch (IllegalArgumentException e) {
      throw new SyncException(INVALID,
          "baseUrl must be the FHIR server's http(s) address, e.g. https://ehr.example.org/fhir.");
    }
  }

  @Override
  public List<ReceivedRecord> split(String sample, Mapping mapping) {
    Bundle bundle;
    try {
      bundle = fhir.newJsonParser().parseResource(Bundle.class, sample);
    } catch (ca.uhn.fhir.parser.DataFormatException | ClassCastException e) {
      throw new SyncException(INVALID, "The sample must be a FHIR R4 Bundle in JSON.");
    }
    Map<String, Patient> patients = patientsIn(bundle);
    Map<Resource, String> texts = ReceivedJson.of(bundle, sample);
    List<ReceivedRecord> out = new ArrayList<>();
    for (Bundle.BundleEntryComponent e : bundle.getEntry()) {
      if (e.getResource() instanceof Appointment a) out.add(record(a, patients.get(patientOf(a)), texts));
    }
    return out;
  }

  @Override
  public Future<Void> poll(Source source, Instant since, LocalDate from, LocalDate until, PageSink sink) {
    SourceGuard guard = guards.apply(source);
    // only a token endpoint is a call worth guarding; static credentials are read from memory
    Future<String> auth = source.auth() instanceof io.waitline.sync.source.SourceAuth.SmartBackend
        ? guard.call(() -> credentials.authorization(source)) : credentials.authorization(source);
    // the client is made on a worker too: the first one of a JVM loads HAPI's HTTP stack
    return auth.compose(authorization -> workers.executeBlocking(() -> {
          IGenericClient client = client(source, authorization);
          client.registerInterceptor(new ResponseText()); // each page's records keep its text
          return client;
        }, false))
        .compose(client -> drain(client, guard, fetch(client, guard, () -> firstPage(client, since, from, until)),
            sink));
  }

  /**
   * Sets the status of the source's Appointment {@code appointmentId} ({@code Appointment/<id>}) to {@code target}:
   * reads it, decides ({@link WriteBackRule#decide}), and updates it on the version read ({@code If-Match}). A 412
   * means it changed at the source in between: it is read and decided again, at most {@value #WRITE_ATTEMPTS} times.
   * Each request goes through the source's guard (breaker, retries, time limit).
   *
   * @return what happened, as a sentence
   */
  public Future<String> writeStatus(Source source, String appointmentId, Appointment.AppointmentStatus target) {
    SourceGuard guard = guards.apply(source);
    Future<String> auth = source.auth() instanceof io.waitline.sync.source.SourceAuth.SmartBackend
        ? guard.call(() -> credentials.authorization(source)) : credentials.authorization(source);
    String id = appointmentId.substring("Appointment/".length());
    return auth.compose(authorization -> workers.executeBlocking(() -> client(source, authorization), false))
        .compose(client -> writeStatus(client, guard, id, target, 1))
        .recover(err -> Future.failedFuture(err instanceof SourceFailure f
            && f.getCause() instanceof BaseServerResponseException e && REFUSED_FOR_GOOD.contains(e.getStatusCode())
            ? new WriteRefused(f.getMessage()) : err));
  }

  private static final int WRITE_ATTEMPTS = 3;
  /** Answers after which writing the same again would not help. */
  private static final java.util.Set<Integer> REFUSED_FOR_GOOD = java.util.Set.of(400, 403, 404, 405, 410, 422);

  private Future<String> writeStatus(IGenericClient client, SourceGuard guard, String id,
      Appointment.AppointmentStatus target, int attempt) {
    return guard.call(() -> blocking(() -> client.read().resource(Appointment.class).withId(id).execute()))
        .compose(current -> {
          Appointment.AppointmentStatus now = current.getStatus();
          WriteBackRule.Decision decision = WriteBackRule.decide(now, target);
          if (decision != WriteBackRule.Decision.APPLY) {
            return Future.succeededFuture(WriteBackRule.sentence(decision, now, target));
          }
          String version = current.getMeta().getVersionId() != null ? current.getMeta().getVersionId()
              : current.getIdElement().getVersionIdPart();
          if (version == null) {
            return Future.failedFuture(new WriteRefused("The source's Appointment/" + id + " carries no version, so"
                + " it cannot be updated safely (If-Match); it was left as it is."));
          }
          current.setStatus(target);
          current.setId(new org.hl7.fhir.r4.model.IdType("Appointment", id)); // the version travels in If-Match
          return guard.call(() -> blocking(() -> updated(client, current, version))).compose(done -> {
            if (done) {
              return Future.succeededFuture("Set to " + target.toCode() + " on version " + version
                  + (attempt > 1 ? ", after it changed at the source (read again " + (attempt - 1) + " time"
                  + (attempt > 2 ? "s" : "") + ")." : "."));
            }
            if (attempt < WRITE_ATTEMPTS) return writeStatus(client, guard, id, target, attempt + 1);
            return Future.failedFuture(new SourceFailure("Appointment/" + id + " changed at the source each time it"
                + " was about to be updated (" + WRITE_ATTEMPTS + " times); it will be tried again later.", true,
                null));
          });
        });
  }

  /** Updates on {@code version}; false when the source answers 412 (it holds another version now). */
  private static boolean updated(IGenericClient client, Appointment a, String version) {
    try {
      client.update().resource(a).withAdditionalHeader("If-Match", "W/\"" + version + "\"").execute();
      return true;
    } catch (ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException changed) {
      return false;
    }
  }

  /**
   * Hands the page to the sink. The next page is fetched and prepared meanwhile, and handed on only once the sink
   * has applied this one (and advanced the watermark).
   */
  private Future<Void> drain(IGenericClient client, SourceGuard guard, Future<Page> current, PageSink sink) {
    return current.compose(page -> {
      Future<Page> next = page.bundle().getLink(IBaseBundle.LINK_NEXT) == null ? null
          : fetch(client, guard, () -> client.loadPage().next(page.bundle()).execute());
      return sink.page(page.records(), page.reader(), page.watermark())
          .compose(v -> next == null ? Future.succeededFuture() : drain(client, guard, next, sink));
    });
  }

  private Future<Page> fetch(IGenericClient client, SourceGuard guard, java.util.concurrent.Callable<Bundle> request) {
    return guard.call(() -> blocking(() -> new Received(request.call(), ResponseText.take())))
        .compose(received -> guard.call(() -> blocking(() -> page(client, received))));
  }

  /** A page as HAPI parsed it, and its text as the server sent it (null when it was not kept). */
  private record Received(Bundle bundle, String text) {}

  private Bundle firstPage(IGenericClient client, Instant since, LocalDate from, LocalDate until) {
    IQuery<Bundle> q = client.search().forResource(Appointment.class)
        .where(Appointment.DATE.afterOrEquals().day(from.toString()))
        .and(Appointment.DATE.before().day(until.toString()))
        .include(Appointment.INCLUDE_PATIENT)
        .sort().ascending("_lastUpdated")
        .count(pageSize)
        .returnBundle(Bundle.class);
    if (since != null) {
      q = q.lastUpdated(new DateRangeParam(new DateParam(ParamPrefixEnum.GREATERTHAN_OR_EQUALS, Date.from(since))));
    }
    return q.execute();
  }

  /**
   * One page: its records, a reader that reads them from the resources parsed with the page (each record's payload is
   * parsed again only for a replay), and its latest last-updated time (null when it gives none).
   */
  private record Page(Bundle bundle, List<ReceivedRecord> records, RecordReader reader, Instant watermark) {}

  /** An Appointment of a page as parsed, with the patient its record carries ({@code patientRef}, or none). */
  private record Parsed(Appointment appointment, String patientRef, Patient patient) {}

  /**
   * One record per Appointment of the page, with its patient from the page or, if missing, read by id. Each record's
   * payload holds the resources' text as the page gave it (a patient read by id is encoded by HAPI).
   */
  private Page page(IGenericClient client, Received received) {
    Bundle bundle = received.bundle();
    Map<String, Patient> patients = patientsIn(bundle);
    Map<Resource, String> texts = ReceivedJson.of(bundle, received.text());
    List<ReceivedRecord> out = new ArrayList<>();
    Map<ReceivedRecord, Parsed> parsed = new IdentityHashMap<>();
    Instant watermark = null;
    for (Bundle.BundleEntryComponent e : bundle.getEntry()) {
      if (!(e.getResource() instanceof Appointment a)) continue;
      String patientRef = patientOf(a);
      Patient patient = patientRef == null ? null
          : patients.computeIfAbsent(patientRef, ref -> readPatient(client, ref));
      ReceivedRecord r = record(a, patient, texts);
      out.add(r);
      parsed.put(r, new Parsed(a, patientRef, patient));
      if (a.getMeta().hasLastUpdated()) {
        Instant t = a.getMeta().getLastUpdated().toInstant();
        if (watermark == null || t.isAfter(watermark)) watermark = t;
      }
    }
    RecordReader pageReader = (r, mapping) -> {
      Parsed p = parsed.get(r);
      if (p == null) return reader.read(r, mapping);
      // exactly what the record's payload holds: the appointment and, if found, its one patient
      return reader.read(p.appointment(), ref -> p.patient() != null && ref.equals(p.patientRef()) ? p.patient() : null,
          mapping);
    };
    return new Page(bundle, out, pageReader, watermark);
  }

  private Patient readPatient(IGenericClient client, String ref) {
    try {
      return client.read().resource(Patient.class).withId(ref.substring("Patient/".length())).execute();
    } catch (ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException
        | ca.uhn.fhir.rest.server.exceptions.ResourceGoneException e) {
      return null; // the reader dead-letters the appointment with "patient ... was not in the source's answer"
    }
  }

  /** The record of {@code a} with its patient; their JSON from {@code texts}, or encoded by HAPI where it has none. */
  private ReceivedRecord record(Appointment a, Patient patient, Map<Resource, String> texts) {
    String id = "Appointment/" + a.getIdElement().getIdPart();
    String versionId = a.getMeta().getVersionId() != null ? a.getMeta().getVersionId() : a.getIdElement().getVersionIdPart();
    Instant updated = a.getMeta().hasLastUpdated() ? a.getMeta().getLastUpdated().toInstant() : null;
    String payload = FhirAppointmentReader.payload(json(a, texts), patient == null ? null : json(patient, texts));
    long order;
    String version;
    if (versionId != null && VERSION_NUMBER.matcher(versionId).matches()) {
      order = Long.parseLong(versionId);
      version = versionId;
    } else if (updated != null) {
      order = updated.toEpochMilli();
      version = updated.toString();
    } else {
      // no version and no timestamp: every distinct content is a new version, in the order received
      ReceivedRecord unversioned = new ReceivedRecord(id, "", 0, payload);
      return new ReceivedRecord(id, "sha256:" + unversioned.payloadHash().substring(0, 16), 0, payload);
    }
    return new ReceivedRecord(id, version, order, payload);
  }

  private String json(Resource resource, Map<Resource, String> texts) {
    String text = texts.get(resource);
    return text != null ? text : reader.json(resource);
  }

  private static Map<String, Patient> patientsIn(Bundle bundle) {
    Map<String, Patient> patients = new HashMap<>();
    for (Bundle.BundleEntryComponent e : bundle.getEntry()) {
      if (e.getResource() instanceof Patient p) patients.put("Patient/" + p.getIdElement().getIdPart(), p);
    }
    return patients;
  }

  private static String patientOf(Appointment a) {
    for (Appointment.AppointmentParticipantComponent p : a.getParticipant()) {
      Reference actor = p.getActor();
      if (actor.getReference() != null) {
        String rel = FhirAppointmentReader.relative(actor.getReference());
        if (rel.startsWith("Patient/")) return rel;
      }
    }
    return null;
  }

  private IGenericClient client(Source source, String authorization) {
    IGenericClient client = fhir.newRestfulGenericClient(source.baseUrl());
    if (authorization != null) client.registerInterceptor(new SimpleRequestHeaderInterceptor("Authorization", authorization));
    return client;
  }

  private <T> Future<T> blocking(java.util.concurrent.Callable<T> work) {
    return workers.executeBlocking(() -> {
      try {
        return work.call();
      } catch (FhirClientConnectionException e) {
        throw new SourceFailure("The FHIR server could not be reached or did not answer in time.", true, e);
      } catch (BaseServerResponseException e) {
        int status = e.getStatusCode();
        boolean retry = status >= 500 || status == 429 || status == 408;
        throw new SourceFailure("The FHIR server answered HTTP " + status + sentenceOf(e), retry, e);
      } catch (ca.uhn.fhir.parser.DataFormatException e) {
        throw new SourceFailure("The FHIR server's answer was not valid FHIR R4.", false, e);
      }
    }, false);
  }

  private static String sentenceOf(BaseServerResponseException e) {
    return switch (e.getStatusCode()) {
      case 401 -> " (unauthorized): check the source's credentials.";
      case 403 -> " (forbidden): the credentials lack access to Appointment or Patient.";
      case 404 -> " (not found): check the base URL, or the appointment was deleted.";
      case 429 -> " (too many requests).";
      default -> ".";
    };
  }
}

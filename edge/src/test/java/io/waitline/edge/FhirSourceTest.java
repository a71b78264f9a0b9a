package io.waitline.edge;

import static io.waitline.edge.TestApp.SITE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.StrictErrorHandler;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.interceptor.BearerTokenAuthInterceptor;
import ca.uhn.fhir.rest.server.exceptions.AuthenticationException;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import io.waitline.access.DeviceKind;
import io.waitline.access.Role;
import io.waitline.edge.fhir.FhirResources;
import io.waitline.queue.Entry;
import io.waitline.queue.Patient;
import io.waitline.queue.Priority;
import io.waitline.queue.command.CheckIn;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Waitline as a FHIR R4 source: HAPI's own client reads the CapabilityStatement and searches a queue's Appointments
 * and Encounters from a real node, pages through them, and hears refusals as OperationOutcomes; what the node sends
 * parses strictly as R4 and encodes back to the same JSON.
 */
class FhirSourceTest {
  @RegisterExtension
  static final TestApp app = TestApp.node();
  private static final FhirContext FHIR = FhirContext.forR4Cached();
  private static final ZoneId SITE_ZONE = ZoneId.of("Europe/London");
  private static String queue;
  private static String deskToken;
  private static Entry fulfilled;
  private static Entry inService;
  private static Entry arrived;
  private static Entry noShow;
  private static Entry cancelled;
  private static Entry booked;
  private static Entry walkIn;

  /** One queue of the day with a patient in each status a record system tells apart. */
  @BeforeAll
  static void aDayAtTheClinic() {
    queue = app.newQueue();
    deskToken = app.staffToken(SITE, Role.FRONT_DESK);
    fulfilled = expect("Fay Fulfilled", "MRN-100");
    app.commands.arrive(fulfilled.id(), "test").await();
    app.commands.callNext(queue, "Room 3", "test").await();
    app.commands.startService(fulfilled.id(), "test").await();
    app.clock.advance(Duration.ofMinutes(12));
    app.commands.complete(fulfilled.id(), "test").await();
    inService = app.checkIn(queue, "Ivo Inservice");
    app.commands.callNext(queue, "Room 4", "test").await();
    app.commands.startService(inService.id(), "test").await();
    arrived = expect("Ari Arrived", "MRN-101");
    app.commands.arrive(arrived.id(), "test").await();
    noShow = expect("Nora Noshow", "MRN-102");
    app.commands.noShow(noShow.id(), "test").await();
    cancelled = expect("Cas Cancelled", "MRN-103");
    app.commands.cancel(cancelled.id(), "test").await();
    booked = expect("Bea Booked", "MRN-104");
    walkIn = app.checkIn(queue, "Walt Walkin");
  }

  private static Entry expect(String name, String mrn) {
    return app.commands.expect(queue, new CheckIn(new Patient(name, LocalDate.of(1961, 3, 14), mrn, "+447700900123",
        "private@example.org"), Priority.NORMAL, app.clock.instant().plus(Duration.ofHours(1)),
        "Appointment/ehr-" + mrn), "test").await().entry();
  }

  private static IGenericClient client(String token) {
    IGenericClient client = FHIR.newRestfulGenericClient("http://localhost:" + app.port() + "/fhir/r4");
    if (token != null) client.registerInterceptor(new BearerTokenAuthInterceptor(token));
    return client;
  }

  @Test
  void theCapabilityStatementNamesTheTwoSearchesAndNeedsNoCredential() {
    CapabilityStatement cs = client(null).capabilities().ofType(CapabilityStatement.class).execute();
    assertThat(cs.getFhirVersion().toCode()).isEqualTo("4.0.1");
    assertThat(cs.getRestFirstRep().getResource()).extracting(r -> r.getType())
        .containsExactlyInAnyOrder("Appointment", "Encounter");
    assertThat(cs.getRestFirstRep().getResource().get(0).getSearchParam()).extracting(p -> p.getName())
        .contains("location", "date", "_count");
  }

  @Test
  void appointmentsOfTodayCarryEachEntrysStatusAndOnlyTheNameAndMrnOfThePatient() {
    Bundle bundle = client(deskToken).search().forResource(Appointment.class)
        .where(Appointment.LOCATION.hasId(queue)).returnBundle(Bundle.class).execute();
    assertThat(bundle.getType()).isEqualTo(Bundle.BundleType.SEARCHSET);
    Map<String, Appointment> byId = byId(bundle, Appointment.class);
    assertThat(byId.keySet()).as("walk-ins have no appointment").containsExactlyInAnyOrder(ids(fulfilled, arrived,
        noShow, cancelled, booked));
    assertThat(byId.get(id(fulfilled)).getStatus()).isEqualTo(Appointment.AppointmentStatus.FULFILLED);
    assertThat(byId.get(id(arrived)).getStatus()).isEqualTo(Appointment.AppointmentStatus.ARRIVED);
    assertThat(byId.get(id(noShow)).getStatus()).isEqualTo(Appointment.AppointmentStatus.NOSHOW);
    assertThat(byId.get(id(cancelled)).getStatus()).isEqualTo(Appointment.AppointmentStatus.CANCELLED);
    assertThat(byId.get(id(booked)).getStatus()).isEqualTo(Appointment.AppointmentStatus.BOOKED);

    Appointment a = byId.get(id(booked));
    assertThat(a.getStart().toInstant()).isEqualTo(booked.appointmentAt().truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
    assertThat(a.getIdentifier()).anyMatch(i -> i.getSystem().equals(FhirResources.APPOINTMENT_REF)
        && i.getValue().equals("Appointment/ehr-MRN-104"));
    assertThat(a.getParticipant()).anyMatch(p -> "Bea Booked".equals(p.getActor().getDisplay())
        && FhirResources.MRN.equals(p.getActor().getIdentifier().getSystem())
        && "MRN-104".equals(p.getActor().getIdentifier().getValue()));
    assertThat(a.getParticipant()).anyMatch(p -> ("Location/" + queue).equals(p.getActor().getReference()));
    String json = FHIR.newJsonParser().encodeResourceToString(bundle);
    assertThat(json).as("no birth date, phone or e-mail").doesNotContain("1961", "+447700900123", "private@example.org");
  }

  @Test
  void encountersAreThePatientsWhoArrivedWithTheirRoomAndPeriod() {
    Bundle bundle = client(deskToken).search().forResource(Encounter.class)
        .where(Encounter.LOCATION.hasId("Location/" + queue)).returnBundle(Bundle.class).execute();
    Map<String, Encounter> byId = byId(bundle, Encounter.class);
    assertThat(byId.keySet()).as("those who never arrived have no encounter")
        .containsExactlyInAnyOrder(ids(fulfilled, inService, arrived, walkIn));
    Encounter finished = byId.get(id(fulfilled));
    assertThat(finished.getStatus()).isEqualTo(Encounter.EncounterStatus.FINISHED);
    assertThat(Duration.between(finished.getPeriod().getStart().toInstant(), finished.getPeriod().getEnd().toInstant()))
        .isGreaterThanOrEqualTo(Duration.ofMinutes(12));
    assertThat(finished.getAppointmentFirstRep().getReference()).isEqualTo("Appointment/" + fulfilled.id());
    Encounter seen = byId.get(id(inService));
    assertThat(seen.getStatus()).isEqualTo(Encounter.EncounterStatus.INPROGRESS);
    assertThat(seen.getPeriod().hasEnd()).isFalse();
    assertThat(seen.getLocation()).extracting(l -> l.getLocation().getReference(), l -> l.getLocation().getDisplay())
        .contains(org.assertj.core.groups.Tuple.tuple("Location/" + queue, app.commands.queue(queue).await().name()),
            org.assertj.core.groups.Tuple.tuple(null, "Room 4"));
    assertThat(seen.getSubject().getDisplay()).isEqualTo("Ivo Inservice");
    assertThat(byId.get(id(arrived)).getStatus()).isEqualTo(Encounter.EncounterStatus.ARRIVED);
    assertThat(byId.get(id(walkIn)).getStatus()).isEqualTo(Encounter.EncounterStatus.ARRIVED);
  }

  @Test
  void pagesOfTwoFollowedByTheirNextLinksHoldEveryAppointmentOnce() {
    IGenericClient client = client(deskToken);
    Bundle page = client.search().forResource(Appointment.class).where(Appointment.LOCATION.hasId(queue))
        .count(2).returnBundle(Bundle.class).execute();
    List<String> seen = new ArrayList<>();
    int pages = 0;
    while (true) {
      pages++;
      assertThat(page.getEntry()).hasSizeLessThanOrEqualTo(2);
      page.getEntry().forEach(e -> seen.add(e.getResource().getIdElement().getIdPart()));
      if (page.getLink("next") == null) break;
      // the links are made from the node's public URL (http://localhost here); the test's node listens on a port
      String next = page.getLink("next").getUrl();
      assertThat(next).startsWith("http://localhost/fhir/r4/Appointment?");
      page = client.loadPage().byUrl(next.replace("http://localhost/", "http://localhost:" + app.port() + "/"))
          .andReturnBundle(Bundle.class).execute();
    }
    assertThat(pages).isEqualTo(3);
    assertThat(seen).containsExactlyInAnyOrder(ids(fulfilled, arrived, noShow, cancelled, booked));
  }

  @Test
  void aDayRangeInTheSiteTimeZoneFindsEarlierDaysAndTodayAloneDoesNot() {
    String old = app.newQueue();
    app.clock.advance(Duration.ofDays(-3));
    Entry past;
    try {
      past = app.checkIn(old, "Pat Past");
    } finally {
      app.clock.advance(Duration.ofDays(3));
    }
    Entry now = app.checkIn(old, "Nat Now");
    LocalDate today = LocalDate.ofInstant(app.clock.instant(), SITE_ZONE);
    IGenericClient client = client(deskToken);
    Bundle todayOnly = client.search().forResource(Encounter.class).where(Encounter.LOCATION.hasId(old))
        .returnBundle(Bundle.class).execute();
    assertThat(byId(todayOnly, Encounter.class).keySet()).containsExactly(id(now));
    Bundle week = client.search().forResource(Encounter.class).where(Encounter.LOCATION.hasId(old))
        .and(Encounter.DATE.afterOrEquals().day(today.minusDays(6).toString()))
        .and(Encounter.DATE.before().day(today.toString()))
        .returnBundle(Bundle.class).execute();
    assertThat(byId(week, Encounter.class).keySet()).containsExactly(id(past));
    Bundle exactly = client.search().forResource(Encounter.class).where(Encounter.LOCATION.hasId(old))
        .and(Encounter.DATE.exactly().day(today.minusDays(3).toString())).returnBundle(Bundle.class).execute();
    assertThat(byId(exactly, Encounter.class).keySet()).containsExactly(id(past));
  }

  @Test
  void whatTheNodeSendsParsesStrictlyAsR4AndEncodesBackUnchanged() {
    for (String path : List.of("/fhir/r4/Appointment?location=" + queue, "/fhir/r4/Encounter?location=" + queue,
        "/fhir/r4/metadata")) {
      HttpResponse<Buffer> r = app.anonymous(HttpMethod.GET, path).putHeader("Authorization", "Bearer " + deskToken)
          .send().await();
      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
      assertThat(r.getHeader("Content-Type")).startsWith("application/fhir+json");
      IParser strict = FHIR.newJsonParser().setParserErrorHandler(new StrictErrorHandler());
      Resource parsed = (Resource) strict.parseResource(r.bodyAsString());
      assertThat(new JsonObject(strict.encodeResourceToString(parsed))).as(path)
          .isEqualTo(new JsonObject(r.bodyAsString()));
    }
  }

  @Test
  void refusalsAreOperationOutcomesWithASentence() {
    assertOutcome(() -> client(null).search().forResource(Appointment.class).where(Appointment.LOCATION.hasId(queue))
        .returnBundle(Bundle.class).execute(), AuthenticationException.class, "sign in");
    String display = app.deviceToken(SITE, DeviceKind.DISPLAY);
    assertOutcome(() -> client(display).search().forResource(Encounter.class).where(Encounter.LOCATION.hasId(queue))
        .returnBundle(Bundle.class).execute(), ForbiddenOperationException.class, "staff sign-in");
    String elsewhere = app.staffToken(app.newSite(), Role.MANAGER);
    assertOutcome(() -> client(elsewhere).search().forResource(Encounter.class).where(Encounter.LOCATION.hasId(queue))
        .returnBundle(Bundle.class).execute(), ForbiddenOperationException.class, "at site " + SITE);
    assertOutcome(() -> client(deskToken).search().forResource(Encounter.class)
        .where(Encounter.LOCATION.hasId("no-such-queue")).returnBundle(Bundle.class).execute(),
        ResourceNotFoundException.class, "no-such-queue");
    assertOutcome(() -> client(deskToken).search().forResource(Appointment.class)
        .returnBundle(Bundle.class).execute(), InvalidRequestException.class, "location");
    assertOutcome(() -> client(deskToken).search().forResource(Encounter.class).where(Encounter.LOCATION.hasId(queue))
        .and(Encounter.DATE.afterOrEquals().second("2026-05-01T09:00:00Z")).returnBundle(Bundle.class).execute(),
        InvalidRequestException.class, "whole days");
    assertOutcome(() -> client(deskToken).search().forResource(Encounter.class).where(Encounter.LOCATION.hasId(queue))
        .and(Encounter.DATE.afterOrEquals().day("2026-01-01")).and(Encounter.DATE.before().day("2026-03-01"))
        .returnBundle(Bundle.class).execute(), InvalidRequestException.class, "at most 31 days");
    assertOutcome(() -> client(deskToken).search().forResource(Encounter.class).where(Encounter.LOCATION.hasId(queue))
        .and(Encounter.DATE.afterOrEquals().day("2026-01-01")).returnBundle(Bundle.class).execute(),
        InvalidRequestException.class, "both ends");
    assertOutcome(() -> client(deskToken).loadPage().byUrl("http://localhost:" + app.port()
        + "/fhir/r4/Encounter?location=" + queue + "&_page=not-a-page").andReturnBundle(Bundle.class).execute(),
        InvalidRequestException.class, "start the search again");
    assertOutcome(() -> client(deskToken).read().resource(Encounter.class).withId(walkIn.id().toString()).execute(),
        ResourceNotFoundException.class, "There is nothing at");
  }

  private static void assertOutcome(Runnable call, Class<? extends BaseServerResponseException> expected,
      String sentence) {
    assertThatThrownBy(call::run).isInstanceOf(expected).satisfies(err -> {
      OperationOutcome outcome = (OperationOutcome) ((BaseServerResponseException) err).getOperationOutcome();
      assertThat(outcome).as("the refusal's OperationOutcome").isNotNull();
      assertThat(outcome.getIssueFirstRep().getDiagnostics()).contains(sentence);
    });
  }

  @Test
  void eachSearchIsAuditedWithWhoReadWhichQueueAndDays() {
    long before = app.settledAuditId();
    String today = LocalDate.ofInstant(app.clock.instant(), SITE_ZONE).toString();
    client(deskToken).search().forResource(Encounter.class).where(Encounter.LOCATION.hasId(queue))
        .and(Encounter.DATE.exactly().day(today))
        .returnBundle(Bundle.class).execute();
    assertThat(app.auditUpToMarker(before, 1, r -> r.startsWith("searchFhir"))).as("the searches audited")
        .containsExactly("searchFhirEncounters 200");
    Row record = auditRecord(before, "searchFhirEncounters");
    assertThat(record.getString("actor_kind")).isEqualTo("staff");
    assertThat(record.getString("site_id")).isEqualTo(SITE);
    assertThat(record.getInteger("outcome")).isEqualTo(200);
    assertThat(record.getJsonObject("detail").getString("location")).isEqualTo(queue);
    assertThat(record.getJsonObject("detail").getString("date")).isEqualTo(today);
  }

  /** The audit record of {@code action} after {@code id}, once it is written. */
  private static Row auditRecord(long id, String action) {
    return app.pool.preparedQuery("SELECT actor_kind, site_id, outcome, detail FROM audit_log WHERE id > $1"
        + " AND action = $2").execute(Tuple.of(id, action)).await().iterator().next();
  }

  private static <R extends Resource> Map<String, R> byId(Bundle bundle, Class<R> type) {
    return bundle.getEntry().stream().map(e -> type.cast(e.getResource()))
        .collect(Collectors.toMap(r -> r.getIdElement().getIdPart(), Function.identity()));
  }

  private static String id(Entry e) {
    return e.id().toString();
  }

  private static String[] ids(Entry... entries) {
    return java.util.Arrays.stream(entries).map(FhirSourceTest::id).toArray(String[]::new);
  }
}

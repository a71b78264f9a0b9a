package io.waitline.load;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.model.api.Include;
import ca.uhn.fhir.rest.annotation.IncludeParam;
import ca.uhn.fhir.rest.annotation.OptionalParam;
import ca.uhn.fhir.rest.annotation.Search;
import ca.uhn.fhir.rest.annotation.Sort;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.SortSpec;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.param.DateRangeParam;
import ca.uhn.fhir.rest.server.FifoMemoryPagingProvider;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.SimpleBundleProvider;
import ca.uhn.fhir.rest.server.method.ResponsePage;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.servlet.DispatcherType;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;

/**
 * A clinic's FHIR R4 server for the import benchmark: HAPI's {@link RestfulServer} in Jetty on loopback, answering
 * the appointment search a Waitline source sends ({@code date}, {@code _lastUpdated}, {@code _include=Appointment:patient},
 * {@code _sort}, paged with {@code next} links) over {@code size} booked appointments, each with its own patient. The
 * resources are built when a page asks for them, so a large schedule costs no memory up front; {@link #encodePages}
 * has HAPI encode every page once before an import and keeps the texts, which are then served as they are.
 */
final class ScheduleServer implements AutoCloseable {
  static final String MRN_SYSTEM = "urn:oid:1.2.36.146.595.217.0.1";

  private final Server jetty;
  private final int port;
  private final int size;
  private final Instant firstStart;
  private final int locations;
  private final Date lastUpdated = new Date();
  private final EncodedPages encoded = new EncodedPages();

  /**
   * @param firstStart the first appointment's start; the others follow a minute apart, wrapping every 8 hours
   * @param locations how many locations ({@code Location/loc-0} ...) the appointments are spread over, in turn
   */
  ScheduleServer(int size, Instant firstStart, int locations) throws Exception {
    this.size = size;
    this.firstStart = firstStart;
    this.locations = locations;
    jetty = new Server();
    ServerConnector connector = new ServerConnector(jetty);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    jetty.addConnector(connector);
    RestfulServer fhir = new RestfulServer(FhirContext.forR4Cached());
    fhir.setResourceProviders(new Appointments());
    FifoMemoryPagingProvider paging = new FifoMemoryPagingProvider(10);
    paging.setMaximumPageSize(1000);
    fhir.setPagingProvider(paging);
    ServletContextHandler context = new ServletContextHandler();
    context.addFilter(new FilterHolder(encoded), "/*", EnumSet.of(DispatcherType.REQUEST));
    context.addServlet(new ServletHolder(fhir), "/fhir/*");
    jetty.setHandler(context);
    jetty.start();
    port = connector.getLocalPort();
  }

  String baseUrl() {
    return "http://127.0.0.1:" + port + "/fhir";
  }

  /**
   * Asks this server for every page of the schedule, {@code count} appointments a page (a source's {@code _count}),
   * and keeps each page's text, which is then the answer to the request for that page (by offset and size) from
   * anyone: an import then charges the shared cores only for serving bytes, not for HAPI building and encoding them.
   *
   * @return how many pages were kept
   */
  int encodePages(int count) throws IOException, InterruptedException {
    HttpClient http = HttpClient.newHttpClient();
    String url = baseUrl() + "/Appointment?_include=Appointment:patient&_count=" + count;
    while (url != null) {
      HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(url))
          .header("Accept", "application/fhir+json").build(), HttpResponse.BodyHandlers.ofString());
      if (page.statusCode() != 200) throw new IOException("page " + url + " answered HTTP " + page.statusCode());
      encoded.keep(url, page.body());
      url = nextLink(new JsonObject(page.body()));
    }
    return encoded.size();
  }

  /** The texts of the pages kept by {@link #encodePages}. */
  List<String> encodedPages() {
    return encoded.texts();
  }

  /** How many requests were answered with a page kept by {@link #encodePages}. */
  int pagesServedAsKept() {
    return encoded.served();
  }

  private static String nextLink(JsonObject bundle) {
    JsonArray links = bundle.getJsonArray("link", new JsonArray());
    for (int i = 0; i < links.size(); i++) {
      if ("next".equals(links.getJsonObject(i).getString("relation"))) return links.getJsonObject(i).getString("url");
    }
    return null;
  }

  /** Appointment {@code i} of the schedule, its patient included the way {@code _include} returns it. */
  private Appointment appointment(int i) {
    Patient p = new Patient();
    p.setId(new IdType("Patient", "p" + i, "1"));
    p.getMeta().setVersionId("1").setLastUpdated(lastUpdated);
    p.addName().setFamily("Import").addGiven("Patient" + i);
    p.setGender(Enumerations.AdministrativeGender.UNKNOWN);
    p.getBirthDateElement()
        .setValueAsString(String.format(Locale.ROOT, "19%02d-%02d-%02d", 30 + i % 70, 1 + i % 12, 1 + i % 28));
    p.addIdentifier().setSystem(MRN_SYSTEM).setValue("MRN-" + i);
    p.addTelecom().setSystem(ContactPoint.ContactPointSystem.PHONE).setUse(ContactPoint.ContactPointUse.MOBILE)
        .setValue(String.format(Locale.ROOT, "+3361%07d", i));
    Appointment a = new Appointment();
    a.setId(new IdType("Appointment", "a" + i, "1"));
    a.getMeta().setVersionId("1").setLastUpdated(lastUpdated);
    a.setStatus(Appointment.AppointmentStatus.BOOKED);
    Instant start = firstStart.plusSeconds(60L * (i % 480));
    a.setStart(Date.from(start));
    a.setEnd(Date.from(start.plusSeconds(900)));
    Reference patient = new Reference("Patient/p" + i);
    patient.setResource(p);
    a.addParticipant().setActor(patient).setStatus(Appointment.ParticipationStatus.ACCEPTED);
    a.addParticipant().setActor(new Reference("Location/loc-" + i % locations))
        .setStatus(Appointment.ParticipationStatus.ACCEPTED);
    return a;
  }

  @Override
  public void close() throws Exception {
    jetty.stop();
  }

  /** The search of the whole schedule (every appointment is in the window a source asks for). */
  public final class Appointments implements IResourceProvider {
    @Override
    public Class<Appointment> getResourceType() {
      return Appointment.class;
    }

    @Search
    public IBundleProvider search(@OptionalParam(name = Appointment.SP_DATE) DateRangeParam date,
        @OptionalParam(name = Constants.PARAM_LASTUPDATED) DateRangeParam lastUpdatedRange,
        @IncludeParam(allow = {"Appointment:patient"}) Set<Include> includes, @Sort SortSpec sort) {
      SimpleBundleProvider all = new SimpleBundleProvider(size) {
        @Override
        public List<IBaseResource> getResources(int from, int to, ResponsePage.ResponsePageBuilder page) {
          List<IBaseResource> out = new ArrayList<>(to - from);
          for (int i = from; i < Math.min(to, size); i++) out.add(appointment(i));
          return out;
        }
      };
      all.setPreferredPageSize(500);
      return all;
    }
  }
}

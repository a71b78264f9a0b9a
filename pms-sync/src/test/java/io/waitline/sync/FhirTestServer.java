package io.waitline.sync;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.model.api.Include;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.IncludeParam;
import ca.uhn.fhir.rest.annotation.OptionalParam;
import ca.uhn.fhir.rest.annotation.Read;
import ca.uhn.fhir.rest.annotation.Search;
import ca.uhn.fhir.rest.annotation.Sort;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.SortSpec;
import ca.uhn.fhir.rest.param.DateRangeParam;
import ca.uhn.fhir.rest.server.FifoMemoryPagingProvider;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.Appointment.AppointmentStatus;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;

/**
 * A real FHIR R4 server for tests: HAPI's {@link RestfulServer} in Jetty, holding Appointments and Patients in
 * memory with versions and {@code meta.lastUpdated} from the test clock, paging searchsets with {@code next} links.
 * Faults can be switched on: HTTP errors for a number of requests, requests that hang, a required Authorization.
 */
final class FhirTestServer implements AutoCloseable {
  private final Server jetty;
  private final Clock clock;
  private final Map<String, Appointment> appointments = new LinkedHashMap<>();
  private final Map<String, Patient> patients = new LinkedHashMap<>();
  private final AtomicInteger versions = new AtomicInteger();
  /** Every request's path and query, in order. */
  final List<String> requests = new CopyOnWriteArrayList<>();
  private final AtomicInteger failuresLeft = new AtomicInteger();
  private final AtomicInteger failureStatus = new AtomicInteger(500);
  private final AtomicReference<String> failOnlyIfQueryContains = new AtomicReference<>();
  private final AtomicReference<CountDownLatch> hang = new AtomicReference<>();
  private final AtomicReference<String> requiredAuthorization = new AtomicReference<>();
  private final AtomicReference<SmartClient> smartClient = new AtomicReference<>();
  /** Client assertions the token endpoint accepted. */
  final List<String> assertions = new CopyOnWriteArrayList<>();
  private volatile boolean includePatients = true;
  /** The If-Match header of every update, in order. */
  final List<String> ifMatches = new CopyOnWriteArrayList<>();
  /** Run once, just before the next update is checked: another writer changing the appointment in between. */
  private final AtomicReference<java.util.function.Consumer<Appointment>> changeBeforeNextUpdate =
      new AtomicReference<>();
  private final int port;
  private final RestfulServer fhir;

  FhirTestServer(Clock clock, int defaultPageSize) {
    this.clock = clock;
    this.jetty = new Server();
    ServerConnector connector = new ServerConnector(jetty);
    connector.setPort(0);
    jetty.addConnector(connector);
    fhir = new RestfulServer(FhirContext.forR4Cached());
    fhir.setResourceProviders(new AppointmentProvider(), new PatientProvider());
    FifoMemoryPagingProvider paging = new FifoMemoryPagingProvider(100);
    paging.setDefaultPageSize(defaultPageSize);
    paging.setMaximumPageSize(1000);
    fhir.setPagingProvider(paging);
    ServletContextHandler context = new ServletContextHandler();
    context.addFilter(new FilterHolder(new Faults()), "/*", EnumSet.of(DispatcherType.REQUEST));
    context.addServlet(new ServletHolder(fhir), "/fhir/*");
    context.addServlet(new ServletHolder(new SmartTokenEndpoint()), "/token");
    jetty.setHandler(context);
    try {
      jetty.start();
    } catch (Exception e) {
      throw new IllegalStateException("could not start the test FHIR server", e);
    }
    this.port = connector.getLocalPort();
  }

  String baseUrl() {
    return "http://localhost:" + port + "/fhir";
  }

  String url(String path) {
    return "http://localhost:" + port + path;
  }

  // --- data

  synchronized Patient putPatient(Patient p) {
    Patient copy = p.copy();
    copy.getMeta().setVersionId("1").setLastUpdated(Date.from(clock.instant()));
    patients.put(copy.getIdElement().getIdPart(), copy);
    return copy;
  }

  /** Patients p1 to pn (Pat1 Lee, MRN M1...) with appointments a1 to an, booked a minute apart after {@code start}. */
  void bookOneAMinute(int n, Instant start) {
    for (int i = 1; i <= n; i++) {
      putPatient(Fhir.patient("p" + i, "Pat" + i, "Lee", "1980-01-01", "M" + i));
      putAppointment(Fhir.appointment("a" + i, AppointmentStatus.BOOKED, start.plusSeconds(60L * i), "p" + i, null));
    }
  }

  /** Stores a new version of the appointment: versionId counts up, lastUpdated is now on the test clock. */
  synchronized Appointment putAppointment(Appointment a) {
    String id = a.getIdElement().getIdPart();
    Appointment old = appointments.get(id);
    int version = old == null ? 1 : Integer.parseInt(old.getMeta().getVersionId()) + 1;
    Appointment copy = a.copy();
    copy.setId(new IdType("Appointment", id, String.valueOf(version)));
    copy.getMeta().setVersionId(String.valueOf(version)).setLastUpdated(Date.from(clock.instant()));
    versions.incrementAndGet();
    appointments.put(id, copy);
    return copy;
  }

  synchronized Appointment appointment(String id) {
    return appointments.get(id).copy();
  }

  /**
   * The next update finds the appointment changed by someone else ({@code change} applied to it as a new version), so
   * an update on the version read before answers 412 Precondition Failed.
   */
  void changeBeforeNextUpdate(java.util.function.Consumer<Appointment> change) {
    changeBeforeNextUpdate.set(change);
  }

  synchronized void deleteAppointment(String id) {
    appointments.remove(id);
  }

  // --- faults

  /** The next {@code n} requests answer {@code status}. */
  void failNext(int n, int status) {
    failureStatus.set(status);
    failOnlyIfQueryContains.set(null);
    failuresLeft.set(n);
  }

  /** The next {@code n} requests whose query contains {@code marker} (e.g. a page token) answer {@code status}. */
  void failNextMatching(String marker, int n, int status) {
    failureStatus.set(status);
    failOnlyIfQueryContains.set(marker);
    failuresLeft.set(n);
  }

  /** Requests hang until {@link #release()}. */
  void hangRequests() {
    hang.set(new CountDownLatch(1));
  }

  void release() {
    CountDownLatch l = hang.getAndSet(null);
    if (l != null) l.countDown();
  }

  void requireAuthorization(String header) {
    requiredAuthorization.set(header);
  }

  /** A SMART Backend Services client: its id, public key, and the access token the endpoint issues to it. */
  record SmartClient(String clientId, java.security.PublicKey key, String accessToken) {}

  /** Serves {@code /token} for this client and requires its access token on FHIR requests. */
  void smartBackendServices(SmartClient client) {
    smartClient.set(client);
    requireAuthorization("Bearer " + client.accessToken());
  }

  /** Behave like servers that ignore {@code _include}: patients must be read one by one. */
  /** Answers pretty-printed JSON from now on, as some servers do unasked. */
  void prettyPrint() {
    fhir.setDefaultPrettyPrint(true);
  }

  void ignoreIncludes() {
    includePatients = false;
  }

  long fhirRequests() {
    return requests.stream().filter(r -> r.startsWith("/fhir")).count();
  }

  @Override
  public void close() {
    release();
    try {
      jetty.stop();
    } catch (Exception e) {
      throw new IllegalStateException("the test FHIR server did not stop", e);
    }
  }

  /**
   * The token endpoint of SMART Backend Services: a client-credentials grant whose client assertion must be an RS384
   * JWT signed by the registered key, with iss = sub = client id, aud = this endpoint, and not expired.
   */
  private final class SmartTokenEndpoint extends jakarta.servlet.http.HttpServlet {
    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      SmartClient client = smartClient.get();
      String assertion = req.getParameter("client_assertion");
      if (client == null || !"client_credentials".equals(req.getParameter("grant_type"))
          || !"urn:ietf:params:oauth:client-assertion-type:jwt-bearer".equals(req.getParameter("client_assertion_type"))
          || assertion == null || !valid(client, assertion, url("/token"))) {
        resp.setStatus(400);
        resp.setContentType("application/json");
        resp.getWriter().write("{\"error\":\"invalid_client\"}");
        return;
      }
      assertions.add(assertion);
      resp.setContentType("application/json");
      resp.getWriter().write("{\"access_token\":\"" + client.accessToken()
          + "\",\"token_type\":\"bearer\",\"expires_in\":300,\"scope\":\"system/Appointment.read\"}");
    }
  }

  private boolean valid(SmartClient client, String jwt, String audience) {
    String[] parts = jwt.split("\\.");
    if (parts.length != 3) return false;
    try {
      java.util.Base64.Decoder b64 = java.util.Base64.getUrlDecoder();
      io.vertx.core.json.JsonObject header = new io.vertx.core.json.JsonObject(new String(b64.decode(parts[0])));
      io.vertx.core.json.JsonObject claims = new io.vertx.core.json.JsonObject(new String(b64.decode(parts[1])));
      java.security.Signature sig = java.security.Signature.getInstance("SHA384withRSA");
      sig.initVerify(client.key());
      sig.update((parts[0] + "." + parts[1]).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      return "RS384".equals(header.getString("alg")) && sig.verify(b64.decode(parts[2]))
          && client.clientId().equals(claims.getString("iss")) && client.clientId().equals(claims.getString("sub"))
          && audience.equals(claims.getString("aud")) && claims.getString("jti") != null
          && claims.getLong("exp") > clock.instant().getEpochSecond();
    } catch (java.security.GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  private final class Faults implements Filter {
    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
        throws IOException, jakarta.servlet.ServletException {
      HttpServletRequest http = (HttpServletRequest) req;
      HttpServletResponse out = (HttpServletResponse) res;
      String query = http.getQueryString();
      requests.add(http.getRequestURI() + (query == null ? "" : "?" + query));
      if ("PUT".equals(http.getMethod())) ifMatches.add(String.valueOf(http.getHeader("If-Match")));
      CountDownLatch latch = hang.get();
      if (latch != null) {
        try {
          latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      String marker = failOnlyIfQueryContains.get();
      boolean matches = marker == null || query != null && query.contains(marker);
      if (http.getRequestURI().startsWith("/fhir") && matches && failuresLeft.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
        out.sendError(failureStatus.get());
        return;
      }
      String required = requiredAuthorization.get();
      if (required != null && http.getRequestURI().startsWith("/fhir")
          && !required.equals(http.getHeader("Authorization"))) {
        out.sendError(401);
        return;
      }
      chain.doFilter(req, res);
    }
  }

  public final class AppointmentProvider implements IResourceProvider {
    @Override
    public Class<Appointment> getResourceType() {
      return Appointment.class;
    }

    @Search
    public List<IBaseResource> search(@OptionalParam(name = Appointment.SP_DATE) DateRangeParam date,
        @OptionalParam(name = Constants.PARAM_LASTUPDATED) DateRangeParam lastUpdated,
        @IncludeParam(allow = {"Appointment:patient"}) Set<Include> includes, @Sort SortSpec sort) {
      List<Appointment> found = new ArrayList<>();
      synchronized (FhirTestServer.this) {
        for (Appointment a : appointments.values()) {
          if (date != null && !within(a.getStart(), date)) continue;
          if (lastUpdated != null && !within(a.getMeta().getLastUpdated(), lastUpdated)) continue;
          found.add(a.copy());
        }
        found.sort(Comparator.comparing((Appointment a) -> a.getMeta().getLastUpdated())
            .thenComparing(a -> a.getIdElement().getIdPart()));
        boolean include = includePatients && includes != null && !includes.isEmpty();
        for (Appointment a : found) {
          for (Appointment.AppointmentParticipantComponent p : a.getParticipant()) {
            Reference actor = p.getActor();
            if (include && actor.getReference() != null && actor.getReference().startsWith("Patient/")) {
              Patient patient = patients.get(actor.getReference().substring("Patient/".length()));
              if (patient != null) actor.setResource(patient.copy());
            }
          }
        }
      }
      return new ArrayList<>(found);
    }

    @Read
    public Appointment read(@IdParam IdType id) {
      synchronized (FhirTestServer.this) {
        Appointment a = appointments.get(id.getIdPart());
        if (a == null) throw new ResourceNotFoundException(id);
        return a.copy();
      }
    }

    /** An update that honours If-Match (HAPI puts its version in the id): another version is a 412. */
    @ca.uhn.fhir.rest.annotation.Update
    public ca.uhn.fhir.rest.api.MethodOutcome update(@IdParam IdType id,
        @ca.uhn.fhir.rest.annotation.ResourceParam Appointment a) {
      synchronized (FhirTestServer.this) {
        Appointment current = appointments.get(id.getIdPart());
        if (current == null) throw new ResourceNotFoundException(id);
        java.util.function.Consumer<Appointment> change = changeBeforeNextUpdate.getAndSet(null);
        if (change != null) {
          Appointment changed = current.copy();
          change.accept(changed);
          current = putAppointment(changed);
        }
        if (id.hasVersionIdPart() && !id.getVersionIdPart().equals(current.getMeta().getVersionId())) {
          throw new ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException("Appointment/" + id.getIdPart()
              + " is at version " + current.getMeta().getVersionId() + ", not " + id.getVersionIdPart() + ".");
        }
        a.setId(id.toUnqualifiedVersionless());
        Appointment stored = putAppointment(a);
        return new ca.uhn.fhir.rest.api.MethodOutcome(stored.getIdElement()).setResource(stored);
      }
    }
  }

  public final class PatientProvider implements IResourceProvider {
    @Override
    public Class<Patient> getResourceType() {
      return Patient.class;
    }

    @Read
    public Patient read(@IdParam IdType id) {
      synchronized (FhirTestServer.this) {
        Patient p = patients.get(id.getIdPart());
        if (p == null) throw new ResourceNotFoundException(id);
        return p.copy();
      }
    }
  }

  private static boolean within(Date t, DateRangeParam range) {
    if (t == null) return false;
    Instant at = t.toInstant();
    Date lower = range.getLowerBoundAsInstant();
    Date upper = range.getUpperBoundAsInstant();
    return (lower == null || !at.isBefore(lower.toInstant())) && (upper == null || at.isBefore(upper.toInstant())
        || at.equals(upper.toInstant()) && range.getUpperBound().getPrefix() != null
        && range.getUpperBound().getPrefix().getValue().equals("le"));
  }
}

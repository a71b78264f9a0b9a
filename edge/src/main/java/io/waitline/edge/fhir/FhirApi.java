package io.waitline.edge.fhir;

import ca.uhn.fhir.context.FhirContext;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.waitline.edge.pipeline.Problems;
import io.waitline.queue.ServiceQueue;
import io.waitline.queue.command.QueueCommands;
import io.waitline.queue.read.DayVisit;
import io.waitline.queue.read.QueueReadModel;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Resource;

/**
 * Waitline as a FHIR R4 server for record systems: {@code /fhir/r4/metadata}, and searches of a queue's
 * Appointments and Encounters as searchset Bundles, paged by {@code next} links. Written by HAPI's JSON parser;
 * every refusal on these paths is an OperationOutcome with a sentence (see {@link #answerAsFhir}).
 */
public final class FhirApi {
  public static final String BASE = "/fhir/r4";
  public static final String CONTENT_TYPE = "application/fhir+json;charset=utf-8";
  /** FHIR's paths other than the subscription notifications that sources push (those answer problem+json). */
  private static final String FHIR_PATHS = "^" + BASE + "/(?!subscriptions/).*$";
  private static final FhirContext FHIR = FhirContext.forR4Cached();

  private final QueueCommands commands;
  private final Pool pool;
  private final QueueReadModel reads = new QueueReadModel();
  private final String publicUrl;
  private final Date published = new Date();

  public FhirApi(QueueCommands commands, Pool pool, String publicUrl) {
    this.commands = commands;
    this.pool = pool;
    this.publicUrl = publicUrl;
  }

  /**
   * Loads HAPI's model of the resources served here; slow the first time (class scanning), so the node does it
   * while starting, not on an event loop at the first request.
   */
  public static void warmUp() {
    for (Class<? extends IBaseResource> type : List.of(Bundle.class, OperationOutcome.class,
        org.hl7.fhir.r4.model.CapabilityStatement.class, org.hl7.fhir.r4.model.Appointment.class,
        org.hl7.fhir.r4.model.Encounter.class)) {
      FHIR.getResourceDefinition(type);
    }
    FHIR.newJsonParser().encodeResourceToString(FhirResources.capabilities(BASE, new Date()));
  }

  public void register(Map<String, Handler<RoutingContext>> ops) {
    ops.put("getFhirCapabilities", rc -> send(rc, FhirResources.capabilities(publicUrl + BASE, published)));
    ops.put("searchFhirAppointments", rc -> search(rc, DayVisit.Kind.APPOINTMENTS, FhirResources::appointment));
    ops.put("searchFhirEncounters", rc -> search(rc, DayVisit.Kind.ARRIVALS, FhirResources::encounter));
  }

  /**
   * The first handler of every request to a FHIR path (the searches, and paths the contract does not have, such as
   * another resource type): whatever refuses it answers with an OperationOutcome.
   */
  public static void mount(Router root) {
    root.routeWithRegex(FHIR_PATHS).order(-2).handler(FhirApi::answerAsFhir);
  }

  private static void answerAsFhir(RoutingContext rc) {
    Problems.answerWith(rc, FhirApi::outcome);
    rc.next();
  }

  private void search(RoutingContext rc, DayVisit.Kind kind, BiFunction<DayVisit, ServiceQueue, Resource> resource) {
    MultiMap query = rc.queryParams();
    String queueId = FhirSearch.queueId(query.get("location"));
    commands.queue(queueId).compose(queue -> commands.site(queue.siteId()).compose(site -> {
      LocalDate today = LocalDate.ofInstant(commands.now(), site.zone());
      FhirSearch search = FhirSearch.of(query.get("location"), query.getAll("date"), query.get("_count"),
          query.get("_page"), today);
      if (search.empty()) return Future.succeededFuture(bundle(rc, List.of(), null, queue, resource));
      // one more than the page holds tells whether there is a next page
      return reads.dayVisits(pool, queueId, search.from(), search.to(), kind, search.after(), search.count() + 1)
          .map(visits -> visits.size() > search.count()
              ? bundle(rc, visits.subList(0, search.count()), visits.get(search.count() - 1).after(), queue, resource)
              : bundle(rc, visits, null, queue, resource));
    })).onSuccess(bundle -> send(rc, bundle)).onFailure(rc::fail);
  }

  private Bundle bundle(RoutingContext rc, List<DayVisit> visits, DayVisit.Cursor next, ServiceQueue queue,
      BiFunction<DayVisit, ServiceQueue, Resource> resource) {
    Bundle bundle = new Bundle().setType(Bundle.BundleType.SEARCHSET);
    bundle.getMeta().setLastUpdated(new Date());
    bundle.addLink().setRelation("self").setUrl(publicUrl + rc.request().uri());
    if (next != null) bundle.addLink().setRelation("next").setUrl(pageUrl(rc, FhirSearch.page(next)));
    for (DayVisit visit : visits) {
      Resource r = resource.apply(visit, queue);
      bundle.addEntry().setFullUrl(publicUrl + BASE + "/" + r.fhirType() + "/" + r.getIdElement().getIdPart())
          .setResource(r).getSearch().setMode(Bundle.SearchEntryMode.MATCH);
    }
    return bundle;
  }

  /** The request's own search with {@code _page} set to {@code page}. */
  private String pageUrl(RoutingContext rc, String page) {
    StringBuilder url = new StringBuilder(publicUrl).append(rc.request().path()).append('?');
    rc.queryParams().forEach((name, value) -> {
      if (!name.equals("_page")) url.append(encode(name)).append('=').append(encode(value)).append('&');
    });
    return url.append("_page=").append(page).toString();
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  private static void send(RoutingContext rc, IBaseResource resource) {
    if (rc.response().ended()) return;
    rc.response().putHeader("Content-Type", CONTENT_TYPE).end(FHIR.newJsonParser().encodeResourceToString(resource));
  }

  /** A refusal as FHIR's OperationOutcome: the issue's code from the status, the sentence as its diagnostics. */
  private static void outcome(RoutingContext rc, int status, String title, String detail) {
    OperationOutcome outcome = new OperationOutcome();
    outcome.addIssue().setSeverity(status >= 500 ? OperationOutcome.IssueSeverity.FATAL
            : OperationOutcome.IssueSeverity.ERROR)
        .setCode(issueType(status)).setDiagnostics(detail).getDetails().setText(title);
    rc.response().setStatusCode(status);
    send(rc, outcome);
  }

  private static OperationOutcome.IssueType issueType(int status) {
    return switch (status) {
      case 401 -> OperationOutcome.IssueType.LOGIN;
      case 403 -> OperationOutcome.IssueType.FORBIDDEN;
      case 404 -> OperationOutcome.IssueType.NOTFOUND;
      case 405, 415 -> OperationOutcome.IssueType.NOTSUPPORTED;
      case 409 -> OperationOutcome.IssueType.CONFLICT;
      case 413 -> OperationOutcome.IssueType.TOOCOSTLY;
      case 429 -> OperationOutcome.IssueType.THROTTLED;
      case 503 -> OperationOutcome.IssueType.TRANSIENT;
      default -> status >= 500 ? OperationOutcome.IssueType.EXCEPTION : OperationOutcome.IssueType.INVALID;
    };
  }
}

package io.waitline.sync;

import static io.waitline.queue.Refused.Kind.INVALID;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.waitline.sync.fhir.FhirAppointmentReader;
import io.waitline.sync.pipeline.Pipeline;
import io.waitline.sync.pipeline.ReceivedRecord;
import io.waitline.sync.source.Source;
import io.waitline.sync.source.SourceKind;
import io.waitline.sync.store.SyncStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * FHIR Subscription rest-hook notifications from a source. Classic R4 notifications (empty, id-only or a full
 * resource) and backport {@code handshake}s start a catch-up poll. Backport {@code event-notification} Bundles
 * (R4 Subscriptions Backport, {@code eventsSinceSubscriptionStart}) carrying full Appointments with their Patients
 * are applied at once through the pipeline; when their event numbers show a gap since the last notification, a
 * catch-up poll runs too, as it does instead for id-only events and a heartbeat that reports events never received.
 * The poll is started and not awaited, so a slow source never holds the sender.
 */
final class FhirNotifications {
  private static final Logger LOG = LoggerFactory.getLogger(FhirNotifications.class);

  private final Pool pool;
  private final SyncStore store;
  private final Pipeline pipeline;
  private final SourcePoller poller;
  private final SourceKind fhir;
  private final FhirContext context;

  private final WorkerExecutor workers;

  FhirNotifications(Pool pool, SyncStore store, Pipeline pipeline, SourcePoller poller, SourceKind fhir,
      FhirContext context, WorkerExecutor workers) {
    this.workers = workers;
    this.pool = pool;
    this.store = store;
    this.pipeline = pipeline;
    this.poller = poller;
    this.fhir = fhir;
    this.context = context;
  }

  /** Whether the secret the request carries is the source's, compared in constant time. */
  static boolean secretMatches(Source source, String sent) {
    return source.subscriptionSecret() != null && sent != null && MessageDigest.isEqual(
        source.subscriptionSecret().getBytes(StandardCharsets.UTF_8), sent.getBytes(StandardCharsets.UTF_8));
  }

  /** @return what was done: {@code applied} (with a count), {@code catch-up} (with the reason) or {@code ignored} */
  Future<JsonObject> handle(Source source, String body) {
    if (body == null || body.isBlank()) return catchUp(source, "an empty notification");
    // parsing is CPU work: off the event loop
    return workers.executeBlocking(() -> {
      try {
        return context.newJsonParser().parseResource(body);
      } catch (DataFormatException e) {
        throw new SyncException(INVALID, "The notification is not FHIR R4 JSON.");
      }
    }, false).compose(resource -> handle(source, resource));
  }

  private Future<JsonObject> handle(Source source, IBaseResource resource) {
    if (!(resource instanceof Bundle bundle) || bundle.getEntry().isEmpty()
        || !(bundle.getEntryFirstRep().getResource() instanceof Parameters status)) {
      return catchUp(source, "a classic subscription notification");
    }
    String type = value(status, "type");
    if (type == null) return catchUp(source, "a notification without a type");
    return switch (type) {
      case "handshake" -> catchUp(source, "a handshake");
      case "heartbeat" -> eventsSince(status) == null ? ignored("heartbeat")
          : store.swapEventNumber(pool, source.id(), eventsSince(status)).compose(before ->
              before != null && before < eventsSince(status) ? catchUp(source, "a heartbeat reporting missed events")
                  : ignored("heartbeat"));
      case "event-notification" -> events(source, bundle, status);
      default -> ignored(type);
    };
  }

  private Future<JsonObject> events(Source source, Bundle bundle, Parameters status) {
    List<Long> numbers = eventNumbers(status);
    Long since = eventsSince(status);
    long first = numbers.isEmpty() ? (since == null ? 0 : since) : numbers.stream().min(Long::compare).get();
    long last = numbers.isEmpty() ? first : numbers.stream().max(Long::compare).get();
    return store.swapEventNumber(pool, source.id(), Math.max(last, since == null ? 0 : since)).compose(before -> {
      String gap = before != null && first > before + 1
          ? "a gap in event numbers (" + before + " then " + first + ")" : null;
      return workers.executeBlocking(() -> {
        List<ReceivedRecord> records = new ArrayList<>();
        for (Bundle.BundleEntryComponent e : bundle.getEntry()) {
          if (e.getResource() instanceof Appointment a) records.add(record(bundle, a));
        }
        return records;
      }, false).compose(records -> {
        if (records.isEmpty()) return catchUp(source, gap != null ? gap : "an id-only notification");
        // what the notification carries is applied even after a gap: the catch-up then reads what it missed
        return applyAll(source, records).map(answer -> {
          if (gap == null) return answer;
          catchUp(source, gap);
          return answer.put("catchUp", gap);
        });
      });
    });
  }

  /** Applies the records one after the other; answers how many, and what became of them by outcome. */
  private Future<JsonObject> applyAll(Source source, List<ReceivedRecord> records) {
    SyncReport.Tally tally = new SyncReport.Tally();
    Future<Void> applied = Future.succeededFuture();
    for (ReceivedRecord r : records) {
      applied = applied.compose(v -> pipeline.receive(source, r, fhir.reader()).map(result -> {
        tally.add(result.outcome());
        return null;
      }));
    }
    return applied.map(v -> {
      JsonObject outcomes = new JsonObject();
      tally.outcomes.forEach((outcome, n) -> outcomes.put(outcome.wire(), n));
      return new JsonObject().put("action", "applied").put("records", records.size()).put("outcomes", outcomes);
    });
  }

  private ReceivedRecord record(Bundle bundle, Appointment a) {
    Bundle one = new Bundle().setType(Bundle.BundleType.COLLECTION);
    one.addEntry().setResource(a);
    for (Bundle.BundleEntryComponent e : bundle.getEntry()) {
      if (e.getResource() instanceof Patient p) one.addEntry().setResource(p);
    }
    // the source kind's own split gives the record its id, version and order, as a poll would
    return fhir.split(context.newJsonParser().encodeResourceToString(one), null).get(0);
  }

  private Future<JsonObject> catchUp(Source source, String why) {
    poller.run(source, false).onFailure(err -> LOG.info("catch-up of {} after {} failed: {}", source, why,
        err.getMessage()));
    return Future.succeededFuture(new JsonObject().put("action", "catch-up").put("reason", why));
  }

  private static Future<JsonObject> ignored(String type) {
    return Future.succeededFuture(new JsonObject().put("action", "ignored").put("type", type));
  }

  private static String value(Parameters p, String name) {
    Parameters.ParametersParameterComponent param = p.getParameter(name);
    return param == null || param.getValue() == null ? null : param.getValue().primitiveValue();
  }

  private static Long eventsSince(Parameters p) {
    String v = value(p, "events-since-subscription-start");
    return v == null || !v.matches("\\d{1,18}") ? null : Long.parseLong(v);
  }

  private static List<Long> eventNumbers(Parameters p) {
    List<Long> out = new ArrayList<>();
    for (Parameters.ParametersParameterComponent param : p.getParameter()) {
      if (!"notification-event".equals(param.getName())) continue;
      for (Parameters.ParametersParameterComponent part : param.getPart()) {
        String v = "event-number".equals(part.getName()) && part.getValue() != null
            ? part.getValue().primitiveValue() : null;
        if (v != null && v.matches("\\d{1,18}")) out.add(Long.parseLong(v));
      }
    }
    return out;
  }
}

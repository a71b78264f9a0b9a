package io.waitline.edge.rest;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.FileUpload;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.impl.RoutingContextInternal;
import io.waitline.edge.pipeline.AuditTrail;
import io.waitline.edge.pipeline.Problems;
import io.waitline.sync.SyncService;
import io.waitline.sync.csv.CsvKind;
import io.waitline.sync.source.Source;
import io.waitline.sync.webhook.WebhookSignature;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.regex.Pattern;

/**
 * Appointment sources (pms-sync): a site's sources, syncing now, health, dead letters and their replay, suggested
 * patient matches, and a dry run of the mapping. Source secrets are write-only: answers never carry them. Without a
 * sync module every operation answers a 404 problem.
 */
public final class SyncApi {
  private final SyncService sync;

  /** @param sync null when pms-sync is not configured on this server */
  public SyncApi(SyncService sync) {
    this.sync = sync;
  }

  /** The OpenAPI operations this class answers. */
  public void register(Map<String, Handler<RoutingContext>> ops) {
    ops.put("listSources", enabled(rc -> QueueApi.respond(rc, 200, sync.sources(rc.pathParam("siteId"))
        .map(list -> new JsonArray(list.stream().map(Source::toJson).toList())))));
    ops.put("createSource", enabled(rc -> QueueApi.respond(rc, 201,
        sync.create(rc.pathParam("siteId"), rc.body().asJsonObject()).map(Source::toJson))));
    ops.put("getSource", enabled(rc -> QueueApi.respond(rc, 200, sync.source(sourceId(rc)).map(Source::toJson))));
    ops.put("updateSource", enabled(rc -> QueueApi.respond(rc, 200,
        sync.update(sourceId(rc), rc.body().asJsonObject()).map(Source::toJson))));
    ops.put("deleteSource", enabled(rc -> QueueApi.respond(rc, 204, sync.delete(sourceId(rc)))));
    ops.put("syncSource", enabled(rc -> QueueApi.respond(rc, 200,
        sync.syncNow(sourceId(rc), "true".equals(rc.queryParams().get("full"))).map(r -> r.toJson()))));
    ops.put("getSourceHealth", enabled(rc -> QueueApi.respond(rc, 200, sync.health(sourceId(rc)))));
    ops.put("dryRunSource", enabled(rc -> QueueApi.respond(rc, 200, sync.dryRun(sourceId(rc), sample(rc)))));
    ops.put(UPLOAD_FILE, enabled(rc -> QueueApi.respond(rc, 200, sync.csvFile(sourceId(rc),
        rc.body().buffer() == null ? new byte[0] : rc.body().buffer().getBytes(),
        "true".equals(rc.queryParams().get("dryRun"))))));
    ops.put("listDeadLetters", enabled(rc -> QueueApi.respond(rc, 200, sync.deadLetters(sourceId(rc))
        .map(JsonArray::new))));
    ops.put("replayDeadLetter", enabled(rc -> QueueApi.respond(rc, 200,
        sync.replay(uuid(rc.pathParam("deadLetterId"), "dead letter")))));
    ops.put("listMatchReviews", enabled(rc -> QueueApi.respond(rc, 200, sync.matchReviews(rc.pathParam("siteId"))
        .map(JsonArray::new))));
    ops.put("resolveMatchReview", enabled(rc -> {
      JsonObject body = rc.body().asJsonObject();
      boolean same = "same-patient".equals(body.getString("decision"));
      QueueApi.respond(rc, 200, sync.resolveReview(rc.pathParam("siteId"), uuid(rc.pathParam("reviewId"), "review"),
          same, QueueApi.actor(rc)));
    }));
    ops.put("getSiteSourceStatus", enabled(rc -> QueueApi.respond(rc, 200, sync.siteStatus(rc.pathParam("siteId")))));
  }

  /** Where sources post FHIR Subscription notifications (rest-hook), outside the OpenAPI router like webhooks. */
  public static final String SUBSCRIPTIONS = "/fhir/r4/subscriptions/:sourceId";
  /** Where CSV files for a source are uploaded (through the contract, as operation uploadSourceFile). */
  public static final String FILES = "/api/v1/sources/:sourceId/files";
  /** The largest CSV file one upload may carry. */
  public static final int FILE_LIMIT_BYTES = CsvKind.MAX_BYTES;
  private static final Pattern FILES_PATH = Pattern.compile("/api/v1/sources/[^/]+/files");

  /** Whether a request is a CSV upload, which may carry more than other requests. */
  public static boolean isFileUpload(RoutingContext rc) {
    return rc.request().method() == HttpMethod.POST && FILES_PATH.matcher(rc.request().path()).matches();
  }

  /** The operation that takes a source's CSV file. */
  public static final String UPLOAD_FILE = "uploadSourceFile";

  /** Whether a request's body is a multipart form. */
  public static boolean isForm(RoutingContext rc) {
    String type = rc.request().getHeader("Content-Type");
    return type != null && type.toLowerCase(Locale.ROOT).startsWith("multipart/form-data");
  }

  /**
   * A CSV file sent as a form (multipart/form-data, as a browser's file field or {@code curl -F} sends it): its one
   * file becomes the request's body, as text/plain, so the rest of the way is the plain upload's.
   */
  public static Handler<RoutingContext> fileFromForm(Vertx vertx) {
    return rc -> {
      if (!isFileUpload(rc) || !isForm(rc)) {
        rc.next();
        return;
      }
      List<FileUpload> files = rc.fileUploads();
      if (files.size() != 1) {
        Problems.send(rc, 400, "bad-request", "Bad request", "A form with a CSV file carries exactly one file field;"
            + " this one carries " + files.size() + ".");
        return;
      }
      vertx.fileSystem().readFile(files.get(0).uploadedFileName()).onComplete(read -> {
        if (read.failed()) {
          rc.fail(read.cause());
          return;
        }
        ((RoutingContextInternal) rc).setBody(read.result());
        rc.request().headers().set("Content-Type", "text/plain");
        rc.next();
      });
    };
  }

  /** text/csv, which the contract's router cannot declare, is handed on as the text/plain it also is. */
  public static void csvAsPlainText(RoutingContext rc) {
    String type = rc.request().getHeader("Content-Type");
    if (type != null && type.toLowerCase(Locale.ROOT).startsWith("text/csv")) {
      rc.request().headers().set("Content-Type", "text/plain" + type.substring("text/csv".length()));
    }
    rc.next();
  }

  /** A dry run's sample: JSON as it came (FHIR Bundle, webhook events), or the text a JSON string holds (CSV). */
  private static String sample(RoutingContext rc) {
    String body = rc.body().asString();
    if (body != null && body.stripLeading().startsWith("\"")) return (String) Json.decodeValue(body);
    return body;
  }

  /** Where webhook sources post their signed appointment events. */
  public static final String WEBHOOKS = "/api/v1/sources/:sourceId/webhooks";
  /** The header carrying the source's subscription secret (set as a channel header of the FHIR Subscription). */
  public static final String SECRET_HEADER = "X-Waitline-Source-Secret";
  private static final int NOTIFICATION_LIMIT_BYTES = 1024 * 1024;

  /**
   * Mounts what sources push, outside the OpenAPI router (each is checked with the source's own secret, not a
   * Waitline credential) and written to the audit trail: FHIR Subscription notifications, answered at once (a
   * catch-up poll they start is not awaited), and webhook sources' signed appointment events, answered once applied.
   */
  public void mountSourcePushes(Router root, AuditTrail audit) {
    // an empty body is the empty text its sender signed (Vert.x reads no body as null)
    push(root, WEBHOOKS, audit, "sourceWebhook", (sourceId, rc) -> sync.webhookEvent(sourceId,
        rc.request().getHeader(WebhookSignature.HEADER), Objects.requireNonNullElse(rc.body().asString(), "")));
    push(root, SUBSCRIPTIONS, audit, "fhirSubscriptionNotification", (sourceId, rc) ->
        sync.subscriptionNotification(sourceId, rc.request().getHeader(SECRET_HEADER), rc.body().asString()));
  }

  /** One push endpoint of a source: its body bounded, the attempt audited whatever its outcome. */
  private void push(Router root, String path, AuditTrail audit, String action,
      BiFunction<UUID, RoutingContext, Future<JsonObject>> apply) {
    root.post(path).handler(BodyHandler.create(false).setBodyLimit(NOTIFICATION_LIMIT_BYTES)).handler(rc -> {
      if (sync == null) {
        Problems.send(rc, 404, "not-found", "Not found", "Appointment sources are not enabled on this server.");
        return;
      }
      String sourceId = rc.pathParam("sourceId");
      rc.addEndHandler(v -> audit.record(rc, action, rc.response().getStatusCode(),
          new JsonObject().put("sourceId", sourceId)));
      apply.apply(uuid(sourceId, "source"), rc).onSuccess(rc::json).onFailure(rc::fail);
    }).failureHandler(Problems::handle);
  }

  /** The site a source or dead letter belongs to, for the access guard. */
  public Future<String> siteOfSource(String sourceId) {
    return sync == null ? Future.succeededFuture(null) : sync.siteOfSource(uuid(sourceId, "source"));
  }

  public Future<String> siteOfDeadLetter(String deadLetterId) {
    return sync == null ? Future.succeededFuture(null) : sync.siteOfDeadLetter(uuid(deadLetterId, "dead letter"));
  }

  private static UUID sourceId(RoutingContext rc) {
    return uuid(rc.pathParam("sourceId"), "source");
  }

  private static UUID uuid(String value, String what) {
    try {
      return UUID.fromString(value);
    } catch (IllegalArgumentException e) {
      throw new Problems.BadRequest("The " + what + " id '" + value + "' is not a valid id.");
    }
  }

  private Handler<RoutingContext> enabled(Handler<RoutingContext> h) {
    if (sync != null) return h;
    return rc -> Problems.send(rc, 404, "not-found", "Not found",
        "Appointment sources are not enabled on this server.");
  }
}

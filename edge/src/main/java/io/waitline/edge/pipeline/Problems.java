package io.waitline.edge.pipeline;

import io.netty.handler.codec.http.multipart.HttpPostRequestDecoder;
import io.vertx.core.VertxException;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.json.schema.OutputUnit;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatorErrorType;
import io.vertx.openapi.validation.ValidatorException;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import io.waitline.access.AccessException;
import io.waitline.queue.Refused;
import io.waitline.sync.csv.CsvKind;
import io.waitline.sync.source.SourceFailure;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.LinkedHashSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one place that turns failures into RFC 9457 {@code application/problem+json} responses. */
public final class Problems {
  /** The largest request body the edge reads. */
  public static final int BODY_LIMIT_BYTES = 64 * 1024;
  /** Set on a request that uploads a source's file: its body's limit and media types are a file's. */
  public static final String FILE_UPLOAD = "waitline.fileUpload";
  private static final String FILE_TYPES = "Send the file as text/csv (or text/plain or application/octet-stream),"
      + " or as the one file of a multipart/form-data form.";
  /** The most values (fields, list items, numbers, texts...) one JSON body may hold. */
  public static final int MAX_BODY_VALUES = 1000;
  /** How deeply one JSON body may nest objects and lists. */
  public static final int MAX_BODY_DEPTH = 32;
  /** What the router checks e-mail fields against: a local part, an @ and a domain name. */
  public static final String EMAIL_PATTERN = "^[^@\\s\"]{1,64}@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)*$";
  /** Why text with a NUL is refused, wherever it was sent. */
  public static final String UNSTORABLE_SENTENCE =
      "The request contains text that cannot be stored, such as a NUL character (\\u0000).";
  private static final Logger LOG = LoggerFactory.getLogger(Problems.class);
  public static final String CONTENT_TYPE = "application/problem+json";
  private static final String TYPE_BASE = "https://waitline.dev/problems/";
  /** PostgreSQL's "invalid byte sequence" and "untranslatable character": text no column can hold. */
  private static final java.util.Set<String> UNSTORABLE_TEXT = java.util.Set.of("22021", "22P05");

  /** Where a request's {@link Renderer} is kept. */
  private static final String RENDERER = "waitline.problems.renderer";

  private Problems() {}

  /** Writes a refusal in the format of a protocol other than REST (FHIR's OperationOutcome). */
  @FunctionalInterface
  public interface Renderer {
    void send(RoutingContext rc, int status, String title, String detail);
  }

  /** Refusals of this request are written by {@code renderer} instead of as problem+json; same status and sentence. */
  public static void answerWith(RoutingContext rc, Renderer renderer) {
    rc.put(RENDERER, renderer);
  }

  /** Failure handler for every route: maps the failure (or the failed status code) to a problem. */
  public static void handle(RoutingContext rc) {
    Throwable err = rc.failure();
    int status = rc.statusCode();
    if (err instanceof HttpException http) {
      // validation and body-handler failures arrive wrapped; the cause says what was wrong
      status = http.getStatusCode();
      err = http.getCause();
    }
    if (err instanceof Refused e) {
      refusal(rc, e);
    } else if (err instanceof SourceFailure e) {
      // the appointment source failed, not Waitline: a gateway error with what the source did
      send(rc, 502, "source-failed", "The appointment source failed", e.getMessage());
    } else if (err instanceof SchemaValidationException e) {
      sendValidation(rc, e);
    } else if (err instanceof ValidatorException e && e.type() == ValidatorErrorType.UNSUPPORTED_VALUE_FORMAT
        && String.valueOf(e.getMessage()).contains("body")) {
      send(rc, 415, "unsupported-media-type", "Unsupported media type",
          isFileUpload(rc) ? FILE_TYPES : validatorSentence(e));
    } else if (err instanceof ValidatorException e) {
      send(rc, 400, "bad-request", "Bad request", validatorSentence(e));
    } else if (err instanceof DecodeException) {
      send(rc, 400, "malformed-json", "Malformed JSON", "The request body is not valid JSON.");
    } else if (err instanceof VertxException && status >= 400 && status < 500) {
      // vertx-web refuses what it cannot route, e.g. a Host header that names no valid host and port
      send(rc, status, "bad-request", "Bad request", String.valueOf(err.getMessage()).contains("Host")
          ? "The Host header must name a host, optionally with a port from 1 to 65535 (like clinic.example:8080)."
          : "The request could not be understood.");
    } else if (err instanceof BadRequest e) {
      send(rc, 400, "bad-request", "Bad request", e.getMessage());
    } else if (err instanceof AuditUnavailable) {
      send(rc, 503, "audit-unavailable", "Not recorded, so not done", "This could not be written to the audit "
          + "log, so it was not done; try again in a moment.");
    } else if (err instanceof TooManyFields) {
      send(rc, 400, "too-many-fields", "Request too complex", "The request body holds more than " + MAX_BODY_VALUES
          + " values or nests deeper than " + MAX_BODY_DEPTH + " levels; no operation takes that much.");
    } else if (err instanceof HttpPostRequestDecoder.ErrorDataDecoderException) {
      send(rc, 400, "bad-request", "Bad request",
          "The form body is not validly percent-encoded; send the request body as application/json.");
    } else if (err instanceof AccessDenied e) {
      if (e.status == 401) rc.response().putHeader("WWW-Authenticate", "Bearer realm=\"waitline\"");
      send(rc, e.status, e.status == 401 ? "unauthenticated" : "forbidden", accessTitle(e.status), e.getMessage());
    } else if (err instanceof AccessException e) {
      int refused = status(e.refusal());
      if (refused == 401) rc.response().putHeader("WWW-Authenticate", "Bearer realm=\"waitline\"");
      send(rc, refused, e.type(), accessTitle(refused), e.getMessage());
    } else if (err instanceof PgException pg && pg.getSqlState() != null
        && UNSTORABLE_TEXT.contains(pg.getSqlState())) {
      send(rc, 400, "bad-request", "Bad request", UNSTORABLE_SENTENCE);
    } else if (err instanceof PgException pg && pg.getSqlState() != null && pg.getSqlState().startsWith("53")) {
      // insufficient resources (disk full, out of memory, too many connections): the operator's to fix
      LOG.warn("PostgreSQL refused {} {} for lack of resources: {}", rc.request().method(), rc.request().path(),
          pg.getMessage());
      send(rc, 503, "database-unavailable", "Try again in a moment", "The database has run out of space or other "
          + "resources, so nothing was done; try again in a moment, and tell your administrator if it goes on.");
    } else if (databaseUnavailable(err)) {
      send(rc, 503, "database-unavailable", "Try again in a moment", "The database could not be reached just now, "
          + "so nothing was done; try again in a moment.");
    } else if (err == null && status > 0) {
      byStatus(rc, status);
    } else if (err instanceof HttpClosedException) {
      // the client went away before its request was complete: no one to answer, and nothing of ours went wrong
      LOG.debug("{} {}: the client closed the connection before sending the whole request", rc.request().method(),
          rc.request().path());
    } else if (MalformedRequests.brokenBody(err)) {
      // the connection's exception handler answered it already (MalformedRequests.answerBrokenBody)
      send(rc, 400, "broken-chunked-body", "Broken chunked body", "The request body's chunked encoding is broken.");
    } else {
      String ref = UUID.randomUUID().toString().substring(0, 8);
      LOG.error("Unexpected failure on {} {} (ref {})", rc.request().method(), rc.request().path(), ref, err);
      send(rc, 500, "internal", "Internal error",
          "Something went wrong on our side and nothing was changed. Reference: " + ref + ".");
    }
  }

  /**
   * PostgreSQL went away under the request (a restart, a failover, its connections dropped): nothing was committed,
   * and the pool reconnects by itself, so the caller may simply try again.
   */
  private static boolean databaseUnavailable(Throwable err) {
    for (Throwable t = err; t != null; t = t.getCause()) {
      // refused, reset or closed under a query (java.net.ConnectException is a SocketException too)
      if (t instanceof ClosedConnectionException || t instanceof java.net.SocketException) return true;
      if (t instanceof VertxException v && String.valueOf(v.getMessage()).startsWith("Connection is not active")) {
        return true; // the pg client's word for a connection PostgreSQL is closing under it
      }
      if (t instanceof PgException pg && pg.getSqlState() != null
          && (pg.getSqlState().startsWith("08") || pg.getSqlState().startsWith("57P"))) {
        return true; // connection exceptions; administrator, crash or startup shutdown
      }
    }
    return false;
  }

  /** A module's refusal: its kind picks the status and the problem type; its sentence is the detail. */
  private static void refusal(RoutingContext rc, Refused e) {
    String detail = e.getMessage();
    switch (e.kind()) {
      case NOT_FOUND -> send(rc, 404, "not-found", "Not found", detail);
      case CONFLICT -> send(rc, 409, "conflict", "Not possible now", detail);
      case INVALID -> send(rc, 422, "invalid", "Request cannot be carried out", detail);
      case FORBIDDEN -> send(rc, 403, "forbidden", "Not allowed", detail);
      case LINK_EXPIRED -> send(rc, 410, "link-expired", "Link no longer valid", detail);
      case VISIT_ENDED -> send(rc, 410, "visit-ended", "Visit ended", detail);
      case MALFORMED_CALLBACK -> send(rc, 400, "bad-request", "Bad request", detail);
    }
  }

  /** Failures that arrive as a bare status code (no route, wrong method, body too large). */
  public static void byStatus(RoutingContext rc, int status) {
    switch (status) {
      case 404 -> send(rc, 404, "not-found", "Not found", "There is nothing at " + rc.request().path() + ".");
      case 405 -> send(rc, 405, "method-not-allowed", "Method not allowed",
          rc.request().method() + " is not supported on " + rc.request().path() + ".");
      case 413 -> send(rc, 413, "too-large", "Request too large", isFileUpload(rc)
          ? "The file is larger than " + CsvKind.MAX_BYTES / (1024 * 1024) + " MiB, the most one upload takes."
          : "The request body is larger than " + BODY_LIMIT_BYTES / 1024 + " KiB.");
      case 415 -> send(rc, 415, "unsupported-media-type", "Unsupported media type",
          isFileUpload(rc) ? FILE_TYPES : "Send the request body as application/json.");
      case 400 -> send(rc, 400, "bad-request", "Bad request", "The request could not be understood.");
      default -> send(rc, status, "error", "Error", "The request could not be completed (HTTP " + status + ").");
    }
  }

  private static boolean isFileUpload(RoutingContext rc) {
    return Boolean.TRUE.equals(rc.get(FILE_UPLOAD));
  }

  public static void send(RoutingContext rc, int status, String slug, String title, String detail) {
    send(rc, status, slug, title, detail, null);
  }

  private static void send(RoutingContext rc, int status, String slug, String title, String detail,
      JsonArray errors) {
    if (rc.response().ended() || rc.response().headWritten()) return;
    Renderer renderer = rc.get(RENDERER);
    if (renderer != null) {
      renderer.send(rc, status, title, detail);
      return;
    }
    JsonObject body = problem(status, slug, title, detail, rc.request().path());
    if (errors != null && !errors.isEmpty()) body.put("errors", errors);
    rc.response().setStatusCode(status).putHeader("Content-Type", CONTENT_TYPE).end(body.encode());
  }

  /**
   * Answers a request no route handles (the connection's own refusals: too slow, undecodable) and closes its
   * connection; closing also flushes the answer at once, even while Vert.x is still reading the request's bytes.
   *
   * @param instance the path the problem is about, or null when the request has none worth naming
   */
  public static void sendAndClose(HttpServerRequest request, int status, String slug, String title, String detail,
      String instance) {
    request.response().setStatusCode(status).putHeader("Content-Type", CONTENT_TYPE).putHeader("Connection", "close")
        .putHeader("X-Content-Type-Options", "nosniff").putHeader("Cache-Control", "no-store")
        .end(problem(status, slug, title, detail, instance).encode());
    request.connection().close();
  }

  private static JsonObject problem(int status, String slug, String title, String detail, String instance) {
    JsonObject body = new JsonObject().put("type", TYPE_BASE + slug).put("title", title).put("status", status)
        .put("detail", detail);
    return instance == null ? body : body.put("instance", instance);
  }

  private static void sendValidation(RoutingContext rc, SchemaValidationException e) {
    JsonArray errors = new JsonArray();
    collectLeaves(e.getOutputUnit(), errors);
    boolean parameter = e.getMessage() != null && e.getMessage().contains("parameter");
    String where = parameter
        ? e.getMessage().replaceAll("^The value of (\\w+ parameter \\w+) is invalid.*$", "The $1")
        : "The request body";
    // a parameter's errors are on its own value, not on the body
    String name = parameter ? e.getMessage().replaceAll("^The value of \\w+ parameter (\\w+) is invalid.*$", "$1")
        : "body";
    errors.forEach(o -> {
      JsonObject j = (JsonObject) o;
      if (j.getString("field").equals("body")) j.put("field", name);
    });
    String sentence = errors.isEmpty() ? validatorSentence(e)
        : where + " is not valid: " + errors.stream().map(o -> {
          JsonObject j = (JsonObject) o;
          return j.getString("field").equals(name) ? "it " + j.getString("problem")
              : "'" + j.getString("field") + "' " + j.getString("problem");
        }).distinct().limit(3).reduce((a, b) -> a + "; " + b).orElse("") + ".";
    send(rc, 400, "validation", "Invalid request", sentence, errors);
  }

  /** The most errors one answer lists: a body with thousands of wrong fields costs no more than one with twenty. */
  public static final int MAX_REPORTED_ERRORS = 20;

  /**
   * The innermost schema errors say most precisely what is wrong; at most {@link #MAX_REPORTED_ERRORS} of them, found
   * in time linear in the number of errors.
   */
  private static void collectLeaves(OutputUnit unit, JsonArray out) {
    List<JsonObject> found = new ArrayList<>();
    leaves(unit, found);
    // how many errors each field has, and every field that is the parent of a field with an error
    Map<String, Integer> errorsOf = new HashMap<>();
    Set<String> parents = new HashSet<>();
    for (JsonObject e : found) {
      String field = e.getString("field");
      errorsOf.merge(field, 1, Integer::sum);
      for (int dot = field.lastIndexOf('.'); dot > 0; dot = field.lastIndexOf('.', dot - 1)) {
        parents.add(field.substring(0, dot));
      }
    }
    Set<JsonObject> listed = new LinkedHashSet<>();
    for (JsonObject e : found) {
      if (listed.size() == MAX_REPORTED_ERRORS) break;
      // an "unknown field" report on a field that has its own, more precise error is schema noise
      String field = e.getString("field");
      String problem = e.getString("problem");
      boolean shadowed = problem.equals(UNKNOWN_FIELD) && (errorsOf.get(field) > 1 || parents.contains(field))
          || problem.equals(ITEMS_UNMATCHED) && parents.contains(field);
      if (!shadowed) listed.add(e);
    }
    listed.forEach(out::add);
  }

  private static final String UNKNOWN_FIELD = "is not a known field";
  /** The contract's times of day (a rota's shifts), whose pattern alone would tell a person nothing. */
  private static final java.util.regex.Pattern TIME_OF_DAY =
      java.util.regex.Pattern.compile("/schemas/RotaShift/properties/(from|to)/pattern$");
  /** A list's own report that some of its items are wrong: noise beside the reports on those items. */
  private static final String ITEMS_UNMATCHED = "Items did not match schema";

  private static void leaves(OutputUnit unit, List<JsonObject> out) {
    if (unit == null) return;
    if (unit.getErrors() != null && !unit.getErrors().isEmpty()) {
      for (OutputUnit u : unit.getErrors()) leaves(u, out);
      return;
    }
    String error = unit.getError();
    if (error == null || error.startsWith("A subschema had errors") || error.endsWith("does not match schema")) return;
    String field = pointer(unit.getInstanceLocation());
    var required = java.util.regex.Pattern.compile("^Instance does not have required property \"([^\"]+)\"$").matcher(error);
    if (required.matches()) {
      String name = field.equals("body") ? required.group(1) : field + "." + required.group(1);
      out.add(new JsonObject().put("field", name).put("problem", "is required"));
      return;
    }
    var unknown = java.util.regex.Pattern.compile("^Property \"([^\"]+)\" does not match additional properties schema$").matcher(error);
    if (unknown.matches()) {
      out.add(new JsonObject().put("field", field).put("problem", UNKNOWN_FIELD));
      return;
    }
    String location = unit.getAbsoluteKeywordLocation();
    if (location != null && TIME_OF_DAY.matcher(location).find()) {
      out.add(new JsonObject().put("field", field).put("problem", "must be a time of day like 08:30"));
      return;
    }
    out.add(new JsonObject().put("field", field).put("problem", plain(error)));
  }

  /** Rephrases JSON Schema messages for people, e.g. "Instance type number is invalid. Expected string". */
  static String plain(String m) {
    var type = java.util.regex.Pattern.compile("^Instance type (\\w+) is invalid\\. Expected (\\w+)$").matcher(m);
    if (type.matches()) return "must be " + typeName(type.group(2));
    if (m.startsWith("String does not match pattern " + EMAIL_PATTERN)) {
      return "must be an e-mail address like ann@example.org";
    }
    return m
        .replaceAll("^String does not match format \"date\"$", "must be a date like 1980-04-23")
        .replaceAll("^String does not match format \"date-time\"$", "must be a date and time like 2026-05-01T09:30:00Z")
        .replaceAll("^String does not match format \"([^\"]+)\"$", "must be a valid $1")
        .replaceAll("^String does not match pattern (.*)$", "must match the pattern $1")
        .replaceAll("^Instance does not match any of \\[(.*)\\]$", "must be one of $1")
        .replaceAll("^Array has too many items \\( \\+ (\\d+) > (\\d+)\\)$",
            "holds $1 items where at most $2 are allowed")
        .replaceAll("^String is too long.*$", "is too long")
        .replaceAll("^String is too short \\(\\d+ < 1\\)$", "must not be empty")
        .replaceAll("^String is too short \\(\\d+ < (\\d+)\\)$", "must be at least $1 characters long")
        .replaceAll("^String is too short.*$", "is too short")
        .replaceAll("^Instance does not match any subschemas$", "is none of the forms this operation takes (see the"
            + " API reference)")
        .replaceAll("^\\S+ is less than or equal to (\\S+)$", "must be more than $1")
        .replaceAll("^\\S+ is greater than or equal to (\\S+)$", "must be less than $1")
        .replaceAll("^\\S+ is less than (\\S+).*$", "must be at least $1")
        .replaceAll("^\\S+ is greater than (\\S+).*$", "must be at most $1");
  }

  private static String typeName(String jsonType) {
    return switch (jsonType) {
      case "string" -> "text";
      case "integer" -> "a whole number";
      case "number" -> "a number";
      case "boolean" -> "true or false";
      case "object" -> "an object";
      case "array" -> "a list";
      default -> "of type " + jsonType;
    };
  }

  private static String pointer(String location) {
    if (location == null || location.isEmpty() || location.equals("#")) return "body";
    return location.replaceFirst("^#?/?", "").replace('/', '.');
  }

  private static String validatorSentence(ValidatorException e) {
    String m = e.getMessage() == null ? "" : e.getMessage();
    if (m.contains("can't be decoded")) return "The request body is not valid JSON.";
    return switch (e.type()) {
      case MISSING_REQUIRED_PARAMETER -> m.contains("body") ? "The request body is required." : m;
      case UNSUPPORTED_VALUE_FORMAT -> "Send the request body as application/json.";
      case INVALID_VALUE_FORMAT ->
          m.toLowerCase(Locale.ROOT).contains("body") ? "The request body is not valid JSON." : m;
      default -> m.isEmpty() ? "The request is not valid." : m;
    };
  }

  /** A request the handler itself finds malformed (e.g. an unparseable date it must interpret). */
  public static final class BadRequest extends RuntimeException {
    public BadRequest(String message) {
      super(message, null, false, false);
    }
  }

  /** A request body with more values, or deeper nesting, than {@link InputLimits} lets through. */
  public static final class TooManyFields extends RuntimeException {
    TooManyFields() {
      super(null, null, false, false);
    }
  }

  /** An operation that must be written to the audit log before it succeeds could not be. */
  public static final class AuditUnavailable extends RuntimeException {
    public AuditUnavailable(Throwable cause) {
      super("the audit record could not be written", cause, false, false);
    }
  }

  /** No credential (401) or a credential without the needed role (403), found by a handler. */
  public static final class AccessDenied extends RuntimeException {
    final int status;

    public AccessDenied(int status, String message) {
      super(message, null, false, false);
      this.status = status;
    }
  }

  /** The HTTP status of an access refusal. */
  public static int status(AccessException.Refusal refusal) {
    return switch (refusal) {
      case INVALID -> 400;
      case UNAUTHENTICATED -> 401;
      case FORBIDDEN -> 403;
      case NOT_FOUND -> 404;
      case CONFLICT -> 409;
      case GONE -> 410;
      case LOCKED -> 423;
    };
  }

  /** Titles of the access module's refusals (sign-in, roles, accounts, devices). */
  private static String accessTitle(int status) {
    return switch (status) {
      case 400 -> "Bad request";
      case 401 -> "Sign-in required";
      case 403 -> "Not allowed";
      case 404 -> "Not found";
      case 409 -> "Not possible now";
      case 410 -> "No longer valid";
      case 423 -> "Account locked";
      default -> "Request refused";
    };
  }
}

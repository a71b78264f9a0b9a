package io.waitline.edge.pipeline;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The first handler of every request: a request whose query string is not validly percent-encoded is answered 400,
 * and a form body the body handler would have to decode where none is taken 415, here, before any route (health
 * checks included), the body handler or the contract's validation trips over it. Multipart forms are taken only where
 * the router says (a source's CSV file, as a browser's file field sends it).
 */
public final class WellFormedRequest {
  /** The methods whose form bodies the body handler decodes (Twilio's webhooks POST theirs). */
  private static final Set<HttpMethod> FORM_METHODS =
      Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE);

  /** A form's boundary parameter with at least one character (quoted or not). */
  private static final Pattern BOUNDARY = Pattern.compile(";\\s*boundary=(\"[^\"]+\"|[^\";\\s]+)");

  private final Predicate<RoutingContext> takesMultipart;

  private WellFormedRequest(Predicate<RoutingContext> takesMultipart) {
    this.takesMultipart = takesMultipart;
  }

  public static Handler<RoutingContext> create(Predicate<RoutingContext> takesMultipart) {
    return new WellFormedRequest(takesMultipart)::handle;
  }

  private void handle(RoutingContext rc) {
    try {
      rc.request().params();
    } catch (IllegalArgumentException undecodable) {
      Problems.send(rc, 400, "bad-request", "Bad request",
          "The query string is not validly percent-encoded; write '%' itself as %25.");
      return;
    }
    String type = String.valueOf(rc.request().getHeader("Content-Type")).toLowerCase(Locale.ROOT);
    if (type.startsWith("multipart/form-data") && !takesMultipart.test(rc)) {
      Problems.send(rc, 415, "unsupported-media-type", "Unsupported media type",
          "This operation takes no multipart body; send the request body as application/json.");
      return;
    }
    if (type.startsWith("multipart/form-data") && !BOUNDARY.matcher(type).find()) {
      // Netty's form decoder fails on an empty boundary with an IndexOutOfBoundsException
      Problems.send(rc, 400, "bad-request", "Bad request",
          "A multipart form names its boundary in the Content-Type (multipart/form-data; boundary=…).");
      return;
    }
    if (type.startsWith("application/x-www-form-urlencoded") && !FORM_METHODS.contains(rc.request().method())) {
      Problems.send(rc, 415, "unsupported-media-type", "Unsupported media type",
          "A " + rc.request().method() + " request takes no form body; send it without one.");
      return;
    }
    rc.next();
  }
}

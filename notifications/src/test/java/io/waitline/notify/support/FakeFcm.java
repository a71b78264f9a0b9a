package io.waitline.notify.support;

import com.google.api.client.http.javanet.NetHttpTransport;
import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.firebase.FirebaseApp;
import com.google.firebase.FirebaseOptions;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.HttpURLConnection;
import java.net.URL;
import java.util.Date;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local server speaking FCM HTTP v1 as firebase-admin calls it: {@code POST /v1/projects/{id}/messages:send} with
 * a Bearer token, answering {@code {"name": "projects/…/messages/…"}} or Google's error body with
 * {@code google.firebase.fcm.v1.FcmError} details. firebase-admin reaches it through an {@code HttpTransport} that
 * sends requests for fcm.googleapis.com here.
 */
public final class FakeFcm implements AutoCloseable {
  public static final String PROJECT = "waitline-test";
  public static final String ACCESS_TOKEN = "ya29.test-access-token";

  /** One message FCM accepted. */
  public record Push(String token, JsonObject message) {}

  public final List<Push> accepted = new CopyOnWriteArrayList<>();
  public final AtomicInteger requests = new AtomicInteger();
  /** Tokens answered with 404 UNREGISTERED. */
  public final Set<String> unregistered = ConcurrentHashMap.newKeySet();
  /** Tokens answered with 400 INVALID_ARGUMENT "not a valid FCM registration token". */
  public final Set<String> invalid = ConcurrentHashMap.newKeySet();
  public volatile double failRate;

  private final Vertx vertx;
  private final Random random = new Random(7);
  private HttpServer server;

  public FakeFcm(Vertx vertx) {
    this.vertx = vertx;
  }

  public FakeFcm start() {
    server = vertx.createHttpServer().requestHandler(this::handle);
    server.listen(0).toCompletionStage().toCompletableFuture().join();
    return this;
  }

  public int port() {
    return server.actualPort();
  }

  /** A Firebase app with a fixed access token whose HTTP goes to this server instead of Google. */
  public FirebaseApp app() {
    int port = port();
    NetHttpTransport transport = new NetHttpTransport.Builder()
        .setConnectionFactory(url -> (HttpURLConnection) new URL("http://127.0.0.1:" + port + url.getFile())
            .openConnection())
        .build();
    FirebaseOptions options = FirebaseOptions.builder()
        .setCredentials(GoogleCredentials.create(new AccessToken(ACCESS_TOKEN,
            new Date(System.currentTimeMillis() + 3_600_000L))))
        .setProjectId(PROJECT)
        .setHttpTransport(transport)
        .setConnectTimeout(2000)
        .setReadTimeout(2000)
        .build();
    return FirebaseApp.initializeApp(options, "test-" + UUID.randomUUID());
  }

  private void handle(HttpServerRequest req) {
    req.body().onSuccess(body -> {
      requests.incrementAndGet();
      if (!("Bearer " + ACCESS_TOKEN).equals(req.getHeader("Authorization"))) {
        error(req, 401, "UNAUTHENTICATED", "Request had invalid authentication credentials.", null);
        return;
      }
      if (!req.path().equals("/v1/projects/" + PROJECT + "/messages:send")) {
        error(req, 404, "NOT_FOUND", "Requested entity was not found.", null);
        return;
      }
      JsonObject message = body.toJsonObject().getJsonObject("message");
      String token = message.getString("token");
      boolean fail;
      synchronized (random) {
        fail = random.nextDouble() < failRate;
      }
      if (fail) {
        error(req, 500, "INTERNAL", "Internal error encountered.", "INTERNAL");
      } else if (unregistered.contains(token)) {
        error(req, 404, "NOT_FOUND", "Requested entity was not found.", "UNREGISTERED");
      } else if (invalid.contains(token)) {
        error(req, 400, "INVALID_ARGUMENT", "The registration token is not a valid FCM registration token",
            "INVALID_ARGUMENT");
      } else {
        accepted.add(new Push(token, message));
        req.response().putHeader("Content-Type", "application/json; charset=UTF-8")
            .end(new JsonObject().put("name", "projects/" + PROJECT + "/messages/0:" + System.nanoTime()).encode());
      }
    });
  }

  private static void error(HttpServerRequest req, int code, String status, String message, String fcmCode) {
    JsonArray details = new JsonArray();
    if (fcmCode != null) {
      details.add(new JsonObject().put("@type", "type.googleapis.com/google.firebase.fcm.v1.FcmError")
          .put("errorCode", fcmCode));
    }
    if ("INVALID_ARGUMENT".equals(fcmCode)) {
      details.add(new JsonObject().put("@type", "type.googleapis.com/google.rpc.BadRequest")
          .put("fieldViolations", new JsonArray().add(new JsonObject().put("field", "message.token")
              .put("description", "Invalid registration token"))));
    }
    req.response().setStatusCode(code).putHeader("Content-Type", "application/json; charset=UTF-8")
        .end(new JsonObject().put("error", new JsonObject().put("code", code).put("message", message)
            .put("status", status).put("details", details)).encode());
  }

  @Override
  public void close() {
    server.close().toCompletionStage().toCompletableFuture().join();
  }
}

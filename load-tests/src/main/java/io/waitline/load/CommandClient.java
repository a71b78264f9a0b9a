package io.waitline.load;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.waitline.load.Feeds.Errors;

/**
 * One desk of {@link CommandBenchmark}: on one keep-alive connection, checks a walk-in in, then calls next, again and
 * again until stopped, each request sent when the one before has been answered. A lean client, so that the
 * benchmark's own CPU does not crowd out the server's on a shared machine: it runs on its event loop (no thread waits
 * for an answer), sends bodies encoded once, and reads of each answer only its status (and, when it is not the
 * expected one, its text for the error).
 */
final class CommandClient {
  private final HttpClientAgent http;
  private final RequestOptions checkIn;
  private final RequestOptions callNext;
  private final Buffer checkInBody;
  private final Buffer callNextBody;
  private final Errors errors;
  final LatencyStats checkIns = new LatencyStats();
  final LatencyStats calls = new LatencyStats();
  private volatile boolean stopping;
  private final Promise<Void> stopped = Promise.promise();

  CommandClient(Vertx vertx, String baseUrl, String token, String queueId, String calledTo, Errors errors) {
    this.http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true), new PoolOptions().setHttp1MaxSize(1));
    this.checkIn = post(baseUrl + "/api/v1/queues/" + queueId + "/check-ins", token);
    this.callNext = post(baseUrl + "/api/v1/queues/" + queueId + "/call-next", token);
    this.checkInBody = new JsonObject().put("patient", new JsonObject().put("name", "Command Bench Patient")).toBuffer();
    this.callNextBody = new JsonObject().put("calledTo", calledTo).toBuffer();
    this.errors = errors;
  }

  private static RequestOptions post(String url, String token) {
    return new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(url).setIdleTimeout(Api.TIMEOUT_MS)
        .putHeader("Authorization", "Bearer " + token).putHeader("Content-Type", "application/json");
  }

  /** Starts the loop. */
  void start() {
    step();
  }

  /** Asks the loop to stop after the command under way; completes once it has, and the connection is closed. */
  Future<Void> stop() {
    stopping = true;
    return stopped.future().eventually(http::close);
  }

  private void step() {
    if (stopping) {
      stopped.tryComplete();
      return;
    }
    long t0 = System.nanoTime();
    send(checkIn, checkInBody, 201).compose(v -> {
      long t1 = System.nanoTime();
      checkIns.add(t1 - t0);
      return send(callNext, callNextBody, 200).onSuccess(w -> calls.add(System.nanoTime() - t1));
    }).onComplete(done -> {
      if (done.failed()) errors.add(done.cause().getMessage());
      step();
    });
  }

  /** One request; fails with the answer's status and text when it is not {@code expected}. */
  private Future<Void> send(RequestOptions options, Buffer body, int expected) {
    return http.request(options).compose(req -> req.send(body)).compose(resp -> {
      if (resp.statusCode() == expected) return resp.end();
      return resp.body().compose(text -> Future.failedFuture(new Api.ApiException(resp.statusCode(),
          options.getURI() + " answered " + resp.statusCode() + ": " + text)));
    });
  }
}

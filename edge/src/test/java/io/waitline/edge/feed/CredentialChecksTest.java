package io.waitline.edge.feed;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.waitline.access.DeviceKind;
import io.waitline.access.Principal;
import io.waitline.edge.pipeline.AccessChanges;
import io.waitline.edge.pipeline.AccessGuard.Credential;
import io.waitline.edge.pipeline.AccessGuard.Source;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A credential is checked once per period (and once per notice) however many feeds of the node it holds open. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class CredentialChecksTest {
  private static final long NEVER_MS = TimeUnit.HOURS.toMillis(1);
  private static final Principal.Device DISPLAY = new Principal.Device("d1", "site-1", DeviceKind.DISPLAY, "Lobby");

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void aThousandFeedsOfOneDeviceCostOneDeviceQueryPerPeriod() {
    CredentialChecks checks = new CredentialChecks(vertx, 20);
    AtomicInteger queries = new AtomicInteger();
    Promise<Void> allJoined = Promise.promise();
    Promise<Void> fourthAsked = Promise.promise();
    CredentialChecks.Grant grant = grant("wld_one", credential -> {
      int query = queries.incrementAndGet();
      if (query == 1) return allJoined.future().map(DISPLAY); // the first answer waits for every feed
      if (query <= 3) return Future.succeededFuture(DISPLAY);
      fourthAsked.tryComplete();
      return Promise.<Principal>promise().future(); // under way from now on: the periods after it ask no more
    });
    Promise<Void> threeAnswersHeard = Promise.promise();
    AtomicInteger heard = new AtomicInteger();
    List<Feed> feeds = feeds(1000, answer -> {
      if (heard.incrementAndGet() == 3 * 1000) threeAnswersHeard.complete();
    });
    feeds.forEach(f -> checks.join(f, grant));
    allJoined.complete();

    Future.all(threeAnswersHeard.future(), fourthAsked.future()).await();

    // four periods asked four times, and each of the three answers reached every one of the 1,000 feeds
    assertThat(queries.get()).isEqualTo(4);
    assertThat(feeds).allSatisfy(f -> assertThat(f.heard.get()).isEqualTo(3));
  }

  @Test
  void aNoticeThatCredentialsEndedAsksOnceForEachCredentialAndTellsOnlyItsFeeds() {
    CredentialChecks checks = new CredentialChecks(vertx, NEVER_MS);
    AtomicInteger revokedQueries = new AtomicInteger();
    AtomicInteger validQueries = new AtomicInteger();
    CredentialChecks.Grant revoked = grant("wld_revoked", c -> {
      revokedQueries.incrementAndGet();
      return Future.failedFuture("revoked");
    });
    CredentialChecks.Grant valid = grant("wld_valid", c -> {
      validQueries.incrementAndGet();
      return Future.succeededFuture(DISPLAY);
    });
    Promise<Void> allHeard = Promise.promise();
    AtomicInteger heard = new AtomicInteger();
    List<Feed> revokedFeeds = feeds(500, answer -> {
      if (heard.incrementAndGet() == 1000) allHeard.complete();
    });
    List<Feed> validFeeds = feeds(500, answer -> {
      if (heard.incrementAndGet() == 1000) allHeard.complete();
    });
    revokedFeeds.forEach(f -> checks.join(f, revoked));
    validFeeds.forEach(f -> checks.join(f, valid));

    vertx.eventBus().publish(AccessChanges.ADDRESS, "revokeDevice");
    allHeard.future().await();

    assertThat(revokedQueries.get()).isEqualTo(1);
    assertThat(validQueries.get()).isEqualTo(1);
    assertThat(revokedFeeds).allSatisfy(f -> assertThat(f.lastAnswer.failed()).isTrue());
    assertThat(validFeeds).allSatisfy(f -> assertThat(f.lastAnswer.result()).isEqualTo(DISPLAY));
  }

  @Test
  void noticesWhileACheckIsUnderWayCostOneMoreQueryAfterIt() {
    // one event loop: the notices, the checks and the marker below run in the order they were handed over
    Vertx oneLoop = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    try {
      CredentialChecks checks = new CredentialChecks(oneLoop, NEVER_MS);
      List<Promise<Principal>> queries = Collections.synchronizedList(new ArrayList<>());
      Promise<Void> firstAsked = Promise.promise();
      Promise<Void> secondAsked = Promise.promise();
      CredentialChecks.Grant grant = grant("wls_session", c -> {
        Promise<Principal> query = Promise.promise();
        queries.add(query);
        (queries.size() == 1 ? firstAsked : secondAsked).tryComplete();
        return query.future();
      });
      Promise<Void> twoHeard = Promise.promise();
      AtomicInteger heard = new AtomicInteger();
      checks.join(new Feed(oneLoop.getOrCreateContext(), answer -> {
        if (heard.incrementAndGet() == 2) twoHeard.complete();
      }), grant);

      oneLoop.eventBus().publish(AccessChanges.ADDRESS, "signOut");
      firstAsked.future().await();
      for (int i = 0; i < 3; i++) oneLoop.eventBus().publish(AccessChanges.ADDRESS, "signOut");
      // a marker published after them, run once more on the loop: the three notices' checks were asked for by then
      Promise<Void> noticesHandled = Promise.promise();
      oneLoop.eventBus().consumer("marker", m -> oneLoop.runOnContext(v -> noticesHandled.complete()))
          .completion().await();
      oneLoop.eventBus().publish("marker", "");
      noticesHandled.future().await();
      queries.get(0).complete(DISPLAY);
      secondAsked.future().await();
      queries.get(1).complete(DISPLAY);
      twoHeard.future().await();

      assertThat(queries).hasSize(2);
    } finally {
      oneLoop.close().await();
    }
  }

  @Test
  void aCredentialWhoseLastFeedClosedIsNoLongerChecked() {
    CredentialChecks checks = new CredentialChecks(vertx, NEVER_MS);
    AtomicInteger closedQueries = new AtomicInteger();
    CredentialChecks.Grant closed = grant("wld_gone", c -> {
      closedQueries.incrementAndGet();
      return Future.succeededFuture(DISPLAY);
    });
    CredentialChecks.Grant open = grant("wld_open", c -> Future.succeededFuture(DISPLAY));
    List<Feed> gone = feeds(3, answer -> {});
    gone.forEach(f -> checks.join(f, closed));
    gone.forEach(f -> checks.leave(f, closed));
    Promise<Void> markerHeard = Promise.promise();
    checks.join(feeds(1, answer -> markerHeard.complete()).get(0), open);

    vertx.eventBus().publish(AccessChanges.ADDRESS, "revokeDevice");
    markerHeard.future().await();

    assertThat(closedQueries.get()).isZero();
    assertThat(gone).allSatisfy(f -> assertThat(f.heard.get()).isZero());
  }

  private static CredentialChecks.Grant grant(String token,
      Function<Credential, Future<Principal>> recheck) {
    return new CredentialChecks.Grant(new Credential(Source.BEARER, token), recheck, p -> true);
  }

  /** {@code count} feeds spread over the node's event loops (a context made off the loops is a new one each time). */
  private List<Feed> feeds(int count, Consumer<AsyncResult<Principal>> onAnswer) {
    List<Feed> feeds = new ArrayList<>();
    for (int i = 0; i < count; i++) feeds.add(new Feed(vertx.getOrCreateContext(), onAnswer));
    return feeds;
  }

  /** A feed that records what it hears, on its own event loop. */
  private static final class Feed implements CredentialChecks.Holder {
    final Context context;
    final Consumer<AsyncResult<Principal>> onAnswer;
    final AtomicInteger heard = new AtomicInteger();
    volatile AsyncResult<Principal> lastAnswer;

    Feed(Context context, Consumer<AsyncResult<Principal>> onAnswer) {
      this.context = context;
      this.onAnswer = onAnswer;
    }

    @Override
    public Context context() {
      return context;
    }

    @Override
    public void checked(AsyncResult<Principal> answer) {
      lastAnswer = answer;
      heard.incrementAndGet();
      onAnswer.accept(answer);
    }
  }
}

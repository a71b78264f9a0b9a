package io.waitline.edge.feed;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Every open feed hears a heartbeat each period, from one timer and one encoding per event loop. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HeartbeatsTest {
  private static final long PERIOD_MS = 20;

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void aThousandFeedsOnTwoEventLoopsHearEachPeriodsHeartbeatEncodedOncePerLoop() {
    Heartbeats heartbeats = new Heartbeats(vertx, PERIOD_MS);
    Promise<Void> threeEach = Promise.promise();
    AtomicInteger feedsAtThree = new AtomicInteger();
    IntConsumer countThree = beats -> {
      if (beats == 3 && feedsAtThree.incrementAndGet() == 1000) threeEach.complete();
    };
    // a context made off the loops is a new one each time: two of them, two event loops' worth of feeds
    List<Feed> loopA = join(heartbeats, vertx.getOrCreateContext(), 500, countThree);
    List<Feed> loopB = join(heartbeats, vertx.getOrCreateContext(), 500, countThree);

    threeEach.future().await();

    for (List<Feed> loop : List.of(loopA, loopB)) {
      List<String> first = loop.get(0).firstThree();
      assertThat(first).allSatisfy(beat -> assertThat(new JsonObject(beat).getString("type")).isEqualTo("heartbeat"));
      // each period's heartbeat is one string handed to all of the loop's feeds: one timer beat for them all
      assertThat(loop).allSatisfy(f -> {
        List<String> heard = f.firstThree();
        for (int i = 0; i < 3; i++) assertThat(heard.get(i)).isSameAs(first.get(i));
      });
    }
    assertThat(loopA.get(0).firstThree().get(0)).isNotSameAs(loopB.get(0).firstThree().get(0));
  }

  @Test
  void aFeedThatLeftHearsNoMoreHeartbeatsWhileTheFeedsStillOpenOnItsLoopDo() {
    Heartbeats heartbeats = new Heartbeats(vertx, PERIOD_MS);
    Context loop = vertx.getOrCreateContext();
    Promise<Void> firstHeard = Promise.promise();
    List<Feed> leaving = join(heartbeats, loop, 3, beats -> { });
    Feed staying = join(heartbeats, loop, 1, beats -> {
      if (beats == 1) firstHeard.tryComplete();
    }).get(0);
    firstHeard.future().await();
    Promise<List<Integer>> heardWhenLeft = Promise.promise();
    Promise<Void> twoMore = Promise.promise();
    loop.runOnContext(v -> {
      leaving.forEach(heartbeats::leave);
      heardWhenLeft.complete(leaving.stream().map(f -> f.heard.size()).toList());
      int stayingHeard = staying.heard.size();
      staying.onBeat = beats -> {
        if (beats == stayingHeard + 2) twoMore.tryComplete();
      };
    });
    List<Integer> whenLeft = heardWhenLeft.future().await();
    // the marker: two more heartbeats reached the feed that stayed on the loop after the others left
    twoMore.future().await();
    Promise<List<Integer>> heardAfter = Promise.promise();
    loop.runOnContext(v -> heardAfter.complete(leaving.stream().map(f -> f.heard.size()).toList()));

    assertThat(whenLeft).allSatisfy(n -> assertThat(n).isPositive());
    assertThat(heardAfter.future().await()).isEqualTo(whenLeft);
  }

  @Test
  void aFeedThatHasNotSentItsFirstMessageHearsNoHeartbeatUntilItHas() {
    Heartbeats heartbeats = new Heartbeats(vertx, PERIOD_MS);
    Context loop = vertx.getOrCreateContext();
    Feed starting = new Feed(loop, beats -> { });
    starting.greeted = false; // still reading its snapshot
    Promise<Void> threeHeard = Promise.promise();
    join(heartbeats, loop, 1, beats -> {
      if (beats == 3) threeHeard.tryComplete();
    });
    Promise<Void> joined = Promise.promise();
    loop.runOnContext(v -> {
      heartbeats.join(starting);
      joined.complete();
    });
    joined.future().await();

    // the marker: three heartbeats reached the loop's other feed meanwhile
    threeHeard.future().await();
    Promise<Integer> heardBeforeGreeting = Promise.promise();
    Promise<Void> heardAfterGreeting = Promise.promise();
    loop.runOnContext(v -> {
      heardBeforeGreeting.complete(starting.heard.size());
      starting.onBeat = beats -> heardAfterGreeting.tryComplete();
      starting.greeted = true; // its snapshot is out
    });

    assertThat(heardBeforeGreeting.future().await()).isZero();
    heardAfterGreeting.future().await();
  }

  /** {@code count} feeds joined on {@code loop} in one task, so they all hear the same periods from the first on. */
  private static List<Feed> join(Heartbeats heartbeats, Context loop, int count, IntConsumer onBeat) {
    List<Feed> feeds = new ArrayList<>();
    for (int i = 0; i < count; i++) feeds.add(new Feed(loop, onBeat));
    Promise<Void> joined = Promise.promise();
    loop.runOnContext(v -> {
      feeds.forEach(heartbeats::join);
      joined.complete();
    });
    joined.future().await();
    return feeds;
  }

  /** A feed that keeps each heartbeat it hears, on its own event loop. */
  private static final class Feed implements Heartbeats.Beating {
    final Context context;
    final List<String> heard = Collections.synchronizedList(new ArrayList<>());
    /** Told how many heartbeats the feed has heard, after each one; touched on the feed's loop only. */
    IntConsumer onBeat;
    /** Whether it has sent its first message; touched on the feed's loop only (set before it joins). */
    boolean greeted = true;

    Feed(Context context, IntConsumer onBeat) {
      this.context = context;
      this.onBeat = onBeat;
    }

    /** The first three heartbeats heard, copied while the loop may be adding more. */
    List<String> firstThree() {
      synchronized (heard) {
        return List.copyOf(heard.subList(0, 3));
      }
    }

    @Override
    public Context context() {
      return context;
    }

    @Override
    public boolean greeted() {
      return greeted;
    }

    @Override
    public void beat(String heartbeat) {
      heard.add(heartbeat);
      onBeat.accept(heard.size());
    }
  }
}

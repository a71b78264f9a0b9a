package io.waitline.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.waitline.queue.LoopbackPorts;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} of a real node (a child JVM running {@link Main}) while desks check patients in and call them over
 * HTTP, three times: each restart on the same data directory comes up on the first try, and every command that was
 * acknowledged (a 2xx received) is there, with no ticket handed out twice, no patient called twice and the queue's
 * event seq gap-free.
 */
@Timeout(420)
class CrashUnderLoadTest {
  private static final int ROUNDS = 3;
  private static final int DESKS = 4;
  private static final Duration LOAD_PER_ROUND = Duration.ofSeconds(3);
  private static final String QUEUE = "general";

  @TempDir Path dir;
  /** Entry id → ticket of every check-in answered 201. */
  private final Map<String, String> checkedIn = new ConcurrentHashMap<>();
  /** Entry ids of every call-next answered 200. */
  private final Set<String> called = ConcurrentHashMap.newKeySet();

  @Test
  void threeKillsUnderLoadLoseNoAcknowledgedCommandAndEveryRestartSucceedsFirstTime() throws Exception {
    Path dataDir = dir.resolve("data");
    int port = LoopbackPorts.free();
    ChildNode node = ChildNode.start(dataDir, port, dir.resolve("node-0.log"));
    try {
      String token = node.firstAdminToken();
      for (int round = 1; round <= ROUNDS; round++) {
        int before = checkedIn.size();
        loadThenKill(node, token);
        assertThat(checkedIn.size()).as("check-ins acknowledged in round %d", round).isGreaterThan(before);
        node = ChildNode.start(dataDir, port, dir.resolve("node-" + round + ".log"));
        assertEveryAcknowledgedCommandIsThere(node, token);
        System.out.printf("round %d: %d check-ins and %d calls acknowledged so far, all present after the restart%n",
            round, checkedIn.size(), called.size());
      }
    } finally {
      node.stop();
    }
  }

  /** Desks send check-ins and calls until the node is killed mid-load. */
  private void loadThenKill(ChildNode node, String token) throws Exception {
    AtomicBoolean killed = new AtomicBoolean();
    Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
    List<Thread> desks = new ArrayList<>();
    for (int d = 0; d < DESKS; d++) {
      int desk = d;
      Thread t = new Thread(() -> {
        for (int i = 0; !killed.get(); i++) {
          try {
            if (i % 3 == 2) {
              callNext(node, token, desk);
            } else {
              checkIn(node, token, "Desk " + desk + " patient " + i);
            }
          } catch (IOException cutOff) {
            if (!killed.get()) failures.add(new AssertionError("a request failed before the kill", cutOff));
          } catch (InterruptedException e) {
            return;
          } catch (AssertionError e) {
            failures.add(e);
            return;
          }
        }
      }, "desk-" + d);
      t.start();
      desks.add(t);
    }
    Thread.sleep(LOAD_PER_ROUND.toMillis());
    killed.set(true);
    node.kill();
    for (Thread t : desks) t.join(TimeUnit.SECONDS.toMillis(30));
    assertThat(failures).as("what the desks met before the kill").isEmpty();
  }

  private void checkIn(ChildNode node, String token, String name) throws IOException, InterruptedException {
    HttpResponse<String> r = node.post(token, "/api/v1/queues/" + QUEUE + "/check-ins",
        new JsonObject().put("patient", new JsonObject().put("name", name)));
    assertThat(r.statusCode()).as("check-in: %s", r.body()).isEqualTo(201);
    JsonObject entry = new JsonObject(r.body());
    checkedIn.put(entry.getString("id"), entry.getString("ticket"));
  }

  private void callNext(ChildNode node, String token, int desk) throws IOException, InterruptedException {
    HttpResponse<String> r = node.post(token, "/api/v1/queues/" + QUEUE + "/call-next",
        new JsonObject().put("calledTo", "Room " + desk));
    if (r.statusCode() == 200) {
      called.add(new JsonObject(r.body()).getString("id"));
    } else {
      // nobody waiting: another desk called them all; anything else is a failure
      assertThat(r.statusCode()).as("call-next: %s", r.body()).isBetween(400, 499);
    }
  }

  private void assertEveryAcknowledgedCommandIsThere(ChildNode node, String token) throws Exception {
    for (Map.Entry<String, String> e : checkedIn.entrySet()) {
      HttpResponse<String> r = node.get(token, "/api/v1/entries/" + e.getKey());
      assertThat(r.statusCode()).as("acknowledged check-in %s after the restart: %s", e.getValue(), r.body())
          .isEqualTo(200);
      JsonObject entry = new JsonObject(r.body());
      assertThat(entry.getString("ticket")).isEqualTo(e.getValue());
      if (called.contains(e.getKey())) assertThat(entry.getString("status")).as(e.getValue()).isEqualTo("called");
    }
    List<JsonObject> events = events(node, token);
    long snapshotSeq = new JsonObject(node.get(token, "/api/v1/queues/" + QUEUE + "/snapshot").body()).getLong("seq");
    List<Long> seqs = events.stream().map(ev -> ev.getLong("seq")).toList();
    assertThat(seqs).as("event seq, gap-free from 1").isEqualTo(
        java.util.stream.LongStream.rangeClosed(1, snapshotSeq).boxed().toList());
    Set<String> tickets = new HashSet<>();
    Map<String, Integer> callsPerEntry = new HashMap<>();
    for (JsonObject ev : events) {
      JsonObject entry = ev.getJsonObject("payload").getJsonObject("entry");
      if ("checked_in".equals(ev.getString("type"))) {
        assertThat(tickets.add(entry.getString("ticket"))).as("ticket %s handed out once", entry.getString("ticket"))
            .isTrue();
      } else if ("called".equals(ev.getString("type"))) {
        callsPerEntry.merge(entry.getString("id"), 1, Integer::sum);
      }
    }
    assertThat(tickets).as("the log's check-ins include every acknowledged one").containsAll(checkedIn.values());
    assertThat(callsPerEntry.keySet()).containsAll(called);
    assertThat(callsPerEntry).as("no patient called twice").allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
  }

  /** The queue's whole event log, page by page. */
  private List<JsonObject> events(ChildNode node, String token) throws Exception {
    List<JsonObject> all = new ArrayList<>();
    long after = 0;
    while (true) {
      HttpResponse<String> r = node.get(token, "/api/v1/queues/" + QUEUE + "/events?limit=500&after=" + after);
      assertThat(r.statusCode()).as("events: %s", r.body()).isEqualTo(200);
      JsonArray page = new JsonArray(r.body());
      if (page.isEmpty()) return all;
      for (int i = 0; i < page.size(); i++) all.add(page.getJsonObject(i));
      after = all.get(all.size() - 1).getLong("seq");
    }
  }
}

package io.waitline.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.waitline.queue.Entry;
import io.waitline.queue.Patient;
import io.waitline.queue.Priority;
import io.waitline.queue.Refused;
import io.waitline.queue.ServiceQueue;
import io.waitline.queue.OrderingRule;
import io.waitline.queue.Site;
import io.waitline.queue.command.CheckIn;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Feed protocol 2, property: whatever commands run, a client that applies every delta to its first snapshot holds
 * exactly the snapshot a client connecting at the end gets, for the display view and the desk (staff) view. The
 * deltas are applied by the pages' own function ({@code queue-view.js}, run by Node.js), so the server's deltas and
 * the browser's reading of them are checked together.
 */
class FeedDeltaPropertyTest {
  @RegisterExtension
  static final TestApp app = TestApp.node();

  private static final Path QUEUE_VIEW_JS = Path.of("../web-ui/src/main/resources/webroot/js/queue-view.js");
  private static final int COMMANDS = 70;

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 20261201})
  void applyingEveryDeltaToTheFirstSnapshotGivesTheLastSnapshotInEveryView(long seed) throws Exception {
    String site = "deltas-" + seed + "-" + UUID.randomUUID().toString().substring(0, 8);
    // each run on a day of its own, from 08:00 at the site: commands never cross midnight
    ZoneId zone = ZoneId.of("Europe/London");
    app.clock.set(app.clock.instant().atZone(zone).toLocalDate().plusDays(1).atTime(8, 0).atZone(zone).toInstant());
    app.commands.createSite(new Site(site, "Delta Clinic", zone, "en", "initials")).await();
    List<String> queues = List.of(site + "-a", site + "-b");
    for (String q : queues) {
      app.commands.createQueue(new ServiceQueue(q, site, "Queue " + q, q.endsWith("a") ? "A" : "B",
          OrderingRule.DEFAULT, 600, false, 1, 0)).await();
    }
    List<String> views = List.of("display", "staff");
    Map<String, FeedClient> feeds = new HashMap<>();
    Map<String, JsonArray> firstSnapshots = new HashMap<>();
    for (String view : views) {
      FeedClient feed = app.feed(siteFeed(site, view));
      feeds.put(view, feed);
      JsonObject snapshot = feed.next("snapshot");
      assertThat(snapshot.getInteger("protocol")).isEqualTo(2);
      firstSnapshots.put(view, snapshot.getJsonArray("queues"));
    }
    try {
      new Commands(new Random(seed), queues).run(COMMANDS);
      Map<String, Long> last = new HashMap<>();
      for (String q : queues) last.put(q, app.seq(q));

      for (String view : views) {
        JsonArray deltas = deltasUpTo(feeds.get(view), last);
        JsonArray applied = applyInNode(firstSnapshots.get(view), deltas);
        JsonArray expected;
        try (FeedClient late = app.feed(siteFeed(site, view))) {
          expected = late.next("snapshot").getJsonArray("queues");
        }
        assertThat(deltas.size()).as("deltas of the %s view", view)
            .isEqualTo((int) last.values().stream().mapToLong(Long::longValue).sum());
        assertThat(sorted(applied)).as("the %s view after %d deltas (seed %d)", view, deltas.size(), seed)
            .isEqualTo(sorted(expected));
      }
    } finally {
      feeds.values().forEach(FeedClient::close);
    }
  }

  private static String siteFeed(String site, String view) {
    return "/ws/sites/" + site + "?view=" + view + "&protocol=2&access_token=" + app.adminToken();
  }

  /** The feed's deltas until every queue reached its last seq; anything else (a snapshot) fails. */
  private static JsonArray deltasUpTo(FeedClient feed, Map<String, Long> last) {
    JsonArray deltas = new JsonArray();
    Map<String, Long> at = new HashMap<>();
    last.keySet().forEach(q -> at.put(q, 0L));
    while (!at.equals(last)) {
      JsonObject delta = feed.next("delta");
      at.put(delta.getString("queueId"), delta.getLong("seq"));
      deltas.add(delta);
    }
    return deltas;
  }

  /** The snapshot's queues with the deltas applied by the pages' queue-view.js, back in the snapshot's shape. */
  private static JsonArray applyInNode(JsonArray first, JsonArray deltas) throws IOException, InterruptedException {
    String script = """
        import { viewOf, applyDelta } from '%s';
        let input = '';
        for await (const chunk of process.stdin) input += chunk;
        const { first, deltas } = JSON.parse(input);
        const views = new Map(first.map((q) => [q.queue.id, viewOf(q)]));
        for (const d of deltas) applyDelta(views.get(d.queueId), d);
        console.log(JSON.stringify([...views.values()].map((v) =>
            ({ queue: v.queue, seq: v.seq, entries: [...v.entries.values()], line: v.line }))));
        """.formatted(QUEUE_VIEW_JS.toAbsolutePath().normalize().toUri());
    Process node = new ProcessBuilder("node", "--input-type=module", "-e", script).redirectErrorStream(true).start();
    node.getOutputStream().write(new JsonObject().put("first", first).put("deltas", deltas).encode()
        .getBytes(StandardCharsets.UTF_8));
    node.getOutputStream().close();
    String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(node.waitFor(30, TimeUnit.SECONDS)).as("node finished").isTrue();
    assertThat(node.exitValue()).as("node's exit; it said: %s", out).isZero();
    return new JsonArray(out.trim());
  }

  /** Queues by id, each one's entries by id: the order a snapshot lists them in is not part of the view. */
  private static List<JsonObject> sorted(JsonArray queues) {
    List<JsonObject> out = new ArrayList<>();
    for (int i = 0; i < queues.size(); i++) {
      JsonObject q = queues.getJsonObject(i).copy();
      List<JsonObject> entries = new ArrayList<>();
      q.getJsonArray("entries").forEach(e -> entries.add((JsonObject) e));
      entries.sort(Comparator.comparing(e -> e.getString("id")));
      out.add(q.put("entries", new JsonArray(new ArrayList<>(entries))));
    }
    out.sort(Comparator.comparing(q -> q.getJsonObject("queue").getString("id")));
    return out;
  }

  /** Random commands on the two queues, as desks and patients send them; refusals (a wrong state) change nothing. */
  private static final class Commands {
    private final Random random;
    private final List<String> queues;
    private final List<UUID> entries = new ArrayList<>();
    private int patients;

    Commands(Random random, List<String> queues) {
      this.random = random;
      this.queues = queues;
    }

    void run(int count) {
      for (int i = 0; i < count; i++) {
        app.clock.advance(Duration.ofMillis(random.nextInt(300_000))); // 70 commands: under 6 hours
        step();
      }
    }

    private void step() {
      String queue = queues.get(random.nextInt(queues.size()));
      UUID entry = entries.isEmpty() ? null : entries.get(random.nextInt(entries.size()));
      switch (random.nextInt(entry == null ? 3 : 16)) {
        case 0, 1 -> track(() -> app.commands.checkIn(queue, arrival(null), "test").map(l -> l.entry()));
        case 2 -> track(() -> app.commands.expect(queue, arrival(app.clock.instant().plus(Duration.ofMinutes(30))), "test")
            .map(l -> l.entry()));
        case 3, 4 -> attempt(() -> app.commands.callNext(queue, "Room " + (1 + random.nextInt(3)), "test"));
        case 5 -> attempt(() -> app.commands.recall(entry, "test"));
        case 6 -> attempt(() -> app.commands.startService(entry, "test"));
        case 7 -> attempt(() -> app.commands.complete(entry, "test"));
        case 8 -> attempt(() -> app.commands.noShow(entry, "test"));
        case 9 -> attempt(() -> app.commands.requeue(entry, "test"));
        case 10 -> attempt(() -> random.nextBoolean() ? app.commands.leave(entry, "test")
            : app.commands.cancel(entry, "test"));
        case 11 -> attempt(() -> app.commands.runningLate(entry, "test"));
        case 12 -> attempt(() -> app.commands.undo(entry, "test"));
        case 13 -> attempt(() -> app.commands.arrive(entry, "test"));
        case 14 -> track(() -> app.commands.transfer(entry, queue, Priority.values()[random.nextInt(3)], "test")
            .map(l -> l.entry()));
        default -> attempt(() -> random.nextBoolean()
            ? app.commands.pause(queue, random.nextBoolean(), "test")
            : app.commands.setStaffOnDuty(queue, random.nextInt(3), "test"));
      }
    }

    private CheckIn arrival(java.time.Instant appointmentAt) {
      int n = ++patients;
      String name = List.of("Ann Lee", "Bo Chan", "Cy Diaz", "Di Evans").get(n % 4) + " " + n;
      return new CheckIn(new Patient(name, LocalDate.of(1980, 1, 1 + n % 28), null, null, null),
          Priority.values()[random.nextInt(Priority.values().length)], appointmentAt,
          appointmentAt == null ? null : "appt-" + n);
    }

    private void track(Supplier<Future<Entry>> command) {
      Entry made = attempt(command);
      if (made != null) entries.add(made.id());
    }

    /** The command's result, or null when the domain refused it. */
    private static <T> T attempt(Supplier<Future<T>> command) {
      return command.get().recover(err -> err instanceof Refused ? Future.succeededFuture() : Future.failedFuture(err))
          .await();
    }
  }
}

package io.waitline.sync;

import static io.waitline.sync.Hl7MllpTest.TEN;
import static io.waitline.sync.Hl7MllpTest.siu;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServerOptions;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.waitline.queue.Entry;
import io.waitline.queue.Status;
import io.waitline.queue.event.PgNotifyRelay;
import io.waitline.queue.store.QueueStore;
import io.waitline.sync.source.Source;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Senders that pipeline (several messages on their connection before the first ACK) on several connections at once:
 * the messages waiting are applied together in one transaction (group commit), yet each is answered only once it is
 * committed, in the order its sender sent it, exactly as if it had come alone.
 */
class Hl7GroupCommitTest {
  /** 11:30 in Paris on the world's day. */
  static final String HALF_PAST_ELEVEN = "202611201130";
  static final Instant HALF_PAST_ELEVEN_UTC = Instant.parse("2026-11-20T10:30:00Z");

  @RegisterExtension
  final SyncWorld w = SyncWorld.start();
  int port;

  @BeforeEach
  void start() {
    port = w.get(w.sync.listenMllp(new NetServerOptions().setHost("localhost").setPort(0)));
  }

  Source source(String facility) {
    return w.create(SyncWorld.definition("hl7v2-mllp", facility, Hl7MllpTest.mapping(facility, "Europe/Paris")
        .put("mrnSystem", "CLINIC_MRN").put("queues", new JsonArray())));
  }

  /** A message of {@code facility} (Hl7MllpTest's messages are CLINIC_PMS's). */
  static String from(String facility, String message) {
    return message.replace("|CLINIC_PMS|", "|" + facility + "|");
  }

  /** Several messages in one write, as a sender that pipelines sends them. */
  static byte[] window(List<String> messages) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    messages.forEach(m -> b.writeBytes(Mllp.frame(m)));
    return b.toByteArray();
  }

  /**
   * Writes each sender's window while the inbox is held, so that the first batch waits and the other messages pile
   * up behind it; lets go once that batch waits.
   */
  void writeWhileInboxHeld(List<Mllp> senders, List<List<String>> windows) throws Exception {
    SqlConnection holder = w.get(w.pool.getConnection());
    try {
      Transaction hold = w.get(holder.begin());
      w.get(holder.query("LOCK TABLE sync_inbox IN ACCESS EXCLUSIVE MODE").execute());
      for (int s = 0; s < senders.size(); s++) senders.get(s).write(window(windows.get(s)));
      SyncWorld.waitUntil(() -> w.count("SELECT count(*) FROM pg_locks WHERE relation = 'sync_inbox'::regclass"
          + " AND NOT granted") > 0);
      w.get(hold.rollback());
    } finally {
      holder.close();
    }
  }

  /** The ACK's code and the control id it answers ({@code AA|c1}), from its MSA segment. */
  static String msa(String ack) {
    for (String segment : ack.split("\r")) {
      if (segment.startsWith("MSA|")) {
        String[] f = segment.split("\\|");
        return f[1] + "|" + f[2];
      }
    }
    throw new AssertionError("no MSA segment in " + ack);
  }

  @Test
  void aWindowWrittenAtOnceIsAppliedInOneTransactionAndEachMessageAcknowledgedAfterCommitInOrder()
      throws Exception {
    List<String> facilities = List.of("PMS_A", "PMS_B", "PMS_C");
    List<Source> sources = facilities.stream().map(this::source).toList();
    int appointments = 15;
    // each sender books each appointment at 10:00 and then moves it to 11:30: applied out of order, it would stay
    // at 10:00
    List<List<String>> sent = new ArrayList<>();
    for (String f : facilities) {
      List<String> window = new ArrayList<>();
      for (int i = 0; i < appointments; i++) {
        window.add(from(f, siu("2.5.1", "S12", f + "-" + i + "-book", f + "-" + i, TEN, "X")));
        window.add(from(f, siu("2.5.1", "S13", f + "-" + i + "-move", f + "-" + i, HALF_PAST_ELEVEN, "X")));
      }
      sent.add(window);
    }
    List<Mllp> senders = new ArrayList<>();
    SqlConnection holder = w.get(w.pool.getConnection());
    try {
      // the inbox is held, so the first batch waits and every other message piles up behind it
      Transaction hold = w.get(holder.begin());
      w.get(holder.query("LOCK TABLE sync_inbox IN ACCESS EXCLUSIVE MODE").execute());
      for (List<String> window : sent) {
        Mllp sender = new Mllp(port);
        senders.add(sender);
        sender.write(window(window));
      }
      SyncWorld.waitUntil(() -> w.count("SELECT count(*) FROM pg_locks WHERE relation = 'sync_inbox'::regclass"
          + " AND NOT granted") > 0);
      w.get(hold.rollback());

      for (int s = 0; s < senders.size(); s++) {
        for (String message : sent.get(s)) {
          String control = message.split("\\|", 11)[9];
          assertThat(msa(senders.get(s).read())).as("the ACKs of sender %d, in the order sent", s)
              .isEqualTo("AA|" + control);
          assertThat(w.count("SELECT count(*) FROM sync_inbox WHERE version = $1", control))
              .as("%s is committed when its AA arrives", control).isEqualTo(1);
        }
      }
    } finally {
      holder.close();
      for (Mllp m : senders) m.close();
    }

    for (Source s : sources) {
      for (int i = 0; i < appointments; i++) {
        Entry e = w.entryFor(s, s.name() + "-" + i);
        assertThat(e.status()).isEqualTo(Status.EXPECTED);
        assertThat(e.appointmentAt()).as("moved after it was booked").isEqualTo(HALF_PAST_ELEVEN_UTC);
      }
    }
    int messages = facilities.size() * appointments * 2;
    assertThat(w.count("SELECT count(*) FROM entry")).as("one entry per appointment")
        .isEqualTo(facilities.size() * appointments);
    assertThat(w.count("SELECT count(*) FROM sync_inbox WHERE outcome = 'applied'")).isEqualTo(messages);
    // rows written by one transaction share its id (xmin): each sender's window, written at once, is one
    for (Source s : sources) {
      assertThat(w.count("SELECT count(DISTINCT xmin::text) FROM sync_inbox WHERE source_id = $1", s.id()))
          .as("transactions of %s's window", s.name()).isEqualTo(1);
    }
    assertThat(w.count("SELECT count(*) FROM entry_transition t JOIN entry e ON e.id = t.entry_id"
        + " JOIN sync_source s ON e.appointment_ref LIKE s.id || ':%' WHERE t.actor = 'source:' || s.name"))
        .as("each entry announced by its own source").isEqualTo(facilities.size() * appointments);
  }

  @Test
  void inABatchOfSeveralSendersAPoisonMessageIsAEAndARepeatedControlIdDedupedPerSenderOnly() throws Exception {
    Source a = source("PMS_A");
    Source b = source("PMS_B");
    // A's second has no start time and its fourth repeats its first; B uses the same control and appointment ids
    List<String> fromA = List.of(from("PMS_A", siu("2.5.1", "S12", "c1", "A1", TEN, "X")),
        from("PMS_A", siu("2.5.1", "S12", "c2", "A2", null, "X")),
        from("PMS_A", siu("2.5.1", "S12", "c3", "A3", TEN, "X")),
        from("PMS_A", siu("2.5.1", "S12", "c1", "A1", TEN, "X")));
    List<String> fromB = List.of(from("PMS_B", siu("2.5.1", "S12", "c1", "A1", TEN, "X")),
        from("PMS_B", siu("2.5.1", "S12", "c2", "A2", TEN, "X")),
        from("PMS_B", siu("2.5.1", "S12", "c3", "A3", TEN, "X")));
    List<String> acksA = new ArrayList<>();
    List<String> acksB = new ArrayList<>();
    try (Mllp senderA = new Mllp(port); Mllp senderB = new Mllp(port)) {
      writeWhileInboxHeld(List.of(senderA, senderB), List.of(fromA, fromB));
      for (int i = 0; i < fromA.size(); i++) acksA.add(msa(senderA.read()));
      for (int i = 0; i < fromB.size(); i++) acksB.add(msa(senderB.read()));
    }

    assertThat(acksA).containsExactly("AA|c1", "AE|c2", "AA|c3", "AA|c1");
    assertThat(acksB).containsExactly("AA|c1", "AA|c2", "AA|c3");
    for (String appointment : List.of("A1", "A3")) {
      assertThat(w.entryFor(a, appointment).status()).isEqualTo(Status.EXPECTED);
    }
    for (String appointment : List.of("A1", "A2", "A3")) {
      assertThat(w.entryFor(b, appointment).status()).isEqualTo(Status.EXPECTED);
    }
    assertThat(w.count("SELECT count(*) FROM entry")).isEqualTo(5);
    assertThat(w.get(w.sync.deadLetters(a.id()))).extracting(d -> d.getString("externalId"))
        .containsExactly("Appointment/A2");
    assertThat(w.get(w.sync.deadLetters(b.id()))).isEmpty();
    assertThat(w.count("SELECT count(*) FROM sync_inbox WHERE source_id = $1", a.id())).as("one row per control id")
        .isEqualTo(3);
  }

  @Test
  void aPoisonMessageInAPipelinedWindowIsAEAndADeadLetterWhileTheOthersAreAAAndAppliedOnce() throws Exception {
    Source source = source("PMS_A");
    List<String> window = new ArrayList<>();
    for (int i = 1; i <= 8; i++) {
      // the fourth has no start time; the sixth repeats the second's control id
      String control = i == 6 ? "c2" : "c" + i;
      String appointment = i == 6 ? "A2" : "A" + i;
      window.add(from("PMS_A", siu("2.5.1", "S12", control, appointment, i == 4 ? null : TEN, "X")));
    }
    List<String> acks = new ArrayList<>();
    try (Mllp sender = new Mllp(port)) {
      sender.write(window(window));
      for (int i = 0; i < window.size(); i++) acks.add(msa(sender.read()));
    }

    assertThat(acks).containsExactly("AA|c1", "AA|c2", "AA|c3", "AE|c4", "AA|c5", "AA|c2", "AA|c7", "AA|c8");
    assertThat(w.count("SELECT count(*) FROM entry")).isEqualTo(6);
    assertThat(w.entryFor(source, "A2").status()).isEqualTo(Status.EXPECTED);
    assertThat(w.get(w.sync.deadLetters(source.id()))).extracting(d -> d.getString("externalId"))
        .containsExactly("Appointment/A4");
    assertThat(w.count("SELECT count(*) FROM sync_inbox")).as("one row per control id").isEqualTo(7);
  }

  @Test
  void aBatchThatFailsAsAWholeIsAppliedAgainSoEachMessageGetsTheAnswerItWouldHaveGotAlone() throws Exception {
    Source a = source("PMS_A");
    Source b = source("PMS_B");
    // the database refuses B's second booking (not the message's fault: it would get no answer alone either)
    w.get(w.pool.query("CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS"
        + " $$ BEGIN RAISE EXCEPTION 'disk gone' USING ERRCODE = '58030'; END $$").execute());
    w.get(w.pool.query("CREATE TRIGGER refuse BEFORE INSERT ON sync_inbox FOR EACH ROW"
        + " WHEN (NEW.external_id = 'Appointment/B-BAD') EXECUTE FUNCTION refuse()").execute());
    List<String> fromA = new ArrayList<>();
    for (int i = 1; i <= 5; i++) fromA.add(from("PMS_A", siu("2.5.1", "S12", "a" + i, "A-" + i, TEN, "X")));
    List<String> fromB = List.of(from("PMS_B", siu("2.5.1", "S12", "b1", "B-1", TEN, "X")),
        from("PMS_B", siu("2.5.1", "S12", "b2", "B-BAD", TEN, "X")));
    List<String> acksA = new ArrayList<>();
    try (Mllp senderA = new Mllp(port); Mllp senderB = new Mllp(port)) {
      writeWhileInboxHeld(List.of(senderA, senderB), List.of(fromA, fromB));
      for (int i = 0; i < fromA.size(); i++) acksA.add(msa(senderA.read()));
      assertThat(msa(senderB.read())).as("B's first booking, applied before the refused one").isEqualTo("AA|b1");
      assertThat(senderB.closedWithoutAnswer()).as("the refused booking gets no answer, so B resends it").isTrue();
    }

    assertThat(acksA).containsExactly("AA|a1", "AA|a2", "AA|a3", "AA|a4", "AA|a5");
    for (int i = 1; i <= 5; i++) assertThat(w.entryFor(a, "A-" + i).status()).isEqualTo(Status.EXPECTED);
    assertThat(w.entryFor(b, "B-1").status()).isEqualTo(Status.EXPECTED);
    assertThat(w.count("SELECT count(*) FROM entry")).as("nothing of the refused booking").isEqualTo(6);
  }

  @Test
  void aSourceDisabledOnAnotherNodeRefusesItsMessagesHereThoughItsRoutingWasKept() throws Exception {
    Source source = source("PMS_A");
    PgNotifyRelay relay = w.get(PgNotifyRelay.start(w.vertx, w.db, w.pool, new QueueStore(), event -> { }));
    int[] tries = {0};
    try (Mllp sender = new Mllp(port); SyncWorld other = w.secondNode()) {
      w.get(w.sync.listenSourceChanges(relay));
      sender.write(Mllp.frame(from("PMS_A", siu("2.5.1", "S12", "c0", "A0", TEN, "X"))));
      assertThat(msa(sender.read())).as("routed to the source, which this node now keeps").isEqualTo("AA|c0");

      other.get(other.sync.update(source.id(), new JsonObject().put("enabled", false)));
      // the world's clock stands still, so only the other node's notice can make this node read the source again
      SyncWorld.waitUntil(() -> {
        String control = "c" + ++tries[0];
        try {
          sender.write(Mllp.frame(from("PMS_A", siu("2.5.1", "S12", control, "A" + tries[0], TEN, "X"))));
          return msa(sender.read()).equals("AR|" + control);
        } catch (java.io.IOException e) {
          throw new AssertionError(e);
        }
      });
    } finally {
      w.get(relay.close());
    }
    assertThat(w.count("SELECT count(*) FROM entry")).as("c0 and the messages that came before the notice")
        .isEqualTo(tries[0]);
  }

  @Test
  void aNodeThatMissedTheNoticeKeepsTheRoutingItReadForThirtySecondsAtMost() throws Exception {
    Source source = source("PMS_A");
    try (Mllp sender = new Mllp(port); SyncWorld other = w.secondNode()) {
      sender.write(Mllp.frame(from("PMS_A", siu("2.5.1", "S12", "c0", "A0", TEN, "X"))));
      assertThat(msa(sender.read())).isEqualTo("AA|c0");

      // this node does not listen for notices: it keeps what it read
      other.get(other.sync.update(source.id(), new JsonObject().put("enabled", false)));
      sender.write(Mllp.frame(from("PMS_A", siu("2.5.1", "S12", "c1", "A1", TEN, "X"))));
      assertThat(msa(sender.read())).as("routed as read before the change").isEqualTo("AA|c1");

      w.clock.advance(Duration.ofSeconds(30));
      sender.write(Mllp.frame(from("PMS_A", siu("2.5.1", "S12", "c2", "A2", TEN, "X"))));
      assertThat(msa(sender.read())).as("read again after 30 s: the source is disabled").isEqualTo("AR|c2");
    }
  }
}

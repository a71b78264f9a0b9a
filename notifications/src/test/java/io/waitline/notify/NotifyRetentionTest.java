package io.waitline.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.waitline.notify.store.NotifyRetention;
import io.waitline.notify.support.NotifyWorld;
import io.waitline.queue.Entry;
import io.waitline.queue.retention.Retention;
import io.waitline.queue.retention.RetentionBatches;
import io.waitline.queue.store.PersonalDataScan;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Retention in the notifications module, with messages really sent (SMS through twilio-java to a local Twilio, e-mail
 * to GreenMail): those sent 200 days ago keep no address in any of the module's tables, yesterday's keep theirs,
 * and a second run changes nothing.
 */
class NotifyRetentionTest extends SmsAndEmailSetup {
  @Test
  void messagesPastRetentionKeepNoAddressWhileRecentOnesKeepTheirs() {
    String q = world.newQueue();
    world.clock.set(NotifyWorld.START.minus(Duration.ofDays(200)));
    world.checkIn(q, "Ann Old", "+447700900111", null);
    world.checkIn(q, "Bo Old", null, "bo.old@example.org");
    world.drain(notifications);
    world.clock.set(NotifyWorld.START.minus(Duration.ofDays(1)));
    Entry recent = world.checkIn(q, "Cy New", "+447700900222", null);
    world.drain(notifications);
    world.clock.set(NotifyWorld.START);
    assertThat(twilio.accepted).extracting(sms -> sms.to()).contains("+447700900111", "+447700900222");
    PersonalDataScan scan = new PersonalDataScan(world.pool, Set.of());
    assertThat(inNotifications(scan, "+447700900111")).as("the old SMS's").contains("notify_attempt.recipient");
    assertThat(inNotifications(scan, "bo.old@example.org")).as("the old mail's").contains("notify_attempt.recipient");

    Instant cutoff = Retention.DEFAULT.cutoff(NotifyWorld.START);
    long old = count("SELECT count(*) FROM notify_intent WHERE created_at < '" + cutoff + "'");
    assertThat(old).as("the old check-ins' messages").isGreaterThanOrEqualTo(2);

    RetentionBatches batches = new RetentionBatches(world.pool, Retention.DEFAULT, 1);
    assertThat(world.await(batches.run("notifications", NotifyWorld.START, NotifyRetention::batch)))
        .as("in batches of one").isEqualTo((int) old);

    assertThat(inNotifications(scan, "+447700900111")).isEmpty();
    assertThat(inNotifications(scan, "bo.old@example.org")).isEmpty();
    assertThat(inNotifications(scan, "+447700900222")).contains("notify_attempt.recipient");
    assertThat(count("SELECT count(*) FROM notify_intent WHERE entry_id = '" + recent.id()
        + "' AND details_removed_at IS NOT NULL")).as("recent messages changed").isZero();
    String rows = everyRow();
    assertThat(world.await(batches.run("notifications", NotifyWorld.START, NotifyRetention::batch)))
        .as("a second run").isZero();
    assertThat(everyRow()).isEqualTo(rows);
  }

  /** The notifications tables' columns holding {@code value}. */
  private static TreeSet<String> inNotifications(PersonalDataScan scan, String value) {
    TreeSet<String> found = scan.whereIs(value);
    found.removeIf(column -> !column.startsWith("notify_"));
    return found;
  }

  private long count(String sql) {
    return world.await(world.pool.query(sql).execute()).iterator().next().getLong(0);
  }

  private String everyRow() {
    StringBuilder rows = new StringBuilder();
    for (String sql : List.of("SELECT i::text FROM notify_intent i ORDER BY id", "SELECT a::text FROM notify_attempt a"
        + " ORDER BY id")) {
      world.await(world.pool.query(sql).execute()).forEach(r -> rows.append(r.getString(0)).append('\n'));
    }
    return rows.toString();
  }
}

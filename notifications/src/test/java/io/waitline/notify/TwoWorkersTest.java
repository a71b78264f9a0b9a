package io.waitline.notify;

import static io.waitline.notify.support.NotifyWorld.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.waitline.notify.support.Channels;
import io.waitline.notify.support.FakeTwilio;
import io.waitline.notify.support.NotifyWorld;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two nodes run the module on one database at once, each with its own pumps, timers and wake-ups, as two servers
 * behind a load balancer do: they share the outbox, and every message is sent exactly once.
 */
class TwoWorkersTest {
  private static final String MARKER = "+447700900899";

  @RegisterExtension
  final NotifyWorld world = NotifyWorld.start();
  private FakeTwilio twilio;
  private final List<Notifications> nodes = new ArrayList<>();

  @BeforeEach
  void start() {
    twilio = world.closing(new FakeTwilio(world.vertx).start());
    for (String name : List.of("node-a", "node-b")) {
      nodes.add(world.running(world.notifications(NotifyWorld.config()).worker(name)
          .channel(Channels.twilio(world.vertx, twilio), Channels.fast())));
    }
  }


  @Test
  void twoNodesDispatchingTheSameOutboxSendEveryMessageOnceUpToALaterMarker() {
    String q = world.newQueue();
    List<String> phones = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      String phone = "+4477009008" + String.format("%02d", i);
      phones.add(phone);
      world.checkIn(q, "Patient " + i, phone, null);
    }
    eventually(Duration.ofSeconds(30), () -> assertThat(world.intents())
        .filteredOn(i -> i.getString("kind").equals("checked_in")).hasSize(30)
        .allSatisfy(i -> assertThat(i.getString("state")).isEqualTo("sent")));

    // one more message, after all of them: once it arrived and its node recorded it sent (a step after Twilio's
    // answer), nothing else is on its way
    world.checkIn(q, "Mark Er", MARKER, null);
    eventually(Duration.ofSeconds(10), () -> {
      assertThat(twilio.accepted).extracting(FakeTwilio.Sms::to).contains(MARKER);
      assertThat(world.intents()).filteredOn(i -> i.getString("state").equals("sent")).hasSize(31);
    });

    Map<String, Long> copies = twilio.accepted.stream()
        .collect(Collectors.groupingBy(FakeTwilio.Sms::to, Collectors.counting()));
    List<String> expected = new ArrayList<>(phones);
    expected.add(MARKER);
    assertThat(copies).containsOnlyKeys(expected).allSatisfy((phone, n) -> assertThat(n).as(phone).isOne());
    assertThat(twilio.posts.get()).isEqualTo(31);
    assertThat(world.intents()).filteredOn(i -> i.getString("state").equals("sent")).hasSize(31)
        .extracting(i -> i.getString("claims")).as("claimed by one node, once").containsOnly("1");
  }
}

package io.waitline.queue.event.kafka;

import io.waitline.queue.LoopbackPorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * A real single-node Kafka broker (KRaft: broker and controller in one) on loopback, run from the Maven jars of
 * {@code org.apache.kafka:kafka_2.13} in a child JVM of its own, so a test can kill it and start it again on the same
 * data directory and port (a broker restart). It is destroyed when the test JVM exits, whatever the test did.
 *
 * <p>Besides its own listener it may advertise a second one at another address ({@link #withRelayedListener}): a
 * client that bootstraps there stays there, so a test can put a proxy in front of that client alone.
 */
public final class KafkaTestBroker implements AutoCloseable {
  private static final Duration READY_WITHIN = Duration.ofSeconds(60);

  private final Path dir = Files.createTempDirectory("waitline-kafka");
  private final int port = LoopbackPorts.free();
  private final int controllerPort = LoopbackPorts.free();
  private final int relayedPort = LoopbackPorts.free();
  private final Integer advertisedRelayedPort;
  private Process process;

  private KafkaTestBroker(Integer advertisedRelayedPort) throws IOException {
    this.advertisedRelayedPort = advertisedRelayedPort;
    Files.writeString(dir.resolve("server.properties"), properties());
    Process format = java("kafka.tools.StorageTool", "format", "-t", clusterId(), "-c",
        dir.resolve("server.properties").toString());
    try {
      if (format.waitFor() != 0) throw new IllegalStateException("kafka-storage format failed: " + log());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    Runtime.getRuntime().addShutdownHook(new Thread(this::kill));
  }

  /** Formats a data directory and starts the broker on it; returns once it accepts connections. */
  public static KafkaTestBroker start() {
    return started(null);
  }

  /**
   * Like {@link #start()}, with a second listener advertised at {@code 127.0.0.1:advertisedPort} (where the test
   * runs a proxy to {@link #relayedListener()}).
   */
  public static KafkaTestBroker withRelayedListener(int advertisedPort) {
    return started(advertisedPort);
  }

  private static KafkaTestBroker started(Integer advertisedRelayedPort) {
    try {
      KafkaTestBroker broker = new KafkaTestBroker(advertisedRelayedPort);
      broker.restart();
      return broker;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What producers and consumers bootstrap from. */
  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  /** The port of the second listener (behind the test's proxy). */
  public int relayedListener() {
    return relayedPort;
  }

  /** Every record now on {@code topic}, read from the first, partition by partition. */
  public List<ConsumerRecord<String, String>> records(String topic) {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrapServers());
    try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
      List<TopicPartition> partitions = c.partitionsFor(topic).stream()
          .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
      c.assign(partitions);
      c.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = c.endOffsets(partitions);
      List<ConsumerRecord<String, String>> out = new ArrayList<>();
      while (partitions.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
        c.poll(Duration.ofMillis(200)).forEach(out::add);
      }
      return out;
    }
  }

  /** The records of {@code topic} once there are at least {@code n} (within 30 s), as {@link #records}. */
  public List<ConsumerRecord<String, String>> awaitRecords(String topic, int n) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      List<ConsumerRecord<String, String>> all = records(topic);
      if (all.size() >= n) return all;
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 30 s: " + n + " records on " + topic + ", got " + all.size());
      }
      pause();
    }
  }

  /** Kills the broker at once (no controlled shutdown): its clients see connections refused until {@link #restart}. */
  public void kill() {
    if (process == null) return;
    process.destroyForcibly();
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    process = null;
  }

  /** Starts the broker on its data directory and port (again); returns once it accepts connections. */
  public void restart() {
    if (process != null) throw new IllegalStateException("the broker is running");
    process = java("kafka.Kafka", dir.resolve("server.properties").toString());
    long deadline = System.nanoTime() + READY_WITHIN.toNanos();
    while (!LoopbackPorts.accepts(port, 200)) {
      if (!process.isAlive()) throw new IllegalStateException("the Kafka broker exited: " + log());
      if (System.nanoTime() > deadline) throw new IllegalStateException("the Kafka broker did not start: " + log());
      pause();
    }
  }

  /** Kills the broker and deletes its data directory. */
  @Override
  public void close() {
    kill();
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String properties() {
    List<String> listeners = new ArrayList<>(List.of("PLAINTEXT://127.0.0.1:" + port,
        "CONTROLLER://127.0.0.1:" + controllerPort));
    List<String> advertised = new ArrayList<>(List.of("PLAINTEXT://127.0.0.1:" + port));
    String protocols = "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT";
    if (advertisedRelayedPort != null) {
      listeners.add("RELAYED://127.0.0.1:" + relayedPort);
      advertised.add("RELAYED://127.0.0.1:" + advertisedRelayedPort);
      protocols += ",RELAYED:PLAINTEXT";
    }
    return String.join("\n",
        "process.roles=broker,controller",
        "node.id=1",
        "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
        "listeners=" + String.join(",", listeners),
        "advertised.listeners=" + String.join(",", advertised),
        "listener.security.protocol.map=" + protocols,
        "controller.listener.names=CONTROLLER",
        "inter.broker.listener.name=PLAINTEXT",
        "log.dirs=" + dir.resolve("data"),
        "num.partitions=3",
        "offsets.topic.replication.factor=1",
        "offsets.topic.num.partitions=3",
        "transaction.state.log.replication.factor=1",
        "transaction.state.log.min.isr=1",
        "group.initial.rebalance.delay.ms=0",
        "");
  }

  private Process java(String mainClass, String... args) {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
        mainClass));
    command.addAll(List.of(args));
    try {
      return new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("broker.log").toFile())).start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String log() {
    try {
      String all = Files.readString(dir.resolve("broker.log"));
      return all.length() > 4000 ? all.substring(all.length() - 4000) : all;
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /**
   * A KRaft cluster id as {@code kafka-storage random-uuid} makes it: 16 random bytes in URL-safe base64, never
   * starting with '-' (which the storage tool's argument parser would take for an option: one id in 64 did).
   */
  static String clusterId() {
    return org.apache.kafka.common.Uuid.randomUuid().toString();
  }



  private static void pause() {
    try {
      Thread.sleep(100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}

package io.waitline.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Notifications reaches queue-core only through its API (events, read model): no SQL of this module names a table
 * of queue-core, nothing imports queue-core's store, and SQL stays in this module's store. A renamed queue-core
 * column then fails to compile instead of failing here at run time.
 */
class ModuleBoundaryTest {
  private static final Path MAIN = Path.of("src/main/java/io/waitline/notify");
  private static final Path QUEUE_CORE_MIGRATIONS = Path.of("../queue-core/src/main/resources/db/migration");

  @Test
  void noSqlOfNotificationsNamesATableOfQueueCore() {
    List<String> tables = queueCoreTables();
    assertThat(tables).as("read from queue-core's migrations").contains("site", "service_queue", "entry",
        "queue_event");
    Pattern naming = Pattern.compile("(?i)(\\b(FROM|JOIN|INTO|UPDATE|TABLE)\\s+|')(" + String.join("|", tables)
        + ")\\b");
    List<String> found = new ArrayList<>();
    for (Path file : sources()) {
      Matcher m = naming.matcher(read(file));
      while (m.find()) found.add(MAIN.relativize(file) + ": " + m.group());
    }
    assertThat(found).isEmpty();
  }

  @Test
  void nothingImportsQueueCoresStore() {
    assertThat(sources()).filteredOn(f -> read(f).contains("import io.waitline.queue.store.QueueStore;")).isEmpty();
  }

  @Test
  void sqlRunsOnlyInTheStore() {
    assertThat(sources()).filteredOn(f -> !f.startsWith(MAIN.resolve("store")))
        .filteredOn(f -> read(f).matches("(?s).*\\.(preparedQuery|query)\\(.*")).isEmpty();
  }

  private static List<String> queueCoreTables() {
    List<String> tables = new ArrayList<>();
    try (Stream<Path> files = Files.list(QUEUE_CORE_MIGRATIONS)) {
      for (Path f : files.toList()) {
        Matcher m = Pattern.compile("(?i)CREATE TABLE (\\w+)").matcher(read(f));
        while (m.find()) tables.add(m.group(1));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return tables;
  }

  private static List<Path> sources() {
    try (Stream<Path> files = Files.walk(MAIN)) {
      return files.filter(f -> f.toString().endsWith(".java")).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String read(Path f) {
    try {
      return Files.readString(f);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

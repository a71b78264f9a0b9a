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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The modules beside queue-core (notifications, access) reach it only through its API (events, read model,
 * commands): no SQL of theirs names a table of queue-core, nothing imports queue-core's store, and their SQL stays in
 * their own store package. A renamed queue-core column then fails to compile instead of failing here at run time.
 */
class ModuleBoundaryTest {
  private static final Path QUEUE_CORE_MIGRATIONS = Path.of("../queue-core/src/main/resources/db/migration");

  /** The source root of each module checked, from this module's directory. */
  private static Path sourcesOf(String module) {
    return switch (module) {
      case "notifications" -> Path.of("src/main/java/io/waitline/notify");
      case "access" -> Path.of("../access/src/main/java/io/waitline/access");
      default -> throw new IllegalArgumentException(module);
    };
  }

  @ParameterizedTest
  @ValueSource(strings = {"notifications", "access"})
  void noSqlOfTheModuleNamesATableOfQueueCore(String module) {
    List<String> tables = queueCoreTables();
    assertThat(tables).as("read from queue-core's migrations").contains("site", "service_queue", "entry",
        "queue_event");
    Pattern naming = naming(tables);
    Path main = sourcesOf(module);
    List<String> found = new ArrayList<>();
    for (Path file : sources(main)) {
      Matcher m = naming.matcher(read(file));
      while (m.find()) found.add(main.relativize(file) + ": " + m.group());
    }
    assertThat(found).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"notifications", "access"})
  void nothingImportsQueueCoresStore(String module) {
    assertThat(sources(sourcesOf(module)))
        .filteredOn(f -> read(f).contains("import io.waitline.queue.store.QueueStore;")).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"notifications", "access"})
  void sqlRunsOnlyInTheStore(String module) {
    Path main = sourcesOf(module);
    assertThat(sources(main)).as("sources of " + main).isNotEmpty()
        .filteredOn(f -> !f.startsWith(main.resolve("store")))
        .filteredOn(f -> read(f).matches("(?s).*\\.(preparedQuery|query)\\(.*")).isEmpty();
  }

  @Test
  void theCheckSeesSqlThatNamesAQueueCoreTable() {
    // what access ran before it had a boundary: the check above must see it
    Pattern naming = naming(queueCoreTables());
    assertThat(naming.matcher("c.preparedQuery(\"SELECT 1 FROM site WHERE id = $1\")").find()).isTrue();
    assertThat(naming.matcher("LEFT JOIN entry e ON e.id = a.entry_id").find()).isTrue();
    assertThat(naming.matcher("SELECT site_id FROM device").find()).isFalse();
  }

  /** SQL that names one of {@code tables}: after a keyword that takes a table, or quoted. */
  private static Pattern naming(List<String> tables) {
    return Pattern.compile("(?i)(\\b(FROM|JOIN|INTO|UPDATE|TABLE)\\s+|')(" + String.join("|", tables) + ")\\b");
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

  private static List<Path> sources(Path root) {
    try (Stream<Path> files = Files.walk(root)) {
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

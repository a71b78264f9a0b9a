package io.waitline.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.waitline.sync.CsvDropFolders.Handled;
import io.waitline.sync.source.Source;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The watched drop folder of a csv source, a real folder scanned round by round on the test clock: a complete file is
 * applied like an upload and moved to processed/ with its report; a file still being written is left alone; a file
 * refused whole goes to failed/ with the sentence; two nodes scanning one folder apply each file once; a claim left by a
 * node that stopped is taken over once stale.
 */
class CsvDropFolderTest {
  static final String HEADER = "Appt,Start,Patient,Born\n";
  SyncWorld w;
  @TempDir Path root;
  Source source;
  Path folder;
  CsvDropFolders drops;

  @BeforeEach
  void start() throws Exception {
    w = SyncWorld.start();
    source = w.create(SyncWorld.definition("csv", "Export", new JsonObject().put("defaultQueue", "general")
        .put("columns", new JsonObject().put("appointmentId", "Appt").put("start", "Start").put("patientName", "Patient")
            .put("birthDate", "Born"))));
    folder = Files.createDirectory(CsvDropFolders.folderOf(root, source.id()));
    drops = new CsvDropFolders(w.vertx, w.sync, root, w.clock);
  }

  @AfterEach
  void stop() {
    w.close();
  }

  static String row(String id, String name, String born) {
    return id + ",2026-11-20T09:30:00+01:00," + name + "," + born + "\n";
  }

  /** Writes the file as exporters should: under another name, then renamed (atomic) to its .csv name. */
  Path drop(String name, String content) throws Exception {
    Path part = Files.writeString(folder.resolve(name + ".part"), content);
    return Files.move(part, folder.resolve(name), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  static List<String> names(Path dir) throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void aCompleteFileIsAppliedLikeAnUploadAndMovedToProcessedWithItsReport() throws Exception {
    Files.writeString(folder.resolve("tomorrow.csv.part"), HEADER + row("B1", "Still Writing", "1990-01-01"));
    drop("evening.csv", HEADER + row("A1", "Ann Lee", "1980-04-23") + row("A2", "Bob Stone", "1980-02-31"));

    List<Handled> handled = w.get(drops.scan());

    assertThat(handled).hasSize(1);
    Handled h = handled.get(0);
    assertThat(h.file()).isEqualTo("evening.csv");
    assertThat(h.outcome()).isEqualTo("processed");
    assertThat(h.report().getInteger("rows")).isEqualTo(2);
    assertThat(h.report().getJsonObject("outcomes")).isEqualTo(new JsonObject().put("applied", 1).put("dead", 1));
    assertThat(h.report().getJsonArray("problems")).containsExactly(new JsonObject().put("row", 3).put("column", "Born")
        .put("problem", "Column 'Born': '1980-02-31' is not a date in the form yyyy-MM-dd."));
    // stamped with the clock's time, the report beside the file
    assertThat(names(folder.resolve("processed")))
        .containsExactly("20261120T070000.000Z-evening.csv", "20261120T070000.000Z-evening.csv.report.json");
    assertThat(new JsonObject(Files.readString(folder.resolve("processed/20261120T070000.000Z-evening.csv.report.json"))))
        .isEqualTo(h.report());
    assertThat(w.entryFor(source, "A1").patient().name()).isEqualTo("Ann Lee");
    assertThat(w.get(w.sync.deadLetters(source.id()))).hasSize(1);
    assertThat(names(folder)).containsExactly("processed", "processing", "tomorrow.csv.part");
    assertThat(names(folder.resolve("processing"))).isEmpty();

    // the next round finds nothing new; the file being written is still left alone until it is renamed
    assertThat(w.get(drops.scan())).isEmpty();
    Files.move(folder.resolve("tomorrow.csv.part"), folder.resolve("tomorrow.csv"));
    assertThat(w.get(drops.scan())).extracting(Handled::file).containsExactly("tomorrow.csv");
    assertThat(w.entryFor(source, "B1").patient().name()).isEqualTo("Still Writing");
  }

  @Test
  void theSameFileDroppedTwiceCreatesNothingNew() throws Exception {
    String file = HEADER + row("A1", "Ann Lee", "1980-04-23");
    drop("monday.csv", file);
    w.get(drops.scan());
    w.clock.advance(Duration.ofSeconds(1));
    drop("monday.csv", file);

    List<Handled> again = w.get(drops.scan());

    assertThat(again.get(0).report().getJsonObject("outcomes")).isEqualTo(new JsonObject().put("duplicate", 1));
    assertThat(w.count("SELECT count(*) FROM entry")).isEqualTo(1);
    assertThat(names(folder.resolve("processed"))).containsExactly("20261120T070000.000Z-monday.csv",
        "20261120T070000.000Z-monday.csv.report.json", "20261120T070001.000Z-monday.csv",
        "20261120T070001.000Z-monday.csv.report.json");
  }

  @Test
  void aFileRefusedWholeGoesToFailedWithTheSentenceAndChangesNothing() throws Exception {
    drop("wrong.csv", "Id,Name\n1,Ann\n");

    List<Handled> handled = w.get(drops.scan());

    assertThat(handled).extracting(Handled::outcome).containsExactly("failed");
    JsonObject report = new JsonObject(Files.readString(
        folder.resolve("failed/20261120T070000.000Z-wrong.csv.report.json")));
    assertThat(report).isEqualTo(new JsonObject()
        .put("error", "The file has no column 'Appt' (columns.appointmentId); its header reads: Id, Name."));
    assertThat(Files.readString(folder.resolve("failed/20261120T070000.000Z-wrong.csv"))).isEqualTo("Id,Name\n1,Ann\n");
    assertThat(w.count("SELECT count(*) FROM entry")).isZero();
  }

  @Test
  void twoNodesScanningOneFolderApplyEachFileOnce() throws Exception {
    List<String> expected = new ArrayList<>();
    for (int f = 1; f <= 4; f++) {
      StringBuilder csv = new StringBuilder(HEADER);
      for (int r = 1; r <= 5; r++) csv.append(row("F" + f + "R" + r, "Patient " + f + "-" + r, "1980-01-01"));
      drop("part-" + f + ".csv", csv.toString());
      expected.add("part-" + f + ".csv");
    }
    try (SyncWorld other = w.secondNode()) {
      CsvDropFolders otherDrops = new CsvDropFolders(other.vertx, other.sync, root, w.clock);

      List<Handled> both = new ArrayList<>();
      for (List<Handled> round : w.get(Future.all(drops.scan(), otherDrops.scan()))
          .<List<Handled>>list()) {
        both.addAll(round);
      }

      assertThat(both).extracting(Handled::file).containsExactlyInAnyOrderElementsOf(expected);
      int applied = both.stream().mapToInt(h -> h.report().getJsonObject("outcomes").getInteger("applied")).sum();
      assertThat(applied).isEqualTo(20);
      assertThat(w.count("SELECT count(*) FROM entry")).isEqualTo(20);
      assertThat(names(folder.resolve("processed"))).hasSize(8);
    }
  }

  @Test
  void aClaimLeftByANodeThatStoppedIsTakenOverOnceStale() throws Exception {
    Path processing = Files.createDirectory(folder.resolve("processing"));
    // claimed by a node at 08:00 that stopped before applying it
    Files.writeString(processing.resolve(w.clock.instant().toEpochMilli() + "~left.csv"),
        HEADER + row("L1", "Lou Left", "1970-07-07"));

    assertThat(w.get(drops.scan())).as("a fresh claim is its node's").isEmpty();
    w.clock.advance(CsvDropFolders.STALE_CLAIM);
    assertThat(w.get(drops.scan())).as("not yet stale").isEmpty();
    w.clock.advance(Duration.ofSeconds(1));

    assertThat(w.get(drops.scan())).extracting(Handled::file).containsExactly("left.csv");
    assertThat(w.entryFor(source, "L1").patient().name()).isEqualTo("Lou Left");
    assertThat(names(processing)).isEmpty();
    assertThat(names(folder.resolve("processed"))).containsExactly("20261120T071501.000Z-left.csv",
        "20261120T071501.000Z-left.csv.report.json");
  }

  @Test
  void onlyTheFoldersOfEnabledCsvSourcesAreWatched() throws Exception {
    Source other = w.create(SyncWorld.definition("webhook", "PMS", new JsonObject().put("defaultQueue", "general")
        .put("fields", new JsonObject().put("eventId", "/id").put("appointmentId", "/a").put("status", "/s")
            .put("start", "/t").put("patientName", "/n")))
        .put("subscription", new JsonObject().put("secret", "a-secret-of-16-chars")));
    Path webhookFolder = Files.createDirectory(CsvDropFolders.folderOf(root, other.id()));
    Files.writeString(webhookFolder.resolve("x.csv"), HEADER + row("W1", "Not Read", "1980-01-01"));
    w.get(w.sync.update(source.id(), new JsonObject().put("enabled", false)));
    drop("off.csv", HEADER + row("O1", "Off Line", "1980-01-01"));

    assertThat(w.get(drops.scan())).isEmpty();
    assertThat(names(webhookFolder)).containsExactly("x.csv");
    assertThat(names(folder)).containsExactly("off.csv");

    // enabled again, its file is taken: the marker that the round above did look
    w.get(w.sync.update(source.id(), new JsonObject().put("enabled", true)));
    assertThat(w.get(drops.scan())).extracting(Handled::file).containsExactly("off.csv");
    assertThat(w.get(drops.scan())).isEmpty();
  }
}

package io.waitline.sync;

import static java.nio.file.LinkOption.NOFOLLOW_LINKS;
import static java.nio.file.StandardCopyOption.ATOMIC_MOVE;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.waitline.queue.Refused;
import io.waitline.sync.csv.CsvKind;
import io.waitline.sync.source.Source;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watched drop folders of csv sources. Under the drop root the operator configured, each enabled csv source's folder
 * is {@code <root>/<source id>}, watched once it exists. The API never names a path: the folder follows from the
 * source's id, so no request can make the server read or move files anywhere else.
 *
 * <p>A complete file there is one named {@code *.csv} (exporters write under another name, e.g. {@code .part}, and
 * rename, which is atomic). It is claimed by renaming it into {@code processing/}, so exactly one node gets it, applied
 * through the same entry point as an upload ({@link SyncService#csvFile}), then moved to {@code processed/} (applied;
 * bad rows are dead letters) or {@code failed/} (refused whole), with its report beside it. A claim older than
 * {@link #STALE_CLAIM} is a node that stopped mid-file: another takes it over (applying a file again is all
 * duplicates). File work runs on worker threads, never on an event loop.
 */
public final class CsvDropFolders {
  private static final Logger LOG = LoggerFactory.getLogger(CsvDropFolders.class);
  static final String PROCESSING = "processing";
  static final String PROCESSED = "processed";
  static final String FAILED = "failed";
  /** The most files one round takes from one folder, so a round's work stays bounded. */
  static final int FILES_PER_ROUND = 5;
  /** Far longer than the largest file takes to apply. */
  static final Duration STALE_CLAIM = Duration.ofMinutes(15);
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss.SSS'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

  /** A file taken from a folder: {@code outcome} is processed or failed, {@code report} what was written beside it. */
  public record Handled(UUID sourceId, String file, String outcome, Path movedTo, JsonObject report) {}

  private final Vertx vertx;
  private final SyncService sync;
  private final Path root;
  private final Clock clock;
  private final AtomicBoolean scanning = new AtomicBoolean();
  private long timer = -1;

  public CsvDropFolders(Vertx vertx, SyncService sync, Path root, Clock clock) {
    this.vertx = vertx;
    this.sync = sync;
    this.root = root.toAbsolutePath().normalize();
    this.clock = clock;
  }

  /** The folder a csv source's files are dropped into. */
  public static Path folderOf(Path root, UUID sourceId) {
    return root.toAbsolutePath().normalize().resolve(sourceId.toString());
  }

  /** Scans every {@code every}; a round still running when the next is due is not overlapped. */
  public void start(Duration every) {
    timer = vertx.setPeriodic(every.toMillis(), id -> {
      if (scanning.compareAndSet(false, true)) scan().onComplete(r -> scanning.set(false));
    });
  }

  public void stop() {
    if (timer >= 0) vertx.cancelTimer(timer);
  }

  /** One round over the folders of every enabled csv source; answers the files handled, in order. */
  public Future<List<Handled>> scan() {
    return sync.enabledSources(CsvKind.KIND).compose(sources -> {
      List<Handled> handled = new ArrayList<>();
      Future<Void> all = Future.succeededFuture();
      for (Source s : sources) {
        Path folder = folderOf(root, s.id());
        all = all.compose(v -> vertx.executeBlocking(() -> claim(folder), false)
            .compose(claimed -> applyAll(s, claimed, handled))
            .recover(e -> { // a folder that cannot be read is logged; the others carry on
              LOG.warn("Drop folder {} of {}: {}", folder, s, e.toString());
              return Future.succeededFuture();
            }));
      }
      return all.map(handled);
    });
  }

  /** Claims what this round takes: stale claims first, then complete new files; a file another node took is skipped. */
  private List<Path> claim(Path folder) throws IOException {
    if (!Files.isDirectory(folder, NOFOLLOW_LINKS)) return List.of();
    Path processing = Files.createDirectories(folder.resolve(PROCESSING));
    Instant now = clock.instant();
    List<Path> claimed = new ArrayList<>();
    try (Stream<Path> files = Files.list(processing)) {
      for (Path p : files.sorted().toList()) {
        Instant at = claimedAt(p);
        if (claimed.size() < FILES_PER_ROUND && at != null && now.isAfter(at.plus(STALE_CLAIM))) {
          take(p, processing, originalName(p), now).ifPresent(claimed::add);
        }
      }
    }
    try (Stream<Path> files = Files.list(folder)) {
      for (Path p : files.filter(CsvDropFolders::complete).sorted().toList()) {
        if (claimed.size() < FILES_PER_ROUND) take(p, processing, p.getFileName().toString(), now).ifPresent(claimed::add);
      }
    }
    return claimed;
  }

  /** A finished export: {@code *.csv}, not hidden, a regular file (a link is never followed). */
  private static boolean complete(Path p) {
    String name = p.getFileName().toString();
    return !name.startsWith(".") && name.toLowerCase(Locale.ROOT).endsWith(".csv")
        && Files.isRegularFile(p, NOFOLLOW_LINKS);
  }

  /** The rename that decides which node has the file: {@code processing/<claim millis>~<name>}. */
  private static Optional<Path> take(Path file, Path processing, String name, Instant now) throws IOException {
    try {
      return Optional.of(Files.move(file, processing.resolve(now.toEpochMilli() + "~" + name), ATOMIC_MOVE));
    } catch (NoSuchFileException | FileAlreadyExistsException e) {
      return Optional.empty(); // another node took it first
    }
  }

  private static Instant claimedAt(Path claimed) {
    String name = claimed.getFileName().toString();
    int tilde = name.indexOf('~');
    try {
      return tilde < 0 ? null : Instant.ofEpochMilli(Long.parseLong(name.substring(0, tilde)));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static String originalName(Path claimed) {
    String name = claimed.getFileName().toString();
    return name.substring(name.indexOf('~') + 1);
  }

  /** One file after the other; a file that could not be settled is logged (and was put back), the next goes on. */
  private Future<Void> applyAll(Source s, List<Path> claimed, List<Handled> handled) {
    Future<Void> f = Future.succeededFuture();
    for (Path file : claimed) {
      f = f.compose(v -> apply(s, file).<Void>map(h -> {
        handled.add(h);
        return null;
      }).recover(e -> {
        LOG.warn("Drop folder of {}: {} not applied, left for a later round: {}", s, originalName(file), e.toString());
        return Future.succeededFuture();
      }));
    }
    return f;
  }

  /**
   * Applies a claimed file like an upload. Refused whole (not CSV as mapped, too large, the source gone): failed/,
   * with the sentence. Anything else (the database away) puts the file back for a later round.
   */
  private Future<Handled> apply(Source s, Path file) {
    String name = originalName(file);
    return vertx.executeBlocking(() -> read(file), false)
        .compose(bytes -> sync.csvFile(s.id(), bytes, false))
        .map(report -> new Settled(PROCESSED, report))
        .recover(e -> e instanceof Refused refused
            ? Future.succeededFuture(new Settled(FAILED, new JsonObject().put("error", refused.getMessage())))
            : Future.failedFuture(e))
        .compose(settled -> vertx.executeBlocking(() -> settle(s, file, name, settled), false))
        .recover(e -> vertx.executeBlocking(() -> putBack(file, name), false)
            .transform(v -> Future.failedFuture(e)));
  }

  private record Settled(String outcome, JsonObject report) {}

  private static byte[] read(Path file) throws IOException {
    if (Files.size(file) > CsvKind.MAX_BYTES) {
      throw new SyncException(Refused.Kind.INVALID, "A file may hold at most " + CsvKind.MAX_BYTES / (1024 * 1024)
          + " MiB; split it.");
    }
    return Files.readAllBytes(file);
  }

  /** The report is written first, so a file in processed/ or failed/ always has its report beside it. */
  private Handled settle(Source s, Path file, String name, Settled settled) throws IOException {
    Path dir = Files.createDirectories(file.getParent().getParent().resolve(settled.outcome()));
    String stamped = STAMP.format(clock.instant()) + "-" + name;
    Files.writeString(dir.resolve(stamped + ".report.json"), settled.report().encodePrettily());
    Path moved = Files.move(file, dir.resolve(stamped), ATOMIC_MOVE);
    LOG.info("Drop folder of {}: {} moved to {}", s, name, moved);
    return new Handled(s.id(), name, settled.outcome(), moved, settled.report());
  }

  private static Void putBack(Path file, String name) throws IOException {
    try {
      Files.move(file, file.getParent().getParent().resolve(name), ATOMIC_MOVE);
    } catch (FileAlreadyExistsException e) {
      // a newer file of that name arrived: this one stays claimed and is taken over once its claim is stale
    }
    return null;
  }
}

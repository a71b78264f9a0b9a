package io.waitline.server;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded default: a real PostgreSQL whose data directory persists under the data dir. Blocking calls.
 *
 * <p>A node holds a lock on {@code <data dir>/waitline.lock} while it runs, so a second node on the same directory is
 * refused. A node killed outright ({@code kill -9}) leaves its PostgreSQL running and holding the data directory; the
 * next start, holding the lock and so knowing no live node owns that PostgreSQL, stops it (a smart shutdown: its
 * clients died with the old node) and starts afresh, so a crashed node comes back on the first start.
 */
final class EmbeddedDatabase implements AutoCloseable {
  static final String DATABASE = "waitline";
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedDatabase.class);
  private static final Duration ORPHAN_STOP_TIMEOUT = Duration.ofSeconds(30);
  /** Below this much free space, a failed start is put down to a full disk: a new cluster alone takes about 40 MiB. */
  private static final long MIN_FREE_SPACE = 64L * 1024 * 1024;

  private final EmbeddedPostgres postgres;
  private final FileChannel lockChannel;

  private EmbeddedDatabase(EmbeddedPostgres postgres, FileChannel lockChannel) {
    this.postgres = postgres;
    this.lockChannel = lockChannel;
  }

  /** Starts PostgreSQL on {@code dataDir/pg}; a failure is a {@link StartFailure} saying what is wrong and what to do. */
  static EmbeddedDatabase start(Path dataDir) {
    Path pgData = dataDir.resolve("pg");
    FileChannel lock = lock(dataDir, pgData);
    try {
      stopOrphan(pgData);
      EmbeddedPostgres pg = EmbeddedPostgres.builder()
          .setDataDirectory(pgData)
          .setCleanDataDirectory(false)
          // the library tunes PostgreSQL for throwaway test data (fsync off); a committed check-in must survive a crash
          .setServerConfig("fsync", "on")
          .setServerConfig("synchronous_commit", "on")
          .setServerConfig("full_page_writes", "on")
          .setServerConfig("listen_addresses", "localhost")
          // stopped by WaitlineServer.stop after the node has closed its connections, not by the library's own
          // shutdown hook racing it (which printed 57P01 stack traces on every Ctrl-C); a node killed outright
          // leaves an orphan that the next start stops (stopOrphan)
          .setRegisterShutdownHook(false)
          .start();
      EmbeddedDatabase db = new EmbeddedDatabase(pg, lock);
      db.createDatabaseIfMissing();
      return db;
    } catch (StartFailure e) {
      closeQuietly(lock);
      throw e;
    } catch (IOException | RuntimeException e) {
      closeQuietly(lock);
      OptionalLong free = usableSpace(pgData).stream().filter(bytes -> bytes < MIN_FREE_SPACE).findFirst();
      if (free.isPresent()) {
        throw new StartFailure("The embedded PostgreSQL in " + pgData + " did not start: its disk has only "
            + free.getAsLong() / 1024 / 1024 + " MiB free; free at least " + MIN_FREE_SPACE / 1024 / 1024
            + " MiB there, or choose another data directory with WAITLINE_DATA_DIR.", e);
      }
      throw new StartFailure("The embedded PostgreSQL in " + pgData + " did not start (" + e.getMessage()
          + "); check that this directory is writable and its disk has space, or set DATABASE_URL to use another"
          + " PostgreSQL.", e);
    }
  }

  /** Free bytes on the filesystem holding {@code dir}, if it can be read. */
  private static OptionalLong usableSpace(Path dir) {
    try {
      return OptionalLong.of(Files.getFileStore(dir).getUsableSpace());
    } catch (IOException e) {
      return OptionalLong.empty();
    }
  }

  /** Takes this node's lock on the data directory, or says which directory is in use by another node. */
  private static FileChannel lock(Path dataDir, Path pgData) {
    FileChannel channel = null;
    try {
      Files.createDirectories(pgData);
      channel = FileChannel.open(dataDir.resolve("waitline.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock held;
      try {
        held = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        held = null; // held by this very process
      }
      if (held == null) {
        closeQuietly(channel);
        throw new StartFailure("Another Waitline node is already running with the data directory " + dataDir
            + "; stop it first, or give this node its own directory with WAITLINE_DATA_DIR.", null);
      }
      return channel;
    } catch (IOException e) {
      closeQuietly(channel);
      throw new StartFailure("Waitline cannot write its data directory " + dataDir + " (" + e.getMessage()
          + "); make it writable for this user, or choose another with WAITLINE_DATA_DIR.", e);
    }
  }

  /** Stops a PostgreSQL that an earlier, crashed node left running on {@code pgData}; the caller holds the lock. */
  private static void stopOrphan(Path pgData) {
    Optional<ProcessHandle> orphan = postmaster(pgData).filter(ProcessHandle::isAlive)
        .filter(p -> p.info().command().map(c -> c.endsWith("postgres")).orElse(false));
    if (orphan.isEmpty()) return;
    ProcessHandle postgres = orphan.get();
    LOG.warn("PostgreSQL (process {}) left running by a node that stopped without shutting down holds {};"
        + " stopping it before starting again", postgres.pid(), pgData);
    postgres.destroy(); // SIGTERM: PostgreSQL's smart shutdown, which checkpoints and keeps every committed change
    try {
      postgres.onExit().get(ORPHAN_STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (TimeoutException | ExecutionException e) {
      throw new StartFailure("A PostgreSQL left behind by an earlier Waitline (process " + postgres.pid()
          + ") still holds " + pgData + " and did not stop within " + ORPHAN_STOP_TIMEOUT.toSeconds()
          + " s; stop it (kill " + postgres.pid() + ") and start Waitline again.", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StartFailure("Waitline was interrupted while stopping the PostgreSQL left running in " + pgData
          + "; start it again.", e);
    }
  }

  /** The process named in PostgreSQL's {@code postmaster.pid}, if the file is there and names one. */
  static Optional<ProcessHandle> postmaster(Path pgData) {
    try {
      List<String> lines = Files.readAllLines(pgData.resolve("postmaster.pid"));
      return lines.isEmpty() ? Optional.empty() : ProcessHandle.of(Long.parseLong(lines.get(0).trim()));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException | NumberFormatException e) {
      return Optional.empty(); // unreadable or half-written: PostgreSQL itself decides whether it is stale
    }
  }

  private void createDatabaseIfMissing() throws IOException {
    try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
      try (ResultSet rs = st.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'")) {
        if (!rs.next()) st.execute("CREATE DATABASE " + DATABASE);
      }
    } catch (SQLException e) {
      throw new IOException("could not prepare the embedded database: " + e.getMessage(), e);
    }
  }

  /** A setting as the running server reports it, e.g. {@code fsync}. */
  String setting(String name) throws SQLException {
    try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT current_setting('" + name.replace("'", "") + "')")) {
      rs.next();
      return rs.getString(1);
    }
  }

  int port() {
    return postgres.getPort();
  }

  @Override
  public void close() throws IOException {
    try {
      postgres.close();
    } finally {
      lockChannel.close(); // closing the channel releases the lock
    }
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel == null) return;
    try {
      channel.close();
    } catch (IOException e) {
      LOG.debug("closing the data directory lock", e);
    }
  }

  /** Start-up failed for a reason an operator can act on; the message says what is wrong and what to do. */
  static final class StartFailure extends RuntimeException {
    StartFailure(String sentence, Throwable cause) {
      super(sentence, cause);
    }
  }
}

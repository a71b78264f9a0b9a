package io.waitline.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node whose data directory is on a read-only or a full filesystem stops at start with one sentence saying what is
 * wrong and what to do, and exit status 1, rather than running half-started; what it left behind does not stop the
 * next start once the disk has room. The filesystems are real: small tmpfs
 * mounts, which need root (as on the project's machines); elsewhere these tests are skipped. (Permissions alone
 * cannot make a directory unwritable for root.)
 */
@Timeout(180)
class DataDirectoryFaultTest {
  @TempDir Path dir;
  private Path mount;

  @AfterEach
  void unmount() throws Exception {
    if (mount != null) run("umount", mount.toString());
  }

  @Test
  void aDataDirectoryOnAReadOnlyFilesystemStopsTheStartWithASentenceAndStatus1() throws Exception {
    mount = mountTmpfs("ro,size=1m");
    Started node = startNode(mount.resolve("data"));
    assertThat(node.exitStatus).as("exit status; log:\n%s", node.log).isEqualTo(1);
    assertThat(errors(node.log)).containsExactly("Waitline cannot write its data directory " + mount.resolve("data")
        + " (" + mount.resolve("data") + ": Read-only file system); make it writable for this user, or choose another"
        + " with WAITLINE_DATA_DIR.");
  }

  @Test
  void aFullDiskStopsTheStartWithASentenceAndOnceSpaceIsFreedTheNextStartSucceeds() throws Exception {
    mount = mountTmpfs("size=1m"); // far less than a new PostgreSQL data directory needs (about 40 MiB)
    Path dataDir = mount.resolve("data");
    Started node = startNode(dataDir);
    assertThat(node.exitStatus).as("exit status; log:\n%s", node.log).isEqualTo(1);
    assertThat(errors(node.log)).singleElement().asString().matches(Pattern.quote("The embedded PostgreSQL in "
        + dataDir.resolve("pg") + " did not start: its disk has only ") + "[01] MiB free; free at least 64 MiB there,"
        + " or choose another data directory with WAITLINE_DATA_DIR\\.");

    assertThat(run("mount", "-o", "remount,size=256m", mount.toString())).as("growing the tmpfs").isZero();
    try (EmbeddedDatabase db = EmbeddedDatabase.start(dataDir)) {
      assertThat(db.setting("fsync")).as("a working database after the failed start").isEqualTo("on");
    }
  }

  /** A fresh tmpfs with these options, or the test is skipped where mounting is not allowed. */
  private Path mountTmpfs(String options) throws Exception {
    Path target = Files.createDirectories(dir.resolve("mnt"));
    assumeTrue(run("mount", "-t", "tmpfs", "-o", options, "tmpfs", target.toString()) == 0,
        "mounting a tmpfs needs root");
    return target;
  }

  private record Started(int exitStatus, String log) {}

  /** {@link Main} in a child JVM on this data directory; it must end by itself. */
  private Started startNode(Path dataDir) throws Exception {
    Path log = dir.resolve("node.log");
    String java = ProcessHandle.current().info().command().orElse("java");
    Process p = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
        "-DWAITLINE_DATA_DIR=" + dataDir, "-DWAITLINE_HTTP_HOST=127.0.0.1", "-DWAITLINE_HTTP_PORT=0",
        Main.class.getName()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      throw new AssertionError("the node kept running on a data directory it cannot use:\n" + Files.readString(log));
    }
    return new Started(p.exitValue(), Files.readString(log));
  }

  /** The messages of the log's ERROR lines. */
  private static List<String> errors(String log) {
    return log.lines().filter(l -> l.contains(" ERROR "))
        .map(l -> l.substring(l.indexOf(" - ") + 3)).toList();
  }

  private static int run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    return p.waitFor();
  }
}

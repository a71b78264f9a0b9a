package io.waitline.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The CPU time a process has used (user + system, all its threads), from {@code /proc/<pid>/stat}: read before and
 * after a stretch of work, it tells which process (the benchmark client or a server) the cores went to.
 */
final class ProcessCpu {
  /** Linux's clock ticks per second for {@code /proc} times (USER_HZ), 100 on every x86_64 kernel. */
  private static final long TICKS_PER_SECOND = 100;

  private ProcessCpu() {
  }

  /**
   * CPU time in milliseconds: all of it, and the part spent in the kernel (system calls; on loopback a socket write
   * also runs the receiving side's TCP work).
   */
  record Times(long totalMs, long systemMs) {
    static final Times UNKNOWN = new Times(-1, -1);

    Times since(Times earlier) {
      return new Times(totalMs - earlier.totalMs, systemMs - earlier.systemMs);
    }

    Times plus(Times other) {
      return new Times(totalMs + other.totalMs, systemMs + other.systemMs);
    }
  }

  /** This JVM's CPU time; {@link Times#UNKNOWN} where {@code /proc} cannot be read. */
  static Times self() {
    return times(Path.of("/proc/self/stat"));
  }

  /** Process {@code pid}'s CPU time; {@link Times#UNKNOWN} where it cannot be read (gone, or no {@code /proc}). */
  static Times of(long pid) {
    return times(Path.of("/proc", Long.toString(pid), "stat"));
  }

  private static Times times(Path stat) {
    try {
      return fromStat(Files.readString(stat));
    } catch (IOException | RuntimeException e) {
      return Times.UNKNOWN;
    }
  }

  /** utime + stime, and stime, of a {@code stat} line (fields 14 and 15, counted after the command's ')'). */
  static Times fromStat(String stat) {
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    // fields[0] is field 3 (state): utime is field 14, stime field 15
    long user = Long.parseLong(fields[11]);
    long system = Long.parseLong(fields[12]);
    return new Times((user + system) * 1000 / TICKS_PER_SECOND, system * 1000 / TICKS_PER_SECOND);
  }
}

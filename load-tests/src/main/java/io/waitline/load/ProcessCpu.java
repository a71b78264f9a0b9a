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

  /** This JVM's CPU time in milliseconds; -1 where {@code /proc} cannot be read. */
  static long selfMillis() {
    return millis(Path.of("/proc/self/stat"));
  }

  /** Process {@code pid}'s CPU time in milliseconds; -1 where it cannot be read (gone, or no {@code /proc}). */
  static long millis(long pid) {
    return millis(Path.of("/proc", Long.toString(pid), "stat"));
  }

  private static long millis(Path stat) {
    try {
      return fromStat(Files.readString(stat));
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** utime + stime of a {@code stat} line, in milliseconds (fields 14 and 15, counted after the command's ')'). */
  static long fromStat(String stat) {
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    // fields[0] is field 3 (state): utime is field 14, stime field 15
    long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    return ticks * 1000 / TICKS_PER_SECOND;
  }
}

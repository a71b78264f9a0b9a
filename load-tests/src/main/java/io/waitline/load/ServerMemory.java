package io.waitline.load;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The server's memory as an operator sees it: resident set size from {@code /proc/<pid>/status} (the JVM process
 * only; the embedded PostgreSQL runs in processes of its own), the live objects on its heap (jcmd) and, when
 * {@code /metrics} exposes it, the JVM heap in use ({@code jvm_memory_used_bytes{area="heap"}}, summed over pools).
 */
final class ServerMemory {
  private ServerMemory() {
  }

  /** VmRSS in KiB, or null without a pid or when the process is gone. */
  static Long rssKib(Long pid) {
    if (pid == null) return null;
    try {
      for (String line : Files.readAllLines(Path.of("/proc", pid.toString(), "status"))) {
        if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
      return null;
    } catch (IOException | NumberFormatException e) {
      return null;
    }
  }

  /**
   * The bytes of live objects on the JVM's heap, from {@code jcmd <pid> GC.class_histogram} (which collects garbage
   * first); null without a pid or when jcmd cannot attach.
   */
  static Long liveHeapBytes(Long pid) throws InterruptedException {
    return liveHeapBytes(pid, null);
  }

  /** {@link #liveHeapBytes(Long)}, also writing the whole histogram to {@code histogram} unless it is null. */
  static Long liveHeapBytes(Long pid, Path histogram) throws InterruptedException {
    if (pid == null) return null;
    try {
      Process jcmd = new ProcessBuilder("jcmd", pid.toString(), "GC.class_histogram").redirectErrorStream(true).start();
      String out = new String(jcmd.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      if (jcmd.waitFor() != 0) return null;
      if (histogram != null) Files.writeString(histogram, out);
      for (String line : out.split("\n")) {
        if (line.startsWith("Total")) return Long.parseLong(line.trim().split("\\s+")[2]);
      }
      return null;
    } catch (IOException | NumberFormatException | ArrayIndexOutOfBoundsException e) {
      return null;
    }
  }

  /** The heap in use from Prometheus text, or null when the server does not expose JVM memory metrics. */
  static Long heapBytes(String prometheusText) {
    double sum = 0;
    boolean found = false;
    for (String line : prometheusText.split("\n")) {
      if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        found = true;
      }
    }
    return found ? (long) sum : null;
  }

  static JsonObject sample(Long pid, String prometheusText) {
    return new JsonObject().put("rssKib", rssKib(pid))
        .put("heapBytes", prometheusText == null ? null : heapBytes(prometheusText));
  }
}

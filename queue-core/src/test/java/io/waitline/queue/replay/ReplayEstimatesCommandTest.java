package io.waitline.queue.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.waitline.queue.SimulatedWaitEstimator;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplayEstimatesCommandTest {
  /** One desk on from 08:00, 10-minute services yesterday; two walk-ins, the first called and served. */
  private static final List<String> DAY = List.of(
      "{\"type\":\"day\",\"format\":\"waitline-wait-trace/1\",\"day_id\":\"d\",\"profile\":\"gp\",\"seed\":1,"
          + "\"date\":\"2026-11-16\",\"tz\":\"UTC\",\"open_t\":28800,\"close_t\":43200,\"queues\":[\"gp\"]}",
      "{\"type\":\"queue\",\"queue\":\"gp\",\"name\":\"GP\",\"ticket_prefix\":\"G\",\"default_service_seconds\":600,"
          + "\"appointment_grace_minutes\":10,\"max_wait_minutes\":90,\"transfer_policy\":\"keep_place\","
          + "\"staff_on_duty\":1,\"roster_plan\":[{\"desk\":\"Room 1\",\"on_t\":28800,\"off_t\":43200}],"
          + "\"history\":{\"service_seconds\":[600,600,600,600,600,600],"
          + "\"completed_t\":[-50000,-50600,-51200,-51800,-52400,-53000]}}",
      "{\"t\":29000,\"seq\":1,\"type\":\"checked_in\",\"queue\":\"gp\",\"entry\":\"a\",\"ticket\":\"G-001\","
          + "\"priority\":\"normal\",\"appointment_t\":null,\"place_t\":29000,\"kind\":\"walkin\"}",
      "{\"t\":29000,\"seq\":2,\"type\":\"roster\",\"queue\":\"gp\",\"desk\":\"Room 1\",\"state\":\"off\",\"active\":0}",
      "{\"t\":29010,\"seq\":3,\"type\":\"checked_in\",\"queue\":\"gp\",\"entry\":\"b\",\"ticket\":\"G-002\","
          + "\"priority\":\"normal\",\"appointment_t\":null,\"place_t\":29010,\"kind\":\"walkin\"}",
      "{\"t\":29020,\"seq\":4,\"type\":\"called\",\"queue\":\"gp\",\"entry\":\"a\",\"desk\":\"Room 1\"}",
      "{\"type\":\"truth\",\"entry\":\"a\",\"queue\":\"gp\",\"kind\":\"walkin\",\"priority\":\"normal\","
          + "\"outcome\":\"completed\",\"calls\":[29020],\"checkin_t\":29000,\"start_t\":null,\"end_t\":null}");

  @Test
  void aDayBecomesOneRowPerEventAndWaitingEntryWithWhatTheServerWouldHaveShown(@TempDir Path dir) throws IOException {
    Path trace = dir.resolve("day.jsonl");
    Path out = dir.resolve("day.csv");
    Files.write(trace, DAY);
    StringWriter err = new StringWriter();

    int code = ReplayEstimatesCommand.run(new String[] {"replay-estimates", "--trace", trace.toString(), "--out",
        out.toString()}, new SimulatedWaitEstimator(), new PrintWriter(err, true));

    assertThat(code).isZero();
    List<String> rows = Files.readAllLines(out);
    assertThat(rows.get(0)).isEqualTo("seq,t,queue,entry,p50_seconds,p90_seconds");
    // after seq 1: a alone (desk free: called now); after 3: a and b; after 4: b alone, behind a 10-minute patient.
    // The roster line (seq 2, ground truth) gives no row.
    assertThat(rows).hasSize(5);
    assertThat(rows.get(1)).isEqualTo("1,29000,gp,a,0,0");
    assertThat(rows.get(2)).startsWith("3,29010,gp,a,");
    assertThat(rows.get(3)).startsWith("3,29010,gp,b,");
    String[] last = rows.get(4).split(",");
    assertThat(last[0] + "," + last[3]).isEqualTo("4,b");
    assertThat(Integer.parseInt(last[4])).isBetween(8 * 60, 12 * 60);
    assertThat(Integer.parseInt(last[5])).isGreaterThanOrEqualTo(Integer.parseInt(last[4]));
    assertThat(err.toString()).contains("Wrote 4 estimates");
  }

  @Test
  void aMissingTraceOrOptionIsRefusedWithAUsageLine(@TempDir Path dir) {
    StringWriter err = new StringWriter();

    int missingOut = ReplayEstimatesCommand.run(new String[] {"replay-estimates", "--trace", "x.jsonl"},
        new SimulatedWaitEstimator(), new PrintWriter(err, true));
    int unreadable = ReplayEstimatesCommand.run(new String[] {"replay-estimates", "--trace",
        dir.resolve("none.jsonl").toString(), "--out", dir.resolve("o.csv").toString()},
        new SimulatedWaitEstimator(), new PrintWriter(err, true));

    assertThat(missingOut).isEqualTo(2);
    assertThat(unreadable).isEqualTo(2);
    assertThat(err.toString()).contains("Usage: replay-estimates --trace day.jsonl --out day.csv")
        .contains("Cannot read the trace file");
  }

  @Test
  void aFileThatIsNotATraceIsRefusedNamingTheLine(@TempDir Path dir) throws IOException {
    Path trace = dir.resolve("bad.jsonl");
    Files.write(trace, List.of(DAY.get(0), "{\"t\":1,\"seq\":1,\"type\":\"called\",\"queue\":\"nope\",\"entry\":\"a\"}"));
    StringWriter err = new StringWriter();

    int code = ReplayEstimatesCommand.run(new String[] {"replay-estimates", "--trace", trace.toString(), "--out",
        dir.resolve("o.csv").toString()}, new SimulatedWaitEstimator(), new PrintWriter(err, true));

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("not a valid waitline-wait-trace/1 file").contains("line 2");
  }
}

package io.waitline.sync.csv;

import static io.waitline.queue.Refused.Kind.INVALID;

import io.vertx.core.json.JsonObject;
import io.waitline.sync.SyncException;
import io.waitline.sync.pipeline.ReceivedRecord;
import io.waitline.sync.source.Mapping;
import io.waitline.sync.source.PushedKind;
import io.waitline.sync.source.Source;
import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * A practice-management system's CSV export, uploaded to {@code POST /api/v1/sources/{sourceId}/files}: one row per
 * appointment, its columns named by the source's {@link Mapping#columns()}, read with Apache Commons CSV. A row's
 * version is a hash of its values, so the same file applied twice is all duplicates, and a changed row is a new
 * version (ordered by upload time). Nothing is polled.
 */
public final class CsvKind extends PushedKind {
  public static final String KIND = "csv";
  /** The most rows one file may hold (the upload is applied row by row while the caller waits). */
  public static final int MAX_ROWS = 20_000;
  /** The largest file (20,000 rows of a wide export), uploaded or dropped. */
  public static final int MAX_BYTES = 8 * 1024 * 1024;

  public CsvKind() {
    super(KIND, new CsvRowReader());
  }

  @Override
  public List<ReceivedRecord> split(String sample, Mapping mapping) {
    return rows(sample, mapping, Instant.EPOCH);
  }

  @Override
  public void validate(Source source) {
    Mapping m = source.mapping();
    for (String field : List.of("appointmentId", "patientName")) {
      if (!m.columns().containsKey(field)) {
        throw new SyncException(INVALID, "A CSV source's mapping needs columns." + field + " (the header of that"
            + " column).");
      }
    }
    boolean localTimes = m.columns().containsKey("date") || m.csv() != null && m.csv().dateTimeFormat() != null;
    if (!m.columns().containsKey("start") && !m.columns().containsKey("date")) {
      throw new SyncException(INVALID, "A CSV source's mapping needs columns.start, or columns.date (with"
          + " columns.time).");
    }
    if (localTimes && (m.csv() == null || m.csv().timeZone() == null)) {
      throw new SyncException(INVALID, "A CSV source with local dates and times needs mapping.csv.timeZone, e.g."
          + " Europe/Paris.");
    }
  }

  /** A row that cannot be applied: its number in the file (the header is row 1), the column, and why. */
  public record Problem(long row, String column, String problem) {
    private static final Pattern COLUMN = Pattern.compile("^Column '([^']*)': .*");

    /** The problem of row {@code row} as the reader put it (its sentences name the column first). */
    public static Problem of(long row, String sentence) {
      Matcher m = COLUMN.matcher(sentence);
      return new Problem(row, m.matches() ? m.group(1) : null, sentence);
    }

    public JsonObject toJson() {
      return new JsonObject().put("row", row).put("column", column).put("problem", problem);
    }
  }

  /** The file's text: UTF-8 (with or without a byte order mark), else Windows-1252 as spreadsheets write it. */
  public static String decode(byte[] file) {
    int bom = file.length >= 3 && (file[0] & 0xff) == 0xef && (file[1] & 0xff) == 0xbb && (file[2] & 0xff) == 0xbf
        ? 3 : 0;
    ByteBuffer bytes = ByteBuffer.wrap(file, bom, file.length - bom);
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(bytes).toString();
    } catch (CharacterCodingException notUtf8) {
      return new String(file, Charset.forName("windows-1252"));
    }
  }

  /**
   * Splits a file into one record per row; {@code uploadedAt} orders these versions after earlier files'. A row
   * without an appointment id becomes record {@code Row/<number>}, which the reader refuses (a dead letter).
   */
  public static List<ReceivedRecord> rows(String text, Mapping mapping, Instant uploadedAt) {
    char delimiter = mapping.csv() != null ? mapping.csv().delimiter() : ',';
    CSVFormat format = CSVFormat.RFC4180.builder().setDelimiter(delimiter).setHeader().setSkipHeaderRecord(true)
        .setIgnoreEmptyLines(true).setTrim(true).setAllowMissingColumnNames(true).get();
    List<ReceivedRecord> records = new ArrayList<>();
    String idColumn = mapping.columns().get("appointmentId");
    try (CSVParser parser = CSVParser.parse(new StringReader(text), format)) {
      if (idColumn != null && !parser.getHeaderMap().containsKey(idColumn)) {
        throw new SyncException(INVALID, "The file has no column '" + idColumn + "' (columns.appointmentId); its"
            + " header reads: " + String.join(", ", parser.getHeaderNames()) + ".");
      }
      for (CSVRecord row : parser) {
        if (records.size() >= MAX_ROWS) {
          throw new SyncException(INVALID, "A file may hold at most " + MAX_ROWS + " rows; split it.");
        }
        long line = row.getRecordNumber() + 1;
        Map<String, String> values = row.toMap();
        String id = idColumn == null ? null : values.get(idColumn);
        JsonObject cells = new JsonObject();
        values.forEach((k, v) -> {
          if (k != null && !k.isEmpty()) cells.put(k, v);
        });
        JsonObject payload = new JsonObject().put("row", line).put("values", cells);
        boolean noId = id == null || id.isBlank();
        if (noId) payload.put("problem", "Column '" + idColumn + "': the row has no appointment id.");
        records.add(new ReceivedRecord(noId ? "Row/" + line : "Appointment/" + id.trim(), version(cells),
            uploadedAt.toEpochMilli(), payload.encode()));
      }
    } catch (IOException | java.io.UncheckedIOException | IllegalArgumentException | IllegalStateException e) {
      throw new SyncException(INVALID, "The file is not CSV as the mapping describes it: " + sentence(e));
    }
    return records;
  }

  private static String version(JsonObject cells) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(cells.encode().getBytes(StandardCharsets.UTF_8));
      return "row-" + HexFormat.of().formatHex(d, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String sentence(Exception e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().replaceAll("\\s+", " ");
    return m.endsWith(".") ? m : m + ".";
  }
}

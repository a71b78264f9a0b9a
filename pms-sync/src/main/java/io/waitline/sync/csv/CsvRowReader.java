package io.waitline.sync.csv;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.waitline.sync.pipeline.ReceivedRecord;
import io.waitline.sync.pipeline.RecordReader;
import io.waitline.sync.pipeline.SourceAppointment;
import io.waitline.sync.pipeline.SourcePatient;
import io.waitline.sync.pipeline.Visit;
import io.waitline.sync.source.Mapping;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads one CSV row (as {@link CsvKind#rows} keeps it: its cells by header) with the source's column mapping. A row
 * without a status column is a booked appointment; times are ISO 8601 with an offset, or local in the mapping's
 * time zone. A problem names its column, so a dry run can point at the cell.
 */
public final class CsvRowReader implements RecordReader {
  private static final List<String> KEYS = List.of("location", "practitioner", "healthcareService", "serviceType");

  @Override
  public SourceAppointment read(ReceivedRecord record, Mapping mapping) {
    JsonObject row;
    try {
      row = new JsonObject(record.payload());
    } catch (DecodeException e) {
      throw new Unreadable("The record is not a CSV row Waitline stored.");
    }
    if (row.getString("problem") != null) throw new Unreadable(row.getString("problem"));
    JsonObject cells = row.getJsonObject("values", new JsonObject());
    String code = cell(cells, mapping, "status");
    Visit visit = code == null ? Visit.EXPECTED : mapping.visit(code);
    if (visit == null) {
      throw new Unreadable(column(mapping, "status") + ": status '" + code + "' is not in the mapping; add it under"
          + " mapping.statuses.");
    }
    List<Mapping.Key> keys = new ArrayList<>();
    for (String k : KEYS) {
      String v = cell(cells, mapping, k);
      if (v != null) keys.add(new Mapping.Key(k, v));
    }
    return new SourceAppointment(visit, start(cells, mapping), keys, patient(cells, mapping, record.externalId()),
        SourceAppointment.Copay.read(cell(cells, mapping, "copayAmount"), cell(cells, mapping, "copayCurrency"),
            column(mapping, "copayAmount")));
  }

  private static SourcePatient patient(JsonObject cells, Mapping mapping, String appointment) {
    String name = cell(cells, mapping, "patientName");
    if (name == null) return null;
    String born = cell(cells, mapping, "birthDate");
    LocalDate birth;
    try {
      birth = born == null ? null : LocalDate.parse(born, formatter(mapping, "date"));
    } catch (DateTimeParseException e) {
      throw new Unreadable(column(mapping, "birthDate") + ": '" + born + "' is not a date in the form "
          + pattern(mapping, "date") + ".");
    }
    String mrn = cell(cells, mapping, "mrn");
    String ref = cell(cells, mapping, "patientId");
    String own = ref != null ? "Patient/" + ref : mrn != null ? "Patient/mrn:" + mrn : "Patient/of:" + appointment;
    List<SourcePatient.Identifier> ids = mrn == null ? List.of()
        : List.of(new SourcePatient.Identifier(mapping.mrnSystem(), mrn));
    String language = cell(cells, mapping, "language");
    return new SourcePatient(own, name, birth, ids, cell(cells, mapping, "phone"), cell(cells, mapping, "email"),
        SourcePatient.twoLetterLanguage(language));
  }

  private static Instant start(JsonObject cells, Mapping mapping) {
    String start = cell(cells, mapping, "start");
    Mapping.CsvFormat csv = mapping.csv();
    if (start != null) {
      try {
        if (csv != null && csv.dateTimeFormat() != null) {
          return LocalDateTime.parse(start, strict(csv.dateTimeFormat()))
              .atZone(ZoneId.of(csv.timeZone())).toInstant();
        }
        return OffsetDateTime.parse(start).toInstant();
      } catch (DateTimeParseException e) {
        throw new Unreadable(column(mapping, "start") + ": '" + start + "' is not a time in the form "
            + (csv != null && csv.dateTimeFormat() != null ? csv.dateTimeFormat() : "2026-11-20T10:30:00+01:00")
            + ".");
      }
    }
    String date = cell(cells, mapping, "date");
    if (date == null) return null;
    String time = cell(cells, mapping, "time");
    try {
      LocalDate d = LocalDate.parse(date, formatter(mapping, "date"));
      LocalTime t;
      try {
        t = time == null ? null : LocalTime.parse(time, formatter(mapping, "time"));
      } catch (DateTimeParseException e) {
        throw new Unreadable(column(mapping, "time") + ": '" + time + "' is not a time in the form "
            + pattern(mapping, "time") + ".");
      }
      if (t == null) throw new Unreadable(column(mapping, "time") + ": the row has a date but no time.");
      return d.atTime(t).atZone(ZoneId.of(csv.timeZone())).toInstant();
    } catch (DateTimeParseException e) {
      throw new Unreadable(column(mapping, "date") + ": '" + date + "' is not a date in the form "
          + pattern(mapping, "date") + ".");
    }
  }

  private static DateTimeFormatter formatter(Mapping mapping, String what) {
    return strict(pattern(mapping, what));
  }

  /** A pattern read strictly (31/11 is not 30/11); yyyy as people write it is the proleptic year strictness needs. */
  private static DateTimeFormatter strict(String pattern) {
    return DateTimeFormatter.ofPattern(pattern.replace('y', 'u'), Locale.ROOT).withResolverStyle(ResolverStyle.STRICT);
  }

  private static String pattern(Mapping mapping, String what) {
    if (mapping.csv() == null) return what.equals("date") ? "yyyy-MM-dd" : "HH:mm";
    return what.equals("date") ? mapping.csv().dateFormat() : mapping.csv().timeFormat();
  }

  /** "Column 'Appt date'", the column a field is read from, for sentences. */
  private static String column(Mapping mapping, String field) {
    return "Column '" + mapping.columns().get(field) + "'";
  }

  private static String cell(JsonObject cells, Mapping mapping, String field) {
    String header = mapping.columns().get(field);
    if (header == null) return null;
    String v = cells.getString(header);
    return v == null || v.isBlank() ? null : v.trim();
  }
}

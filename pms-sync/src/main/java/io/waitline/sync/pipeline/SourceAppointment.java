package io.waitline.sync.pipeline;

import io.waitline.sync.source.Mapping;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * One appointment as every source kind hands it to the pipeline, after the source's own format is read.
 *
 * @param keys what routing rules can match (location, practitioner, service...)
 * @param patient null when the source record names no patient the pipeline could read
 * @param copay the appointment's own co-pay; null when the mapping reads none or the appointment carries none
 */
public record SourceAppointment(Visit visit, Instant start, List<Mapping.Key> keys, SourcePatient patient,
    Copay copay) {

  /** A co-pay as the source wrote it: an amount in the currency's major unit (FHIR Money) and an ISO 4217 code. */
  public record Copay(BigDecimal amount, String currency) {

    /**
     * The co-pay a record's text fields give, or null without an amount; {@code where} names the fields for the
     * sentence when they cannot be read (e.g. "Column 'Copay'").
     */
    public static Copay read(String amount, String currency, String where) {
      if (amount == null) return null;
      if (currency == null) throw new RecordReader.Unreadable(where + ": the co-pay " + amount + " has no currency.");
      try {
        return new Copay(new BigDecimal(amount), currency);
      } catch (NumberFormatException e) {
        throw new RecordReader.Unreadable(where + ": the co-pay '" + amount + "' is not an amount like 20.00.");
      }
    }
  }
}

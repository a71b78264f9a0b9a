package io.waitline.sync.source;

import io.vertx.core.Future;
import io.waitline.sync.pipeline.ReceivedRecord;
import io.waitline.sync.pipeline.RecordReader;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * One kind of source (FHIR R4; next HL7 v2, CSV, webhooks). It reads its own record format for the pipeline, and a
 * kind Waitline polls also fetches records page by page. Push kinds call the pipeline directly and poll nothing.
 */
public interface SourceKind {

  /** The {@code kind} of a source definition, e.g. {@code fhir-r4}. */
  String kind();

  RecordReader reader();

  /** Whether Waitline polls sources of this kind; push kinds (webhooks, CSV uploads) only receive records. */
  default boolean polls() {
    return true;
  }

  /**
   * Fetches the appointments of days [{@code from}, {@code until}) changed since {@code since} (all of them when
   * null). Each page goes to {@code sink}; the next page is fetched only once the sink's future has completed.
   *
   * @param since the watermark minus the skew margin, or null for a full read
   */
  Future<Void> poll(Source source, Instant since, LocalDate from, LocalDate until, PageSink sink);

  /**
   * Splits a sample in the kind's format (a FHIR Bundle, a batch of messages, JSON events) into records, for a dry
   * run; {@code mapping} says where a format without fixed fields keeps the record's id and version.
   */
  List<ReceivedRecord> split(String sample, Mapping mapping);

  /** Checks that a source definition can work (e.g. the base URL is a URL) before it is stored. */
  void validate(Source source);

  /** Receives one page of records. */
  interface PageSink {
    /**
     * @param reader reads these records; a kind may hand one that reads them from what it already parsed
     * @param watermark the latest last-updated time in the page (null when the source gives none); the poll
     *     watermark advances to it once the page's records are committed
     */
    Future<Void> page(List<ReceivedRecord> records, RecordReader reader, Instant watermark);
  }
}

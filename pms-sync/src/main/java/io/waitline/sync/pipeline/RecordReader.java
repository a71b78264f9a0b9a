package io.waitline.sync.pipeline;

import io.waitline.sync.source.Mapping;

/** Reads one source kind's records (a FHIR Bundle, an HL7 v2 message, a CSV row) into the pipeline's terms. */
public interface RecordReader {

  /**
   * @throws Unreadable when the record cannot be applied; its message is the reason as a sentence
   */
  SourceAppointment read(ReceivedRecord record, Mapping mapping);

  /** A record that cannot be applied (invalid resource, missing patient); it goes to dead letters. */
  final class Unreadable extends RuntimeException {
    public Unreadable(String sentence) {
      super(sentence, null, false, false);
    }
  }
}

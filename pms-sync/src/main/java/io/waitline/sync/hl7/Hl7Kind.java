package io.waitline.sync.hl7;

import static io.waitline.queue.Refused.Kind.INVALID;

import ca.uhn.hl7v2.model.Message;
import io.waitline.sync.SyncException;
import io.waitline.sync.pipeline.ReceivedRecord;
import io.waitline.sync.source.Mapping;
import io.waitline.sync.source.PushedKind;
import io.waitline.sync.source.Source;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/**
 * A practice-management system that sends HL7 v2 scheduling (SIU) and patient (ADT) messages over MLLP. All such
 * sources share the node's one MLLP listener ({@link MllpListener}); a message's MSH-4 sending facility names its
 * source ({@code mapping.hl7.sendingFacility}). Each message is one record: its control id (MSH-10) the version, so
 * a resent message is applied once. Nothing is polled.
 */
public final class Hl7Kind extends PushedKind {
  public static final String KIND = "hl7v2-mllp";

  private final Hl7Messages messages;

  public Hl7Kind(Hl7Messages messages) {
    super(KIND, new Hl7MessageReader(messages));
    this.messages = messages;
  }

  /** A sample of one or more messages, each starting at a line {@code MSH|}. */
  @Override
  public List<ReceivedRecord> split(String sample, Mapping mapping) {
    if (mapping.hl7() == null) throw missingSettings();
    String text = sample == null ? "" : sample.replace("\r\n", "\r").replace('\n', '\r');
    List<ReceivedRecord> out = new ArrayList<>();
    for (String one : text.split("\r(?=MSH\\|)")) {
      if (one.isBlank()) continue;
      Message m;
      try {
        m = messages.parse(one);
      } catch (Hl7Messages.Rejected e) {
        throw new SyncException(INVALID, "Sample message " + (out.size() + 1) + ": " + e.getMessage());
      }
      out.add(Hl7MessageReader.record(new Hl7Segments(m), one, ZoneId.of(mapping.hl7().timeZone())));
    }
    if (out.isEmpty()) throw new SyncException(INVALID, "The sample holds no HL7 v2 message (none starts with MSH|).");
    return out;
  }

  @Override
  public void validate(Source source) {
    if (source.mapping().hl7() == null) throw missingSettings();
  }

  private static SyncException missingSettings() {
    return new SyncException(INVALID, "An HL7 v2 source's mapping needs hl7.sendingFacility (the MSH-4 its messages"
        + " carry) and hl7.timeZone (of their local times, e.g. Europe/Paris).");
  }
}

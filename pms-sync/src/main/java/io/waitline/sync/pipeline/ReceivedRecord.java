package io.waitline.sync.pipeline;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One record version as received from a source, before it is read: what the inbox keeps and dead letters replay.
 *
 * @param externalId the source's id of the appointment (e.g. {@code Appointment/42})
 * @param version the source's version label (e.g. FHIR {@code meta.versionId})
 * @param versionOrder orders versions of one record; a lower one after a higher one is ignored
 * @param payload the record in the source's own format, as the source kind's reader reads it
 * @param parsed the payload as the source kind already parsed it on receipt (an HL7 v2 message's segments), so its
 *     reader need not parse it again; null when it was not (it is never stored: the inbox and dead letters keep the
 *     payload)
 */
public record ReceivedRecord(String externalId, String version, long versionOrder, String payload, Object parsed) {

  public ReceivedRecord(String externalId, String version, long versionOrder, String payload) {
    this(externalId, version, versionOrder, payload, null);
  }

  public String payloadHash() {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(payload.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

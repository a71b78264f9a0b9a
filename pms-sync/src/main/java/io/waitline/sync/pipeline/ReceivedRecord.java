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
 */
public record ReceivedRecord(String externalId, String version, long versionOrder, String payload) {

  public String payloadHash() {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(payload.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

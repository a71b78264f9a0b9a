package io.waitline.sync.pipeline;

import java.util.Locale;

/** What became of one received record version. */
public enum Outcome {
  /** The queue changed (or the record was recorded for an appointment with no entry to change). */
  APPLIED,
  /** A new version that changes nothing in the queue. */
  UNCHANGED,
  /** This exact version was received before; nothing was done again. */
  DUPLICATE,
  /** Older than a version already applied; ignored. */
  STALE,
  /** The source wanted to change a patient who has arrived; recorded and shown to staff, not applied. */
  CONFLICT,
  /** Could not be applied; in dead letters with the reason. */
  DEAD;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }
}

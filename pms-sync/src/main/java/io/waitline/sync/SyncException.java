package io.waitline.sync;

import io.waitline.queue.Refused;

/** A sync request refused (a source, dead letter or review that does not hold); see {@link Refused}. */
public final class SyncException extends Refused {
  public SyncException(Kind kind, String message) {
    super(kind, message);
  }
}

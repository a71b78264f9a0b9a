package io.waitline.sync.source;

/**
 * A source could not be read. The message is a sentence for the health page ("The source answered 503 Service
 * Unavailable."), never a secret. Transient failures (timeouts, 5xx, 429, refused connections) are retried.
 */
public final class SourceFailure extends RuntimeException {
  private final boolean transientFailure;

  public SourceFailure(String sentence, boolean transientFailure, Throwable cause) {
    super(sentence, cause, false, false);
    this.transientFailure = transientFailure;
  }

  public boolean isTransient() {
    return transientFailure;
  }
}

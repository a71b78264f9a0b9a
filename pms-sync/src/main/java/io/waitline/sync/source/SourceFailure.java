package io.waitline.sync.source;

/**
 * A source could not be read. The message is a sentence for the health page ("The source answered 503 Service
 * Unavailable."), never a secret. Transient failures (timeouts, 5xx, 429, refused connections) are retried.
 */
public final class SourceFailure extends RuntimeException {
  private final boolean transientFailure;
  private final boolean paused;

  public SourceFailure(String sentence, boolean transientFailure, Throwable cause) {
    this(sentence, transientFailure, cause, false);
  }

  private SourceFailure(String sentence, boolean transientFailure, Throwable cause, boolean paused) {
    super(sentence, cause, false, false);
    this.transientFailure = transientFailure;
    this.paused = paused;
  }

  /** The source was not called: its circuit breaker is open after repeated failures. */
  public static SourceFailure paused() {
    return new SourceFailure("The source failed repeatedly, so Waitline pauses calling it for a while (circuit"
        + " breaker open).", false, null, true);
  }

  public boolean isTransient() {
    return transientFailure;
  }

  /** Whether the source was not called at all ({@link #paused}): the failures before say what is wrong with it. */
  public boolean isPaused() {
    return paused;
  }
}

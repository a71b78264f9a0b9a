package io.waitline.sync.writeback;

/**
 * The source refused a write for good (the appointment is gone, the credentials may not write, the resource cannot be
 * updated safely): sending it again would not help. The message is a sentence for the source's health.
 */
public final class WriteRefused extends RuntimeException {
  public WriteRefused(String sentence) {
    super(sentence, null, false, false);
  }
}

package io.waitline.queue;

import java.time.Instant;
import java.util.UUID;

/** Builds entries for pure tests. */
final class Entries {
  static final Instant NOW = Instant.parse("2026-11-20T10:00:00Z");

  private Entries() {}

  static Entry entry(int n, Status status, Priority priority, Instant placeAt, Instant appointmentAt) {
    return new Entry(new UUID(0, n), "q", "A-" + String.format("%03d", n), new Patient("Pat " + n, null, null, null,
        null), priority, appointmentAt, null, placeAt, status, placeAt, null, false, null);
  }

  static Entry waiting(int n, Priority priority, Instant placeAt) {
    return entry(n, Status.WAITING, priority, placeAt, null);
  }

  static Entry waiting(int n, Instant placeAt) {
    return waiting(n, Priority.NORMAL, placeAt);
  }

  static Instant minutesAgo(long minutes) {
    return NOW.minusSeconds(minutes * 60);
  }
}

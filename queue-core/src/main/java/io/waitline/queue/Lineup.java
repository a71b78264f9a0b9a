package io.waitline.queue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A queue's waiting entries in order, each with its 1-based position and estimate. Pure; built from entries. */
public record Lineup(List<Place> places) {

  /** One waiting entry's place. {@code estimate} is null when none can be given (e.g. no staff on duty). */
  public record Place(Entry entry, int position, WaitEstimate estimate) {}

  public static Lineup of(List<Entry> entries, ServiceQueue queue, ServiceStats stats, WaitEstimator estimator,
      Instant now) {
    List<Entry> ordered = QueueOrdering.order(entries, queue.rule(), now);
    Map<UUID, WaitEstimate> estimates = estimator.estimate(ordered, stats, queue.staffOnDuty());
    List<Place> places = new ArrayList<>(ordered.size());
    for (int i = 0; i < ordered.size(); i++) {
      Entry e = ordered.get(i);
      places.add(new Place(e, i + 1, estimates.get(e.id())));
    }
    return new Lineup(List.copyOf(places));
  }

  public Place placeOf(UUID entryId) {
    return places.stream().filter(p -> p.entry().id().equals(entryId)).findFirst().orElse(null);
  }
}

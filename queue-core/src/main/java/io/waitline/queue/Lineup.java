package io.waitline.queue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A queue's waiting entries in order, each with its 1-based position and estimate. Pure; built from entries. */
public record Lineup(List<Place> places) {

  /** One waiting entry's place. {@code estimate} is null when none can be given (e.g. no staff on duty). */
  public record Place(Entry entry, int position, WaitEstimate estimate) {}

  /** The lineup of {@code day}'s waiting entries; a paused queue calls nobody, so it gives no estimates. */
  public static Lineup of(QueueDay day, WaitEstimator estimator) {
    List<Entry> ordered = day.waiting();
    Map<UUID, WaitEstimate> estimates = day.paused() ? Map.of() : estimator.estimate(day);
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

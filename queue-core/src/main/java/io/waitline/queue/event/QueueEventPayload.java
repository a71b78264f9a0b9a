package io.waitline.queue.event;

import io.waitline.queue.Entry;
import io.waitline.queue.Lineup;
import io.waitline.queue.ServiceQueue;
import io.waitline.queue.WaitEstimate;
import java.util.List;
import java.util.UUID;

/**
 * What a queue event says: the stored, versioned record of the change, not any client's JSON. Written by
 * {@link EventPayloadCodec} in format {@link #VERSION}; rows written before formats were versioned decode too.
 *
 * @param version the format the payload was written in: {@link #VERSION}, or {@link #LEGACY} for rows written
 *     before (they lack {@code appointmentRef} and keep the default service time in whole minutes)
 * @param entry the entry after the change, with the patient's details; null for queue-wide events (paused, resumed,
 *     staff changed, reordered)
 * @param lineup the waiting entries in order, with positions and estimates: ids and tickets, never names
 * @param queue the queue's settings after the change; its {@code version} is this event's seq
 */
public record QueueEventPayload(int version, Entry entry, List<Place> lineup, ServiceQueue queue) {
  /** The format this code writes. */
  public static final int VERSION = 1;
  /** The unversioned format of the first releases (the REST shape of the time). */
  public static final int LEGACY = 0;

  /** One waiting entry's place; {@code estimate} is null when none can be given (no staff on duty). */
  public record Place(UUID entryId, String ticket, int position, WaitEstimate estimate) {}

  public QueueEventPayload {
    lineup = List.copyOf(lineup);
  }

  /** The payload of the event with {@code seq} of a locked queue, as the queue is after the change. */
  public static QueueEventPayload after(Entry entry, Lineup lineup, ServiceQueue locked, long seq) {
    List<Place> places = lineup.places().stream()
        .map(p -> new Place(p.entry().id(), p.entry().ticket(), p.position(), p.estimate())).toList();
    ServiceQueue q = new ServiceQueue(locked.id(), locked.siteId(), locked.name(), locked.ticketPrefix(),
        locked.rule(), locked.defaultServiceSeconds(), locked.paused(), locked.staffOnDuty(), seq);
    return new QueueEventPayload(VERSION, entry, places, q);
  }

  /** The place of one entry in the lineup, or null when it is not waiting. */
  public Place placeOf(UUID entryId) {
    return lineup.stream().filter(p -> p.entryId().equals(entryId)).findFirst().orElse(null);
  }
}

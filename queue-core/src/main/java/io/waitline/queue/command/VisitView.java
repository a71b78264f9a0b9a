package io.waitline.queue.command;

import io.waitline.queue.Entry;
import io.waitline.queue.Lineup;
import io.waitline.queue.ServiceQueue;
import io.waitline.queue.Site;

/** What a patient's link shows: their own entry and place, never anyone else's. {@code place} is null unless waiting. */
public record VisitView(Site site, ServiceQueue queue, Entry entry, Lineup.Place place) {}

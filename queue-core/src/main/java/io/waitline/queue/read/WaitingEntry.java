package io.waitline.queue.read;

import io.waitline.queue.Entry;
import java.time.Duration;

/** A waiting entry with the facts about its queue that watching waits needs: the site and the queue's maximum wait. */
public record WaitingEntry(Entry entry, String siteId, Duration maxWait) {}

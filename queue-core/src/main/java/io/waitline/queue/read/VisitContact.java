package io.waitline.queue.read;

import io.waitline.queue.Entry;
import io.waitline.queue.Site;

/**
 * What a message about one visit needs to know: the entry (status, patient's phone and e-mail), the token of the
 * patient's link, the queue's name and the site (name, time zone, language).
 */
public record VisitContact(Entry entry, String visitToken, String queueName, Site site) {}

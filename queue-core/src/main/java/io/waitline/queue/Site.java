package io.waitline.queue;

import java.time.ZoneId;

/**
 * A clinic location. Its time zone decides what "today" is for tickets and patient links.
 *
 * @param displayMode how public screens name patients: {@code ticket} codes or {@code initials}
 */
public record Site(String id, String name, ZoneId zone, String language, String displayMode) {}

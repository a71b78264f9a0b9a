package io.waitline.queue;

/** An entry with the token of its patient's link, which the commands that create or move a visit hand back. */
public record LinkedEntry(Entry entry, String visitToken) {}

package io.waitline.notify.store;

import java.util.List;

/** A queue's stored notification settings; null fields fall back to the node's defaults. */
public record QueueSettings(List<Integer> positionAlerts, Integer longWaitMinutes, Integer delayMinutes) {}

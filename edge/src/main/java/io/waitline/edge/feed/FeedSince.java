package io.waitline.edge.feed;

import io.waitline.edge.pipeline.Problems;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a reconnecting client says it already has: the last seq it applied of each queue ({@code since}). A queue
 * feed takes {@code since=41} or, as a site feed does, {@code since=general:41} (so one client can resume either);
 * a site feed {@code since=general:41,lab:17}; a visit feed {@code since=41}.
 */
record FeedSince(Map<String, Long> seqs) {
  static final FeedSince NONE = new FeedSince(Map.of());

  FeedSince {
    seqs = Map.copyOf(seqs);
  }

  /** {@code since} of a queue feed: a bare seq, or queueId:seq pairs of which only this queue's counts. */
  static FeedSince ofQueue(String param, String queueId) {
    if (param == null || param.isBlank()) return NONE;
    if (!param.contains(":")) return new FeedSince(Map.of(queueId, seq(param)));
    Long own = ofSite(param).seqs.get(queueId);
    return own == null ? NONE : new FeedSince(Map.of(queueId, own));
  }

  /** {@code since} of a site feed: queueId:seq pairs, separated by commas. */
  static FeedSince ofSite(String param) {
    if (param == null || param.isBlank()) return NONE;
    Map<String, Long> seqs = new HashMap<>();
    for (String part : param.split(",")) {
      String[] kv = part.split(":", 2);
      if (kv.length != 2) throw new Problems.BadRequest("since must look like queueId:seq,queueId:seq.");
      seqs.put(kv[0], seq(kv[1]));
    }
    return new FeedSince(seqs);
  }

  /** {@code since} of a visit feed: the seq of the last visit message, or null. */
  static Long ofVisit(String param) {
    return param == null || param.isBlank() ? null : seq(param);
  }

  /** Whether the client says where it is in every one of these queues (else it needs a snapshot). */
  boolean covers(List<String> queueIds) {
    return !seqs.isEmpty() && seqs.keySet().containsAll(queueIds);
  }

  long of(String queueId) {
    return seqs.get(queueId);
  }

  private static long seq(String s) {
    try {
      long v = Long.parseLong(s.trim());
      if (v < 0) throw new NumberFormatException();
      return v;
    } catch (NumberFormatException e) {
      throw new Problems.BadRequest("since must be a non-negative whole number (a seq), got '" + s + "'.");
    }
  }
}

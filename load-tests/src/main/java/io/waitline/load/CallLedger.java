package io.waitline.load;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Who was checked in and which desk each call-next answer handed them to, checked against the queues' event logs
 * for what several desks on one line must never do: hand one patient to two desks, leave a checked-in patient
 * uncalled, call someone who never checked in, give two patients one ticket, or call a later walk-in before an
 * earlier one (by the arrival time that orders the line). Desks and the check-in stream record into it at the same
 * time.
 */
final class CallLedger {
  /** A {@code called} event of a queue's log. */
  record Called(String entryId, String ticket, Instant placeAt, String calledTo) {}

  /**
   * The counts of {@link #check}. {@code checkedIn}, {@code handedOut} and {@code ticketOrderInversions} (a call of a
   * higher ticket before a lower one: check-ins racing within milliseconds may take tickets in another order than
   * their arrival times) are information; every other count is a failure.
   */
  record Findings(long checkedIn, long handedOut, long handedToTwoDesks, long neverCalled, long unknownCalled,
      long duplicateTickets, long calledOutOfOrder, long answersNotInLog, long ticketOrderInversions) {

    long problems() {
      return handedToTwoDesks + neverCalled + unknownCalled + duplicateTickets + calledOutOfOrder + answersNotInLog;
    }

    JsonObject toJson() {
      return new JsonObject().put("checkedIn", checkedIn).put("handedOut", handedOut)
          .put("handedToTwoDesks", handedToTwoDesks).put("neverCalled", neverCalled)
          .put("unknownCalled", unknownCalled).put("duplicateTickets", duplicateTickets)
          .put("calledOutOfOrder", calledOutOfOrder).put("answersNotInLog", answersNotInLog)
          .put("ticketOrderInversions", ticketOrderInversions).put("problems", problems());
    }
  }

  private final Map<String, String> queueOfEntry = new HashMap<>();
  private final Map<String, Set<String>> ticketsByQueue = new HashMap<>();
  private long duplicateTickets;
  /** Entry id → the calledTo of every call-next answer that named it, in the order they came. */
  private final Map<String, List<String>> answers = new HashMap<>();
  /** Entry id → the queue whose call-next answered it (a desk may hear of an entry before its check-in answer). */
  private final Map<String, String> answeredBy = new HashMap<>();

  synchronized void checkedIn(String queueId, String entryId, String ticket) {
    queueOfEntry.put(entryId, queueId);
    if (!ticketsByQueue.computeIfAbsent(queueId, q -> new HashSet<>()).add(ticket)) duplicateTickets++;
  }

  synchronized void handedOut(String queueId, String entryId, String calledTo) {
    answeredBy.put(entryId, queueId);
    answers.computeIfAbsent(entryId, e -> new ArrayList<>()).add(calledTo);
  }

  /**
   * Checks the answers against {@code logs}: per queue, its {@code called} events in seq order. All patients are
   * walk-ins of one priority, so a queue must call them by arrival time ({@code placeAt}), and the log must name the
   * same desk for each entry as the answers did.
   */
  synchronized Findings check(Map<String, List<Called>> logs) {
    long handedOut = 0;
    long twice = 0;
    for (List<String> desks : answers.values()) {
      handedOut += desks.size();
      twice += desks.size() - 1;
    }
    long unknown = 0;
    for (Map.Entry<String, String> answered : answeredBy.entrySet()) {
      if (!answered.getValue().equals(queueOfEntry.get(answered.getKey()))) unknown++;
    }
    long never = 0;
    for (String entryId : queueOfEntry.keySet()) {
      if (!answers.containsKey(entryId)) never++;
    }
    long outOfOrder = 0;
    long inversions = 0;
    Map<String, List<String>> logged = new HashMap<>();
    for (List<Called> log : logs.values()) {
      Instant latest = Instant.MIN;
      int highest = 0;
      for (Called c : log) {
        if (c.placeAt().isBefore(latest)) outOfOrder++;
        latest = c.placeAt().isAfter(latest) ? c.placeAt() : latest;
        int number = ticketNumber(c.ticket());
        if (number < highest) inversions++;
        highest = Math.max(highest, number);
        logged.computeIfAbsent(c.entryId(), e -> new ArrayList<>()).add(c.calledTo());
      }
    }
    Set<String> entries = new HashSet<>(answers.keySet());
    entries.addAll(logged.keySet());
    long notInLog = 0;
    for (String entryId : entries) {
      if (!sorted(answers.get(entryId)).equals(sorted(logged.get(entryId)))) notInLog++;
    }
    return new Findings(queueOfEntry.size(), handedOut, twice, never, unknown, duplicateTickets, outOfOrder,
        notInLog, inversions);
  }

  /** 42 for {@code A-042}. */
  static int ticketNumber(String ticket) {
    return Integer.parseInt(ticket.substring(ticket.lastIndexOf('-') + 1));
  }

  private static List<String> sorted(List<String> desks) {
    List<String> copy = desks == null ? new ArrayList<>() : new ArrayList<>(desks);
    copy.sort(null);
    return copy;
  }
}

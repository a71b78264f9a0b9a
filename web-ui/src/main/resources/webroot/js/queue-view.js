// A queue as a feed of protocol 2 shows it: a snapshot's entries and line, brought up to date by each delta. The
// line is the waiting entries' ids in order; a position is its index + 1. No DOM: the pages and the tests share it.

/** Statuses after which a visit is over: the view no longer holds the entry. */
const ENDED = new Set(['completed', 'cancelled', 'left', 'transferred']);

/** The view of one queue of a snapshot: { queue, seq, entries: Map(id → entry), line: [id, …] }. */
export function viewOf(snapshot) {
  return {
    queue: snapshot.queue,
    seq: snapshot.seq,
    entries: new Map(snapshot.entries.map((e) => [e.id, e])),
    line: [...snapshot.line],
  };
}

/**
 * Applies the delta of the next seq to a view, in place, and returns it: the entry the event is about (gone from
 * the view once its visit is over, or when the delta says it was removed), the line's removals then insertions
 * (ascending index), the queue's changed settings and its seq.
 */
export function applyDelta(view, delta) {
  if (delta.entry && ENDED.has(delta.entry.status)) view.entries.delete(delta.entry.id);
  else if (delta.entry) view.entries.set(delta.entry.id, delta.entry);
  if (delta.removed) view.entries.delete(delta.removed);
  if (delta.line) {
    if (delta.line.out) {
      const out = new Set(delta.line.out);
      view.line = view.line.filter((id) => !out.has(id));
    }
    for (const [index, id] of delta.line.in || []) view.line.splice(index, 0, id);
  }
  view.queue = { ...view.queue, ...delta.queue, seq: delta.seq };
  view.seq = delta.seq;
  return view;
}

/** The 1-based place of each waiting entry, by id. */
export function placesOf(view) {
  return new Map(view.line.map((id, i) => [id, i + 1]));
}

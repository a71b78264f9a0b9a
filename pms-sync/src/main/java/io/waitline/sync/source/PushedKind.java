package io.waitline.sync.source;

import static io.waitline.queue.Refused.Kind.INVALID;

import io.vertx.core.Future;
import io.waitline.sync.SyncException;
import io.waitline.sync.pipeline.RecordReader;
import java.time.Instant;
import java.time.LocalDate;

/** A kind of source whose records are sent to Waitline (webhook events, uploaded files): there is nothing to poll. */
public abstract class PushedKind implements SourceKind {
  private final String kind;
  private final RecordReader reader;

  protected PushedKind(String kind, RecordReader reader) {
    this.kind = kind;
    this.reader = reader;
  }

  /** The refusal of a poll of {@code source}, with its sentence. */
  public static SyncException notPolled(Source source) {
    return new SyncException(INVALID, "Source " + source.name() + " is sent its appointments (webhook events or"
        + " uploaded files); there is nothing to poll.");
  }

  @Override
  public final String kind() {
    return kind;
  }

  @Override
  public final RecordReader reader() {
    return reader;
  }

  @Override
  public final boolean polls() {
    return false;
  }

  @Override
  public final Future<Void> poll(Source source, Instant since, LocalDate from, LocalDate until, PageSink sink) {
    return Future.failedFuture(notPolled(source));
  }
}

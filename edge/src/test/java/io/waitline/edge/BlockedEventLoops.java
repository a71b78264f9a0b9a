package io.waitline.edge;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.LoggerFactory;

/**
 * Listens to Vert.x's blocked-thread checker while a node runs: every "Thread ... has been blocked" warning it logs
 * is kept, and {@link #assertNone} turns them into a test failure, so a request that stalls an event loop fails the
 * test that sent it instead of passing slowly.
 */
final class BlockedEventLoops extends AppenderBase<ILoggingEvent> {
  /** The logger Vert.x's checker writes to ({@code BlockedThreadChecker.LOGGER_NAME}). */
  static final String CHECKER_LOGGER = "io.vertx.core.impl.BlockedThreadChecker";
  private final List<String> warnings = new CopyOnWriteArrayList<>();

  /** Starts listening; {@link #stop()} detaches again. */
  static BlockedEventLoops watch() {
    BlockedEventLoops watcher = new BlockedEventLoops();
    Logger checker = (Logger) LoggerFactory.getLogger(CHECKER_LOGGER);
    watcher.setContext(checker.getLoggerContext());
    watcher.setName("blocked-event-loops");
    watcher.start();
    checker.addAppender(watcher);
    return watcher;
  }

  @Override
  protected void append(ILoggingEvent event) {
    String message = event.getFormattedMessage();
    if (message != null && message.contains("has been blocked")) warnings.add(message);
  }

  /** Fails when a thread was reported blocked since the last call, and forgets the reports. */
  void assertNone() {
    if (warnings.isEmpty()) return;
    List<String> seen = List.copyOf(warnings);
    warnings.clear();
    throw new AssertionError("A Vert.x thread was blocked (an event loop must never wait): " + seen);
  }

  @Override
  public void stop() {
    ((Logger) LoggerFactory.getLogger(CHECKER_LOGGER)).detachAppender(this);
    super.stop();
  }
}

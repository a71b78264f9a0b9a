package io.waitline.queue.event;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.pubsub.PgSubscriber;
import io.vertx.sqlclient.SqlClient;
import io.waitline.queue.store.QueueStore;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shares committed events between the nodes of one PostgreSQL database through LISTEN/NOTIFY, with no other
 * infrastructure. The transaction that appends an event also sends a NOTIFY on {@value #CHANNEL} naming it
 * ({@code {node, queueId, seq}}, never patient data), which PostgreSQL delivers when, and only if, it commits; after
 * commit the event is published locally. Every node LISTENs on one dedicated connection, reads the events other
 * nodes name from the event log and publishes them through its local publisher.
 *
 * <p>Notices sent while a node's LISTEN connection was down are made up for when it is back: the node republishes
 * the last event of every queue (listeners fill any gap from the event log).
 *
 * <p>Other modules may {@link #listen} on channels of their own over the same connection (e.g. the edge's notice
 * that credentials ended); such notices are not made up for after a lost connection.
 */
public final class PgNotifyRelay implements QueueEventPublisher {
  public static final String CHANNEL = "waitline_queue_events";
  private static final Logger LOG = LoggerFactory.getLogger(PgNotifyRelay.class);
  private static final long FIRST_RETRY_MS = 250;
  private static final long MAX_RETRY_MS = 10_000;

  private final QueueEventPublisher local;
  private final SqlClient db;
  private final QueueStore store;
  /** This process; a restarted node is a new node. */
  private final String node = UUID.randomUUID().toString();
  /** How each notice this node sends begins ({@link #notice}): its own come back to it after every command. */
  private final String ownNoticeStart = "{\"node\":\"" + node + "\",";
  private final PgSubscriber subscriber;
  private final AtomicBoolean lost = new AtomicBoolean();

  private PgNotifyRelay(Vertx vertx, PgConnectOptions listen, SqlClient db, QueueStore store,
      QueueEventPublisher local) {
    this.local = local;
    this.db = db;
    this.store = store;
    // named, so the listening connection is easy to find in pg_stat_activity
    PgConnectOptions options = new PgConnectOptions(listen).addProperty("application_name", applicationName(node));
    this.subscriber = PgSubscriber.subscriber(vertx, options).reconnectPolicy(this::retryDelay);
  }

  /**
   * Starts listening; the future completes once the LISTEN is in place.
   *
   * @param listen where the dedicated LISTEN connection connects (the database the commands use)
   * @param db reads notified events from the event log (the command pool)
   * @param local delivers events on this node: own events first, then those of other nodes
   */
  public static Future<PgNotifyRelay> start(Vertx vertx, PgConnectOptions listen, SqlClient db, QueueStore store,
      QueueEventPublisher local) {
    PgNotifyRelay relay = new PgNotifyRelay(vertx, listen, db, store, local);
    relay.subscriber.channel(CHANNEL)
        .subscribeHandler(v -> {
          if (relay.lost.compareAndSet(true, false)) relay.catchUp();
        })
        .handler(relay::received);
    return relay.subscriber.connect().map(relay);
  }

  @Override
  public void publish(QueueEvent event) {
    local.publish(event);
  }

  /** The NOTIFY naming {@code event}, which the statement appending it sends. */
  @Override
  public Notice notice(QueueEvent event) {
    String queueId = event.queueId();
    if (!plainJsonText(queueId)) {
      return new Notice(CHANNEL, new JsonObject().put("node", node).put("queueId", queueId)
          .put("seq", event.seq()).encode());
    }
    // the same JSON, written without building it: one per command (own notices begin with ownNoticeStart)
    return new Notice(CHANNEL, ownNoticeStart + "\"queueId\":\"" + queueId + "\",\"seq\":" + event.seq() + "}");
  }

  /** Whether {@code text} stands in a JSON string as it is (no quote, backslash or control character). */
  private static boolean plainJsonText(String text) {
    for (int i = 0; i < text.length(); i++) {
      char ch = text.charAt(i);
      if (ch == '"' || ch == '\\' || ch < 0x20) return false;
    }
    return true;
  }

  /**
   * Also listens on {@code channel} (not {@value #CHANNEL}), on the same connection and with the same reconnects;
   * {@code handler} gets each notice's payload, including those this node sent. Completes once the LISTEN is in
   * place.
   */
  public Future<Void> listen(String channel, Consumer<String> handler) {
    Promise<Void> listening = Promise.promise();
    subscriber.channel(channel).subscribeHandler(v -> listening.tryComplete()).handler(handler::accept);
    return listening.future();
  }

  /** Stops listening; no reconnect follows. */
  public Future<Void> close() {
    return subscriber.close();
  }

  String node() {
    return node;
  }

  /** Whether a notice was sent by this node, told by how it begins. */
  boolean isOwn(String payload) {
    return payload.startsWith(ownNoticeStart);
  }

  static String applicationName(String node) {
    return "waitline listen " + node;
  }

  private void received(String payload) {
    if (isOwn(payload)) return; // already published locally; no JSON to read
    String queueId;
    long seq;
    try {
      JsonObject notice = new JsonObject(payload);
      queueId = notice.getString("queueId");
      seq = notice.getLong("seq");
    } catch (RuntimeException malformed) {
      LOG.warn("Ignoring a notification on {} that is not a queue event notice: {}", CHANNEL, payload);
      return;
    }
    store.event(db, queueId, seq).onSuccess(local::publish)
        .onFailure(err -> LOG.warn("Could not read event {} of queue {} notified by another node: {}", seq, queueId,
            err.getMessage()));
  }

  /**
   * After the LISTEN connection came back: notices sent meanwhile are gone, so the last event of every queue is
   * published locally; listeners that are behind see the gap and fill it from the event log, the others drop it as a
   * duplicate.
   */
  private void catchUp() {
    store.latestEvents(db).onSuccess(latest -> {
      latest.forEach(local::publish);
      LOG.info("Listening again for queue events of other nodes; republished the last event of {} queues so "
          + "screens catch up", latest.size());
    }).onFailure(err -> LOG.warn("Listening again for queue events of other nodes, but could not read the last events "
        + "to catch up (screens catch up at each queue's next event): {}", err.getMessage()));
  }

  /** Backoff for the LISTEN connection: 250 ms doubling up to 10 s, for as long as the relay is open. */
  private long retryDelay(int attempt) {
    long delay = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS << Math.min(attempt, 6));
    if (lost.compareAndSet(false, true)) {
      LOG.warn("Lost the connection that listens for queue events of other nodes; reconnecting");
    } else {
      LOG.warn("Still reconnecting to listen for queue events of other nodes (attempt {}), next try in {} ms",
          attempt + 1, delay);
    }
    return delay;
  }
}

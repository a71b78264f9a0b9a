package io.waitline.queue.event;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;

/**
 * Publishes each event to the in-node event bus, on its queue's and its site's address. Listeners in the node get the
 * {@link QueueEvent} record itself (it is immutable, so every listener may share it): nothing is encoded or copied
 * per event and per listener. Nodes share events through {@link PgNotifyRelay} or Kafka, never a clustered bus.
 */
public final class EventBusPublisher implements QueueEventPublisher {
  private static final MessageCodec<QueueEvent, QueueEvent> CODEC = new RecordCodec();
  private static final String OFF_NODE = "queue events leave the node through PgNotifyRelay or Kafka, not the event bus";

  private final EventBus bus;

  public EventBusPublisher(EventBus bus) {
    this.bus = bus;
    // the same codec for every publisher of this bus: whichever registered it last, listeners get the record
    bus.unregisterDefaultCodec(QueueEvent.class).registerDefaultCodec(QueueEvent.class, CODEC);
  }

  public static String queueAddress(String queueId) {
    return "waitline.queue." + queueId;
  }

  public static String siteAddress(String siteId) {
    return "waitline.site." + siteId;
  }

  @Override
  public void publish(QueueEvent event) {
    bus.publish(queueAddress(event.queueId()), event);
    bus.publish(siteAddress(event.siteId()), event);
  }

  /** The record as it is, to listeners of this node only. */
  private static final class RecordCodec implements MessageCodec<QueueEvent, QueueEvent> {
    @Override
    public void encodeToWire(Buffer buffer, QueueEvent event) {
      throw new IllegalStateException(OFF_NODE);
    }

    @Override
    public QueueEvent decodeFromWire(int pos, Buffer buffer) {
      throw new IllegalStateException(OFF_NODE);
    }

    @Override
    public QueueEvent transform(QueueEvent event) {
      return event;
    }

    @Override
    public String name() {
      return "waitline-queue-event";
    }

    @Override
    public byte systemCodecID() {
      return -1; // a user codec
    }
  }
}

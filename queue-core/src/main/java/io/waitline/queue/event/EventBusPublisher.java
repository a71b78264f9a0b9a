package io.waitline.queue.event;

import io.vertx.core.eventbus.EventBus;

/** Publishes each event to the in-node event bus, on its queue's and its site's address. */
public final class EventBusPublisher implements QueueEventPublisher {
  private final EventBus bus;

  public EventBusPublisher(EventBus bus) {
    this.bus = bus;
  }

  public static String queueAddress(String queueId) {
    return "waitline.queue." + queueId;
  }

  public static String siteAddress(String siteId) {
    return "waitline.site." + siteId;
  }

  @Override
  public void publish(QueueEvent event) {
    var json = event.toJson();
    bus.publish(queueAddress(event.queueId()), json);
    bus.publish(siteAddress(event.siteId()), json);
  }
}

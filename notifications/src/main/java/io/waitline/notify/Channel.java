package io.waitline.notify;

/** The ways a message can reach someone. The wire name is used in the database, the API and configuration. */
public enum Channel {
  PUSH("push"), WEB_PUSH("web_push"), SMS("sms"), EMAIL("email");

  private final String wire;

  Channel(String wire) {
    this.wire = wire;
  }

  public String wire() {
    return wire;
  }

  public static Channel fromWire(String s) {
    for (Channel c : values()) {
      if (c.wire.equals(s)) return c;
    }
    throw new IllegalArgumentException("unknown channel '" + s + "'; use push, web_push, sms or email");
  }
}

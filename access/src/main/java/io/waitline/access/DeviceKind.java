package io.waitline.access;

import java.util.Arrays;
import java.util.Optional;

/** What an enrolled device is for: a waiting-room TV board or a self check-in kiosk. */
public enum DeviceKind {
  DISPLAY("display"),
  KIOSK("kiosk");

  private final String wire;

  DeviceKind(String wire) {
    this.wire = wire;
  }

  public String wire() {
    return wire;
  }

  public static Optional<DeviceKind> fromWire(String name) {
    return Arrays.stream(values()).filter(k -> k.wire.equals(name)).findFirst();
  }
}

package io.waitline.access;

import java.util.Arrays;
import java.util.Optional;

/** A staff role, held at one site or at every site. {@link #ADMIN} may do everything the other roles may. */
public enum Role {
  FRONT_DESK("front-desk"),
  CLINICIAN("clinician"),
  MANAGER("manager"),
  ADMIN("admin");

  private final String wire;

  Role(String wire) {
    this.wire = wire;
  }

  /** The name used in the API, the OpenAPI {@code x-waitline-access} lists and IdP role claims. */
  public String wire() {
    return wire;
  }

  public static Optional<Role> fromWire(String name) {
    return Arrays.stream(values()).filter(r -> r.wire.equals(name)).findFirst();
  }
}

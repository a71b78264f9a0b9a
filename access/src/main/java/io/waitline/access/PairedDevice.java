package io.waitline.access;

/** The result of pairing: the device's token (shown once, only its hash is stored) and its record. */
public record PairedDevice(String token, DeviceRecord device) {
}

package io.waitline.edge;

import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * HTTP clients that connect from different loopback addresses (127.0.0.2, 127.0.0.3, …), so the server sees distinct
 * client addresses, as it would from different machines: what the per-address rate limits key on.
 */
final class LoopbackClients {
  private static final AtomicInteger NEXT = new AtomicInteger();

  private LoopbackClients() {}

  /** A client connecting from 127.0.0.{@code lastOctet}. */
  static WebClient from(TestApp app, int lastOctet) {
    return WebClient.create(app.vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(app.port()).setLocalAddress("127.0.0." + lastOctet));
  }

  /** A client from a loopback address no other caller of this method has had (127.1.0.1, 127.1.0.2, …). */
  static WebClient next(TestApp app) {
    int n = NEXT.getAndIncrement();
    return WebClient.create(app.vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(app.port()).setLocalAddress("127.1." + (n / 250) + "." + (n % 250 + 1)));
  }
}

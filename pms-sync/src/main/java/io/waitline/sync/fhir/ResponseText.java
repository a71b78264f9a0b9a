package io.waitline.sync.fhir;

import ca.uhn.fhir.rest.client.api.IClientInterceptor;
import ca.uhn.fhir.rest.client.api.IHttpRequest;
import ca.uhn.fhir.rest.client.api.IHttpResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Keeps the body of the response HAPI's client last received on a thread, for the code that made the request on
 * that thread to {@link #take()} after HAPI has parsed it (the body is buffered, so HAPI reads it as usual).
 */
final class ResponseText implements IClientInterceptor {
  private static final ThreadLocal<String> LAST = new ThreadLocal<>();

  @Override
  public void interceptRequest(IHttpRequest request) {
    LAST.remove();
  }

  @Override
  public void interceptResponse(IHttpResponse response) throws IOException {
    response.bufferEntity();
    try (InputStream in = response.readEntity()) {
      if (in != null) LAST.set(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  /** The body of the last response received on this thread (null when none was kept), once. */
  static String take() {
    String body = LAST.get();
    LAST.remove();
    return body;
  }
}

package io.waitline.notify;

import java.net.URI;
import java.util.List;
import java.util.Locale;

/**
 * Which push-service URLs a browser may hand us. The server will POST to them, so only HTTPS endpoints of known
 * push services are accepted (plus hosts an operator adds), never arbitrary or internal addresses.
 */
public record WebPushEndpoints(List<String> allowedHostSuffixes, List<String> insecureHosts) {
  /** The push services of Chrome/Edge/Android, Firefox, Safari and Windows. */
  public static final List<String> KNOWN_SERVICES = List.of("fcm.googleapis.com", "android.googleapis.com",
      "updates.push.services.mozilla.com", "push.services.mozilla.com", "web.push.apple.com", "notify.windows.com");

  public static WebPushEndpoints defaults() {
    return new WebPushEndpoints(KNOWN_SERVICES, List.of());
  }

  /** @return null if acceptable, else a sentence saying why not */
  public String check(String endpoint) {
    URI uri;
    try {
      uri = URI.create(endpoint);
    } catch (IllegalArgumentException e) {
      return "The push endpoint is not a URL.";
    }
    String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
    if (host.isEmpty()) return "The push endpoint has no host.";
    boolean insecureAllowed = insecureHosts.contains(host);
    if (!"https".equals(uri.getScheme()) && !("http".equals(uri.getScheme()) && insecureAllowed)) {
      return "The push endpoint must be an https URL.";
    }
    if (insecureAllowed) return null;
    for (String suffix : allowedHostSuffixes) {
      if (host.equals(suffix) || host.endsWith("." + suffix)) return null;
    }
    return "The push endpoint " + host + " is not a known push service.";
  }
}

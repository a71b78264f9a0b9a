package io.waitline.load;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Search pages the {@link ScheduleServer} encoded before the import, answered as they were kept, so that the
 * benchmark's FHIR server spends next to no CPU of the shared cores while Waitline imports. A page is known by its
 * offset and size ({@code _getpagesoffset}, none for a search's first page, and {@code _count}); any other request
 * goes to HAPI's server as usual.
 */
final class EncodedPages extends HttpFilter {
  private final Map<String, byte[]> pages = new ConcurrentHashMap<>();
  private final AtomicInteger served = new AtomicInteger();

  /** Keeps the text of the page that {@code url} asks for. */
  void keep(String url, String text) {
    pages.put(keyOf(java.net.URI.create(url).getRawQuery()), text.getBytes(StandardCharsets.UTF_8));
  }

  int size() {
    return pages.size();
  }

  /** The kept pages' texts, in no particular order. */
  List<String> texts() {
    return pages.values().stream().map(b -> new String(b, StandardCharsets.UTF_8)).toList();
  }

  /** How many requests were answered with a kept page. */
  int served() {
    return served.get();
  }

  @Override
  protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    byte[] page = "GET".equals(request.getMethod()) ? pages.get(keyOf(request.getQueryString())) : null;
    if (page == null) {
      chain.doFilter(request, response);
      return;
    }
    served.incrementAndGet();
    response.setContentType("application/fhir+json;charset=utf-8");
    response.setContentLength(page.length);
    response.getOutputStream().write(page);
  }

  /** {@code offset/count} of a search page's query, or a key no page has when it names no size. */
  static String keyOf(String query) {
    String offset = "0";
    String count = null;
    if (query != null) {
      for (String pair : query.split("&")) {
        int eq = pair.indexOf('=');
        String name = eq < 0 ? pair : pair.substring(0, eq);
        String value = eq < 0 ? "" : pair.substring(eq + 1);
        if (name.equals("_getpagesoffset")) offset = value;
        else if (name.equals("_count")) count = value;
      }
    }
    return count == null ? "" : offset + "/" + count;
  }
}

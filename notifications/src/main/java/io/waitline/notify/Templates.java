package io.waitline.notify;

import io.vertx.core.json.JsonObject;
import io.waitline.queue.WaitEstimate;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Message texts per kind and language, from {@code io/waitline/notify/templates/<lang>.properties}. Templates get only
 * tickets, rooms, positions, waits, the site name and the patient link: never a name or a clinical detail.
 */
public final class Templates {
  public static final List<String> LANGUAGES = List.of("en", "es", "fr", "ar");
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{(\\w+)}");

  private final Map<String, Properties> byLanguage = new HashMap<>();

  public Templates() {
    for (String lang : LANGUAGES) byLanguage.put(lang, load(lang));
  }

  public static String language(String requested) {
    return requested != null && LANGUAGES.contains(requested) ? requested : "en";
  }

  /**
   * @param params the intent's params (ticket, room, position, waitLow/waitHigh, minutes, queue)
   * @param link the patient page, or null for staff messages
   */
  public Message render(Kind kind, String language, String siteName, JsonObject params, String link) {
    String lang = language(language);
    Map<String, String> values = new HashMap<>();
    values.put("site", siteName);
    values.put("link", link == null ? "" : link);
    params.forEach(e -> {
      if (e.getValue() != null) values.put(e.getKey(), String.valueOf(e.getValue()));
    });
    values.putIfAbsent("room", text(lang, "common.desk", values));
    values.putIfAbsent("position", "–"); // no place known (e.g. not in the line at that moment)
    if (params.getInteger("waitLow") != null) {
      values.put("wait", wait(lang, params.getInteger("waitLow"), params.getInteger("waitHigh")));
    }
    String title = text(lang, kind.wire() + ".title", values);
    String body = text(lang, kind.wire() + ".text", values);
    String sms = text(lang, kind.wire() + ".sms", values).trim();
    StringBuilder email = new StringBuilder(body);
    if (link != null) email.append("\n\n").append(text(lang, "common.follow", values)).append(' ').append(link);
    if (kind.audience() == Kind.Audience.PATIENT) email.append("\n\n").append(text(lang, "common.footer", values));
    return new Message(title, body, sms, email.toString(), link);
  }

  /** A reply to an inbound SMS keyword (help, start). */
  public String reply(String key, String language, String siteName) {
    return text(language(language), key + ".sms", Map.of("site", siteName));
  }

  /** The range the patient page shows ({@link WaitEstimate}'s), so a text and the page never disagree. */
  private String wait(String lang, int p50, Integer p90) {
    WaitEstimate estimate = new WaitEstimate(p50, Math.max(p50, p90 == null ? p50 : p90), true);
    if (estimate.p90Minutes() > WaitEstimate.DISPLAY_CAP_MINUTES) return text(lang, "common.over", Map.of());
    return estimate.rangeLowMinutes() + "–" + estimate.rangeHighMinutes() + " min";
  }

  private String text(String lang, String key, Map<String, String> values) {
    String template = byLanguage.get(lang).getProperty(key);
    if (template == null) template = byLanguage.get("en").getProperty(key);
    if (template == null) throw new IllegalStateException("no template " + key);
    Matcher m = PLACEHOLDER.matcher(template);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = values.get(m.group(1));
      if (value == null) throw new IllegalStateException("template " + key + " needs {" + m.group(1) + "}");
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static Properties load(String lang) {
    String path = "io/waitline/notify/templates/" + lang + ".properties";
    try (InputStream in = Templates.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) throw new IllegalStateException("missing " + path);
      Properties p = new Properties();
      p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

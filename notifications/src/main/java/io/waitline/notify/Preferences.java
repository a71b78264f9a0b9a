package io.waitline.notify;

import java.util.List;

/**
 * What a patient chose for their visit.
 *
 * @param channels channels in order of preference; empty means "the defaults for each kind"
 * @param language a language code (en, es, fr, ar), or null for the site's language
 * @param optedOut no messages at all for this visit
 */
public record Preferences(List<Channel> channels, String language, boolean optedOut) {
  public static final Preferences DEFAULT = new Preferences(List.of(), null, false);

  public Preferences {
    channels = channels == null ? List.of() : channels.stream().distinct().toList();
  }
}

package io.waitline.notify;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The order in which channels are tried for one message: the patient's preference (or the kind's default), keeping
 * only channels that are configured, that can reach this person, and that were not ruled out for this message.
 */
public final class FallbackPlan {
  private FallbackPlan() {}

  /**
   * @param reachable channels this person has an address on (a phone not opted out, an e-mail, a device token, a
   *     browser subscription)
   * @param configured channels this node has credentials for
   * @param excluded channels already ruled out for this message (rejected, or reported undelivered)
   */
  public static List<Channel> chain(Kind kind, Preferences prefs, Set<Channel> reachable, Set<Channel> configured,
      Set<Channel> excluded) {
    List<Channel> order = kind.audience() == Kind.Audience.PATIENT && !prefs.channels().isEmpty()
        ? prefs.channels() : kind.defaultChain();
    List<Channel> chain = new ArrayList<>();
    for (Channel c : order) {
      if (reachable.contains(c) && configured.contains(c) && !excluded.contains(c)) chain.add(c);
    }
    return List.copyOf(chain);
  }
}

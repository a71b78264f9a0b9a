package io.waitline.pay.store;

/** The co-pay settings that apply to one queue of one site. */
public final class Settings {
  private Settings() {}

  /** A site's currency (ISO 4217, lower case) and whether patients may skip the co-pay at the kiosk. */
  public record SiteSetting(String siteId, String currency, boolean kioskSkippable) {}

  /** A queue's co-pay in minor units and where it is collected: {@code kiosk}, {@code desk} or {@code none}. */
  public record QueueSetting(String queueId, long amountMinor, String collect) {}

  /** A card reader at a site, beside a kiosk or at the desk. */
  public record Reader(String readerId, String siteId, String station, String label) {}
}

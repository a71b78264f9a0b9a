package io.waitline.pay.processor;

/**
 * A processor's intent as Waitline needs it: no card data beyond brand and last 4.
 *
 * @param chargeRef the charge that moved money, once there is one
 * @param failure a sentence for the patient when the reader's last try was declined
 */
public record IntentView(String ref, IntentStatus status, long amountMinor, long capturedMinor, String chargeRef,
    String cardBrand, String cardLast4, String failure) {

  /** Where an intent stands, in the order it moves (a later status never goes back to an earlier one). */
  public enum IntentStatus {
    /** Waiting for a card; also after a decline, when the reader may try another card. */
    AWAITING_CARD,
    /** The reader is asking for the card. */
    ON_READER,
    /** The reader's last try was declined; another card may be tried. */
    DECLINED,
    /** Authorized, to be captured. */
    AUTHORIZED,
    SUCCEEDED,
    CANCELED
  }
}

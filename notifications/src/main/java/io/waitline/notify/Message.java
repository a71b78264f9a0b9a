package io.waitline.notify;

/**
 * One message rendered for one person in one language: every channel takes the part it needs.
 *
 * @param title push title and e-mail subject
 * @param text push body (the link opens on tap)
 * @param sms the SMS, with the link when the kind has one
 * @param emailBody the e-mail body: text, link and why the person receives it
 * @param link the patient's own page, or null for staff messages
 */
public record Message(String title, String text, String sms, String emailBody, String link) {}

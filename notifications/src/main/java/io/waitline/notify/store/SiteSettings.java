package io.waitline.notify.store;

import io.waitline.notify.QuietHours;

/** A site's stored notification settings: quiet hours (null: the default) and where staff alerts go. */
public record SiteSettings(QuietHours quietHours, String staffEmail, String staffPhone) {}

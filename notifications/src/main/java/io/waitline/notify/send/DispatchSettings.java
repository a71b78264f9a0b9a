package io.waitline.notify.send;

import io.waitline.notify.QuietHours;
import java.time.Duration;

/**
 * How the dispatcher works.
 *
 * @param lease how long a claim is exclusive; must exceed the slowest guarded call, since a claim whose lease runs
 *     out is taken over as "unknown"
 * @param unknownRecheck how long to wait before asking the provider again about an unknown outcome
 * @param roundBackoff wait after a round in which every channel failed; doubles per round up to {@code maxBackoff}
 * @param publicUrl base of patient links
 * @param countryCode calling code for national phone numbers (e.g. 44), or null
 * @param quietHours default quiet hours for sites without their own, or null for none
 * @param staffEmail default address for staff alerts, or null
 */
public record DispatchSettings(Duration lease, Duration unknownRecheck, Duration roundBackoff, Duration maxBackoff,
    int batch, String publicUrl, String countryCode, QuietHours quietHours, String staffEmail) {}

package io.waitline.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;

/**
 * A manager opens the insights page: today live per queue, the range's totals, the wait chart and the chart of a
 * chosen figure per queue per day, each with its numbers one click away, the figures by source and the source filter,
 * the arrivals heat map and the CSV links, all from the figures the server computed; and the page on a phone and a
 * large screen, shot for the README.
 */
class InsightsE2ETest {
  @RegisterExtension static final RunningServer server = RunningServer.withStaff();

  @Test
  void aManagerSeesTodayLiveTheChartsWithTheirNumbersAndTheArrivalsHeatMap() throws Exception {
    server.createStaff("max", "Max Manager", "max-manager-passphrase", "manager", "main");
    server.checkIn("lab", "Ina Insight");
    server.checkIn("lab", "Otto Insight");
    server.callNext("lab", "Room 1");
    try (Browser b = Browser.desktop()) {
      b.open(server.url("/insights/main"));
      b.signIn("max", "max-manager-passphrase");
      b.waitFor(d -> b.driver.findElements(By.cssSelector("#daily tr")).size() == 1);

      // today: one of the two still waits in the lab, the other was called within the hour (the demo site's
      // General practice has two staff on duty)
      assertThat(b.js("return [...document.querySelectorAll('#live tr')].map(r => [...r.cells]"
          + ".filter((c, i) => i !== 2).map(c => c.textContent).join('|')).join('; ')"))
          .isEqualTo("General practice|0|0|0|2; Blood tests|1|1|0|1");
      assertThat(b.text("#totals")).contains("2");
      // the chart is drawn, and its numbers are one click away
      assertThat(b.driver.findElements(By.cssSelector("#waits-chart .uplot canvas"))).hasSize(1);
      assertThat(b.visible("#daily tr")).isFalse();
      b.click("#waits-title + div + details summary");
      b.waitFor(d -> b.visible("#daily tr"));
      assertThat(b.text("#daily tr td:nth-child(2)")).isEqualTo("lab");
      assertThat(b.text("#daily tr td:nth-child(3)")).isEqualTo("2");
      // the second chart shows a figure per queue per day (P90 wait first), its numbers a table of days by queues
      assertThat(b.driver.findElements(By.cssSelector("#figure-chart .uplot canvas"))).hasSize(1);
      assertThat(b.visible("#figure-days tr")).isFalse();
      b.click("#figure-chart + details summary");
      b.waitFor(d -> b.visible("#figure-days tr"));
      assertThat(b.text("#figure-queues")).isEqualTo("Day lab");
      assertThat(b.text("#figure-days th")).isEqualTo(b.text("#daily tr td:nth-child(1)"));
      // another figure: nobody in the lab was a no-show, and nobody arrived for an appointment
      b.js("const s = document.getElementById('figure'); s.value = 'noShowRate';"
          + " s.dispatchEvent(new Event('change')); return null;");
      assertThat(b.text("#figure-days td")).isEqualTo("0%");
      b.js("const s = document.getElementById('figure'); s.value = 'lateShare';"
          + " s.dispatchEvent(new Event('change')); return null;");
      assertThat(b.text("#figure-days td")).isEqualTo("—");
      // both checked in at the desk: one source, the walk-ins, with both visits
      assertThat(b.js("return [...document.querySelectorAll('#by-source tr')].map(r => [...r.cells].slice(0, 2)"
          + ".map(c => c.textContent).join('|')).join('; ')")).isEqualTo("Walk-ins at the desk|2");
      // both arrivals in one hour of today's weekday: the busiest (darkest) cell
      assertThat(b.driver.findElements(By.cssSelector("#heat td.level-4"))).hasSize(1);
      assertThat(b.text("#heat td.level-4")).isEqualTo("2");
      assertThat(b.find("#csv-visits").getAttribute("href")).contains("/api/v1/sites/main/insights/visits?")
          .endsWith("&format=csv");
      // only patients checked in at a kiosk: none today, and the exports follow the filter
      b.js("document.getElementById('source').value = 'kiosk'; return null;");
      b.click("#range-form button[type=submit]");
      b.waitFor(d -> b.driver.findElements(By.cssSelector("#daily tr")).isEmpty());
      assertThat(b.driver.findElements(By.cssSelector("#by-source tr"))).isEmpty();
      assertThat(b.find("#csv-daily").getAttribute("href")).contains("&source=kiosk");
      // a range the server refuses: its sentence, and no figures of the last range under it; the exports keep it
      b.js("document.getElementById('from').value = '2026-12-31'; document.getElementById('to').value = '2026-01-01';"
          + " return null;");
      b.click("#range-form button[type=submit]");
      b.waitFor(d -> !b.text("#error").isEmpty());
      assertThat(b.visible("#totals")).as("the last range's totals are not shown under the refusal").isFalse();
      assertThat(b.find("#csv-daily").getAttribute("href")).contains("&source=kiosk").doesNotContain("2026-12-31");
    }
    // a site that does not exist: the server's sentence, not an empty page
    try (Browser b = Browser.desktop()) {
      b.open(server.url("/insights/nosuchsite"));
      b.signIn("max", "max-manager-passphrase");
      b.waitFor(d -> !b.text("#error").isEmpty());
      assertThat(b.text("#error")).contains("nosuchsite");
      assertThat(b.visible("#range-form")).isFalse();
    }
    // on a phone and a large screen nothing spills sideways; the README shows both (see ScreenshotsE2ETest)
    try (Browser phone = Browser.phone(); Browser tv = Browser.tv()) {
      for (var entry : Map.of("phone", phone, "tv", tv).entrySet()) {
        Browser b = entry.getValue();
        b.open(server.url("/insights/main"));
        b.signIn("max", "max-manager-passphrase");
        b.waitFor(d -> b.driver.findElements(By.cssSelector("#waits-chart .uplot canvas")).size() == 1);
        b.shoot("insights-" + entry.getKey());
      }
    }
  }
}

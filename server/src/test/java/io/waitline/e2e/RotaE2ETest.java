package io.waitline.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * A manager plans a queue's week on the admin page: a refused rota shows the server's sentence and saves nothing, a
 * corrected one is saved and is there when the page is opened again.
 */
class RotaE2ETest {
  @RegisterExtension static final RunningServer server = RunningServer.withStaff();

  /** Sets a native time picker's value (its look and typing order depend on the browser's locale). */
  private static void time(Browser b, WebElement input, String hhmm) {
    b.js("arguments[0].value = arguments[1]", input, hhmm);
  }

  private static WebElement row(Browser b, int n) {
    return b.driver.findElements(By.cssSelector("#rota-rows tr")).get(n);
  }

  @Test
  void aManagerSavesAQueuesWeekAfterTheServerRefusedOverlappingShifts() throws Exception {
    server.createStaff("mia", "Mia Manager", "mia-manager-passphrase", "manager", "main");
    try (Browser b = Browser.desktop()) {
      b.open(server.url("/admin#rota"));
      b.signIn("mia", "mia-manager-passphrase");
      b.waitFor(d -> b.visible("#section-rota") && b.driver.findElements(
          By.cssSelector("#rota-queue option[value='lab']")).size() == 1);
      new Select(b.find("#rota-queue")).selectByValue("lab");
      b.waitFor(d -> b.visible("#no-rota"));

      b.click("#rota-add");
      WebElement first = row(b, 0);
      first.findElement(By.cssSelector(".rota-desk")).sendKeys("Room 1");
      time(b, first.findElement(By.cssSelector(".rota-from")), "08:00");
      time(b, first.findElement(By.cssSelector(".rota-to")), "12:00");
      // the next shift starts as a copy of the last, a day later; put it on Monday over the first one's end
      b.click("#rota-add");
      WebElement second = row(b, 1);
      assertThat(new Select(second.findElement(By.cssSelector(".rota-day")))
          .getFirstSelectedOption().getAttribute("value")).isEqualTo("tuesday");
      new Select(second.findElement(By.cssSelector(".rota-day"))).selectByValue("monday");
      time(b, second.findElement(By.cssSelector(".rota-from")), "11:00");
      time(b, second.findElement(By.cssSelector(".rota-to")), "13:00");
      b.click("#rota-save");

      b.waitFor(d -> !b.text("#rota-error").isEmpty());
      assertThat(b.text("#rota-error")).isEqualTo("The shifts Monday 08:00–12:00 at Room 1 and 11:00–13:00 "
          + "overlap; one desk works one shift at a time (two people at once are two desks, a break is a gap).");
      assertThat(server.getObject("/api/v1/queues/lab/rota").getJsonArray("shifts")).isEmpty();

      // a lunch break: the afternoon shift starts after the morning one ends
      time(b, second.findElement(By.cssSelector(".rota-from")), "13:00");
      time(b, second.findElement(By.cssSelector(".rota-to")), "17:00");
      b.click("#rota-save");
      b.waitFor(d -> b.text("#flash").equals("The rota of Blood tests is saved."));
      assertThat(b.text("#rota-error")).isEmpty();
      JsonArray expected = new JsonArray()
          .add(new JsonObject().put("day", "monday").put("desk", "Room 1").put("from", "08:00").put("to", "12:00"))
          .add(new JsonObject().put("day", "monday").put("desk", "Room 1").put("from", "13:00").put("to", "17:00"));
      assertThat(server.getObject("/api/v1/queues/lab/rota").getJsonArray("shifts")).isEqualTo(expected);

      // opened again, the page shows the saved week
      b.driver.navigate().refresh();
      b.waitFor(d -> b.driver.findElements(
          By.cssSelector("#rota-queue option[value='lab']")).size() == 1);
      new Select(b.find("#rota-queue")).selectByValue("lab");
      b.waitFor(d -> b.driver.findElements(By.cssSelector("#rota-rows tr")).size() == 2);
      assertThat(b.js("return [...document.querySelectorAll('#rota-rows tr')].map(r => "
          + "r.querySelector('.rota-day').value + ' ' + r.querySelector('.rota-desk').value + ' '"
          + " + r.querySelector('.rota-from').value + '-' + r.querySelector('.rota-to').value).join('; ')"))
          .isEqualTo("monday Room 1 08:00-12:00; monday Room 1 13:00-17:00");
      assertThat(b.text("#rota-rows tr:first-child .rota-day option:checked")).isEqualTo("Monday");
    }
  }
}

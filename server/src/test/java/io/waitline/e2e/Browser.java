package io.waitline.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * One headless Debian Chromium driven through Debian's chromedriver (never a downloaded one: the driver and browser
 * paths are given, so Selenium Manager is not asked), with a fresh profile and an exact viewport.
 */
final class Browser implements AutoCloseable {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  /** The longest any test waits for the page to show something. */
  static final Duration PATIENCE = Duration.ofSeconds(10);

  final ChromeDriver driver;
  final int width;
  private final ChromeDriverService service;
  private final Path profile;

  /** Kept referenced: a logger only configured through a temporary reference may be collected and forget it. */
  private static final Logger SELENIUM_LOG = Logger.getLogger("org.openqa.selenium");

  static {
    // chromium is newer than Selenium's CDP bindings; plain WebDriver needs none of them, so no warning each start
    SELENIUM_LOG.setLevel(Level.SEVERE);
  }

  /**
   * Skips (with the reason) where Chromium is not installed — but under CI ({@code CI=true}, where .ci/run installs
   * it) a missing browser fails the run instead of skipping every browser test unseen.
   */
  static void assumeInstalled() {
    requireOrSkip(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER), System.getenv("CI"));
  }

  static void requireOrSkip(boolean installed, String ci) {
    if (installed) return;
    String why = "browser tests need Debian's chromium and chromium-driver at " + CHROMIUM + " and " + CHROMEDRIVER
        + " (apt-get install chromium chromium-driver)";
    if ("true".equalsIgnoreCase(ci)) fail(why + "; with CI=true they must run, not be skipped");
    assumeTrue(false, why);
  }

  static Browser phone() throws IOException {
    return new Browser(390, 844, true);
  }

  static Browser tv() throws IOException {
    return new Browser(1920, 1080, false);
  }

  static Browser desktop() throws IOException {
    return new Browser(1366, 900, false);
  }

  Browser(int width, int height, boolean mobile) throws IOException {
    this.width = width;
    System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
    profile = Files.createTempDirectory("waitline-chromium-");
    service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort()
        .withLogOutput(java.io.OutputStream.nullOutputStream()).build();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toString());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
        "--user-data-dir=" + profile, "--window-size=" + width + "," + height,
        // like a waiting-room screen set up to speak without a tap
        "--autoplay-policy=no-user-gesture-required");
    driver = new ChromeDriver(service, options);
    driver.executeCdpCommand("Emulation.setDeviceMetricsOverride",
        Map.of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", mobile));
  }

  void open(String url) {
    driver.get(url);
  }

  <T> T waitFor(Function<WebDriver, T> condition) {
    return waitFor(PATIENCE, condition);
  }

  <T> T waitFor(Duration patience, Function<WebDriver, T> condition) {
    // lists are redrawn on every live update, so an element found a moment ago may be gone: look again
    return new WebDriverWait(driver, patience, Duration.ofMillis(50))
        .ignoring(StaleElementReferenceException.class).until(condition);
  }

  /** Waits until the element's text is {@code expected}; a timeout names the text it had. */
  void waitForText(String css, String expected) {
    new WebDriverWait(driver, PATIENCE, Duration.ofMillis(50)).ignoring(StaleElementReferenceException.class)
        .withMessage(() -> css + " should read \"" + expected + "\" but reads \"" + text(css) + "\"")
        .until(d -> text(css).equals(expected));
  }

  /** Waits until a kiosk page shows {@code screen} ({@code welcome}, {@code ticket}, …: its body's data-screen). */
  void waitForScreen(String screen) {
    waitFor(d -> screen.equals(find("body").getAttribute("data-screen")));
  }

  WebElement find(String css) {
    return driver.findElement(By.cssSelector(css));
  }

  /** Clicks the element, finding it again if a live update redrew it just then. */
  void click(String css) {
    waitFor(d -> {
      d.findElement(By.cssSelector(css)).click();
      return true;
    });
  }

  /** Text of the element, or "" while it does not exist. */
  String text(String css) {
    var found = driver.findElements(By.cssSelector(css));
    return found.isEmpty() ? "" : found.get(0).getText();
  }

  boolean visible(String css) {
    var found = driver.findElements(By.cssSelector(css));
    return !found.isEmpty() && found.get(0).isDisplayed();
  }

  Object js(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(script, args);
  }

  /** Fills the sign-in form of a desk or admin page and sends it (the answer is the caller's to wait for). */
  void submitSignIn(String username, String password) {
    waitFor(d -> visible("#signin-password"));
    find("#signin-username").clear();
    find("#signin-username").sendKeys(username);
    find("#signin-password").sendKeys(password);
    find("#signin-submit").click();
  }

  /** Signs a desk or admin page in through its form and waits for the page behind it. */
  void signIn(String username, String password) {
    submitSignIn(username, password);
    waitFor(d -> visible("#app"));
  }

  /** Types a pairing code into the pairing screen of a TV or kiosk page and waits for the page to take it. */
  void pair(String code) {
    waitFor(d -> visible("#pair-code"));
    find("#pair-code").sendKeys(code);
    find("#pair-submit").click();
    waitFor(d -> !visible("#pair-code"));
  }

  /** Where {@link #shoot} writes: target/screenshots, or the folder in -Dwaitline.screenshots (docs/screenshots). */
  static final Path SCREENSHOTS = Path.of(System.getProperty("waitline.screenshots", "target/screenshots"));

  /** Checks that the page does not spill sideways, then writes its screenshot as {@code name}.png. */
  void shoot(String name) throws Exception {
    Thread.sleep(150); // let the last frame paint
    // a phone lays a too-wide page out wider than its screen, so compare with the screen itself
    long overflow = (Long) js("return Math.max(document.documentElement.scrollWidth, window.innerWidth)") - width;
    assertThat(overflow).as(name + " spills sideways by px").isLessThanOrEqualTo(0);
    screenshot(SCREENSHOTS.resolve(name + ".png"));
  }

  void screenshot(Path file) throws IOException {
    Files.createDirectories(file.getParent());
    Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
  }

  @Override
  public void close() throws IOException {
    try {
      driver.quit();
    } finally {
      service.stop();
      try (Stream<Path> files = Files.walk(profile)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}

package io.waitline.e2e;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/** Browser tests skip where no browser is installed, except under CI, where a missing browser fails the run. */
class BrowserRequirementTest {
  @Test
  void aMissingBrowserFailsTheRunUnderCi() {
    assertThatThrownBy(() -> Browser.requireOrSkip(false, "true")).isInstanceOf(AssertionFailedError.class)
        .hasMessageContaining("CI=true");
  }

  @Test
  void aMissingBrowserSkipsOutsideCi() {
    assertThatThrownBy(() -> Browser.requireOrSkip(false, null)).isInstanceOf(TestAbortedException.class)
        .hasMessageContaining("chromium-driver");
  }

  @Test
  void anInstalledBrowserRunsEverywhere() {
    assertThatCode(() -> Browser.requireOrSkip(true, "true")).doesNotThrowAnyException();
  }
}

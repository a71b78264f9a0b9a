package io.waitline.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ArgsTest {
  private static final List<String> KNOWN = List.of("base-url", "password", "desks", "seconds");

  @Test
  void readsValuesCountsAndListsWithFallbacks() {
    Args a = new Args(new String[] {"--base-url", "http://127.0.0.1:8080//", "--desks", "1, 2,8"}, KNOWN);
    assertThat(a.baseUrl()).isEqualTo("http://127.0.0.1:8080");
    assertThat(a.counts("desks", List.of())).containsExactly(1, 2, 8);
    assertThat(a.count("seconds", 20)).isEqualTo(20);
    assertThat(a.password(Map.of("WAITLINE_BENCH_PASSWORD", "from-env"))).isEqualTo("from-env");
  }

  @Test
  void refusesUnknownOptionsMissingValuesAndNegativeCounts() {
    assertThatThrownBy(() -> new Args(new String[] {"--calls", "5"}, KNOWN)).hasMessageContaining("unknown option");
    assertThatThrownBy(() -> new Args(new String[] {"--seconds"}, KNOWN)).hasMessageContaining("needs a value");
    Args a = new Args(new String[] {"--seconds", "-3", "--desks", "2,x"}, KNOWN);
    assertThatThrownBy(() -> a.count("seconds", 1)).hasMessageContaining("--seconds must be a whole number");
    assertThatThrownBy(() -> a.counts("desks", List.of())).hasMessageContaining("got 'x'");
    assertThatThrownBy(() -> a.password(Map.of())).hasMessageContaining("WAITLINE_BENCH_PASSWORD");
  }
}

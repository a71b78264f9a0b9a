package io.waitline.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigTest {
  @Test
  void noConfigurationMeansEmbeddedDatabaseOnPort8080WithDemoData() {
    Config c = Config.load(Map.of());
    assertThat(c.database()).isNull();
    assertThat(c.httpPort()).isEqualTo(8080);
    assertThat(c.demoData()).isTrue();
    assertThat(c.dataDir().toString()).endsWith("data");
    assertThat(c.publicUrl()).isEqualTo("http://localhost:8080");
  }

  @Test
  void databaseUrlIsParsedAndCredentialOverridesWin() {
    Config c = Config.load(Map.of("DATABASE_URL", "postgresql://wl:secret@db.internal:6543/waitline",
        "DATABASE_PASSWORD", "other"));
    assertThat(c.database()).isEqualTo(new Config.Database("db.internal", 6543, "waitline", "wl", "other"));
    assertThat(Config.load(Map.of("DATABASE_URL", "jdbc:postgresql://h/db")).database().port()).isEqualTo(5432);
  }

  @Test
  void badValuesAreRefusedWithASentenceNamingTheKey() {
    assertThatThrownBy(() -> Config.load(Map.of("WAITLINE_HTTP_PORT", "eighty")))
        .hasMessageContaining("WAITLINE_HTTP_PORT").hasMessageContaining("whole number");
    assertThatThrownBy(() -> Config.load(Map.of("DATABASE_URL", "mysql://h/db")))
        .hasMessageContaining("postgresql://");
    assertThatThrownBy(() -> Config.load(Map.of("DATABASE_URL", "postgresql://host-only")))
        .hasMessageContaining("database name");
  }

  @Test
  void publicUrlLosesItsTrailingSlash() {
    assertThat(Config.load(Map.of("WAITLINE_PUBLIC_URL", "https://q.example.org/")).publicUrl())
        .isEqualTo("https://q.example.org");
  }
}

package io.waitline.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The texts of the web faces: one JSON file per language, complete in every language. */
class TranslationsTest {
  private static final Path WEBROOT = Path.of("src/main/resources/webroot");
  private static final Set<String> LANGUAGES = Set.of("en", "es", "fr", "ar");
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{(\\w+)}");
  private static final Pattern USED_IN_HTML = Pattern.compile("data-i18n(?:-[a-z-]+)?=\"([\\w.]+)\"");
  // literal keys only: t('status.' + s) builds its key at run time
  private static final Pattern USED_IN_JS = Pattern.compile("\\bt\\('([\\w.]*\\w)'");

  @Test
  void everyLanguageHasExactlyTheEnglishKeys() throws IOException {
    Set<String> english = texts("en").fieldNames();
    for (String lang : LANGUAGES) {
      Set<String> missing = new TreeSet<>(english);
      missing.removeAll(texts(lang).fieldNames());
      Set<String> extra = new TreeSet<>(texts(lang).fieldNames());
      extra.removeAll(english);
      assertThat(missing).as("keys missing from %s.json", lang).isEmpty();
      assertThat(extra).as("keys in %s.json that English does not have", lang).isEmpty();
    }
  }

  @Test
  void everyTranslationKeepsThePlaceholdersOfTheEnglishText() throws IOException {
    JsonObject english = texts("en");
    for (String lang : LANGUAGES) {
      JsonObject texts = texts(lang);
      for (String key : english.fieldNames()) {
        assertThat(placeholders(texts.getString(key, "")))
            .as("placeholders of %s in %s.json", key, lang).isEqualTo(placeholders(english.getString(key)));
      }
    }
  }

  @Test
  void everyKeyThePagesUseHasAText() throws IOException {
    Set<String> used = new TreeSet<>();
    try (Stream<Path> files = Files.walk(WEBROOT)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".html") || f.toString().endsWith(".js")).toList()) {
        Pattern pattern = file.toString().endsWith(".html") ? USED_IN_HTML : USED_IN_JS;
        Matcher m = pattern.matcher(Files.readString(file));
        while (m.find()) used.add(m.group(1));
      }
    }
    assertThat(used).as("keys used by the pages").hasSizeGreaterThan(100);
    used.removeAll(texts("en").fieldNames());
    assertThat(used).as("keys the pages use that en.json lacks").isEmpty();
  }

  private static JsonObject texts(String lang) throws IOException {
    return new JsonObject(Files.readString(WEBROOT.resolve("i18n").resolve(lang + ".json")));
  }

  private static Set<String> placeholders(String text) {
    Set<String> names = new TreeSet<>();
    Matcher m = PLACEHOLDER.matcher(text);
    while (m.find()) names.add(m.group(1));
    return names;
  }
}

package io.waitline.edge;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The edge is packaged by job and its packages depend one way: handlers and feeds use the pipeline and the wire
 * shapes, never the other way round, and nothing but the router ({@code io.waitline.edge}) sees every package.
 */
class EdgePackagesTest {
  private static final Path SOURCES = Path.of("src/main/java/io/waitline/edge");
  private static final Pattern EDGE_IMPORT = Pattern.compile("^import (?:static )?io\\.waitline\\.edge\\.(\\w+)\\.",
      Pattern.MULTILINE);
  /** Which other edge packages each package may use. */
  private static final Map<String, Set<String>> ALLOWED = Map.of(
      "pipeline", Set.of(),
      "wire", Set.of(),
      "rest", Set.of("pipeline", "wire"),
      "fhir", Set.of("pipeline", "wire"),
      "feed", Set.of("pipeline", "wire"),
      "oidc", Set.of("pipeline"),
      "pages", Set.of("pipeline"));

  @Test
  void everyPackageUsesOnlyThePackagesBelowIt() throws IOException {
    Set<String> violations = new TreeSet<>();
    try (Stream<Path> files = Files.walk(SOURCES)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        Path relative = SOURCES.relativize(file);
        if (relative.getNameCount() == 1) continue; // the router wires every package
        String pkg = relative.getName(0).toString();
        assertThat(ALLOWED).as("package %s has a declared place in the edge", pkg).containsKey(pkg);
        Matcher m = EDGE_IMPORT.matcher(Files.readString(file));
        while (m.find()) {
          String used = m.group(1);
          if (!used.equals(pkg) && !ALLOWED.get(pkg).contains(used)) violations.add(relative + " uses " + used);
        }
      }
    }
    assertThat(violations).isEmpty();
  }

  @Test
  void noPackageUsesTheRouter() throws IOException {
    Set<String> users = new TreeSet<>();
    try (Stream<Path> files = Files.walk(SOURCES)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        if (SOURCES.relativize(file).getNameCount() == 1) continue;
        if (Pattern.compile("^import io\\.waitline\\.edge\\.[A-Z]", Pattern.MULTILINE)
            .matcher(Files.readString(file)).find()) {
          users.add(SOURCES.relativize(file).toString());
        }
      }
    }
    assertThat(users).isEmpty();
  }
}

package io.waitline.load;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@code --name value} pairs of a benchmark's command line, checked against the names it knows. */
final class Args {
  private final Map<String, String> values = new HashMap<>();

  Args(String[] args, List<String> known) {
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--") || !known.contains(arg.substring(2))) {
        throw new IllegalArgumentException("unknown option " + arg);
      }
      if (i + 1 >= args.length) throw new IllegalArgumentException(arg + " needs a value");
      values.put(arg.substring(2), args[++i]);
    }
  }

  String get(String name, String fallback) {
    return values.getOrDefault(name, fallback);
  }

  String required(String name) {
    String v = values.get(name);
    if (v == null) throw new IllegalArgumentException("--" + name + " is required");
    return v;
  }

  /** --base-url without trailing slashes. */
  String baseUrl() {
    return required("base-url").replaceAll("/+$", "");
  }

  /** --password, or the environment's WAITLINE_BENCH_PASSWORD so it stays out of process listings. */
  String password(Map<String, String> env) {
    String password = values.getOrDefault("password", env.get("WAITLINE_BENCH_PASSWORD"));
    if (password == null) throw new IllegalArgumentException("--password or WAITLINE_BENCH_PASSWORD is required");
    return password;
  }

  int count(String name, int fallback) {
    String v = values.get(name);
    return v == null ? fallback : count(name, v);
  }

  /** A comma-separated list of counts, e.g. {@code --desks 1,2,4,8}. */
  List<Integer> counts(String name, List<Integer> fallback) {
    String v = values.get(name);
    if (v == null) return fallback;
    return Arrays.stream(v.split(",")).map(part -> count(name, part.trim())).toList();
  }

  private static int count(String name, String v) {
    try {
      int n = Integer.parseInt(v);
      if (n < 0) throw new NumberFormatException();
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + name + " must be a whole number of zero or more, got '" + v + "'");
    }
  }
}

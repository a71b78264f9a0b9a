package io.waitline.access;

import io.vertx.core.Future;
import java.util.Set;

/**
 * The sites that exist, asked of the module that owns them (the node wires it to queue-core's API): access reads no
 * table of another module.
 */
public interface Sites {
  /** Those of {@code siteIds} that name no site; empty when all exist. */
  Future<Set<String>> unknown(Set<String> siteIds);
}

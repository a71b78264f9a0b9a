package io.waitline.access;

import io.vertx.core.Future;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Who the audited entries are about, asked of the module that owns entries (the node wires it to queue-core's API):
 * access reads no table of another module.
 */
public interface AuditSubjects {
  /** The patient of an entry, as an audit reader sees it. */
  record Subject(String name, String mrn, String ticket) {}

  /** The subject of each of {@code entryIds} that still exists; entries that do not are left out. */
  Future<Map<UUID, Subject>> of(Set<UUID> entryIds);
}

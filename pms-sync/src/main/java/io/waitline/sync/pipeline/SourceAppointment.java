package io.waitline.sync.pipeline;

import io.waitline.sync.source.Mapping;
import java.time.Instant;
import java.util.List;

/**
 * One appointment as every source kind hands it to the pipeline, after the source's own format is read.
 *
 * @param keys what routing rules can match (location, practitioner, service...)
 * @param patient null when the source record names no patient the pipeline could read
 */
public record SourceAppointment(Visit visit, Instant start, List<Mapping.Key> keys, SourcePatient patient) {}

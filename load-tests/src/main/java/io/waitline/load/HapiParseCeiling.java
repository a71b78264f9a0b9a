package io.waitline.load;

import ca.uhn.fhir.context.FhirContext;
import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.Bundle;

/**
 * How many appointments a second HAPI FHIR alone parses from the import's own pages, on this machine, with nothing
 * else to do: no HTTP, no mapping, no database. An import that reads its pages through HAPI's model (as a Waitline
 * FHIR source does, through HAPI's generic client) cannot go faster than this on the same cores, so the import's
 * rate is read against it in the same run.
 */
final class HapiParseCeiling {
  private HapiParseCeiling() {
  }

  /**
   * Parses {@code pages} (search-set Bundles as the FHIR server sent them) round-robin on {@code threads} threads,
   * each with a parser of its own as HAPI's client makes one per response; after {@code warmupMillis} (the JIT's),
   * counts the appointments of the pages parsed within {@code measuredMillis}.
   *
   * @return threads, pages and appointments parsed, the seconds counted, appointments/s, and the threads' CPU microseconds per appointment
   */
  static JsonObject measure(List<String> pages, int threads, long warmupMillis, long measuredMillis)
      throws InterruptedException {
    FhirContext fhir = FhirContext.forR4Cached();
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    AtomicBoolean counting = new AtomicBoolean();
    AtomicBoolean done = new AtomicBoolean();
    AtomicLong appointments = new AtomicLong();
    AtomicLong pagesParsed = new AtomicLong();
    AtomicLong cpuNanos = new AtomicLong();
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int first = t;
      Thread w = new Thread(() -> {
        long mine = 0;
        long myPages = 0;
        long cpuAtStart = -1;
        for (int i = first; !done.get(); i++) {
          boolean inWindow = counting.get();
          if (inWindow && cpuAtStart < 0) cpuAtStart = mx.getCurrentThreadCpuTime();
          Bundle page = fhir.newJsonParser().parseResource(Bundle.class, pages.get(i % pages.size()));
          if (inWindow && !done.get()) {
            myPages++;
            for (Bundle.BundleEntryComponent e : page.getEntry()) {
              if (e.getResource() instanceof Appointment) mine++;
            }
          }
        }
        appointments.addAndGet(mine);
        pagesParsed.addAndGet(myPages);
        if (cpuAtStart >= 0) cpuNanos.addAndGet(mx.getCurrentThreadCpuTime() - cpuAtStart);
      }, "hapi-parse-" + t);
      workers.add(w);
      w.start();
    }
    Thread.sleep(warmupMillis);
    counting.set(true);
    long t0 = System.nanoTime();
    Thread.sleep(measuredMillis);
    done.set(true);
    double seconds = (System.nanoTime() - t0) / 1e9;
    for (Thread w : workers) w.join();
    long parsed = appointments.get();
    return new JsonObject().put("threads", threads).put("pages", pagesParsed.get()).put("appointments", parsed)
        .put("seconds", Math.round(seconds * 10) / 10.0)
        .put("appointmentsPerSecond", Math.round(parsed / seconds))
        .put("cpuMicrosPerAppointment", parsed == 0 ? null : Math.round(cpuNanos.get() / 1000.0 / parsed));
  }
}

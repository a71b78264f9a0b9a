package io.waitline.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EncodedPagesTest {
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void aSourcesSearchAfterEncodingIsAnsweredFromTheKeptPagesWithEveryAppointmentOnce() throws Exception {
    try (ScheduleServer schedule = new ScheduleServer(1200, Instant.parse("2026-12-03T08:00:00Z"), 4)) {
      assertThat(schedule.encodePages(500)).isEqualTo(3);

      // the search as a Waitline source words it, with filters the encoding run did not send
      List<String> appointments = new ArrayList<>();
      String url = schedule.baseUrl() + "/Appointment?date=ge2026-12-02&date=lt2026-12-05"
          + "&_include=Appointment%3Apatient&_sort=_lastUpdated&_count=500";
      while (url != null) {
        JsonObject page = new JsonObject(get(url));
        for (Object e : page.getJsonArray("entry", new JsonArray())) {
          JsonObject resource = ((JsonObject) e).getJsonObject("resource");
          if ("Appointment".equals(resource.getString("resourceType"))) appointments.add(resource.getString("id"));
        }
        url = page.getJsonArray("link").stream().map(JsonObject.class::cast)
            .filter(l -> "next".equals(l.getString("relation"))).map(l -> l.getString("url")).findFirst().orElse(null);
      }

      assertThat(appointments).hasSize(1200).doesNotHaveDuplicates();
      assertThat(schedule.pagesServedAsKept()).isEqualTo(3);
    }
  }

  @Test
  void aPageOfAnotherSizeIsLeftToHapisServer() throws Exception {
    try (ScheduleServer schedule = new ScheduleServer(30, Instant.parse("2026-12-03T08:00:00Z"), 1)) {
      schedule.encodePages(20);

      JsonObject page = new JsonObject(get(schedule.baseUrl() + "/Appointment?_include=Appointment%3Apatient&_count=10"));

      assertThat(page.getJsonArray("entry")).hasSize(20); // 10 appointments with their 10 patients
      assertThat(schedule.pagesServedAsKept()).isZero();
    }
  }

  private String get(String url) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).header("Accept", "application/fhir+json")
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }
}

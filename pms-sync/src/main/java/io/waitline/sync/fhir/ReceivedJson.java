package io.waitline.sync.fhir;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Resource;

/**
 * The JSON text each resource of a Bundle had as the source sent it, so that a record can keep the source's own
 * words instead of HAPI encoding every resource again (which cost more than reading it). One streaming pass over
 * the Bundle's text that skips what lies inside each resource.
 */
final class ReceivedJson {
  private static final JsonFactory JSON = new JsonFactory();

  private ReceivedJson() {}

  /**
   * The text of each resource of {@code bundle}, parsed from {@code json}, by resource (identity). A resource is
   * left out when its entry's text does not name the same type and id (then its record is encoded by HAPI); all are
   * when {@code json} is not that Bundle's text.
   */
  static Map<Resource, String> of(Bundle bundle, String json) {
    Map<Resource, String> texts = new IdentityHashMap<>();
    if (json == null) return texts;
    List<Bundle.BundleEntryComponent> entries = bundle.getEntry();
    try (JsonParser p = JSON.createParser(json)) {
      if (p.nextToken() != JsonToken.START_OBJECT) return texts;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        boolean isEntry = "entry".equals(p.currentName());
        if (p.nextToken() == JsonToken.START_ARRAY && isEntry) {
          int i = 0;
          for (JsonToken t = p.nextToken(); t == JsonToken.START_OBJECT; t = p.nextToken(), i++) {
            Text text = resourceOfEntry(p, json);
            Resource r = i < entries.size() ? entries.get(i).getResource() : null;
            if (text != null && r != null && r.fhirType().equals(text.type())
                && Objects.equals(r.getIdElement().getIdPart(), text.id())) {
              texts.put(r, text.json());
            }
          }
          if (i != entries.size()) return new IdentityHashMap<>();
        } else {
          p.skipChildren();
        }
      }
    } catch (IOException e) {
      return new IdentityHashMap<>();
    }
    return texts;
  }

  /** A resource's type, id and text as sent. */
  private record Text(String type, String id, String json) {}

  /** Reads one entry object (the parser on its START_OBJECT) up to its END_OBJECT; its resource, or null. */
  private static Text resourceOfEntry(JsonParser p, String json) throws IOException {
    Text found = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      boolean isResource = "resource".equals(p.currentName());
      if (p.nextToken() == JsonToken.START_OBJECT && isResource) {
        int start = (int) p.currentTokenLocation().getCharOffset();
        String type = null;
        String id = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String field = p.currentName();
          JsonToken value = p.nextToken();
          if (value == JsonToken.VALUE_STRING && "resourceType".equals(field)) type = p.getText();
          else if (value == JsonToken.VALUE_STRING && "id".equals(field)) id = p.getText();
          else p.skipChildren();
        }
        int end = (int) p.currentTokenLocation().getCharOffset() + 1;
        found = new Text(type, id, json.substring(start, end));
      } else {
        p.skipChildren();
      }
    }
    return found;
  }
}

package io.waitline.sync.source;

import static io.waitline.queue.Refused.Kind.INVALID;

import io.vertx.core.json.JsonObject;
import io.waitline.sync.SyncException;

/**
 * How Waitline authenticates to a source. Secrets (token, password, private key) are write-only: {@link #publicJson()}
 * never carries them and they are stored sealed.
 */
public sealed interface SourceAuth {

  /** The settings a client may see again, without secrets. */
  JsonObject publicJson();

  /** The secret parts, sealed before storage; empty when there are none. */
  JsonObject secrets();

  record None() implements SourceAuth {
    public JsonObject publicJson() {
      return new JsonObject().put("type", "none");
    }

    public JsonObject secrets() {
      return new JsonObject();
    }
  }

  record Bearer(String token) implements SourceAuth {
    public JsonObject publicJson() {
      return new JsonObject().put("type", "bearer");
    }

    public JsonObject secrets() {
      return new JsonObject().put("token", token);
    }

    @Override
    public String toString() {
      return "Bearer[token hidden]";
    }
  }

  record Basic(String username, String password) implements SourceAuth {
    public JsonObject publicJson() {
      return new JsonObject().put("type", "basic").put("username", username);
    }

    public JsonObject secrets() {
      return new JsonObject().put("password", password);
    }

    @Override
    public String toString() {
      return "Basic[" + username + ", password hidden]";
    }
  }

  /**
   * SMART Backend Services: a client-credentials grant whose client assertion is a JWT signed with the client's
   * private key (RS384 or ES384), as EHRs grant system access.
   *
   * @param privateKeyPem PKCS#8 PEM of the signing key
   * @param keyId the {@code kid} the EHR knows the public key by
   */
  record SmartBackend(String tokenUrl, String clientId, String scope, String algorithm, String keyId,
      String privateKeyPem) implements SourceAuth {
    public JsonObject publicJson() {
      return new JsonObject().put("type", "smart-backend").put("tokenUrl", tokenUrl).put("clientId", clientId)
          .put("scope", scope).put("algorithm", algorithm).put("keyId", keyId);
    }

    public JsonObject secrets() {
      return new JsonObject().put("privateKey", privateKeyPem);
    }

    @Override
    public String toString() {
      return "SmartBackend[" + clientId + " at " + tokenUrl + ", key hidden]";
    }
  }

  /**
   * Reads auth settings from a request body ({@code secrets} null) or from storage (public part plus unsealed
   * secrets).
   */
  static SourceAuth from(JsonObject json, JsonObject secrets) {
    if (json == null) return new None();
    JsonObject s = secrets != null ? secrets : json;
    String type = json.getString("type", "none");
    return switch (type) {
      case "none" -> new None();
      case "bearer" -> new Bearer(required(s, "token", "A bearer token source needs auth.token."));
      case "basic" -> new Basic(required(json, "username", "Basic auth needs auth.username."),
          required(s, "password", "Basic auth needs auth.password."));
      case "smart-backend" -> {
        String alg = json.getString("algorithm", "RS384");
        if (!alg.equals("RS384") && !alg.equals("ES384")) {
          throw new SyncException(INVALID, "SMART Backend Services signs with RS384 or ES384, not " + alg + ".");
        }
        yield new SmartBackend(
            required(json, "tokenUrl", "SMART Backend Services needs auth.tokenUrl, the EHR's token endpoint."),
            required(json, "clientId", "SMART Backend Services needs auth.clientId."),
            json.getString("scope", "system/Appointment.read system/Patient.read"), alg, json.getString("keyId"),
            required(s, "privateKey", "SMART Backend Services needs auth.privateKey, a PKCS#8 PEM key."));
      }
      default -> throw new SyncException(INVALID,
          "Auth type '" + type + "' is not known; use none, bearer, basic or smart-backend.");
    };
  }

  private static String required(JsonObject json, String key, String sentence) {
    String v = json.getString(key);
    if (v == null || v.isBlank()) throw new SyncException(INVALID, sentence);
    return v;
  }
}

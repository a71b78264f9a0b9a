package io.waitline.edge.rest;

import io.waitline.edge.pipeline.AuditTrail;
import io.waitline.edge.pipeline.Caller;
import io.waitline.edge.pipeline.JsonReply;
import io.waitline.edge.pipeline.Problems;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.waitline.access.DeviceKind;
import io.waitline.access.DeviceRecord;
import io.waitline.access.Devices;
import io.waitline.access.Pairing;
import io.waitline.access.Principal;
import io.waitline.queue.command.QueueCommands;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * Enrolling waiting-room displays and kiosks: an admin creates a one-time pairing code for a site, the device trades it
 * for its token, and revoking a device stops its token and closes its open feeds at once.
 */
public final class DeviceApi {
  private final Devices devices;
  private final QueueCommands commands;

  public DeviceApi(Devices devices, QueueCommands commands) {
    this.devices = devices;
    this.commands = commands;
  }

  /** The OpenAPI operations this class answers. */
  public void register(Map<String, Handler<RoutingContext>> ops) {
    ops.put("createDevicePairing", this::createPairing);
    ops.put("listDevices", this::list);
    ops.put("pairDevice", this::pair);
    ops.put("revokeDevice", this::revoke);
  }

  private void createPairing(RoutingContext rc) {
    JsonObject in = rc.body().asJsonObject();
    DeviceKind kind = DeviceKind.fromWire(in.getString("kind")).orElseThrow(); // the contract admits only known kinds
    String name = in.getString("name").trim();
    if (name.isEmpty()) throw new Problems.BadRequest("Give the device a name people recognise, such as Lobby TV.");
    Principal by = Caller.of(rc);
    String createdBy = by.id() != null ? by.id() : by.displayName();
    JsonReply.send(rc, 201, devices.startPairing(rc.pathParam("siteId"), kind, name, createdBy)
        .map(DeviceApi::pairingJson));
  }

  private void list(RoutingContext rc) {
    String siteId = rc.pathParam("siteId");
    JsonReply.send(rc, 200, commands.site(siteId).compose(site -> devices.list(siteId))
        .map(all -> new JsonArray(all.stream().map(DeviceApi::deviceJson).toList())));
  }

  /** Public: the code is the credential. On success the request is the new device's, for the audit log. */
  /** The device's token is handed out only once the pairing is in the audit log; otherwise it is revoked (503). */
  private void pair(RoutingContext rc) {
    JsonReply.send(rc, 201, devices.pair(rc.body().asJsonObject().getString("code")).compose(paired -> {
      DeviceRecord d = paired.device();
      Caller.set(rc, new Principal.Device(d.id().toString(), d.siteId(), d.kind(), d.name()));
      Caller.site(rc, d.siteId());
      return AuditTrail.recordBeforeAnswer(rc, 201)
          .map(v -> new JsonObject().put("token", paired.token()).put("device", deviceJson(d)))
          .recover(err -> devices.revoke(d.id())
              .transform(revoked -> Future.failedFuture(new Problems.AuditUnavailable(err))));
    }));
  }

  private void revoke(RoutingContext rc) {
    UUID id = UUID.fromString(rc.pathParam("deviceId"));
    JsonReply.send(rc, 200, devices.revoke(id).map(d -> {
      Caller.site(rc, d.siteId());
      return deviceJson(d); // its feeds close on every node (AccessChanges, once the answer goes out)
    }));
  }

  static JsonObject deviceJson(DeviceRecord d) {
    return new JsonObject()
        .put("id", d.id().toString())
        .put("siteId", d.siteId())
        .put("kind", d.kind().wire())
        .put("name", d.name())
        .put("createdAt", text(d.createdAt()))
        .put("lastSeenAt", text(d.lastSeenAt()))
        .put("revokedAt", text(d.revokedAt()));
  }

  private static JsonObject pairingJson(Pairing p) {
    return new JsonObject()
        .put("code", p.code())
        .put("siteId", p.siteId())
        .put("kind", p.kind().wire())
        .put("name", p.name())
        .put("expiresAt", text(p.expiresAt()));
  }

  private static String text(Instant at) {
    return at == null ? null : at.toString();
  }
}

package dev.parley.api.devices;

import dev.parley.api.accounts.CredentialRules;
import dev.parley.api.http.BearerAuth;
import dev.parley.shared.ids.Ids;
import dev.parley.api.http.JsonBody;
import dev.parley.api.http.Replies;
import dev.parley.shared.auth.AccessClaims;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** {@code /v1/devices}: list, rename and remove the caller's own devices. */
public final class DeviceRoutes {
  private final DeviceService devices;
  private final BearerAuth auth;
  private final dev.parley.api.push.PushRegistrations push;

  /** @param push deletes a removed device's push endpoint */
  public DeviceRoutes(DeviceService devices, BearerAuth auth, dev.parley.api.push.PushRegistrations push) {
    this.devices = devices;
    this.auth = auth;
    this.push = push;
  }

  public void mount(Router router) {
    router.get("/v1/devices").handler(auth).handler(this::list);
    router.patch("/v1/devices/:deviceId").handler(auth).handler(this::rename);
    router.delete("/v1/devices/:deviceId").handler(auth).handler(this::remove);
  }

  private void list(RoutingContext ctx) {
    AccessClaims caller = BearerAuth.caller(ctx);
    Replies.json(ctx, 200, devices.list(caller.userId(), caller.deviceId()));
  }

  private void rename(RoutingContext ctx) {
    AccessClaims caller = BearerAuth.caller(ctx);
    var deviceId = Ids.parse("deviceId", ctx.pathParam("deviceId"));
    String name = CredentialRules.name("name", JsonBody.read(ctx, "name").string("name"));
    Replies.json(ctx, 200, devices.rename(caller.userId(), caller.deviceId(), deviceId, name));
  }

  private void remove(RoutingContext ctx) {
    AccessClaims caller = BearerAuth.caller(ctx);
    var deviceId = Ids.parse("deviceId", ctx.pathParam("deviceId"));
    // The endpoint goes after the removal is committed: a removed device must never get another push.
    Replies.noContent(ctx, devices.remove(caller.userId(), deviceId)
        .compose(v -> push.forgetQuietly(deviceId)));
  }
}

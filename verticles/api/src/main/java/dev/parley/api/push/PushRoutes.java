package dev.parley.api.push;

import dev.parley.shared.Refusal;
import dev.parley.api.http.BearerAuth;
import dev.parley.shared.ids.Ids;
import dev.parley.api.http.JsonBody;
import dev.parley.api.http.Replies;
import dev.parley.shared.ErrorCode;
import dev.parley.shared.auth.AccessClaims;
import dev.parley.shared.push.PushPlatform;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** {@code /v1/devices/{deviceId}/push}: a device registers, reads and removes its own push token. */
public final class PushRoutes {
  private final PushRegistrations registrations;
  private final BearerAuth auth;

  public PushRoutes(PushRegistrations registrations, BearerAuth auth) {
    this.registrations = registrations;
    this.auth = auth;
  }

  public void mount(Router router) {
    router.put("/v1/devices/:deviceId/push").handler(auth).handler(this::register);
    router.get("/v1/devices/:deviceId/push").handler(auth).handler(this::get);
    router.delete("/v1/devices/:deviceId/push").handler(auth).handler(this::unregister);
  }

  private void register(RoutingContext ctx) {
    AccessClaims caller = BearerAuth.caller(ctx);
    var deviceId = Ids.parse("deviceId", ctx.pathParam("deviceId"));
    JsonBody body = JsonBody.read(ctx, "platform", "token");
    String name = body.string("platform");
    PushPlatform platform = PushPlatform.parse(name).orElseThrow(() -> new Refusal(
        ErrorCode.UNKNOWN_PUSH_PLATFORM, "platform", "platform must be one of apns, apns_sandbox, fcm"));
    String token = body.string("token");
    if (!platform.validToken(token)) {
      throw new Refusal(ErrorCode.INVALID_PUSH_TOKEN, "token", platform == PushPlatform.FCM
          ? "an FCM token is 32-4096 characters of A-Z a-z 0-9 _ : . -" : "an APNs token is 64 hex characters");
    }
    Replies.json(ctx, 200, registrations.register(caller.userId(), caller.deviceId(), deviceId, platform, token));
  }

  private void get(RoutingContext ctx) {
    Replies.json(ctx, 200, registrations.get(BearerAuth.caller(ctx).userId(), Ids.parse("deviceId", ctx.pathParam("deviceId"))));
  }

  private void unregister(RoutingContext ctx) {
    AccessClaims caller = BearerAuth.caller(ctx);
    Replies.noContent(ctx, registrations.unregister(caller.userId(), caller.deviceId(), Ids.parse("deviceId", ctx.pathParam("deviceId"))));
  }
}

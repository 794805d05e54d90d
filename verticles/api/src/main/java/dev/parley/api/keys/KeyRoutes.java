package dev.parley.api.keys;

import dev.parley.shared.Refusal;
import dev.parley.api.http.BearerAuth;
import dev.parley.shared.ids.Ids;
import dev.parley.api.http.JsonBody;
import dev.parley.api.http.Replies;
import dev.parley.shared.ErrorCode;
import dev.parley.shared.auth.AccessClaims;
import io.vertx.core.json.JsonArray;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * The key directory's routes (docs/e2ee.md, openapi.yaml tag {@code keys}). Binary values are standard base64 with
 * padding (RFC 4648 §4), one accepted spelling: a value that does not re-encode to itself is refused.
 */
public final class KeyRoutes {
  /** A KeyPackage of suite 0x0001 is a few hundred bytes; this bounds one encoded value. */
  private static final int MAX_VALUE_BYTES = 4096;

  private final KeyDirectoryService keys;
  private final BearerAuth auth;

  public KeyRoutes(KeyDirectoryService keys, BearerAuth auth) {
    this.keys = keys;
    this.auth = auth;
  }

  public void mount(Router router) {
    router.put("/v1/keys/signature-key").handler(auth).handler(this::register);
    router.post("/v1/keys/key-packages").handler(auth).handler(this::upload);
    router.post("/v1/users/:userId/key-packages/claim").handler(auth).handler(this::claim);
    router.get("/v1/users/:userId/device-keys").handler(auth).handler(this::deviceKeys);
    router.get("/v1/users/:userId/device-key-log").handler(auth).handler(this::keyLog);
  }

  private void register(RoutingContext ctx) {
    AccessClaims caller = BearerAuth.caller(ctx);
    byte[] key = base64("signatureKey", JsonBody.read(ctx, "signatureKey").string("signatureKey"));
    Replies.json(ctx, 200, keys.registerSignatureKey(caller.userId(), caller.deviceId(), key));
  }

  private void upload(RoutingContext ctx) {
    AccessClaims caller = BearerAuth.caller(ctx);
    JsonBody body = JsonBody.read(ctx, "oneTime", "lastResort");
    List<byte[]> oneTime = base64List(ctx.body().asJsonObject().getValue("oneTime"));
    String lastResort = body.optionalString("lastResort");
    Replies.json(ctx, 200, keys.upload(caller.deviceId(), oneTime,
        lastResort == null ? null : base64("lastResort", lastResort)));
  }

  private void claim(RoutingContext ctx) {
    BearerAuth.caller(ctx);
    Replies.json(ctx, 200, keys.claim(Ids.parse("userId", ctx.pathParam("userId"))));
  }

  private void deviceKeys(RoutingContext ctx) {
    BearerAuth.caller(ctx);
    Replies.json(ctx, 200, keys.deviceKeys(Ids.parse("userId", ctx.pathParam("userId"))));
  }

  private void keyLog(RoutingContext ctx) {
    BearerAuth.caller(ctx);
    // Same query rules as history: each parameter at most once, decimal digits only, else 400 naming it.
    List<String> values = ctx.queryParams().getAll("afterSeq");
    long afterSeq = 0;
    if (!values.isEmpty()) {
      if (values.size() > 1 || !values.get(0).matches("0|[1-9][0-9]{0,17}")) {
        throw new Refusal(ErrorCode.BAD_REQUEST, "afterSeq", "'afterSeq' must appear once, as a whole number");
      }
      afterSeq = Long.parseLong(values.get(0));
    }
    Replies.json(ctx, 200, keys.keyLog(Ids.parse("userId", ctx.pathParam("userId")), afterSeq));
  }

  private static List<byte[]> base64List(Object value) {
    if (!(value instanceof JsonArray array)) {
      throw new Refusal(ErrorCode.INVALID_FIELD, "oneTime", "field 'oneTime' is required (an array of "
          + "base64 strings, possibly empty)");
    }
    if (array.size() > KeyDirectoryService.MAX_BATCH) {
      throw new Refusal(ErrorCode.INVALID_FIELD, "oneTime", "at most " + KeyDirectoryService.MAX_BATCH
          + " packages per upload");
    }
    List<byte[]> out = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      if (!(array.getValue(i) instanceof String s)) {
        throw new Refusal(ErrorCode.INVALID_FIELD, "oneTime[" + i + "]", "must be a base64 string");
      }
      out.add(base64("oneTime[" + i + "]", s));
    }
    return out;
  }

  static byte[] base64(String field, String text) {
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw new Refusal(ErrorCode.INVALID_FIELD, field, "'" + field + "' is not standard base64");
    }
    if (bytes.length == 0 || bytes.length > MAX_VALUE_BYTES
        || !Arrays.equals(text.getBytes(java.nio.charset.StandardCharsets.US_ASCII),
            Base64.getEncoder().encode(bytes))) {
      throw new Refusal(ErrorCode.INVALID_FIELD, field, "'" + field + "' must be 1.." + MAX_VALUE_BYTES
          + " bytes in standard padded base64");
    }
    return bytes;
  }
}

package dev.parley.api.http;

import dev.parley.shared.ErrorCode;
import io.vertx.ext.web.RoutingContext;

import java.util.UUID;
import java.util.regex.Pattern;

/** UUIDs from paths and bodies, in canonical form only (UUID.fromString alone accepts "1-1-1-1-1"). */
public final class Ids {
  private static final Pattern CANONICAL =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  private Ids() {
  }

  public static UUID parse(String field, String value) {
    if (value == null || !CANONICAL.matcher(value).matches()) {
      throw ApiException.field(ErrorCode.INVALID_FIELD, field, "'" + field + "' must be a UUID");
    }
    return UUID.fromString(value);
  }

  public static UUID pathParam(RoutingContext ctx, String name) {
    return parse(name, ctx.pathParam(name));
  }
}

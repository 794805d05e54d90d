package dev.parley.api.http;

import dev.parley.shared.ErrorCode;
import dev.parley.shared.Refusal;
import dev.parley.shared.ids.Ids;
import dev.parley.shared.json.StrictJson;
import dev.parley.shared.text.Texts;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * A strictly read JSON request body: the content type must be JSON (else 415), the body one strict JSON object
 * (RFC 8259: no comments, no duplicate names; else 400 {@code malformed_json}), no NUL or lone surrogate in any
 * string (else 422 {@code invalid_field}),
 * every field one the route declares (else 422 {@code unknown_field}) and of the declared type (else 422
 * {@code invalid_field}). Being strict now lets fields be added later without old clients' typos meaning something.
 */
public final class JsonBody {
  private final JsonObject json;

  private JsonBody(JsonObject json) {
    this.json = json;
  }

  /** Reads the body of {@code ctx}, allowing exactly {@code fields}. Throws {@link Refusal}. */
  public static JsonBody read(RoutingContext ctx, String... fields) {
    String type = ctx.request().getHeader("content-type");
    if (type == null || !type.toLowerCase(java.util.Locale.ROOT).matches("application/json\\s*(;.*)?")) {
      throw Refusal.of(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "the request body must be application/json");
    }
    Object parsed;
    try {
      parsed = ctx.body().buffer() == null ? null : StrictJson.decode(ctx.body().buffer());
    } catch (DecodeException e) {
      throw Refusal.of(ErrorCode.MALFORMED_JSON, "the request body is not valid JSON");
    }
    if (!(parsed instanceof JsonObject object)) {
      throw Refusal.of(ErrorCode.MALFORMED_JSON, "the request body must be a JSON object");
    }
    Set<String> allowed = Set.of(fields);
    for (String name : object.fieldNames()) {
      if (!allowed.contains(name)) {
        // A name that is not clean text is not echoed (it could not be written back as JSON).
        Texts.require("field name", name);
        throw new Refusal(ErrorCode.UNKNOWN_FIELD, name, "unknown field '" + name + "'; allowed: "
            + String.join(", ", fields));
      }
    }
    Texts.requireClean(object, null);
    return new JsonBody(object);
  }

  public String string(String field) {
    String value = optionalString(field);
    if (value == null) {
      throw missing(field, "a string");
    }
    return value;
  }

  public String optionalString(String field) {
    Object value = json.getValue(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof String s)) {
      throw wrongType(field, "a string");
    }
    return s;
  }

  public UUID uuid(String field) {
    UUID value = optionalUuid(field);
    if (value == null) {
      throw missing(field, "a UUID string");
    }
    return value;
  }

  public UUID optionalUuid(String field) {
    Object value = json.getValue(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof String s)) {
      throw wrongType(field, "a UUID string");
    }
    return Ids.parse(field, s);
  }

  /** A required boolean. */
  public boolean bool(String field) {
    Object value = json.getValue(field);
    if (value == null) {
      throw missing(field, "true or false");
    }
    if (!(value instanceof Boolean b)) {
      throw wrongType(field, "true or false");
    }
    return b;
  }

  /** A required array of UUID strings, at most {@code max} long. */
  public List<UUID> uuidList(String field, int max) {
    Object value = json.getValue(field);
    if (value == null) {
      throw missing(field, "an array of UUID strings");
    }
    if (!(value instanceof JsonArray array)) {
      throw wrongType(field, "an array of UUID strings");
    }
    if (array.size() > max) {
      throw new Refusal(ErrorCode.INVALID_FIELD, field, "'" + field + "' has more than " + max + " entries");
    }
    List<UUID> out = new ArrayList<>(array.size());
    for (Object item : array) {
      if (!(item instanceof String s)) {
        throw wrongType(field, "an array of UUID strings");
      }
      out.add(Ids.parse(field, s));
    }
    return out;
  }

  /**
   * A required whole number; a number beyond the range of a long reads as {@link Long#MAX_VALUE} (so a size limit
   * refuses it as too large rather than as malformed). Fractions and other types are refused.
   */
  public long wholeNumber(String field) {
    Object value = json.getValue(field);
    if (value == null) {
      throw missing(field, "a whole number");
    }
    if (value instanceof Integer || value instanceof Long) {
      return ((Number) value).longValue();
    }
    if (value instanceof java.math.BigInteger big) {
      return big.signum() < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
    throw wrongType(field, "a whole number");
  }

  private static Refusal missing(String field, String expected) {
    return new Refusal(ErrorCode.INVALID_FIELD, field, "field '" + field + "' is required (" + expected + ")");
  }

  private static Refusal wrongType(String field, String expected) {
    return new Refusal(ErrorCode.INVALID_FIELD, field, "field '" + field + "' must be " + expected);
  }
}

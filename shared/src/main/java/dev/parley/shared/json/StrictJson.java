package dev.parley.shared.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.jackson.JacksonCodec;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Strict JSON (RFC 8259) for everything that comes from outside: Vert.x's own codec enables Jackson's
 * {@code ALLOW_COMMENTS} for every parse ({@code JacksonCodec}'s static initialiser), so {@code /*c*&#47;{}} was a
 * valid body and a valid frame. This factory keeps every leniency off (comments, single quotes, unquoted names,
 * NaN, leading zeros, trailing commas) and refuses duplicate names, so one document has one meaning.
 */
public final class StrictJson {
  private static final JsonFactory FACTORY = JsonFactory.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build();

  private StrictJson() {
  }

  /** One JSON value (object, array, string, number, boolean or null) and nothing after it. */
  public static Object decode(String text) {
    try {
      return wrap(JacksonCodec.fromParser(FACTORY.createParser(text), Object.class));
    } catch (IOException e) {
      throw new DecodeException("Failed to decode: " + e.getMessage(), e);
    }
  }

  public static Object decode(Buffer buffer) {
    try {
      return wrap(JacksonCodec.fromParser(FACTORY.createParser(buffer.getBytes()), Object.class));
    } catch (IOException e) {
      throw new DecodeException("Failed to decode: " + e.getMessage(), e);
    }
  }

  @SuppressWarnings("unchecked")
  private static Object wrap(Object value) {
    if (value instanceof Map<?, ?> map) {
      return new JsonObject((Map<String, Object>) map);
    }
    if (value instanceof List<?> list) {
      return new JsonArray((List<Object>) list);
    }
    return value;
  }
}

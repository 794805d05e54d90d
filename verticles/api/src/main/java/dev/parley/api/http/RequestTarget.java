package dev.parley.api.http;

import dev.parley.shared.ErrorCode;
import dev.parley.shared.Refusal;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The first handler of every request: the path and query must be well-formed percent-encoding (else 400
 * {@code bad_request}) of UTF-8 text without NUL (else 422 {@code invalid_field}, field {@code path} or
 * {@code query}). Checked once here, before any route decodes a parameter, so no route can see a NUL (which
 * PostgreSQL refuses: a 500) or have invalid UTF-8 silently turned into U+FFFD.
 */
public final class RequestTarget implements Handler<RoutingContext> {

  @Override
  public void handle(RoutingContext ctx) {
    check("path", ctx.request().path());
    String query = ctx.request().query();
    if (query != null) {
      check("query", query);
    }
    ctx.next();
  }

  static void check(String field, String raw) {
    ByteBuffer bytes = ByteBuffer.allocate(raw.length() * 4);
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%') {
        int hi = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
        int lo = hi < 0 ? -1 : Character.digit(raw.charAt(i + 2), 16);
        if (lo < 0) {
          throw new Refusal(ErrorCode.BAD_REQUEST, field, "the " + field + " has a malformed percent-escape");
        }
        bytes.put((byte) (hi << 4 | lo));
        i += 2;
      } else {
        bytes.put(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
      }
    }
    bytes.flip();
    CharBuffer text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(bytes);
    } catch (CharacterCodingException e) {
      throw new Refusal(ErrorCode.INVALID_FIELD, field, "the " + field + " is not percent-encoded UTF-8");
    }
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) == '\u0000') {
        throw new Refusal(ErrorCode.INVALID_FIELD, field, "the " + field + " contains NUL (%00)");
      }
    }
  }
}

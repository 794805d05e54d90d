package dev.parley.gateway;

import dev.parley.shared.ErrorCode;
import dev.parley.chatstate.ChatRefusal;
import dev.parley.chatstate.ChatStateService;
import dev.parley.shared.config.ParleyConfig;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.WeakHashMap;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * The chat-state frames a client sends (docs/protocol.md, "Chats, read state, receipts, typing"): {@code read},
 * {@code delivered} and {@code typing}. Each is validated strictly, rate-limited per socket (its own buckets, apart
 * from sends), checked for membership and handed to {@link ChatStateService}; a refusal is an {@code error} frame
 * naming the frame type and channel, and the socket stays open. Event-loop only.
 */
final class ChatFrameHandler {
  private static final Logger LOG = LoggerFactory.getLogger(ChatFrameHandler.class);
  static final Set<String> TYPES = Set.of("read", "delivered", "typing");
  private static final Pattern UUID_TEXT =
      Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
  private static final long MAX_SEQ = 1L << 53;

  private record Buckets(TokenBucket state, TokenBucket typing) {
  }

  private final ChatStateService chats;
  private final ParleyConfig.ChatConfig config;
  private final LongSupplier nowMs;
  // Keyed by the session object itself: entries go when a closed session is garbage.
  private final Map<Session, Buckets> buckets = new WeakHashMap<>();

  ChatFrameHandler(ChatStateService chats, ParleyConfig.ChatConfig config, LongSupplier nowMs) {
    this.chats = chats;
    this.config = config;
    this.nowMs = nowMs;
  }

  /** Handles a frame whose type is one of {@link #TYPES}. */
  void onFrame(Session s, String type, JsonObject frame) {
    long now = nowMs.getAsLong();
    Buckets b = buckets.computeIfAbsent(s, x -> new Buckets(
        new TokenBucket(config.stateRatePerSecond(), config.stateBurst(), now),
        new TokenBucket(config.typingRatePerSecond(), config.typingBurst(), now)));
    TokenBucket bucket = "typing".equals(type) ? b.typing() : b.state();
    if (!bucket.tryTake(now)) {
      s.write(error(ErrorCode.RATE_LIMITED, type + " rate limit exceeded", type, frame.getValue("channelId"))
          .put("retryAfterMs", bucket.msUntilNext(now)));
      return;
    }
    Future<?> done;
    try {
      UUID channelId = channel(frame);
      done = switch (type) {
        case "read" -> {
          only(frame, "type", "channelId", "seq");
          yield chats.markRead(s.userId, s.deviceId, channelId, seq(frame));
        }
        case "delivered" -> {
          only(frame, "type", "channelId", "seq");
          yield chats.delivered(s.userId, channelId, seq(frame));
        }
        default -> {
          only(frame, "type", "channelId", "state");
          yield chats.typing(s.userId, s.deviceId, channelId, typingState(frame));
        }
      };
    } catch (FrameException e) {
      s.write(e.toFrame().put("frame", type));
      return;
    }
    done.onFailure(err -> {
      if (err instanceof ChatRefusal r) {
        s.write(error(r.code(), r.getMessage(), type, frame.getValue("channelId")));
      } else {
        LOG.warn("device {}: {} frame for channel {} failed: {}", s.deviceId, type, frame.getValue("channelId"),
            err.toString());
        s.write(error(ErrorCode.UNAVAILABLE, type + " not applied, retry", type, frame.getValue("channelId")));
      }
    });
  }

  private static JsonObject error(ErrorCode code, String message, String type, Object channelId) {
    JsonObject f = FrameException.errorFrame(code, message, null).put("frame", type);
    if (channelId instanceof String c) {
      f.put("channelId", c);
    }
    return f;
  }

  private static void only(JsonObject frame, String... allowed) {
    Set<String> ok = Set.of(allowed);
    for (String field : frame.fieldNames()) {
      if (!ok.contains(field)) {
        throw new FrameException(ErrorCode.INVALID_FIELD, "unknown field '" + field + "' in " + frame.getString("type"));
      }
    }
  }

  private static UUID channel(JsonObject frame) {
    Object v = frame.getValue("channelId");
    if (!(v instanceof String s) || !UUID_TEXT.matcher(s).matches()) {
      throw new FrameException(ErrorCode.INVALID_FIELD, "channelId must be a UUID");
    }
    return UUID.fromString(s);
  }

  private static long seq(JsonObject frame) {
    Object v = frame.getValue("seq");
    if (!(v instanceof Integer || v instanceof Long) || ((Number) v).longValue() < 0
        || ((Number) v).longValue() > MAX_SEQ) {
      throw new FrameException(ErrorCode.INVALID_FIELD, "seq must be an integer from 0 to 2^53");
    }
    return ((Number) v).longValue();
  }

  private static boolean typingState(JsonObject frame) {
    Object v = frame.getValue("state", "start");
    if ("start".equals(v)) {
      return true;
    }
    if ("stop".equals(v)) {
      return false;
    }
    throw new FrameException(ErrorCode.INVALID_FIELD, "state must be \"start\" or \"stop\"");
  }
}

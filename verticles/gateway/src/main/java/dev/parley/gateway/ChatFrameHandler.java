package dev.parley.gateway;

import dev.parley.shared.ErrorCode;
import dev.parley.chatstate.ChatStateService;
import dev.parley.shared.Refusal;
import dev.parley.shared.ids.Ids;
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

/**
 * The chat-state frames a client sends (docs/protocol.md, "Chats, read state, receipts, typing"): {@code read},
 * {@code delivered} and {@code typing}. Each is validated strictly, rate-limited per socket (its own buckets, apart
 * from sends), checked for membership and handed to {@link ChatStateService}; a refusal is an {@code error} frame
 * naming the frame type and channel, and the socket stays open. Event-loop only.
 */
final class ChatFrameHandler {
  private static final Logger LOG = LoggerFactory.getLogger(ChatFrameHandler.class);
  static final Set<String> TYPES = Set.of("read", "delivered", "typing");
  /** The largest seq a JSON number carries exactly everywhere (2^53-1). */
  private static final long MAX_SEQ = (1L << 53) - 1;

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
      s.write(error(Refusal.of(ErrorCode.RATE_LIMITED, type + " rate limit exceeded"), type, frame)
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
    } catch (Refusal r) {
      s.write(error(r, type, frame));
      return;
    }
    done.onFailure(err -> {
      if (err instanceof Refusal r) {
        s.write(error(r, type, frame));
      } else {
        LOG.warn("device {}: {} frame for channel {} failed: {}", s.deviceId, type, frame.getValue("channelId"),
            err.toString());
        s.write(error(Refusal.of(ErrorCode.UNAVAILABLE, type + " not applied, retry"), type, frame));
      }
    });
  }

  private static JsonObject error(Refusal r, String type, JsonObject frame) {
    return ErrorFrames.echo(ErrorFrames.of(r).put("frame", type), frame, "channelId");
  }

  private static void only(JsonObject frame, String... allowed) {
    Set<String> ok = Set.of(allowed);
    for (String field : frame.fieldNames()) {
      if (!ok.contains(field)) {
        throw new Refusal(ErrorCode.INVALID_FIELD, field, "unknown field '" + field + "' in " + frame.getString("type"));
      }
    }
  }

  private static UUID channel(JsonObject frame) {
    return Ids.parse("channelId", frame.getValue("channelId"));
  }

  private static long seq(JsonObject frame) {
    Object v = frame.getValue("seq");
    if (!(v instanceof Integer || v instanceof Long) || ((Number) v).longValue() < 0
        || ((Number) v).longValue() > MAX_SEQ) {
      throw new Refusal(ErrorCode.INVALID_FIELD, "seq", "seq must be an integer from 0 to 2^53-1");
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
    throw new Refusal(ErrorCode.INVALID_FIELD, "state", "state must be \"start\" or \"stop\"");
  }
}

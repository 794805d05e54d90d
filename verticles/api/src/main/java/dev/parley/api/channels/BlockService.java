package dev.parley.api.channels;

import dev.parley.shared.Refusal;
import dev.parley.shared.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.UUID;

/** Blocks: a blocked user can open no new DM with the blocker and cannot add them to groups. Idempotent both ways. */
public final class BlockService {
  private final Pool pg;
  private final Clock clock;

  public BlockService(Pool pg, Clock clock) {
    this.pg = pg;
    this.clock = clock;
  }

  public Future<JsonObject> block(UUID caller, UUID userId) {
    if (caller.equals(userId)) {
      return Future.failedFuture(new Refusal(ErrorCode.INVALID_FIELD, "userId", "cannot block yourself"));
    }
    OffsetDateTime now = OffsetDateTime.now(clock);
    return pg.preparedQuery("INSERT INTO blocks (blocker_id, blocked_id, created_at) SELECT $1, id, $3 FROM users "
            + "WHERE id = $2 ON CONFLICT DO NOTHING").execute(Tuple.of(caller, userId, now))
        .compose(rows -> rows.rowCount() == 1 ? Future.succeededFuture()
            : pg.preparedQuery("SELECT 1 FROM users WHERE id = $1").execute(Tuple.of(userId))
                .compose(users -> users.size() == 1 ? Future.succeededFuture()
                    : Future.failedFuture(new Refusal(ErrorCode.USER_NOT_FOUND, "userId", "no user " + userId))))
        .map(v -> new JsonObject().put("userId", userId.toString()));
  }

  public Future<Void> unblock(UUID caller, UUID userId) {
    return pg.preparedQuery("DELETE FROM blocks WHERE blocker_id = $1 AND blocked_id = $2")
        .execute(Tuple.of(caller, userId)).mapEmpty();
  }

  public Future<JsonObject> list(UUID caller) {
    return pg.preparedQuery("SELECT blocked_id, created_at FROM blocks WHERE blocker_id = $1 ORDER BY created_at")
        .execute(Tuple.of(caller))
        .map(rows -> {
          JsonArray blocked = new JsonArray();
          rows.forEach(row -> blocked.add(new JsonObject().put("userId", row.getUUID("blocked_id").toString())
              .put("blockedAt", row.getOffsetDateTime("created_at").toInstant().toString())));
          return new JsonObject().put("blocks", blocked);
        });
  }
}

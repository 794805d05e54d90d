package dev.parley.api.mls;

import dev.parley.api.channels.MembershipService;
import dev.parley.shared.ErrorCode;
import dev.parley.shared.Refusal;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.util.Base64;
import java.util.UUID;

/**
 * What the message role stores as MLS Delivery Service, read over REST (docs/e2ee.md "Delivery Service protocol",
 * migration V6): a channel's GroupInfo + ratchet tree per kept epoch (members only) and a device's Welcome inbox
 * (the device itself only).
 */
public final class MlsDeliveryService {

  private final Pool pg;
  private final MembershipService members;

  public MlsDeliveryService(Pool pg, MembershipService members) {
    this.pg = pg;
    this.members = members;
  }

  /** The current epoch's (or {@code epoch}'s, when not null) GroupInfo and ratchet tree of a channel. */
  public Future<JsonObject> groupInfo(UUID caller, UUID channelId, Long epoch) {
    String sql = "SELECT epoch, seq, group_info, ratchet_tree FROM mls_epochs WHERE channel_id = $1"
        + (epoch == null ? " ORDER BY epoch DESC LIMIT 1" : " AND epoch = $2");
    Tuple args = epoch == null ? Tuple.of(channelId) : Tuple.of(channelId, epoch);
    return members.requireMember(caller, channelId)
        .compose(v -> pg.preparedQuery(sql).execute(args))
        .map(rows -> {
          if (rows.size() == 0) {
            throw epoch == null
                ? Refusal.of(ErrorCode.MLS_GROUP_NOT_FOUND, "no commit was accepted in this channel yet (epoch 0)")
                : new Refusal(ErrorCode.MLS_EPOCH_NOT_FOUND, "epoch", "epoch " + epoch + " is not kept");
          }
          Row row = rows.iterator().next();
          return new JsonObject().put("channelId", channelId.toString()).put("epoch", row.getLong("epoch"))
              .put("seq", row.getLong("seq")).put("groupInfo", b64(row.getBuffer("group_info").getBytes()))
              .put("ratchetTree", b64(row.getBuffer("ratchet_tree").getBytes()));
        });
  }

  /** The calling device's Welcomes, oldest first. */
  public Future<JsonObject> welcomes(UUID device) {
    return pg.preparedQuery("SELECT welcome_id, channel_id, epoch, seq, welcome, created_at FROM mls_welcomes "
            + "WHERE device_id = $1 ORDER BY created_at, welcome_id").execute(Tuple.of(device))
        .map(rows -> {
          JsonArray list = new JsonArray();
          rows.forEach(r -> list.add(new JsonObject().put("welcomeId", r.getUUID("welcome_id").toString())
              .put("channelId", r.getUUID("channel_id").toString()).put("epoch", r.getLong("epoch"))
              .put("seq", r.getLong("seq")).put("welcome", b64(r.getBuffer("welcome").getBytes()))
              .put("createdAt", r.getOffsetDateTime("created_at").toInstant().toString())));
          return new JsonObject().put("welcomes", list);
        });
  }

  /** Deletes one of the calling device's Welcomes; another device's, or none, is {@code welcome_not_found}. */
  public Future<Void> deleteWelcome(UUID device, UUID welcomeId) {
    return pg.preparedQuery("DELETE FROM mls_welcomes WHERE welcome_id = $1 AND device_id = $2")
        .execute(Tuple.of(welcomeId, device))
        .map(rows -> {
          if (rows.rowCount() == 0) {
            throw Refusal.of(ErrorCode.WELCOME_NOT_FOUND, "no such welcome for this device");
          }
          return null;
        });
  }

  private static String b64(byte[] bytes) {
    return Base64.getEncoder().encodeToString(bytes);
  }
}

package dev.parley.push;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

import java.util.UUID;

/** Display names of senders, read only when {@code push.showSenderName} is on. */
public final class SenderNames {
  private final Pool pg;

  public SenderNames(Pool pg) {
    this.pg = pg;
  }

  public Future<String> of(UUID userId) {
    return pg.preparedQuery("SELECT display_name FROM users WHERE id = $1").execute(Tuple.of(userId))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getString("display_name"));
  }
}

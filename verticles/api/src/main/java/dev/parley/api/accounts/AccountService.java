package dev.parley.api.accounts;

import dev.parley.shared.Refusal;
import dev.parley.shared.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

/** Accounts: signup, password check, profile. Passwords only ever pass through {@link PasswordHasher}. */
public final class AccountService {
  private static final Logger LOG = LoggerFactory.getLogger(AccountService.class);
  private static final String UNIQUE_VIOLATION = "23505";

  private final Pool pg;
  private final PasswordHasher hasher;
  private final Clock clock;

  public AccountService(Pool pg, PasswordHasher hasher, Clock clock) {
    this.pg = pg;
    this.hasher = hasher;
    this.clock = clock;
  }

  /** Creates an account; {@code username_taken} if the name exists in any letter case. */
  public Future<JsonObject> signup(String username, String password, String displayName) {
    UUID id = UUID.randomUUID();
    // Microseconds: what PostgreSQL stores, so the signup answer equals every later read of the profile.
    OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC)
        .truncatedTo(java.time.temporal.ChronoUnit.MICROS);
    return hasher.hash(password)
        .compose(hash -> pg.preparedQuery("INSERT INTO users (id, username, display_name, password_hash, created_at, "
                + "updated_at) VALUES ($1, $2, $3, $4, $5, $5)")
            .execute(Tuple.of(id, username, displayName, hash, now)))
        .recover(err -> Future.failedFuture(err instanceof PgException pe && UNIQUE_VIOLATION.equals(pe.getSqlState())
            ? new Refusal(ErrorCode.USERNAME_TAKEN, "username", "username '" + username + "' is taken") : err))
        .map(v -> new JsonObject().put("userId", id.toString()).put("username", username)
            .put("displayName", displayName).put("createdAt", now.toInstant().toString()));
  }

  /**
   * The user id for a correct username and password, else {@code invalid_credentials} — the same answer, and about
   * the same time, whether the username exists or not, so login cannot be used to discover accounts.
   */
  public Future<UUID> authenticate(String username, String password) {
    return pg.preparedQuery("SELECT id, password_hash FROM users WHERE lower(username) = lower($1)")
        .execute(Tuple.of(username))
        .compose(rows -> {
          if (rows.size() == 0) {
            return hasher.hash(password).compose(ignored -> Future.failedFuture(invalidCredentials()));
          }
          Row row = rows.iterator().next();
          UUID id = row.getUUID("id");
          String stored = row.getString("password_hash");
          return hasher.verify(password, stored).compose(ok -> {
            if (!ok) {
              return Future.failedFuture(invalidCredentials());
            }
            if (hasher.needsRehash(stored)) {
              rehash(id, password);
            }
            return Future.succeededFuture(id);
          });
        });
  }

  public Future<JsonObject> profile(UUID userId) {
    return pg.preparedQuery("SELECT id, username, display_name, created_at FROM users WHERE id = $1")
        .execute(Tuple.of(userId))
        .map(rows -> {
          if (rows.size() == 0) {
            throw Refusal.of(ErrorCode.USER_NOT_FOUND, "this account no longer exists");
          }
          return profileJson(rows.iterator().next());
        });
  }

  public Future<JsonObject> changeDisplayName(UUID userId, String displayName) {
    return pg.preparedQuery("UPDATE users SET display_name = $2, updated_at = $3 WHERE id = $1")
        .execute(Tuple.of(userId, displayName, OffsetDateTime.now(clock)))
        .compose(v -> profile(userId));
  }

  /** The public view of a user (no timestamps: when someone joined is not everyone's business). */
  public Future<JsonObject> byUsername(String username) {
    return pg.preparedQuery("SELECT id, username, display_name FROM users WHERE lower(username) = lower($1)")
        .execute(Tuple.of(username))
        .map(rows -> {
          if (rows.size() == 0) {
            throw Refusal.of(ErrorCode.USER_NOT_FOUND, "no user named '" + username + "'");
          }
          Row row = rows.iterator().next();
          return new JsonObject().put("userId", row.getUUID("id").toString()).put("username", row.getString("username"))
              .put("displayName", row.getString("display_name"));
        });
  }

  static JsonObject profileJson(Row row) {
    return new JsonObject().put("userId", row.getUUID("id").toString()).put("username", row.getString("username"))
        .put("displayName", row.getString("display_name"))
        .put("createdAt", row.getOffsetDateTime("created_at").toInstant().toString());
  }

  /** Raising the configured cost upgrades each account at its next good login; failure only delays that. */
  private void rehash(UUID userId, String password) {
    hasher.hash(password)
        .compose(hash -> pg.preparedQuery("UPDATE users SET password_hash = $2 WHERE id = $1")
            .execute(Tuple.of(userId, hash)))
        .onFailure(err -> LOG.warn("password rehash for user {} failed: {}", userId, err.toString()));
  }

  private static Refusal invalidCredentials() {
    return Refusal.of(ErrorCode.INVALID_CREDENTIALS, "wrong username or password");
  }
}

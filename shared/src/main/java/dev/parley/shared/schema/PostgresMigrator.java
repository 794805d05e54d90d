package dev.parley.shared.schema;

import dev.parley.shared.config.ParleyConfig;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Applies the versioned SQL migrations in {@code classpath:db/postgres} with Flyway. Blocking (JDBC): call it
 * from a worker ({@code executeBlocking}) or a command-line tool, never from an event loop.
 */
public final class PostgresMigrator {
  public static final String LOCATION = "classpath:db/postgres";

  private PostgresMigrator() {
  }

  /** Migrates to the latest version; returns the schema version now in place. */
  public static String migrate(ParleyConfig.PgConfig pg) {
    Flyway flyway = Flyway.configure()
        .dataSource(pg.jdbcUrl(), pg.user(), pg.password())
        .locations(LOCATION)
        .connectRetries(3)
        .validateMigrationNaming(true)
        .load();
    MigrateResult result = flyway.migrate();
    return result.targetSchemaVersion != null ? result.targetSchemaVersion : flyway.info().current().getVersion().getVersion();
  }
}

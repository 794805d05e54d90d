package dev.parley.shared.schema;

import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import dev.parley.shared.config.ParleyConfig;
import io.vertx.cassandra.CassandraClient;
import io.vertx.core.Future;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Applies the versioned CQL files in {@code db/cassandra} in order, each once. Applied versions and their
 * checksums are recorded in {@code <keyspace>.schema_migrations}; a file changed after it was applied fails
 * the migration instead of being silently skipped. Statements use {@code IF NOT EXISTS}, so a run interrupted
 * half-way is safe to repeat.
 */
public final class CassandraMigrator {
  /** The migrations, in order. A new file is added here and never edited once released. */
  public static final List<String> FILES = List.of("V1__messages.cql", "V2__message_dedup.cql",
      "V3__channel_heads_epoch.cql");

  private final CassandraClient client;
  private final ParleyConfig.CassandraConfig config;

  public CassandraMigrator(CassandraClient client, ParleyConfig.CassandraConfig config) {
    this.client = client;
    this.config = config;
  }

  /** Migrates to the latest version; returns the highest version now applied. */
  public Future<Integer> migrate() {
    String ks = config.keyspace();
    return client.execute("CREATE KEYSPACE IF NOT EXISTS " + ks + " WITH replication = "
            + "{'class': 'SimpleStrategy', 'replication_factor': " + config.replicationFactor() + "}")
        .compose(v -> client.execute("CREATE TABLE IF NOT EXISTS " + ks + ".schema_migrations ("
            + "version int PRIMARY KEY, name text, checksum text, applied_at timestamp)"))
        .compose(v -> client.executeWithFullFetch("SELECT version, name, checksum FROM " + ks + ".schema_migrations"))
        .compose(this::applyPending);
  }

  private Future<Integer> applyPending(List<Row> appliedRows) {
    Map<Integer, Row> applied = appliedRows.stream().collect(Collectors.toMap(r -> r.getInt("version"), Function.identity()));
    Future<Integer> chain = Future.succeededFuture(0);
    for (String file : FILES) {
      int version = versionOf(file);
      String text = read(file);
      String checksum = sha256(text);
      Row row = applied.get(version);
      if (row != null) {
        if (!checksum.equals(row.getString("checksum"))) {
          return Future.failedFuture(new IllegalStateException("Cassandra migration " + file
              + " was changed after it was applied (checksum differs); add a new version instead of editing it"));
        }
        chain = chain.map(v -> version);
        continue;
      }
      chain = chain.compose(v -> applyFile(version, file, text, checksum));
    }
    return chain;
  }

  private Future<Integer> applyFile(int version, String file, String text, String checksum) {
    Future<Void> chain = Future.succeededFuture();
    for (String statement : statements(text.replace("${keyspace}", config.keyspace()))) {
      chain = chain.compose(v -> client.execute(statement).<Void>mapEmpty()
          .recover(err -> Future.failedFuture(new IllegalStateException(
              "Cassandra migration " + file + " failed: " + err.getMessage() + " in: " + statement, err))));
    }
    return chain
        .compose(v -> client.execute(SimpleStatement.newInstance("INSERT INTO " + config.keyspace()
            + ".schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, toTimestamp(now()))",
            version, file, checksum)))
        .map(v -> version);
  }

  static List<String> statements(String text) {
    StringBuilder current = new StringBuilder();
    List<String> out = new ArrayList<>();
    for (String line : text.split("\n")) {
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("--")) {
        continue;
      }
      current.append(line).append('\n');
      if (trimmed.endsWith(";")) {
        String statement = current.toString().strip();
        out.add(statement.substring(0, statement.length() - 1));
        current.setLength(0);
      }
    }
    if (!current.toString().isBlank()) {
      throw new IllegalStateException("CQL migration ends without ';': " + current.toString().strip());
    }
    return out;
  }

  /** The version number of a migration file name ({@code V<n>__name.cql}). */
  public static int versionOf(String file) {
    return Integer.parseInt(file.substring(1, file.indexOf("__")));
  }

  private static String read(String file) {
    try (InputStream in = CassandraMigrator.class.getClassLoader().getResourceAsStream("db/cassandra/" + file)) {
      if (in == null) {
        throw new IllegalStateException("Cassandra migration db/cassandra/" + file + " is missing from the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read Cassandra migration " + file, e);
    }
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

package dev.parley.shared.config;

import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/**
 * Reads the node configuration once, in this order (later wins, objects merged key by key):
 * <ol>
 *   <li>the defaults bundled in the jar (the repository's {@code conf/parley.json});</li>
 *   <li>the file named by {@code PARLEY_CONFIG_FILE}, if set (it must exist);</li>
 *   <li>{@code overrides}: the JSON given to the launcher with {@code -conf} (per-node id, roles, ports);</li>
 *   <li>environment variables, see {@link EnvOverlay}.</li>
 * </ol>
 * The result is validated into a {@link ParleyConfig}; any problem fails the returned future with a
 * {@link ConfigException} naming the key.
 */
public final class ConfigLoader {
  public static final String DEFAULTS_RESOURCE = "parley.json";
  public static final String CONFIG_FILE_ENV = "PARLEY_CONFIG_FILE";

  private ConfigLoader() {
  }

  public static Future<ParleyConfig> load(Vertx vertx, JsonObject overrides) {
    return load(vertx, overrides, System.getenv());
  }

  public static Future<ParleyConfig> load(Vertx vertx, JsonObject overrides, Map<String, String> env) {
    JsonObject defaults;
    try {
      defaults = defaults();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    ConfigRetrieverOptions options = new ConfigRetrieverOptions().setScanPeriod(-1).setIncludeDefaultStores(false)
        .addStore(new ConfigStoreOptions().setType("json").setConfig(defaults));
    String file = env.get(CONFIG_FILE_ENV);
    if (file != null && !file.isBlank()) {
      options.addStore(new ConfigStoreOptions().setType("file").setFormat("json").setOptional(false)
          .setConfig(new JsonObject().put("path", file)));
    }
    options.addStore(new ConfigStoreOptions().setType("json").setConfig(overrides == null ? new JsonObject() : overrides));
    ConfigRetriever retriever = ConfigRetriever.create(vertx, options);
    return retriever.getConfig()
        .recover(err -> Future.failedFuture(new ConfigException("cannot read configuration"
            + (file == null ? "" : " (file " + file + " from " + CONFIG_FILE_ENV + ")") + ": " + err.getMessage())))
        .map(merged -> ParleyConfig.from(new ConfigReader(EnvOverlay.apply(merged, env))))
        .eventually(retriever::close);
  }

  /** The bundled defaults; every key an operator can set appears here with its default value. */
  public static JsonObject defaults() {
    try (InputStream in = ConfigLoader.class.getClassLoader().getResourceAsStream(DEFAULTS_RESOURCE)) {
      if (in == null) {
        throw new ConfigException("bundled config " + DEFAULTS_RESOURCE + " is missing from the classpath");
      }
      return new JsonObject(Buffer.buffer(in.readAllBytes()));
    } catch (IOException | DecodeException e) {
      throw new ConfigException("bundled config " + DEFAULTS_RESOURCE + " is unreadable: " + e.getMessage());
    }
  }
}

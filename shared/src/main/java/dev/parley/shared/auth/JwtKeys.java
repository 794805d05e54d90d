package dev.parley.shared.auth;

import dev.parley.shared.config.ConfigException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.file.FileSystem;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The ES256 keys of the access tokens, read from {@code auth.keysDir}: every {@code <kid>.public.pem} verifies
 * (so tokens signed with a key being rotated out stay valid until they expire), and {@code <kid>.private.pem} of
 * the signing key id signs. The key id ({@code kid}) is the file name, so rotation is: add a new pair, switch
 * {@code auth.signingKeyId}, remove the old pair after one token lifetime.
 */
public record JwtKeys(Map<String, String> publicPems, String signingKeyId, String signingPrivatePem) {
  static final String PUBLIC_SUFFIX = ".public.pem";
  static final String PRIVATE_SUFFIX = ".private.pem";
  private static final String KID_PATTERN = "[A-Za-z0-9_-]{1,64}";

  public boolean canSign() {
    return signingPrivatePem != null;
  }

  /**
   * Loads the keys. {@code needSigningKey}: the api role signs; gateways only verify and never need (or get)
   * a private key.
   */
  public static Future<JwtKeys> load(Vertx vertx, String dir, String signingKeyId, boolean needSigningKey) {
    FileSystem fs = vertx.fileSystem();
    return fs.readDir(dir)
        .recover(err -> Future.failedFuture(new ConfigException("config key 'auth.keysDir' (env PARLEY_AUTH_KEYS_DIR): "
            + "cannot read directory " + dir + ": " + err.getMessage())))
        .compose(paths -> {
          List<String> names = paths.stream().map(p -> p.substring(p.lastIndexOf('/') + 1)).sorted().toList();
          List<Future<Map.Entry<String, String>>> reads = new ArrayList<>();
          for (String name : names) {
            if (name.endsWith(PUBLIC_SUFFIX)) {
              String kid = name.substring(0, name.length() - PUBLIC_SUFFIX.length());
              if (kid.matches(KID_PATTERN)) {
                reads.add(fs.readFile(dir + "/" + name).map(b -> Map.entry(kid, b.toString())));
              }
            }
          }
          String kid = chooseSigningKid(names, signingKeyId, needSigningKey, dir);
          Future<String> privatePem = kid == null ? Future.succeededFuture(null)
              : fs.readFile(dir + "/" + kid + PRIVATE_SUFFIX).map(Object::toString);
          return Future.all(reads).compose(v -> privatePem).map(pem -> {
            Map<String, String> publics = new TreeMap<>();
            reads.forEach(f -> publics.put(f.result().getKey(), f.result().getValue()));
            if (publics.isEmpty()) {
              throw new ConfigException("no <kid>" + PUBLIC_SUFFIX + " file in auth.keysDir " + dir
                  + " (generate a pair: java -cp parley-node.jar dev.parley.node.KeyGen " + dir + ")");
            }
            if (kid != null && !publics.containsKey(kid)) {
              throw new ConfigException("signing key " + kid + " has no " + kid + PUBLIC_SUFFIX + " in " + dir);
            }
            return new JwtKeys(Map.copyOf(publics), kid, pem);
          });
        });
  }

  private static String chooseSigningKid(List<String> names, String configured, boolean needed, String dir) {
    if (!needed) {
      return null;
    }
    if (!configured.isEmpty()) {
      if (!configured.matches(KID_PATTERN) || !names.contains(configured + PRIVATE_SUFFIX)) {
        throw new ConfigException("config key 'auth.signingKeyId' (env PARLEY_AUTH_SIGNING_KEY_ID) names '" + configured
            + "' but " + dir + " has no " + configured + PRIVATE_SUFFIX);
      }
      return configured;
    }
    List<String> privates = names.stream().filter(n -> n.endsWith(PRIVATE_SUFFIX))
        .map(n -> n.substring(0, n.length() - PRIVATE_SUFFIX.length())).filter(k -> k.matches(KID_PATTERN)).toList();
    if (privates.size() != 1) {
      throw new ConfigException("auth.keysDir " + dir + " has " + privates.size() + " private keys; set config key "
          + "'auth.signingKeyId' (env PARLEY_AUTH_SIGNING_KEY_ID) to choose the signing key");
    }
    return privates.get(0);
  }
}

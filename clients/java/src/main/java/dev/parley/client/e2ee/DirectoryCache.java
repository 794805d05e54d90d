package dev.parley.client.e2ee;

import dev.parley.mls.KeyDirectory;
import io.vertx.core.Future;

import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The client's copy of the key directory, which the MLS layer checks every leaf against. The layer's check is
 * synchronous, so the client fetches the keys of the users a commit or Welcome involves ({@link #refresh}) before
 * handing it to the layer. A device whose key changed is an error the layer reports (KEY_MISMATCH), never silently
 * replaced here: {@link #refresh} refuses a changed key.
 */
public final class DirectoryCache implements KeyDirectory {

  private final KeyDirectoryApi api;
  private final Map<UUID, byte[]> keys = new ConcurrentHashMap<>();

  public DirectoryCache(KeyDirectoryApi api) {
    this.api = api;
  }

  @Override
  public Optional<byte[]> signatureKey(UUID deviceId) {
    return Optional.ofNullable(keys.get(deviceId)).map(byte[]::clone);
  }

  /** Fetches {@code userId}'s device keys; fails if a known device now shows another key. */
  public Future<Void> refresh(String accessToken, UUID userId) {
    return api.deviceKeys(accessToken, userId).compose(fetched -> {
      for (Map.Entry<UUID, byte[]> entry : fetched.entrySet()) {
        byte[] known = keys.get(entry.getKey());
        if (known != null && !java.util.Arrays.equals(known, entry.getValue())) {
          return Future.failedFuture(new IllegalStateException("device " + entry.getKey()
              + " changed its signature key; refusing the new one"));
        }
      }
      fetched.forEach((device, key) -> keys.put(device, key.clone()));
      return Future.succeededFuture();
    });
  }
}

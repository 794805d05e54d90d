package dev.parley.api.media.storage;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class FileMediaStorageTest extends MediaStorageContract {
  @TempDir
  Path dir;
  private MediaStorage storage;

  @BeforeEach
  void open() throws Exception {
    storage = await(FileMediaStorage.create(vertx, dir.resolve("media").toString()));
  }

  @AfterEach
  void close() throws Exception {
    await(vertx.close());
  }

  @Override
  protected MediaStorage storage() {
    return storage;
  }

  @Test
  @DisplayName("every file the filesystem backend writes is under its root, and a finished object is renamed out of partial/")
  void staysUnderRoot() throws Exception {
    String key = UUID.randomUUID().toString();
    var p = await(storage.begin(key));
    p = await(storage.append(key, p, new ChunkStream(vertx.getOrCreateContext(),
        ChunkStream.split(random(5000), 1000), null), 5000));
    await(storage.finish(key, p));
    try (Stream<Path> all = Files.walk(dir)) {
      assertThat(all.filter(Files::isRegularFile)).allSatisfy(f -> assertThat(f).startsWith(dir.resolve("media")))
          .containsExactly(dir.resolve("media/objects").resolve(key.substring(0, 2)).resolve(key));
    }
  }
}

package dev.parley.api.media.storage;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.CopyOptions;
import io.vertx.core.file.FileSystem;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.streams.ReadStream;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Attachments as files under one root: {@code partial/<key>} while uploading, {@code objects/<2 chars>/<key>} once
 * finished. Every path is built from a checked {@link StorageKeys key} and re-checked to be inside the root. An
 * append truncates to the committed offset first (dropping the tail of a cut append nobody committed), then pipes
 * the body into the file with back-pressure and fsyncs before reporting the new length; finishing fsyncs, renames
 * atomically and fsyncs the directory, so a finished object is either whole or absent after a crash.
 */
public final class FileMediaStorage implements MediaStorage {
  private final Vertx vertx;
  private final FileSystem fs;
  private final Path root;

  private FileMediaStorage(Vertx vertx, Path root) {
    this.vertx = vertx;
    this.fs = vertx.fileSystem();
    this.root = root;
  }

  /** Creates the root's directories if needed. */
  public static Future<MediaStorage> create(Vertx vertx, String dataDir) {
    Path root = Path.of(dataDir).toAbsolutePath().normalize();
    FileMediaStorage storage = new FileMediaStorage(vertx, root);
    return vertx.fileSystem().mkdirs(root.resolve("partial").toString())
        .compose(v -> vertx.fileSystem().mkdirs(root.resolve("objects").toString()))
        .map(storage);
  }

  @Override
  public long minChunkBytes() {
    return 1;
  }

  @Override
  public Future<Progress> begin(String key) {
    return fs.writeFile(partial(key).toString(), Buffer.buffer()).map(new Progress(0, ""));
  }

  @Override
  public Future<Progress> append(String key, Progress at, ReadStream<Buffer> body, long length) {
    String path = partial(key).toString();
    body.pause();
    return fs.props(path)
        .compose(props -> props.size() < at.offset()
            ? Future.failedFuture(new IllegalStateException("partial object " + key + " has " + props.size()
            + " bytes, fewer than the committed " + at.offset()))
            : fs.truncate(path, at.offset()))
        .compose(v -> fs.open(path, new OpenOptions().setWrite(true).setCreate(false).setRead(false)))
        .compose(file -> write(file, at.offset(), body))
        .compose(v -> fs.props(path))
        .compose(props -> props.size() <= at.offset() + length ? Future.succeededFuture(props.size())
            : fs.truncate(path, at.offset() + length).map(at.offset() + length))
        .map(size -> new Progress(size, ""));
  }

  /** Pipes the body in; a broken body is not a storage failure (what arrived is kept), a failed write is. */
  private Future<Void> write(AsyncFile file, long offset, ReadStream<Buffer> body) {
    file.setWritePos(offset);
    Throwable[] writeFailure = new Throwable[1];
    file.exceptionHandler(err -> writeFailure[0] = err);
    return body.pipe().endOnComplete(false).to(file)
        .transform(piped -> file.flush())
        .transform(flushed -> file.close().transform(closed -> {
          if (writeFailure[0] != null || flushed.failed()) {
            return Future.failedFuture(writeFailure[0] != null ? writeFailure[0] : flushed.cause());
          }
          return Future.succeededFuture();
        }));
  }

  @Override
  public Future<Void> finish(String key, Progress at) {
    Path from = partial(key);
    Path to = object(key);
    return fs.open(from.toString(), new OpenOptions().setRead(true).setWrite(true).setCreate(false))
        .compose(file -> file.flush().eventually(file::close))
        .compose(v -> fs.mkdirs(to.getParent().toString()))
        .compose(v -> fs.move(from.toString(), to.toString(),
            new CopyOptions().setAtomicMove(true).setReplaceExisting(true)))
        .compose(v -> vertx.executeBlocking(() -> fsyncDirectory(to.getParent())));
  }

  // Without this the rename itself may not survive a power loss, even though the file's bytes would.
  private static Void fsyncDirectory(Path dir) throws IOException {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    }
    return null;
  }

  @Override
  public Future<Void> abort(String key, Progress at) {
    return deleteIfExists(partial(key));
  }

  @Override
  public Future<Long> size(String key) {
    return fs.props(object(key).toString()).map(props -> props.size())
        .recover(err -> Future.failedFuture(notFound(err) ? new NoSuchObjectException(key) : err));
  }

  @Override
  public Future<ObjectStream> read(String key, long offset, long length) {
    return fs.open(object(key).toString(), new OpenOptions().setRead(true).setWrite(false).setCreate(false))
        .recover(err -> Future.failedFuture(notFound(err) ? new NoSuchObjectException(key) : err))
        .map(file -> {
          file.pause();
          file.setReadPos(offset).setReadLength(length);
          return new ObjectStream(file, file::close);
        });
  }

  @Override
  public Future<Void> delete(String key) {
    return deleteIfExists(object(key));
  }

  private Future<Void> deleteIfExists(Path path) {
    return fs.delete(path.toString()).recover(err -> notFound(err) ? Future.succeededFuture() : Future.failedFuture(err));
  }

  private static boolean notFound(Throwable err) {
    for (Throwable t = err; t != null; t = t.getCause()) {
      if (t instanceof NoSuchFileException) {
        return true;
      }
    }
    return false;
  }

  private Path partial(String key) {
    return inside(root.resolve("partial").resolve(StorageKeys.check(key)));
  }

  private Path object(String key) {
    String checked = StorageKeys.check(key);
    return inside(root.resolve("objects").resolve(checked.substring(0, Math.min(2, checked.length()))).resolve(checked));
  }

  // Belt and braces: a checked key cannot leave the root, and this keeps it so if the key rule ever loosens.
  private Path inside(Path path) {
    Path normal = path.normalize();
    if (!normal.startsWith(root)) {
      throw new IllegalArgumentException("storage path outside the root: " + normal);
    }
    return normal;
  }
}

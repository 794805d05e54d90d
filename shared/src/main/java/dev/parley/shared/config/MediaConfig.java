package dev.parley.shared.config;

/**
 * Attachments (api role, docs/media.md): where the ciphertext is stored ({@code filesystem} under {@code dataDir},
 * or {@code s3}), the per-file limit, the per-user quota and creation rate, the idle timeout of an upload stream,
 * and the lifecycle: unfinished uploads expire after {@code uploadTtlSeconds} without progress, finished
 * attachments no message was bound to are collected after {@code unboundTtlSeconds}; the sweeper runs every
 * {@code sweepIntervalSeconds} and handles up to {@code sweepBatch} rows per pass.
 */
public record MediaConfig(String storage, String dataDir, int maxFileBytes, int quotaMiBPerUser,
                          int createsPerWindow, int uploadIdleTimeoutSeconds, int uploadTtlSeconds,
                          int unboundTtlSeconds, int sweepIntervalSeconds, int sweepBatch, S3Config s3) {

  public static final String FILESYSTEM = "filesystem";
  public static final String S3 = "s3";

  /**
   * The S3 backend: {@code endpoint} empty means AWS itself; credentials empty means the SDK's default chain (the
   * secret comes from the environment, never from a file in the repository); {@code presignSeconds} above 0 lets
   * downloads be redirected to a presigned URL of that lifetime.
   */
  public record S3Config(String endpoint, String region, String bucket, String keyPrefix, boolean pathStyle,
                         String accessKeyId, String secretAccessKey, int presignSeconds) {
  }

  public long quotaBytesPerUser() {
    return quotaMiBPerUser * 1_048_576L;
  }

  static MediaConfig from(ConfigReader r) {
    String storage = r.string("media.storage");
    if (!storage.equals(FILESYSTEM) && !storage.equals(S3)) {
      throw ConfigReader.invalid("media.storage", "'filesystem' or 's3'", storage);
    }
    S3Config s3 = new S3Config(r.optionalString("media.s3.endpoint"), r.string("media.s3.region"),
        r.string("media.s3.bucket"), r.optionalString("media.s3.keyPrefix"), r.bool("media.s3.pathStyle"),
        r.optionalString("media.s3.accessKeyId"), r.optionalString("media.s3.secretAccessKey"),
        r.integer("media.s3.presignSeconds", 0, 604_800));
    if (!s3.endpoint().isEmpty() && !s3.endpoint().matches("https?://[^/\\s]+/?")) {
      throw ConfigReader.invalid("media.s3.endpoint", "empty or an http(s)://host:port URL", s3.endpoint());
    }
    if (!s3.keyPrefix().matches("([a-z0-9][a-z0-9-]*/)*")) {
      throw ConfigReader.invalid("media.s3.keyPrefix", "empty or lower-case path segments ending in '/'",
          s3.keyPrefix());
    }
    MediaConfig media = new MediaConfig(storage, r.string("media.dataDir"),
        r.integer("media.maxFileBytes", 1, Integer.MAX_VALUE), r.integer("media.quotaMiBPerUser", 1, 1 << 30),
        r.integer("media.createsPerWindow", 1, 1_000_000), r.integer("media.uploadIdleTimeoutSeconds", 1, 3_600),
        r.integer("media.uploadTtlSeconds", 60, 30 * 86_400), r.integer("media.unboundTtlSeconds", 60, 365 * 86_400),
        r.integer("media.sweepIntervalSeconds", 1, 86_400), r.integer("media.sweepBatch", 1, 10_000), s3);
    if (media.quotaBytesPerUser() < media.maxFileBytes()) {
      throw new ConfigException("config key 'media.quotaMiBPerUser' (" + media.quotaMiBPerUser() + " MiB) must hold "
          + "at least one file of 'media.maxFileBytes' (" + media.maxFileBytes() + ")");
    }
    return media;
  }
}

package dev.parley.shared.config;

/**
 * End-to-end encryption on the server (docs/e2ee.md, "Delivery Service protocol"): whether a channel without any
 * accepted commit must still carry MLS application messages ({@code required}; false keeps such channels open to
 * opaque payloads), the size limits of the parts of a commit's {@code send} frame (decoded bytes), how many Welcomes
 * a device's inbox keeps, how many epochs' GroupInfo + ratchet tree a channel keeps, and the one-time KeyPackage
 * stock below which a claim tells the device to upload more.
 */
public record MlsConfig(boolean required, int maxCommitBytes, int maxWelcomeBytes, int maxGroupInfoBytes,
                        int maxRatchetTreeBytes, int welcomeInboxMax, int keptEpochs, int lowStockThreshold) {

  static MlsConfig from(ConfigReader r) {
    return new MlsConfig(r.bool("mls.required"), r.integer("mls.maxCommitBytes", 256, 16_777_216),
        r.integer("mls.maxWelcomeBytes", 256, 16_777_216), r.integer("mls.maxGroupInfoBytes", 256, 16_777_216),
        r.integer("mls.maxRatchetTreeBytes", 256, 16_777_216), r.integer("mls.welcomeInboxMax", 1, 100_000),
        r.integer("mls.keptEpochs", 1, 10_000), r.integer("mls.lowStockThreshold", 0, 500));
  }
}

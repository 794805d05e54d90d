package dev.parley.shared.push;

import dev.parley.shared.config.ParleyConfig;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The push services a device can register with: its wire name (REST), the SNS message-structure key of its payload,
 * and the shape of a valid token.
 */
public enum PushPlatform {
  /** Apple production: device tokens are 32 bytes, sent as 64 hex characters. */
  APNS("apns", "APNS", Pattern.compile("[0-9a-fA-F]{64}")),
  /** Apple development (sandbox) gateway; same token shape. */
  APNS_SANDBOX("apns_sandbox", "APNS_SANDBOX", Pattern.compile("[0-9a-fA-F]{64}")),
  /**
   * Firebase Cloud Messaging: registration tokens are opaque, today about 150-180 characters of URL-safe base64
   * plus ':'; the bound leaves room for growth without accepting arbitrary text.
   */
  FCM("fcm", "GCM", Pattern.compile("[A-Za-z0-9_:.-]{32,4096}"));

  private final String wireName;
  private final String snsKey;
  private final Pattern token;

  PushPlatform(String wireName, String snsKey, Pattern token) {
    this.wireName = wireName;
    this.snsKey = snsKey;
    this.token = token;
  }

  public String wireName() {
    return wireName;
  }

  /** The key of this platform's payload in a {@code MessageStructure=json} message. */
  public String snsKey() {
    return snsKey;
  }

  public boolean validToken(String value) {
    return token.matcher(value).matches();
  }

  public static Optional<PushPlatform> parse(String wireName) {
    for (PushPlatform p : values()) {
      if (p.wireName.equals(wireName)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /** The configured platform application ARN, or empty when this platform is not offered. */
  public String applicationArn(ParleyConfig.PushConfig config) {
    return switch (this) {
      case APNS -> config.apnsApplicationArn();
      case APNS_SANDBOX -> config.apnsSandboxApplicationArn();
      case FCM -> config.fcmApplicationArn();
    };
  }
}

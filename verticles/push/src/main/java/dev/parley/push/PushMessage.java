package dev.parley.push;

import java.util.Map;

/**
 * One SNS publish: the {@code MessageStructure=json} message (a JSON object of per-platform strings plus
 * {@code default}) and the message attributes (APNs headers such as the collapse id).
 */
public record PushMessage(String message, Map<String, String> attributes) {
}

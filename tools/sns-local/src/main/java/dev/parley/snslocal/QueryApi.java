package dev.parley.snslocal;

import io.vertx.core.MultiMap;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The actions of the SNS Query API that Parley uses, over form-encoded parameters as the AWS SDK sends them. Each
 * returns the XML result body or throws {@link SnsError}. Anything else is refused with {@code InvalidAction}.
 */
final class QueryApi {
  static final String VERSION = "2010-03-31";
  /** SNS's documented maximum message size. */
  private static final int MAX_MESSAGE_BYTES = 262_144;
  private static final Set<String> ENDPOINT_ATTRIBUTES = Set.of("CustomUserData", "Enabled", "Token");

  private final SnsState state;
  private final Clock clock;

  QueryApi(SnsState state, Clock clock) {
    this.state = state;
    this.clock = clock;
  }

  /** The result element's content for {@code action}, or null for actions whose response has no result. */
  String handle(String action, MultiMap p) {
    if (!VERSION.equals(p.get("Version"))) {
      throw SnsError.invalidParameter("Version Reason: must be " + VERSION);
    }
    return switch (action) {
      case "CreatePlatformEndpoint" -> createPlatformEndpoint(p);
      case "SetEndpointAttributes" -> setEndpointAttributes(p);
      case "GetEndpointAttributes" -> Xml.attributes(state.endpoint(required(p, "EndpointArn")).attributes);
      case "DeleteEndpoint" -> {
        state.delete(required(p, "EndpointArn"));
        yield null;
      }
      case "Publish" -> publish(p);
      default -> throw SnsError.invalidAction(action);
    };
  }

  private String createPlatformEndpoint(MultiMap p) {
    String app = required(p, "PlatformApplicationArn");
    String token = required(p, "Token");
    Map<String, String> attributes = attributes(p);
    attributes.remove("Token");
    String userData = p.get("CustomUserData");
    if (userData != null) {
      attributes.put("CustomUserData", userData);
    }
    return Xml.element("EndpointArn", state.create(app, token, attributes).arn);
  }

  private String setEndpointAttributes(MultiMap p) {
    SnsState.Endpoint e = state.endpoint(required(p, "EndpointArn"));
    Map<String, String> attributes = attributes(p);
    if (attributes.isEmpty()) {
      throw SnsError.invalidParameter("Attributes Reason: at least one attribute is required");
    }
    e.attributes.putAll(attributes);
    return null;
  }

  private String publish(MultiMap p) {
    for (String unsupported : new String[] {"TopicArn", "PhoneNumber"}) {
      if (p.contains(unsupported)) {
        throw SnsError.invalidParameter(unsupported + " Reason: this local stand-in only publishes to TargetArn");
      }
    }
    SnsState.Endpoint e = state.target(required(p, "TargetArn"));
    String message = required(p, "Message");
    if (message.getBytes(StandardCharsets.UTF_8).length > MAX_MESSAGE_BYTES) {
      throw SnsError.invalidParameter("Message too long");
    }
    String structure = p.get("MessageStructure");
    Object platformPayload = message;
    if (structure != null) {
      if (!structure.equals("json")) {
        throw SnsError.invalidParameter("MessageStructure Reason: only 'json' is a valid value");
      }
      platformPayload = platformPayload(structure(message), e.platform);
    }
    if (!e.enabled()) {
      throw SnsError.endpointDisabled();
    }
    String messageId = UUID.randomUUID().toString();
    state.record(new JsonObject().put("messageId", messageId).put("targetArn", e.arn).put("platform", e.platform)
        .put("token", e.attributes.get("Token")).put("messageStructure", structure).put("message", message)
        .put("payload", platformPayload).put("attributes", messageAttributes(p))
        .put("receivedAt", clock.instant().toString()));
    return Xml.element("MessageId", messageId);
  }

  /** MessageStructure=json: a JSON object of string values with a string "default", as the Publish docs require. */
  private static JsonObject structure(String message) {
    JsonObject json;
    try {
      json = new JsonObject(message);
    } catch (DecodeException | ClassCastException e) {
      throw SnsError.invalidParameter("Message Structure - JSON message body failed to parse");
    }
    if (!(json.getValue("default") instanceof String)) {
      throw SnsError.invalidParameter("Message Structure - No default entry in JSON message body");
    }
    for (String key : json.fieldNames()) {
      if (!(json.getValue(key) instanceof String)) {
        throw SnsError.invalidParameter("Message Structure - the value of '" + key + "' must be a string");
      }
    }
    return json;
  }

  /** What the platform would receive: its own key's value (parsed when it is JSON), else the default text. */
  private static Object platformPayload(JsonObject structure, String platform) {
    String own = structure.getString(platform);
    if (own == null) {
      return structure.getString("default");
    }
    try {
      return new JsonObject(own);
    } catch (DecodeException | ClassCastException e) {
      throw SnsError.invalidParameter("Message Structure - the " + platform + " value is not a JSON object");
    }
  }

  /** {@code Attributes.entry.N.key/value}, only the endpoint attributes SNS knows. */
  private static Map<String, String> attributes(MultiMap p) {
    Map<String, String> out = new LinkedHashMap<>();
    for (int n = 1; p.contains("Attributes.entry." + n + ".key"); n++) {
      String key = p.get("Attributes.entry." + n + ".key");
      String value = p.get("Attributes.entry." + n + ".value");
      if (!ENDPOINT_ATTRIBUTES.contains(key) || value == null) {
        throw SnsError.invalidParameter("Attributes Reason: unknown or empty attribute " + key);
      }
      if (key.equals("Enabled") && !value.equals("true") && !value.equals("false")) {
        throw SnsError.invalidParameter("Attributes Reason: Enabled must be true or false");
      }
      out.put(key, value);
    }
    return out;
  }

  /** {@code MessageAttributes.entry.N.Name} and {@code .Value.DataType/StringValue}. */
  private static JsonObject messageAttributes(MultiMap p) {
    JsonObject out = new JsonObject();
    for (int n = 1; p.contains("MessageAttributes.entry." + n + ".Name"); n++) {
      String prefix = "MessageAttributes.entry." + n + ".";
      String type = p.get(prefix + "Value.DataType");
      if (type == null) {
        throw SnsError.invalidParameter("MessageAttributes Reason: " + p.get(prefix + "Name") + " has no DataType");
      }
      out.put(p.get(prefix + "Name"), new JsonObject().put("dataType", type)
          .put("stringValue", p.get(prefix + "Value.StringValue")));
    }
    return out;
  }

  private static String required(MultiMap p, String name) {
    String value = p.get(name);
    if (value == null || value.isEmpty()) {
      throw SnsError.invalidParameter(name + " Reason: " + name + " is required");
    }
    return value;
  }
}

package dev.parley.snslocal;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Everything the stand-in remembers: platform endpoints, recorded publishes and pending faults. Touched only from
 * the server verticle's event loop, so it needs no locking. Nothing is persisted: a restart forgets it all (the
 * push role's registrations then point at unknown endpoints, as after deleting them in AWS).
 */
final class SnsState {
  /** {@code arn:aws:sns:<region>:<account>:app/<PLATFORM>/<name>}, the shape AWS gives platform applications. */
  private static final Pattern APP_ARN =
      Pattern.compile("arn:aws:sns:([a-z0-9-]+):(\\d{12}):app/(APNS|APNS_SANDBOX|GCM)/([A-Za-z0-9_.-]{1,256})");

  /** One platform endpoint: a device token under a platform application. */
  static final class Endpoint {
    final String arn;
    final String applicationArn;
    final String platform;
    final Map<String, String> attributes = new LinkedHashMap<>();

    Endpoint(String arn, String applicationArn, String platform) {
      this.arn = arn;
      this.applicationArn = applicationArn;
      this.platform = platform;
    }

    boolean enabled() {
      return "true".equals(attributes.get("Enabled"));
    }

    JsonObject json() {
      return new JsonObject().put("endpointArn", arn).put("platformApplicationArn", applicationArn)
          .put("platform", platform).put("attributes", new JsonObject(new LinkedHashMap<>(attributes)));
    }
  }

  private final Map<String, Endpoint> endpoints = new LinkedHashMap<>();
  private final List<JsonObject> publishes = new ArrayList<>();
  /** A call still to refuse: of this action ("*" for any), with this status (429 throttle, 500/503 failure). */
  private record Fault(String action, int status) {
  }

  /** Oldest first. */
  private final List<Fault> faults = new ArrayList<>();

  /** Creates (or returns the existing) endpoint for the token, as CreatePlatformEndpoint does. */
  Endpoint create(String applicationArn, String token, Map<String, String> attributes) {
    Matcher m = APP_ARN.matcher(applicationArn);
    if (!m.matches()) {
      throw SnsError.invalidParameter("PlatformApplicationArn Reason: An ARN must have 6 elements of the form "
          + "arn:aws:sns:<region>:<account>:app/<APNS|APNS_SANDBOX|GCM>/<name>");
    }
    for (Endpoint e : endpoints.values()) {
      if (e.applicationArn.equals(applicationArn) && token.equals(e.attributes.get("Token"))) {
        // The call is idempotent for the same token; a different CustomUserData is refused, as AWS documents.
        String wanted = attributes.get("CustomUserData");
        if (wanted != null && !wanted.equals(e.attributes.get("CustomUserData"))) {
          throw SnsError.invalidParameter("Token Reason: Endpoint " + e.arn
              + " already exists with the same Token, but different attributes.");
        }
        return e;
      }
    }
    String arn = "arn:aws:sns:" + m.group(1) + ":" + m.group(2) + ":endpoint/" + m.group(3) + "/" + m.group(4) + "/"
        + UUID.randomUUID();
    Endpoint e = new Endpoint(arn, applicationArn, m.group(3));
    e.attributes.put("Enabled", "true");
    e.attributes.put("Token", token);
    attributes.forEach(e.attributes::put);
    endpoints.put(arn, e);
    return e;
  }

  Endpoint endpoint(String arn) {
    Endpoint e = endpoints.get(arn);
    if (e == null) {
      throw SnsError.notFound("Endpoint does not exist");
    }
    return e;
  }

  /** Publish looks endpoints up by TargetArn; an unknown one is an invalid parameter, not a 404, in SNS. */
  Endpoint target(String arn) {
    Endpoint e = endpoints.get(arn);
    if (e == null) {
      throw SnsError.invalidParameter("TargetArn Reason: No endpoint found for the target arn specified");
    }
    return e;
  }

  void delete(String arn) {
    endpoints.remove(arn);
  }

  void record(JsonObject publish) {
    publishes.add(publish);
  }

  JsonArray publishes(String targetArn) {
    JsonArray out = new JsonArray();
    publishes.stream().filter(p -> targetArn == null || targetArn.equals(p.getString("targetArn"))).forEach(out::add);
    return out;
  }

  int publishCount() {
    return publishes.size();
  }

  JsonArray endpoints() {
    JsonArray out = new JsonArray();
    endpoints.values().forEach(e -> out.add(e.json()));
    return out;
  }

  void clearPublishes() {
    publishes.clear();
  }

  void reset() {
    endpoints.clear();
    publishes.clear();
    faults.clear();
  }

  void addFaults(String action, int status, int count) {
    for (int i = 0; i < count; i++) {
      faults.add(new Fault(action, status));
    }
  }

  int pendingFaults() {
    return faults.size();
  }

  /** Throws the oldest fault queued for this action, if any: the call it hits is refused before it changes anything. */
  void nextFault(String action) {
    for (int i = 0; i < faults.size(); i++) {
      Fault f = faults.get(i);
      if (f.action().equals("*") || f.action().equals(action)) {
        faults.remove(i);
        throw f.status() == 429 ? SnsError.throttled() : SnsError.internal(f.status());
      }
    }
  }
}

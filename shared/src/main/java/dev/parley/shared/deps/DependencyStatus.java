package dev.parley.shared.deps;

import io.vertx.core.json.JsonObject;

/** The outcome of one readiness probe of one dependency. {@code error} is null when {@code up}. */
public record DependencyStatus(Dependency dependency, boolean up, long latencyMs, String error) {

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("name", dependency.wireName()).put("up", up).put("latencyMs", latencyMs);
    if (error != null) {
      json.put("error", error);
    }
    return json;
  }
}

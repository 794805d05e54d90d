package dev.parley.api;

import dev.parley.api.ApiHarness.Session;
import dev.parley.shared.Addresses;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static dev.parley.api.ApiHarness.expect;
import static dev.parley.api.ApiHarness.problem;
import static dev.parley.shared.it.ItConfig.await;
import static org.assertj.core.api.Assertions.assertThat;

/** Listing, renaming and removing devices; nobody can touch another user's device. */
class DevicesIT {
  private static ApiHarness api;

  @BeforeAll
  static void start() {
    api = ApiHarness.start(new JsonObject());
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  @Test
  @DisplayName("a user lists their devices, marked current, and renames one")
  void listAndRename() {
    Session phone = api.newUser();
    Session laptop = api.newDevice(phone, "laptop");
    JsonArray devices = expect(api.get("/v1/devices", laptop.accessToken()), 200).bodyAsJsonObject()
        .getJsonArray("devices");
    assertThat(devices).hasSize(2);
    JsonObject first = devices.getJsonObject(0);
    assertThat(first.getString("deviceId")).isEqualTo(phone.deviceId().toString());
    assertThat(first.getString("name")).isEqualTo("phone");
    assertThat(first.getBoolean("current")).isFalse();
    assertThat(devices.getJsonObject(1).getBoolean("current")).isTrue();

    JsonObject renamed = expect(api.send(HttpMethod.PATCH, "/v1/devices/" + phone.deviceId(), laptop.accessToken(),
        new JsonObject().put("name", "old phone")), 200).bodyAsJsonObject();
    assertThat(renamed.getString("name")).isEqualTo("old phone");
    problem(api.send(HttpMethod.PATCH, "/v1/devices/" + phone.deviceId(), laptop.accessToken(),
        new JsonObject().put("name", 7)), 422, "invalid_field");
    problem(api.send(HttpMethod.PATCH, "/v1/devices/not-a-uuid", laptop.accessToken(),
        new JsonObject().put("name", "x")), 422, "invalid_field");
  }

  @Test
  @DisplayName("another user's device can be neither renamed nor removed (404, as if it did not exist)")
  void otherUsersDevice() {
    Session alice = api.newUser();
    Session mallory = api.newUser();
    problem(api.send(HttpMethod.PATCH, "/v1/devices/" + alice.deviceId(), mallory.accessToken(),
        new JsonObject().put("name", "pwned")), 404, "device_not_found");
    problem(api.send(HttpMethod.DELETE, "/v1/devices/" + alice.deviceId(), mallory.accessToken(), null),
        404, "device_not_found");
    problem(api.send(HttpMethod.DELETE, "/v1/devices/" + UUID.randomUUID(), mallory.accessToken(), null),
        404, "device_not_found");
    expect(api.get("/v1/me", alice.accessToken()), 200);
    assertThat(expect(api.get("/v1/devices", alice.accessToken()), 200).bodyAsJsonObject()
        .getJsonArray("devices").getJsonObject(0).getString("name")).isEqualTo("phone");
  }

  @Test
  @DisplayName("removing a device refuses its tokens at once and tells the gateways on the event bus")
  void removeRevokesAtOnce() {
    Session phone = api.newUser();
    Session laptop = api.newDevice(phone, "laptop");
    Promise<JsonObject> heard = Promise.promise();
    var consumer = api.vertx.eventBus().<JsonObject>consumer(Addresses.DEVICE_REVOKED, msg -> {
      if (msg.body().getString("deviceId").equals(laptop.deviceId().toString())) {
        heard.tryComplete(msg.body());
      }
    });
    await(consumer.completion());

    expect(api.send(HttpMethod.DELETE, "/v1/devices/" + laptop.deviceId(), phone.accessToken(), null), 204);

    assertThat(await(heard.future()).getString("userId")).isEqualTo(phone.userId().toString());
    problem(api.get("/v1/me", laptop.accessToken()), 401, "device_revoked");
    problem(api.post("/v1/auth/refresh", null, new JsonObject().put("refreshToken", laptop.refreshToken())), 401,
        "invalid_refresh_token");
    assertThat(expect(api.get("/v1/devices", phone.accessToken()), 200).bodyAsJsonObject().getJsonArray("devices"))
        .hasSize(1);
    problem(api.send(HttpMethod.DELETE, "/v1/devices/" + laptop.deviceId(), phone.accessToken(), null),
        404, "device_not_found");
    await(consumer.unregister());
  }
}

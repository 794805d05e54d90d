package dev.parley.bench.load;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A fixture set: the load generator's users (one device each) and channels, named deterministically from the set's
 * name, so the same set is the same rows in PostgreSQL in every run (provisioned once, then reused) and the relay
 * baseline can rebuild it without a database. Layouts: {@code pairs} (channel j is the DM of users 2j and 2j+1),
 * {@code group} (one group channel of every user), {@code idle} (users only).
 */
public record Manifest(String set, Layout layout, List<User> users, List<Channel> channels) {
  public enum Layout { PAIRS, GROUP, IDLE }

  /** A user and its single device. */
  public record User(int index, UUID userId, UUID deviceId, String username) {
  }

  /** A channel and the indexes of its member users. */
  public record Channel(int index, UUID channelId, String kind, List<Integer> members) {
  }

  /** Builds the set {@code name} with {@code size} users in {@code layout}. */
  public static Manifest build(String name, Layout layout, int size) {
    if (!name.matches("[A-Za-z0-9_.-]{1,64}")) {
      throw new IllegalArgumentException("fixture set name must be 1-64 of [A-Za-z0-9_.-], not '" + name + "'");
    }
    List<User> users = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      users.add(new User(i, uuid(name, "user", i), uuid(name, "device", i), "bench-" + name + "-" + i));
    }
    List<Channel> channels = new ArrayList<>();
    switch (layout) {
      case PAIRS -> {
        for (int j = 0; j < size / 2; j++) {
          channels.add(new Channel(j, uuid(name, "channel", j), "dm", List.of(2 * j, 2 * j + 1)));
        }
      }
      case GROUP -> {
        List<Integer> all = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
          all.add(i);
        }
        channels.add(new Channel(0, uuid(name, "channel", 0), "group", List.copyOf(all)));
      }
      case IDLE -> { }
    }
    return new Manifest(name, layout, List.copyOf(users), List.copyOf(channels));
  }

  private static UUID uuid(String set, String what, int index) {
    return UUID.nameUUIDFromBytes(("parley-bench/" + set + "/" + what + "/" + index).getBytes(StandardCharsets.UTF_8));
  }

  /** The DM key the API would write for a pair: "<smaller id>:<larger id>" (see ChannelViews.dmKey). */
  public String dmKey(Channel c) {
    UUID a = users.get(c.members().get(0)).userId();
    UUID b = users.get(c.members().get(1)).userId();
    return a.toString().compareTo(b.toString()) < 0 ? a + ":" + b : b + ":" + a;
  }

  public static Path file(Path home, String set) {
    return home.resolve("bench").resolve("fixtures").resolve(set + ".json");
  }

  public JsonObject toJson() {
    JsonArray us = new JsonArray();
    users.forEach(u -> us.add(new JsonArray().add(u.userId().toString()).add(u.deviceId().toString()).add(u.username())));
    JsonArray cs = new JsonArray();
    channels.forEach(c -> cs.add(new JsonObject().put("id", c.channelId().toString()).put("kind", c.kind())
        .put("members", new JsonArray(new ArrayList<>(c.members())))));
    return new JsonObject().put("set", set).put("layout", layout.name().toLowerCase()).put("users", us)
        .put("channels", cs);
  }

  public static Manifest fromJson(JsonObject j) {
    JsonArray us = j.getJsonArray("users");
    List<User> users = new ArrayList<>(us.size());
    for (int i = 0; i < us.size(); i++) {
      JsonArray u = us.getJsonArray(i);
      users.add(new User(i, UUID.fromString(u.getString(0)), UUID.fromString(u.getString(1)), u.getString(2)));
    }
    JsonArray cs = j.getJsonArray("channels");
    List<Channel> channels = new ArrayList<>(cs.size());
    for (int i = 0; i < cs.size(); i++) {
      JsonObject c = cs.getJsonObject(i);
      List<Integer> members = new ArrayList<>();
      c.getJsonArray("members").forEach(m -> members.add(((Number) m).intValue()));
      channels.add(new Channel(i, UUID.fromString(c.getString("id")), c.getString("kind"), List.copyOf(members)));
    }
    return new Manifest(j.getString("set"), Layout.valueOf(j.getString("layout").toUpperCase()), users, channels);
  }

  /** Writes the manifest atomically (a temp file renamed into place). */
  public void write(Path file) throws IOException {
    Files.createDirectories(file.getParent());
    Path tmp = file.resolveSibling(file.getFileName() + ".new");
    Files.writeString(tmp, toJson().encode());
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  public static Manifest read(Path file) throws IOException {
    return fromJson(new JsonObject(Files.readString(file)));
  }
}

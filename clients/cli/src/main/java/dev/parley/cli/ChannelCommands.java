package dev.parley.cli;

import dev.parley.client.E2ee;
import dev.parley.client.ParleyClient;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.List;
import java.util.UUID;

/** {@code parley dm <user>} and {@code parley group create|add|remove|members|leave}. */
final class ChannelCommands {
  private ChannelCommands() {
  }

  /** Runs one E2EE action over a connection of the profile's device and waits for it. */
  static <T> T withE2ee(Session s, java.util.function.Function<E2ee, Future<T>> action) {
    ParleyClient client = Live.connect(s);
    try {
      return s.await(action.apply(Live.e2ee(client)));
    } finally {
      s.await(client.close());
    }
  }

  @Command(name = "dm", description = "Open (or create) the one-on-one chat with a user; prints its id.")
  static final class Dm extends CommandBase {
    @Parameters(paramLabel = "USER", description = "username (with or without @)")
    String user;

    @Override
    void run(Session s) {
      UUID peer = ChatRef.user(s, user);
      if (!s.profile().e2ee()) {
        out().println(ChatRef.dm(s, peer));
        return;
      }
      // The DM and its MLS group (with every device of both users), so the first message needs no set-up.
      out().println(ChannelCommands.<UUID>withE2ee(s, e -> e.openDirect(peer)).toString());
    }
  }

  @Command(name = "group", description = "Create groups and change their members.",
      subcommands = {Create.class, Add.class, Remove.class, Members.class, Leave.class})
  static final class Group implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          "missing subcommand: create, add, remove, members or leave");
    }
  }

  @Command(name = "create", description = "Create a group with you as its admin; prints its id.")
  static final class Create extends CommandBase {
    @Parameters(index = "0", paramLabel = "NAME", description = "the group's name (1-64 characters)")
    String name;

    @Parameters(index = "1..*", arity = "0..*", paramLabel = "USER", description = "usernames of the first members")
    List<String> members = List.of();

    @Override
    void run(Session s) {
      List<UUID> ids = members.stream().map(u -> ChatRef.user(s, u)).toList();
      if (s.profile().e2ee()) {
        out().println(ChannelCommands.<UUID>withE2ee(s, e -> e.createGroup(name, ids)).toString());
        return;
      }
      JsonArray memberIds = new JsonArray();
      ids.forEach(id -> memberIds.add(id.toString()));
      JsonObject c = s.await(s.api().post("/v1/channels", s.token(), new JsonObject().put("name", name)
          .put("memberIds", memberIds)));
      out().println(c.getString("channelId"));
    }
  }

  /** Base of the member changes: a group and a user. */
  abstract static class GroupMember extends CommandBase {
    @Parameters(index = "0", paramLabel = "GROUP", description = "group id or name")
    String group;

    @Parameters(index = "1", paramLabel = "USER", description = "username")
    String user;
  }

  @Command(name = "add", description = "Add a member (group admins only).")
  static final class Add extends GroupMember {
    @Override
    void run(Session s) {
      UUID channel = ChatRef.resolve(s, group);
      UUID member = ChatRef.user(s, user);
      if (s.profile().e2ee()) {
        // The REST add, then the commit that adds their devices to the group's MLS state.
        withE2ee(s, e -> e.addMember(channel, member));
      } else {
        s.await(s.api().post("/v1/channels/" + channel + "/members", s.token(),
            new JsonObject().put("userId", member.toString())));
      }
      out().println("added " + user + " to " + channel);
    }
  }

  @Command(name = "remove", description = "Remove a member (group admins only; anyone may remove themselves).")
  static final class Remove extends GroupMember {
    @Override
    void run(Session s) {
      UUID channel = ChatRef.resolve(s, group);
      UUID member = ChatRef.user(s, user);
      if (s.profile().e2ee()) {
        // The REST removal, then the commit that removes their devices' leaves (they read nothing sent after it).
        withE2ee(s, e -> e.removeMember(channel, member));
      } else {
        s.await(s.api().delete("/v1/channels/" + channel + "/members/" + member, s.token()));
      }
      out().println("removed " + user + " from " + channel);
    }
  }

  @Command(name = "leave", description = "Leave a group.")
  static final class Leave extends CommandBase {
    @Parameters(paramLabel = "GROUP", description = "group id or name")
    String group;

    @Override
    void run(Session s) {
      UUID channel = ChatRef.resolve(s, group);
      s.await(s.api().delete("/v1/channels/" + channel + "/members/" + s.profile().userId(), s.token()));
      out().println("left " + channel);
    }
  }

  @Command(name = "members", description = "List a chat's members and their roles.")
  static final class Members extends CommandBase {
    @Parameters(paramLabel = "CHAT", description = "chat id, @username (DM) or group name")
    String chat;

    @Override
    void run(Session s) {
      UUID channel = ChatRef.resolve(s, chat);
      JsonObject page = s.await(s.api().get("/v1/channels/" + channel + "/members", s.token()));
      page.getJsonArray("members").forEach(o -> {
        JsonObject m = (JsonObject) o;
        out().println(m.getString("username") + "  " + m.getString("role") + "  " + m.getString("userId"));
      });
    }
  }
}

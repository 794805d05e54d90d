package dev.parley.cli;

import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.UUID;

/** {@code parley devices [list]} and {@code parley devices remove <deviceId>}. */
@Command(name = "devices", description = "List your devices (the current one is marked *); remove one.",
    subcommands = {DevicesCommand.ListDevices.class, DevicesCommand.Remove.class})
final class DevicesCommand extends CommandBase {
  @Override
  void run(Session s) {
    list(s, out());
  }

  static void list(Session s, java.io.PrintWriter out) {
    JsonObject page = s.await(s.api().get("/v1/devices", s.token()));
    page.getJsonArray("devices").forEach(o -> {
      JsonObject d = (JsonObject) o;
      out.println((d.getBoolean("current", false) ? "* " : "  ") + d.getString("deviceId") + "  "
          + Printer.safe(d.getString("name", "")) + "  since " + d.getString("createdAt"));
    });
  }

  @Command(name = "list", description = "List your active devices, oldest first.")
  static final class ListDevices extends CommandBase {
    @Override
    void run(Session s) {
      list(s, out());
    }
  }

  @Command(name = "remove", description = "Remove a device: its tokens are refused at once and it is signed out.")
  static final class Remove extends CommandBase {
    @Parameters(paramLabel = "DEVICE_ID", description = "the device's id (parley devices)")
    String deviceId;

    @Override
    void run(Session s) {
      UUID id = Ids.uuid(deviceId, "DEVICE_ID");
      Profile p = s.profile();
      s.await(s.api().delete("/v1/devices/" + id, s.token()));
      if (id.equals(p.deviceId())) {
        s.store.save(p.loggedOut());
        out().println("removed this device " + id + "; profile " + s.store.name() + " is logged out");
      } else {
        out().println("removed device " + id);
      }
    }
  }
}

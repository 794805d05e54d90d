package dev.parley.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.UUID;

/**
 * {@code parley safety-number <user>}: the number both users compare (in person, or over another channel) to know
 * they see the same device keys, and a warning when the peer's key set changed since this profile last checked.
 */
@Command(name = "safety-number", description = "Show the safety number to compare with a user; warns when their device keys changed.")
final class SafetyNumberCommand extends CommandBase {
  @Parameters(paramLabel = "USER", description = "username (with or without @)")
  String user;

  @Override
  void run(Session s) {
    UUID peerId = ChatRef.user(s, user);
    KeyWatch watch = new KeyWatch(s);
    KeyWatch.Verified me = watch.verify(s.profile().userId());
    KeyWatch.Verified peer = watch.verify(peerId);
    peer.changes().forEach(c -> err().println("parley: warning: " + user + "'s keys changed since your last check: "
        + c + " — compare the safety number again"));
    if (peer.devices().isEmpty()) {
      err().println("parley: warning: " + user + " has no device keys registered (nothing of theirs is end-to-end "
          + "encrypted yet)");
    }
    if (me.devices().isEmpty()) {
      err().println("parley: warning: your devices have no keys registered yet");
    }
    out().println(KeyWatch.safetyNumber(me, peer));
    out().println("(" + me.devices().size() + " of your device keys, " + peer.devices().size() + " of " + user
        + "'s; the same 60 digits on both sides mean you see the same keys)");
  }
}

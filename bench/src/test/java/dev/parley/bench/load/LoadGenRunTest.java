package dev.parley.bench.load;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Short runs of the whole generator (coordinator, two in-process workers, the client library) against an
 * in-process relay that misbehaves on purpose: the accounting must find exactly the damage the relay did. Speed is
 * not checked. 4 pairs at 40 msg/s for 2 s: each sender's schedule has exactly 20 messages, seqs 1-20.
 */
class LoadGenRunTest {
  @TempDir
  Path home;

  private JsonObject run(String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of("--scenario", "pairs", "--target", "relay", "--connections", "8",
        "--rate", "40", "--duration", "2", "--warmup", "0", "--drain", "3", "--workers", "2", "--in-process", "--quiet",
        "--home", home.toString(), "--out", home.resolve("out-" + System.nanoTime()).toString()));
    args.addAll(List.of(extra));
    LoadOptions opts = LoadOptions.parse(args);
    JsonObject r = LoadGen.runOne(opts);
    assertThat(r.getJsonArray("failures")).isEmpty();
    assertThat(Files.exists(opts.out().resolve("report.html"))).isTrue();
    assertThat(new JsonObject(Files.readString(opts.out().resolve("result.json"))).getString("scenario")).isEqualTo(r.getString("scenario"));
    return r;
  }

  @Test
  @DisplayName("every message of a relay that duplicates every 3rd live frame arrives once; the wire duplicates are counted")
  void duplicatesOnTheWire() throws Exception {
    JsonObject c = run("--relay-dup-every", "3").getJsonObject("completeness");
    assertThat(c.getLong("ackedMessages")).isEqualTo(80);
    assertThat(c.getLong("expectedDeliveries")).isEqualTo(80);
    assertThat(c.getLong("delivered")).isEqualTo(80);
    assertThat(c.getLong("missing")).isZero();
    assertThat(c.getLong("duplicates")).isZero();
    assertThat(c.getLong("wireDuplicates")).isEqualTo(4 * 6); // seqs 3, 6, …, 18 in each of 4 channels
    assertThat(c.getBoolean("complete")).isTrue();
  }

  @Test
  @DisplayName("live frames the relay skips are recovered from history, except a last one nothing reveals")
  void droppedLiveFrames() throws Exception {
    JsonObject c = run("--relay-drop-every", "5").getJsonObject("completeness");
    // Seqs 5, 10, 15 come from history after the next message shows the gap; 20 is last: nobody notices it.
    assertThat(c.getLong("recoveredFromHistory")).isEqualTo(4 * 3);
    assertThat(c.getLong("missing")).isEqualTo(4);
    assertThat(c.getLong("receiversMissingSome")).isEqualTo(4);
    assertThat(c.getLong("delivered")).isEqualTo(4 * 19);
  }

  @Test
  @DisplayName("an acked message the relay never stores leaves the receiver stuck behind the hole: all later ones are missing")
  void lostMessages() throws Exception {
    JsonObject c = run("--relay-lose-every", "7").getJsonObject("completeness");
    assertThat(c.getLong("ackedMessages")).isEqualTo(80);
    assertThat(c.getLong("delivered")).isEqualTo(4 * 6);
    assertThat(c.getLong("missing")).isEqualTo(4 * 14);
    assertThat(c.getLong("duplicates")).isZero();
  }

  @Test
  @DisplayName("in a group every member but the sender must receive each message")
  void group() throws Exception {
    JsonObject r = run("--scenario", "group", "--group-size", "6", "--rate", "10", "--senders", "2");
    JsonObject c = r.getJsonObject("completeness");
    assertThat(c.getLong("ackedMessages")).isEqualTo(20);
    assertThat(c.getLong("expectedDeliveries")).isEqualTo(20 * 5);
    assertThat(c.getLong("missing")).isZero();
    assertThat(r.getJsonObject("latency").getJsonObject("e2e").getLong("count")).isEqualTo(100);
  }

  @Test
  @DisplayName("after a storm every device is back and every message was delivered")
  void storm() throws Exception {
    JsonObject r = run("--scenario", "storm", "--rate", "20", "--duration", "3", "--storm-after", "1");
    JsonObject s = r.getJsonObject("storm");
    assertThat(s.getLong("reconnected")).isEqualTo(8);
    assertThat(s.getDouble("allBackMs")).isPositive();
    assertThat(r.getJsonObject("completeness").getLong("missing")).isZero();
    assertThat(r.getJsonObject("completeness").getLong("ackedMessages")).isEqualTo(60);
  }
}

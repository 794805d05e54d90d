package dev.parley.bench.load;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The run's outputs: a summary table (stdout and {@code summary.md}), {@code result.json} with every figure, and a
 * self-contained {@code report.html} (inline SVG: latency per second p50/p99, and the percentile distribution; no
 * scripts, no network at view time). With a relay run beside a Parley run, every figure also gets its ratio.
 */
public final class Report {
  private Report() {
  }

  /** One row of the summary: a label and a value path in result.json. */
  private record Row(String label, String path, String unit) {
  }

  private static final List<Row> ROWS = List.of(
      new Row("devices connected at start", "connectedAtStart", ""),
      new Row("connect p50", "connections.connectMs.p50Ms", "ms"),
      new Row("connect p99", "connections.connectMs.p99Ms", "ms"),
      new Row("offered", "throughput.offeredMsgPerSec", "msg/s"),
      new Row("sent", "throughput.sentMsgPerSec", "msg/s"),
      new Row("acked", "throughput.ackedMsgPerSec", "msg/s"),
      new Row("delivered (messages)", "throughput.deliveredMsgPerSec", "msg/s"),
      new Row("deliveries (to devices)", "throughput.deliveriesPerSec", "/s"),
      new Row("end-to-end p50", "latency.e2e.p50Ms", "ms"),
      new Row("end-to-end p90", "latency.e2e.p90Ms", "ms"),
      new Row("end-to-end p99", "latency.e2e.p99Ms", "ms"),
      new Row("end-to-end p99.9", "latency.e2e.p999Ms", "ms"),
      new Row("end-to-end max", "latency.e2e.maxMs", "ms"),
      new Row("ack p50", "latency.ack.p50Ms", "ms"),
      new Row("ack p99", "latency.ack.p99Ms", "ms"),
      new Row("acked messages", "completeness.ackedMessages", ""),
      new Row("expected deliveries", "completeness.expectedDeliveries", ""),
      new Row("delivered", "completeness.delivered", ""),
      new Row("missing", "completeness.missing", ""),
      new Row("duplicates (app)", "completeness.duplicates", ""),
      new Row("out of order (app)", "completeness.outOfOrder", ""),
      new Row("duplicates (wire)", "completeness.wireDuplicates", ""),
      new Row("recovered from history", "completeness.recoveredFromHistory", ""),
      new Row("send failures", "totals.failed", ""),
      new Row("storm: reconnected", "storm.reconnected", ""),
      new Row("storm: reconnect p50", "storm.reconnectMs.p50Ms", "ms"),
      new Row("storm: reconnect p99", "storm.reconnectMs.p99Ms", "ms"),
      new Row("storm: all back after", "storm.allBackMs", "ms"),
      new Row("storm: in sync after", "storm.inSyncMs", "ms"));

  public static void write(JsonObject result, Path dir) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("result.json"), result.encodePrettily());
    String table = table(List.of(result), List.of(result.getString("target")), false);
    Files.writeString(dir.resolve("summary.md"), heading(result) + "\n" + table);
    Files.writeString(dir.resolve("report.html"), html(result));
  }

  /** Relay and Parley side by side, with Parley / relay ratios. */
  public static String compare(JsonObject relay, JsonObject parley, Path dir) throws IOException {
    String table = table(List.of(parley, relay), List.of("parley", "relay"), true);
    JsonObject both = new JsonObject().put("parley", parley).put("relay", relay);
    Files.writeString(dir.resolve("result.json"), both.encodePrettily());
    Files.writeString(dir.resolve("summary.md"), heading(parley) + "\n" + table);
    return table;
  }

  public static String heading(JsonObject r) {
    JsonObject o = r.getJsonObject("options");
    return String.format(Locale.ROOT, "### %s — %s, %d devices, %.0f msg/s offered, %.0f s (+%.0f s warm-up), %d worker(s)%n"
            + "%nstarted %s; load average at start %s, at end %s; %d cores%n",
        r.getString("scenario"), o.getString("label", "").isEmpty() ? "load" : o.getString("label"),
        o.getInteger("connections"), o.getDouble("rate"), o.getDouble("duration"), o.getDouble("warmup"),
        o.getInteger("workers"), r.getString("startedAt"), r.getString("loadAverageAtStart"),
        r.getString("loadAverageAtEnd"), r.getInteger("cores", 0));
  }

  public static String table(List<JsonObject> runs, List<String> names, boolean ratio) {
    StringBuilder sb = new StringBuilder("| figure |");
    names.forEach(n -> sb.append(' ').append(n).append(" |"));
    if (ratio) {
      sb.append(" parley / relay |");
    }
    sb.append("\n|---|");
    names.forEach(n -> sb.append("---:|"));
    if (ratio) {
      sb.append("---:|");
    }
    sb.append('\n');
    boolean idle = runs.stream().allMatch(r -> "idle".equals(r.getString("scenario")));
    for (Row row : ROWS) {
      if (idle && !row.path().startsWith("connect")) {
        continue;
      }
      List<Object> values = new ArrayList<>();
      runs.forEach(r -> values.add(at(r, row.path())));
      if (values.stream().allMatch(v -> v == null)) {
        continue;
      }
      sb.append("| ").append(row.label()).append(row.unit().isEmpty() ? "" : " (" + row.unit() + ")").append(" |");
      values.forEach(v -> sb.append(' ').append(fmt(v)).append(" |"));
      if (ratio) {
        Object a = values.get(0);
        Object b = values.get(1);
        sb.append(' ').append(a instanceof Number x && b instanceof Number y && y.doubleValue() != 0
            ? String.format(Locale.ROOT, "%.2f", x.doubleValue() / y.doubleValue()) : "").append(" |");
      }
      sb.append('\n');
    }
    for (int i = 0; i < runs.size(); i++) {
      JsonObject errors = runs.get(i).getJsonObject("errors", new JsonObject());
      sb.append("\n").append(names.get(i)).append(" errors: frames ").append(errors.getJsonObject("frameErrors", new JsonObject()).encode())
          .append(", connect failures ").append(errors.getJsonObject("connectFailures", new JsonObject()).encode())
          .append(", socket closes by code ").append(errors.getJsonObject("closes", new JsonObject()).encode())
          .append(", send failures ").append(errors.getJsonObject("sendFailures", new JsonObject()).encode())
          .append(", chain violations ").append(errors.getLong("chainViolations", 0L));
      JsonArray failures = runs.get(i).getJsonArray("failures", new JsonArray());
      if (!failures.isEmpty()) {
        sb.append("; RUN PROBLEMS: ").append(failures.encode());
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  static Object at(JsonObject j, String path) {
    Object cur = j;
    for (String p : path.split("\\.")) {
      if (!(cur instanceof JsonObject o)) {
        return null;
      }
      cur = o.getValue(p);
    }
    return cur;
  }

  private static String fmt(Object v) {
    if (v == null) {
      return "–";
    }
    if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      return d >= 100 ? String.format(Locale.ROOT, "%.0f", d) : String.format(Locale.ROOT, "%.2f", d);
    }
    return v.toString();
  }

  private static String html(JsonObject r) {
    StringBuilder sb = new StringBuilder("<!doctype html><html><head><meta charset=\"utf-8\"><title>Parley load: ")
        .append(esc(r.getString("scenario"))).append(" / ").append(esc(r.getString("target")))
        .append("</title><style>body{font:14px sans-serif;margin:2em;max-width:1000px}table{border-collapse:collapse}"
            + "td,th{border:1px solid #ccc;padding:2px 8px;text-align:right}td:first-child{text-align:left}"
            + "svg{background:#fafafa;border:1px solid #ddd;margin:1em 0}</style></head><body>");
    sb.append("<h1>Parley load generator: ").append(esc(r.getString("scenario"))).append(" against ")
        .append(esc(r.getString("target"))).append("</h1><p>").append(esc(heading(r))).append("</p>");
    sb.append("<h2>Latency per second (end-to-end, ms, from intended send time)</h2>").append(seriesSvg(r.getJsonArray("series")));
    sb.append("<h2>Percentile distribution (measured window)</h2>")
        .append(curveSvg(r.getJsonObject("latency").getJsonArray("curve")));
    sb.append("<h2>Summary</h2><pre>").append(esc(table(List.of(r), List.of(r.getString("target")), false))).append("</pre>");
    sb.append("<h2>Per second</h2><table><tr><th>t (s)</th><th>connected</th><th>sent</th><th>acked</th><th>delivered</th>"
        + "<th>errors</th><th>p50</th><th>p99</th><th>max</th></tr>");
    for (Object o : r.getJsonArray("series")) {
      JsonObject s = (JsonObject) o;
      sb.append("<tr><td>").append(s.getLong("t")).append("</td><td>").append(s.getValue("connected")).append("</td><td>")
          .append(s.getValue("sent")).append("</td><td>").append(s.getValue("acked")).append("</td><td>")
          .append(s.getValue("delivered")).append("</td><td>").append(s.getValue("errors")).append("</td><td>")
          .append(fmt(s.getValue("p50Ms"))).append("</td><td>").append(fmt(s.getValue("p99Ms"))).append("</td><td>")
          .append(fmt(s.getValue("maxMs"))).append("</td></tr>");
    }
    return sb.append("</table></body></html>\n").toString();
  }

  private static final int W = 900;
  private static final int H = 320;
  private static final int PAD = 50;

  private static String seriesSvg(JsonArray series) {
    List<double[]> p50 = new ArrayList<>();
    List<double[]> p99 = new ArrayList<>();
    double maxT = 1;
    double maxY = 1;
    for (Object o : series) {
      JsonObject s = (JsonObject) o;
      if (s.getValue("p50Ms") == null) {
        continue;
      }
      double t = s.getLong("t");
      p50.add(new double[] {t, s.getDouble("p50Ms")});
      p99.add(new double[] {t, s.getDouble("p99Ms")});
      maxT = Math.max(maxT, t);
      maxY = Math.max(maxY, s.getDouble("p99Ms"));
    }
    return svg(List.of(p50, p99), List.of("#2a7", "#d33"), List.of("p50", "p99"), maxT, maxY, "t (s)", false);
  }

  private static String curveSvg(JsonArray curve) {
    List<double[]> pts = new ArrayList<>();
    double maxY = 1;
    for (Object o : curve) {
      JsonObject c = (JsonObject) o;
      double p = c.getDouble("p");
      // x = log10(1 / (1 - p)): 0 at p0, 1 at p90, 2 at p99, 3 at p99.9, 4 at p99.99 (p100 drawn at 4.5).
      double x = p >= 100 ? 4.5 : Math.log10(100 / (100 - p));
      pts.add(new double[] {x, c.getDouble("ms")});
      maxY = Math.max(maxY, c.getDouble("ms"));
    }
    return svg(List.of(pts), List.of("#36c"), List.of("latency at percentile (x: 0=p0 1=p90 2=p99 3=p99.9 4=p99.99)"),
        4.5, maxY, "percentile (log scale)", true);
  }

  private static String svg(List<List<double[]>> lines, List<String> colours, List<String> names, double maxX,
                            double maxY, String xLabel, boolean dots) {
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">", W, H, W, H));
    sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#000\"/>", PAD, H - PAD, W - 10, H - PAD));
    sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"10\" x2=\"%d\" y2=\"%d\" stroke=\"#000\"/>", PAD, PAD, H - PAD));
    for (int i = 0; i <= 4; i++) {
      double v = maxY * i / 4;
      double y = H - PAD - (H - PAD - 10) * i / 4.0;
      sb.append(String.format(Locale.ROOT, "<text x=\"4\" y=\"%.0f\" font-size=\"11\">%.1f</text>", y + 4, v));
      sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.0f\" x2=\"%d\" y2=\"%.0f\" stroke=\"#eee\"/>", PAD, y, W - 10, y));
      double xv = maxX * i / 4;
      double x = PAD + (W - 10 - PAD) * i / 4.0;
      sb.append(String.format(Locale.ROOT, "<text x=\"%.0f\" y=\"%d\" font-size=\"11\">%.1f</text>", x - 8, H - PAD + 16, xv));
    }
    sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"12\">%s; y: ms</text>", W / 2 - 60, H - 12, esc(xLabel)));
    for (int l = 0; l < lines.size(); l++) {
      StringBuilder pts = new StringBuilder();
      for (double[] p : lines.get(l)) {
        double x = PAD + (W - 10 - PAD) * p[0] / maxX;
        double y = H - PAD - (H - PAD - 10) * p[1] / maxY;
        pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
        if (dots) {
          sb.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>", x, y, colours.get(l)));
        }
      }
      sb.append("<polyline fill=\"none\" stroke-width=\"2\" stroke=\"").append(colours.get(l)).append("\" points=\"")
          .append(pts).append("\"/>");
      sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"12\" fill=\"%s\">%s</text>", PAD + 10,
          20 + 16 * l, colours.get(l), esc(names.get(l))));
    }
    return sb.append("</svg>").toString();
  }

  private static String esc(String s) {
    return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}

package io.qonnect.testbed.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Locale;

/**
 * {@code drill summary --plot FILE.svg}: every drill of a results directory as one row of a timeline, from injection
 * (0 s) to its recovery: a bar to {@code recovered}, and marks where the leader {@code detected} the failure and where
 * its decision was {@code committed}. Rows are grouped by drill kind, in the order they ran. Plain SVG, no library: a
 * few rectangles, circles and lines.
 */
final class DrillPlot {
  static final int ROW = 14;
  static final int LEFT = 230;
  static final int WIDTH = 560;
  private static final int TOP = 40;

  private DrillPlot() {}

  /** @param reports drill reports (JSON, as the drills write them), in the order to draw them */
  static String svg(List<JsonNode> reports) {
    double max = 1;
    for (JsonNode r : reports) {
      for (String interval : List.of("detected", "committed", "recovered")) {
        JsonNode v = r.path("intervalsSeconds").path(interval);
        if (v.isNumber()) max = Math.max(max, v.asDouble());
      }
    }
    double scale = Math.ceil(max / 5) * 5; // the axis ends on a multiple of 5 s
    int height = TOP + reports.size() * ROW + 40;
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"10\">%n",
        LEFT + WIDTH + 20, height));
    b.append("<text x=\"10\" y=\"16\" font-size=\"12\">drills: injected (0 s) → detected (●) → committed (◆) → recovered (bar end); ✕ not recovered</text>\n");
    for (int s = 0; s <= scale; s += (int) Math.max(1, scale / 10)) {
      double x = x(s, scale);
      b.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/><text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%d s</text>%n",
          x, TOP - 6, x, height - 30, x, height - 16, s));
    }
    for (int i = 0; i < reports.size(); i++) {
      JsonNode r = reports.get(i);
      int y = TOP + i * ROW;
      String label = r.path("drill").asText() + " " + String.join(" ", argList(r));
      b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>%n", LEFT - 6, y + 10, escape(label.strip())));
      JsonNode recovered = r.path("intervalsSeconds").path("recovered");
      if (recovered.isNumber()) {
        b.append(String.format(Locale.ROOT, "<rect class=\"recovered\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"#9ecae1\"/>%n",
            x(0, scale), y + 2, x(recovered.asDouble(), scale) - x(0, scale), ROW - 4));
      } else {
        b.append(String.format(Locale.ROOT, "<text class=\"not-recovered\" x=\"%.1f\" y=\"%d\" fill=\"#c00\">✕ %s</text>%n", x(0, scale) + 2, y + 10,
            escape(r.path("outcome").asText("not recovered"))));
      }
      JsonNode detected = r.path("intervalsSeconds").path("detected");
      if (detected.isNumber()) {
        b.append(String.format(Locale.ROOT, "<circle class=\"detected\" cx=\"%.1f\" cy=\"%d\" r=\"3.5\" fill=\"#e6550d\"/>%n", x(detected.asDouble(), scale), y + ROW / 2));
      }
      JsonNode committed = r.path("intervalsSeconds").path("committed");
      if (committed.isNumber()) {
        double cx = x(committed.asDouble(), scale);
        b.append(String.format(Locale.ROOT, "<path class=\"committed\" d=\"M %.1f %d l 4 4 l -4 4 l -4 -4 z\" fill=\"#31a354\"/>%n", cx, y + ROW / 2 - 4));
      }
    }
    return b.append("</svg>\n").toString();
  }

  private static List<String> argList(JsonNode r) {
    List<String> args = new java.util.ArrayList<>();
    r.path("args").forEach(a -> args.add(a.asText()));
    return args;
  }

  static double x(double seconds, double scale) {
    return LEFT + seconds / scale * WIDTH;
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}

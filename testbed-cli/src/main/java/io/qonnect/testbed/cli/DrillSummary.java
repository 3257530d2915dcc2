package io.qonnect.testbed.cli;

import io.qonnect.cli.QonnectMain;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** {@code drill summary}: the drill reports in a results directory as one Markdown table, per kind and interval. */
final class DrillSummary {
  private static final List<String> INTERVALS = List.of("detected", "committed", "recovered");

  private DrillSummary() {}

  static String markdown(Path results) throws IOException {
    if (!Files.isDirectory(results)) throw new QonnectMain.UserError(results + ": no such directory (run a drill first)");
    ObjectMapper json = new ObjectMapper();
    Map<String, List<JsonNode>> byKind = new TreeMap<>();
    int randomRuns = 0;
    int randomViolations = 0;
    try (Stream<Path> files = Files.list(results)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
        JsonNode r = json.readTree(f.toFile());
        if (r.path("drill").asText().equals("random")) {
          randomRuns += r.path("count").asInt();
          randomViolations += r.path("violations").size();
        } else {
          byKind.computeIfAbsent(row(r), k -> new ArrayList<>()).add(r);
        }
      }
    }
    StringBuilder b = new StringBuilder("| drill | runs | detected p50 / p99 (s) | committed p50 / p99 (s) | recovered p50 / p99 (s) | not recovered | nothing to move | violations |\n");
    b.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
    byKind.forEach((kind, reports) -> {
      b.append("| ").append(kind).append(" | ").append(reports.size());
      for (String interval : INTERVALS) {
        List<Double> values = reports.stream().map(r -> r.path("intervalsSeconds").path(interval)).filter(JsonNode::isNumber)
            .map(JsonNode::asDouble).sorted().toList();
        b.append(" | ").append(values.isEmpty() ? "–" : String.format("%.2f / %.2f (n=%d)", percentile(values, 50), percentile(values, 99), values.size()));
      }
      long nothingToMove = reports.stream().filter(r -> r.path("outcome").asText().equals("nothing to move")).count();
      long notRecovered = reports.stream().filter(r -> !r.path("intervalsSeconds").path("recovered").isNumber()).count() - nothingToMove;
      long violations = reports.stream().mapToLong(r -> r.path("violations").size()).sum();
      b.append(" | ").append(notRecovered).append(" | ").append(nothingToMove).append(" | ").append(violations).append(" |\n");
    });
    if (randomRuns > 0) b.append("\nrandom: ").append(randomRuns).append(" drills, ").append(randomViolations).append(" violations\n");
    return b.toString();
  }

  /**
   * The table row a report counts in: its kind; for drills on a process, the kind and the process's role (pausing the
   * leader and pausing an agent are different failures): {@code pause leader}, {@code pause agent}, {@code isolate-lead
   * follower}.
   */
  static String row(JsonNode report) {
    String kind = report.path("drill").asText();
    if (!kind.equals("pause") && !kind.equals("isolate-lead")) return kind;
    String process = report.path("args").path(0).asText();
    String role = process.startsWith("agent-") ? "agent" : process.startsWith("lead-") ? "lead-N" : process;
    return kind + " " + role;
  }

  /**
   * Every drill's report in {@code results} (those inside a random run's summary too), grouped by kind and, within a
   * kind, in the order they ran: what {@code --plot} draws.
   */
  static List<JsonNode> reports(Path results) throws IOException {
    if (!Files.isDirectory(results)) throw new QonnectMain.UserError(results + ": no such directory (run a drill first)");
    ObjectMapper json = new ObjectMapper();
    List<JsonNode> all = new ArrayList<>();
    try (Stream<Path> files = Files.list(results)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
        JsonNode r = json.readTree(f.toFile());
        if (r.path("drill").asText().equals("random")) r.path("reports").forEach(all::add);
        else all.add(r);
      }
    }
    all.sort(java.util.Comparator.comparing((JsonNode r) -> r.path("drill").asText()).thenComparingLong(r -> r.path("startedUnixMillis").asLong()));
    return all;
  }

  /** Nearest-rank percentile of sorted values. */
  static double percentile(List<Double> sorted, int p) {
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
  }
}

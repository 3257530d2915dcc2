package io.qonnect.testbed.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/monitoring: the alert rules pass promtool's check and their unit tests (alerts-test.yaml: each alert fires on
 * the series that mean trouble and stays quiet otherwise), and the Grafana dashboard is a well-formed dashboard whose
 * every panel queries something. That the series exist is OpsEndpointsIT's check, against running processes.
 */
public class MonitoringTest {
  static final Path MONITORING = Path.of(System.getenv().getOrDefault("QONNECT_HOME", "..")).resolve("deploy/monitoring");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Pattern SERIES = Pattern.compile("\\b(qonnect_[a-z_]+|jvm_[a-z_]+)\\b");

  /** The qonnect and JVM series the alerts and the dashboard query. */
  public static Set<String> seriesQueried() throws IOException {
    Set<String> names = new TreeSet<>();
    List<String> exprs = new ArrayList<>();
    YAML.readTree(MONITORING.resolve("prometheus-rule.yaml").toFile()).path("spec").path("groups")
        .forEach(g -> g.path("rules").forEach(r -> exprs.add(r.path("expr").asText())));
    new ObjectMapper().readTree(MONITORING.resolve("grafana-dashboard.json").toFile()).path("panels")
        .forEach(p -> p.path("targets").forEach(t -> exprs.add(t.path("expr").asText())));
    for (String expr : exprs) {
      Matcher m = SERIES.matcher(expr);
      while (m.find()) names.add(m.group(1));
    }
    return names;
  }

  @Test
  void theAlertRulesPassPromtoolsCheckAndTheirUnitTests(@TempDir Path dir) throws Exception {
    JsonNode rule = YAML.readTree(MONITORING.resolve("prometheus-rule.yaml").toFile());
    assertThat(rule.path("kind").asText()).isEqualTo("PrometheusRule");
    YAML.writeValue(dir.resolve("rules.yaml").toFile(), rule.path("spec"));
    Files.copy(MONITORING.resolve("alerts-test.yaml"), dir.resolve("alerts-test.yaml"));
    String promtool = run(List.of(MONITORING.resolve("../../scripts/promtool.sh").toAbsolutePath().normalize().toString()), dir).strip();
    assertThat(run(List.of(promtool, "check", "rules", "rules.yaml"), dir)).contains("SUCCESS: 6 rules found");
    assertThat(run(List.of(promtool, "test", "rules", "alerts-test.yaml"), dir)).contains("SUCCESS");
  }

  @Test
  void theDashboardIsWellFormedAndEveryPanelQueriesSomething() throws Exception {
    JsonNode d = new ObjectMapper().readTree(MONITORING.resolve("grafana-dashboard.json").toFile());
    assertThat(d.path("uid").asText()).isNotEmpty();
    assertThat(d.path("title").asText()).isNotEmpty();
    Set<Integer> ids = new HashSet<>();
    assertThat(d.path("panels")).isNotEmpty();
    for (JsonNode p : d.path("panels")) {
      String title = p.path("title").asText();
      assertThat(ids.add(p.path("id").asInt())).as("panel ids are unique: " + title).isTrue();
      assertThat(p.path("type").asText()).as(title).isIn("timeseries", "stat");
      assertThat(p.path("gridPos").path("w").asInt()).as(title).isBetween(1, 24);
      assertThat(p.path("targets")).as(title).isNotEmpty().allSatisfy(t -> assertThat(t.path("expr").asText()).matches(".*\\b(qonnect|jvm)_.*"));
    }
    assertThat(seriesQueried()).contains("qonnect_raft_leader", "qonnect_clusters", "qonnect_applications_unschedulable");
  }

  private static String run(List<String> command, Path dir) throws Exception {
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(String.join(" ", command) + ":\n" + out).isZero();
    return out;
  }
}

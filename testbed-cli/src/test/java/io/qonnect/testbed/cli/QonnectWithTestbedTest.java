package io.qonnect.testbed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.qonnect.cli.DefaultLeadAgents;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** The testbed's commands as a user meets them through ./qonnect: one-line errors, and the CLI finding the local federation. */
class QonnectWithTestbedTest {
  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter(), err = new StringWriter();
    int code = QonnectWithTestbed.run(args, new PrintWriter(out), new PrintWriter(err));
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void badLayoutsAndCountsAreOneLineUserErrors() {
    assertThat(run("testbed", "up", "--clusters", "mist=1").err()).isEqualTo("error: unknown tier 'mist': use cloud, fog or edge\n");
    assertThat(run("federation", "up", "--lead-agents", "2").err()).isEqualTo("error: --lead-agents: 1, 3 or 5, got 2\n");
  }

  @Test
  void benchScaleTakesItsOwnDefaultsWhereTheFederationBenchHasOthers() {
    // the command, `bench scale --clusters 1000 --apps 10000`, once refused the federation bench's 20 leader kills
    assertThat(run("bench", "scale", "--writers", "0").err()).as("every check before --writers passed").isEqualTo("error: --writers: 1-256, got 0\n");
    assertThat(run("bench", "scale", "--kills", "21").err()).isEqualTo("error: --kills for scale: 0-20, got 21\n");
    assertThat(run("bench", "scale", "--node-scale", "0").err()).isEqualTo("error: --node-scale: 1-100, got 0\n");
  }

  @Test
  void theOfflineDemoPlacesComparesAndNeedsNoProcesses() {
    Run r = run("demo", "--offline", "--examples", "../examples");
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("placed by qonnect").contains("only energy").contains("borda");
  }

  @Test
  void theCliFindsTheLocalFederationAsItsDefaultLeadAgents() {
    assertThat(DefaultLeadAgents.find()).get().isInstanceOf(LocalFederationLeadAgents.class);
    assertThat(run("--help").out()).contains("federation").contains("testbed").contains("drill").contains("validate");
  }
}

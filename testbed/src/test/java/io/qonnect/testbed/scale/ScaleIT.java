package io.qonnect.testbed.scale;

import static org.assertj.core.api.Assertions.assertThat;

import io.qonnect.testbed.federation.LocalFederation;
import java.io.PrintWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A small scale run, behaviour only (the numbers are {@code ./qonnect bench scale}'s): the real lead agents and knowledge
 * base with 100 simulated member clusters and 1,000 applications. Every cluster registers and stays Healthy, every
 * application is placed and runs Ready, a failed cluster's components run Ready elsewhere, every submission's answer
 * is its own (batched commits matched to their callers) with no revision twice, and no message exceeds its size limit.
 */
class ScaleIT {
  @Test
  void aHundredClustersAndAThousandApplications() throws Exception {
    var agents = new SimulatedAgents.Config(100, 300, 500, 2000, true);
    var config = new ScaleBench.Config(100, 1000, 3, 1, 0, 32, 2, agents, LocalFederation.TEST_JVM_OPTIONS, 180_000);

    ScaleBench.Result result = new ScaleBench(new PrintWriter(System.out, true)).run(config, System.getProperty("java.class.path"));
    System.out.println(ScaleBench.report(result, "ScaleIT"));

    assertThat(result.problems()).isEmpty();
    assertThat(result.submitMs()).hasSize(1000);
    assertThat(result.failovers()).singleElement().satisfies(f -> {
      assertThat(f.components()).isPositive();
      assertThat(f.readyMs()).as("its components Ready elsewhere").isGreaterThanOrEqualTo(0);
    });
    assertThat(result.largestDesiredBytes()).isPositive();
    // beyond 64 member clusters the agents probe landmarks and some of their region's clusters, not all 99 others
    assertThat(result.snapshot().latencySamples()).as("round trips in the knowledge base").isPositive().isLessThan(100L * 99 / 2);
  }
}

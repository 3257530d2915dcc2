package io.qonnect.testbed.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.Writer;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlacementBenchTest {
  /**
   * The placement engine's decisions on the benchmark's instances ({@code ./qonnect bench placement --seed 1}: 10
   * random applications of 20 components on 100 and on 1,000 clusters), as a digest of every outcome, placement and
   * explanation. A change meant only to make the engine faster must keep it; a change meant to decide differently
   * updates it here and says why in its commit (docs/benchmarks.md quotes it beside the timings).
   */
  @Test
  void theEngineDecidesOnTheBenchmarksInstancesAsRecorded() {
    var results = new PlacementBench().run(new PlacementBench.Config(List.of(100, 1000), 20, 10, 0, 1, 1), new PrintWriter(Writer.nullWriter()));
    assertThat(results).extracting(PlacementBench.SizeResult::decisions).containsExactly("6318bb3344828044", "ade6faac8776d96b");
    assertThat(results).allSatisfy(r -> assertThat(r.engineViolations()).as("hard constraints broken by the engine").isZero());
  }
}

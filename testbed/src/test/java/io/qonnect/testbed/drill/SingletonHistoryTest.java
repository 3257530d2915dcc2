package io.qonnect.testbed.drill;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SingletonHistoryTest {
  private final SingletonHistory history = new SingletonHistory();

  @Test
  void aHandOverWithoutOverlapIsFineATerminatingPodStillCounts() {
    history.listed("a", Map.of("p1", Map.entry("ledger/writer", 0L)), 1000);
    history.listed("b", Map.of(), 1000);
    // a's pod is terminating (still listed) when b's starts: they overlap
    history.listed("b", Map.of("p2", Map.entry("ledger/writer", 1500L)), 2000);
    history.listed("a", Map.of("p1", Map.entry("ledger/writer", 0L)), 2000);
    history.listed("a", Map.of(), 2500);
    assertThat(history.overlaps()).singleElement().asString().contains("ran in a and b at once for 1000 ms");
  }

  @Test
  void aPodStillThereAfterItsClusterCameBackRanThroughTheOutage() {
    history.listed("a", Map.of("p1", Map.entry("ledger/writer", 0L)), 1000);
    // a's control plane stops: no listing of a from 1000 to 9000; b starts the singleton at 5000 and runs it
    history.listed("b", Map.of("p2", Map.entry("ledger/writer", 5000L)), 6000);
    history.listed("a", Map.of("p1", Map.entry("ledger/writer", 0L)), 9000);
    assertThat(history.overlaps()).singleElement().asString().contains("ran in a and b at once");
  }

  @Test
  void aCleanHandOverHasNoOverlap() {
    history.listed("a", Map.of("p1", Map.entry("ledger/writer", 0L)), 1000);
    history.listed("a", Map.of(), 2000);
    history.listed("b", Map.of("p2", Map.entry("ledger/writer", 2500L)), 3000);
    assertThat(history.overlaps()).isEmpty();
  }
}

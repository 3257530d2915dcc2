package io.qonnect.testbed.drill;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SingletonHistoryTest {
  private final SingletonHistory history = new SingletonHistory();

  @Test
  void aTerminatingPodStillCounts() {
    history.listed("a", Map.of("p1", "ledger/writer"), 1000);
    history.listed("b", Map.of(), 1000);
    // a's pod is terminating (still listed) when b's runs
    history.listed("b", Map.of("p2", "ledger/writer"), 2000);
    history.listed("a", Map.of("p1", "ledger/writer"), 2100);
    history.listed("a", Map.of(), 2500);
    assertThat(history.overlaps()).singleElement().asString().contains("in a and b at once");
  }

  @Test
  void aPodStillThereAfterItsClusterCameBackRanThroughTheOutage() {
    history.listed("a", Map.of("p1", "ledger/writer"), 1000);
    // a's control plane stops: no listing of a from 1000 to 9000; b starts the singleton and runs it
    history.listed("b", Map.of("p2", "ledger/writer"), 6000);
    history.listed("a", Map.of("p1", "ledger/writer"), 9000);
    assertThat(history.overlaps()).singleElement().asString().contains("in a and b at once for at least 0 ms");
  }

  @Test
  void aHandOverBetweenListingsIsNotAnOverlap() {
    history.listed("a", Map.of("p1", "ledger/writer"), 1000);
    history.listed("b", Map.of(), 1010);
    history.listed("a", Map.of(), 1250);
    history.listed("b", Map.of("p2", "ledger/writer"), 1260);
    assertThat(history.overlaps()).isEmpty();
  }
}

package io.qonnect.testbed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.qonnect.testbed.federation.WanLinks;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FederationStatusTest {
  @Test
  void aLinkRowHasItsConfiguredRoundTripBothWaysAndWhatTheSendingAgentMeasured() {
    WanLinks links = WanLinks.parse(List.of("edge-1 fog-1 5.0 1.0 0.5", "fog-1 edge-1 7.0 1.0 0.5"));
    List<Map<String, Object>> rows = FederationCommand.linkRows(links, Map.of("edge-1", Map.of("fog-1", 13.4)), Map.of("fog-1 edge-1", 3L));
    assertThat(rows).hasSize(2);
    assertThat(rows.get(0)).containsEntry("from", "edge-1").containsEntry("to", "fog-1").containsEntry("linkRttMs", 12.0)
        .containsEntry("measuredRttMs", 13.4).containsEntry("lossPercent", 0.5).containsEntry("packetsLost", 0L);
    assertThat(rows.get(1)).containsEntry("from", "fog-1").containsEntry("linkRttMs", 12.0).doesNotContainKey("measuredRttMs")
        .containsEntry("packetsLost", 3L);
  }
}

package io.qonnect.testbed.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qonnect.placement.snapshot.ClusterSnapshot;
import io.qonnect.placement.snapshot.InventoryParser;
import io.qonnect.placement.spec.Parsed;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WanLinksTest {
  private static ClusterSnapshot inventory() throws Exception {
    String yaml = Files.readString(Path.of("../examples/inventory-9.yaml"));
    return ((Parsed.Valid<ClusterSnapshot>) new InventoryParser().parse(yaml)).value();
  }

  @Test
  void eachDirectionDelaysHalfTheInventorysRoundTripAndExtrasAddToEveryRoundTripOfTheirCluster() throws Exception {
    ClusterSnapshot inventory = inventory();
    var a = inventory.clusters().get(0).id();
    var b = inventory.clusters().get(1).id();
    double rtt = inventory.latency().between(a, b).orElseThrow();
    WanLinks plain = WanLinks.fromInventory(inventory, java.util.List.of());
    assertThat(plain.link(a.value(), b.value()).orElseThrow().delayMs()).isEqualTo(rtt / 2);
    assertThat(plain.link(b.value(), a.value()).orElseThrow().delayMs()).isEqualTo(rtt / 2);
    assertThat(plain.link(a.value(), a.value())).isEmpty();

    WanLinks raised = plain.withExtraRtt(Map.of(a.value(), 30.0));
    assertThat(raised.link(a.value(), b.value()).orElseThrow().delayMs() + raised.link(b.value(), a.value()).orElseThrow().delayMs())
        .isEqualTo(rtt + 30);
  }

  @Test
  void theTextFormRoundTripsAndABadLineIsNamed() throws Exception {
    WanLinks links = WanLinks.fromInventory(inventory(), java.util.List.of("lead-1", "knowledge-base"));
    assertThat(WanLinks.parse(links.lines())).isEqualTo(links);
    assertThatThrownBy(() -> WanLinks.parse(java.util.List.of("# header", "a b 3"))).hasMessageContaining("line 2 'a b 3'");
    assertThatThrownBy(() -> WanLinks.parse(java.util.List.of("a b -1 0"))).hasMessageContaining("must be ≥ 0");
    assertThatThrownBy(() -> WanLinks.parse(java.util.List.of("a b 1 0 100"))).hasMessageContaining("loss must be in [0, 100) %");
    assertThat(WanLinks.parse(java.util.List.of("a b 1 0")).link("a", "b").orElseThrow().lossPercent()).as("written before loss").isZero();
  }

  @Test
  void aLinkLosesWhatItsWorseEndsTierLoses() throws Exception {
    ClusterSnapshot inventory = inventory();
    WanLinks links = WanLinks.fromInventory(inventory, java.util.List.of());
    for (var a : inventory.clusters()) {
      for (var b : inventory.clusters()) {
        if (a.equals(b)) continue;
        assertThat(links.link(a.id().value(), b.id().value()).orElseThrow().lossPercent()).as(a.id() + " → " + b.id())
            .isEqualTo(Math.max(WanLinks.lossPercent(a.tier()), WanLinks.lossPercent(b.tier())));
      }
    }
    assertThat(WanLinks.lossPercent(io.qonnect.placement.spec.Tier.EDGE)).isGreaterThan(WanLinks.lossPercent(io.qonnect.placement.spec.Tier.CLOUD));
  }

  @Test
  void theControlPlaneTalksInsideItsDataCentreAndEachClusterReachesItOverItsLinkToThatDataCentre() throws Exception {
    ClusterSnapshot inventory = inventory();
    WanLinks links = WanLinks.fromInventory(inventory, java.util.List.of("lead-1", "lead-2", "knowledge-base"));
    var host = WanLinks.controlPlaneHost(inventory).orElseThrow();
    assertThat(host.tier()).isEqualTo(io.qonnect.placement.spec.Tier.CLOUD);
    assertThat(links.link("lead-1", "lead-2").orElseThrow().delayMs()).isEqualTo(WanLinks.DATA_CENTRE_RTT_MS / 2);
    assertThat(links.link("knowledge-base", "lead-2").orElseThrow().lossPercent()).isZero();
    for (var c : inventory.clusters()) {
      double rtt = c.equals(host) ? WanLinks.DATA_CENTRE_RTT_MS : inventory.latency().between(c.id(), host.id()).orElseThrow();
      for (String p : java.util.List.of("lead-1", "knowledge-base")) {
        assertThat(links.link(c.id().value(), p).orElseThrow().delayMs() + links.link(p, c.id().value()).orElseThrow().delayMs())
            .as(c.id() + " ↔ " + p).isEqualTo(rtt);
      }
    }
    WanLinks slowLead = links.withExtraRtt(Map.of("lead-1", 40.0));
    assertThat(slowLead.link("lead-1", "lead-2").orElseThrow().delayMs() + slowLead.link("lead-2", "lead-1").orElseThrow().delayMs())
        .as("a drill slows a lead agent's links too").isEqualTo(WanLinks.DATA_CENTRE_RTT_MS + 40);
    String cluster = inventory.clusters().getFirst().id().value();
    assertThatThrownBy(() -> WanLinks.fromInventory(inventory, java.util.List.of(cluster))).hasMessageContaining("has the name of a member cluster");
  }
}

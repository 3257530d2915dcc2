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
    WanLinks plain = WanLinks.fromInventory(inventory);
    assertThat(plain.link(a.value(), b.value()).orElseThrow().delayMs()).isEqualTo(rtt / 2);
    assertThat(plain.link(b.value(), a.value()).orElseThrow().delayMs()).isEqualTo(rtt / 2);
    assertThat(plain.link(a.value(), a.value())).isEmpty();

    WanLinks raised = plain.withExtraRtt(Map.of(a.value(), 30.0));
    assertThat(raised.link(a.value(), b.value()).orElseThrow().delayMs() + raised.link(b.value(), a.value()).orElseThrow().delayMs())
        .isEqualTo(rtt + 30);
  }

  @Test
  void theTextFormRoundTripsAndABadLineIsNamed() throws Exception {
    WanLinks links = WanLinks.fromInventory(inventory());
    assertThat(WanLinks.parse(links.lines())).isEqualTo(links);
    assertThatThrownBy(() -> WanLinks.parse(java.util.List.of("# header", "a b 3"))).hasMessageContaining("line 2 'a b 3'");
    assertThatThrownBy(() -> WanLinks.parse(java.util.List.of("a b -1 0"))).hasMessageContaining("must be ≥ 0");
    assertThatThrownBy(() -> WanLinks.parse(java.util.List.of("a b 1 0 100"))).hasMessageContaining("loss must be in [0, 100) %");
    assertThat(WanLinks.parse(java.util.List.of("a b 1 0")).link("a", "b").orElseThrow().lossPercent()).as("written before loss").isZero();
  }

  @Test
  void aLinkLosesWhatItsWorseEndsTierLoses() throws Exception {
    ClusterSnapshot inventory = inventory();
    WanLinks links = WanLinks.fromInventory(inventory);
    for (var a : inventory.clusters()) {
      for (var b : inventory.clusters()) {
        if (a.equals(b)) continue;
        assertThat(links.link(a.id().value(), b.id().value()).orElseThrow().lossPercent()).as(a.id() + " → " + b.id())
            .isEqualTo(Math.max(WanLinks.lossPercent(a.tier()), WanLinks.lossPercent(b.tier())));
      }
    }
    assertThat(WanLinks.lossPercent(io.qonnect.placement.spec.Tier.EDGE)).isGreaterThan(WanLinks.lossPercent(io.qonnect.placement.spec.Tier.CLOUD));
  }
}

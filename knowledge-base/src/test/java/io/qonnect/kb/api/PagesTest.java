package io.qonnect.kb.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.qonnect.proto.v1.ClusterReport;
import io.qonnect.proto.v1.ComponentReadiness;
import io.qonnect.proto.v1.LatencyReport;
import io.qonnect.proto.v1.LatencySample;
import io.qonnect.proto.v1.NodeObservation;
import io.qonnect.proto.v1.ObservationSnapshot;
import io.qonnect.proto.v1.ReadinessReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** Pages merged in order are the whole snapshot, and none is larger than a page unless one report alone is. */
class PagesTest {
  @Property
  void mergedPagesAreTheWholeSnapshot(@ForAll long seed, @ForAll @IntRange(min = 0, max = 60) int clusters, @ForAll @IntRange(min = 64, max = 20_000) int pageBytes) {
    Pages.Reports reports = reports(new Random(seed), clusters);
    ObservationSnapshot whole = Pages.whole(42, reports);
    List<ObservationSnapshot> pages = Pages.split(42, reports, pageBytes);

    ObservationSnapshot.Builder merged = ObservationSnapshot.newBuilder();
    pages.forEach(merged::mergeFrom);
    assertThat(merged.build()).isEqualTo(whole);
    assertThat(pages).allSatisfy(page -> {
      assertThat(page.getTakenUnixMillis()).isEqualTo(42);
      int held = page.getClustersCount() + page.getLatencyCount() + page.getReadinessCount();
      if (held > 1) assertThat(page.getSerializedSize()).isLessThanOrEqualTo(pageBytes);
      assertThat(held > 0 || pages.size() == 1).as("no empty page but the only one").isTrue();
    });
  }

  private static Pages.Reports reports(Random random, int clusters) {
    List<ClusterReport> c = new ArrayList<>();
    List<LatencyReport> l = new ArrayList<>();
    List<ReadinessReport> r = new ArrayList<>();
    for (int i = 0; i < clusters; i++) {
      String name = "c-" + i;
      ClusterReport.Builder report = ClusterReport.newBuilder().setCluster(name).setObservedUnixMillis(random.nextInt(1000));
      for (int n = random.nextInt(40); n > 0; n--) report.addNodes(NodeObservation.newBuilder().setName(name + "-n" + n).setReady(random.nextBoolean()));
      c.add(report.build());
      LatencyReport.Builder latency = LatencyReport.newBuilder().setFromCluster(name);
      for (int p = random.nextInt(clusters); p > 0; p--) latency.addSamples(LatencySample.newBuilder().setTo("c-" + p).setRttMs(random.nextDouble() * 100));
      if (random.nextBoolean()) l.add(latency.build());
      if (random.nextBoolean()) {
        r.add(ReadinessReport.newBuilder().setCluster(name)
            .addComponents(ComponentReadiness.newBuilder().setApplication("app").setComponent("web").setReadyReplicas(random.nextInt(3))).build());
      }
    }
    return new Pages.Reports(c, l, r);
  }
}

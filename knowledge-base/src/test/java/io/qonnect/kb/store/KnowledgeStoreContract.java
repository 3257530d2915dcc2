package io.qonnect.kb.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.qonnect.proto.v1.ClusterReport;
import io.qonnect.proto.v1.ComponentReadiness;
import io.qonnect.proto.v1.LatencyReport;
import io.qonnect.proto.v1.LatencySample;
import io.qonnect.proto.v1.ObservedEvent;
import io.qonnect.proto.v1.ReadinessReport;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link KnowledgeStore} must do; run against each implementation. */
abstract class KnowledgeStoreContract {
  protected KnowledgeStore store;

  protected abstract KnowledgeStore open();

  @BeforeEach
  void openStore() {
    store = open();
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  static ClusterReport cluster(String name, long at, double pricePerCore) {
    return ClusterReport.newBuilder().setCluster(name).setObservedUnixMillis(at).setPricePerCoreHour(pricePerCore).build();
  }

  static ObservedEvent event(long at, String subject, String message) {
    return ObservedEvent.newBuilder().setTimeUnixMillis(at).setKind("Test").setSubject(subject).setMessage(message).build();
  }

  @Test
  void clusterReportsAreLastWriteWinsByObservationTimeAndSortedByCluster() {
    store.putClusterReport(cluster("fog-1", 100, 0.05));
    store.putClusterReport(cluster("cloud-1", 100, 0.02));
    store.putClusterReport(cluster("fog-1", 200, 0.07));
    store.putClusterReport(cluster("fog-1", 150, 0.99)); // late delivery of an older observation: ignored

    assertThat(store.clusterReports()).extracting(ClusterReport::getCluster).containsExactly("cloud-1", "fog-1");
    assertThat(store.clusterReports().get(1).getPricePerCoreHour()).isEqualTo(0.07);
  }

  @Test
  void latencyReportsKeepTheNewestPerReportingCluster() {
    LatencySample s = LatencySample.newBuilder().setTo("fog-1").setRttMs(12).build();
    store.putLatencyReport(LatencyReport.newBuilder().setFromCluster("edge-1").setObservedUnixMillis(5).addSamples(s).build());
    store.putLatencyReport(LatencyReport.newBuilder().setFromCluster("edge-1").setObservedUnixMillis(9).addSamples(s.toBuilder().setRttMs(14)).build());

    assertThat(store.latencyReports()).singleElement().satisfies(r -> assertThat(r.getSamples(0).getRttMs()).isEqualTo(14));
  }

  @Test
  void readinessReplacesTheWholeClusterAndIsSortedByComponent() {
    store.putReadinessReport(readiness("edge-1", 1, "shop", "web", "db"));
    store.putReadinessReport(readiness("edge-1", 2, "shop", "web"));

    assertThat(store.readinessReports()).singleElement()
        .satisfies(r -> assertThat(r.getComponentsList()).extracting(ComponentReadiness::getComponent).containsExactly("web"));
    store.putReadinessReport(readiness("edge-1", 3, "shop", "web", "api"));
    assertThat(store.readinessReports().getFirst().getComponentsList()).extracting(ComponentReadiness::getComponent).containsExactly("api", "web");
  }

  static ReadinessReport readiness(String cluster, long at, String application, String... components) {
    ReadinessReport.Builder b = ReadinessReport.newBuilder().setCluster(cluster).setObservedUnixMillis(at);
    for (String c : components) {
      b.addComponents(ComponentReadiness.newBuilder().setApplication(application).setComponent(c).setDesiredReplicas(2).setReadyReplicas(1));
    }
    return b.build();
  }

  @Test
  void historyIsTimeOrderedFilteredBySubjectAndRangeAndLimited() {
    store.appendEvent(event(30, "fog-1", "c"));
    store.appendEvent(event(10, "fog-1", "a"));
    store.appendEvent(event(20, "edge-1", "b"));
    store.appendEvent(event(30, "fog-1", "d")); // same time as "c": keeps arrival order

    assertThat(store.history("", 0, Long.MAX_VALUE, 100)).extracting(ObservedEvent::getMessage).containsExactly("a", "b", "c", "d");
    assertThat(store.history("fog-1", 0, Long.MAX_VALUE, 100)).extracting(ObservedEvent::getMessage).containsExactly("a", "c", "d");
    assertThat(store.history("fog-1", 11, 31, 100)).extracting(ObservedEvent::getMessage).containsExactly("c", "d");
    assertThat(store.history("", 0, Long.MAX_VALUE, 2)).extracting(ObservedEvent::getMessage).containsExactly("a", "b");
    assertThat(store.history("fog", 0, Long.MAX_VALUE, 100)).as("a subject is matched whole, not as a prefix").isEmpty();
  }

  @Test
  void pruningRemovesTheOldestEventsFromEveryIndexInChunks() {
    store.appendEvent(event(30, "fog-1", "c"));
    store.appendEvent(event(10, "fog-1", "a"));
    store.appendEvent(event(20, "edge-1", "b"));
    store.appendEvent(event(40, "fog-1", "d"));

    assertThat(store.pruneHistory(35, 2)).as("at most the limit").isEqualTo(2);
    assertThat(store.history("", 0, Long.MAX_VALUE, 100)).extracting(ObservedEvent::getMessage).containsExactly("c", "d");
    assertThat(store.history("fog-1", 0, Long.MAX_VALUE, 100)).as("the subject index too").extracting(ObservedEvent::getMessage).containsExactly("c", "d");
    assertThat(store.history("edge-1", 0, Long.MAX_VALUE, 100)).isEmpty();
    assertThat(store.pruneHistory(35, 2)).as("the rest before 35").isEqualTo(1);
    assertThat(store.pruneHistory(35, 2)).isZero();
    assertThat(store.history("fog-1", 0, Long.MAX_VALUE, 100)).extracting(ObservedEvent::getMessage).containsExactly("d");
    store.appendEvent(event(50, "fog-1", "e"));
    assertThat(store.history("", 0, Long.MAX_VALUE, 100)).as("appending goes on after pruning").extracting(ObservedEvent::getMessage).containsExactly("d", "e");
  }

  @Test
  void anEmptyStoreAnswersEmpty() {
    assertThat(store.clusterReports()).isEmpty();
    assertThat(store.latencyReports()).isEmpty();
    assertThat(store.readinessReports()).isEmpty();
    assertThat(store.history("", 0, Long.MAX_VALUE, 10)).isEqualTo(List.of());
  }
}

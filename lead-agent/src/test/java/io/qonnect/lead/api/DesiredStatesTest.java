package io.qonnect.lead.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.qonnect.lead.proto.SpecCodec;
import io.qonnect.lead.state.ApplicationRecord;
import io.qonnect.lead.state.ClusterHealth;
import io.qonnect.lead.state.ClusterRecord;
import io.qonnect.placement.Placement;
import io.qonnect.placement.snapshot.ClusterId;
import io.qonnect.placement.spec.Parsed;
import io.qonnect.placement.spec.QosSpec;
import io.qonnect.placement.spec.QosSpecParser;
import io.qonnect.placement.spec.Tier;
import io.qonnect.proto.v1.ApplicationSpec;
import io.qonnect.proto.v1.DesiredApplication;
import io.qonnect.proto.v1.DesiredComponent;
import io.qonnect.proto.v1.DesiredState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class DesiredStatesTest {
  static final String LEDGER = read("../examples/ledger.yaml");
  static final ApplicationSpec SPEC = SpecCodec.toProto(((Parsed.Valid<QosSpec>) new QosSpecParser().parse(LEDGER)).value());
  static final List<ClusterRecord> REGISTRY = List.of(cluster("cloud-1"), cluster("edge-1"), cluster("fog-1"));
  private final DesiredStates desired = new DesiredStates();

  static String read(String path) {
    try {
      return Files.readString(Path.of(path));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static ClusterRecord cluster(String name) {
    return new ClusterRecord(ClusterId.of(name), Tier.CLOUD, "eu", "127.0.0.1:7" + name.length(), ClusterHealth.HEALTHY, "registered", "");
  }

  /** {@code placement("api", "cloud-1", 2, "writer", "edge-1", 1)} */
  static Placement placement(Object... componentClusterReplicas) {
    SortedMap<String, SortedMap<ClusterId, Integer>> components = new TreeMap<>();
    for (int i = 0; i < componentClusterReplicas.length; i += 3) {
      components.computeIfAbsent((String) componentClusterReplicas[i], k -> new TreeMap<>())
          .put(ClusterId.of((String) componentClusterReplicas[i + 1]), (Integer) componentClusterReplicas[i + 2]);
    }
    return new Placement(components);
  }

  static ApplicationRecord ledger(long epoch, Placement now, Placement previous, ApplicationSpec spec) {
    return new ApplicationRecord("ledger", LEDGER, spec, 3, epoch, now, previous, "", io.qonnect.lead.state.Diagnoses.NONE, 3, 1, 3, 0);
  }

  DesiredApplication only(String cluster, ApplicationRecord app) {
    DesiredState state = desired.forCluster(ClusterId.of(cluster), List.of(app), REGISTRY, 9).state();
    assertThat(state.getApplicationsList()).hasSizeLessThanOrEqualTo(1);
    return state.getApplicationsCount() == 0 ? null : state.getApplications(0);
  }

  static Map<String, Integer> replicas(DesiredApplication app) {
    Map<String, Integer> out = new TreeMap<>();
    if (app != null) app.getComponentsList().forEach(c -> out.put(c.getName(), c.getReplicas()));
    return out;
  }

  @Test
  void eachClusterGetsItsComponentsTypedWithEpochIncarnationAndPeers() {
    ApplicationRecord app = ledger(2, placement("api", "cloud-1", 2, "writer", "edge-1", 1), null, SPEC);
    DesiredState cloud = desired.forCluster(ClusterId.of("cloud-1"), List.of(app), REGISTRY, 9).state();
    assertThat(cloud.getRevision()).isEqualTo(9);
    assertThat(cloud.getPeersList()).extracting(p -> p.getCluster()).containsExactly("edge-1", "fog-1");
    DesiredApplication d = cloud.getApplications(0);
    assertThat(d.getPlacementEpoch()).isEqualTo(2);
    assertThat(d.getIncarnation()).isEqualTo(3);
    DesiredComponent api = d.getComponents(0);
    assertThat(api.getName()).isEqualTo("api");
    assertThat(api.getReplicas()).isEqualTo(2);
    assertThat(api.getImage().getImage()).isEqualTo("docker.io/library/nginx:1.27");
    assertThat(api.getImage().getRequests().getCpuMillis()).isEqualTo(100);
    assertThat(d.getRemotesList()).as("writer runs only on edge-1").extracting(r -> r.getComponent() + "@" + r.getCluster()).containsExactly("writer@edge-1");
    assertThat(d.getHereList()).as("still filled for agents of the previous release").hasSize(1);
    assertThat(only("fog-1", app)).as("nothing placed there").isNull();
  }

  @Test
  void whileMigratingEveryClusterKeepsTheLargerOfItsOldAndNewReplicasButASingletonRunsOnlyWhereItIsPlacedNow() {
    ApplicationRecord migrating = ledger(3, placement("api", "fog-1", 2, "writer", "fog-1", 1),
        placement("api", "cloud-1", 2, "api", "fog-1", 1, "writer", "cloud-1", 1), SPEC);
    assertThat(replicas(only("cloud-1", migrating))).as("the old copy keeps running until the new one is Ready").isEqualTo(Map.of("api", 2));
    assertThat(replicas(only("fog-1", migrating))).isEqualTo(Map.of("api", 2, "writer", 1));
    assertThat(desired.forCluster(ClusterId.of("fog-1"), List.of(migrating), REGISTRY, 9).singletons())
        .containsExactly(new DesiredStates.Singleton("ledger", "writer"));

    ApplicationRecord done = ledger(3, placement("api", "fog-1", 2, "writer", "fog-1", 1), null, SPEC);
    assertThat(only("cloud-1", done)).as("migration completed: the old copies go").isNull();
  }

  @Test
  void anApplicationWithoutPlacementIsNotSent() {
    assertThat(only("cloud-1", ledger(0, null, null, SPEC))).isNull();
  }

  @Test
  void aStoredSpecThisVersionCannotUseIsSentWithoutWorkloadsSoAgentsKeepWhatRuns() {
    ApplicationRecord legacy = ledger(2, placement("api", "cloud-1", 2), null, ApplicationSpec.getDefaultInstance());
    DesiredApplication d = only("cloud-1", legacy);
    assertThat(d).as("left out, every agent would delete it").isNotNull();
    assertThat(d.getComponentsList()).singleElement().satisfies(c -> {
      assertThat(c.getName()).isEqualTo("api");
      assertThat(c.getWorkloadCase()).isEqualTo(DesiredComponent.WorkloadCase.WORKLOAD_NOT_SET);
    });
  }

  /**
   * The feeds build each cluster's desired state from the applications the shared index lists on it; on random
   * placements (some migrating, some not placed) that is exactly what building it from every application gives.
   */
  @Test
  void theIndexedDesiredStateOfEveryClusterEqualsTheOneBuiltFromEveryApplication() {
    List<String> components = SPEC.getComponentsList().stream().map(c -> c.getName()).toList();
    for (long seed = 1; seed <= 50; seed++) {
      java.util.Random random = new java.util.Random(seed);
      java.util.function.Supplier<Placement> randomPlacement = () -> {
        List<Object> args = new java.util.ArrayList<>();
        for (String component : components) {
          for (ClusterRecord c : REGISTRY) if (random.nextInt(3) == 0) args.addAll(List.of(component, c.id().value(), 1 + random.nextInt(3)));
        }
        return placement(args.toArray());
      };
      Map<String, ApplicationRecord> apps = new TreeMap<>();
      for (int a = 0; a < 20; a++) {
        Placement now = random.nextInt(7) == 0 ? null : randomPlacement.get();
        Placement previous = random.nextInt(3) == 0 ? randomPlacement.get() : null;
        String name = "app-" + a;
        apps.put(name, new ApplicationRecord(name, LEDGER, SPEC, 3, 2, now, previous, "", io.qonnect.lead.state.Diagnoses.NONE, 3, 1, 3, 0));
      }
      io.qonnect.lead.state.ControlPlaneState state = new io.qonnect.lead.state.ControlPlaneState();
      state.restore(40, 40, 7, io.qonnect.lead.state.FeatureLevels.SUPPORTED, 0,
          REGISTRY.stream().collect(java.util.stream.Collectors.toMap(ClusterRecord::id, c -> c)), apps, List.of());
      DesiredIndex.View view = DesiredIndex.build(state, null);
      for (ClusterRecord c : REGISTRY) {
        assertThat(desired.withPeers(c.id(), view.applicationsOn(c.id()), DesiredStates.peers(c.id(), view.clusters()), view.revision()))
            .as("seed " + seed + ", " + c.id().value()).isEqualTo(desired.forCluster(c.id(), state.applications(), REGISTRY, 40));
      }
    }
  }
}

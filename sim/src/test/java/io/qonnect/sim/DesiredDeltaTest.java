package io.qonnect.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.qonnect.agent.upstream.DesiredAssembly;
import io.qonnect.lead.api.AgentFeed;
import io.qonnect.lead.api.DesiredIndex;
import io.qonnect.lead.api.DesiredStates;
import io.qonnect.lead.lease.LeaseBook;
import io.qonnect.lead.proto.SpecCodec;
import io.qonnect.lead.state.ApplicationRecord;
import io.qonnect.lead.state.ClusterHealth;
import io.qonnect.lead.state.ClusterRecord;
import io.qonnect.lead.state.ControlPlaneState;
import io.qonnect.lead.state.Diagnoses;
import io.qonnect.lead.state.FeatureLevels;
import io.qonnect.lead.state.StateReader;
import io.qonnect.placement.Placement;
import io.qonnect.placement.snapshot.ClusterId;
import io.qonnect.placement.spec.Parsed;
import io.qonnect.placement.spec.QosSpec;
import io.qonnect.placement.spec.QosSpecParser;
import io.qonnect.placement.spec.Tier;
import io.qonnect.proto.v1.ApplicationSpec;
import io.qonnect.proto.v1.DesiredState;
import io.qonnect.proto.v1.Hello;
import io.qonnect.proto.v1.LeadMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SplittableRandom;
import java.util.TreeMap;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * The desired-state protocol between the leader's feeds and the agents' assembly: on random histories of the committed
 * state (applications added, placed, migrating, migrated, deleted and created again, specs changed, records rewritten
 * with nothing an agent sees changed, member clusters added and moved), with agents that reconnect to a fresh feed,
 * restart with nothing, skip rounds, lose a stream's last messages, and take deltas or only complete states, what every
 * agent holds after each round it was fed is exactly what building its cluster's desired state from every
 * application gives.
 */
class DesiredDeltaTest {
  private static final String LEDGER = read("../examples/ledger.yaml");
  private static final ApplicationSpec SPEC = SpecCodec.toProto(((Parsed.Valid<QosSpec>) new QosSpecParser().parse(LEDGER)).value());
  private static final List<String> COMPONENTS = SPEC.getComponentsList().stream().map(c -> c.getName()).toList();
  private static final List<ClusterId> CLUSTERS = List.of("c0", "c1", "c2", "c3").stream().map(ClusterId::of).toList();
  private static final LeaseBook.Fences NO_FENCE = (cluster, application, component, since) -> false;

  private static String read(String path) {
    try {
      return Files.readString(Path.of(path));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One agent and the stream it holds now. */
  private static final class Agent {
    final ClusterId cluster;
    DesiredAssembly assembly = new DesiredAssembly();
    AgentFeed feed;

    Agent(ClusterId cluster) {
      this.cluster = cluster;
    }

    void connect(DesiredIndex index, boolean takesDeltas) {
      Hello hello = assembly.hello(cluster.value());
      feed = new AgentFeed(cluster, index, takesDeltas ? hello : Hello.newBuilder().setCluster(cluster.value()).build());
    }
  }

  @Property
  void whatEveryAgentHoldsIsWhatAFullRecomputationGives(@ForAll long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    ControlPlaneState state = new ControlPlaneState();
    StateReader reader = StateReader.of(state);
    DesiredIndex index = new DesiredIndex(reader); // one per lead agent: a reconnect to another one gets a fresh index
    Map<String, ApplicationRecord> apps = new TreeMap<>();
    Map<ClusterId, ClusterRecord> registry = new TreeMap<>();
    for (ClusterId c : CLUSTERS) registry.put(c, cluster(c, 7000));
    long clusterSetRevision = 1;
    List<Agent> agents = CLUSTERS.stream().map(Agent::new).toList();
    LeaseBook book = new LeaseBook(5_000, 0);
    for (long revision = 2; revision < 62; revision++) {
      for (int changes = random.nextInt(4); changes > 0; changes--) {
        String name = "app-" + random.nextInt(8);
        ApplicationRecord app = apps.get(name);
        switch (random.nextInt(7)) {
          case 0 -> apps.put(name, new ApplicationRecord(name, LEDGER, SPEC, revision, 0, null, null, "", Diagnoses.NONE, 0, 0, revision, 0));
          case 1 -> apps.remove(name);
          case 2 -> { // a decision: a new placement; a migration keeps what served
            if (app == null) continue;
            Placement previous = app.placement() != null && random.nextBoolean() ? app.serving() : null;
            apps.put(name, with(app, app.placementEpoch() + 1, placement(random), previous, app.specYaml()));
          }
          case 3 -> { // the migration is done
            if (app != null) apps.put(name, with(app, app.placementEpoch(), app.placement(), null, app.specYaml()));
          }
          case 4 -> { // a new spec
            if (app != null) apps.put(name, with(app, app.placementEpoch(), app.placement(), app.previousPlacement(), LEDGER + "# edit " + revision + "\n"));
          }
          case 5 -> { // a new record with nothing an agent sees changed
            if (app != null) apps.put(name, with(app, app.placementEpoch(), app.placement(), app.previousPlacement(), app.specYaml()));
          }
          default -> { // the member clusters change: one joins or moves its agent, or a verdict changes its health only
            ClusterId c = random.nextInt(3) == 0 ? ClusterId.of("c4") : CLUSTERS.get(random.nextInt(CLUSTERS.size()));
            ClusterRecord now = registry.get(c);
            registry.put(c, now != null && random.nextBoolean() ? verdict(now, ClusterHealth.values()[random.nextInt(ClusterHealth.values().length)])
                : cluster(c, 7000 + random.nextInt(100)));
            clusterSetRevision = revision;
          }
        }
      }
      state.restore(revision, revision, clusterSetRevision, FeatureLevels.SUPPORTED, 0, registry, apps, List.of());
      for (Agent agent : agents) {
        int fate = random.nextInt(20);
        if (agent.feed == null || fate == 0) agent.connect(random.nextBoolean() ? index : new DesiredIndex(reader), random.nextInt(4) > 0);
        if (fate == 1) { // the agent restarts: it holds nothing
          agent.assembly = new DesiredAssembly();
          agent.connect(index, true);
        }
        if (fate == 2) continue; // not fed this round: the next one coalesces the revisions
        List<LeadMessage> sent = agent.feed.next(book, 1, NO_FENCE, revision * 100);
        if (fate == 3 && !sent.isEmpty()) { // the stream breaks before what was sent arrives: the next one resumes
          agent.connect(index, true);
          sent = agent.feed.next(book, 1, NO_FENCE, revision * 100);
        }
        for (LeadMessage m : sent) {
          if (m.hasDesiredState()) agent.assembly.accept(m.getDesiredState());
          if (m.hasDesiredDelta()) assertThat(agent.assembly.accept(m.getDesiredDelta())).as("seed %d, revision %d: a delta the agent could apply", seed, revision).isPresent();
        }
        DesiredState full = new DesiredStates().forCluster(agent.cluster, state.applications(), state.clusters(), revision).state();
        DesiredState held = agent.assembly.held().orElseThrow();
        assertThat(held.getApplicationsList()).as("seed %d, revision %d, %s's applications", seed, revision, agent.cluster).isEqualTo(full.getApplicationsList());
        assertThat(held.getPeersList()).as("seed %d, revision %d, %s's peers", seed, revision, agent.cluster).isEqualTo(full.getPeersList());
        assertThat(held.getRevision()).isLessThanOrEqualTo(revision);
      }
    }
  }

  private static ApplicationRecord with(ApplicationRecord a, long epoch, Placement placement, Placement previous, String specYaml) {
    return new ApplicationRecord(a.name(), specYaml, a.spec(), a.specRevision(), epoch, placement, previous, a.explanation(), a.diagnosis(),
        a.placedSpecRevision(), a.placedClusterSetRevision(), a.incarnation(), a.migratingSinceMillis());
  }

  private static Placement placement(SplittableRandom random) {
    SortedMap<String, SortedMap<ClusterId, Integer>> components = new TreeMap<>();
    for (String component : COMPONENTS) {
      SortedMap<ClusterId, Integer> here = new TreeMap<>();
      for (ClusterId c : CLUSTERS) if (random.nextInt(3) == 0) here.put(c, 1 + random.nextInt(3));
      if (here.isEmpty()) here.put(CLUSTERS.get(random.nextInt(CLUSTERS.size())), 1);
      components.put(component, here);
    }
    return new Placement(components);
  }

  /** A verdict that changes the cluster set and not whom anyone probes sends nothing to an agent with nothing else new. */
  @org.junit.jupiter.api.Test
  void aHealthVerdictAloneSendsNothing() {
    ControlPlaneState state = new ControlPlaneState();
    StateReader reader = StateReader.of(state);
    LeaseBook book = new LeaseBook(5_000, 0);
    for (boolean deltas : new boolean[] {true, false}) {
      Map<ClusterId, ClusterRecord> registry = new TreeMap<>();
      for (ClusterId c : CLUSTERS) registry.put(c, cluster(c, 7000));
      state.restore(2, 2, 2, FeatureLevels.SUPPORTED, 0, registry, Map.of(), List.of());
      Agent agent = new Agent(CLUSTERS.getFirst());
      agent.connect(new DesiredIndex(reader), deltas);
      assertThat(agent.feed.next(book, 1, NO_FENCE, 0)).as("the first message says whom to probe").hasSize(1);
      registry.put(CLUSTERS.get(1), verdict(registry.get(CLUSTERS.get(1)), ClusterHealth.SUSPECT));
      state.restore(3, 3, 3, FeatureLevels.SUPPORTED, 0, registry, Map.of(), List.of());
      assertThat(agent.feed.next(book, 1, NO_FENCE, 100)).as("deltas: " + deltas).isEmpty();
      registry.put(CLUSTERS.get(1), cluster(CLUSTERS.get(1), 7001));
      state.restore(4, 4, 4, FeatureLevels.SUPPORTED, 0, registry, Map.of(), List.of());
      assertThat(agent.feed.next(book, 1, NO_FENCE, 200)).as("a peer moved: sent").hasSize(1);
    }
  }

  private static ClusterRecord verdict(ClusterRecord c, ClusterHealth health) {
    return new ClusterRecord(c.id(), c.tier(), c.region(), c.agentAddress(), health, "verdict", c.clusterUid());
  }

  private static ClusterRecord cluster(ClusterId id, int port) {
    return new ClusterRecord(id, Tier.CLOUD, "eu", "127.0.0.1:" + port, ClusterHealth.HEALTHY, "registered", "");
  }
}

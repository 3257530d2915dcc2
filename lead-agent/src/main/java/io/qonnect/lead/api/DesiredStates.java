package io.qonnect.lead.api;

import io.qonnect.lead.placing.ProbePlan;
import io.qonnect.lead.proto.SpecCodec;
import io.qonnect.lead.state.ApplicationRecord;
import io.qonnect.lead.state.ClusterRecord;
import io.qonnect.placement.Placement;
import io.qonnect.placement.snapshot.ClusterId;
import io.qonnect.proto.v1.ClusterReplicas;
import io.qonnect.proto.v1.DesiredApplication;
import io.qonnect.proto.v1.DesiredComponent;
import io.qonnect.proto.v1.DesiredState;
import io.qonnect.proto.v1.ImageWorkload;
import io.qonnect.proto.v1.PeerAgent;
import io.qonnect.proto.v1.RemoteEndpoint;
import io.qonnect.proto.v1.SpecComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;

/**
 * What one member cluster should run, from the committed placements and the canonical specs. Pure and
 * deterministic; no parsing (the API parsed each spec once, at submission). The state is complete, so the agent
 * reconciles level-based; the feeds send agents that take them only what changed ({@link AgentFeed}), by the
 * digest {@link #render} gives each application.
 *
 * <p>Each application placed here is sent typed: the components this cluster runs, each with its image
 * shorthand (requests included) or its manifests, and its replica count here. Agents of the previous release
 * read {@code spec_yaml} and {@code here}, which are still filled (the rolling-upgrade rule in agent.proto).
 *
 * <p>Make-before-break: while an application migrates, a cluster keeps the previous placement's replicas
 * of each component (the larger of old and new count) until the lead agents commit that the new placement
 * runs Ready; singletons excepted, which the lease hands over instead. A component placed here whose
 * talksTo peer runs only elsewhere gets a remote endpoint: the peer in the first cluster (by name) that runs it.
 *
 * <p>An application whose stored spec this version cannot use (a spec stored by an older version that no
 * longer validates) is still sent, with its components named but without a workload: its agents keep what
 * runs of it and delete nothing.
 */
public final class DesiredStates {
  /** A desired state and the singletons it asks this cluster to run (each needs a lease first). */
  public record ForCluster(DesiredState state, List<Singleton> singletons) {}

  public record Singleton(String application, String component) {}

  /** The DNS name under which a component of an application in a member cluster is reachable from the others. */
  public static String remoteAddress(String component, String application, ClusterId cluster) {
    return component + "." + application + "." + cluster.value() + ".qonnect.internal";
  }

  public ForCluster forCluster(ClusterId cluster, List<ApplicationRecord> applications, List<ClusterRecord> registry, long revision) {
    return withPeers(cluster, applications, peers(cluster, registry), revision);
  }

  /** The other member clusters' agents {@code cluster}'s agent probes ({@link ProbePlan}). */
  public static List<PeerAgent> peers(ClusterId cluster, List<ClusterRecord> registry) {
    return peers(cluster, ProbePlan.of(registry));
  }

  public static List<PeerAgent> peers(ClusterId cluster, ProbePlan plan) {
    List<PeerAgent> peers = new ArrayList<>();
    for (ClusterRecord peer : plan.targets(cluster)) peers.add(PeerAgent.newBuilder().setCluster(peer.id().value()).setAddress(peer.agentAddress()).build());
    return peers;
  }

  /**
   * @param applications the applications to look at (those not placed here add nothing: callers may pass only the
   *     ones placed here, see {@link DesiredIndex})
   */
  public ForCluster withPeers(ClusterId cluster, List<ApplicationRecord> applications, List<PeerAgent> peers, long revision) {
    DesiredState.Builder b = DesiredState.newBuilder().setCluster(cluster.value()).setRevision(revision).addAllPeers(peers);
    List<Singleton> singletons = new ArrayList<>();
    for (ApplicationRecord app : applications) {
      render(app, cluster).ifPresent(r -> {
        b.addApplications(r.application());
        singletons.addAll(r.singletons());
      });
    }
    return new ForCluster(b.build(), singletons);
  }

  /** One application as one member cluster runs it (its digest filled), and the singletons of it that need a lease there. */
  public record Rendered(DesiredApplication application, List<Singleton> singletons) {
    public long digest() {
      return application.getDigest();
    }
  }

  /** What {@code cluster} runs of {@code app}; empty when nothing of it runs there (not placed, or placed elsewhere only). */
  public static Optional<Rendered> render(ApplicationRecord app, ClusterId cluster) {
    if (app.placement() == null) return Optional.empty();
    DesiredApplication.Builder d = DesiredApplication.newBuilder().setApplication(app.name()).setPlacementEpoch(app.placementEpoch())
        .setIncarnation(app.incarnation()).setSpecYaml(app.specYaml()).setPodSecurity(app.spec().getPodSecurity());
    List<Singleton> singletons = new ArrayList<>();
    if (SpecCodec.usable(app.spec())) {
      for (SpecComponent c : app.spec().getComponentsList()) {
        int replicas = replicasHere(app, c.getName(), c.getSingleton(), cluster);
        if (replicas == 0) continue;
        d.addHere(ClusterReplicas.newBuilder().setCluster(c.getName()).setReplicas(replicas));
        d.addComponents(component(c, replicas));
        if (c.getSingleton()) singletons.add(new Singleton(app.name(), c.getName()));
        for (String peer : c.getTalksToList()) {
          SortedMap<ClusterId, Integer> peerClusters = app.placement().of(peer);
          if (peerClusters.isEmpty() || peerClusters.containsKey(cluster)) continue;
          if (d.getRemotesList().stream().anyMatch(r -> r.getComponent().equals(peer))) continue;
          ClusterId where = peerClusters.firstKey();
          d.addRemotes(RemoteEndpoint.newBuilder().setComponent(peer).setCluster(where.value()).setAddress(remoteAddress(peer, app.name(), where)));
        }
      }
    } else {
      for (String component : app.placement().components().keySet()) {
        int replicas = replicasHere(app, component, false, cluster);
        if (replicas > 0) d.addComponents(DesiredComponent.newBuilder().setName(component).setReplicas(replicas)); // no workload: hold
      }
    }
    if (d.getComponentsCount() == 0) return Optional.empty();
    return Optional.of(new Rendered(d.setDigest(digest(d.build())).build(), List.copyOf(singletons)));
  }

  /**
   * The first 8 bytes of the SHA-256 of the application's deterministic encoding (digest unset). An agent names it in
   * its next hello; a leader of another version that renders the application otherwise sees another digest and sends it
   * again, so a digest can cost a resend, never a wrong state.
   */
  static long digest(DesiredApplication withoutDigest) {
    try {
      java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(withoutDigest.getSerializedSize());
      com.google.protobuf.CodedOutputStream out = com.google.protobuf.CodedOutputStream.newInstance(bytes);
      out.useDeterministicSerialization();
      withoutDigest.writeTo(out);
      out.flush();
      return java.nio.ByteBuffer.wrap(java.security.MessageDigest.getInstance("SHA-256").digest(bytes.toByteArray())).getLong();
    } catch (java.io.IOException | java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("digest of a desired application", e);
    }
  }

  /** The component as the agent renders it: the image shorthand (with the spec's requests) or the manifests. */
  static DesiredComponent component(SpecComponent c, int replicas) {
    DesiredComponent.Builder b = DesiredComponent.newBuilder().setName(c.getName()).setReplicas(replicas).setSingleton(c.getSingleton());
    if (c.hasImage()) b.setImage(ImageWorkload.newBuilder(c.getImage()).setRequests(c.getResources()));
    else b.setManifests(c.getManifests());
    return b.build();
  }

  private static int replicasHere(ApplicationRecord app, String component, boolean singleton, ClusterId cluster) {
    int now = app.placement().of(component).getOrDefault(cluster, 0);
    Placement previous = app.previousPlacement();
    if (previous == null || singleton) return now;
    return Math.max(now, previous.of(component).getOrDefault(cluster, 0));
  }
}

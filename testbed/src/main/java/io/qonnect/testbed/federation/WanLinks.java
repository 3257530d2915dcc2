package io.qonnect.testbed.federation;

import io.qonnect.placement.snapshot.ClusterSnapshot;
import io.qonnect.placement.snapshot.MemberCluster;
import io.qonnect.placement.spec.Tier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The testbed's wide-area links between member clusters, and between them and the control plane's processes: for each
 * ordered pair, the one-way delay and jitter the {@link WanRelay} holds that direction's bytes for, and the share of
 * its packets lost on the way (dropped by nftables on the relay's port, {@link PacketFaults#redirect}: TCP retransmits
 * them, as on a lossy uplink). Half the inventory's round-trip time each way, plus what a drill added to an end's links
 * ({@code drill latency}); jitter and loss by the tiers at the two ends (an edge uplink wobbles and loses more than a
 * data-centre link). Pure: a value and its text form, one link a line, {@code FROM TO DELAY_MS JITTER_MS LOSS_PERCENT}
 * (a file without the loss column reads as no loss).
 */
public record WanLinks(Map<String, Link> byPair) {
  /** One direction of a link. */
  public record Link(String from, String to, double delayMs, double jitterMs, double lossPercent) {
    public Link {
      if (!(delayMs >= 0) || !(jitterMs >= 0)) throw new IllegalArgumentException("link " + from + " → " + to + ": delay and jitter must be ≥ 0");
      if (!(lossPercent >= 0 && lossPercent < 100)) throw new IllegalArgumentException("link " + from + " → " + to + ": loss must be in [0, 100) %");
    }
  }

  public WanLinks {
    byPair = Map.copyOf(byPair);
  }

  /** The round trip inside a data centre, between its availability zones: the control plane's own links. */
  static final double DATA_CENTRE_RTT_MS = 1.0;
  private static final double DATA_CENTRE_JITTER_MS = 0.05;

  /**
   * The links of {@code inventory}'s clusters — half of each round trip it gives, each way — and of the control plane
   * ({@code controlPlane}: the lead agents and the knowledge base, by name), which runs in the data centre of
   * {@link #controlPlaneHost}: between two of its processes {@link #DATA_CENTRE_RTT_MS}; between one of them and a
   * member cluster the round trip from that cluster to the host (the data centre's own round trip for the host itself).
   */
  public static WanLinks fromInventory(ClusterSnapshot inventory, List<String> controlPlane) {
    Map<String, Link> links = new TreeMap<>();
    for (MemberCluster a : inventory.clusters()) {
      for (MemberCluster b : inventory.clusters()) {
        if (a.id().equals(b.id())) continue;
        java.util.OptionalDouble rtt = inventory.latency().between(a.id(), b.id());
        if (rtt.isEmpty()) continue;
        put(links, a.id().value(), b.id().value(), rtt.getAsDouble(), Math.max(jitterMs(a.tier()), jitterMs(b.tier())),
            Math.max(lossPercent(a.tier()), lossPercent(b.tier())));
      }
    }
    Optional<MemberCluster> host = controlPlaneHost(inventory);
    for (String p : controlPlane) {
      if (inventory.clusters().stream().anyMatch(c -> c.id().value().equals(p))) {
        throw new IllegalArgumentException("the control plane's " + p + " has the name of a member cluster");
      }
      for (String q : controlPlane) {
        if (!p.equals(q)) put(links, p, q, DATA_CENTRE_RTT_MS, DATA_CENTRE_JITTER_MS, 0);
      }
      if (host.isEmpty()) continue;
      for (MemberCluster c : inventory.clusters()) {
        double rtt = c.equals(host.get()) ? DATA_CENTRE_RTT_MS : inventory.latency().between(c.id(), host.get().id()).orElse(DATA_CENTRE_RTT_MS);
        double jitter = Math.max(jitterMs(c.tier()), jitterMs(host.get().tier()));
        double loss = Math.max(lossPercent(c.tier()), lossPercent(host.get().tier()));
        put(links, c.id().value(), p, rtt, jitter, loss);
        put(links, p, c.id().value(), rtt, jitter, loss);
      }
    }
    return new WanLinks(links);
  }

  /** Where the control plane runs: beside the first cloud cluster by name (the first cluster when none is cloud). */
  static Optional<MemberCluster> controlPlaneHost(ClusterSnapshot inventory) {
    java.util.Comparator<MemberCluster> byName = java.util.Comparator.comparing(c -> c.id().value());
    return inventory.clusters().stream().filter(c -> c.tier() == Tier.CLOUD).min(byName)
        .or(() -> inventory.clusters().stream().min(byName));
  }

  /** One direction of a link whose round trip is {@code rttMs}: half of it. */
  private static void put(Map<String, Link> links, String from, String to, double rttMs, double jitterMs, double lossPercent) {
    links.put(from + " " + to, new Link(from, to, rttMs / 2, jitterMs, lossPercent));
  }

  /**
   * These links with half of both ends' extra round trip added each way: {@code extraRttMs} of a cluster adds
   * exactly that to each of its round trips.
   */
  public WanLinks withExtraRtt(Map<String, Double> extraRttMs) {
    Map<String, Link> links = new TreeMap<>();
    byPair.forEach((key, l) -> {
      double extra = extraRttMs.getOrDefault(l.from(), 0.0) + extraRttMs.getOrDefault(l.to(), 0.0);
      links.put(key, new Link(l.from(), l.to(), l.delayMs() + extra / 2, l.jitterMs(), l.lossPercent()));
    });
    return new WanLinks(links);
  }

  /** How much a one-way delay at this end of a link varies (uniformly, ± this). */
  static double jitterMs(Tier tier) {
    return switch (tier) {
      case CLOUD -> 0.2;
      case FOG -> 0.5;
      case EDGE -> 1.0;
    };
  }

  /**
   * What share of a link's packets is lost, each way, by the tier at its worse end: none between data centres, a metro
   * network's 0.1 %, an edge uplink's (radio, consumer broadband) 0.5 %.
   */
  static double lossPercent(Tier tier) {
    return switch (tier) {
      case CLOUD -> 0;
      case FOG -> 0.1;
      case EDGE -> 0.5;
    };
  }

  public Optional<Link> link(String from, String to) {
    return Optional.ofNullable(byPair.get(from + " " + to));
  }

  public List<String> lines() {
    List<String> out = new ArrayList<>(List.of("# from\tto\tone-way delay ms\tjitter ms\tloss %"));
    byPair.values().stream().sorted(java.util.Comparator.comparing(Link::from).thenComparing(Link::to))
        .forEach(l -> out.add(l.from() + "\t" + l.to() + "\t" + l.delayMs() + "\t" + l.jitterMs() + "\t" + l.lossPercent()));
    return out;
  }

  /** @throws IllegalArgumentException naming the first malformed line */
  public static WanLinks parse(List<String> lines) {
    Map<String, Link> links = new TreeMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).replaceAll("#.*", "").strip();
      if (line.isEmpty()) continue;
      String[] f = line.split("\\s+");
      try {
        if (f.length != 4 && f.length != 5) throw new IllegalArgumentException("expected FROM TO DELAY_MS JITTER_MS [LOSS_PERCENT]");
        links.put(f[0] + " " + f[1], new Link(f[0], f[1], Double.parseDouble(f[2]), Double.parseDouble(f[3]), f.length == 5 ? Double.parseDouble(f[4]) : 0));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("line " + (i + 1) + " '" + line + "': " + e.getMessage(), e);
      }
    }
    return new WanLinks(links);
  }

}

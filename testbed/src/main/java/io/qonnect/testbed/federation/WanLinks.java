package io.qonnect.testbed.federation;

import io.qonnect.placement.snapshot.ClusterId;
import io.qonnect.placement.snapshot.ClusterSnapshot;
import io.qonnect.placement.snapshot.MemberCluster;
import io.qonnect.placement.spec.Tier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The testbed's wide-area links between member clusters: for each ordered pair, the one-way delay and jitter the
 * {@link WanRelay} holds that direction's bytes for, and the share of its packets lost on the way (dropped by
 * nftables on the relay's port, {@link PacketFaults#redirect}: TCP retransmits them, as on a lossy uplink). Half the
 * inventory's round-trip time each way, plus what a drill added to a cluster's links ({@code drill latency}); jitter
 * and loss by the tiers at the two ends (an edge uplink wobbles and loses more than a data-centre link). Pure: a value
 * and its text form, one link a line, {@code FROM TO DELAY_MS JITTER_MS LOSS_PERCENT} (a file without the loss column
 * reads as no loss).
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

  /**
   * The links of {@code inventory}'s clusters: half of each round trip it gives, each way.
   */
  public static WanLinks fromInventory(ClusterSnapshot inventory) {
    Map<String, Link> links = new TreeMap<>();
    for (MemberCluster a : inventory.clusters()) {
      for (MemberCluster b : inventory.clusters()) {
        if (a.id().equals(b.id())) continue;
        java.util.OptionalDouble rtt = inventory.latency().between(a.id(), b.id());
        if (rtt.isEmpty()) continue;
        links.put(key(a.id(), b.id()), new Link(a.id().value(), b.id().value(), rtt.getAsDouble() / 2, Math.max(jitterMs(a.tier()), jitterMs(b.tier())),
            Math.max(lossPercent(a.tier()), lossPercent(b.tier()))));
      }
    }
    return new WanLinks(links);
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

  private static String key(ClusterId a, ClusterId b) {
    return a.value() + " " + b.value();
  }
}

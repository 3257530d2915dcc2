package io.qonnect.testbed.cluster;

import io.qonnect.placement.spec.Tier;
import java.util.ArrayList;
import java.util.List;

/** One member cluster of the testbed: {@code cloud-1}, {@code edge-3}, … with its tier and region. */
public record MemberClusterSpec(String name, Tier tier, int index, String region) {
  public TierProfile profile() {
    return TierProfile.of(tier);
  }

  public String nodeName(int i) {
    return name + "-node-" + i;
  }

  /**
   * Parses a layout such as {@code cloud=3,fog=3,edge=3} into clusters named tier-1..tier-N.
   *
   * @throws IllegalArgumentException with a message naming the bad part
   */
  public static List<MemberClusterSpec> parseLayout(String layout) {
    List<MemberClusterSpec> out = new ArrayList<>();
    java.util.Set<Tier> seen = java.util.EnumSet.noneOf(Tier.class);
    for (String part : layout.split(",")) {
      String[] kv = part.strip().split("=");
      if (kv.length != 2) throw new IllegalArgumentException("'" + part + "' is not TIER=COUNT (e.g. cloud=3,fog=3,edge=3)");
      Tier tier = Tier.fromYaml(kv[0].strip()).orElseThrow(() -> new IllegalArgumentException("unknown tier '" + kv[0].strip() + "': use cloud, fog or edge"));
      if (!seen.add(tier)) throw new IllegalArgumentException("tier " + tier.yamlName() + " is given twice");
      int count;
      try {
        count = Integer.parseInt(kv[1].strip());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("'" + kv[1].strip() + "' is not a number of clusters");
      }
      if (count < 0 || count > 20) throw new IllegalArgumentException(tier.yamlName() + "=" + count + ": between 0 and 20 clusters per tier");
      for (int i = 1; i <= count; i++) out.add(new MemberClusterSpec(tier.yamlName() + "-" + i, tier, i, TierProfile.of(tier).region(i)));
    }
    if (out.isEmpty()) throw new IllegalArgumentException("the layout has no cluster");
    return out;
  }
}

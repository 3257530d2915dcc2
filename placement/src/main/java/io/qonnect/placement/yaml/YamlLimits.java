package io.qonnect.placement.yaml;

/**
 * Explicit bounds on what the reader accepts, so hostile input costs little. Aliases are never expanded
 * (a QoS spec has no use for them), which rules out "billion laughs" expansion outright.
 *
 * @param maxChars document size in characters
 * @param maxDepth nesting depth of mappings and lists
 * @param maxNodes total number of nodes in one document
 */
public record YamlLimits(int maxChars, int maxDepth, int maxNodes) {
  /** 1 MiB, 64 levels, 200,000 nodes: far above any real QoS spec, far below what hurts. */
  public static final YamlLimits DEFAULT = new YamlLimits(1 << 20, 64, 200_000);
}

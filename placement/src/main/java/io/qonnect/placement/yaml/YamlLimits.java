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
  /**
   * The one size limit of a spec document: 1 MiB of UTF-8. The edges check it exactly (the CLI on the file, the
   * lead agents' API on the request's bytes); the reader bounds characters by the same number, which no text
   * within the limit exceeds.
   */
  public static final int MAX_DOCUMENT_BYTES = 1 << 20;
  /** 1 MiB, 64 levels, 200,000 nodes: far above any real QoS spec, far below what hurts. */
  public static final YamlLimits DEFAULT = new YamlLimits(MAX_DOCUMENT_BYTES, 64, 200_000);

  /** The violation message for a document of {@code bytes} bytes over {@link #MAX_DOCUMENT_BYTES}. */
  public static String tooLarge(long bytes) {
    return bytes + " bytes; a spec document may be at most " + MAX_DOCUMENT_BYTES + " bytes (1 MiB)";
  }
}

package io.qonnect.placement.spec;

/**
 * What happens when a member cluster fails.
 *
 * @param minClusters each component is spread over at least min(minClusters, replicas) clusters, so one
 *     cluster failing leaves it running (singletons excepted: they run in exactly one)
 */
public record FailoverPolicy(Mode mode, int minClusters) {
  public static final FailoverPolicy DEFAULT = new FailoverPolicy(Mode.AUTOMATIC, 1);

  public enum Mode {
    AUTOMATIC,
    MANUAL
  }
}

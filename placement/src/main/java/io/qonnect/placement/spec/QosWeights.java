package io.qonnect.placement.spec;

/**
 * Relative importance of the three soft objectives. Users write any non-negative numbers; the engine uses
 * the normalised form (sum 1), so {energy: 2, cost: 2} means the same as {energy: 0.5, cost: 0.5}.
 */
public record QosWeights(double energy, double cost, double performance) {
  /** Used when a spec has no {@code qos} section: every objective counts the same. */
  public static final QosWeights EQUAL = new QosWeights(1, 1, 1);

  public QosWeights normalised() {
    double sum = energy + cost + performance;
    return new QosWeights(energy / sum, cost / sum, performance / sum);
  }
}

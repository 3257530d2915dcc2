package io.qonnect.testbed.drill;

import java.util.List;
import java.util.Map;

/**
 * What one drill did and found. Intervals are seconds from injection; null when the step did not happen
 * (nothing needed deciding) or did not happen within the drill's budget.
 *
 * @param intervalsSeconds {@code detected} (the leader noticed), {@code committed} (its decision is in the
 *     replicated state), {@code recovered} (every affected component Ready again at its placed count, or a
 *     new leader accepting writes)
 * @param outcome {@code recovered}, {@code not recovered} (within the budget), or {@code nothing to move} (a price
 *     change that left every placement within the hysteresis margin)
 * @param timeline what happened, in order: seconds since injection and a line
 */
public record DrillReport(String drill, List<String> args, long startedUnixMillis, Map<String, Double> intervalsSeconds,
    String outcome, List<Step> timeline, List<String> violations) {
  public record Step(double seconds, String event) {}
}

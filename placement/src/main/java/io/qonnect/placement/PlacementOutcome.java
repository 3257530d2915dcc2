package io.qonnect.placement;

/** What the engine decided: a placement with its explanation, or why none exists. */
public sealed interface PlacementOutcome {
  record Placed(Placement placement, Explanation explanation) implements PlacementOutcome {}

  record Unschedulable(Diagnosis diagnosis) implements PlacementOutcome {}
}

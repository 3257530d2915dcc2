package io.qonnect.placement;

import io.qonnect.placement.solve.Objective;
import java.util.Objects;
import java.util.function.Supplier;

/** What the engine decided: a placement with its explanation, or why none exists. */
public sealed interface PlacementOutcome {
  /**
   * A placement and its objective value, with the explanation of the choice computed on first use: judging the
   * alternatives re-evaluates the objective a few times per component, and most searches (the leader's look for a
   * better placement, which usually finds none) never show it. Equal when placement and explanation are.
   */
  final class Placed implements PlacementOutcome {
    private final Placement placement;
    private final Objective.Breakdown objective;
    private Supplier<Explanation> explainer;
    private Explanation explanation;

    public Placed(Placement placement, Explanation explanation) {
      this.placement = Objects.requireNonNull(placement);
      this.explanation = Objects.requireNonNull(explanation);
      this.objective = explanation.objective();
    }

    /** @param explainer computes the explanation (once, when first asked); its objective must be {@code objective} */
    public Placed(Placement placement, Objective.Breakdown objective, Supplier<Explanation> explainer) {
      this.placement = Objects.requireNonNull(placement);
      this.objective = Objects.requireNonNull(objective);
      this.explainer = Objects.requireNonNull(explainer);
    }

    public Placement placement() {
      return placement;
    }

    /** The objective of the placement (what the explanation's would say), without computing the explanation. */
    public Objective.Breakdown objective() {
      return objective;
    }

    public synchronized Explanation explanation() {
      if (explanation == null) {
        explanation = explainer.get();
        explainer = null;
      }
      return explanation;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Placed p && placement.equals(p.placement) && explanation().equals(p.explanation());
    }

    @Override
    public int hashCode() {
      return Objects.hash(placement, explanation());
    }

    @Override
    public String toString() {
      return "Placed[placement=" + placement + ", explanation=" + explanation() + "]";
    }
  }

  record Unschedulable(Diagnosis diagnosis) implements PlacementOutcome {}
}

package io.qonnect.placement;

import io.qonnect.placement.borda.BordaStrategy;
import io.qonnect.placement.snapshot.ClusterSnapshot;
import io.qonnect.placement.spec.QosSpec;
import java.util.List;
import java.util.Optional;

/**
 * Decides where an application's components run. Contract: pure and deterministic (the same spec and
 * snapshot give the same outcome, whatever order the snapshot was built in); never assigns a cluster more
 * than its free capacity unless the strategy says it is a baseline that does not check.
 */
public interface PlacementStrategy {
  String name();

  PlacementOutcome place(QosSpec spec, ClusterSnapshot snapshot);

  /** The strategies a user can choose by name: qonnect's engine, and the reference system's Borda count. */
  static Optional<PlacementStrategy> named(String name) {
    return switch (name) {
      case PlacementEngine.NAME -> Optional.of(new PlacementEngine());
      case BordaStrategy.NAME -> Optional.of(new BordaStrategy());
      default -> Optional.empty();
    };
  }

  static List<String> names() {
    return List.of(PlacementEngine.NAME, BordaStrategy.NAME);
  }
}

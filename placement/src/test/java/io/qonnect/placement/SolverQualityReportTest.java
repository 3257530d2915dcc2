package io.qonnect.placement;

import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * A measurement, not a check: how often the engine misses the brute-force optimum by more than 2 % on many
 * random small instances. Opt-in: {@code ./test.sh -pl placement -Dqonnect.report=true -Dtest=SolverQualityReportTest}.
 * The numbers are recorded in docs/benchmarks.md.
 */
@EnabledIfSystemProperty(named = "qonnect.report", matches = "true")
class SolverQualityReportTest {
  @Test
  void missRateAgainstExhaustiveSearch() {
    int instances = Integer.getInteger("qonnect.report.instances", 8000);
    int compared = 0, over = 0, unschedulable = 0;
    double worst = 0, sumGap = 0;
    for (long i = 0; i < instances; i++) {
      long seed = i * 104729 + 17;
      SmallInstances inst = SmallInstances.of(seed, 6, 4, 2);
      var optimum = new ExhaustiveSearch(inst.spec(), inst.snapshot()).optimum();
      if (optimum.isEmpty()) continue;
      compared++;
      if (!(new PlacementEngine().place(inst.spec(), inst.snapshot()) instanceof PlacementOutcome.Placed p)) {
        unschedulable++;
        System.out.println("unschedulable although feasible: seed " + seed);
        continue;
      }
      double gap = p.explanation().objective().value() / optimum.getAsDouble() - 1;
      sumGap += gap;
      worst = Math.max(worst, gap);
      if (gap > 0.02) {
        over++;
        System.out.printf(Locale.ROOT, "gap %.1f%%: seed %d%n", gap * 100, seed);
      }
    }
    System.out.printf(Locale.ROOT, "instances %d, feasible %d, within 2%% %d (%.2f%%), over 2%% %d, unschedulable although feasible %d, mean gap %.3f%%, worst %.1f%%%n",
        instances, compared, compared - over - unschedulable, 100.0 * (compared - over - unschedulable) / compared, over, unschedulable,
        100 * sumGap / Math.max(1, compared - unschedulable), worst * 100);
  }
}

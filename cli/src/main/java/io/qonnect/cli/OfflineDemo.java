package io.qonnect.cli;

import io.qonnect.placement.PlacementEngine;
import io.qonnect.placement.PlacementOutcome;
import io.qonnect.placement.borda.BordaStrategy;
import io.qonnect.placement.snapshot.ClusterSnapshot;
import io.qonnect.placement.solve.Feasibility;
import io.qonnect.placement.spec.Parsed;
import io.qonnect.placement.spec.QosSpec;
import io.qonnect.placement.spec.QosWeights;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code qonnect demo --offline}: the planner alone on the bundled example, no processes: Bookinfo on nine
 * member clusters, the same application as its weights move from energy to cost to performance, and the
 * Borda baseline on the same input.
 */
public final class OfflineDemo {
  private OfflineDemo() {}

  public static int run(Path dir, PrintWriter out, PrintWriter err) {
    Path app = dir.resolve("bookinfo.yaml");
    Path inventory = dir.resolve("inventory-9.yaml");
    if (!Files.isRegularFile(app) || !Files.isRegularFile(inventory)) {
      throw new QonnectMain.UserError("cannot find " + app + " and " + inventory + " (run from the repository, or pass --examples DIR)");
    }
    step(out, 1, "validate the QoS spec", "./qonnect validate -f " + app);
    var loaded = SpecFiles.load(List.of(app), Map.of()).getFirst();
    if (!(loaded.parsed() instanceof Parsed.Valid<QosSpec> valid)) {
      loaded.printViolations(err);
      return QonnectMain.FAILED;
    }
    QosSpec bookinfo = valid.value();
    out.printf("  %s: %d components, %d replicas, weights energy %.1f / cost %.1f / performance %.1f, maxLatencyMs %s%n",
        bookinfo.name(), bookinfo.components().size(), bookinfo.components().stream().mapToInt(c -> c.replicas()).sum(),
        bookinfo.weights().energy(), bookinfo.weights().cost(), bookinfo.weights().performance(),
        bookinfo.constraints().maxLatencyMs().isPresent() ? bookinfo.constraints().maxLatencyMs().getAsInt() : "none");
    ClusterSnapshot snapshot = PlanCommand.loadInventory(inventory, err);
    if (snapshot == null) return QonnectMain.FAILED;

    step(out, 2, "place it on 9 member clusters (3 cloud, 3 fog, 3 edge)", "./qonnect plan -f " + app + " --inventory " + inventory);
    PlacementEngine engine = new PlacementEngine();
    PlacementOutcome outcome = engine.place(bookinfo, snapshot);
    switch (outcome) {
      case PlacementOutcome.Placed p -> out.print(indent(p.explanation().render()));
      case PlacementOutcome.Unschedulable u -> out.print(indent(DiagnosisView.render(u.diagnosis().application(), DiagnosisView.of(u.diagnosis()))));
    }

    step(out, 3, "move the weights: energy → cost → performance", "edit spec.qos in " + app + " and plan again");
    for (var w : List.of(Map.entry("energy", new QosWeights(1, 0, 0)), Map.entry("cost", new QosWeights(0, 1, 0)),
        Map.entry("performance", new QosWeights(0, 0, 1)))) {
      QosSpec variant = new QosSpec(bookinfo.name(), bookinfo.labels(), w.getValue(), bookinfo.constraints(), bookinfo.failover(),
          bookinfo.components(), bookinfo.format());
      if (engine.place(variant, snapshot) instanceof PlacementOutcome.Placed p) {
        var o = p.explanation().objective();
        out.printf(Locale.ROOT, "  only %-11s → %s   (%.1f W, %.4f/h, mean latency %.1f ms)%n", w.getKey(), tiersUsed(p), o.watts(), o.costPerHour(), o.meanLatencyMs());
      }
    }

    step(out, 4, "the reference system's Borda scoring on the same input, for comparison", "./qonnect plan --strategy borda -f " + app + " --inventory " + inventory);
    if (new BordaStrategy().place(bookinfo, snapshot) instanceof PlacementOutcome.Placed b && outcome instanceof PlacementOutcome.Placed p) {
      List<String> broken = Feasibility.violations(bookinfo, snapshot, b.placement().components());
      out.printf(Locale.ROOT, "  borda   → %s  objective %.4f, breaks %d constraint(s)%n", tiersUsed(b), b.explanation().objective().value(), broken.size());
      broken.stream().limit(5).forEach(v -> out.println("      " + v));
      out.printf(Locale.ROOT, "  qonnect → %s  objective %.4f, breaks 0%n", tiersUsed(p), p.explanation().objective().value());
    }

    out.println();
    out.println("Next:");
    out.println("  ./qonnect plan -f examples/bookinfo.yaml --inventory examples/inventory-9.yaml -o yaml   # the same, for scripts");
    out.println("  ./qonnect validate -f examples/reference/application.yaml --bundle cloud=examples/reference/productpage.yaml \\");
    out.println("      --bundle fog=examples/reference/reviews-details.yaml --bundle edge=examples/reference/ratings.yaml");
    out.println("  ./qonnect demo              # the same application on real member clusters, through the federation");
    out.println("  ./qonnect bench placement   # engine latency on 100 and 1,000 clusters, and versus Borda");
    return outcome instanceof PlacementOutcome.Placed ? QonnectMain.OK : QonnectMain.UNSCHEDULABLE;
  }

  private static String tiersUsed(PlacementOutcome.Placed p) {
    StringBuilder b = new StringBuilder();
    p.placement().components().forEach((c, clusters) -> {
      b.append(c).append('@');
      b.append(String.join("+", clusters.keySet().stream().map(Object::toString).toList())).append(' ');
    });
    return b.toString().strip();
  }

  private static void step(PrintWriter out, int n, String what, String command) {
    out.printf("%n[%d] %s%n    $ %s%n", n, what, command);
  }

  private static String indent(String text) {
    return text.lines().map(l -> "  " + l).reduce("", (a, b) -> a + b + "\n");
  }
}

package io.qonnect.cli;

import io.qonnect.placement.PlacementOutcome;
import io.qonnect.placement.PlacementStrategy;
import io.qonnect.placement.snapshot.ClusterSnapshot;
import io.qonnect.placement.snapshot.InventoryParser;
import io.qonnect.placement.spec.Parsed;
import io.qonnect.placement.spec.QosSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "plan", description = {
    "What-if planner: place an application on the member clusters of an inventory, offline.",
    "Prints the placement and why (or the diagnosis, exit 2). The same engine runs in the lead agents."})
final class PlanCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = {"-f", "--filename"}, required = true, description = "QoS spec file (one application)")
  Path file;

  @Option(names = "--inventory", required = true, description = "ClusterInventory file (e.g. examples/inventory-9.yaml or the testbed's)")
  Path inventory;

  @Option(names = {"-o", "--output"}, description = "json or yaml (default: text)")
  String output = "text";

  @Option(names = "--strategy", description = "qonnect (default) or borda (the reference system's scoring, a baseline)")
  String strategy = "qonnect";

  @Option(names = "--bundle", description = "reference format: TIER=FILE manifest bundle (repeatable)")
  Map<String, Path> bundles = Map.of();

  @Override
  public Integer call() {
    var out = spec.commandLine().getOut();
    var err = spec.commandLine().getErr();
    OutputFormat format = OutputFormat.parse(output);
    PlacementStrategy chosen = PlacementStrategy.named(strategy).orElseThrow(() ->
        new QonnectMain.UserError("--strategy " + strategy + ": use one of " + PlacementStrategy.names()));
    ClusterSnapshot snapshot = loadInventory(inventory, err);
    if (snapshot == null) return QonnectMain.FAILED;
    List<SpecFiles.Loaded> loaded = SpecFiles.load(List.of(file), bundles);
    if (loaded.size() != 1) throw new QonnectMain.UserError(file + " holds " + loaded.size() + " applications; plan takes one");
    if (!(loaded.getFirst().parsed() instanceof Parsed.Valid<QosSpec> valid)) {
      loaded.getFirst().printViolations(err);
      return QonnectMain.FAILED;
    }
    PlacementOutcome outcome = chosen.place(valid.value(), snapshot);
    if (format.structured()) {
      out.print(format.write(OutcomeView.of(valid.value().name(), outcome)));
      out.flush();
    } else {
      switch (outcome) {
        case PlacementOutcome.Placed p -> out.print(p.explanation().render());
        case PlacementOutcome.Unschedulable u -> out.print(DiagnosisView.render(u.diagnosis().application(), DiagnosisView.of(u.diagnosis())));
      }
    }
    return outcome instanceof PlacementOutcome.Placed ? QonnectMain.OK : QonnectMain.UNSCHEDULABLE;
  }

  static ClusterSnapshot loadInventory(Path inventory, java.io.PrintWriter err) {
    return switch (new InventoryParser().parse(SpecFiles.read(inventory))) {
      case Parsed.Valid<ClusterSnapshot> v -> v.value();
      case Parsed.Invalid<ClusterSnapshot> i -> {
        i.violations().forEach(v -> err.println(v.format(inventory.toString())));
        yield null;
      }
    };
  }
}

package io.qonnect.cli;

import io.qonnect.placement.spec.Parsed;
import io.qonnect.placement.spec.QosSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "validate", description = "Check QoS spec files; print every violation with file, line and field path.")
final class ValidateCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = {"-f", "--filename"}, required = true, description = "QoS spec file (repeatable; multi-document files allowed)")
  List<Path> files;

  @Option(names = "--bundle", description = "reference format: TIER=FILE manifest bundle for cloud, fog or edge (repeatable)")
  Map<String, Path> bundles = Map.of();

  @Override
  public Integer call() {
    var out = spec.commandLine().getOut();
    var err = spec.commandLine().getErr();
    boolean allValid = true;
    for (SpecFiles.Loaded loaded : SpecFiles.load(files, bundles)) {
      if (loaded.parsed() instanceof Parsed.Valid<QosSpec> v) {
        QosSpec s = v.value();
        int replicas = s.components().stream().mapToInt(c -> c.replicas()).sum();
        out.printf("%s: application %s is valid (%s, %d components, %d replicas)%n", loaded.source(), s.name(),
            s.format() == QosSpec.Format.REFERENCE ? "reference format" : "qonnect.io/v1", s.components().size(), replicas);
      } else {
        allValid = false;
        loaded.printViolations(err);
      }
    }
    return allValid ? QonnectMain.OK : QonnectMain.FAILED;
  }
}

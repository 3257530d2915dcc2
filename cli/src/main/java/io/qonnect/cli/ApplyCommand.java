package io.qonnect.cli;

import io.qonnect.proto.v1.ApplyRequest;
import io.qonnect.proto.v1.ApplyResponse;
import io.qonnect.placement.spec.Parsed;
import io.qonnect.placement.spec.QosSpec;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code qonnect apply -f app.yaml}: create or update applications in the federation. */
@Command(name = "apply", description = "Create or update applications from QoS spec files (validated by the lead agents; invalid files change nothing).")
final class ApplyCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;
  @Mixin LeadAgentsOptions leadAgents;

  @Option(names = {"-f", "--filename"}, required = true, description = "QoS spec file (repeatable)")
  List<Path> files;

  @Option(names = "--bundle", paramLabel = "TIER=FILE", description = "reference format: the manifest bundle of a tier (cloud, fog, edge)")
  Map<String, Path> bundles = new LinkedHashMap<>();

  @Option(names = "--dry-run", description = "validate and say what would happen, store nothing")
  boolean dryRun;

  /**
   * Every document of every file is checked here first (every violation with file and line, as {@code validate}
   * prints them); only when all are valid is each submitted, in order, so a bad file changes nothing.
   */
  @Override
  public Integer call() {
    List<SpecFiles.Loaded> documents = SpecFiles.load(files, bundles);
    boolean allValid = true;
    for (SpecFiles.Loaded loaded : documents) {
      if (loaded.parsed() instanceof Parsed.Invalid<QosSpec>) {
        allValid = false;
        loaded.printViolations(spec.commandLine().getErr());
      }
    }
    spec.commandLine().getErr().flush();
    if (!allValid) return QonnectMain.FAILED;
    for (SpecFiles.Loaded loaded : documents) {
      ApplyResponse r = leadAgents.call(c -> c.apply(ApplyRequest.newBuilder().setSpecYaml(loaded.document())
          .setSourceName(loaded.source()).setDryRun(dryRun).build()), loaded.source());
      spec.commandLine().getOut().printf("application/%s %s%s (spec revision %d)%n", r.getApplication(),
          r.getOutcome().name().toLowerCase(Locale.ROOT), dryRun ? " (dry run)" : "", r.getSpecRevision());
    }
    return QonnectMain.OK;
  }
}

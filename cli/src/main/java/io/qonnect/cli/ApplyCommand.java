package io.qonnect.cli;

import io.qonnect.proto.v1.ApplyRequest;
import io.qonnect.proto.v1.ApplyResponse;
import java.nio.file.Path;
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

  @Option(names = "--dry-run", description = "validate and say what would happen, store nothing")
  boolean dryRun;

  @Override
  public Integer call() {
    for (Path file : files) {
      String yaml = SpecFiles.read(file);
      ApplyResponse r = leadAgents.call(c -> c.call(s -> s.apply(ApplyRequest.newBuilder().setSpecYaml(yaml)
          .setSourceName(file.toString()).setDryRun(dryRun).build())), file.toString());
      spec.commandLine().getOut().printf("application/%s %s%s (spec revision %d)%n", r.getApplication(),
          r.getOutcome().name().toLowerCase(Locale.ROOT), dryRun ? " (dry run)" : "", r.getSpecRevision());
    }
    return QonnectMain.OK;
  }
}

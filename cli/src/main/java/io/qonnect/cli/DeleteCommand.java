package io.qonnect.cli;

import io.qonnect.proto.v1.DeleteApplicationRequest;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code qonnect delete app NAME}. */
@Command(name = "delete", description = "Delete an application (delete app NAME).")
final class DeleteCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;
  @Mixin LeadAgentsOptions leadAgents;

  @Parameters(index = "0", paramLabel = "KIND", description = "app")
  String kind;

  @Parameters(index = "1", paramLabel = "NAME")
  String name;

  @Override
  public Integer call() {
    if (!kind.startsWith("app")) throw new QonnectMain.UserError("delete " + kind + ": only applications can be deleted (delete app NAME)");
    long revision = leadAgents.call(c -> c.deleteApplication(DeleteApplicationRequest.newBuilder().setName(name).build()), "delete")
        .getRevision();
    spec.commandLine().getOut().printf("application/%s deleted (revision %d)%n", name, revision);
    return QonnectMain.OK;
  }
}

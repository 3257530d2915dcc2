package io.qonnect.cli;

import io.grpc.StatusRuntimeException;
import io.qonnect.proto.v1.ControlPlaneEvent;
import io.qonnect.proto.v1.LeaderRequest;
import io.qonnect.proto.v1.LeaderResponse;
import io.qonnect.proto.v1.WatchRequest;
import io.qonnect.client.LeadAgentsClient;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.Iterator;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code qonnect events [--watch]} and {@code qonnect leader}. */
@Command(name = "events", description = "Show what the control plane decided (applications applied, placements committed, cluster verdicts).")
final class EventsCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;
  @Mixin LeadAgentsOptions leadAgents;

  @Option(names = {"-w", "--watch"}, description = "keep streaming new events (Ctrl-C to stop); follows a leader change")
  boolean watch;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    out.printf("%-24s %8s  %-20s %-20s %s%n", "TIME", "REVISION", "KIND", "SUBJECT", "MESSAGE");
    long last = 0;
    try (LeadAgentsClient client = leadAgents.connect()) {
      do {
        try {
          long from = last + 1;
          Iterator<ControlPlaneEvent> events = client.stream(s -> s.watch(WatchRequest.newBuilder().setFromRevision(from).setFollow(watch).build()));
          while (events.hasNext()) {
            ControlPlaneEvent e = events.next();
            last = e.getRevision();
            out.printf("%-24s %8d  %-20s %-20s %s%n", Instant.ofEpochMilli(e.getTimeUnixMillis()), e.getRevision(), e.getKind(), e.getSubject(), e.getMessage());
            out.flush();
          }
        } catch (StatusRuntimeException e) {
          if (!watch) throw LeadAgentsOptions.userError(e, "events");
          sleep(); // the lead agent went away: watch again from the next revision on another one
        }
      } while (watch);
    }
    return QonnectMain.OK;
  }

  private static void sleep() {
    try {
      Thread.sleep(500);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Command(name = "leader", description = "Which lead agent leads, the term, and the peers.")
  static final class Leader implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin LeadAgentsOptions leadAgents;

    @Option(names = {"-o", "--output"}, description = "json or yaml (default: text)")
    String output = "text";

    @Override
    public Integer call() {
      OutputFormat format = OutputFormat.parse(output);
      LeaderResponse r = leadAgents.call(c -> c.call(s -> s.leader(LeaderRequest.getDefaultInstance())), "leader");
      PrintWriter out = spec.commandLine().getOut();
      if (format.structured()) out.print(format.writeProto(r));
      else out.printf("leader %s (%s), term %d; peers %s%n", r.getLeaderId().isEmpty() ? "(none)" : r.getLeaderId(), r.getLeaderAddress(), r.getTerm(),
          String.join(", ", r.getPeersList()));
      out.flush();
      return QonnectMain.OK;
    }
  }
}

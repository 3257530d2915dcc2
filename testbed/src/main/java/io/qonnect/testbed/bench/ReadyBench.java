package io.qonnect.testbed.bench;

import io.qonnect.proto.v1.ApplicationStatus;
import io.qonnect.proto.v1.ApplyRequest;
import io.qonnect.proto.v1.DeleteApplicationRequest;
import io.qonnect.proto.v1.GetApplicationRequest;
import io.qonnect.proto.v1.ListApplicationsRequest;
import io.qonnect.client.LeadAgentsClient;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * Submit → every replica Ready, end to end on a running federation with resource agents: applies a spec
 * under a fresh name, polls the lead agents until the application is Ready (every placed replica Ready as
 * the agents report it), deletes it and waits until it is gone, N times. Measures; never asserts.
 */
public final class ReadyBench {
  private static final long POLL_MS = 20;
  private static final long TIMEOUT_MS = 120_000;

  public record Result(int runs, List<Double> millis, int timedOut) {
    public double percentile(int p) {
      List<Double> sorted = millis.stream().sorted().toList();
      int rank = (int) Math.ceil(p / 100.0 * sorted.size());
      return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }
  }

  /** @param specYaml the application to submit; its metadata.name is replaced by a fresh name per run */
  public Result run(LeadAgentsClient client, String specYaml, String name, int runs, PrintWriter progress) throws InterruptedException {
    List<Double> millis = new ArrayList<>();
    int timedOut = 0;
    for (int i = 1; i <= runs; i++) {
      String app = name + "-" + i;
      String yaml = specYaml.replaceFirst("(?m)^(\\s*name:\\s*)\"?" + java.util.regex.Pattern.quote(name) + "\"?\\s*$", "$1" + app);
      long start = System.nanoTime();
      client.apply(ApplyRequest.newBuilder().setSpecYaml(yaml).build());
      boolean ready = false;
      while (System.nanoTime() - start < TIMEOUT_MS * 1_000_000) {
        if (client.call(s -> s.getApplication(GetApplicationRequest.newBuilder().setName(app).build())).getPhase() == ApplicationStatus.Phase.READY) {
          ready = true;
          break;
        }
        Thread.sleep(POLL_MS);
      }
      double ms = (System.nanoTime() - start) / 1e6;
      if (ready) millis.add(ms);
      else timedOut++;
      progress.printf("  run %2d: %s%n", i, ready ? String.format("%.0f ms", ms) : "not Ready within " + TIMEOUT_MS / 1000 + " s");
      progress.flush();
      client.deleteApplication(DeleteApplicationRequest.newBuilder().setName(app).build());
      while (client.call(s -> s.listApplications(ListApplicationsRequest.getDefaultInstance())).getApplicationsList().stream()
          .anyMatch(a -> a.getName().equals(app))) {
        Thread.sleep(POLL_MS);
      }
      Thread.sleep(2000); // let the agents remove the objects before the next run
    }
    return new Result(runs, millis, timedOut);
  }

  public static String report(Result r, String command, String what) {
    return String.format("""
        ### Submit → all replicas Ready (%s)

        `%s`

        | runs | Ready | p50 (ms) | p99 (ms) | min (ms) | max (ms) | not Ready in 120 s |
        |---:|---:|---:|---:|---:|---:|---:|
        | %d | %d | %.0f | %.0f | %.0f | %.0f | %d |
        """, what, command, r.runs(), r.millis().size(), r.percentile(50), r.percentile(99),
        r.millis().stream().mapToDouble(Double::doubleValue).min().orElse(0), r.millis().stream().mapToDouble(Double::doubleValue).max().orElse(0),
        r.timedOut());
  }
}

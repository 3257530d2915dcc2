package io.qonnect.testbed.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qonnect.cli.QonnectMain;
import static org.assertj.core.api.Assertions.assertThat;

import io.qonnect.testbed.federation.LocalFederation;
import io.qonnect.testbed.junit.TestbedClusters;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * For end-to-end tests: the knowledge base, three lead agents and one resource agent per testbed member cluster
 * as separate processes (a fresh work directory under target/e2e), driven through the CLI as a user drives it.
 */
final class E2eFederation implements AutoCloseable {
  private final LocalFederation federation;
  private final List<String> servers;
  private TestbedClusters clusters;

  private E2eFederation(LocalFederation federation) {
    this.federation = federation;
    this.servers = federation.leadAgentAddresses();
  }

  static E2eFederation up(TestbedClusters clusters, String name) {
    Path dir = Path.of("target", "e2e", name).toAbsolutePath();
    new LocalFederation(dir, "", List.of()).down(true, line -> {});
    LocalFederation federation = new LocalFederation(dir, System.getProperty("java.class.path"), LocalFederation.TEST_JVM_OPTIONS);
    federation.up(3, List.of(), clusters.testbed().inventory(), line -> {});
    federation.upAgents(clusters.testbed().kubeconfig(), clusters.testbed().inventory(), clusters.names(), line -> {});
    E2eFederation e2e = new E2eFederation(federation);
    e2e.clusters = clusters;
    return e2e;
  }

  LocalFederation processes() {
    return federation;
  }

  Path dir() {
    return federation.workDir();
  }

  /** Runs one CLI command against the lead agents; it must succeed. Returns what it printed. */
  String qonnect(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--server", String.join(",", servers)));
    all.addAll(io.qonnect.transport.TransportFlags.args(federation.clientTransport())); // as this federation's admin
    int code = QonnectMain.run(all.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err));
    assertThat(code).as("qonnect %s: %s", String.join(" ", args), err).isZero();
    return out.toString();
  }

  /**
   * Waits until every member cluster is registered and its capacity observed (its agent reported to the knowledge
   * base, and the leader says when): placement decided before that sees only some of them, and a later, better
   * placement may be held back by the migration hysteresis.
   */
  void awaitEveryClusterObserved(List<String> clusters) throws InterruptedException {
    List<String> seen = new ArrayList<>(); // what 'get clusters' said last: name, health, allocatable CPU, its age
    awaitExplained("every member cluster registered and observed: " + clusters, () -> {
      try {
        var listed = new ObjectMapper().readTree(qonnect("get", "clusters", "-o", "json")).path("clusters");
        seen.clear();
        List<String> observed = new ArrayList<>();
        long now = System.currentTimeMillis();
        listed.forEach(c -> {
          long cpu = c.path("allocatable").path("cpuMillis").asLong();
          long observedAt = c.path("observedUnixMillis").asLong(); // the report the capacity came from
          seen.add(c.path("name").asText() + " " + c.path("health").asText() + " " + cpu + "m"
              + (observedAt == 0 ? " never observed" : " observed " + (now - observedAt) + " ms ago"));
          if (cpu > 0 && observedAt > 0) observed.add(c.path("name").asText());
        });
        return observed.containsAll(clusters);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }, () -> "get clusters said " + seen);
  }

  /**
   * {@link #await}, and a timeout says what the test saw last ({@code seen}) and each process of the federation:
   * whether it runs and the last warnings of its log.
   */
  private void awaitExplained(String what, BooleanSupplier condition, java.util.function.Supplier<String> seen) throws InterruptedException {
    await(what, condition, () -> "; " + seen.get() + "; " + federation.processes());
  }

  /**
   * Waits until every one of {@code clusters} agents has reported round trips to all its peers to the knowledge base
   * (samples to the modelled user regions, "user:…", arrive with the first report and do not count); returns the
   * reports. An application with a latency bound applied before then is placed on the model and may move later.
   */
  List<io.qonnect.proto.v1.LatencyReport> awaitRoundTripsMeasured(int clusters) throws InterruptedException {
    var channel = federation.clientTransport()
        .channel(federation.knowledgeBaseAddress().orElseThrow(), io.qonnect.transport.Identity.KnowledgeBase.class);
    try {
      List<io.qonnect.proto.v1.LatencyReport> last = new ArrayList<>();
      awaitExplained("agents report round-trip times to their peers", () -> {
        last.clear();
        last.addAll(io.qonnect.client.LeadAgentsClient.knowledgeBase(channel).snapshot(io.qonnect.proto.v1.SnapshotRequest.getDefaultInstance()).getLatencyList());
        return last.size() == clusters
            && last.stream().allMatch(r -> r.getSamplesList().stream().filter(s -> !s.getTo().startsWith("user:")).count() >= clusters - 1);
      }, () -> "the knowledge base had round trips from " + last.stream().map(r -> r.getFromCluster() + ": " + r.getSamplesCount()).toList());
      return List.copyOf(last);
    } finally {
      channel.shutdownNow();
    }
  }

  /**
   * Waits until {@code app}'s status ({@code get app APP -o json}) is Ready with no migration in flight and
   * satisfies {@code condition}; returns it. A timeout names the last status seen (its epoch, phase, placement) and
   * what {@code describe} says (the diagnosis of an unschedulable one, its recent events).
   */
  JsonNode awaitSettled(String app, String what, Predicate<JsonNode> condition) throws InterruptedException {
    JsonNode[] last = {null};
    try {
      await(app + " Ready, no migration in flight, " + what, () -> {
        try {
          last[0] = new ObjectMapper().readTree(qonnect("get", "app", app, "-o", "json"));
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
        return last[0].path("phase").asText().equals("READY") && last[0].path("migration").asText().isEmpty() && condition.test(last[0]);
      });
    } catch (AssertionError e) {
      String described;
      try {
        described = qonnect("describe", "app", app);
      } catch (RuntimeException d) {
        described = "(describe failed: " + d + ")";
      }
      throw new AssertionError(e.getMessage() + "; last seen: " + last[0] + "\n" + described, e);
    }
    return last[0];
  }

  /** The member clusters a component ({@code null}: any) is placed on in an application's status, sorted. */
  static List<String> clustersOf(JsonNode status, String component) {
    List<String> out = new ArrayList<>();
    status.path("components").forEach(c -> {
      if (component == null || c.path("component").asText().equals(component)) c.path("desired").forEach(r -> out.add(r.path("cluster").asText()));
    });
    return out.stream().distinct().sorted().toList();
  }

  /** The (first) member cluster a component is placed on. */
  static String clusterOf(JsonNode status, String component) {
    List<String> clusters = clustersOf(status, component);
    if (clusters.isEmpty()) throw new AssertionError("no component " + component + " placed in " + status);
    return clusters.getFirst();
  }

  static void await(String what, BooleanSupplier condition) throws InterruptedException {
    await(what, condition, () -> "");
  }

  /** Polls {@code condition} every 250 ms for 120 s; a timeout names {@code what} and appends {@code explanation}. */
  private static void await(String what, BooleanSupplier condition, java.util.function.Supplier<String> explanation) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for: " + what + explanation.get());
      Thread.sleep(250);
    }
  }

  @Override
  public void close() {
    try {
      deleteEverything();
    } finally {
      federation.down(false, line -> {});
    }
  }

  /**
   * Leaves the shared testbed as the next test needs it: every application deleted and its workloads gone. The next
   * test's federation starts its revisions at 1 again, and its agents rightly never touch objects written from a higher
   * desired-state revision than theirs; what this one left would stay (DrillE2E saw such a Deployment as orphaned).
   */
  private void deleteEverything() {
    try (var client = federation.client(20_000)) {
      for (var app : client.call(s -> s.listApplications(io.qonnect.proto.v1.ListApplicationsRequest.getDefaultInstance())).getApplicationsList()) {
        client.call(s -> s.deleteApplication(io.qonnect.proto.v1.DeleteApplicationRequest.newBuilder().setName(app.getName()).build()));
      }
      await("the applications' workloads removed from the testbed", () -> clusters.names().stream()
          .filter(c -> clusters.testbed().running(c))
          .allMatch(c -> clusters.client(c).apps().deployments().inAnyNamespace().withLabel(io.qonnect.agent.reconcile.Labels.MANAGED_BY,
              io.qonnect.agent.reconcile.Labels.MANAGER).list().getItems().isEmpty()));
    } catch (RuntimeException | InterruptedException e) {
      if (e instanceof InterruptedException) Thread.currentThread().interrupt();
      System.err.println("e2e: could not leave the testbed clean: " + e);
    }
  }
}

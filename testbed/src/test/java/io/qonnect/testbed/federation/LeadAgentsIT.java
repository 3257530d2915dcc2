package io.qonnect.testbed.federation;

import io.qonnect.client.LeadAgentsClient;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.StatusRuntimeException;
import io.qonnect.testbed.bench.FederationBench;
import io.qonnect.testbed.linearizability.HistoryRecorder;
import io.qonnect.testbed.linearizability.LinearizabilityChecker;
import io.qonnect.placement.snapshot.InventoryParser;
import io.qonnect.placement.snapshot.ClusterSnapshot;
import io.qonnect.placement.spec.Parsed;
import io.qonnect.proto.v1.ApplicationStatus;
import io.qonnect.proto.v1.ApplyRequest;
import io.qonnect.proto.v1.ListApplicationsRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;
import java.io.IOException;

/**
 * The durability claims on a real 3-peer Ratis group: separate lead agent and knowledge base processes,
 * real RocksDB, real gRPC, kill -9.
 */
class LeadAgentsIT {
  private Path dir;
  private LocalFederation federation;

  /** Under target/, not a temp dir: the processes' logs stay there for a look after a failure. */
  @BeforeEach
  void workDir(TestInfo test) throws IOException {
    dir = Path.of("target", "federation-it", test.getTestMethod().orElseThrow().getName()).toAbsolutePath();
    new LocalFederation(dir.resolve("federation"), "", List.of()).down(true, line -> {});
  }

  static String spec(String name) {
    return FederationBench.spec(name);
  }

  /** {@code padding}: a YAML comment, stored with the spec, to make log entries as big as real specs. */
  static String spec(String name, String padding) {
    return padding + FederationBench.spec(name);
  }

  static final String PADDING = "# " + "x".repeat(1500) + "\n";

  private LocalFederation federation(String... leadAgentArgs) {
    federation = new LocalFederation(dir.resolve("federation"), System.getProperty("java.class.path"), LocalFederation.TEST_JVM_OPTIONS);
    federation.up(3, List.of(leadAgentArgs), line -> {});
    return federation;
  }

  @AfterEach
  void down() {
    if (federation != null) federation.down(false, line -> {});
  }

  /** Submits app-{from}..app-{to-1} from {@code writers} threads; returns the names whose submission was acknowledged. */
  static Set<String> submit(LeadAgentsClient client, int from, int to, int writers, Runnable afterEach) throws InterruptedException {
    return submit(client, from, to, writers, "", afterEach);
  }

  static Set<String> submit(LeadAgentsClient client, int from, int to, int writers, String padding, Runnable afterEach) throws InterruptedException {
    Set<String> acked = ConcurrentHashMap.newKeySet();
    AtomicInteger next = new AtomicInteger(from);
    List<Thread> threads = java.util.stream.IntStream.range(0, writers).mapToObj(w -> Thread.ofPlatform().start(() -> {
      for (int i = next.getAndIncrement(); i < to; i = next.getAndIncrement()) {
        String name = "app-" + i;
        try {
          client.call(s -> s.apply(ApplyRequest.newBuilder().setSpecYaml(spec(name, padding)).build()));
          acked.add(name);
        } catch (StatusRuntimeException e) {
          // not acknowledged: the client gave up during the failover; not counted
        }
        afterEach.run();
      }
    })).toList();
    for (Thread t : threads) t.join();
    return acked;
  }

  static Set<String> names(LeadAgentsClient client) {
    return client.call(s -> s.listApplications(ListApplicationsRequest.getDefaultInstance())).getApplicationsList().stream()
        .map(ApplicationStatus::getName).collect(Collectors.toSet());
  }

  @Test
  void everyAcknowledgedSubmissionSurvivesAKillMinusNineOfTheLeader() throws Exception {
    federation();
    try (LeadAgentsClient client = federation.client(20_000)) {
      AtomicInteger done = new AtomicInteger();
      String leader = federation.awaitLeader(30_000).getLeaderId();
      // meanwhile three more clients apply, read and delete four applications of their own, recording every call
      HistoryRecorder recorder = new HistoryRecorder(client, 3, 4, 1, System::nanoTime);
      Set<String> acked = submit(client, 0, 1000, 4, () -> {
        if (done.incrementAndGet() == 300) federation.kill(leader);
      });
      List<io.qonnect.testbed.linearizability.Operation> recorded = recorder.stop();
      io.qonnect.testbed.linearizability.HistoryFile.write(dir.resolve("history.tsv"), recorded); // beside the processes' logs
      LinearizabilityChecker.Result history = LinearizabilityChecker.check(recorded);
      System.out.printf("linearizability across the leader kill: %d operations on %d applications checked, %d anomalies%n",
          history.operations(), history.keys(), history.anomalies().size());
      assertThat(history.operations()).as("the clients got calls through").isGreaterThan(100);
      assertThat(history.anomalies()).as("apply / describe / delete stay linearizable across the kill").isEmpty();

      assertThat(federation.pid(federation.member(leader))).as("the old leader is dead").isEmpty();
      assertThat(acked.size()).as("writes are accepted again after the election").isGreaterThan(900);
      assertThat(names(client)).containsAll(acked);
      client.call(s -> s.apply(ApplyRequest.newBuilder().setSpecYaml(spec("after-the-election")).build()));
      assertThat(federation.awaitLeader(30_000).getLeaderId()).isNotEqualTo(leader);
    }
  }

  @Test
  void everythingAcknowledgedComesBackAfterEveryProcessIsRestarted() throws Exception {
    federation();
    String inventory = Files.readString(Path.of(System.getenv().getOrDefault("QONNECT_HOME", "..")).resolve("examples/inventory-9.yaml"));
    ClusterSnapshot clusters = ((Parsed.Valid<ClusterSnapshot>) new InventoryParser().parse(inventory)).value();
    Map<String, ApplicationStatus> before;
    try (LeadAgentsClient client = federation.client(20_000)) {
      InventorySeeder.seed(clusters, federation, Clock.systemUTC(), line -> {});
      Set<String> acked = submit(client, 0, 200, 4, () -> {});
      assertThat(acked).hasSize(200);
      before = awaitAllPlaced(client, 200);
    }
    for (LocalFederation.Member m : federation.members()) federation.kill(m.name());

    federation.up(3, List.of(), line -> {});
    try (LeadAgentsClient client = federation.client(20_000)) {
      Map<String, ApplicationStatus> after = client.call(s -> s.listApplications(ListApplicationsRequest.getDefaultInstance()))
          .getApplicationsList().stream().collect(Collectors.toMap(ApplicationStatus::getName, a -> a));
      assertThat(after).isEqualTo(before);
      federation.awaitEqualReplicas(60_000);
    }
  }

  @Test
  void aFollowerThatMissedManySnapshotsCatchesUpByInstallingOne() throws Exception {
    federation("--snapshot-every", "200");
    try (LeadAgentsClient client = federation.client(20_000)) {
      String leader = federation.awaitLeader(30_000).getLeaderId();
      String follower = federation.members().stream().filter(m -> m.role().equals(LocalFederation.LEAD_AGENT))
          .map(LocalFederation.Member::name).filter(n -> !n.equals(leader)).findFirst().orElseThrow();
      federation.kill(follower);
      // ~1.9 KB per entry: enough log for Ratis to close 1 MB segments and purge them behind the snapshots
      Set<String> acked = submit(client, 0, 1500, 8, PADDING, () -> {});
      assertThat(acked).hasSize(1500);

      federation.start(federation.member(follower), List.of("--snapshot-every", "200"));
      federation.awaitEqualReplicas(60_000);
      assertThat(Files.readString(federation.log(federation.member(follower))))
          .as("the restarted follower installed the leader's snapshot: its log was purged past what the follower had")
          .contains("reinitialized from snapshot");
    }
  }

  /**
   * A read on a lead agent that cannot reach a quorum is answered UNAVAILABLE within the caller's deadline: the read
   * barrier is bounded by it (it used to block on Ratis's own retries for minutes, the caller saw only its deadline
   * pass and the server thread stayed held).
   */
  @Test
  void aReadWithoutAQuorumIsRefusedWithinTheCallersDeadline() throws Exception {
    federation();
    try (LeadAgentsClient client = federation.client(20_000)) {
      federation.awaitLeader(30_000);
      List<LocalFederation.Member> leads = federation.members().stream().filter(m -> m.role().equals(LocalFederation.LEAD_AGENT)).toList();
      federation.kill(leads.get(1).name());
      federation.kill(leads.get(2).name());
      StatusRuntimeException refused = org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class, () -> client.at(leads.get(0).address())
          .withDeadlineAfter(3, java.util.concurrent.TimeUnit.SECONDS).listApplications(ListApplicationsRequest.getDefaultInstance()));
      assertThat(refused.getStatus().getCode()).as(refused.getStatus().toString()).isEqualTo(io.grpc.Status.Code.UNAVAILABLE);
      assertThat(refused.getStatus().getDescription()).contains("no leader reachable for a consistent read");
    }
  }

  private static Map<String, ApplicationStatus> awaitAllPlaced(LeadAgentsClient client, int count) throws InterruptedException {
    for (int attempt = 0; attempt < 600; attempt++) {
      List<ApplicationStatus> apps = client.call(s -> s.listApplications(ListApplicationsRequest.getDefaultInstance())).getApplicationsList();
      if (apps.size() == count && apps.stream().allMatch(a -> a.getPhase() == ApplicationStatus.Phase.PLACED)) {
        return apps.stream().collect(Collectors.toMap(ApplicationStatus::getName, a -> a));
      }
      Thread.sleep(100);
    }
    throw new AssertionError("not every application was placed within 60 s");
  }
}

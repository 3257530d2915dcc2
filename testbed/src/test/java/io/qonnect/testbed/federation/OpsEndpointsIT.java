package io.qonnect.testbed.federation;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.qonnect.proto.v1.ControlPlaneGrpc;
import io.qonnect.testbed.junit.TestbedClusters;
import io.qonnect.testbed.junit.WithTestbed;
import io.qonnect.transport.Identity;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * Every process of a federation (knowledge base, three lead agents, a resource agent on a real member cluster) answers
 * {@code /metrics} with its named series, {@code /livez} and {@code grpc.health.v1}; the write service is SERVING on the
 * leader only; the agent writes Kubernetes Events in its member cluster about what it applied.
 */
@WithTestbed(clusters = "edge=1")
class OpsEndpointsIT {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private static String get(String address, String path) {
    try {
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + address + path)).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.ofString());
      return r.statusCode() + " " + r.body();
    } catch (Exception e) {
      return "unreachable " + e;
    }
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("not within 60 s: " + what);
      Thread.sleep(250);
    }
  }

  @Test
  void everyProcessServesMetricsLivenessAndGrpcHealth(TestbedClusters clusters) throws Exception {
    String cluster = clusters.names().getFirst();
    LocalFederation federation = FreshFederation.create("ops-endpoints");
    try {
      federation.up(3, List.of(), line -> {});
      federation.upAgents(clusters.testbed().kubeconfig(), null, List.of(cluster), line -> {});
      LocalFederation.Member agent = federation.member(LocalFederation.agentName(cluster));
      LocalFederation.Member kb = federation.member(LocalFederation.KNOWLEDGE_BASE);
      List<LocalFederation.Member> leads = federation.members().stream().filter(m -> m.role().equals(LocalFederation.LEAD_AGENT)).toList();

      // an application, so that the agent has something to tell in its member cluster's Events
      try (var client = federation.client(20_000)) {
        client.call(s -> s.apply(io.qonnect.proto.v1.ApplyRequest.newBuilder().setSpecYaml(io.qonnect.testbed.bench.FederationBench.spec("seen")).build()));
      }
      var kube = clusters.client(cluster);
      await("the agent's Event: web Applied, in the application's namespace", () -> kube.v1().events().inNamespace("qonnect-seen").list().getItems()
          .stream().anyMatch(e -> "Applied".equals(e.getReason()) && "web".equals(e.getInvolvedObject().getName())
              && "Deployment".equals(e.getInvolvedObject().getKind()) && "qonnect-agent".equals(e.getSource().getComponent())
              && cluster.equals(e.getSource().getHost())));

      String agentMetrics = federation.metricsAddress(agent).orElseThrow();
      await("the agent holds a desired state and reports", () -> get(agentMetrics, "/readyz").startsWith("200")
          && get(federation.metricsAddress(kb).orElseThrow(), "/metrics").contains("method=\"qonnect.v1.KnowledgeBase/ReportCluster\""));

      StringBuilder scraped = new StringBuilder();
      for (LocalFederation.Member m : federation.members()) {
        String at = federation.metricsAddress(m).orElseThrow();
        scraped.append(get(at, "/metrics"));
        assertThat(get(at, "/livez")).as(m.name() + " /livez").isEqualTo("200 ok\n");
        assertThat(get(at, "/metrics")).as(m.name() + " /metrics").startsWith("200 ").contains("jvm_memory_used_bytes")
            .contains("process=\"" + m.role() + "\"");
      }
      assertThat(get(agentMetrics, "/metrics")).contains("qonnect_loop_seconds_count{loop=\"reconcile\",outcome=\"ok\"")
          .contains("qonnect_loop_seconds_count{loop=\"report\",outcome=\"ok\"").contains("qonnect_agent_desired_revision")
          .contains("qonnect_agent_reconcile_errors_total")
          .as("the application's desired state arrived, its lag measured from the entry that made it")
          .containsPattern("qonnect_agent_desired_lag_seconds_count\\{[^}]*} [1-9]")
          .as("its reports, timed as a client").contains("qonnect_grpc_client_seconds_count{code=\"OK\",method=\"qonnect.v1.KnowledgeBase/ReportCluster\"");
      assertThat(get(federation.metricsAddress(kb).orElseThrow(), "/metrics"))
          .contains("qonnect_grpc_server_seconds_count{code=\"OK\",method=\"qonnect.v1.KnowledgeBase/ReportCluster\"");
      List<String> leaderMetrics = new ArrayList<>();
      for (LocalFederation.Member lead : leads) {
        String metrics = get(federation.metricsAddress(lead).orElseThrow(), "/metrics");
        assertThat(metrics).as(lead.name()).contains("qonnect_raft_term").contains("qonnect_loop_seconds_count{loop=\"placement\",outcome=\"ok\"")
            .contains("qonnect_loop_seconds_count{loop=\"health\",outcome=\"ok\"").contains("qonnect_applications_unschedulable")
            .contains("qonnect_observations_age_seconds");
        assertThat(metrics).as(lead.name()).contains("qonnect_raft_commit_index").contains("qonnect_raft_applied_index")
            .contains("qonnect_raft_leader_changes_total").contains("qonnect_singleton_leases_sent_total");
        if (metrics.contains("qonnect_raft_leader{process=\"lead-agent\"} 1.0")) {
          leaderMetrics.add(lead.name());
          // the leader placed the application: its decision, timed from proposal to result
          assertThat(metrics).as(lead.name()).contains("qonnect_commit_seconds_count{command=\"CommitPlacement\",outcome=\"accepted\"")
              .contains("qonnect_placement_decisions_total{outcome=\"accepted\",process=\"lead-agent\",trigger=\"new_spec\"}");
        }
      }
      assertThat(leaderMetrics).as("exactly one lead agent says it leads").hasSize(1);
      // deploy/monitoring's alerts and dashboard query only series that exist
      for (String series : io.qonnect.testbed.deploy.MonitoringTest.seriesQueried()) {
        assertThat(scraped.toString()).as("deploy/monitoring queries " + series).containsPattern("(?m)^" + series + "[{ ]");
      }

      // grpc.health.v1: every server SERVING as a process; the write service on the leader only
      List<String> serving = new ArrayList<>();
      for (LocalFederation.Member lead : leads) {
        ManagedChannel channel = federation.clientTransport().channel(lead.address(), Identity.LeadAgent.class);
        try {
          var health = HealthGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS);
          assertThat(health.check(HealthCheckRequest.getDefaultInstance()).getStatus()).as(lead.name()).isEqualTo(ServingStatus.SERVING);
          ServingStatus write = health.check(HealthCheckRequest.newBuilder().setService(ControlPlaneGrpc.SERVICE_NAME).build()).getStatus();
          if (write == ServingStatus.SERVING) serving.add(lead.name());
        } finally {
          channel.shutdownNow();
        }
      }
      assertThat(serving).as("the write service serves on the leader").isEqualTo(leaderMetrics);
      for (var m : List.of(kb, agent)) {
        ManagedChannel channel = federation.clientTransport().channel(m.address(),
            m == kb ? Identity.KnowledgeBase.class : Identity.Agent.class);
        try {
          assertThat(HealthGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS).check(HealthCheckRequest.getDefaultInstance())
              .getStatus()).as(m.name()).isEqualTo(ServingStatus.SERVING);
        } finally {
          channel.shutdownNow();
        }
      }
    } finally {
      federation.down(false, line -> {});
    }
  }
}

package io.qonnect.lead.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qonnect.lead.api.AgentSessions;
import io.qonnect.lead.api.ControlPlaneGrpcService;
import io.qonnect.lead.api.GroupView;
import io.qonnect.lead.config.LeadAgentConfig.Peer;
import io.qonnect.lead.placing.ObservationSource;
import io.qonnect.lead.state.Command;
import io.qonnect.lead.state.ControlPlaneState;
import io.qonnect.lead.state.Diagnoses;
import io.qonnect.ops.Ops;
import io.qonnect.placement.Placement;
import io.qonnect.placement.snapshot.ClusterId;
import io.qonnect.placement.spec.Tier;
import io.qonnect.proto.v1.ObservationSnapshot;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The console's resources on a real HTTP endpoint, over a replicated state with one cluster and one placed application. */
class ConsoleTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  private final Ops ops = new Ops("lead-agent", System::currentTimeMillis);
  private final java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong(1_000_000);
  private final ConsoleTokens tokens = new ConsoleTokens(now::get);
  private String base;
  private String token;

  @BeforeEach
  void serve() throws Exception {
    ControlPlaneState state = new ControlPlaneState();
    long i = 0;
    state.apply(++i, 1_000, new Command.RegisterCluster(ClusterId.of("fog-1"), Tier.FOG, "eu-west", "x"));
    state.apply(++i, 1_000, new Command.SubmitApplication("shop", "x", io.qonnect.proto.v1.ApplicationSpec.newBuilder().setName("shop")
        .addComponents(io.qonnect.proto.v1.SpecComponent.newBuilder().setName("web").setReplicas(2)
            .setResources(io.qonnect.proto.v1.Resources.newBuilder().setCpuMillis(250).setMemoryBytes(1L << 28))).build(), 0));
    var web = new TreeMap<String, java.util.SortedMap<ClusterId, Integer>>();
    web.put("web", new TreeMap<>(java.util.Map.of(ClusterId.of("fog-1"), 2)));
    state.apply(++i, 1_000, new Command.CommitPlacement("shop", state.application("shop").orElseThrow().specRevision(), state.clusterSetRevision(),
        new Placement(web), "fog-1: lowest objective <script>alert(1)</script>", Diagnoses.NONE, Command.Trigger.NEW_SPEC, "new spec"));
    GroupView group = new GroupView() {
      @Override public String selfId() { return "lead-2"; }
      @Override public List<Peer> peers() { return List.of(); }
      @Override public Optional<String> leaderId() { return Optional.of("lead-1"); }
      @Override public long term() { return 7; }
      @Override public boolean isLeaderReady() { return false; }
    };
    ObservationSource observations = new ObservationSource() {
      @Override public ObservationSnapshot latest() { return ObservationSnapshot.getDefaultInstance(); }
      @Override public ObservationSnapshot cached() { return ObservationSnapshot.getDefaultInstance(); }
      @Override public boolean degraded() { return false; }
    };
    var api = new ControlPlaneGrpcService(new io.qonnect.lead.state.StateReader() {
      @Override public <T> T read(java.util.function.Function<ControlPlaneState, T> read) { return read.apply(state); }
    }, null, group, observations, new AgentSessions(), (app, component) -> Optional.empty(), timer, tokens);
    ops.page(Console.PATH, new Console(api, group, state::lastAppliedIndex, tokens));
    InetSocketAddress at = ops.serve(new InetSocketAddress("127.0.0.1", 0));
    base = "http://127.0.0.1:" + at.getPort();
    token = tokens.issue("spiffe://qonnect/user/alice");
  }

  @AfterEach
  void close() {
    ops.close();
    timer.shutdownNow();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return get(path, token);
  }

  private HttpResponse<String> get(String path, String bearer) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + bearer).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void theDataAnswersOnlyWithAnUnexpiredTokenThisLeadAgentIssued() throws Exception {
    assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/console/api/state")).build(), HttpResponse.BodyHandlers.ofString()).statusCode())
        .as("no token").isEqualTo(401);
    assertThat(get("/console/api/state", "made-up").statusCode()).isEqualTo(401);
    assertThat(get("/console/api/applications/shop", "made-up").statusCode()).isEqualTo(401);
    assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/console/")).build(), HttpResponse.BodyHandlers.ofString()).statusCode())
        .as("the page itself is public: it holds no data").isEqualTo(200);
    assertThat(get("/console/api/state").statusCode()).isEqualTo(200);
    now.addAndGet(ConsoleTokens.TTL_MILLIS);
    assertThat(get("/console/api/state").statusCode()).as("expired").isEqualTo(401);
  }

  @Test
  void servesThePageAndTheStateItRendersReadOnly() throws Exception {
    assertThat(get("/console").statusCode()).as("relative links resolve against /console/").isEqualTo(308);
    HttpResponse<String> page = get("/console/");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("<script src=\"console.js\"");
    assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp -> assertThat(csp).contains("script-src 'self'"));
    assertThat(get("/console/console.js").body()).contains("textContent");
    assertThat(get("/console/console.css").statusCode()).isEqualTo(200);

    JsonNode state = JSON.readTree(get("/console/api/state").body());
    assertThat(state.path("leadAgent").asText()).isEqualTo("lead-2");
    assertThat(state.path("leader").asText()).isEqualTo("lead-1");
    assertThat(state.path("appliedIndex").asLong()).isEqualTo(3);
    assertThat(state.path("clusters").get(0).path("name").asText()).isEqualTo("fog-1");
    assertThat(state.path("clusters").get(0).path("tier").asText()).isEqualTo("TIER_FOG");
    assertThat(state.path("clusters").get(0).path("placed").path("cpuMillis").asLong()).as("2 replicas of 250m").isEqualTo(500);
    assertThat(state.path("applications").get(0).path("components").get(0).path("desired").get(0).path("cluster").asText()).isEqualTo("fog-1");
    assertThat(state.path("events").findValuesAsText("kind")).contains("PlacementCommitted");

    JsonNode shop = JSON.readTree(get("/console/api/applications/shop").body());
    assertThat(shop.path("explanation").asText()).startsWith("fog-1: lowest objective");
    assertThat(shop.has("specYaml")).as("the console shows no spec").isFalse();

    assertThat(get("/console/api/applications/nope").statusCode()).isEqualTo(404);
    assertThat(get("/console/api/applications/..%2F..%2Fetc").statusCode()).isEqualTo(404);
    assertThat(get("/console/other.html").statusCode()).isEqualTo(404);
    assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/console/api/state")).POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(405);
  }
}

package io.qonnect.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line as a user meets it: exit codes, output shapes, and one-line errors without stack traces. */
class QonnectMainTest {
  static final String EXAMPLES = "../examples/";

  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter(), err = new StringWriter();
    int code = QonnectMain.run(args, new PrintWriter(out), new PrintWriter(err));
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void certsRevokeWritesTheListBesideTheCaAndListShowsIt(@TempDir Path dir) {
    String pki = dir.resolve("pki").toString();
    assertThat(run("certs", "--dir", pki, "init").code()).isZero();
    assertThat(run("certs", "--dir", pki, "issue", "--agent", "edge-1").code()).isZero();
    assertThat(run("certs", "--dir", pki, "issue", "--agent", "edge-2").code()).isZero();
    Run revoked = run("certs", "--dir", pki, "revoke", pki + "/agent-edge-1.crt", "--reason", "key-compromise");
    assertThat(revoked.code()).as(revoked.err()).isZero();
    assertThat(revoked.out()).contains("revoked spiffe://qonnect/agent/edge-1").contains("key-compromise").contains("ca.crl");
    assertThat(run("certs", "--dir", pki, "revoke", pki + "/agent-edge-2.crt", "--reason", "stolen").err()).contains("--reason: expected");
    assertThat(run("certs", "--dir", pki, "revoke", pki + "/agent-edge-1.crt").out()).contains("already revoked");
    assertThat(run("certs", "--dir", pki, "list").out().lines())
        .anySatisfy(l -> assertThat(l).startsWith("agent-edge-1.crt").endsWith("revoked"))
        .anySatisfy(l -> assertThat(l).startsWith("agent-edge-2.crt").doesNotContain("revoked"));

    assertThat(run("certs", "--dir", pki, "issue", "--user", "bea", "--role", "operator", "--scope", "team=books").out())
        .contains("user bea (operator, applications labelled team=books)");
    assertThat(run("certs", "--dir", pki, "issue", "--user", "bob", "--role", "operator", "--scope", "team books").err())
        .contains("--scope: expected a label KEY=VALUE");
    assertThat(run("certs", "--dir", pki, "issue", "--agent", "edge-3", "--scope", "team=books").err()).contains("--scope: only for --user");

    String other = dir.resolve("other").toString();
    run("certs", "--dir", other, "init");
    run("certs", "--dir", other, "issue", "--agent", "edge-1");
    Run foreign = run("certs", "--dir", pki, "revoke", other + "/agent-edge-1.crt");
    assertThat(foreign.code()).isNotZero();
    assertThat(foreign.err()).contains("CERT:").contains("was not issued by this CA").doesNotContain("Exception");
  }

  @Test
  void validatePrintsOneLinePerValidApplication() {
    Run r = run("validate", "-f", EXAMPLES + "bookinfo.yaml");
    assertThat(r.code()).isZero();
    assertThat(r.out()).isEqualTo("../examples/bookinfo.yaml: application bookinfo is valid (qonnect.io/v1, 6 components, 12 replicas)\n");
  }

  @Test
  void validatePrintsFileLinePathAndMessageForEachViolation(@TempDir Path dir) throws Exception {
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, """
        apiVersion: qonnect.io/v1
        kind: Application
        metadata: {name: shop}
        spec:
          components:
            - name: web
              image: nginx
              resources: {cpu: 250mm, memory: 1Gi}
              replicas: 0
        """);
    Run r = run("validate", "-f", EXAMPLES + "bookinfo.yaml", "-f", bad.toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err().lines()).containsExactly(
        bad + ":8: spec.components[0].resources.cpu: '250mm' is not a Kubernetes quantity (e.g. 250m, 1.5, 2)",
        bad + ":9: spec.components[0].replicas: must be between 1 and 1000, not 0");
  }

  @Test
  void referenceFormatBundlesAreReadFromTheirFiles() {
    Run r = run("validate", "-f", EXAMPLES + "reference/application.yaml", "--bundle", "cloud=" + EXAMPLES + "reference/productpage.yaml",
        "--bundle", "fog=" + EXAMPLES + "reference/reviews-details.yaml", "--bundle", "edge=" + EXAMPLES + "reference/ratings.yaml");
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("application bookinfo-reference is valid (reference format, 3 components, 3 replicas)");
  }

  @Test
  void userErrorsAreOneLineWithoutStackTraces() {
    Run missing = run("validate", "-f", "no/such.yaml");
    assertThat(missing.code()).isEqualTo(1);
    assertThat(missing.err()).isEqualTo("error: cannot read no/such.yaml: no such file\n");
    Run flag = run("plan", "-f", EXAMPLES + "bookinfo.yaml");
    assertThat(flag.code()).isEqualTo(1);
    assertThat(flag.err()).contains("Missing required option: '--inventory=<inventory>'").contains("see 'qonnect plan --help'").doesNotContain("at io.");
    Run strategy = run("plan", "-f", EXAMPLES + "bookinfo.yaml", "--inventory", EXAMPLES + "inventory-9.yaml", "--strategy", "random");
    assertThat(strategy.err()).isEqualTo("error: --strategy random: use one of [qonnect, borda]\n");
    Run output = run("plan", "-f", EXAMPLES + "bookinfo.yaml", "--inventory", EXAMPLES + "inventory-9.yaml", "-o", "xml");
    assertThat(output.err()).startsWith("error: -o xml: use json, yaml or wide");
  }

  @Test
  void planExplainsThePlacementAndOffersJson() throws Exception {
    Run text = run("plan", "-f", EXAMPLES + "bookinfo.yaml", "--inventory", EXAMPLES + "inventory-9.yaml");
    assertThat(text.code()).isZero();
    assertThat(text.out()).startsWith("bookinfo: placed by qonnect, objective").contains("productpage (spread over ≥2)");
    Run json = run("plan", "-f", EXAMPLES + "bookinfo.yaml", "--inventory", EXAMPLES + "inventory-9.yaml", "-o", "json");
    JsonNode doc = new ObjectMapper().readTree(json.out());
    assertThat(doc.get("outcome").asText()).isEqualTo("Placed");
    assertThat(doc.get("placement").get("productpage").size()).isEqualTo(2); // spread over two clusters
    int replicas = 0;
    for (JsonNode cluster : doc.get("placement").get("productpage")) replicas += cluster.asInt();
    assertThat(replicas).isEqualTo(2);
  }

  @Test
  void unschedulableExitsWithTwoAndADiagnosis(@TempDir Path dir) throws Exception {
    Path huge = dir.resolve("huge.yaml");
    Files.writeString(huge, """
        apiVersion: qonnect.io/v1
        kind: Application
        metadata: {name: huge}
        spec:
          components:
            - {name: db, image: postgres, resources: {cpu: 64, memory: 1Gi}}
        """);
    Run r = run("plan", "-f", huge.toString(), "--inventory", EXAMPLES + "inventory-9.yaml");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.out()).startsWith("huge: unschedulable: no member cluster can take db")
        .contains("edge-1: one replica (64 cpu, 1Gi memory) is larger than a node (4 cpu, 8Gi memory)");
  }

  @Test
  void bordaBaselineSaysWhatItBreaks() {
    Run r = run("plan", "--strategy", "borda", "-f", EXAMPLES + "bookinfo.yaml", "--inventory", EXAMPLES + "inventory-9.yaml");
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("placed by borda").contains("note: breaks:");
  }

  @Test
  void clientCommandsSayInOneLineThatNoLeadAgentAnswers() {
    Run r = run("get", "apps", "--server", "127.0.0.1:1", "--timeout", "1", "--insecure");
    assertThat(r.code()).isEqualTo(QonnectMain.UNAVAILABLE);
    assertThat(r.err()).startsWith("error: lead agents unavailable: no lead agent answered within 1000 ms").doesNotContain("Exception");
  }

  @Test
  void contextsSayWhichLeadAgentsAndAsWhomLikeKubectls(@TempDir Path dir) {
    String config = dir.resolve("config").toString();
    assertThat(run("config", "--config", config, "set-context", "lab", "--server", "127.0.0.1:1", "--insecure").code()).isZero();
    assertThat(run("config", "--config", config, "get-contexts").out()).contains("*").contains("lab").contains("127.0.0.1:1").contains("(insecure)");
    // the current context is used when no flag says otherwise
    Run r = run("get", "apps", "--config", config, "--timeout", "1");
    assertThat(r.code()).isEqualTo(QonnectMain.UNAVAILABLE);
    assertThat(r.err()).contains("127.0.0.1:1");
    assertThat(run("get", "apps", "--config", config, "--context", "prod").err())
        .isEqualTo("error: --context: no context named 'prod' in " + config + " (contexts: [lab])\n");
    assertThat(run("config", "--config", config, "set-context", "prod", "--server", "a:1", "--cert", "x.crt").err())
        .startsWith("error: --ca, --cert and --key: all three, or --insecure");
    assertThat(run("config", "--config", config, "use-context", "prod").err()).startsWith("error: no context named 'prod'");
  }

  @Test
  void getClustersWideShowsHowLongEachAgentsCertificateHasLeft() {
    long now = 1_800_000_000_000L;
    var clusters = java.util.List.of(
        io.qonnect.proto.v1.ClusterStatus.newBuilder().setName("edge-1").setAgentCertificateNotAfterUnixMillis(now + 30L * 86_400_000).build(),
        io.qonnect.proto.v1.ClusterStatus.newBuilder().setName("edge-2").setAgentCertificateNotAfterUnixMillis(now + 5 * 3_600_000).build(),
        io.qonnect.proto.v1.ClusterStatus.newBuilder().setName("edge-3").setAgentCertificateNotAfterUnixMillis(now - 1).build(),
        io.qonnect.proto.v1.ClusterStatus.newBuilder().setName("edge-4").build());
    java.io.StringWriter text = new java.io.StringWriter();
    GetCommand.printClusters(new java.io.PrintWriter(text), clusters, true, now);
    assertThat(text.toString()).contains("AGENT CERT");
    assertThat(text.toString().lines().skip(1).map(l -> l.trim().split("\\s+")).map(f -> f[f.length - 1]).toList())
        .as("the last column here (no health reasons)").containsExactly("30d", "5h", "expired", "-");
  }

  @Test
  void getClustersWideShowsHowOldEachClustersObservedCapacityIs() {
    long now = 1_800_000_000_000L;
    var clusters = java.util.List.of(
        io.qonnect.proto.v1.ClusterStatus.newBuilder().setName("edge-1").setObservedUnixMillis(now - 4_000).build(),
        io.qonnect.proto.v1.ClusterStatus.newBuilder().setName("edge-2").setObservedUnixMillis(now - 12 * 60_000).build(),
        io.qonnect.proto.v1.ClusterStatus.newBuilder().setName("edge-3").setObservedUnixMillis(now - 3 * 3_600_000).build(),
        io.qonnect.proto.v1.ClusterStatus.newBuilder().setName("edge-4").setObservedUnixMillis(now - 2 * 86_400_000).build(),
        io.qonnect.proto.v1.ClusterStatus.newBuilder().setName("edge-5").setObservedUnixMillis(now + 3_000).build(),
        io.qonnect.proto.v1.ClusterStatus.newBuilder().setName("edge-6").build());
    java.io.StringWriter text = new java.io.StringWriter();
    GetCommand.printClusters(new java.io.PrintWriter(text), clusters, true, now);
    assertThat(text.toString().lines().findFirst().orElseThrow()).contains("OBSERVED");
    assertThat(text.toString().lines().skip(1).map(l -> l.trim().split("\\s+")).map(f -> f[f.length - 2]).toList())
        .as("the column before the certificate's").containsExactly("4s", "12m", "3h", "2d", "0s", "never");
  }

  @Test
  void getClustersShowsWhatQonnectAndOtherWorkloadsRequestOfWhatIsAllocatable() {
    var fog = io.qonnect.proto.v1.ClusterStatus.newBuilder().setName("fog-1")
        .setPlaced(io.qonnect.proto.v1.Resources.newBuilder().setCpuMillis(1500).setMemoryBytes(2L << 30))
        .setUsed(io.qonnect.proto.v1.Resources.newBuilder().setCpuMillis(500).setMemoryBytes(1L << 30))
        .setAllocatable(io.qonnect.proto.v1.Resources.newBuilder().setCpuMillis(8000).setMemoryBytes(32L << 30)).build();
    java.io.StringWriter text = new java.io.StringWriter();
    GetCommand.printClusters(new java.io.PrintWriter(text), java.util.List.of(fog), false, 0);
    assertThat(text.toString()).contains("CPU REQUESTED").contains(" 2.0/8.0 ").contains(" 3/32Gi ");
  }

  @Test
  void unknownKindsAndFormatsAreUserErrors() {
    assertThat(run("get", "pods", "--server", "127.0.0.1:1").err()).isEqualTo("error: get pods: unknown kind; use apps, clusters or placements\n");
    assertThat(run("get", "apps", "-o", "xml", "--server", "127.0.0.1:1").err()).startsWith("error: -o xml: use json, yaml or wide");
  }

  @Test
  void aSpecOverTheOneSizeLimitIsRefusedBeforeAnythingElse(@TempDir Path dir) throws Exception {
    Path big = dir.resolve("big.yaml");
    java.nio.file.Files.writeString(big, "# " + "x".repeat(io.qonnect.placement.yaml.YamlLimits.MAX_DOCUMENT_BYTES) + "\n");
    for (String[] command : new String[][] {{"validate"}, {"apply", "--server", "127.0.0.1:1"}}) {
      java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of(command));
      args.addAll(java.util.List.of("-f", big.toString()));
      Run r = run(args.toArray(String[]::new));
      assertThat(r.code()).as(command[0]).isEqualTo(1);
      assertThat(r.err()).as(command[0]).contains("big.yaml: " + (1 + 2 + io.qonnect.placement.yaml.YamlLimits.MAX_DOCUMENT_BYTES) + " bytes")
          .contains("at most 1048576 bytes (1 MiB)").doesNotContain("Exception");
    }
  }
}

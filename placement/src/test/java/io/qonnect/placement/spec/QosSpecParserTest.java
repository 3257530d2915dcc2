package io.qonnect.placement.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.qonnect.placement.yaml.YamlTreeReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class QosSpecParserTest {
  static final Path EXAMPLES = Path.of("..", "examples");
  private final QosSpecParser parser = new QosSpecParser();

  static String example(String name) throws IOException {
    return Files.readString(EXAMPLES.resolve(name));
  }

  private QosSpec valid(String yaml) {
    Parsed<QosSpec> p = parser.parse(yaml);
    assertThat(p).as("violations: %s", p instanceof Parsed.Invalid<QosSpec> i ? i.violations() : "").isInstanceOf(Parsed.Valid.class);
    return ((Parsed.Valid<QosSpec>) p).value();
  }

  private List<Violation> violations(String yaml) {
    Parsed<QosSpec> p = parser.parse(yaml);
    assertThat(p).isInstanceOf(Parsed.Invalid.class);
    return ((Parsed.Invalid<QosSpec>) p).violations();
  }

  private static String app(String components) {
    return """
        apiVersion: qonnect.io/v1
        kind: Application
        metadata:
          name: shop
        spec:
          components:
        """ + components.indent(4);
  }

  @Test
  void anApplicationNameMustLeaveRoomForItsNamespacesPrefix() {
    String name = "a".repeat(56); // a label, but qonnect-<name> is 64 characters: no member cluster could hold it
    assertThat(violations(app("- {name: web, image: nginx:1.27, resources: {cpu: 100m, memory: 64Mi}}").replace("name: shop", "name: " + name)))
        .extracting(Violation::path, Violation::message)
        .containsExactly(tuple("metadata.name", "'" + name + "' is too long for an application: its namespace qonnect-" + name
            + " would have 64 characters, at most 63"));
    valid(app("- {name: web, image: nginx:1.27, resources: {cpu: 100m, memory: 64Mi}}").replace("name: shop", "name: " + "a".repeat(55)));
  }

  @Test
  void bookinfoExampleIsValid() throws IOException {
    QosSpec s = valid(example("bookinfo.yaml"));
    assertThat(s.name()).isEqualTo("bookinfo");
    assertThat(s.components()).extracting(ComponentSpec::name)
        .containsExactly("productpage", "details", "reviews-v1", "reviews-v2", "reviews-v3", "ratings");
    assertThat(s.constraints().maxLatencyMs()).hasValue(40);
    assertThat(s.failover().minClusters()).isEqualTo(2);
    // ratings uses manifests: its per-replica request comes from the Deployment's container requests.
    assertThat(s.component("ratings").orElseThrow().resources()).isEqualTo(new Resources(100, 128L << 20));
    assertThat(s.component("productpage").orElseThrow().resources()).isEqualTo(new Resources(250, 256L << 20));
    assertThat(s.entryComponents()).extracting(ComponentSpec::name).containsExactly("productpage");
  }

  @Test
  void defaultsWhenOptionalSectionsAreLeftOut() {
    QosSpec s = valid(app("""
        - name: web
          image: nginx:1.27
          resources: {cpu: 1, memory: 1Gi}
        """));
    assertThat(s.weights()).isEqualTo(QosWeights.EQUAL);
    assertThat(s.failover()).isEqualTo(FailoverPolicy.DEFAULT);
    assertThat(s.constraints()).isEqualTo(Constraints.NONE);
    ComponentSpec web = s.components().getFirst();
    assertThat(web.replicas()).isEqualTo(1);
    assertThat(web.tiers()).isEmpty();
    assertThat(web.resources()).isEqualTo(new Resources(1000, 1L << 30));
    assertThat(s.podSecurity()).as("the strictest Pod Security level unless the spec asks for another").contains(PodSecurity.RESTRICTED);
  }

  @Test
  void podSecurityIsOneOfTheThreeLevels() {
    String web = """
        - name: web
          image: nginx:1.27
          resources: {cpu: 1, memory: 1Gi}
        """;
    assertThat(valid(app(web).replace("spec:\n", "spec:\n  podSecurity: baseline\n")).podSecurity()).contains(PodSecurity.BASELINE);
    assertThat(valid(app(web).replace("spec:\n", "spec:\n  podSecurity: privileged\n")).podSecurity()).contains(PodSecurity.PRIVILEGED);
    assertThat(violations(app(web).replace("spec:\n", "spec:\n  podSecurity: root\n")))
        .extracting(Violation::path, Violation::message)
        .containsExactly(tuple("spec.podSecurity", "must be restricted, baseline or privileged, not 'root'"));
  }

  @Test
  void reportsEveryViolationAtOnceWithPathAndLine() {
    String yaml = """
        apiVersion: qonnect.io/v1
        kind: Application
        metadata:
          name: Shop_1
        spec:
          qos: {energy: -1, cost: 0.5, performence: 1}
          constraints: {maxLatencyMs: 0}
          failover: {mode: sometimes, minClusters: 0}
          components:
            - name: web
              replicas: 0
              tiers: [cloud, mist]
              resources: {cpu: 250mm, memory: 0}
              image: nginx:1.27
              talksTo: [web, dbb]
            - name: db
              image: postgres:17
              manifests: []
            - name: web
              resource: {cpu: 1}
        """;
    assertThat(violations(yaml)).extracting(Violation::path, Violation::line).containsExactlyInAnyOrder(
        tuple("metadata.name", 4),
        tuple("spec.qos.performence", 6),
        tuple("spec.qos.energy", 6),
        tuple("spec.constraints.maxLatencyMs", 7),
        tuple("spec.failover.mode", 8),
        tuple("spec.failover.minClusters", 8),
        tuple("spec.components[0].tiers[1]", 12),
        tuple("spec.components[0].replicas", 11),
        tuple("spec.components[0].resources.cpu", 13),
        tuple("spec.components[0].resources.memory", 13),
        tuple("spec.components[1]", 16),             // both image and manifests
        tuple("spec.components[1].manifests", 18),   // empty
        tuple("spec.components[1].resources", 16),   // required with image
        tuple("spec.components[2].resource", 20),    // unknown field
        tuple("spec.components[2]", 19),             // neither image nor manifests
        tuple("spec.components[2].name", 19),        // 'web' again
        tuple("spec.components[0].talksTo[0]", 15),
        tuple("spec.components[0].talksTo[1]", 15));
  }

  @Test
  void messagesSayWhatIsWrongAndGuessTypos() {
    List<Violation> v = violations("""
        apiVersion: qonnect.io/v1
        kind: Application
        metadata: {name: shop}
        spec:
          qos: {performence: 1}
          components:
            - name: web
              replica: 2
              tiers: [clod]
              image: nginx
              resources: {cpu: 1, memory: 1Gi}
              talksTo: [dbb]
            - name: db
              image: postgres
              resources: {cpu: 1, memory: 1Gi}
        """);
    assertThat(v).extracting(Violation::message).contains(
        "unknown field (did you mean 'performance'?)",
        "unknown field (did you mean 'replicas'?)",
        "unknown tier 'clod': use cloud, fog or edge (did you mean 'cloud'?)",
        "no component is named 'dbb' (did you mean 'db'?)");
  }

  @Test
  void weightsMayNotAllBeZero() {
    List<Violation> v = violations(app("""
        - name: web
          image: nginx
          resources: {cpu: 1, memory: 1Gi}
        """).replace("spec:\n", "spec:\n  qos: {energy: 0, cost: 0}\n"));
    assertThat(v).singleElement().satisfies(x -> {
      assertThat(x.path()).isEqualTo("spec.qos");
      assertThat(x.message()).contains("at least one of energy, cost and performance must be above 0");
    });
  }

  @Test
  void singletonRunsExactlyOneReplica() {
    assertThat(violations(app("""
        - name: leader
          singleton: true
          replicas: 3
          image: etcd
          resources: {cpu: 1, memory: 1Gi}
        """))).extracting(Violation::path, Violation::message)
        .containsExactly(tuple("spec.components[0].replicas", "a singleton runs exactly 1 replica, not 3"));
  }

  @Test
  void manifestsMustBeNamespacedAndLeaveTheNamespaceToQonnect() {
    List<Violation> v = violations(app("""
        - name: web
          manifests:
            - apiVersion: rbac.authorization.k8s.io/v1
              kind: ClusterRole
              metadata: {name: admin-ish}
            - apiVersion: apps/v1
              kind: Deployment
              metadata: {name: web, namespace: kube-system}
            - just a string
        """));
    assertThat(v).extracting(Violation::path).containsExactly(
        "spec.components[0].manifests[0].kind", "spec.components[0].manifests[1].metadata.namespace", "spec.components[0].manifests[2]");
  }

  @Test
  void yamlSyntaxErrorsHaveALine() {
    List<Violation> v = violations("apiVersion: qonnect.io/v1\nkind: Application\nmetadata: {name: [\n");
    assertThat(v).singleElement().satisfies(x -> {
      assertThat(x.message()).startsWith("YAML syntax:");
      assertThat(x.line()).isGreaterThan(0);
    });
  }

  @Test
  void wrongShapesAreViolationsNotExceptions() {
    assertThat(violations("just a string").getFirst().message()).contains("must be a mapping");
    assertThat(violations("- a\n- b\n").getFirst().message()).contains("must be a mapping");
    assertThat(violations("").getFirst().message()).isEqualTo("the document is empty");
    assertThat(violations("apiVersion: v1\nkind: Pod\n")).extracting(Violation::path).contains("apiVersion", "kind", "metadata", "spec");
    assertThat(violations("a: 1\n---\nb: 2\n").getFirst().message()).contains("found 2 documents");
    assertThat(violations(app("- name: web\n  image: nginx\n  resources: {cpu: [1], memory: {a: 1}}\n")))
        .extracting(Violation::message).allMatch(m -> m.startsWith("must be a quantity"));
  }

  @Test
  void hostileDocumentsAreRejectedCheaply() {
    String huge = app("- name: web\n  image: nginx\n  resources: {cpu: 1, memory: 1Gi}\n") + "# " + "x".repeat(1 << 20) + "\n";
    assertThat(violations(huge).getFirst().message()).contains("the limit is 1048576");
    String deep = app("- name: web\n  image: nginx\n  resources: {cpu: 1, memory: 1Gi}\n  env: " + "{a: ".repeat(100) + "1" + "}".repeat(100));
    assertThat(violations(deep).getFirst().message()).containsAnyOf("nesting", "depth");
    String tooMany = app("- name: c\n  image: x\n  resources: {cpu: 1, memory: 1Gi}\n".repeat(101));
    assertThat(violations(tooMany)).extracting(Violation::message).contains("has 101 items; the limit is 100");
  }

  @Test
  void referenceFormatWithInlineBundles() {
    QosSpec s = valid("""
        apiVersion: swarmchestrate.tu-berlin.de/v1
        kind: Application
        metadata:
          name: istio-sample
          qos: {energy: 1.0, pricing: 0.0, performance: 0.0}
        spec:
          edge:
            - apiVersion: apps/v1
              kind: Deployment
              metadata: {name: ratings}
              spec:
                replicas: 2
                template:
                  spec:
                    containers:
                      - {name: a, image: x, resources: {requests: {cpu: 300m, memory: 64Mi}}}
                      - {name: b, image: y}
        """);
    assertThat(s.format()).isEqualTo(QosSpec.Format.REFERENCE);
    assertThat(s.weights()).isEqualTo(new QosWeights(1, 0, 0));
    ComponentSpec edge = s.components().getFirst();
    assertThat(edge.name()).isEqualTo("edge");
    assertThat(edge.tiers()).isEqualTo(Set.of(Tier.EDGE));
    assertThat(edge.replicas()).isEqualTo(2);
    // container a: 300m/64Mi; container b states nothing and counts as the default 100m/128Mi.
    assertThat(edge.resources()).isEqualTo(new Resources(400, 192L << 20));
  }

  @Test
  void referenceFormatWithBundleFiles() throws IOException {
    TreeMap<Tier, String> bundles = new TreeMap<>();
    bundles.put(Tier.CLOUD, example("reference/productpage.yaml"));
    bundles.put(Tier.FOG, example("reference/reviews-details.yaml"));
    bundles.put(Tier.EDGE, example("reference/ratings.yaml"));
    Parsed<QosSpec> p = ReferenceFormat.parseWithBundles(example("reference/application.yaml"), bundles, new YamlTreeReader());
    QosSpec s = ((Parsed.Valid<QosSpec>) p).value();
    assertThat(s.weights()).isEqualTo(new QosWeights(0.2, 0.5, 0.3));
    assertThat(s.components()).extracting(ComponentSpec::name).containsExactly("cloud", "fog", "edge");
    // fog bundle: details 100m/128Mi + reviews-v1..v3 at 200m/384Mi each = 700m, 1280Mi per copy.
    assertThat(s.component("fog").orElseThrow().resources()).isEqualTo(new Resources(700, 1280L << 20));
    assertThat(s.component("fog").orElseThrow().manifests()).hasSize(5);
  }

  @Test
  void referenceDescriptorWithoutBundlesSaysHowToGiveThem() throws IOException {
    assertThat(violations(example("reference/application.yaml"))).singleElement()
        .satisfies(v -> assertThat(v.message()).contains("--bundle TIER=FILE"));
  }
}

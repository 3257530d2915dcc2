package io.qonnect.lead.proto;

import static org.assertj.core.api.Assertions.assertThat;

import io.qonnect.lead.state.Command;
import io.qonnect.lead.state.CommandResult;
import io.qonnect.lead.state.ControlPlaneState;
import io.qonnect.placement.spec.Parsed;
import io.qonnect.placement.spec.QosSpec;
import io.qonnect.placement.spec.QosSpecParser;
import io.qonnect.proto.v1.ApplicationSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class SpecCodecTest {
  static final String BOOKINFO = read("../examples/bookinfo.yaml");

  static String read(String path) {
    try {
      return Files.readString(Path.of(path));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static ApplicationSpec canonical(String yaml) {
    return SpecCodec.toProto(((Parsed.Valid<QosSpec>) new QosSpecParser().parse(yaml)).value());
  }

  @Test
  void commentKeyOrderAndWhitespaceEditsAreUnchangedInTheReplicatedState() {
    String commented = BOOKINFO.replace("  qos:                      # relative weights, normalised by the engine",
        "  # a new comment\n  qos:   # weights, edited comment");
    String reordered = BOOKINFO.replace("    energy: 0.2\n    cost: 0.5\n", "    cost: 0.5\n    energy: 0.2\n")
        .replace("  labels:\n    team: books\n", "  labels: {team: books}\n");
    assertThat(commented).isNotEqualTo(BOOKINFO);
    assertThat(reordered).isNotEqualTo(BOOKINFO);
    assertThat(canonical(commented)).isEqualTo(canonical(BOOKINFO));
    assertThat(canonical(reordered)).isEqualTo(canonical(BOOKINFO));

    ControlPlaneState state = new ControlPlaneState();
    assertThat(state.apply(1, 1, new Command.SubmitApplication("bookinfo", BOOKINFO, canonical(BOOKINFO), 0))).isEqualTo(CommandResult.changed(1));
    assertThat(state.apply(2, 2, new Command.SubmitApplication("bookinfo", commented, canonical(commented), 0))).isEqualTo(CommandResult.unchanged(1));
    assertThat(state.apply(3, 3, new Command.SubmitApplication("bookinfo", reordered, canonical(reordered), 0))).isEqualTo(CommandResult.unchanged(1));
    assertThat(state.application("bookinfo").orElseThrow().specRevision()).as("no new revision, so nothing is placed again").isEqualTo(1);
    assertThat(state.revision()).isEqualTo(1);
  }

  @Test
  void aManifestsKeyOrderDoesNotMatterButItsContentDoes() {
    String ledger = """
        apiVersion: qonnect.io/v1
        kind: Application
        metadata: {name: shop}
        spec:
          components:
            - name: web
              replicas: 1
              manifests:
                - apiVersion: apps/v1
                  kind: Deployment
                  metadata: {name: web}
                  spec:
                    replicas: 1
                    template: {spec: {containers: [{name: web, image: nginx:1.27, resources: {requests: {cpu: 100m, memory: 64Mi}}}]}}
        """;
    String swapped = ledger.replace("metadata: {name: web}\n                  spec:", "metadata: {name: web}\n                  spec:").replace("kind: Deployment\n                  metadata: {name: web}",
        "metadata: {name: web}\n                  kind: Deployment").replace("name: web, image: nginx:1.27", "image: nginx:1.27, name: web");
    assertThat(swapped).isNotEqualTo(ledger);
    assertThat(canonical(swapped)).isEqualTo(canonical(ledger));
    assertThat(canonical(ledger.replace("nginx:1.27", "nginx:1.28"))).isNotEqualTo(canonical(ledger));
  }

  @Test
  void theCanonicalFormConvertsBackToTheSameSpec() {
    QosSpec spec = ((Parsed.Valid<QosSpec>) new QosSpecParser().parse(BOOKINFO)).value();
    assertThat(SpecCodec.fromProto(SpecCodec.toProto(spec))).isEqualTo(spec);
    QosSpec reference = ((Parsed.Valid<QosSpec>) new QosSpecParser().parse(read("../examples/ledger.yaml"))).value();
    assertThat(SpecCodec.fromProto(SpecCodec.toProto(reference))).isEqualTo(reference);
  }

  @Test
  void thePodSecurityLevelRoundTripsAndASpecStoredBeforeLevelsHasNone() {
    ApplicationSpec baseline = canonical(BOOKINFO.replace("\nspec:\n", "\nspec:\n  podSecurity: baseline\n"));
    assertThat(baseline.getPodSecurity()).isEqualTo(io.qonnect.proto.v1.PodSecurity.POD_SECURITY_BASELINE);
    assertThat(SpecCodec.fromProto(baseline).podSecurity()).contains(io.qonnect.placement.spec.PodSecurity.BASELINE);
    assertThat(canonical(BOOKINFO).getPodSecurity()).isEqualTo(io.qonnect.proto.v1.PodSecurity.POD_SECURITY_RESTRICTED);
    ApplicationSpec stored = canonical(BOOKINFO).toBuilder().clearPodSecurity().build(); // as a build before levels stored it
    assertThat(SpecCodec.fromProto(stored).podSecurity()).isEmpty();
    assertThat(SpecCodec.toProto(SpecCodec.fromProto(stored))).isEqualTo(stored);
  }

  @Test
  void aLegacySpecThisVersionRejectsIsKeptButNotUsable() {
    assertThat(SpecCodec.usable(SpecCodec.fromLegacyYaml(BOOKINFO))).isTrue();
    assertThat(SpecCodec.usable(SpecCodec.fromLegacyYaml("apiVersion: qonnect.io/v0\nkind: Something"))).isFalse();
  }
}

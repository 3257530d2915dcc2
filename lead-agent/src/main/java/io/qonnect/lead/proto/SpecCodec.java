package io.qonnect.lead.proto;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.qonnect.placement.spec.ComponentSpec;
import io.qonnect.placement.spec.Constraints;
import io.qonnect.placement.spec.FailoverPolicy;
import io.qonnect.placement.spec.ImageSpec;
import io.qonnect.placement.spec.Parsed;
import io.qonnect.placement.spec.PodSecurity;
import io.qonnect.placement.spec.QosSpec;
import io.qonnect.placement.spec.QosSpecParser;
import io.qonnect.placement.spec.QosWeights;
import io.qonnect.placement.spec.Resources;
import io.qonnect.placement.spec.Tier;
import io.qonnect.proto.v1.ApplicationSpec;
import io.qonnect.proto.v1.EnvVar;
import io.qonnect.proto.v1.ImageWorkload;
import io.qonnect.proto.v1.ManifestWorkload;
import io.qonnect.proto.v1.SpecComponent;
import io.qonnect.proto.v1.SpecConstraints;
import io.qonnect.proto.v1.SpecFailover;
import io.qonnect.proto.v1.SpecFormat;
import io.qonnect.proto.v1.SpecLabel;
import io.qonnect.proto.v1.SpecWeights;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;

/**
 * A validated {@link QosSpec} to and from its canonical typed form, {@link ApplicationSpec}. Pure. Canonical:
 * labels and env sorted by key, tiers sorted, manifests as JSON with sorted keys; what a user can reorder without
 * changing the meaning is put in one order, so equal meaning gives equal forms (and equal bytes).
 */
public final class SpecCodec {
  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
      .enable(DeserializationFeature.USE_LONG_FOR_INTS)
      .build();

  private SpecCodec() {}

  public static ApplicationSpec toProto(QosSpec spec) {
    ApplicationSpec.Builder b = ApplicationSpec.newBuilder().setName(spec.name())
        .setWeights(SpecWeights.newBuilder().setEnergy(spec.weights().energy()).setCost(spec.weights().cost()).setPerformance(spec.weights().performance()))
        .setFailover(SpecFailover.newBuilder().setMinClusters(spec.failover().minClusters())
            .setMode(spec.failover().mode() == FailoverPolicy.Mode.MANUAL ? SpecFailover.Mode.MANUAL : SpecFailover.Mode.AUTOMATIC))
        .setFormat(spec.format() == QosSpec.Format.REFERENCE ? SpecFormat.SPEC_FORMAT_REFERENCE : SpecFormat.SPEC_FORMAT_QONNECT_V1)
        .setPodSecurity(spec.podSecurity().map(SpecCodec::toProto).orElse(io.qonnect.proto.v1.PodSecurity.POD_SECURITY_UNSPECIFIED));
    spec.labels().forEach((k, v) -> b.addLabels(SpecLabel.newBuilder().setKey(k).setValue(v)));
    SpecConstraints.Builder c = SpecConstraints.newBuilder().addAllRegions(spec.constraints().regions()).addAllUserRegions(spec.constraints().userRegions());
    spec.constraints().maxLatencyMs().ifPresent(ms -> c.setHasMaxLatencyMs(true).setMaxLatencyMs(ms));
    b.setConstraints(c);
    for (ComponentSpec component : spec.components()) b.addComponents(toProto(component));
    return b.build();
  }

  private static SpecComponent toProto(ComponentSpec c) {
    SpecComponent.Builder b = SpecComponent.newBuilder().setName(c.name()).setReplicas(c.replicas())
        .setResources(io.qonnect.proto.v1.Resources.newBuilder().setCpuMillis(c.resources().cpuMillis()).setMemoryBytes(c.resources().memoryBytes()))
        .addAllTalksTo(c.talksTo()).setSingleton(c.singleton()).setPriority(c.priority());
    EnumSet.copyOf(c.tiers().isEmpty() ? EnumSet.noneOf(Tier.class) : c.tiers()).forEach(t -> b.addTiers(ProtoMapper.toProto(t)));
    if (c.image().isPresent()) {
      ImageSpec image = c.image().get();
      ImageWorkload.Builder w = ImageWorkload.newBuilder().setImage(image.image()).addAllPorts(image.ports());
      image.env().forEach((k, v) -> w.addEnv(EnvVar.newBuilder().setName(k).setValue(v)));
      b.setImage(w);
    } else {
      ManifestWorkload.Builder w = ManifestWorkload.newBuilder();
      for (Map<String, Object> object : c.manifests()) w.addObjectsJson(json(object));
      b.setManifests(w);
    }
    return b.build();
  }

  public static QosSpec fromProto(ApplicationSpec p) {
    TreeMap<String, String> labels = new TreeMap<>();
    p.getLabelsList().forEach(l -> labels.put(l.getKey(), l.getValue()));
    SpecConstraints c = p.getConstraints();
    Constraints constraints = new Constraints(c.getHasMaxLatencyMs() ? OptionalInt.of(c.getMaxLatencyMs()) : OptionalInt.empty(),
        c.getRegionsList(), c.getUserRegionsList());
    FailoverPolicy failover = new FailoverPolicy(p.getFailover().getMode() == SpecFailover.Mode.MANUAL ? FailoverPolicy.Mode.MANUAL
        : FailoverPolicy.Mode.AUTOMATIC, p.getFailover().getMinClusters());
    List<ComponentSpec> components = new ArrayList<>();
    for (SpecComponent sc : p.getComponentsList()) components.add(fromProto(sc));
    return new QosSpec(p.getName(), labels, new QosWeights(p.getWeights().getEnergy(), p.getWeights().getCost(), p.getWeights().getPerformance()),
        constraints, failover, components, p.getFormat() == SpecFormat.SPEC_FORMAT_REFERENCE ? QosSpec.Format.REFERENCE : QosSpec.Format.QONNECT_V1,
        fromProto(p.getPodSecurity()));
  }

  public static io.qonnect.proto.v1.PodSecurity toProto(PodSecurity level) {
    return switch (level) {
      case RESTRICTED -> io.qonnect.proto.v1.PodSecurity.POD_SECURITY_RESTRICTED;
      case BASELINE -> io.qonnect.proto.v1.PodSecurity.POD_SECURITY_BASELINE;
      case PRIVILEGED -> io.qonnect.proto.v1.PodSecurity.POD_SECURITY_PRIVILEGED;
    };
  }

  /** Empty for a spec stored before specs had a level (and for a level this build does not know). */
  private static Optional<PodSecurity> fromProto(io.qonnect.proto.v1.PodSecurity level) {
    return switch (level) {
      case POD_SECURITY_RESTRICTED -> Optional.of(PodSecurity.RESTRICTED);
      case POD_SECURITY_BASELINE -> Optional.of(PodSecurity.BASELINE);
      case POD_SECURITY_PRIVILEGED -> Optional.of(PodSecurity.PRIVILEGED);
      case POD_SECURITY_UNSPECIFIED, UNRECOGNIZED -> Optional.empty();
    };
  }

  private static ComponentSpec fromProto(SpecComponent c) {
    Set<Tier> tiers = EnumSet.noneOf(Tier.class);
    c.getTiersList().forEach(t -> tiers.add(ProtoMapper.fromProto(t)));
    Optional<ImageSpec> image = Optional.empty();
    List<Map<String, Object>> manifests = new ArrayList<>();
    if (c.hasImage()) {
      TreeMap<String, String> env = new TreeMap<>();
      c.getImage().getEnvList().forEach(e -> env.put(e.getName(), e.getValue()));
      image = Optional.of(new ImageSpec(c.getImage().getImage(), c.getImage().getPortsList(), env));
    } else {
      for (String json : c.getManifests().getObjectsJsonList()) manifests.add(map(json));
    }
    return new ComponentSpec(c.getName(), tiers, c.getReplicas(), new Resources(c.getResources().getCpuMillis(), c.getResources().getMemoryBytes()),
        c.getTalksToList(), c.getSingleton(), c.getPriority(), image, manifests);
  }

  /**
   * The canonical form of a spec stored before 0.2, which kept only the user's YAML. Deterministic (every replica
   * runs the same parser on the same text). A text this version no longer accepts gives a form with the name and
   * no components: controllers leave such an application alone and agents keep what runs of it (nothing is
   * deleted because a parser changed).
   */
  public static ApplicationSpec fromLegacyYaml(String yaml) {
    return switch (new QosSpecParser().parse(yaml)) {
      case Parsed.Valid<QosSpec> v -> toProto(v.value());
      case Parsed.Invalid<QosSpec> i -> ApplicationSpec.getDefaultInstance();
    };
  }

  /** Whether a stored canonical form describes something to run (not a legacy spec this version rejects). */
  public static boolean usable(ApplicationSpec spec) {
    return spec.getComponentsCount() > 0;
  }

  /** One manifest object as canonical JSON: keys sorted at every level. */
  public static String json(Map<String, Object> object) {
    try {
      return JSON.writeValueAsString(object);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a validated manifest is plain YAML data and always JSON: " + e.getMessage(), e);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(String json) {
    try {
      return JSON.readValue(json, Map.class);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("canonical manifest JSON that does not read back: " + e.getMessage(), e);
    }
  }
}

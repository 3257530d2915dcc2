package io.qonnect.agent.apply;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kubernetes Events about what the agent did to an application's objects, so {@code kubectl get events} and
 * {@code kubectl describe} in the member cluster tell it too: Applied and Deleted (Normal), NameTaken (an object of
 * someone else's under the name; never adopted) and ApplyFailed on an object's first failure (Warning). An event is
 * written only when something happened — an object already as desired is not applied again, so a resync writes none.
 * Best effort: an event that cannot be written is logged at debug and changes nothing.
 */
public final class ObjectEvents {
  private static final Logger LOG = LoggerFactory.getLogger(ObjectEvents.class);
  static final String COMPONENT = "qonnect-agent";

  private final KubernetesClient kube;
  private final String cluster;
  private final Clock clock;

  public ObjectEvents(KubernetesClient kube, String cluster, Clock clock) {
    this.kube = kube;
    this.cluster = cluster;
    this.clock = clock;
  }

  /** Records the event an outcome calls for, if any. */
  public void record(PlanExecutor.Outcome outcome) {
    switch (outcome) {
      case PlanExecutor.Applied a -> write(a.key(), "Normal", "Applied", "applied by qonnect (member cluster " + cluster + ")");
      case PlanExecutor.Deleted d -> write(d.key(), "Normal", "Deleted", "deleted by qonnect: the committed desired state no longer owns it");
      case PlanExecutor.Refused r -> write(r.key(), "Warning", "NameTaken", r.reason());
      case PlanExecutor.Failed f -> {
        if (f.failures() == 1) write(f.key(), "Warning", "ApplyFailed", "the API server refused it (" + f.code() + "): " + f.message());
      }
      case PlanExecutor.Deferred ignored -> { }
    }
  }

  /** @param key {@code KIND/NAMESPACE/NAME} ({@code reconcile.ObservedObject#key}); a Namespace's own events go to "default" */
  private void write(String key, String type, String reason, String message) {
    String[] k = key.split("/", 3);
    if (k.length != 3) return;
    String kind = k[0];
    String name = k[2];
    String namespace = kind.equals("Namespace") || k[1].isEmpty() ? "default" : k[1];
    String now = Instant.now(clock).toString();
    try {
      kube.v1().events().inNamespace(namespace).resource(new EventBuilder()
          .withNewMetadata().withNamespace(namespace).withName(name + "." + Long.toHexString(clock.millis()) + Integer.toHexString(key.hashCode() & 0xfff))
          .endMetadata()
          .withNewInvolvedObject().withKind(kind).withNamespace(kind.equals("Namespace") ? null : k[1]).withName(name).endInvolvedObject()
          .withType(type).withReason(reason).withMessage(message.length() > 1024 ? message.substring(0, 1024) : message)
          .withNewSource().withComponent(COMPONENT).withHost(cluster).endSource()
          .withReportingComponent("qonnect.io/" + COMPONENT).withReportingInstance(cluster)
          .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
          .build()).create();
    } catch (KubernetesClientException e) {
      LOG.debug("event {} for {} not written: {}", reason, key, e.getMessage());
    }
  }
}

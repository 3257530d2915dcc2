package io.qonnect.agent.apply;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.qonnect.agent.reconcile.Labels;
import io.qonnect.agent.reconcile.ObservedObject;
import io.qonnect.agent.reconcile.Plan;
import io.qonnect.agent.reconcile.RetryBook;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/**
 * Carries a {@link Plan} out: namespaces first, then everything in them, then the deletes. Each object on its own:
 * one the API server refuses (403 for a kind RBAC does not grant, 422 for a bad body, a conflict) holds up no
 * other object, no other application and no delete; it is tried again after its backoff ({@link RetryBook}), not
 * at every resync. Applies are server-side, never forcing a conflict with another field manager.
 */
public final class PlanExecutor {
  static final String FIELD_MANAGER = "qonnect-agent";

  /** What became of one object. */
  public sealed interface Outcome {
    String key();
  }

  public record Applied(String key) implements Outcome {}

  public record Deleted(String key) implements Outcome {}

  /** Not applied: its name is taken by an object qonnect did not create for this application (never adopted). */
  public record Refused(String key, String reason) implements Outcome {}

  /** The API server said no; tried again not before {@code notBeforeMillis} (monotonic). */
  public record Failed(String key, int code, String message, int failures, long notBeforeMillis) implements Outcome {}

  /** Still backing off from an earlier failure: not tried this time. */
  public record Deferred(String key) implements Outcome {}

  private final KubernetesClient kube;
  private final Executor appliers;
  private final RetryBook retries;
  private final LongSupplier monotonicMillis;

  public PlanExecutor(KubernetesClient kube, Executor appliers, RetryBook retries, LongSupplier monotonicMillis) {
    this.kube = kube;
    this.appliers = appliers;
    this.retries = retries;
    this.monotonicMillis = monotonicMillis;
  }

  /** @return every object's outcome: creates and updates in the order applied, then deletes */
  public List<Outcome> carryOut(Plan plan) {
    List<Outcome> outcomes = new ArrayList<>();
    // namespaces first, then everything in them at once: one apply is a round trip, an application is a dozen
    outcomes.addAll(applyAll(clusterScoped(plan.create()), true));
    outcomes.addAll(applyAll(clusterScoped(plan.update()), false));
    outcomes.addAll(applyAll(namespaced(plan.create()), true));
    outcomes.addAll(applyAll(namespaced(plan.update()), false));
    for (ObservedObject gone : plan.delete()) outcomes.add(delete(gone));
    Set<String> planned = new HashSet<>();
    Stream.concat(plan.create().stream(), plan.update().stream()).forEach(o -> planned.add(key(o)));
    plan.delete().forEach(o -> planned.add(o.key()));
    retries.retainOnly(planned);
    return outcomes;
  }

  public static String key(HasMetadata o) {
    return o.getKind() + "/" + o.getMetadata().getNamespace() + "/" + o.getMetadata().getName();
  }

  private static List<HasMetadata> clusterScoped(List<HasMetadata> objects) {
    return objects.stream().filter(o -> o.getMetadata().getNamespace() == null).toList();
  }

  private static List<HasMetadata> namespaced(List<HasMetadata> objects) {
    return objects.stream().filter(o -> o.getMetadata().getNamespace() != null).toList();
  }

  private List<Outcome> applyAll(List<HasMetadata> objects, boolean create) {
    List<CompletableFuture<Outcome>> applies = objects.stream()
        .map(object -> CompletableFuture.supplyAsync(() -> apply(object, create), appliers)).toList();
    return applies.stream().map(CompletableFuture::join).toList();
  }

  /**
   * {@code create}: the object is not known as qonnect's, so it is applied only if nothing of that name exists or
   * what exists carries this object's ownership annotation (the informer may not have seen qonnect's own create yet).
   */
  private Outcome apply(HasMetadata object, boolean create) {
    String key = key(object);
    if (!retries.due(key, monotonicMillis.getAsLong())) return new Deferred(key);
    try {
      if (create) {
        HasMetadata existing = kube.resource(object).get();
        if (existing != null && !Labels.sameOwner(object, existing)) {
          return new Refused(key, "exists and was not created by qonnect for this application; left as it is");
        }
      }
      kube.resource(object).fieldManager(FIELD_MANAGER).serverSideApply();
      retries.succeeded(key);
      return new Applied(key);
    } catch (KubernetesClientException e) {
      return failed(key, e);
    }
  }

  private Outcome delete(ObservedObject gone) {
    if (!retries.due(gone.key(), monotonicMillis.getAsLong())) return new Deferred(gone.key());
    try {
      var resources = kube.genericKubernetesResources(gone.apiVersion(), gone.kind());
      (gone.namespace() == null ? resources.withName(gone.name()) : resources.inNamespace(gone.namespace()).withName(gone.name())).delete();
      retries.succeeded(gone.key());
      return new Deleted(gone.key());
    } catch (KubernetesClientException e) {
      return failed(gone.key(), e);
    }
  }

  private Outcome failed(String key, KubernetesClientException e) {
    RetryBook.Entry entry = retries.failed(key, monotonicMillis.getAsLong());
    String message = e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage() : e.getMessage();
    return new Failed(key, e.getCode(), message, entry.failures(), entry.notBeforeMillis());
  }
}

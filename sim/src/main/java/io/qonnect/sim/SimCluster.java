package io.qonnect.sim;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.qonnect.agent.reconcile.Labels;
import io.qonnect.agent.reconcile.ObservedObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * A member cluster as the simulation has it: the objects in its API server and the pods its kubelets run.
 * The API server can be down (nothing can be read or written; pods run on), the nodes can be down (no pod
 * runs; the API server is down too). Pods start after a delay and, when scaled down or deleted, keep running
 * through a termination grace period, as on a real cluster.
 */
final class SimCluster {
  /** A pod of a Deployment: Ready from {@code readyAt}; running until {@code goneAt} once terminating. */
  static final class Pod {
    final String application;
    final String component;
    final long owner;
    final boolean singleton;
    final long readyAt;
    long goneAt = Long.MAX_VALUE;

    Pod(String application, String component, long owner, boolean singleton, long readyAt) {
      this.application = application;
      this.component = component;
      this.owner = owner;
      this.singleton = singleton;
      this.readyAt = readyAt;
    }

    boolean terminating() {
      return goneAt != Long.MAX_VALUE;
    }

    boolean ready(long now) {
      return !terminating() && now >= readyAt;
    }
  }

  final String name;
  final int index;
  final long cpuMillis;
  final long memoryBytes;
  boolean apiUp = true;
  boolean nodesUp = true;
  /** What the API server stores, by kind/namespace/name. */
  final Map<String, HasMetadata> objects = new TreeMap<>();
  /** The pods of each Deployment key (terminating ones included until their grace ends). */
  final Map<String, List<Pod>> pods = new TreeMap<>();
  private final SplittableRandom random;
  private final long maxGraceMillis;

  SimCluster(String name, int index, long cpuMillis, long memoryBytes, SplittableRandom random, long maxGraceMillis) {
    this.name = name;
    this.index = index;
    this.cpuMillis = cpuMillis;
    this.memoryBytes = memoryBytes;
    this.random = random;
    this.maxGraceMillis = maxGraceMillis;
  }

  static String key(HasMetadata o) {
    String ns = o.getKind().equals("Namespace") ? null : o.getMetadata().getNamespace();
    return o.getKind() + "/" + ns + "/" + o.getMetadata().getName();
  }

  boolean apiReachable() {
    return apiUp && nodesUp;
  }

  List<ObservedObject> observe() {
    return objects.values().stream().map(ObservedObject::of).toList();
  }

  /** A server-side apply: the spec is the caller's, the status stays the cluster's. */
  void put(HasMetadata o) {
    if (o instanceof Deployment d && objects.get(key(o)) instanceof Deployment live && live.getStatus() != null) {
      o = new DeploymentBuilder(d).withStatus(live.getStatus()).build();
    }
    objects.put(key(o), o);
  }

  void delete(String key) {
    HasMetadata gone = objects.remove(key);
    if (gone != null && gone.getKind().equals("Namespace")) {
      // a namespace takes what is in it along
      String ns = gone.getMetadata().getName();
      objects.keySet().removeIf(k -> k.split("/", 3)[1].equals(ns));
    }
  }

  /** The controller-manager and the kubelets: pods follow Deployments; status follows pods. */
  void tick(long now) {
    for (List<Pod> list : pods.values()) {
      list.removeIf(p -> p.goneAt <= now);
    }
    if (!nodesUp) {
      pods.clear();
      return;
    }
    if (!apiUp) return; // the kubelets keep what runs; nothing scales without the API server
    for (var it = pods.entrySet().iterator(); it.hasNext();) {
      var e = it.next();
      if (!(objects.get(e.getKey()) instanceof Deployment)) {
        e.getValue().stream().filter(p -> !p.terminating()).forEach(p -> p.goneAt = now + grace());
        if (e.getValue().isEmpty()) it.remove();
      }
    }
    for (HasMetadata o : objects.values()) {
      if (!(o instanceof Deployment d)) continue;
      String key = key(d);
      List<Pod> list = pods.computeIfAbsent(key, k -> new ArrayList<>());
      long owner = ObservedObject.owner(d.getMetadata().getAnnotations() == null ? Map.of() : d.getMetadata().getAnnotations());
      // pods of another owner (the object was deleted and created again) terminate
      list.stream().filter(p -> !p.terminating() && p.owner != owner).forEach(p -> p.goneAt = now + grace());
      int want = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
      List<Pod> active = list.stream().filter(p -> !p.terminating()).toList();
      for (int i = active.size(); i < want; i++) {
        String app = d.getMetadata().getLabels().get(Labels.APPLICATION);
        String component = d.getMetadata().getLabels().get(Labels.COMPONENT);
        boolean singleton = d.getMetadata().getAnnotations() != null && "true".equals(d.getMetadata().getAnnotations().get(Labels.SINGLETON));
        list.add(new Pod(app, component, owner, singleton, now + 300 + random.nextLong(2_500)));
      }
      for (int i = want; i < active.size(); i++) active.get(active.size() - 1 - (i - want)).goneAt = now + grace();
      int replicas = (int) list.stream().filter(p -> !p.terminating()).count();
      int ready = (int) list.stream().filter(p -> p.ready(now)).count();
      objects.put(key, new DeploymentBuilder(d).editOrNewStatus().withReplicas(replicas).withReadyReplicas(ready).endStatus().build());
    }
  }

  private long grace() {
    return random.nextLong(maxGraceMillis + 1);
  }

  /** Every pod of the cluster that runs now (its nodes are up), Ready, starting or terminating. */
  List<Pod> runningPods() {
    if (!nodesUp) return List.of();
    List<Pod> out = new ArrayList<>();
    pods.values().forEach(out::addAll);
    return out;
  }

  int readyReplicas(String application, long owner, String component, long now) {
    int n = 0;
    for (Pod p : runningPods()) {
      if (p.application.equals(application) && p.owner == owner && p.component.equals(component) && p.ready(now)) n++;
    }
    return n;
  }
}

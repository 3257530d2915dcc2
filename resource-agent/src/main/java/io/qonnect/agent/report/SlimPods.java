package io.qonnect.agent.report;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The agent's cache of every pod in its member cluster, as an informer's store: of each pod it keeps only its
 * {@link PodUsage} (computed once per change) and, for the informer, its name and resource version. A pod as the API
 * server lists it carries its managed fields, conditions, container statuses, volumes and env, several KiB each; a member
 * cluster's thousands of pods of other workloads would otherwise fill the agent's heap with what it never reads.
 *
 * <p>fabric8's {@code ReducedStateItemStore} keeps selected fields too, but rebuilds a pod by deserialization on every
 * read, and the agent reads every pod for each capacity report: here a report reads the summaries as they are.
 */
public final class SlimPods implements ItemStore<Pod> {
  private final Map<String, Pod> versions = new ConcurrentHashMap<>();
  private final Map<String, PodUsage> usage = new ConcurrentHashMap<>();

  /** What every pod asks for and runs, as of the informer's last event for it. */
  public Collection<PodUsage> usage() {
    return Collections.unmodifiableCollection(usage.values());
  }

  /** The pod as the store keeps it for the informer: name, namespace, uid and resource version. */
  static Pod versionOnly(Pod pod) {
    var m = pod.getMetadata();
    return new PodBuilder().withMetadata(new ObjectMetaBuilder().withName(m.getName()).withNamespace(m.getNamespace()).withUid(m.getUid())
        .withResourceVersion(m.getResourceVersion()).build()).build();
  }

  @Override
  public String getKey(Pod pod) {
    return Cache.metaNamespaceKeyFunc(pod);
  }

  @Override
  public Pod put(String key, Pod pod) {
    usage.put(key, PodUsage.of(pod));
    return versions.put(key, versionOnly(pod));
  }

  @Override
  public Pod remove(String key) {
    usage.remove(key);
    return versions.remove(key);
  }

  @Override
  public Stream<String> keySet() {
    return versions.keySet().stream();
  }

  @Override
  public Stream<Pod> values() {
    return versions.values().stream();
  }

  @Override
  public int size() {
    return versions.size();
  }

  @Override
  public Pod get(String key) {
    return versions.get(key);
  }

  /** The pods kept are not whole: the informer's update events carry no old pod (none is handled here). */
  @Override
  public boolean isFullState() {
    return false;
  }
}

package io.qonnect.testbed.junit;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.qonnect.testbed.cluster.MemberClusterSpec;
import io.qonnect.testbed.cluster.Testbed;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The member clusters a test was given, with one (shared, long-lived) fabric8 client each. */
public final class TestbedClusters implements AutoCloseable {
  private final Testbed testbed;
  private final List<MemberClusterSpec> clusters;
  private final Map<String, KubernetesClient> clients = new ConcurrentHashMap<>();

  TestbedClusters(Testbed testbed, List<MemberClusterSpec> clusters) {
    this.testbed = testbed;
    this.clusters = List.copyOf(clusters);
  }

  public Testbed testbed() {
    return testbed;
  }

  public List<String> names() {
    return clusters.stream().map(MemberClusterSpec::name).toList();
  }

  /** The client of a member cluster; owned by the extension, do not close it. */
  public KubernetesClient client(String name) {
    return clients.computeIfAbsent(name, testbed::client);
  }

  @Override
  public void close() {
    clients.values().forEach(KubernetesClient::close);
    clients.clear();
  }
}

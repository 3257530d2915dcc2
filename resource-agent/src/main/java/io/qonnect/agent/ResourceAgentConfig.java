package io.qonnect.agent;

import io.qonnect.names.DnsLabel;
import io.qonnect.transport.Identity;
import io.qonnect.transport.Transport;
import io.qonnect.transport.TransportFlags;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import io.qonnect.agent.reconcile.Namespaces;

/**
 * One agent's settings, command line over environment over defaults:
 *
 * <pre>
 *   --cluster NAME            QONNECT_CLUSTER          the member cluster's name (DNS-1123)
 *   --kubeconfig PATH         KUBECONFIG               out of cluster; empty: in-cluster service account
 *   --context NAME            QONNECT_CONTEXT          kubeconfig context (default: the cluster name)
 *   --lead-agents A,B,C       QONNECT_LEAD_AGENTS      lead agents' agent gateway addresses (any order; the leader is found)
 *   --knowledge-base H:P      QONNECT_KNOWLEDGE_BASE   where observations go
 *   --heartbeat-ms N          QONNECT_HEARTBEAT_MS     default 500
 *   --report-ms N             QONNECT_REPORT_MS        default 2000
 *   --probe-address HOST:PORT QONNECT_PROBE_ADDRESS    where peers reach this agent's probe (listens on PORT); default 127.0.0.1:7070
 *   --latency-model PATH      QONNECT_LATENCY_MODEL    testbed only: wide-area RTTs added to measured ones (see probe.LatencyModel)
 *   --namespace-prefix P      QONNECT_NAMESPACE_PREFIX application namespaces are P + application name; default qonnect-
 *   --reserved-namespaces A,B QONNECT_RESERVED_NAMESPACES never used nor deleted, beside the system ones and qonnect-system
 *   --pod-security LEVEL      QONNECT_POD_SECURITY     enforced on application namespaces: privileged, baseline (default), restricted
 *   --fault-dir DIR           QONNECT_FAULT_DIR        drills only: a file "partition" there cuts the agent off from the lead agents
 *   --ca, --cert, --key FILE | --insecure                the transport ({@link TransportFlags}); the certificate names this
 *                                                      agent's member cluster, and no other
 * </pre>
 */
public record ResourceAgentConfig(String cluster, String kubeconfig, String context, List<String> leadAgents, String knowledgeBase,
    long heartbeatMs, long reportMs, String probeAddress, String latencyModel, String faultDir, Namespaces namespaces,
    Transport transport) {

  public int probePort() {
    return Integer.parseInt(probeAddress.substring(probeAddress.lastIndexOf(':') + 1));
  }

  public static ResourceAgentConfig load(String[] args, Map<String, String> env) {
    Map<String, String> v = new LinkedHashMap<>();
    v.put("--cluster", env.getOrDefault("QONNECT_CLUSTER", ""));
    v.put("--kubeconfig", env.getOrDefault("KUBECONFIG", ""));
    v.put("--context", env.getOrDefault("QONNECT_CONTEXT", ""));
    v.put("--lead-agents", env.getOrDefault("QONNECT_LEAD_AGENTS", ""));
    v.put("--knowledge-base", env.getOrDefault("QONNECT_KNOWLEDGE_BASE", ""));
    v.put("--heartbeat-ms", env.getOrDefault("QONNECT_HEARTBEAT_MS", "500"));
    v.put("--report-ms", env.getOrDefault("QONNECT_REPORT_MS", "2000"));
    v.put("--probe-address", env.getOrDefault("QONNECT_PROBE_ADDRESS", "127.0.0.1:7070"));
    v.put("--latency-model", env.getOrDefault("QONNECT_LATENCY_MODEL", ""));
    v.put("--fault-dir", env.getOrDefault("QONNECT_FAULT_DIR", ""));
    v.put("--namespace-prefix", env.getOrDefault("QONNECT_NAMESPACE_PREFIX", Namespaces.DEFAULT_PREFIX));
    v.put("--reserved-namespaces", env.getOrDefault("QONNECT_RESERVED_NAMESPACES", ""));
    v.put("--pod-security", env.getOrDefault("QONNECT_POD_SECURITY", Namespaces.DEFAULT_POD_SECURITY));
    for (String flag : List.of(TransportFlags.CA, TransportFlags.CERT, TransportFlags.KEY, TransportFlags.INSECURE)) {
      v.put(flag, TransportFlags.fromEnv(flag, env));
    }
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals(TransportFlags.INSECURE)) v.put(args[i], "true"); // a switch, without a value
      else if (!v.containsKey(args[i])) problems.add("unknown argument '" + args[i] + "' (expected one of " + String.join(", ", v.keySet()) + ")");
      else if (i + 1 >= args.length) problems.add(args[i] + ": needs a value");
      else v.put(args[i], args[++i]);
    }
    String cluster = v.get("--cluster");
    if (!DnsLabel.isValid(cluster)) problems.add(DnsLabel.problem("--cluster", cluster));
    List<String> leads = List.of(v.get("--lead-agents").split(",")).stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
    if (leads.isEmpty()) problems.add("--lead-agents: at least one HOST:PORT");
    leads.stream().filter(a -> !a.matches("[^:]+:\\d{1,5}")).forEach(a -> problems.add("--lead-agents: '" + a + "' is not HOST:PORT"));
    if (!v.get("--knowledge-base").matches("[^:]+:\\d{1,5}")) problems.add("--knowledge-base: expected HOST:PORT, got '" + v.get("--knowledge-base") + "'");
    long heartbeat = positive(problems, "--heartbeat-ms", v.get("--heartbeat-ms"));
    long report = positive(problems, "--report-ms", v.get("--report-ms"));
    if (!v.get("--probe-address").matches("[^:]+:\\d{1,5}")) problems.add("--probe-address: expected HOST:PORT, got '" + v.get("--probe-address") + "'");
    if (!v.get("--namespace-prefix").matches("([a-z0-9][-a-z0-9]{0,30})?")) {
      problems.add("--namespace-prefix: '" + v.get("--namespace-prefix") + "' must be empty or start a DNS-1123 label (a-z, 0-9, '-'; at most 31 characters)");
    }
    Set<String> reserved = Set.of(v.get("--reserved-namespaces").split(",")).stream().map(String::strip).filter(n -> !n.isEmpty())
        .collect(java.util.stream.Collectors.toSet());
    if (!Namespaces.POD_SECURITY_LEVELS.contains(v.get("--pod-security"))) {
      problems.add("--pod-security: expected privileged, baseline or restricted, got '" + v.get("--pod-security") + "'");
    }
    Transport transport = TransportFlags.parse(v.get(TransportFlags.CA), v.get(TransportFlags.CERT), v.get(TransportFlags.KEY),
        v.get(TransportFlags.INSECURE), problems);
    if (transport instanceof Transport.MutualTls tls && !(tls.self() instanceof Identity.Agent agent && agent.cluster().equals(cluster))) {
      problems.add(TransportFlags.CERT + ": the certificate names " + tls.self().describe() + ", not the agent of member cluster " + cluster);
    }
    if (!problems.isEmpty()) throw new IllegalArgumentException(String.join("\n", problems));
    String context = v.get("--context").isEmpty() ? cluster : v.get("--context");
    return new ResourceAgentConfig(cluster, v.get("--kubeconfig"), context, leads, v.get("--knowledge-base"), heartbeat, report,
        v.get("--probe-address"), v.get("--latency-model"), v.get("--fault-dir"), new Namespaces(v.get("--namespace-prefix"), reserved,
        v.get("--pod-security")), transport);
  }

  private static long positive(List<String> problems, String key, String value) {
    try {
      long n = Long.parseLong(value);
      if (n > 0) return n;
    } catch (NumberFormatException e) {
      // reported below
    }
    problems.add(key + ": expected a positive number, got '" + value + "'");
    return 1;
  }
}

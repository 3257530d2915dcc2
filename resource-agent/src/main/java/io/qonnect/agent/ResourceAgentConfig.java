package io.qonnect.agent;

import io.qonnect.ops.Logs;
import io.qonnect.names.DnsLabel;
import io.qonnect.transport.Identity;
import io.qonnect.transport.Transport;
import io.qonnect.transport.ServerFlags;
import io.qonnect.transport.TransportFlags;
import io.qonnect.transport.TransportOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.ArrayList;
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
 *   --metrics-address H:P     QONNECT_METRICS_ADDRESS  /metrics, /livez, /readyz over plain HTTP; default 127.0.0.1:9466
 *   --log-format text|json    QONNECT_LOG_FORMAT       one line per event, for people (default) or as JSON (deploy/)
 *   --user-latency PATH       QONNECT_USER_LATENCY     declared round trips from user regions (see probe.UserLatency); default none
 *   --namespace-prefix P      QONNECT_NAMESPACE_PREFIX application namespaces are P + application name; default qonnect-
 *   --reserved-namespaces A,B QONNECT_RESERVED_NAMESPACES never used nor deleted, beside the system ones and qonnect-system
 *   --pod-security LEVEL      QONNECT_POD_SECURITY     the most permissive Pod Security level an application may ask for
 *                                                      here: restricted, baseline (default), privileged
 *   --ca, --cert, --key FILE | --insecure                the transport ({@link TransportFlags}); the certificate names this
 *                                                      agent's member cluster, and no other
 * </pre>
 */
public record ResourceAgentConfig(String cluster, String kubeconfig, String context, List<String> leadAgents, String knowledgeBase,
    long heartbeatMs, long reportMs, String probeAddress, String userLatency, Namespaces namespaces,
    java.net.InetSocketAddress metricsAddress, Transport transport, Logs.Format logFormat) {

  public int probePort() {
    return Integer.parseInt(probeAddress.substring(probeAddress.lastIndexOf(':') + 1));
  }

  @Command(name = "resource-agent")
  static final class Options {
    @Option(names = "--cluster", defaultValue = "${env:QONNECT_CLUSTER:-}") String cluster;
    @Option(names = "--kubeconfig", defaultValue = "${env:KUBECONFIG:-}") String kubeconfig;
    @Option(names = "--context", defaultValue = "${env:QONNECT_CONTEXT:-}") String context;
    @Option(names = "--lead-agents", defaultValue = "${env:QONNECT_LEAD_AGENTS:-}") String leadAgents;
    @Option(names = "--knowledge-base", defaultValue = "${env:QONNECT_KNOWLEDGE_BASE:-}") String knowledgeBase;
    @Option(names = "--heartbeat-ms", defaultValue = "${env:QONNECT_HEARTBEAT_MS:-500}") String heartbeatMs;
    @Option(names = "--report-ms", defaultValue = "${env:QONNECT_REPORT_MS:-2000}") String reportMs;
    @Option(names = "--probe-address", defaultValue = "${env:QONNECT_PROBE_ADDRESS:-127.0.0.1:7070}") String probeAddress;
    @Option(names = "--metrics-address", defaultValue = "${env:QONNECT_METRICS_ADDRESS:-127.0.0.1:9466}") String metricsAddress;
    @Option(names = "--log-format", defaultValue = "${env:QONNECT_LOG_FORMAT:-text}") String logFormat;
    @Option(names = "--user-latency", defaultValue = "${env:QONNECT_USER_LATENCY:-}") String userLatency;
    @Option(names = "--namespace-prefix", defaultValue = "${env:QONNECT_NAMESPACE_PREFIX:-" + Namespaces.DEFAULT_PREFIX + "}") String namespacePrefix;
    @Option(names = "--reserved-namespaces", defaultValue = "${env:QONNECT_RESERVED_NAMESPACES:-}") String reservedNamespaces;
    @Option(names = "--pod-security", defaultValue = "${env:QONNECT_POD_SECURITY:-baseline}") String podSecurity;
    @Mixin TransportOptions transport = new TransportOptions();
  }

  public static ResourceAgentConfig load(String[] args, Map<String, String> env) {
    Options o = new Options();
    List<String> problems = new ArrayList<>(ServerFlags.parse(o, args, env));
    String cluster = o.cluster;
    if (!DnsLabel.isValid(cluster)) problems.add(DnsLabel.problem("--cluster", cluster));
    List<String> leads = List.of(o.leadAgents.split(",")).stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
    if (leads.isEmpty()) problems.add("--lead-agents: at least one HOST:PORT");
    leads.stream().filter(a -> !a.matches("[^:]+:\\d{1,5}")).forEach(a -> problems.add("--lead-agents: '" + a + "' is not HOST:PORT"));
    ServerFlags.hostPort(problems, "--knowledge-base", o.knowledgeBase);
    long heartbeat = ServerFlags.positive(problems, "--heartbeat-ms", o.heartbeatMs);
    long report = ServerFlags.positive(problems, "--report-ms", o.reportMs);
    ServerFlags.hostPort(problems, "--probe-address", o.probeAddress);
    if (!o.namespacePrefix.matches("([a-z0-9][-a-z0-9]{0,30})?")) {
      problems.add("--namespace-prefix: '" + o.namespacePrefix + "' must be empty or start a DNS-1123 label (a-z, 0-9, '-'; at most 31 characters)");
    }
    Set<String> reserved = Set.of(o.reservedNamespaces.split(",")).stream().map(String::strip).filter(n -> !n.isEmpty())
        .collect(java.util.stream.Collectors.toSet());
    if (Namespaces.fromLabel(o.podSecurity).isEmpty()) {
      problems.add("--pod-security: expected privileged, baseline or restricted, got '" + o.podSecurity + "'");
    }
    var metrics = ServerFlags.listenAddress(problems, "--metrics-address", o.metricsAddress);
    Transport transport = o.transport.transport(problems);
    Logs.Format logFormat = Logs.Format.parse(problems, "--log-format", o.logFormat);
    if (transport instanceof Transport.MutualTls tls && !(tls.self() instanceof Identity.Agent agent && agent.cluster().equals(cluster))) {
      problems.add(TransportFlags.CERT + ": the certificate names " + tls.self().describe() + ", not the agent of member cluster " + cluster);
    }
    if (!problems.isEmpty()) throw new IllegalArgumentException(String.join("\n", problems));
    String context = o.context.isEmpty() ? cluster : o.context;
    return new ResourceAgentConfig(cluster, o.kubeconfig, context, leads, o.knowledgeBase, heartbeat, report,
        o.probeAddress, o.userLatency, new Namespaces(o.namespacePrefix, reserved,
        Namespaces.fromLabel(o.podSecurity).orElseThrow()), metrics, transport, logFormat);
  }
}

package io.qonnect.lead.config;

import io.qonnect.ops.Logs;
import io.qonnect.transport.Identity;
import io.qonnect.transport.Transport;
import io.qonnect.transport.ServerFlags;
import io.qonnect.transport.TransportFlags;
import io.qonnect.transport.TransportOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import io.qonnect.lead.health.HealthRules;
import io.qonnect.lead.placing.PlacementRound;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One lead agent's settings. Command line over environment over defaults:
 *
 * <pre>
 *   --id ID                     QONNECT_LEAD_ID            this lead agent's peer id (one of --peers)
 *   --peers ID=HOST:RAFT:API:GATEWAY,…  QONNECT_LEAD_PEERS  the group: 1, 3 or 5 lead agents, each with its Raft port,
 *                                                          client API port (users) and agent gateway port (agents)
 *   --data-dir DIR              QONNECT_LEAD_DATA_DIR      Raft log and snapshots
 *   --knowledge-base HOST:PORT  QONNECT_KNOWLEDGE_BASE     observations (empty: none, placement sees no clusters)
 *   --election-timeout MIN-MAX  QONNECT_ELECTION_TIMEOUT   ms, default 500-1000
 *   --snapshot-every N          QONNECT_SNAPSHOT_EVERY     log entries between snapshots, default 10000
 *   --placement-interval MS     QONNECT_PLACEMENT_INTERVAL controller period on the leader, default 200
 *   --hysteresis FRACTION       QONNECT_HYSTERESIS         gain a migration must promise, default 0.10 (10 % of the objective)
 *   --migration-hold MS         QONNECT_MIGRATION_HOLD     how long that gain must last first, default 10000
 *   --migration-ready-bound MS  QONNECT_MIGRATION_READY_BOUND  a migration not Ready after this long is reported stalled, default 120000
 *   --max-migrations N          QONNECT_MAX_MIGRATIONS     migrations in flight at once, default 2 (one per application)
 *   --fail-after MS             QONNECT_FAIL_AFTER         accumulated unhealthy time before a cluster is Failed, default 1500
 *   --lease MS                  QONNECT_LEASE              singleton lease duration, default 3000
 *   --metrics-address HOST:PORT QONNECT_METRICS_ADDRESS    /metrics, /livez, /readyz over plain HTTP, default 127.0.0.1:9464
 *   --log-format text|json      QONNECT_LOG_FORMAT         one line per event, for people (default) or as JSON (deploy/)
 *   --rejoin-empty true|false   QONNECT_LEAD_REJOIN_EMPTY  start with a lost (empty) Raft directory as a new empty member,
 *                                                          after removing this peer from the group; default false (refuse)
 *   --raft-properties K=V,…     QONNECT_RAFT_PROPERTIES    Ratis's own log and write settings (raft.server.log.*,
 *                                                          raft.server.write.*) over qonnect's, for tuning by measurement
 *                                                          (docs/benchmarks.md); default none
 *   --ca, --cert, --key FILE | --insecure                  the transport ({@link TransportFlags}); Raft, the client API and
 *                                                          the gateway all use it; the Raft port admits lead agents only
 * </pre>
 *
 * The election timeout is longer than Ratis's 150-300 ms default on purpose: with Ratis 3.3 on a 2-core
 * machine the default gave erratic failovers (0.5-6 s) while 500-1000 ms gave the next committed write
 * 0.9-1.4 s after a leader kill.
 */
public record LeadAgentConfig(String id, List<Peer> peers, Path dataDir, String knowledgeBase, int electionMinMs, int electionMaxMs,
    long snapshotEvery, int placementIntervalMs, PlacementRound.Policy migration, HealthRules.Config health, long leaseMillis,
    boolean rejoinEmpty, java.net.InetSocketAddress metricsAddress, Transport transport, Logs.Format logFormat, Map<String, String> raftProperties) {

  public record Peer(String id, String host, int raftPort, int apiPort, int gatewayPort) {
    public String raftAddress() {
      return host + ":" + raftPort;
    }

    public String apiAddress() {
      return host + ":" + apiPort;
    }

    public String gatewayAddress() {
      return host + ":" + gatewayPort;
    }
  }

  private static final Pattern PEER = Pattern.compile("([a-z0-9][-a-z0-9]{0,30})=([^:=,]+):(\\d{1,5}):(\\d{1,5}):(\\d{1,5})");

  public Peer self() {
    return peer(id).orElseThrow();
  }

  public Optional<Peer> peer(String peerId) {
    return peers.stream().filter(p -> p.id().equals(peerId)).findFirst();
  }

  @Command(name = "lead-agent")
  static final class Options {
    @Option(names = "--id", defaultValue = "${env:QONNECT_LEAD_ID:-}") String id;
    @Option(names = "--peers", defaultValue = "${env:QONNECT_LEAD_PEERS:-}") String peers;
    @Option(names = "--data-dir", defaultValue = "${env:QONNECT_LEAD_DATA_DIR:-}") String dataDir;
    @Option(names = "--knowledge-base", defaultValue = "${env:QONNECT_KNOWLEDGE_BASE:-}") String knowledgeBase;
    @Option(names = "--election-timeout", defaultValue = "${env:QONNECT_ELECTION_TIMEOUT:-500-1000}") String electionTimeout;
    @Option(names = "--snapshot-every", defaultValue = "${env:QONNECT_SNAPSHOT_EVERY:-10000}") String snapshotEvery;
    @Option(names = "--placement-interval", defaultValue = "${env:QONNECT_PLACEMENT_INTERVAL:-200}") String placementInterval;
    @Option(names = "--hysteresis", defaultValue = "${env:QONNECT_HYSTERESIS:-0.10}") String hysteresis;
    @Option(names = "--migration-hold", defaultValue = "${env:QONNECT_MIGRATION_HOLD:-10000}") String migrationHold;
    @Option(names = "--migration-ready-bound", defaultValue = "${env:QONNECT_MIGRATION_READY_BOUND:-120000}") String migrationReadyBound;
    @Option(names = "--max-migrations", defaultValue = "${env:QONNECT_MAX_MIGRATIONS:-2}") String maxMigrations;
    @Option(names = "--fail-after", defaultValue = "${env:QONNECT_FAIL_AFTER:-1500}") String failAfter;
    @Option(names = "--lease", defaultValue = "${env:QONNECT_LEASE:-3000}") String lease;
    @Option(names = "--metrics-address", defaultValue = "${env:QONNECT_METRICS_ADDRESS:-127.0.0.1:9464}") String metricsAddress;
    @Option(names = "--log-format", defaultValue = "${env:QONNECT_LOG_FORMAT:-text}") String logFormat;
    @Option(names = "--rejoin-empty", defaultValue = "${env:QONNECT_LEAD_REJOIN_EMPTY:-false}") String rejoinEmpty;
    @Option(names = "--raft-properties", defaultValue = "${env:QONNECT_RAFT_PROPERTIES:-}") String raftProperties;
    @Mixin TransportOptions transport = new TransportOptions();
  }

  /** Reads the settings; every problem at once, in one IllegalArgumentException. */
  public static LeadAgentConfig load(String[] args, Map<String, String> env) {
    Options o = new Options();
    List<String> problems = new ArrayList<>(ServerFlags.parse(o, args, env));
    List<Peer> peers = new ArrayList<>();
    for (String p : o.peers.split(",")) {
      if (p.isBlank()) continue;
      var m = PEER.matcher(p.trim());
      if (!m.matches()) {
        problems.add("--peers: '" + p + "' is not ID=HOST:RAFT_PORT:API_PORT:GATEWAY_PORT");
        continue;
      }
      int raft = Integer.parseInt(m.group(3));
      int api = Integer.parseInt(m.group(4));
      int gateway = Integer.parseInt(m.group(5));
      if (raft < 1 || raft > 65535 || api < 1 || api > 65535 || gateway < 1 || gateway > 65535) {
        problems.add("--peers: ports of " + m.group(1) + " must be 1-65535");
      }
      if (api == gateway) problems.add("--peers: " + m.group(1) + "'s client API and agent gateway need ports of their own");
      peers.add(new Peer(m.group(1), m.group(2), raft, api, gateway));
    }
    if (peers.size() != 1 && peers.size() != 3 && peers.size() != 5) problems.add("--peers: a group has 1, 3 or 5 lead agents, got " + peers.size());
    if (peers.stream().map(Peer::id).distinct().count() != peers.size()) problems.add("--peers: peer ids must be unique");
    String id = o.id;
    if (peers.stream().noneMatch(p -> p.id().equals(id))) problems.add("--id: '" + id + "' is not one of the --peers");
    if (o.dataDir.isEmpty()) problems.add("--data-dir: required");
    String kb = o.knowledgeBase;
    if (!kb.isEmpty()) ServerFlags.hostPort(problems, "--knowledge-base", kb);
    int min = 0;
    int max = 0;
    var range = Pattern.compile("(\\d{2,5})-(\\d{2,5})").matcher(o.electionTimeout);
    if (range.matches() && Integer.parseInt(range.group(1)) < Integer.parseInt(range.group(2))) {
      min = Integer.parseInt(range.group(1));
      max = Integer.parseInt(range.group(2));
    } else {
      problems.add("--election-timeout: expected MIN-MAX in ms with MIN < MAX, got '" + o.electionTimeout + "'");
    }
    long snapshotEvery = ServerFlags.positive(problems, "--snapshot-every", o.snapshotEvery);
    long interval = ServerFlags.positive(problems, "--placement-interval", o.placementInterval);
    double hysteresis = 0;
    try {
      hysteresis = Double.parseDouble(o.hysteresis);
      if (!(hysteresis >= 0 && hysteresis < 1)) problems.add("--hysteresis: expected a fraction in [0, 1), got '" + o.hysteresis + "'");
    } catch (NumberFormatException e) {
      problems.add("--hysteresis: expected a fraction in [0, 1), got '" + o.hysteresis + "'");
    }
    long hold = ServerFlags.positive(problems, "--migration-hold", o.migrationHold);
    long readyBound = ServerFlags.positive(problems, "--migration-ready-bound", o.migrationReadyBound);
    long maxMigrations = ServerFlags.positive(problems, "--max-migrations", o.maxMigrations);
    long failAfter = ServerFlags.positive(problems, "--fail-after", o.failAfter);
    long lease = ServerFlags.positive(problems, "--lease", o.lease);
    String rejoinEmpty = o.rejoinEmpty;
    if (!rejoinEmpty.equals("true") && !rejoinEmpty.equals("false")) problems.add("--rejoin-empty: expected true or false, got '" + rejoinEmpty + "'");
    var metrics = ServerFlags.listenAddress(problems, "--metrics-address", o.metricsAddress);
    Transport transport = o.transport.transport(problems);
    Logs.Format logFormat = Logs.Format.parse(problems, "--log-format", o.logFormat);
    Map<String, String> raftProperties = raftProperties(problems, o.raftProperties);
    if (transport instanceof Transport.MutualTls tls && !(tls.self() instanceof Identity.LeadAgent lead && lead.id().equals(id))) {
      problems.add(TransportFlags.CERT + ": the certificate names " + tls.self().describe() + ", not lead agent " + id);
    }
    if (!problems.isEmpty()) throw new IllegalArgumentException(String.join("\n", problems));
    HealthRules.Config health = new HealthRules.Config(HealthRules.Config.DEFAULT.silentAfterMillis(), failAfter,
        HealthRules.Config.DEFAULT.recoverAfterMillis());
    return new LeadAgentConfig(id, List.copyOf(peers), Path.of(o.dataDir), kb, min, max, snapshotEvery, (int) interval,
        new PlacementRound.Policy(hysteresis, hold, (int) maxMigrations, readyBound), health, lease, rejoinEmpty.equals("true"), metrics, transport,
        logFormat, raftProperties);
  }

  /** Ratis keys an operator may set: how the log is written and how much is in flight, nothing of what it guarantees. */
  private static final Pattern RAFT_KEY = Pattern.compile("raft\\.server\\.(log|write)\\.[a-z0-9.-]+");
  /** Under those prefixes, what would lose acknowledged writes on a crash. */
  private static final java.util.Set<String> UNSAFE_RAFT_KEYS = java.util.Set.of("raft.server.log.unsafe-flush.enabled", "raft.server.log.use.memory");
  private static final Pattern RAFT_VALUE = Pattern.compile("[A-Za-z0-9._-]{1,32}");

  /** {@code KEY=VALUE,…} into Ratis properties, each checked; a problem per bad pair. */
  static Map<String, String> raftProperties(List<String> problems, String text) {
    Map<String, String> out = new java.util.TreeMap<>();
    for (String pair : text.split(",")) {
      if (pair.isBlank()) continue;
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair.trim() : pair.substring(0, eq).trim();
      String value = eq < 0 ? "" : pair.substring(eq + 1).trim();
      if (!RAFT_KEY.matcher(key).matches()) {
        problems.add("--raft-properties: '" + key + "' is not a Ratis log or write setting (raft.server.log.* or raft.server.write.*)");
      } else if (UNSAFE_RAFT_KEYS.contains(key)) {
        problems.add("--raft-properties: " + key + " would lose acknowledged writes on a crash; it is not settable");
      } else if (!RAFT_VALUE.matcher(value).matches()) {
        problems.add("--raft-properties: " + key + " needs a value such as 8MB, 256 or true, got '" + value + "'");
      } else if (out.put(key, value) != null) {
        problems.add("--raft-properties: " + key + " is given twice");
      }
    }
    return java.util.Collections.unmodifiableMap(out);
  }
}

package io.qonnect.lead.config;

import io.qonnect.transport.Identity;
import io.qonnect.transport.Transport;
import io.qonnect.transport.TransportFlags;

import io.qonnect.lead.health.HealthRules;
import io.qonnect.lead.placing.PlacementRound;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
 *   --rejoin-empty true|false   QONNECT_LEAD_REJOIN_EMPTY  start with a lost (empty) Raft directory as a new empty member,
 *                                                          after removing this peer from the group; default false (refuse)
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
    boolean rejoinEmpty, Transport transport) {

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

  /** Reads the settings; every problem at once, in one IllegalArgumentException. */
  public static LeadAgentConfig load(String[] args, Map<String, String> env) {
    Map<String, String> v = new LinkedHashMap<>();
    v.put("--id", env.getOrDefault("QONNECT_LEAD_ID", ""));
    v.put("--peers", env.getOrDefault("QONNECT_LEAD_PEERS", ""));
    v.put("--data-dir", env.getOrDefault("QONNECT_LEAD_DATA_DIR", ""));
    v.put("--knowledge-base", env.getOrDefault("QONNECT_KNOWLEDGE_BASE", ""));
    v.put("--election-timeout", env.getOrDefault("QONNECT_ELECTION_TIMEOUT", "500-1000"));
    v.put("--snapshot-every", env.getOrDefault("QONNECT_SNAPSHOT_EVERY", "10000"));
    v.put("--placement-interval", env.getOrDefault("QONNECT_PLACEMENT_INTERVAL", "200"));
    v.put("--hysteresis", env.getOrDefault("QONNECT_HYSTERESIS", "0.10"));
    v.put("--migration-hold", env.getOrDefault("QONNECT_MIGRATION_HOLD", "10000"));
    v.put("--migration-ready-bound", env.getOrDefault("QONNECT_MIGRATION_READY_BOUND", "120000"));
    v.put("--max-migrations", env.getOrDefault("QONNECT_MAX_MIGRATIONS", "2"));
    v.put("--fail-after", env.getOrDefault("QONNECT_FAIL_AFTER", "1500"));
    v.put("--lease", env.getOrDefault("QONNECT_LEASE", "3000"));
    v.put("--rejoin-empty", env.getOrDefault("QONNECT_LEAD_REJOIN_EMPTY", "false"));
    for (String flag : List.of(TransportFlags.CA, TransportFlags.CERT, TransportFlags.KEY, TransportFlags.INSECURE)) {
      v.put(flag, TransportFlags.fromEnv(flag, env));
    }
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals(TransportFlags.INSECURE)) v.put(args[i], "true"); // a switch, without a value
      else if (!v.containsKey(args[i])) {
        problems.add("unknown argument '" + args[i] + "' (expected one of " + String.join(", ", v.keySet()) + ")");
        if (args[i].startsWith("--") && i + 1 < args.length && !args[i + 1].startsWith("--")) i++; // and its value
      } else if (i + 1 >= args.length) problems.add(args[i] + ": needs a value");
      else v.put(args[i], args[++i]);
    }
    List<Peer> peers = new ArrayList<>();
    for (String p : v.get("--peers").split(",")) {
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
    String id = v.get("--id");
    if (peers.stream().noneMatch(p -> p.id().equals(id))) problems.add("--id: '" + id + "' is not one of the --peers");
    if (v.get("--data-dir").isEmpty()) problems.add("--data-dir: required");
    String kb = v.get("--knowledge-base");
    if (!kb.isEmpty() && !kb.matches("[^:]+:\\d{1,5}")) problems.add("--knowledge-base: expected HOST:PORT, got '" + kb + "'");
    int min = 0;
    int max = 0;
    var range = Pattern.compile("(\\d{2,5})-(\\d{2,5})").matcher(v.get("--election-timeout"));
    if (range.matches() && Integer.parseInt(range.group(1)) < Integer.parseInt(range.group(2))) {
      min = Integer.parseInt(range.group(1));
      max = Integer.parseInt(range.group(2));
    } else {
      problems.add("--election-timeout: expected MIN-MAX in ms with MIN < MAX, got '" + v.get("--election-timeout") + "'");
    }
    long snapshotEvery = positive(problems, "--snapshot-every", v.get("--snapshot-every"));
    long interval = positive(problems, "--placement-interval", v.get("--placement-interval"));
    double hysteresis = 0;
    try {
      hysteresis = Double.parseDouble(v.get("--hysteresis"));
      if (!(hysteresis >= 0 && hysteresis < 1)) problems.add("--hysteresis: expected a fraction in [0, 1), got '" + v.get("--hysteresis") + "'");
    } catch (NumberFormatException e) {
      problems.add("--hysteresis: expected a fraction in [0, 1), got '" + v.get("--hysteresis") + "'");
    }
    long hold = positive(problems, "--migration-hold", v.get("--migration-hold"));
    long readyBound = positive(problems, "--migration-ready-bound", v.get("--migration-ready-bound"));
    long maxMigrations = positive(problems, "--max-migrations", v.get("--max-migrations"));
    long failAfter = positive(problems, "--fail-after", v.get("--fail-after"));
    long lease = positive(problems, "--lease", v.get("--lease"));
    String rejoinEmpty = v.get("--rejoin-empty");
    if (!rejoinEmpty.equals("true") && !rejoinEmpty.equals("false")) problems.add("--rejoin-empty: expected true or false, got '" + rejoinEmpty + "'");
    Transport transport = TransportFlags.parse(v.get(TransportFlags.CA), v.get(TransportFlags.CERT), v.get(TransportFlags.KEY),
        v.get(TransportFlags.INSECURE), problems);
    if (transport instanceof Transport.MutualTls tls && !(tls.self() instanceof Identity.LeadAgent lead && lead.id().equals(id))) {
      problems.add(TransportFlags.CERT + ": the certificate names " + tls.self().describe() + ", not lead agent " + id);
    }
    if (!problems.isEmpty()) throw new IllegalArgumentException(String.join("\n", problems));
    HealthRules.Config health = new HealthRules.Config(HealthRules.Config.DEFAULT.silentAfterMillis(), failAfter,
        HealthRules.Config.DEFAULT.recoverAfterMillis());
    return new LeadAgentConfig(id, List.copyOf(peers), Path.of(v.get("--data-dir")), kb, min, max, snapshotEvery, (int) interval,
        new PlacementRound.Policy(hysteresis, hold, (int) maxMigrations, readyBound), health, lease, rejoinEmpty.equals("true"), transport);
  }

  private static long positive(List<String> problems, String key, String value) {
    try {
      long n = Long.parseLong(value);
      if (n > 0 && n <= Integer.MAX_VALUE) return n;
    } catch (NumberFormatException e) {
      // reported below
    }
    problems.add(key + ": expected a positive number, got '" + value + "'");
    return 1;
  }
}

package io.qonnect.testbed.federation;

import io.qonnect.client.LeadAgentsClient;
import io.qonnect.proto.v1.LeaderRequest;
import io.qonnect.proto.v1.LeaderResponse;
import io.qonnect.placement.snapshot.ClusterId;
import io.qonnect.placement.snapshot.ClusterSnapshot;
import io.qonnect.placement.snapshot.InventoryParser;
import io.qonnect.placement.snapshot.LatencyMatrix;
import io.qonnect.placement.spec.Parsed;
import io.qonnect.transport.CertificateAuthority;
import io.qonnect.transport.Identity;
import io.qonnect.transport.Transport;
import io.qonnect.transport.TransportFlags;
import java.io.IOException;
import java.time.Duration;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A federation's control plane on this machine: the knowledge base and N lead agents as separate JVMs on
 * 127.0.0.1, each with its data directory and log file under one work directory. Ports are chosen once and
 * kept in {@code members.tsv}, so {@code down} + {@code up} restarts the same group on its old data.
 *
 * <p>Every process talks mutual TLS: the first {@code up} creates a CA in {@code WORK/pki} and a certificate for
 * each process and for an {@code admin} user (what the CLI uses against this federation). {@link #useInsecure}
 * before the first {@code up} runs everything in plaintext instead.
 *
 * <pre>
 *   WORK/members.tsv           role, name, api port, raft port, gateway port, kubeconfig (one line per process)
 *   WORK/pki/                  ca.crt, ca.key, and NAME.crt / NAME.key per process and user (qonnect certs)
 *   WORK/insecure              present: plaintext, no certificates
 *   WORK/agent-CLUSTER.kubeconfig  an agent's credentials in its member cluster: the resource-agent ServiceAccount's
 *                              token (deploy/'s least-privilege roles), never the testbed's admin
 *   WORK/NAME/                 the process's data (RocksDB, or Raft log and snapshots)
 *   WORK/NAME.pid, NAME.log    its pid and its log
 *   WORK/NAME.metrics          where it serves /metrics, /livez, /readyz (HOST:PORT, plain HTTP)
 *   WORK/user-latency.txt      resource agents: the inventory's round trips from user regions (there are no users to measure)
 *   WORK/wan/                  the wide-area links between member clusters and the control plane: routes.tsv (who
 *                              dials which port of whom), bound.tsv (the relay's port for each), inventory-links.tsv,
 *                              extra-rtt.tsv (drills), links.tsv (in force; {@link WanRelay})
 *   WORK/loopback-network      present: no wide-area links, everything talks over plain loopback
 * </pre>
 */
public final class LocalFederation {
  public static final String KNOWLEDGE_BASE = "knowledge-base";
  public static final String LEAD_AGENT = "lead-agent";
  public static final String RESOURCE_AGENT = "resource-agent";
  /** The testbed's wide-area network between member clusters and the control plane ({@link WanRelay}). */
  public static final String WAN_RELAY = "wan-relay";
  private static final String LOOPBACK_NETWORK = "loopback-network";
  private static final String HOST = "127.0.0.1";

  /**
   * The agent runs once per member cluster, so it is kept small: a small heap and the C1 compiler only (its
   * loops are I/O-bound; C2's compiler threads and code cache cost more memory than they save CPU).
   */
  static final List<String> AGENT_JVM_OPTIONS = List.of("-Xmx64m", "-Xss512k", "-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1",
      "-XX:ReservedCodeCacheSize=24m", "-XX:MaxMetaspaceSize=80m");

  /**
   * For tests' federations: short-lived processes, a dozen of them on two cores. Small heaps and the C1 compiler
   * only: a lead agent's start to serving takes 2.1 instead of 3.3 CPU seconds, and 2.7 instead of 4.5 over its
   * first seven (C2 compiles hot code that a minute-long test never runs long enough to repay).
   */
  public static final List<String> TEST_JVM_OPTIONS = List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1");

  private final Path workDir;
  private final String classpath;
  private final List<String> jvmOptions;
  private final FreePorts freePorts;
  /** One transport per identity: each re-reads its certificate files while it is used. */
  private final Map<Identity, Transport> transports = new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * One process of the federation. {@code raftPort} and {@code gatewayPort} are 0 except for lead agents; a resource agent's
   * {@code apiPort} is its probe port, and it keeps its member cluster's kubeconfig path in {@code kubeconfig}.
   */
  public record Member(String role, String name, int apiPort, int raftPort, int gatewayPort, String kubeconfig) {
    public String address() {
      return apiPort == 0 ? "-" : HOST + ":" + apiPort;
    }

    public String gatewayAddress() {
      return HOST + ":" + gatewayPort;
    }

    /** Who this process is in the federation's PKI. */
    public Identity identity() {
      return switch (role) {
        case KNOWLEDGE_BASE -> new Identity.KnowledgeBase(name);
        case LEAD_AGENT -> new Identity.LeadAgent(name);
        default -> new Identity.Agent(name.substring("agent-".length()));
      };
    }
  }

  /** The user the CLI and the testbed's tools act as against a local federation. */
  public static final Identity.User ADMIN = new Identity.User("admin", Identity.Role.ADMIN);
  private static final Duration VALIDITY = Duration.ofDays(365);

  public record MemberStatus(Member member, long pid, boolean alive, boolean leads) {}

  /**
   * @param classpath where the lead agent and knowledge base classes are (the running JVM's own classpath
   *     works both from the qonnect jar and from tests)
   */
  public LocalFederation(Path workDir, String classpath, List<String> jvmOptions) {
    this(workDir, classpath, jvmOptions, FreePorts.random(HOST));
  }

  LocalFederation(Path workDir, String classpath, List<String> jvmOptions, FreePorts freePorts) {
    this.workDir = workDir.toAbsolutePath();
    this.classpath = classpath;
    this.jvmOptions = List.copyOf(jvmOptions);
    this.freePorts = freePorts;
  }

  /**
   * A federation whose processes run this JVM's classes with the default JVM options (from the qonnect
   * launcher: its copy of the jar for this build, which no rebuild rewrites).
   */
  public static LocalFederation local(Path workDir) {
    return new LocalFederation(workDir, System.getProperty("java.class.path"), defaultJvmOptions());
  }

  /**
   * Heap and GC for the small server JVMs, plus what the launcher passes in {@code QONNECT_JAVA_OPTS}: a heap or a
   * collector named there replaces the default one (the JVM refuses two collectors).
   */
  public static List<String> defaultJvmOptions() {
    return jvmOptions(System.getenv("QONNECT_JAVA_OPTS"));
  }

  static List<String> jvmOptions(String extra) {
    List<String> given = extra == null || extra.isBlank() ? List.of() : List.of(extra.trim().split("\\s+"));
    List<String> jvm = new ArrayList<>();
    if (given.stream().noneMatch(o -> o.startsWith("-Xmx"))) jvm.add("-Xmx384m");
    if (given.stream().noneMatch(o -> o.matches("-XX:\\+Use\\w+GC"))) jvm.add("-XX:+UseSerialGC");
    jvm.addAll(given);
    return jvm;
  }

  public static Path defaultWorkDir() {
    String env = System.getenv("QONNECT_FEDERATION_DIR");
    return env != null && !env.isBlank() ? Path.of(env) : Path.of(System.getProperty("user.home"), ".qonnect", "federation");
  }

  public Path workDir() {
    return workDir;
  }

  /** The members recorded in the work directory (empty before the first {@code up}). */
  public List<Member> members() {
    Path layout = workDir.resolve("members.tsv");
    if (!Files.isRegularFile(layout)) return List.of();
    try (Stream<String> lines = Files.lines(layout)) {
      return lines.filter(l -> !l.isBlank() && !l.startsWith("#"))
          .map(l -> l.split("\t", -1))
          .map(f -> f.length >= 6 ? new Member(f[0], f[1], Integer.parseInt(f[2]), Integer.parseInt(f[3]), Integer.parseInt(f[4]), f[5])
              // written before lead agents had a gateway port: up() gives them one
              : new Member(f[0], f[1], Integer.parseInt(f[2]), Integer.parseInt(f[3]), 0, f.length > 4 ? f[4] : "")).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public List<String> leadAgentAddresses() {
    return members().stream().filter(m -> m.role().equals(LEAD_AGENT)).map(Member::address).toList();
  }

  /** The lead agents' agent gateway addresses: what resource agents connect to. */
  public List<String> gatewayAddresses() {
    return members().stream().filter(m -> m.role().equals(LEAD_AGENT)).map(Member::gatewayAddress).toList();
  }

  public Path pki() {
    return workDir.resolve("pki");
  }

  public boolean insecure() {
    return Files.exists(workDir.resolve("insecure"));
  }

  /** Plaintext for every process of this federation; only before its first {@code up}. */
  public void useInsecure() {
    if (!insecure() && Files.isDirectory(pki())) throw new IllegalArgumentException("this federation already runs with TLS; 'down --wipe' first");
    try {
      Files.createDirectories(workDir);
      Files.writeString(workDir.resolve("insecure"), "plaintext: no certificates, no authentication\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A client of this federation's lead agents, as its admin user. */
  public LeadAgentsClient client(long timeoutMs) {
    return new LeadAgentsClient(leadAgentAddresses(), timeoutMs, clientTransport());
  }

  /** How the CLI and the testbed's tools talk to this federation: as its admin user, or in plaintext. */
  public Transport clientTransport() {
    return transport(ADMIN);
  }

  /** A transport presenting {@code who}'s certificate from this federation's PKI (issued on first use; one per identity). */
  public Transport transport(Identity who) {
    if (insecure()) return Transport.insecure();
    return transports.computeIfAbsent(who, this::issue);
  }

  private Transport issue(Identity who) {
    Path cert = pki().resolve(CertificateAuthority.fileName(who) + ".crt");
    Path key = pki().resolve(CertificateAuthority.fileName(who) + ".key");
    if (!Files.isRegularFile(cert) || !Files.isRegularFile(key)) {
      CertificateAuthority.Issued issued = authority().issue(who, List.of(HOST, "localhost"), VALIDITY, pki());
      cert = issued.certificate();
      key = issued.key();
    }
    return Transport.mutualTls(pki().resolve(CertificateAuthority.CA_CERT), cert, key);
  }

  private synchronized CertificateAuthority authority() {
    return Files.isRegularFile(pki().resolve(CertificateAuthority.CA_KEY)) ? CertificateAuthority.load(pki())
        : CertificateAuthority.create(pki(), "qonnect local federation CA", Duration.ofDays(10 * 365));
  }

  public Optional<String> knowledgeBaseAddress() {
    return members().stream().filter(m -> m.role().equals(KNOWLEDGE_BASE)).map(Member::address).findFirst();
  }

  /**
   * Starts every member that is not running (choosing ports on the first call) and waits until the lead
   * agents have elected a leader. Idempotent.
   *
   * @param extraLeadAgentArgs more lead agent options, e.g. {@code --snapshot-every 200}
   */
  public void up(int leadAgents, List<String> extraLeadAgentArgs, Consumer<String> progress) {
    up(leadAgents, extraLeadAgentArgs, null, progress);
  }

  /**
   * As {@link #up(int, List, Consumer)}, on the wide-area network of a testbed.
   *
   * @param inventory the testbed's inventory: before anything starts, the control plane joins the wide-area links of
   *     its member clusters ({@link #wideAreaNetwork}); null: the network stays as it was (plain loopback for a new
   *     federation)
   */
  public void up(int leadAgents, List<String> extraLeadAgentArgs, Path inventory, Consumer<String> progress) {
    List<Member> members = members();
    if (members.isEmpty()) {
      members = plan(leadAgents);
      writeLayout(members);
    } else if (leadAgentAddresses().size() != leadAgents) {
      throw new IllegalArgumentException("this federation has " + leadAgentAddresses().size() + " lead agents; use 'down --wipe' to change the count");
    } else if (members.stream().anyMatch(m -> m.role().equals(LEAD_AGENT) && m.gatewayPort() == 0)) {
      members = withGatewayPorts(members);
      writeLayout(members);
    }
    // before anything starts: a connection opened before its redirect would stay on plain loopback for good
    wideAreaNetwork(inventory, progress);
    // the control plane first: a dozen JVMs starting at once on two cores can starve the election
    for (boolean agents : new boolean[] {false, true}) {
      for (Member m : members) {
        if (m.role().equals(RESOURCE_AGENT) != agents) continue;
        if (pid(m).isPresent()) {
          progress.accept(m.name() + ": already running (pid " + pid(m).get() + ")");
        } else {
          start(m, extraLeadAgentArgs);
          progress.accept(m.name() + ": started on " + m.address() + " (log " + log(m) + ")");
        }
      }
      if (!agents) {
        LeaderResponse leader = awaitLeader(120_000);
        awaitControlPlaneServesOrExited(members, 60_000);
        progress.accept("lead agents: " + leader.getLeaderId() + " leads (term " + leader.getTerm() + ")");
      }
    }
  }

  /**
   * Until every lead agent answers at its own address; throws as soon as a control-plane process has exited, naming it.
   * Two lead agents elect a leader without the third, and a lead agent joins the election before it opens its API port,
   * so neither the election nor a running process says that one could start. One that is only slow is not waited for
   * past {@code timeoutMs}.
   */
  private void awaitControlPlaneServesOrExited(List<Member> members, long timeoutMs) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    List<Member> waiting = new ArrayList<>(members.stream().filter(m -> m.role().equals(LEAD_AGENT)).toList());
    try (LeadAgentsClient client = client(2000)) {
      while (true) {
        List<String> exited = members.stream().filter(m -> !m.role().equals(RESOURCE_AGENT) && pid(m).isEmpty()).map(Member::name).toList();
        if (!exited.isEmpty()) {
          throw new IllegalStateException(String.join(", ", exited) + " exited while the federation started: " + processes(KNOWLEDGE_BASE, LEAD_AGENT));
        }
        waiting.removeIf(m -> {
          try {
            client.at(m.address()).leader(LeaderRequest.getDefaultInstance());
            return true;
          } catch (io.grpc.StatusRuntimeException e) {
            return false; // not serving yet
          }
        });
        if (waiting.isEmpty() || System.nanoTime() > deadline) return;
        Thread.sleep(100);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted");
    }
  }

  /** The inventory's user latencies in the agents' format ({@code io.qonnect.agent.probe.UserLatency}). */
  static List<String> userLatencyLines(ClusterSnapshot inventory, Path from) {
    LatencyMatrix m = inventory.latency();
    List<String> lines = new ArrayList<>(List.of("# round trips from users, from " + from.getFileName()));
    for (ClusterId c : inventory.clusters().stream().map(x -> x.id()).sorted().toList()) {
      for (String region : m.userRegions()) m.fromUsers(region, c).ifPresent(ms -> lines.add("user " + region + " " + c.value() + " " + ms));
    }
    return lines;
  }

  static ClusterSnapshot parseInventory(Path inventory) throws IOException {
    return switch (new InventoryParser().parse(Files.readString(inventory))) {
      case Parsed.Valid<ClusterSnapshot> v -> v.value();
      case Parsed.Invalid<ClusterSnapshot> i -> throw new IllegalArgumentException(inventory + ": " + i.violations().getFirst().message());
    };
  }

  /**
   * Adds a resource agent for each member cluster (contexts of {@code kubeconfig} named after them) and starts
   * those not running. Idempotent.
   *
   * @param inventory the testbed's inventory: its round trips between member clusters become the delays of the
   *     wide-area links the agents talk over ({@link #wideAreaNetwork}), and its round trips from users what the agents
   *     report for user regions (there are no users to measure); null: neither, plain loopback
   */
  public void upAgents(Path kubeconfig, Path inventory, List<String> clusters, Consumer<String> progress) {
    writeLayout(withAgents(kubeconfig, clusters));
    if (inventory != null) {
      try {
        Files.write(workDir.resolve("user-latency.txt"), userLatencyLines(parseInventory(inventory), inventory));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    wideAreaNetwork(inventory, progress);
    for (Member m : members()) {
      if (!m.role().equals(RESOURCE_AGENT) || pid(m).isPresent()) continue;
      start(m, List.of());
      progress.accept(m.name() + ": started (log " + log(m) + ")");
    }
  }

  /** Before agents start: they talk over plain loopback, with no wide-area delay between them ({@code --network loopback}). */
  public void useLoopbackNetwork() {
    try {
      Files.createDirectories(workDir);
      Files.writeString(workDir.resolve(LOOPBACK_NETWORK), "agents talk over plain loopback\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Puts the {@link WanRelay} on every connection between two ends — member clusters (their agents), the lead agents,
   * the knowledge base — delaying each direction by its link ({@link WanLinks#fromInventory}: the inventory's round
   * trips between member clusters, and the control plane in the data centre of one of them), so the agents' probes
   * measure the links and nothing adds a model to what they measure; or says why they talk over plain loopback. Each
   * process's connections to another's ports are redirected to the relay's port for that route
   * ({@link PacketFaults#redirect}), chosen by the relay; it takes on new routes (agents joining) without a restart.
   * Without {@code inventory}, the links written before are kept (none: plain loopback, nothing done).
   */
  private void wideAreaNetwork(Path inventory, Consumer<String> progress) {
    if (Files.exists(workDir.resolve(LOOPBACK_NETWORK))) {
      if (inventory != null) progress.accept("network: loopback (--network loopback): agents measure loopback round trips, no wide-area delay");
      return;
    }
    Path wan = workDir.resolve("wan");
    Path inventoryLinks = wan.resolve("inventory-links.tsv");
    if (inventory == null && !Files.isRegularFile(inventoryLinks)) return;
    PacketFaults.Result packets = packetFaults();
    if (packets.faults().isEmpty()) {
      if (inventory != null) progress.accept("network: loopback, no wide-area delay — this machine cannot redirect a process's connections: " + packets.unavailableBecause());
      return;
    }
    try {
      Files.createDirectories(wan);
      List<Member> members = new ArrayList<>(members());
      if (inventory != null) {
        List<String> controlPlane = members.stream().filter(m -> m.role().equals(LEAD_AGENT) || m.role().equals(KNOWLEDGE_BASE)).map(Member::name).toList();
        writeAtomically(inventoryLinks, WanLinks.fromInventory(parseInventory(inventory), controlPlane).lines());
      }
      writeLinks();
      if (members.stream().noneMatch(m -> m.role().equals(WAN_RELAY))) {
        members.add(new Member(WAN_RELAY, WAN_RELAY, 0, 0, 0, ""));
        writeLayout(members);
      }
      List<WanRelay.Route> wanted = wantedRoutes(members);
      Path routesFile = wan.resolve("routes.tsv");
      writeAtomically(routesFile, wanted.stream().map(WanRelay.Route::line).toList());
      Member relay = member(WAN_RELAY);
      if (pid(relay).isEmpty()) {
        Files.deleteIfExists(WanRelay.boundFile(routesFile));
        start(relay, List.of());
      }
      redirectThroughRelay(awaitRoutesBound(relay, routesFile, wanted));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (inventory != null) {
      long clusters = members().stream().filter(m -> m.role().equals(RESOURCE_AGENT)).count();
      progress.accept("network: wide-area links between " + (clusters == 0 ? "the control plane's processes and, once their agents start, the member clusters"
          : clusters + " member clusters and the control plane") + ", the inventory's round trips as delays"
          + " (" + wan.resolve("links.tsv") + "; 'drill latency NAME MS' adds to them)");
    }
  }

  /** Where an end of a link is: a member cluster for its agent, the process's own name for the control plane's. */
  private static String end(Member m) {
    return m.role().equals(RESOURCE_AGENT) ? m.name().substring("agent-".length()) : m.name();
  }

  /** The process at an end of a link ({@link #end}). */
  private String process(String end) {
    return members().stream().filter(m -> end(m).equals(end)).map(Member::name).findFirst().orElse(agentName(end));
  }

  /** Every connection one process opens to another, each a route of the relay: who dials which port of whom. */
  private static List<WanRelay.Route> wantedRoutes(List<Member> members) {
    List<WanRelay.Route> routes = new ArrayList<>();
    for (Member a : members) {
      for (Member b : members) {
        if (a.equals(b)) continue;
        List<Integer> ports = switch (a.role()) {
          case RESOURCE_AGENT -> switch (b.role()) {
            case RESOURCE_AGENT, KNOWLEDGE_BASE -> List.of(b.apiPort()); // peers' probe ports, reports
            case LEAD_AGENT -> List.of(b.gatewayPort());
            default -> List.of();
          };
          case LEAD_AGENT -> switch (b.role()) {
            case LEAD_AGENT -> List.of(b.raftPort(), b.apiPort()); // Raft, and the peers' feature gates
            case KNOWLEDGE_BASE -> List.of(b.apiPort());
            default -> List.of();
          };
          default -> List.of(); // the knowledge base and the relay dial no one of the federation
        };
        ports.forEach(port -> routes.add(new WanRelay.Route(end(a), end(b), 0, port)));
      }
    }
    return routes;
  }

  /** The relay's routes with their ports, once it listens for every route wanted; within 20 s. */
  private List<WanRelay.Route> awaitRoutesBound(Member relay, Path routesFile, List<WanRelay.Route> wanted) throws IOException {
    Path bound = WanRelay.boundFile(routesFile);
    java.util.Set<WanRelay.Route> expected = new java.util.HashSet<>(wanted);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) {
      if (Files.isRegularFile(bound)) {
        List<WanRelay.Route> routes = WanRelay.Route.parse(Files.readAllLines(bound));
        if (new java.util.HashSet<>(routes.stream().map(WanRelay.Route::wanted).toList()).equals(expected)) return routes;
      }
      if (pid(relay).isEmpty()) throw new IllegalStateException(relay.name() + " exited; see " + log(relay));
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(relay.name() + " did not listen for every route within 20 s; see " + log(relay)
            + " (a relay started by an older build: './qonnect federation down' and 'up' again)");
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }
  }

  /** The relay's routes with their ports, if the federation runs on wide-area links. */
  private Optional<List<WanRelay.Route>> relayRoutes() {
    Path file = WanRelay.boundFile(workDir.resolve("wan/routes.tsv"));
    if (Files.exists(workDir.resolve(LOOPBACK_NETWORK)) || !Files.isRegularFile(file)) return Optional.empty();
    try {
      return Optional.of(WanRelay.Route.parse(Files.readAllLines(file)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Each process's connections to another's port go to the relay's port for that route. Only connections opened
   * afterwards: no process may start before this (Raft's and the agents' channels are long-lived, and would stay on
   * loopback).
   */
  private void redirectThroughRelay(List<WanRelay.Route> routes) {
    WanLinks links;
    try {
      Path file = workDir.resolve("wan/links.tsv");
      links = Files.isRegularFile(file) ? WanLinks.parse(Files.readAllLines(file)) : new WanLinks(Map.of());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // each relay port carries one route's connections: what FROM sends crosses FROM → TO, the answers TO → FROM
    List<PacketFaults.Loss> losses = routes.stream().map(r -> new PacketFaults.Loss(r.listenPort(),
        links.link(r.from(), r.to()).map(WanLinks.Link::lossPercent).orElse(0.0),
        links.link(r.to(), r.from()).map(WanLinks.Link::lossPercent).orElse(0.0))).toList();
    packetFaults().faults().ifPresent(f -> f.redirect(routes.stream()
        .map(r -> new PacketFaults.Redirect(process(r.from()), r.targetPort(), r.listenPort())).toList(), losses));
  }

  /**
   * {@code to} and, on wide-area links, the relay's ports that stand for them to {@code process}: a cut must drop its
   * connections to either (nftables sees the relay's port once the redirect rewrote the packet).
   */
  private List<Integer> viaRelay(String process, List<Integer> to) {
    List<Integer> ports = new ArrayList<>(to);
    relayRoutes().ifPresent(routes -> routes.stream().filter(r -> process(r.from()).equals(process) && to.contains(r.targetPort()))
        .forEach(r -> ports.add(r.listenPort())));
    return ports;
  }

  /** Packets the wide-area links lost so far, per ordered pair of ends ("from to"; both directions of its connections). */
  public Map<String, Long> packetsLost() {
    Map<String, Long> out = new java.util.TreeMap<>();
    Optional<List<WanRelay.Route>> routes = relayRoutes();
    Optional<PacketFaults> faults = packetFaults().faults();
    if (routes.isEmpty() || faults.isEmpty()) return out;
    Map<Integer, Long> byPort = faults.get().lost();
    for (WanRelay.Route r : routes.get()) out.merge(r.from() + " " + r.to(), byPort.getOrDefault(r.listenPort(), 0L), Long::sum);
    return out;
  }

  /**
   * Drills: adds {@code rttMs} to every round trip of an end of the wide-area links — a member cluster, a lead agent, the
   * knowledge base — (0: back to the inventory's); the relay applies it to open connections at once. Returns the links
   * now in force.
   */
  public WanLinks addLatency(String end, double rttMs) {
    if (!(rttMs >= 0)) throw new IllegalArgumentException("the added round trip must be ≥ 0 ms, got " + rttMs);
    Path extras = workDir.resolve("wan/extra-rtt.tsv");
    if (!Files.isRegularFile(workDir.resolve("wan/inventory-links.tsv"))) {
      throw new IllegalStateException("this federation's agents talk over plain loopback: there are no wide-area links to slow down"
          + " (the federation must run on a testbed, with --network real, on a machine with cgroup v2 and nft)");
    }
    if (member(process(end)).role().equals(WAN_RELAY)) { // member(): names the known members if there is no such end
      throw new IllegalArgumentException(end + " is the wide-area network itself, not an end of its links");
    }
    try {
      Map<String, Double> extra = extraRtt(extras);
      if (rttMs == 0) extra.remove(end);
      else extra.put(end, rttMs);
      writeAtomically(extras, extra.entrySet().stream().map(e -> e.getKey() + "\t" + e.getValue()).toList());
      return writeLinks();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The wide-area links in force, if the agents talk over them. */
  public Optional<WanLinks> links() {
    Path file = workDir.resolve("wan/links.tsv");
    try {
      return Files.isRegularFile(file) && members().stream().anyMatch(m -> m.role().equals(WAN_RELAY)) ? Optional.of(WanLinks.parse(Files.readAllLines(file))) : Optional.empty();
    } catch (IOException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /**
   * The round trips between member clusters as the agents measured them and the knowledge base has them: from → to →
   * ms (empty when it does not answer).
   */
  public Map<String, Map<String, Double>> measuredRtt() {
    Map<String, Map<String, Double>> out = new java.util.TreeMap<>();
    Optional<String> kb = knowledgeBaseAddress();
    if (kb.isEmpty()) return out;
    io.grpc.ManagedChannel channel = clientTransport().channel(kb.get(), Identity.KnowledgeBase.class);
    try {
      for (var report : LeadAgentsClient.knowledgeBase(channel).withDeadlineAfter(2, TimeUnit.SECONDS)
          .snapshot(io.qonnect.proto.v1.SnapshotRequest.getDefaultInstance()).getLatencyList()) {
        report.getSamplesList().stream().filter(x -> !x.getTo().startsWith("user:"))
            .forEach(x -> out.computeIfAbsent(report.getFromCluster(), k -> new java.util.TreeMap<>()).put(x.getTo(), x.getRttMs()));
      }
    } catch (RuntimeException e) {
      // not answering: nothing measured to show
    } finally {
      channel.shutdownNow();
    }
    return out;
  }

  /** WORK/wan/links.tsv, what the relay applies: the inventory's links plus the drills' extra round trips. */
  private WanLinks writeLinks() throws IOException {
    Path wan = workDir.resolve("wan");
    WanLinks links = WanLinks.parse(Files.readAllLines(wan.resolve("inventory-links.tsv"))).withExtraRtt(extraRtt(wan.resolve("extra-rtt.tsv")));
    writeAtomically(wan.resolve("links.tsv"), links.lines());
    return links;
  }

  private static Map<String, Double> extraRtt(Path file) throws IOException {
    Map<String, Double> extra = new java.util.TreeMap<>();
    if (!Files.isRegularFile(file)) return extra;
    for (String line : Files.readAllLines(file)) {
      String[] f = line.split("\t");
      if (f.length == 2) extra.put(f[0], Double.parseDouble(f[1]));
    }
    return extra;
  }

  /** Readers (the relay polls its files) never see half a file. */
  private static void writeAtomically(Path file, List<String> lines) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.write(tmp, lines);
    Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  /**
   * The lead agents bind a member cluster's name to the real cluster that first registered it (its kube-system UID), and
   * refuse another one under that name. A testbed created anew has new clusters under the old names: say so here, with
   * what to do, instead of starting an agent the lead agents will refuse. WORK/cluster-uids.tsv keeps what was seen.
   */
  private void sameClusterAsRegistered(String cluster, String uid) {
    Path file = workDir.resolve("cluster-uids.tsv");
    try {
      Map<String, String> seen = new java.util.TreeMap<>();
      if (Files.isRegularFile(file)) {
        for (String line : Files.readAllLines(file)) {
          String[] f = line.split("\t");
          if (f.length == 2) seen.put(f[0], f[1]);
        }
      }
      String before = seen.putIfAbsent(cluster, uid);
      if (before != null && !before.equals(uid)) {
        throw new IllegalArgumentException("member cluster " + cluster + " is not the cluster this federation registered under that name"
            + " (kube-system UID " + uid + ", registered " + before + "; the testbed was created anew?): its lead agents will refuse"
            + " this one. Start a fresh federation: './qonnect federation down --wipe' and 'federation up'");
      }
      if (before == null) Files.write(file, seen.entrySet().stream().map(e -> e.getKey() + "\t" + e.getValue()).toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The agent's own kubeconfig: its ServiceAccount's token, under deploy/'s least-privilege roles ({@link AgentAccess}). */
  Path agentKubeconfig(Member m) {
    return workDir.resolve(m.name() + ".kubeconfig");
  }

  public static String agentName(String cluster) {
    return "agent-" + cluster;
  }

  /**
   * Drills: cuts a resource agent off from the lead agents — its packets to their agent gateways and theirs back are
   * dropped ({@link PacketFaults}); it keeps running and reaching its member cluster — or heals the cut.
   */
  public void partition(String cluster, boolean cut) {
    partition(cluster, PacketFaults.Direction.BOTH, cut);
  }

  /** As {@link #partition(String, boolean)}, one way only: {@code OUT} the lead agents no longer hear the agent, {@code IN} it no longer hears them. */
  public void partition(String cluster, PacketFaults.Direction direction, boolean cut) {
    Member m = member(agentName(cluster));
    packetFaultsOrExplain().cut(m.name(), viaRelay(m.name(), members().stream().filter(x -> x.role().equals(LEAD_AGENT)).map(Member::gatewayPort).toList()),
        List.of(), direction, cut);
  }

  /**
   * Drills: cuts a member cluster off from everyone — its agent's packets to the lead agents, the knowledge base and the
   * other agents (directly, or through the wide-area relay), and everyone's to its agent — while the agent still reaches
   * its own member cluster; or heals the cut. Unlike {@link #partition}, no peer reaches it either: the leader cannot
   * tell it from a cluster that is gone.
   */
  public void isolateCluster(String cluster, boolean cut) {
    Member m = member(agentName(cluster));
    List<Integer> to = new ArrayList<>();
    for (Member x : members()) {
      if (x.role().equals(LEAD_AGENT)) to.add(x.gatewayPort());
      if (x.role().equals(KNOWLEDGE_BASE)) to.add(x.apiPort());
      if (x.role().equals(RESOURCE_AGENT) && !x.equals(m)) to.add(x.apiPort());
    }
    packetFaultsOrExplain().cut(m.name(), viaRelay(m.name(), to), List.of(m.apiPort()), cut);
  }

  /**
   * Drills: cuts a lead agent off from the other lead agents — Raft, both ways (its packets to their Raft ports, and
   * everyone's to its own) — while users and agents still reach it; or heals the cut. Alone it is a minority.
   */
  public void isolateLeadAgent(String name, boolean cut) {
    Member m = member(name);
    if (!m.role().equals(LEAD_AGENT)) throw new IllegalArgumentException(name + " is not a lead agent");
    List<Integer> others = members().stream().filter(x -> x.role().equals(LEAD_AGENT) && !x.name().equals(name)).map(Member::raftPort).toList();
    packetFaultsOrExplain().cut(m.name(), viaRelay(m.name(), others), List.of(m.raftPort()), cut);
  }

  private PacketFaults packetFaultsOrExplain() {
    PacketFaults.Result packets = packetFaults();
    return packets.faults().orElseThrow(() -> new IllegalStateException("a partition drops packets, and this machine cannot: "
        + packets.unavailableBecause()));
  }

  private PacketFaults.Result packetFaults;

  /** Whether this machine can drop a process's packets (computed once: it runs nft). */
  private synchronized PacketFaults.Result packetFaults() {
    if (packetFaults == null) packetFaults = PacketFaults.forFederation(workDir);
    return packetFaults;
  }

  /** A new federation's layout: the knowledge base and the lead agents, each port its own. */
  List<Member> plan(int leadAgents) {
    List<Member> members = new ArrayList<>();
    members.add(new Member(KNOWLEDGE_BASE, KNOWLEDGE_BASE, freePort(members), 0, 0, ""));
    for (int i = 1; i <= leadAgents; i++) {
      int api = freePort(members);
      int raft = freePort(members, api);
      members.add(new Member(LEAD_AGENT, "lead-" + i, api, raft, freePort(members, api, raft), ""));
    }
    return members;
  }

  /** A layout written before lead agents had a gateway port, with one for each. */
  List<Member> withGatewayPorts(List<Member> layout) {
    List<Member> upgraded = new ArrayList<>(layout); // one at a time: each new port held before the next is chosen
    for (int i = 0; i < upgraded.size(); i++) {
      Member m = upgraded.get(i);
      if (m.role().equals(LEAD_AGENT) && m.gatewayPort() == 0) {
        upgraded.set(i, new Member(m.role(), m.name(), m.apiPort(), m.raftPort(), freePort(upgraded), m.kubeconfig()));
      }
    }
    return upgraded;
  }

  /** The layout with a resource agent for each of {@code clusters} that has none, each on a probe port of its own. */
  List<Member> withAgents(Path kubeconfig, List<String> clusters) {
    List<Member> members = new ArrayList<>(members());
    for (String cluster : clusters) {
      if (members.stream().noneMatch(m -> m.name().equals(agentName(cluster)))) {
        members.add(new Member(RESOURCE_AGENT, agentName(cluster), freePort(members), 0, 0, kubeconfig.toAbsolutePath().toString()));
      }
    }
    return members;
  }

  /**
   * A port free now that none of {@code layout}'s members nor any metrics endpoint of this federation holds, nor
   * {@code alsoHeld}: a member that is not running does not listen on its ports, so being free is not enough.
   */
  private int freePort(List<Member> layout, int... alsoHeld) {
    Set<Integer> held = new HashSet<>();
    for (Member m : layout) {
      held.addAll(List.of(m.apiPort(), m.raftPort(), m.gatewayPort()));
      metricsAddress(m).ifPresent(address -> held.add(Integer.parseInt(address.substring(address.lastIndexOf(':') + 1))));
    }
    for (int port : alsoHeld) held.add(port);
    held.remove(0);
    return freePorts.take(held);
  }

  void writeLayout(List<Member> members) {
    StringBuilder b = new StringBuilder("# role\tname\tapi port\traft port\tgateway port\tkubeconfig\n");
    members.forEach(m -> b.append(m.role()).append('\t').append(m.name()).append('\t').append(m.apiPort()).append('\t').append(m.raftPort())
        .append('\t').append(m.gatewayPort()).append('\t').append(m.kubeconfig()).append('\n'));
    try {
      Files.createDirectories(workDir);
      Files.writeString(workDir.resolve("members.tsv"), b);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Starts one member's process (it must not be running). An agent first gets a token minted now for its ServiceAccount
   * ({@link AgentAccess}): the one it had may be from an earlier cluster of the same name, which 'testbed up' replaced.
   */
  public void start(Member m, List<String> extraLeadAgentArgs) {
    if (m.role().equals(RESOURCE_AGENT)) {
      String cluster = m.name().substring("agent-".length());
      sameClusterAsRegistered(cluster, AgentAccess.provision(Path.of(m.kubeconfig()), cluster, agentKubeconfig(m)).clusterUid());
    }
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add(marker(m)); // first, because /proc/PID/cmdline as Java reads it is cut after a page or so
    cmd.addAll(jvmOptions);
    if (m.role().equals(RESOURCE_AGENT)) cmd.addAll(AGENT_JVM_OPTIONS); // later options win
    cmd.addAll(sharedClasses(m));
    // logs: text at INFO (io.qonnect.ops.Logs); QONNECT_LOG_FORMAT=json in the environment makes them JSON lines
    cmd.add("-cp");
    cmd.add(classpath);
    if (m.role().equals(WAN_RELAY)) {
      cmd.addAll(List.of(WanRelay.class.getName(), workDir.resolve("wan/routes.tsv").toString(), workDir.resolve("wan/links.tsv").toString()));
    } else if (m.role().equals(KNOWLEDGE_BASE)) {
      cmd.addAll(List.of("io.qonnect.kb.KnowledgeBaseMain", "--listen", m.address(), "--data-dir", workDir.resolve(m.name()).toString()));
      cmd.addAll(TransportFlags.args(transport(m.identity())));
    } else if (m.role().equals(RESOURCE_AGENT)) {
      String cluster = m.name().substring("agent-".length());
      cmd.addAll(List.of("io.qonnect.agent.ResourceAgentMain", "--cluster", cluster, "--kubeconfig", agentKubeconfig(m).toString(), "--context", cluster,
          "--lead-agents", String.join(",", gatewayAddresses()), "--knowledge-base", knowledgeBaseAddress().orElseThrow(),
          "--probe-address", m.address()));
      Path users = workDir.resolve("user-latency.txt");
      if (Files.isRegularFile(users)) cmd.addAll(List.of("--user-latency", users.toString()));
      cmd.addAll(TransportFlags.args(transport(m.identity())));
    } else {
      String peers = String.join(",", members().stream().filter(p -> p.role().equals(LEAD_AGENT))
          .map(p -> p.name() + "=" + HOST + ":" + p.raftPort() + ":" + p.apiPort() + ":" + p.gatewayPort()).toList());
      cmd.addAll(List.of("io.qonnect.lead.LeadAgentMain", "--id", m.name(), "--peers", peers, "--data-dir", workDir.resolve(m.name()).toString()));
      knowledgeBaseAddress().ifPresent(kb -> cmd.addAll(List.of("--knowledge-base", kb)));
      cmd.addAll(TransportFlags.args(transport(m.identity())));
      cmd.addAll(extraLeadAgentArgs);
    }
    if (!m.role().equals(WAN_RELAY)) cmd.addAll(List.of("--metrics-address", newMetricsAddress(m)));
    try {
      Files.createDirectories(workDir);
      List<String> launch = packetFaults().faults().map(f -> f.inCgroup(m.name(), cmd)).orElse(cmd); // so a drill can cut it
      Process p = new ProcessBuilder(launch).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log(m).toFile())).start();
      Files.writeString(workDir.resolve(m.name() + ".pid"), Long.toString(p.pid()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + m.name(), e);
    }
  }

  /**
   * Class data sharing, with {@code QONNECT_CDS=1}: a JVM maps the classes an earlier run of its role loaded
   * instead of loading them again (an agent's start drops from about 5.5 to 3.6 CPU seconds, which matters
   * when a dozen JVMs share two cores). The role's first member writes the archive when it exits; the others
   * use it once it is there. Off by default: one archive-writing agent on JDK 25.0.3 died of a SIGSEGV in
   * the JVM's lambda-proxy lookup. Only for one jar on the class path: CDS does not archive classes from
   * directories (tests run from those).
   */
  private List<String> sharedClasses(Member m) {
    if (!"1".equals(System.getenv("QONNECT_CDS"))) return List.of();
    if (!classpath.endsWith(".jar") || classpath.contains(java.io.File.pathSeparator)) return List.of();
    Path archive = Path.of(classpath.substring(0, classpath.length() - ".jar".length()) + "-" + m.role() + ".jsa");
    boolean writer = members().stream().filter(o -> o.role().equals(m.role())).findFirst().map(m::equals).orElse(false);
    String quiet = "-Xlog:cds=off,cds+dynamic=off"; // a line per class it cannot archive (proxies, JFR events)
    if (writer) return List.of("-XX:+AutoCreateSharedArchive", "-XX:SharedArchiveFile=" + archive, quiet);
    return Files.isRegularFile(archive) ? List.of("-XX:SharedArchiveFile=" + archive, quiet) : List.of();
  }

  private String marker(Member m) {
    return "-Dqonnect.member=" + workDir.resolve(m.name());
  }

  /** A new metrics endpoint for a start of {@code m}, recorded for {@link #metricsAddress}: the old one may be taken by now. */
  String newMetricsAddress(Member m) {
    String metrics = HOST + ":" + freePort(members());
    try {
      Files.createDirectories(workDir);
      Files.writeString(workDir.resolve(m.name() + ".metrics"), metrics);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return metrics;
  }

  /** Where the member's process serves /metrics, /livez and /readyz (plain HTTP), if it was started with one. */
  public Optional<String> metricsAddress(Member m) {
    try {
      Path file = workDir.resolve(m.name() + ".metrics");
      return Files.isRegularFile(file) ? Optional.of(Files.readString(file).strip()) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  public Path log(Member m) {
    return workDir.resolve(m.name() + ".log");
  }

  public Member member(String name) {
    return members().stream().filter(m -> m.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no federation member named '" + name + "' (members: "
            + members().stream().map(Member::name).toList() + ")"));
  }

  /** CPU time (user + system, ms) used so far by each member that runs, by name: what benchmarks difference over a window. */
  public java.util.SortedMap<String, Long> cpuMillis() {
    java.util.SortedMap<String, Long> out = new java.util.TreeMap<>();
    for (Member m : members()) pid(m).ifPresent(pid -> out.put(m.name(), io.qonnect.testbed.cluster.ProcessStats.cpuMillis(pid)));
    return out;
  }

  /** The pid of the member's process if it is running (and really is that member, not a reused pid). */
  public Optional<Long> pid(Member m) {
    Path file = workDir.resolve(m.name() + ".pid");
    if (!Files.isRegularFile(file)) return Optional.empty();
    try {
      long pid = Long.parseLong(Files.readString(file).trim());
      return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
          .filter(h -> h.info().commandLine().map(c -> c.contains(marker(m))).orElse(true))
          .map(ProcessHandle::pid);
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** kill -9 of one member; returns once the process is gone. */
  public void kill(String name) {
    Member m = member(name);
    pid(m).flatMap(ProcessHandle::of).ifPresent(h -> {
      h.destroyForcibly();
      h.onExit().orTimeout(10, TimeUnit.SECONDS).join();
    });
  }

  /**
   * Freezes ({@code SIGSTOP}) or thaws ({@code SIGCONT}) a member's process: a lead agent or an agent that stops answering
   * without closing a connection, as a long GC pause or an overloaded VM does.
   */
  public void freeze(String name, boolean frozen) {
    long pid = pid(member(name)).orElseThrow(() -> new IllegalArgumentException(name + " is not running"));
    try {
      Process kill = new ProcessBuilder("kill", frozen ? "-STOP" : "-CONT", Long.toString(pid)).redirectErrorStream(true).start();
      if (kill.waitFor() != 0) throw new IllegalStateException("kill " + (frozen ? "-STOP " : "-CONT ") + pid + ": " + new String(kill.getInputStream().readAllBytes()).strip());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /**
   * Stops every process, all at once (each shuts down on its own; one by one took a minute), killing what
   * has not exited after 20 s; with {@code wipe} also deletes the work directory (all data).
   */
  public void down(boolean wipe, Consumer<String> progress) {
    Map<Member, ProcessHandle> running = new LinkedHashMap<>();
    for (Member m : members()) pid(m).flatMap(ProcessHandle::of).ifPresent(h -> running.put(m, h));
    running.values().forEach(ProcessHandle::destroy);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    running.forEach((m, h) -> {
      try {
        h.onExit().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        progress.accept(m.name() + ": stopped (pid " + h.pid() + ")");
      } catch (Exception e) {
        h.destroyForcibly();
        progress.accept(m.name() + ": killed (pid " + h.pid() + ", still running after 20 s)");
      }
    });
    packetFaults().faults().ifPresent(PacketFaults::clear); // a drill's cut does not outlive the processes
    if (wipe) { // the PKI goes with the data: its files are no longer watched
      transports.values().forEach(Transport::stopReloading);
      transports.clear();
    }
    if (wipe && Files.isDirectory(workDir)) {
      try (Stream<Path> walk = Files.walk(workDir)) {
        walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      progress.accept("removed " + workDir);
    }
  }

  public List<MemberStatus> status() {
    String leader = "";
    List<String> leads = leadAgentAddresses();
    if (!leads.isEmpty() && members().stream().anyMatch(m -> m.role().equals(LEAD_AGENT) && pid(m).isPresent())) {
      try (LeadAgentsClient client = client(2000)) {
        leader = client.call(s -> s.leader(LeaderRequest.getDefaultInstance())).getLeaderId();
      } catch (RuntimeException e) {
        leader = "";
      }
    }
    List<MemberStatus> out = new ArrayList<>();
    for (Member m : members()) {
      Optional<Long> pid = pid(m);
      out.add(new MemberStatus(m, pid.orElse(0L), pid.isPresent(), m.name().equals(leader)));
    }
    return out;
  }

  /** Waits until some lead agent reports a leader; returns its answer. */
  public LeaderResponse awaitLeader(long timeoutMs) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    try (LeadAgentsClient client = client(2000)) {
      while (true) {
        try {
          LeaderResponse r = client.call(s -> s.leader(LeaderRequest.getDefaultInstance()));
          if (!r.getLeaderId().isEmpty()) return r;
        } catch (RuntimeException e) {
          // not up yet
        }
        if (System.nanoTime() > deadline) throw new IllegalStateException("no lead agent elected a leader within " + timeoutMs + " ms; see the logs in " + workDir);
        Thread.sleep(100);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted");
    }
  }

  /**
   * Waits until every lead agent serves, knows the leader and has applied what the leader had applied when all first
   * answered: a restarted one has caught up, so a next fault starts from a full group.
   */
  public void awaitCaughtUp(long timeoutMs) {
    long[] target = {-1};
    awaitLeadAgents(timeoutMs, "did not all catch up", answers -> {
      if (answers.stream().anyMatch(r -> r.getLeaderId().isEmpty())) return false;
      String leader = answers.getFirst().getLeaderId();
      if (target[0] < 0) target[0] = answers.stream().filter(r -> r.getThisId().equals(leader)).mapToLong(LeaderResponse::getAppliedIndex).findFirst().orElse(-1);
      return target[0] >= 0 && answers.stream().allMatch(r -> r.getAppliedIndex() >= target[0]);
    });
  }

  /** Waits until every lead agent has applied the same index with the same state hash. */
  public void awaitEqualReplicas(long timeoutMs) {
    awaitLeadAgents(timeoutMs, "did not converge", answers -> answers.stream().map(r -> r.getAppliedIndex() + "/" + r.getStateHash()).distinct().count() == 1);
  }

  /**
   * Asks every lead agent for its {@code leader} answer every 100 ms until all answered and {@code done} holds for the
   * answers; otherwise fails saying, per lead agent, its last answer or the error it gave, whether its process runs and
   * the last warnings of its log ({@link #processes}).
   */
  private void awaitLeadAgents(long timeoutMs, String what, java.util.function.Predicate<List<LeaderResponse>> done) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    Map<String, String> last = new TreeMap<>(); // per address: its last answer or why it gave none
    try (LeadAgentsClient client = client(5000)) {
      while (true) {
        List<LeaderResponse> answers = new ArrayList<>();
        for (String address : leadAgentAddresses()) {
          try {
            LeaderResponse r = client.at(address).leader(LeaderRequest.getDefaultInstance());
            answers.add(r);
            last.put(address, r.getThisId() + "@" + r.getAppliedIndex() + " " + r.getStateHash() + (r.getLeaderId().isEmpty() ? ", no leader known" : ""));
          } catch (io.grpc.StatusRuntimeException e) {
            Throwable cause = e.getStatus().getCause();
            last.put(address, e.getStatus().getCode() + " " + e.getStatus().getDescription()
                + (cause == null ? "" : " (" + String.valueOf(cause.getMessage()).lines().findFirst().orElse("") + ")"));
          }
        }
        if (answers.size() == leadAgentAddresses().size() && done.test(answers)) return;
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the lead agents " + what + " within " + timeoutMs + " ms: " + last + "; " + processes(LEAD_AGENT));
        }
        Thread.sleep(100);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted");
    }
  }

  /**
   * For a failure's message: each process of the given roles (all if none given), whether it runs and the last two
   * warnings or errors of its log, e.g. "lead-1 running, last warnings: none; agent-fog-1 NOT RUNNING, last warnings: …".
   */
  public String processes(String... roles) {
    List<String> wanted = List.of(roles);
    return members().stream().filter(m -> wanted.isEmpty() || wanted.contains(m.role()))
        // a process that exited: how its log ends says why
        .map(m -> m.name() + (pid(m).isPresent() ? " running" : " NOT RUNNING, its log ends: " + lastLines(m, 1, l -> !l.isBlank(), "nothing"))
            + ", last warnings: " + lastLines(m, 2, LocalFederation::warns, "none"))
        .collect(java.util.stream.Collectors.joining("; "));
  }

  /**
   * The last {@code n} lines of a process's log that {@code which} accepts, each cut to 200 characters and joined by
   * " | "; {@code ifNone} when there is none.
   */
  private String lastLines(Member m, int n, java.util.function.Predicate<String> which, String ifNone) {
    try (Stream<String> lines = Files.lines(log(m))) {
      java.util.Deque<String> last = new java.util.ArrayDeque<>();
      lines.filter(which).forEach(l -> {
        last.addLast(l.length() > 200 ? l.substring(0, 200) + "…" : l);
        if (last.size() > n) last.removeFirst();
      });
      return last.isEmpty() ? ifNone : String.join(" | ", last);
    } catch (IOException | UncheckedIOException e) {
      return "no log";
    }
  }

  private static boolean warns(String line) {
    return line.contains(" WARN ") || line.contains("ERROR") || line.contains("Exception") || line.contains("refus");
  }

  /**
   * Waits until the lead agents committed log feature level {@code level} (they raise it soon after every one of them
   * runs: the rules of a level hold only from there); the leader's answer that says so.
   */
  public LeaderResponse awaitFeatureLevel(int level, long timeoutMs) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    while (true) {
      LeaderResponse r = awaitLeader(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
      if (r.getFeatureLevel() >= level) return r;
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the lead agents did not raise the log feature level to " + level + " within " + timeoutMs + " ms (at "
            + r.getFeatureLevel() + "): " + processes(LEAD_AGENT) + "; see the logs in " + workDir);
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted");
      }
    }
  }
}

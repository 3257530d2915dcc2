package io.qonnect.testbed.federation;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Network faults as dropped packets on this machine, without touching any other traffic: each process of a local
 * federation runs in a cgroup (v2) of its own, and an nftables table of the federation's drops, in both directions,
 * the TCP connections a cut process opens to the given ports (the first packet's socket names the cgroup; conntrack
 * marks the connection, so the answers are dropped too). The process keeps running and its sockets stay open: what
 * the other side sees is silence, not a closed connection — half-open streams, lost heartbeats, keepalives at work.
 * Needs root, cgroup v2 and the {@code nft} command ({@code apt-get install nftables}).
 */
public final class PacketFaults {
  private static final Path CGROUPS = Path.of("/sys/fs/cgroup");

  /** Where cgroup v2 is mounted, relative to /sys/fs/cgroup ("" on a pure v2 system, "unified" on a hybrid one), as nft names paths. */
  private final String hierarchy;
  /** Unique per federation work directory: its cgroups and its nftables table. */
  private final String id;
  /** Which of a cut process's packets are dropped. */
  public enum Direction {
    /** Both ways: nothing gets through. */
    BOTH,
    /** What the process sends is dropped; it still hears the others (they no longer hear it). */
    OUT,
    /** What is sent to the process is dropped; it still talks (it no longer hears the others). */
    IN
  }

  /** A process cut off from {@code to} (the ports it connects to) and from whoever connects to {@code from} (its own ports). */
  private record Cut(List<Integer> to, List<Integer> from, Direction direction) {}

  /** Active cuts, by process. */
  private final Map<String, Cut> cuts = new TreeMap<>();

  private PacketFaults(String hierarchy, String id) {
    this.hierarchy = hierarchy;
    this.id = id;
  }

  /** Packet faults for the federation in {@code workDir}, or why this machine cannot have them. */
  static Result forFederation(Path workDir) {
    String hierarchy;
    if (Files.isRegularFile(CGROUPS.resolve("cgroup.controllers"))) hierarchy = "";
    else if (Files.isRegularFile(CGROUPS.resolve("unified/cgroup.procs"))) hierarchy = "unified";
    else return new Result(Optional.empty(), "no cgroup v2 hierarchy under " + CGROUPS);
    if (!Files.isWritable(CGROUPS.resolve(hierarchy))) return new Result(Optional.empty(), "cgroup v2 at " + CGROUPS.resolve(hierarchy) + " is not writable (root needed)");
    String problem = run(List.of("nft", "list", "tables"), "");
    if (!problem.isEmpty()) return new Result(Optional.empty(), "nftables unusable (" + problem + "); apt-get install nftables");
    String id = "qonnect-" + Integer.toHexString(workDir.toAbsolutePath().normalize().toString().hashCode());
    return new Result(Optional.of(new PacketFaults(hierarchy, id)), "");
  }

  record Result(Optional<PacketFaults> faults, String unavailableBecause) {}

  /** The process's cgroup, as nft and the shell name it. */
  private String cgroup(String process) {
    return (hierarchy.isEmpty() ? "" : hierarchy + "/") + id + "/" + process;
  }

  /** {@code command}, started in {@code process}'s own cgroup (created if needed) before anything of it runs. */
  List<String> inCgroup(String process, List<String> command) {
    Path dir = CGROUPS.resolve(cgroup(process));
    List<String> wrapped = new ArrayList<>(List.of("sh", "-c", "mkdir -p '" + dir + "' && echo $$ > '" + dir + "/cgroup.procs' && exec \"$@\"", "sh"));
    wrapped.addAll(command);
    return wrapped;
  }

  /**
   * Cuts, both ways, {@code process}'s TCP connections to {@code to} (127.0.0.1) and everyone's connections to
   * {@code from} (ports it listens on); or heals them.
   */
  synchronized void cut(String process, List<Integer> to, List<Integer> from, boolean on) {
    cut(process, to, from, Direction.BOTH, on);
  }

  /** As {@link #cut(String, List, List, boolean)}, dropping only the packets of {@code direction}. */
  synchronized void cut(String process, List<Integer> to, List<Integer> from, Direction direction, boolean on) {
    if (on) cuts.put(process, new Cut(List.copyOf(to), List.copyOf(from), direction));
    else cuts.remove(process);
    apply();
  }

  /** Removes the federation's tables (every cut healed, no connection redirected). */
  synchronized void clear() {
    cuts.clear();
    run(List.of("nft", "delete", "table", "inet", id), "");
    run(List.of("nft", "delete", "table", "ip", redirectTable()), "");
  }

  /** {@code process}'s TCP connections to port {@code port} (127.0.0.1) go to port {@code to} instead. */
  record Redirect(String process, int port, int to) {}

  /**
   * Packets lost at random on the connections to {@code port} (a relay's, after the redirect): {@code sentPercent} of
   * what the connecting side sends, {@code answeredPercent} of what comes back. TCP retransmits them.
   */
  record Loss(int port, double sentPercent, double answeredPercent) {
    Loss {
      if (!(sentPercent >= 0 && sentPercent < 100 && answeredPercent >= 0 && answeredPercent < 100)) {
        throw new IllegalArgumentException("loss on port " + port + " must be in [0, 100) %");
      }
    }
  }

  /**
   * Replaces the federation's redirects with these (none: removed): a destination NAT on the connections a process
   * opens, chosen by its cgroup, so it needs no setting of its own — the testbed's {@link WanRelay} stands between the
   * agents this way. A table of its own: cuts come and go without touching it, and they still see (and drop) the
   * redirected connections, whose packets they match after the NAT.
   */
  synchronized void redirect(List<Redirect> redirects) {
    redirect(redirects, List.of());
  }

  /**
   * As {@link #redirect(List)}, and drops the given shares of the packets on the redirected connections (a filter
   * chain after the NAT, so it sees the relay's port both ways; each rule counts what it dropped: {@link #lost}).
   */
  synchronized void redirect(List<Redirect> redirects, List<Loss> losses) {
    String table = redirectTable();
    StringBuilder rules = new StringBuilder("table ip ").append(table).append(" {}\ndelete table ip ").append(table).append('\n');
    if (!redirects.isEmpty() || !losses.isEmpty()) {
      rules.append("table ip ").append(table).append(" {\n  chain output {\n    type nat hook output priority -100; policy accept;\n");
      for (Redirect r : redirects) {
        try {
          Files.createDirectories(CGROUPS.resolve(cgroup(r.process()))); // nft names a cgroup by its directory, which must exist
        } catch (IOException e) {
          throw new IllegalStateException("cannot create the cgroup of " + r.process() + ": " + e.getMessage(), e);
        }
        rules.append("    socket cgroupv2 level 2 \"").append(cgroup(r.process())).append("\" ip daddr 127.0.0.1 tcp dport ").append(r.port())
            .append(" dnat to 127.0.0.1:").append(r.to()).append('\n');
      }
      rules.append("  }\n");
      rules.append("  chain loss {\n    type filter hook output priority 10; policy accept;\n");
      for (Loss l : losses) {
        if (l.sentPercent() > 0) rules.append("    ip daddr 127.0.0.1 tcp dport ").append(l.port()).append(randomShare(l.sentPercent())).append(" counter drop\n");
        if (l.answeredPercent() > 0) rules.append("    ip saddr 127.0.0.1 tcp sport ").append(l.port()).append(randomShare(l.answeredPercent())).append(" counter drop\n");
      }
      rules.append("  }\n}\n");
    }
    String problem = run(List.of("nft", "-f", "-"), rules.toString());
    if (!problem.isEmpty()) throw new IllegalStateException("nft: " + problem);
  }

  /** Matches {@code percent} % of packets at random, in steps of 0.001 %. */
  private static String randomShare(double percent) {
    return " numgen random mod 100000 < " + Math.round(percent * 1000);
  }

  /** How many packets the loss rules dropped so far, per port (both directions summed); empty without rules. */
  synchronized Map<Integer, Long> lost() {
    Ran listed = exec(List.of("nft", "list", "chain", "ip", redirectTable(), "loss"), "");
    if (!listed.ok()) return Map.of();
    String out = listed.output();
    Map<Integer, Long> lost = new TreeMap<>();
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("tcp [sd]port (\\d+) numgen .* counter packets (\\d+)").matcher(out);
    while (m.find()) lost.merge(Integer.parseInt(m.group(1)), Long.parseLong(m.group(2)), Long::sum);
    return lost;
  }

  private String redirectTable() {
    return id + "-wan";
  }

  private void apply() {
    StringBuilder rules = new StringBuilder();
    rules.append("table inet ").append(id).append(" {}\ndelete table inet ").append(id).append('\n');
    rules.append("table inet ").append(id).append(" {\n  chain output {\n    type filter hook output priority 0; policy accept;\n");
    List<Integer> active = new ArrayList<>();
    StringBuilder drops = new StringBuilder();
    for (Map.Entry<String, Cut> entry : cuts.entrySet()) {
      Cut cut = entry.getValue();
      int outgoing = outgoingMark(entry.getKey()); // connections the process opened: their original direction is the process speaking
      int incoming = outgoing + 1;                 // connections to the process's ports: their reply direction is the process speaking
      active.addAll(List.of(outgoing, incoming));
      if (!cut.to().isEmpty()) {
        rules.append("    socket cgroupv2 level 2 \"").append(cgroup(entry.getKey())).append("\" ip daddr 127.0.0.1 tcp dport { ")
            .append(ports(cut.to())).append(" } ct mark set ").append(outgoing).append('\n');
      }
      if (!cut.from().isEmpty()) {
        rules.append("    ip daddr 127.0.0.1 tcp dport { ").append(ports(cut.from())).append(" } ct mark set ").append(incoming).append('\n');
      }
      String speaks = "original";
      String hears = "reply";
      drops.append(switch (cut.direction()) {
        case BOTH -> "    ct mark " + outgoing + " drop\n    ct mark " + incoming + " drop\n";
        case OUT -> "    ct mark " + outgoing + " ct direction " + speaks + " drop\n    ct mark " + incoming + " ct direction " + hears + " drop\n";
        case IN -> "    ct mark " + outgoing + " ct direction " + hears + " drop\n    ct mark " + incoming + " ct direction " + speaks + " drop\n";
      });
    }
    // a connection keeps its mark for life: one marked by an earlier cut (of another drill, another CLI) is unmarked on its
    // next packet, so a later cut can never drop it by mistake
    rules.append("    ct mark & 0x").append(Integer.toHexString(MARK_MASK)).append(" == 0x").append(Integer.toHexString(markPrefix()));
    if (!active.isEmpty()) rules.append(" ct mark != { ").append(String.join(", ", active.stream().map(m -> "0x" + Integer.toHexString(m)).toList())).append(" }");
    rules.append(" ct mark set 0\n");
    rules.append(drops);
    rules.append("  }\n}\n");
    String problem = run(List.of("nft", "-f", "-"), rules.toString());
    if (!problem.isEmpty()) throw new IllegalStateException("nft: " + problem);
  }

  private static final int MARK_BASE = 0x51000000;
  private static final int MARK_MASK = 0xffff0000;

  /** This federation's marks: other federations' cuts on this machine (tests run several) never touch them. */
  private int markPrefix() {
    return MARK_BASE | ((id.hashCode() & 0xff) << 16);
  }

  /**
   * The conntrack mark of the connections a cut of {@code process} drops (and that number plus one for those to its
   * ports): the same for the same process in every CLI that ever cuts it, different for different processes of a
   * federation (up to a hash collision, one in 32,768), so a stale mark can only ever name the process it was set for.
   */
  int outgoingMark(String process) {
    return markPrefix() | ((process.hashCode() & 0x7fff) << 1);
  }

  private static String ports(List<Integer> ports) {
    return String.join(", ", ports.stream().map(String::valueOf).toList());
  }

  /** Runs a command, feeding it {@code input}; "" when it succeeded, otherwise what it said. */
  private static String run(List<String> command, String input) {
    Ran ran = exec(command, input);
    return ran.ok() ? "" : ran.output();
  }

  /** What a command said, and whether it exited 0 within 10 s. */
  private record Ran(boolean ok, String output) {}

  private static Ran exec(List<String> command, String input) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      p.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (!p.waitFor(10, TimeUnit.SECONDS)) return new Ran(false, "timed out");
      return new Ran(p.exitValue() == 0, p.exitValue() == 0 || !out.isEmpty() ? out : "exit " + p.exitValue());
    } catch (IOException e) {
      return new Ran(false, String.valueOf(e.getMessage()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Ran(false, "interrupted");
    }
  }
}

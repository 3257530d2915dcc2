package io.qonnect.testbed.drill;

import java.util.List;
import java.util.random.RandomGenerator;

/** One failure or change to inject, as {@code ./qonnect drill KIND [args]} names it. */
public sealed interface Drill {
  String kind();

  /** The member cluster the drill is about, or empty (leader-kill). */
  default String cluster() {
    return "";
  }

  record ClusterDown(String cluster) implements Drill {
    public String kind() { return "cluster-down"; }
  }

  record AgentKill(String cluster) implements Drill {
    public String kind() { return "agent-kill"; }
  }

  record LeaderKill() implements Drill {
    public String kind() { return "leader-kill"; }
  }

  record NodeNotReady(String cluster, String node) implements Drill {
    public String kind() { return "node-notready"; }
  }

  record PriceChange(String cluster, double factor) implements Drill {
    public String kind() { return "price-change"; }
  }

  /**
   * Adds {@code rttMs} to every round trip between the cluster and the others, on the testbed's wide-area links (the
   * agents measure it; nothing tells the lead agents). A change of the world like a price change: latency-bound
   * components move if their budget breaks, and stay if it does not.
   */
  record Latency(String cluster, int rttMs) implements Drill {
    public String kind() { return "latency"; }
  }

  /** The agent cut off from the lead agents, its packets dropped: both ways, or only its own ({@code out}: unheard) or only theirs ({@code in}: deaf). */
  record Partition(String cluster, io.qonnect.testbed.federation.PacketFaults.Direction direction) implements Drill {
    public Partition(String cluster) {
      this(cluster, io.qonnect.testbed.federation.PacketFaults.Direction.BOTH);
    }

    public String kind() {
      return switch (direction) {
        case BOTH -> "partition";
        case OUT -> "partition-out";
        case IN -> "partition-in";
      };
    }
  }

  /**
   * Freezes a process ({@code SIGSTOP}) for a while, then lets it go on ({@code SIGCONT}): {@code process} is a member of
   * the local federation (lead-2, agent-cloud-1, knowledge-base) or {@code leader}, whichever lead agent leads then.
   */
  record Pause(String process, int seconds) implements Drill {
    public String kind() { return "pause"; }

    /** The member cluster of a paused agent; empty for the other processes. */
    @Override
    public String cluster() {
      return process.startsWith("agent-") ? process.substring("agent-".length()) : "";
    }

    public boolean ofLeadAgent() {
      return process.equals("leader") || process.startsWith("lead-");
    }
  }

  /**
   * Cuts a lead agent off from the other lead agents, packets dropped; users and agents still reach it. {@code leader}:
   * the leader is the minority side (a new leader is elected on the other side); {@code follower}: a follower is, and
   * the leader keeps its majority (writes go on); or {@code lead-N}.
   */
  record IsolateLeadAgent(String process) implements Drill {
    public String kind() { return "isolate-lead"; }
  }

  /** Cuts a member cluster off from everyone: the lead agents, the knowledge base and the other agents; it keeps its own API server. */
  record IsolateCluster(String cluster) implements Drill {
    public String kind() { return "isolate-cluster"; }
  }

  List<String> KINDS = List.of("cluster-down", "agent-kill", "leader-kill", "node-notready", "price-change", "partition", "partition-out",
      "partition-in", "pause", "isolate-lead", "isolate-cluster", "latency");

  /** Parses {@code KIND ARGS...}; throws IllegalArgumentException naming what is wrong. */
  static Drill parse(List<String> words) {
    if (words.isEmpty()) throw new IllegalArgumentException("drill: KIND missing (one of " + String.join(", ", KINDS) + ", random)");
    String kind = words.getFirst();
    List<String> args = words.subList(1, words.size());
    return switch (kind) {
      case "cluster-down" -> new ClusterDown(one(kind, args, "CLUSTER"));
      case "agent-kill" -> new AgentKill(one(kind, args, "CLUSTER"));
      case "partition" -> new Partition(one(kind, args, "CLUSTER"));
      case "partition-out" -> new Partition(one(kind, args, "CLUSTER"), io.qonnect.testbed.federation.PacketFaults.Direction.OUT);
      case "partition-in" -> new Partition(one(kind, args, "CLUSTER"), io.qonnect.testbed.federation.PacketFaults.Direction.IN);
      case "leader-kill" -> {
        if (!args.isEmpty()) throw new IllegalArgumentException("leader-kill takes no arguments");
        yield new LeaderKill();
      }
      case "isolate-lead" -> new IsolateLeadAgent(one(kind, args, "PROCESS (leader, follower or lead-N)"));
      case "isolate-cluster" -> new IsolateCluster(one(kind, args, "CLUSTER"));
      case "pause" -> {
        if (args.size() != 2) throw new IllegalArgumentException("pause: expected PROCESS SECONDS (PROCESS: leader, lead-N, agent-CLUSTER or knowledge-base)");
        yield new Pause(args.get(0), wholeNumber(kind, "SECONDS", args.get(1), 1, 600));
      }
      case "latency" -> {
        if (args.size() != 2) throw new IllegalArgumentException("latency: expected CLUSTER MS (added to each of the cluster's round trips)");
        yield new Latency(args.get(0), wholeNumber(kind, "MS", args.get(1), 1, 10_000));
      }
      case "node-notready" -> {
        if (args.size() != 2) throw new IllegalArgumentException("node-notready: expected CLUSTER NODE");
        yield new NodeNotReady(args.get(0), args.get(1));
      }
      case "price-change" -> {
        if (args.size() != 2) throw new IllegalArgumentException("price-change: expected CLUSTER FACTOR");
        double factor;
        try {
          factor = Double.parseDouble(args.get(1));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("price-change: FACTOR '" + args.get(1) + "' is not a number");
        }
        if (!(factor > 0)) throw new IllegalArgumentException("price-change: FACTOR must be positive, got " + args.get(1));
        yield new PriceChange(args.get(0), factor);
      }
      default -> throw new IllegalArgumentException("drill: unknown KIND '" + kind + "' (one of " + String.join(", ", KINDS) + ", random)");
    };
  }

  private static int wholeNumber(String kind, String what, String text, int min, int max) {
    int n;
    try {
      n = Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(kind + ": " + what + " '" + text + "' is not a whole number");
    }
    if (n < min || n > max) throw new IllegalArgumentException(kind + ": " + what + " must be " + min + " to " + max + ", got " + n);
    return n;
  }

  private static String one(String kind, List<String> args, String what) {
    if (args.size() != 1) throw new IllegalArgumentException(kind + ": expected " + what);
    return args.getFirst();
  }

  /** A random drill against one of {@code clusters}; {@code nodes} gives a node name per cluster. */
  static Drill random(RandomGenerator random, List<String> clusters, java.util.function.Function<String, String> node) {
    String c = clusters.get(random.nextInt(clusters.size()));
    return switch (random.nextInt(6)) {
      case 0 -> new ClusterDown(c);
      case 1 -> new AgentKill(c);
      case 2 -> new LeaderKill();
      case 3 -> new NodeNotReady(c, node.apply(c));
      case 4 -> new PriceChange(c, random.nextBoolean() ? 0.5 : 2.0);
      default -> new Partition(c);
    };
  }
}

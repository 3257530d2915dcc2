package io.qonnect.lead.raft;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.util.CodeInjectionForTesting;

/**
 * Lead agents' Raft parts in one JVM — a real Ratis group over gRPC on loopback, each peer with its
 * {@link ControlPlaneStateMachine} and {@link ControlPlaneClient} built as a lead agent builds them — and partitions
 * between peers. A cut peer's Raft messages (append entries, votes, snapshots) to and from the others are held at
 * the receiver until the cut heals, as TCP holds packets a partition drops; clients' requests still pass.
 */
final class InProcessGroup implements AutoCloseable {
  /** Ratis's hooks into its server's request handlers (RaftServerImpl's names): where a cut holds a message. */
  private static final List<String> RAFT_MESSAGES = List.of("RaftServerImpl.appendEntries", "RaftServerImpl.requestVote", "RaftServerImpl.installSnapshot");

  /** One peer's election timeouts (ms): a long one keeps a cut-off leader believing it leads for that long. */
  record Timeouts(int minMs, int maxMs) {}

  private record Peer(RaftServer server, ControlPlaneStateMachine stateMachine, ControlPlaneClient client) {}

  private final RaftGroup group;
  private final Map<String, Peer> peers = new java.util.LinkedHashMap<>();
  private final Set<String> cut = ConcurrentHashMap.newKeySet();

  private InProcessGroup(RaftGroup group) {
    this.group = group;
  }

  /** Peers lead-0, lead-1, … with these timeouts, started; the partition hooks installed (none cut). */
  static InProcessGroup start(Path dir, List<Timeouts> timeouts) throws IOException {
    List<Integer> ports = new ArrayList<>();
    for (int i = 0; i < timeouts.size(); i++) ports.add(freePort());
    List<RaftPeer> raftPeers = IntStream.range(0, timeouts.size())
        .mapToObj(i -> RaftPeer.newBuilder().setId("lead-" + i).setAddress("127.0.0.1:" + ports.get(i)).build()).toList();
    InProcessGroup g = new InProcessGroup(RaftGroup.valueOf(RaftGroupId.randomId(), raftPeers));
    for (String hook : RAFT_MESSAGES) CodeInjectionForTesting.put(hook, g::hold);
    for (int i = 0; i < timeouts.size(); i++) {
      String id = "lead-" + i;
      RaftProperties properties = RaftPropertiesFactory.create(dir.resolve(id), "127.0.0.1", ports.get(i), timeouts.get(i).minMs(), timeouts.get(i).maxMs(), 10_000);
      ControlPlaneStateMachine sm = new ControlPlaneStateMachine();
      RaftServer server = RaftServer.newBuilder().setServerId(RaftPeerId.valueOf(id)).setGroup(g.group).setStateMachine(sm)
          .setProperties(properties).setParameters(new Parameters()).setOption(RaftStorage.StartupOption.FORMAT).build();
      server.start();
      ControlPlaneClient client = new ControlPlaneClient(g.group, RaftPeerId.valueOf(id), properties, new Parameters(), 100, Clock.systemUTC(), sm);
      g.peers.put(id, new Peer(server, sm, client));
    }
    return g;
  }

  /** Holds a Raft message between a cut peer and another until the cut heals. */
  private boolean hold(Object receiver, Object sender, Object... ignored) {
    while (isCut(String.valueOf(receiver), String.valueOf(sender))) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return true;
      }
    }
    return true;
  }

  private boolean isCut(String a, String b) {
    return !a.equals(b) && (cut.contains(a) || cut.contains(b));
  }

  /** Cuts {@code id} off from every other peer (both ways). */
  void isolate(String id) {
    cut.add(id);
  }

  void heal() {
    cut.clear();
  }

  ControlPlaneClient client(String id) {
    return peers.get(id).client();
  }

  ControlPlaneStateMachine stateMachine(String id) {
    return peers.get(id).stateMachine();
  }

  /** Whether {@code id} believes it leads, and is ready to (it committed an entry of its term). */
  boolean leads(String id) throws IOException {
    return peers.get(id).server().getDivision(group.getGroupId()).getInfo().isLeaderReady();
  }

  /** The peer that leads, as seen by the peers other than {@code except}, once one does; empty after {@code waitMillis}. */
  Optional<String> awaitLeaderOtherThan(String except, long waitMillis) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + waitMillis * 1_000_000;
    while (System.nanoTime() < deadline) {
      for (String id : peers.keySet()) if (!id.equals(except) && leads(id)) return Optional.of(id);
      Thread.sleep(20);
    }
    return Optional.empty();
  }

  /**
   * Commits {@code command} through the leader {@code leader} directly (a lead agent's own client would first try the
   * leader it knew, and a cut-off one holds the request until Ratis's request timeout).
   */
  io.qonnect.lead.state.CommandResult commitAt(String leader, io.qonnect.lead.state.Command command) throws IOException {
    try (RaftClient client = RaftClient.newBuilder().setRaftGroup(group).setLeaderId(RaftPeerId.valueOf(leader)).setProperties(new RaftProperties()).build()) {
      var reply = client.io().send(org.apache.ratis.protocol.Message.valueOf(org.apache.ratis.thirdparty.com.google.protobuf.ByteString.copyFrom(
          CommandCodec.encode(System.currentTimeMillis(), command))));
      if (!reply.isSuccess()) throw new IOException("not committed: " + reply.getException());
      return CommandCodec.decodeResult(reply.getMessage().getContent().toByteArray());
    }
  }

  /** Makes {@code id} the leader (Ratis's leadership transfer) and waits until it is ready. */
  void makeLeader(String id, long waitMillis) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + waitMillis * 1_000_000;
    try (RaftClient admin = RaftClient.newBuilder().setRaftGroup(group).setProperties(new RaftProperties()).build()) {
      while (!leads(id)) {
        if (System.nanoTime() > deadline) throw new IOException(id + " did not become the leader within " + waitMillis + " ms");
        try {
          admin.admin().transferLeadership(RaftPeerId.valueOf(id), 3_000);
        } catch (IOException e) {
          Thread.sleep(100); // no leader yet to transfer from, or the transfer timed out: try again
        }
      }
    }
  }

  @Override
  public void close() throws IOException {
    heal();
    for (String hook : RAFT_MESSAGES) CodeInjectionForTesting.remove(hook);
    for (Peer p : peers.values()) {
      p.client().close();
      p.server().close();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}

package io.qonnect.lead.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qonnect.lead.state.CommandResult;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.storage.RaftStorage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A lead agent's client gives up on a proposal after its retries (the group unreachable for longer than they last:
 * a partition, an election in a cut-off majority), and Ratis then closes the client's ordered window for good: every
 * later proposal and read barrier of that lead agent failed with "SlidingWindow … is closed" until it was restarted
 * (found by the 9-cluster isolate-lead drill on the wide-area links). The client must propose again once the group
 * answers.
 */
class ControlPlaneClientRecoveryTest {
  @TempDir Path dir;

  @Test
  void aClientThatGaveUpOnceProposesAgainWhenTheGroupIsBack() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    RaftPeerId id = RaftPeerId.valueOf("lead-0");
    RaftGroup group = RaftGroup.valueOf(RaftGroupId.randomId(), List.of(RaftPeer.newBuilder().setId(id).setAddress("127.0.0.1:" + port).build()));
    RaftProperties properties = RaftPropertiesFactory.create(dir.resolve("lead-0"), "127.0.0.1", port, 300, 600, 10_000);
    ControlPlaneStateMachine replica = new ControlPlaneStateMachine();
    try (ControlPlaneClient client = new ControlPlaneClient(group, id, properties, new Parameters(), 3, Clock.systemUTC(), replica)) {
      // nobody listens yet: three attempts, then Ratis gives up on the proposal
      assertThatThrownBy(() -> client.propose(SnapshotReplayTest.submit("shop", "v1", 0), 0).get(30, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class);

      RaftServer server = RaftServer.newBuilder().setServerId(id).setGroup(group).setStateMachine(replica)
          .setProperties(properties).setParameters(new Parameters()).setOption(RaftStorage.StartupOption.FORMAT).build();
      server.start();
      try {
        CommandResult result = null;
        for (int attempt = 0; attempt < 50 && result == null; attempt++) { // the group elects its leader meanwhile
          try {
            result = client.propose(SnapshotReplayTest.submit("shop", "v2", 0), 0).get(30, TimeUnit.SECONDS);
          } catch (ExecutionException e) {
            assertThat(e.getCause()).as("the client's window was closed for good").hasMessageNotContaining("is closed");
            Thread.sleep(200);
          }
        }
        assertThat(result).isInstanceOf(CommandResult.Accepted.class);
      } finally {
        server.close();
      }
    }
  }
}

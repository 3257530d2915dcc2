package io.qonnect.lead.raft;

import static org.assertj.core.api.Assertions.assertThat;

import io.qonnect.ops.Logs;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.apache.ratis.client.impl.OrderedAsync;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.AlreadyClosedException;
import org.apache.ratis.protocol.exceptions.NotLeaderException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What a lead agent's log shows of its Raft client being redirected to the leader, and of the client failing. */
class LeaderRedirectsTest {
  private final PrintStream stderr = System.err;

  @AfterEach
  void restore() {
    System.setErr(stderr);
    Logs.configure("test", Logs.Format.TEXT, Map.of());
  }

  @Test
  void aRedirectToTheLeaderIsNotLoggedAsAnErrorAndTheClientsFailuresStillAre() {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    Logs.configure("lead-agent", Logs.Format.TEXT, Map.of());
    LeaderRedirects.install();

    NotLeaderException notLeader = new NotLeaderException(RaftGroupMemberId.valueOf(RaftPeerId.valueOf("lead-1"), RaftGroupId.randomId()),
        RaftPeer.newBuilder().setId("lead-3").build(), List.of());
    CompletionException redirect = new CompletionException(notLeader);
    // the two shapes Ratis 3.3's OrderedAsync logs a failed request in: the cause's class named, or the exception attached
    OrderedAsync.LOG.error("{} {}: Failed* {} due to {} caused by {}", "", "client-1", "request 1", redirect, "NotLeaderException");
    OrderedAsync.LOG.error("{} {}: Failed* {}", "", "client-1", "request 2", redirect);
    AlreadyClosedException closed = new AlreadyClosedException("SlidingWindow$Client:client-1->RAFT is closed");
    OrderedAsync.LOG.error("{} {}: Failed* {} due to {} caused by {}", "", "client-1", "request 3", new CompletionException(closed), "AlreadyClosedException");
    System.setErr(stderr);

    List<String> lines = captured.toString(StandardCharsets.UTF_8).lines().filter(l -> l.contains("Failed*")).toList();
    assertThat(lines).hasSize(1);
    assertThat(lines.getFirst()).contains("request 3").contains("is closed");
  }
}

package io.qonnect.lead.gate;

import io.qonnect.lead.state.StateReader;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.qonnect.transport.Identity;
import io.qonnect.transport.Transport;
import io.qonnect.lead.api.GroupView;
import io.qonnect.lead.config.LeadAgentConfig.Peer;
import io.qonnect.lead.placing.Proposer;
import io.qonnect.lead.state.Command;
import io.qonnect.lead.state.ControlPlaneState;
import io.qonnect.lead.state.FeatureLevels;
import io.qonnect.proto.v1.ControlPlaneGrpc;
import io.qonnect.proto.v1.LeaderRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leader-only shell around {@link FeatureLevels#next}: asks every peer which log feature level its version
 * knows (its {@code Leader} answer; a peer from before the gate answers 0, read as level 1) and commits the
 * lowest once it is above the committed one. Until then no command of a higher level is proposed.
 */
public final class FeatureGateController implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FeatureGateController.class);
  private final StateReader stateMachine;
  private final BooleanSupplier leaderReady;
  private final GroupView group;
  private final Proposer proposer;
  private final Map<String, ManagedChannel> channels = new HashMap<>();
  private final Transport transport;

  public FeatureGateController(StateReader stateMachine, BooleanSupplier leaderReady, GroupView group, Proposer proposer, Transport transport) {
    this.transport = transport;
    this.stateMachine = stateMachine;
    this.leaderReady = leaderReady;
    this.group = group;
    this.proposer = proposer;
  }

  /** One pass; call it periodically from one thread. */
  public void reconcileOnce() {
    int committed = stateMachine.read(ControlPlaneState::featureLevel);
    if (!leaderReady.getAsBoolean() || committed >= FeatureLevels.SUPPORTED) return;
    List<Integer> levels = new ArrayList<>();
    for (Peer peer : group.peers()) {
      if (peer.id().equals(group.selfId())) {
        levels.add(FeatureLevels.SUPPORTED);
        continue;
      }
      try {
        ManagedChannel channel = channels.computeIfAbsent(peer.apiAddress(),
            a -> transport.channel(a, Identity.LeadAgent.class));
        // a peer that was not up yet when first asked: gRPC would wait out its reconnect backoff (up to 2 min), and
        // the level would stay where it is that long; this loop has its own pace
        channel.resetConnectBackoff();
        int level = ControlPlaneGrpc.newBlockingStub(channel).withDeadlineAfter(2, TimeUnit.SECONDS).leader(LeaderRequest.getDefaultInstance())
            .getSupportedFeatureLevel();
        levels.add(Math.max(FeatureLevels.BASELINE, level));
      } catch (StatusRuntimeException e) {
        LOG.debug("feature gate: {} did not answer ({}); the level stays at {}", peer.id(), e.getStatus().getCode(), committed);
      }
    }
    OptionalInt next = FeatureLevels.next(committed, levels, group.peers().size());
    if (next.isPresent()) {
      proposer.propose(new Command.SetFeatureLevel(next.getAsInt())).whenComplete((r, e) ->
          LOG.info("feature level {} proposed: {}", next.getAsInt(), e != null ? e.toString() : r));
    }
  }

  @Override
  public void close() {
    channels.values().forEach(ManagedChannel::shutdownNow);
  }
}

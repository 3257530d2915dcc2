package io.qonnect.lead.api;

import io.qonnect.lead.config.LeadAgentConfig.Peer;
import java.util.List;
import java.util.Optional;

/** What a lead agent knows about its Raft group right now. */
public interface GroupView {
  String selfId();

  List<Peer> peers();

  Optional<String> leaderId();

  long term();

  /** The leader, with everything committed before its term applied: what it sends is current. */
  boolean isLeaderReady();

  default boolean isLeader() {
    return leaderId().map(selfId()::equals).orElse(false);
  }

  /** The agent gateway address of the current leader, if one is known. */
  default String leaderGatewayAddress() {
    return leaderId().flatMap(id -> peers().stream().filter(p -> p.id().equals(id)).findFirst()).map(Peer::gatewayAddress).orElse("");
  }

  /** The client API address of the current leader, if one is known. */
  default String leaderApiAddress() {
    return leaderId().flatMap(id -> peers().stream().filter(p -> p.id().equals(id)).findFirst()).map(Peer::apiAddress).orElse("");
  }
}

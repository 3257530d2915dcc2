package io.qonnect.lead.api;

import io.grpc.stub.StreamObserver;
import io.qonnect.lead.proto.ProtoMapper;
import io.qonnect.lead.raft.ControlPlaneClient;
import io.qonnect.lead.state.Command;
import io.qonnect.lead.state.CommandResult;
import io.qonnect.placement.snapshot.ClusterId;
import io.qonnect.proto.v1.AgentGatewayGrpc;
import io.qonnect.proto.v1.RegisterClusterRequest;
import io.qonnect.proto.v1.RegisterClusterResponse;
import io.qonnect.proto.v1.Tier;
import io.qonnect.proto.v1.Violation;
import java.util.ArrayList;
import java.util.List;

/** Where resource agents register their member cluster (and, later, hold their stream to the leader). */
public final class AgentGatewayGrpcService extends AgentGatewayGrpc.AgentGatewayImplBase {
  private final ControlPlaneClient client;
  private final GroupView group;

  public AgentGatewayGrpcService(ControlPlaneClient client, GroupView group) {
    this.client = client;
    this.group = group;
  }

  @Override
  public void register(RegisterClusterRequest request, StreamObserver<RegisterClusterResponse> out) {
    List<Violation> problems = new ArrayList<>();
    if (!ClusterId.isValid(request.getCluster())) problems.add(violation("cluster", "'" + request.getCluster() + "' is not a DNS-1123 label"));
    if (request.getTier() == Tier.TIER_UNSPECIFIED || request.getTier() == Tier.UNRECOGNIZED) problems.add(violation("tier", "must be cloud, fog or edge"));
    if (request.getRegion().isBlank()) problems.add(violation("region", "must not be empty"));
    if (!problems.isEmpty()) {
      out.onError(GrpcErrors.invalid(problems));
      return;
    }
    client.propose(new Command.RegisterCluster(ClusterId.of(request.getCluster()), ProtoMapper.fromProto(request.getTier()),
        request.getRegion(), request.getAgentAddress())).whenComplete((result, failure) -> {
          if (failure != null) {
            out.onError(GrpcErrors.unavailable("not committed, no leader reachable: " + failure.getMessage(), group.leaderApiAddress()));
          } else if (result instanceof CommandResult.Accepted a) {
            out.onNext(RegisterClusterResponse.newBuilder().setClusterSetRevision(a.revision()).build());
            out.onCompleted();
          } else if (result instanceof CommandResult.Rejected r) {
            out.onError(GrpcErrors.rejected(r.reason()));
          }
        });
  }

  private static Violation violation(String path, String message) {
    return Violation.newBuilder().setPath(path).setMessage(message).build();
  }
}

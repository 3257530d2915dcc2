package io.qonnect.client;

import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.util.concurrent.TimeUnit;

/**
 * gRPC keepalive for every channel of the client library (the CLI and the testbed's tools).
 * Without keepalive a connection whose peer vanished without a word (a host gone, a partition that drops
 * packets) looks open until TCP gives up, which can take many minutes, and every call and stream on it hangs
 * that long. The same numbers are in every qonnect module, each in its own GrpcKeepalive (no module is shared by
 * all of them); testbed's GrpcKeepaliveTest keeps the copies in agreement and every builder going through one.
 *
 * <ul>
 *   <li>{@value #PING_MILLIS} ms: a peer that sent nothing for this long is pinged. 10 s is the shortest interval
 *       gRPC lets a client use; channels ping while idle too, so a dead one is found before a call needs it;
 *   <li>{@value #TIMEOUT_MILLIS} ms: an unanswered ping closes the connection: a vanished peer is noticed within ~15 s;
 * </ul>
 */
public final class GrpcKeepalive {
  public static final long PING_MILLIS = 10_000;
  public static final long TIMEOUT_MILLIS = 5_000;

  private GrpcKeepalive() {}

  public static NettyChannelBuilder channel(NettyChannelBuilder builder) {
    return builder.keepAliveTime(PING_MILLIS, TimeUnit.MILLISECONDS).keepAliveTimeout(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)
        .keepAliveWithoutCalls(true);
  }
}

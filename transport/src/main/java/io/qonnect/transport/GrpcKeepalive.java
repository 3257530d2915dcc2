package io.qonnect.transport;

import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.util.concurrent.TimeUnit;

/**
 * gRPC keepalive and message size limits for every server and channel qonnect opens ({@link Transport} applies it; nothing else builds one).
 * Without keepalive a connection whose peer vanished without a word (a host gone, a partition that drops
 * packets) looks open until TCP gives up, which can take many minutes, and every call and stream on it hangs
 * that long.
 *
 * <ul>
 *   <li>{@value #PING_MILLIS} ms: a peer that sent nothing for this long is pinged. 10 s is the shortest interval
 *       gRPC lets a client use; channels ping while idle too, so a dead one is found before a call needs it;
 *   <li>{@value #TIMEOUT_MILLIS} ms: an unanswered ping closes the connection: a vanished peer is noticed within ~15 s;
 *   <li>{@value #PERMIT_MILLIS} ms: how often a server lets a client ping, idle or not. It must not exceed any
 *       client's interval: with gRPC's default (5 min, never while idle) a server answers 10 s pings with GOAWAY
 *       ENHANCE_YOUR_CALM ("too_many_pings") and drops the connection. Half the client interval leaves room for jitter.
 * </ul>
 */
public final class GrpcKeepalive {
  /**
   * The largest message a server takes (a request: a spec, a report, a heartbeat): gRPC's default, set here on
   * purpose so it is one decision. A larger one is refused with RESOURCE_EXHAUSTED before anything reads it.
   */
  public static final int MAX_REQUEST_BYTES = 4 << 20;
  /**
   * The largest message a channel takes (an answer: a desired state, an observation snapshot, a list): larger
   * than a request, since one answer can describe a whole federation; bounded so a broken or hostile server
   * cannot make a client allocate without limit.
   */
  public static final int MAX_RESPONSE_BYTES = 64 << 20;
  public static final long PING_MILLIS = 10_000;
  public static final long TIMEOUT_MILLIS = 5_000;
  public static final long PERMIT_MILLIS = 5_000;

  private GrpcKeepalive() {}

  static NettyServerBuilder server(NettyServerBuilder builder) {
    return builder.keepAliveTime(PING_MILLIS, TimeUnit.MILLISECONDS).keepAliveTimeout(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)
        .permitKeepAliveTime(PERMIT_MILLIS, TimeUnit.MILLISECONDS).permitKeepAliveWithoutCalls(true).maxInboundMessageSize(MAX_REQUEST_BYTES);
  }

  static NettyChannelBuilder channel(NettyChannelBuilder builder) {
    return builder.keepAliveTime(PING_MILLIS, TimeUnit.MILLISECONDS).keepAliveTimeout(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)
        .keepAliveWithoutCalls(true).maxInboundMessageSize(MAX_RESPONSE_BYTES);
  }
}

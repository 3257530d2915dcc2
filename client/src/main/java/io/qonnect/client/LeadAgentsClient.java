package io.qonnect.client;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.qonnect.transport.Identity;
import io.qonnect.transport.Transport;
import io.qonnect.proto.v1.ControlPlaneGrpc;
import io.qonnect.proto.v1.KnowledgeBaseGrpc;
import io.qonnect.proto.v1.LeaderRequest;
import io.qonnect.proto.v1.ApplyRequest;
import io.qonnect.proto.v1.ApplyResponse;
import io.qonnect.proto.v1.DeleteApplicationRequest;
import io.qonnect.proto.v1.DeleteApplicationResponse;
import io.qonnect.proto.v1.AgentGatewayGrpc;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A client of a group of lead agents: any of them answers (followers reach the leader themselves), and when
 * one is unreachable or has no leader the call moves on to the next, until {@code timeoutMs} has passed. That
 * is how the CLI keeps working through a leader change.
 */
public final class LeadAgentsClient implements AutoCloseable {
  private final List<String> addresses;
  private final Map<String, ManagedChannel> channels = new LinkedHashMap<>();
  private final long timeoutMs;
  private volatile int preferred;

  /**
   * @param addresses the lead agents' client API addresses, or their agent gateway addresses for {@link #callGateway}
   * @param transport this user's certificate (or {@code --insecure}); the servers must be lead agents
   */
  public LeadAgentsClient(List<String> addresses, long timeoutMs, Transport transport) {
    if (addresses.isEmpty()) throw new IllegalArgumentException("no lead agent address given");
    this.addresses = List.copyOf(addresses);
    this.timeoutMs = timeoutMs;
    for (String a : addresses) channels.put(a, transport.channel(a, Identity.LeadAgent.class));
  }

  public List<String> addresses() {
    return addresses;
  }

  /** Calls the client API, moving to another lead agent on UNAVAILABLE or a timeout. */
  public <T> T call(Function<ControlPlaneGrpc.ControlPlaneBlockingStub, T> rpc) {
    return withRetry(ch -> rpc.apply(ControlPlaneGrpc.newBlockingStub(ch).withDeadlineAfter(perAttemptMs(), TimeUnit.MILLISECONDS)));
  }

  /**
   * Applies a spec, retried like {@link #call}. Every attempt carries the same request id (a new one unless the request
   * names one): an attempt that was applied but not answered in time (a deadline, a cut connection) is answered with
   * what it did when retried, not applied again over writes made since.
   */
  public ApplyResponse apply(ApplyRequest request) {
    ApplyRequest named = request.getRequestId().isEmpty() ? request.toBuilder().setRequestId(newRequestId()).build() : request;
    return call(s -> s.apply(named));
  }

  /** Deletes an application, retried like {@link #apply} with one request id for every attempt. */
  public DeleteApplicationResponse deleteApplication(DeleteApplicationRequest request) {
    DeleteApplicationRequest named = request.getRequestId().isEmpty() ? request.toBuilder().setRequestId(newRequestId()).build() : request;
    return call(s -> s.deleteApplication(named));
  }

  private static String newRequestId() {
    return java.util.UUID.randomUUID().toString();
  }

  /**
   * Like {@link #call}, but at the leader when this client knows its address: for answers that include what
   * only the leader holds (why a singleton waits for its lease). Any lead agent answers otherwise.
   */
  public <T> T callLeader(Function<ControlPlaneGrpc.ControlPlaneBlockingStub, T> rpc) {
    try {
      String leader = call(s -> s.leader(LeaderRequest.getDefaultInstance())).getLeaderAddress();
      if (channels.containsKey(leader)) return rpc.apply(at(leader));
    } catch (StatusRuntimeException e) {
      if (!retryable(e.getStatus())) throw e;
    }
    return call(rpc);
  }

  /** Opens a server stream on the first lead agent that answers; the stream itself is not retried. */
  public <T> java.util.Iterator<T> stream(Function<ControlPlaneGrpc.ControlPlaneBlockingStub, java.util.Iterator<T>> rpc) {
    return withRetry(ch -> {
      java.util.Iterator<T> it = rpc.apply(ControlPlaneGrpc.newBlockingStub(ch));
      it.hasNext(); // surfaces UNAVAILABLE now, while another lead agent can still be tried
      return it;
    });
  }

  public <T> T callGateway(Function<AgentGatewayGrpc.AgentGatewayBlockingStub, T> rpc) {
    return withRetry(ch -> rpc.apply(AgentGatewayGrpc.newBlockingStub(ch).withDeadlineAfter(perAttemptMs(), TimeUnit.MILLISECONDS)));
  }

  /** A stub bound to one lead agent, for calls that must ask that one (e.g. its applied index). */
  public ControlPlaneGrpc.ControlPlaneBlockingStub at(String address) {
    return ControlPlaneGrpc.newBlockingStub(channels.get(address)).withDeadlineAfter(perAttemptMs(), TimeUnit.MILLISECONDS);
  }

  public static KnowledgeBaseGrpc.KnowledgeBaseBlockingStub knowledgeBase(ManagedChannel channel) {
    return KnowledgeBaseGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS);
  }

  private long perAttemptMs() {
    return Math.min(timeoutMs, 6000);
  }

  private <T> T withRetry(Function<ManagedChannel, T> attempt) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    List<String> failures = new ArrayList<>();
    int handshakesFailed = 0;
    int i = preferred;
    while (true) {
      String address = addresses.get(i % addresses.size());
      try {
        T result = attempt.apply(channels.get(address));
        preferred = i % addresses.size();
        return result;
      } catch (StatusRuntimeException e) {
        Status.Code code = e.getStatus().getCode();
        if (!retryable(e.getStatus())) throw e;
        failures.add(address + ": " + code + (e.getStatus().getDescription() == null ? "" : " " + e.getStatus().getDescription()));
        // a TLS handshake every lead agent refused will not succeed by waiting: the certificates or --insecure are wrong
        Throwable tls = tlsFailure(e);
        handshakesFailed = tls == null ? 0 : handshakesFailed + 1;
        if (handshakesFailed >= addresses.size()) {
          throw Status.UNAVAILABLE.withDescription("the TLS handshake failed with every lead agent (" + tls.getMessage()
              + "): check the CA, certificate and key you connect with, or whether the federation runs --insecure").withCause(tls).asRuntimeException();
        }
        if (System.nanoTime() > deadline) {
          throw Status.UNAVAILABLE.withDescription("no lead agent answered within " + timeoutMs + " ms: "
              + String.join("; ", failures.subList(Math.max(0, failures.size() - addresses.size()), failures.size()))).asRuntimeException();
        }
        // a lead agent that knows where the leader is says so: that one is tried next
        int hinted = addresses.indexOf(ApiError.detail(e).getLeaderAddress());
        if (hinted >= 0 && hinted != i % addresses.size()) {
          i = i - i % addresses.size() + addresses.size() + hinted;
          sleep(20);
          continue;
        }
        i++;
        if (i % addresses.size() == preferred) sleep(100);
      }
    }
  }

  /** The TLS error under a failed call, if that is why it failed. */
  private static Throwable tlsFailure(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) if (t instanceof javax.net.ssl.SSLException) return t;
    return null;
  }

  /**
   * The lead agent is gone or has no leader: another may answer. A connection reset mid-call surfaces as
   * UNKNOWN "channel closed". An attempt that timed out may still be applied: writes are retried safely only with a
   * request id ({@link #apply}, {@link #deleteApplication}); a write retried without one may be applied twice.
   */
  static boolean retryable(Status status) {
    return switch (status.getCode()) {
      case UNAVAILABLE, DEADLINE_EXCEEDED -> true;
      case UNKNOWN -> status.getDescription() != null && status.getDescription().contains("channel closed");
      default -> false;
    };
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Status.CANCELLED.withDescription("interrupted").asRuntimeException();
    }
  }

  @Override
  public void close() {
    channels.values().forEach(ManagedChannel::shutdownNow);
  }
}

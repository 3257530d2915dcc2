package io.qonnect.lead.raft;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.proto.RaftProtos.StateMachineLogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.SizeInBytes;

/** A {@link ControlPlaneStateMachine} on Ratis's real storage in a directory, and log entries applied to it as Ratis does. */
final class StateMachineFixture implements AutoCloseable {
  /** BaseStateMachine only asks the server for its id. */
  private static final RaftServer SERVER = (RaftServer) Proxy.newProxyInstance(RaftServer.class.getClassLoader(),
      new Class<?>[] {RaftServer.class}, (proxy, method, args) -> switch (method.getName()) {
        case "getId" -> RaftPeerId.valueOf("lead-1");
        case "toString" -> "server lead-1";
        default -> null;
      });

  private final Path dir;
  /** The storage of the last state machine started: closed before the next one starts (it locks the directory). */
  private RaftStorage open;

  StateMachineFixture(Path dir) {
    this.dir = dir;
  }

  /** A state machine that writes its snapshots at once, on the caller's thread. */
  ControlPlaneStateMachine started(RaftStorage.StartupOption option) throws IOException {
    return started(option, Runnable::run);
  }

  ControlPlaneStateMachine started(RaftStorage.StartupOption option, java.util.concurrent.Executor snapshotWriter) throws IOException {
    close();
    open = RaftStorage.newBuilder().setDirectory(dir.toFile()).setOption(option)
        .setLogCorruptionPolicy(RaftServerConfigKeys.Log.CorruptionPolicy.getDefault()).setStorageFreeSpaceMin(SizeInBytes.ONE_KB).build();
    open.initialize();
    ControlPlaneStateMachine sm = new ControlPlaneStateMachine(snapshotWriter);
    sm.initialize(SERVER, RaftGroupId.randomId(), open);
    return sm;
  }

  /** Applies one log entry's bytes at {@code index} in term 1; the reply's bytes. */
  static byte[] apply(ControlPlaneStateMachine sm, long index, byte[] entry) {
    LogEntryProto log = LogEntryProto.newBuilder().setTerm(1).setIndex(index).setStateMachineLogEntry(StateMachineLogEntryProto.newBuilder()
        .setLogData(ByteString.copyFrom(entry))).build();
    Message reply = sm.applyTransaction(TransactionContext.newBuilder().setStateMachine(sm).setServerRole(RaftPeerRole.FOLLOWER).setLogEntry(log).build()).join();
    return reply.getContent().toByteArray();
  }

  @Override
  public void close() throws IOException {
    if (open != null) open.close();
    open = null;
  }
}

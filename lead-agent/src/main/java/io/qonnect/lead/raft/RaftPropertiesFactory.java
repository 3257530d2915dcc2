package io.qonnect.lead.raft;

import io.qonnect.transport.Identity;
import io.qonnect.transport.Transport;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.grpc.GrpcTlsConfig;

import io.qonnect.lead.config.LeadAgentConfig;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;

/** The one place that turns a {@link LeadAgentConfig} into Ratis properties. */
public final class RaftPropertiesFactory {
  private RaftPropertiesFactory() {}

  /**
   * Ratis's TLS settings for {@code transport}: with mutual TLS the Raft port (server, client and admin
   * protocols) presents this lead agent's certificate and admits only lead agents' ones, so no other process
   * can propose a command, vote or install a snapshot. Empty parameters without TLS.
   */
  public static Parameters parameters(Transport transport) {
    Parameters parameters = new Parameters();
    if (transport instanceof Transport.MutualTls tls) {
      GrpcTlsConfig conf = new GrpcTlsConfig(tls.keyManager(), tls.trustManager(Identity.LeadAgent.class), true);
      GrpcConfigKeys.TLS.setConf(parameters, conf);
      GrpcConfigKeys.Server.setTlsConf(parameters, conf);
      GrpcConfigKeys.Client.setTlsConf(parameters, conf);
      GrpcConfigKeys.Admin.setTlsConf(parameters, conf);
    }
    return parameters;
  }

  public static RaftProperties create(LeadAgentConfig config) {
    RaftProperties p = create(StorageStart.raftDir(config.dataDir()), config.self().host(), config.self().raftPort(), config.electionMinMs(),
        config.electionMaxMs(), config.snapshotEvery());
    config.raftProperties().forEach(p::set); // the operator's tuning last: it overrides ours
    return p;
  }

  /** The properties of a lead agent's Raft server: storage, Raft address, election timeouts, reads, snapshots, log segments. */
  public static RaftProperties create(java.nio.file.Path raftDir, String host, int raftPort, int electionMinMs, int electionMaxMs, long snapshotEvery) {
    RaftProperties p = new RaftProperties();
    RaftServerConfigKeys.setStorageDir(p, List.of(raftDir.toFile()));
    GrpcConfigKeys.Server.setHost(p, host);
    GrpcConfigKeys.Server.setPort(p, raftPort);
    RaftServerConfigKeys.Rpc.setTimeoutMin(p, TimeDuration.valueOf(electionMinMs, TimeUnit.MILLISECONDS));
    RaftServerConfigKeys.Rpc.setTimeoutMax(p, TimeDuration.valueOf(electionMaxMs, TimeUnit.MILLISECONDS));
    // read-your-writes on every lead agent: reads go through ReadIndex, followers included
    RaftServerConfigKeys.Read.setOption(p, RaftServerConfigKeys.Read.Option.LINEARIZABLE);
    RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(p, true);
    RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(p, snapshotEvery);
    RaftServerConfigKeys.Snapshot.setRetentionFileNum(p, 2);
    // purge the log up to the snapshot: a follower that falls further behind catches up by installing the snapshot
    RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(p, true);
    RaftServerConfigKeys.Log.setPurgeGap(p, (int) Math.min(Integer.MAX_VALUE, Math.max(1, snapshotEvery / 2)));
    // only closed segments are purged; small ones let a purge follow a snapshot soon
    RaftServerConfigKeys.Log.setSegmentSizeMax(p, SizeInBytes.valueOf("1MB"));
    // no metadata entry (the commit index) written into the log after every commit: Raft's safety does not rest on it
    // (a restarted peer learns the commit index from the leader, as it must anyway for reads); without it, 2,000
    // submissions a second open loop waited p50 192-324 ms instead of 279-418 ms, 4 of 4 runs side by side
    // (docs/benchmarks.md, Ratis settings one by one)
    RaftServerConfigKeys.Log.setLogMetadataEnabled(p, false);
    return p;
  }
}

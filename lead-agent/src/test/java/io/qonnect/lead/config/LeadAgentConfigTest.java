package io.qonnect.lead.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LeadAgentConfigTest {
  static final String PEERS = "lead-1=127.0.0.1:7201:7301:7401,lead-2=127.0.0.1:7202:7302:7402,lead-3=127.0.0.1:7203:7303:7403";

  @Test
  void flagsOverrideTheEnvironmentWhichOverridesDefaults() {
    LeadAgentConfig c = LeadAgentConfig.load(new String[] {"--id", "lead-2", "--data-dir", "/data", "--election-timeout", "400-900"},
        Map.of("QONNECT_LEAD_PEERS", PEERS, "QONNECT_LEAD_ID", "lead-1", "QONNECT_SNAPSHOT_EVERY", "500", "QONNECT_INSECURE", "true"));

    assertThat(c.id()).isEqualTo("lead-2");
    assertThat(c.self().apiAddress()).isEqualTo("127.0.0.1:7302");
    assertThat(c.self().gatewayAddress()).isEqualTo("127.0.0.1:7402");
    assertThat(c.transport()).isInstanceOf(io.qonnect.transport.Transport.Insecure.class);
    assertThat(c.dataDir()).isEqualTo(Path.of("/data"));
    assertThat(c.electionMinMs()).isEqualTo(400);
    assertThat(c.electionMaxMs()).isEqualTo(900);
    assertThat(c.snapshotEvery()).isEqualTo(500);
    assertThat(c.placementIntervalMs()).isEqualTo(200);
    assertThat(c.knowledgeBase()).isEmpty();
    assertThat(c.rejoinEmpty()).as("refusing to start on a lost Raft directory is the default").isFalse();
  }

  @Test
  void rejoiningEmptyIsAskedForExplicitly() {
    assertThat(LeadAgentConfig.load(new String[] {"--id", "lead-2", "--data-dir", "/data", "--rejoin-empty", "true", "--insecure"},
        Map.of("QONNECT_LEAD_PEERS", PEERS)).rejoinEmpty()).isTrue();
    assertThat(LeadAgentConfig.load(new String[] {"--id", "lead-2", "--data-dir", "/data", "--insecure"},
        Map.of("QONNECT_LEAD_PEERS", PEERS, "QONNECT_LEAD_REJOIN_EMPTY", "true")).rejoinEmpty()).isTrue();
  }

  @Test
  void thereIsNoPlaintextByDefaultAndACertificateMustNameThisLeadAgent(@org.junit.jupiter.api.io.TempDir Path pki) {
    assertThatThrownBy(() -> LeadAgentConfig.load(new String[] {"--id", "lead-2", "--data-dir", "/data"}, Map.of("QONNECT_LEAD_PEERS", PEERS)))
        .hasMessageContaining("--ca: required").hasMessageContaining("--cert: required").hasMessageContaining("--key: required")
        .hasMessageContaining("or --insecure");
    var ca = io.qonnect.transport.CertificateAuthority.create(pki, "test", java.time.Duration.ofDays(1));
    var other = ca.issue(new io.qonnect.transport.Identity.LeadAgent("lead-1"), java.util.List.of(), java.time.Duration.ofDays(1), pki);
    assertThatThrownBy(() -> LeadAgentConfig.load(new String[] {"--id", "lead-2", "--data-dir", "/data", "--ca", pki.resolve("ca.crt").toString(),
        "--cert", other.certificate().toString(), "--key", other.key().toString()}, Map.of("QONNECT_LEAD_PEERS", PEERS)))
        .hasMessage("--cert: the certificate names lead agent lead-1, not lead agent lead-2");
    assertThatThrownBy(() -> LeadAgentConfig.load(new String[] {"--id", "lead-1", "--data-dir", "/data", "--insecure", "--ca", "x"},
        Map.of("QONNECT_LEAD_PEERS", PEERS))).hasMessageContaining("--insecure: cannot be combined with --ca/--cert/--key");
    assertThat(LeadAgentConfig.load(new String[] {"--id", "lead-1", "--data-dir", "/data", "--ca", pki.resolve("ca.crt").toString(),
        "--cert", other.certificate().toString(), "--key", other.key().toString()}, Map.of("QONNECT_LEAD_PEERS", PEERS)).transport())
        .isInstanceOf(io.qonnect.transport.Transport.MutualTls.class);
  }

  @Test
  void aGroupHasOneThreeOrFiveLeadAgents() {
    assertThatThrownBy(() -> LeadAgentConfig.load(new String[] {"--id", "a", "--data-dir", "/d", "--peers", "a=h:1:2:5,b=h:3:4:6", "--insecure"}, Map.of()))
        .hasMessage("--peers: a group has 1, 3 or 5 lead agents, got 2");
  }

  @Test
  void everyProblemIsReportedAtOnceNamingItsKey() {
    assertThatThrownBy(() -> LeadAgentConfig.load(new String[] {"--id", "lead-9", "--peers", "lead-1=host:7201:7301:7301,lead-2=bad",
        "--election-timeout", "900-400", "--snapshot-every", "-1", "--knowledge-base", "nowhere", "--colour", "blue", "--rejoin-empty", "yes"},
        Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown argument '--colour'")
        .hasMessageContaining("--peers: 'lead-2=bad' is not ID=HOST:RAFT_PORT:API_PORT:GATEWAY_PORT")
        .hasMessageContaining("--peers: lead-1's client API and agent gateway need ports of their own")
        .hasMessageContaining("--ca: required")
        .hasMessageNotContaining("'blue'")
        .hasMessageContaining("--id: 'lead-9' is not one of the --peers")
        .hasMessageContaining("--data-dir: required")
        .hasMessageContaining("--knowledge-base: expected HOST:PORT")
        .hasMessageContaining("--election-timeout: expected MIN-MAX")
        .hasMessageContaining("--snapshot-every: expected a positive number")
        .hasMessageContaining("--rejoin-empty: expected true or false, got 'yes'");
  }

  @Test
  void ratisLogAndWriteSettingsMayBeTunedButNotItsGuarantees() {
    LeadAgentConfig c = LeadAgentConfig.load(new String[] {"--id", "lead-2", "--data-dir", "/data", "--insecure"},
        Map.of("QONNECT_LEAD_PEERS", PEERS, "QONNECT_RAFT_PROPERTIES", "raft.server.log.segment.size.max=8MB, raft.server.log.force.sync.num=256"));
    assertThat(c.raftProperties()).containsExactly(Map.entry("raft.server.log.force.sync.num", "256"), Map.entry("raft.server.log.segment.size.max", "8MB"));
    assertThat(io.qonnect.lead.raft.RaftPropertiesFactory.create(c).get("raft.server.log.segment.size.max")).as("over qonnect's 1MB").isEqualTo("8MB");
    assertThat(LeadAgentConfig.load(new String[] {"--id", "lead-2", "--data-dir", "/data", "--insecure"}, Map.of("QONNECT_LEAD_PEERS", PEERS))
        .raftProperties()).isEmpty();

    assertThatThrownBy(() -> LeadAgentConfig.load(new String[] {"--id", "lead-2", "--data-dir", "/data", "--insecure", "--raft-properties",
        "raft.server.read.option=DEFAULT,raft.server.log.unsafe-flush.enabled=true,raft.server.log.write.buffer.size=,raft.server.write.byte-limit=1MB,"
            + "raft.server.write.byte-limit=2MB"}, Map.of("QONNECT_LEAD_PEERS", PEERS)))
        .hasMessageContaining("--raft-properties: 'raft.server.read.option' is not a Ratis log or write setting")
        .hasMessageContaining("--raft-properties: raft.server.log.unsafe-flush.enabled would lose acknowledged writes")
        .hasMessageContaining("--raft-properties: raft.server.log.write.buffer.size needs a value")
        .hasMessageContaining("--raft-properties: raft.server.write.byte-limit is given twice");
  }
}

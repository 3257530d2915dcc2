package io.qonnect.testbed.federation;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Packet cuts on this machine (root, cgroup v2, nft): a process in a cgroup of its own keeps a TCP connection open,
 * as a lead agent keeps its Raft and gRPC connections. A cut drops its packets, a heal lets them through, and a later
 * cut of another process — by another {@link PacketFaults}, as each drill CLI has its own — leaves it alone, although
 * the connection still carries the conntrack mark of the first cut.
 */
class PacketFaultsIT {
  @TempDir Path dir;

  @Test
  void aHealedConnectionIsNeverDroppedByALaterCutOfAnotherProcess() throws Exception {
    PacketFaults.Result first = PacketFaults.forFederation(dir);
    Assumptions.assumeTrue(first.faults().isPresent(), "packet faults unavailable here: " + first.unavailableBecause());
    try (ServerSocket echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
         ServerSocket other = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread.ofVirtual().start(() -> {
        try (Socket s = echo.accept()) {
          s.getInputStream().transferTo(s.getOutputStream());
        } catch (Exception e) {
          // the test is over
        }
      });
      // a client in cgroup "keeper": one line in, that line through the echo server, printed
      String script = "import socket,sys\ns=socket.create_connection(('127.0.0.1'," + echo.getLocalPort() + "))\nf=s.makefile('rw')\n"
          + "for line in sys.stdin:\n  f.write(line); f.flush(); print(f.readline().strip(), flush=True)\n";
      Process keeper = new ProcessBuilder(first.faults().get().inCgroup("keeper", List.of("python3", "-c", script))).start();
      try {
        OutputStream in = keeper.getOutputStream();
        BufferedReader out = new BufferedReader(new InputStreamReader(keeper.getInputStream(), StandardCharsets.UTF_8));
        assertThat(roundTrip(in, out, "before")).isEqualTo("before");

        first.faults().get().cut("keeper", List.of(echo.getLocalPort()), List.of(), true);
        in.write("during\n".getBytes(StandardCharsets.UTF_8));
        in.flush();
        CompletableFuture<String> during = CompletableFuture.supplyAsync(() -> readLine(out));
        Thread.sleep(1500);
        assertThat(during).as("cut: nothing gets through").isNotDone();
        first.faults().get().cut("keeper", List.of(echo.getLocalPort()), List.of(), false);
        assertThat(during.get(30, TimeUnit.SECONDS)).as("healed: TCP retransmits it").isEqualTo("during");

        // another CLI cuts another process: the keeper's connection, marked by the first cut, must still flow
        PacketFaults second = PacketFaults.forFederation(dir).faults().orElseThrow();
        Process bystander = new ProcessBuilder(second.inCgroup("bystander", List.of("sleep", "60"))).start();
        Thread.sleep(300); // in its cgroup by now
        second.cut("bystander", List.of(other.getLocalPort()), List.of(), true);
        in.write("after\n".getBytes(StandardCharsets.UTF_8));
        in.flush();
        CompletableFuture<String> after = CompletableFuture.supplyAsync(() -> readLine(out));
        try {
          assertThat(after.get(5, TimeUnit.SECONDS)).isEqualTo("after");
        } finally {
          bystander.destroyForcibly();
          second.clear();
        }
      } finally {
        keeper.destroyForcibly();
        first.faults().get().clear();
      }
    }
  }

  /**
   * A lossy link: the rules drop their share of the packets both ways on a port (counted), and TCP still delivers every
   * byte, in order, later. Without the rules nothing is counted.
   */
  @Test
  void aLossyLinkDropsItsShareOfPacketsAndTcpStillDeliversEverything() throws Exception {
    PacketFaults faults = PacketFaults.forFederation(dir).faults().orElse(null);
    Assumptions.assumeTrue(faults != null, "packet faults unavailable here");
    try (ServerSocket echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread.ofVirtual().start(() -> {
        try (Socket s = echo.accept()) {
          s.getInputStream().transferTo(s.getOutputStream());
        } catch (Exception e) {
          // the test is over
        }
      });
      int port = echo.getLocalPort();
      faults.redirect(List.of(), List.of(new PacketFaults.Loss(port, 10, 10)));
      try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port)) {
        client.setTcpNoDelay(true);
        BufferedReader echoed = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
        for (int i = 0; i < 60; i++) {
          client.getOutputStream().write(("line " + i + "\n").getBytes(StandardCharsets.UTF_8));
          client.getOutputStream().flush();
          assertThat(echoed.readLine()).isEqualTo("line " + i);
        }
        assertThat(faults.lost().getOrDefault(port, 0L)).as("packets dropped on port " + port + " (10 % each way of ~240)").isPositive();
      } finally {
        faults.clear();
      }
      assertThat(faults.lost()).as("no rules, nothing counted").isEmpty();
    }
  }

  private static String roundTrip(OutputStream in, BufferedReader out, String line) throws Exception {
    in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    in.flush();
    return CompletableFuture.supplyAsync(() -> readLine(out)).get(10, TimeUnit.SECONDS);
  }

  private static String readLine(BufferedReader out) {
    try {
      return out.readLine();
    } catch (Exception e) {
      throw new RuntimeException(e);
    }
  }
}

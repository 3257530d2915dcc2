package io.qonnect.testbed.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The relay against a real echo server on loopback. Only lower bounds on time are asserted (a delay relay must not
 * deliver early; how late a busy machine delivers is the benchmark's business).
 */
class WanRelayTest {
  private ServerSocket echo;

  @BeforeEach
  void echoServer() throws IOException {
    echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofVirtual().start(() -> {
      while (!echo.isClosed()) {
        try {
          Socket s = echo.accept();
          Thread.ofVirtual().start(() -> {
            try (s) {
              s.getInputStream().transferTo(s.getOutputStream());
            } catch (IOException e) {
              // the client went away
            }
          });
        } catch (IOException e) {
          return;
        }
      }
    });
  }

  @AfterEach
  void close() throws IOException {
    echo.close();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static WanLinks links(double aToB, double bToA, double jitter) {
    return new WanLinks(Map.of("a b", new WanLinks.Link("a", "b", aToB, jitter, 0), "b a", new WanLinks.Link("b", "a", bToA, jitter, 0)));
  }

  private static long roundTripMillis(Socket s) throws IOException {
    long start = System.nanoTime();
    s.getOutputStream().write('x');
    s.getOutputStream().flush();
    assertThat(s.getInputStream().read()).isEqualTo('x');
    return (System.nanoTime() - start) / 1_000_000;
  }

  @Test
  void aRoundTripTakesAtLeastBothOneWayDelaysAndFollowsReloadedLinks() throws Exception {
    int port = freePort();
    try (WanRelay relay = new WanRelay(List.of(new WanRelay.Route("a", "b", port, echo.getLocalPort())), links(10, 20, 0));
         Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setTcpNoDelay(true);
      assertThat(roundTripMillis(s)).isGreaterThanOrEqualTo(30);
      relay.links(links(40, 40, 0));
      assertThat(roundTripMillis(s)).as("the new delay, on the open connection").isGreaterThanOrEqualTo(80);
    }
  }

  @Test
  void bytesArriveIntactAndInOrderUnderJitterAndTheEndIsPassedOn() throws Exception {
    int port = freePort();
    try (WanRelay relay = new WanRelay(List.of(new WanRelay.Route("a", "b", port, echo.getLocalPort())), links(2, 2, 2));
         Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      ByteArrayOutputStream sent = new ByteArrayOutputStream();
      Thread writer = Thread.ofVirtual().start(() -> {
        try {
          OutputStream out = s.getOutputStream();
          for (int i = 0; i < 2000; i++) {
            byte[] line = ("message " + i + "\n").getBytes(StandardCharsets.UTF_8);
            out.write(line);
            synchronized (sent) {
              sent.write(line);
            }
          }
          s.shutdownOutput(); // the echo server sees the end, closes, and the relay passes that back
        } catch (IOException e) {
          throw new RuntimeException(e);
        }
      });
      InputStream in = s.getInputStream();
      byte[] received = in.readAllBytes(); // returns only once the end came back through the relay
      writer.join();
      assertThat(new String(received, StandardCharsets.UTF_8)).isEqualTo(sent.toString(StandardCharsets.UTF_8));
    }
  }

  @Test
  void aRouteToNobodyClosesTheClientsConnection() throws Exception {
    int port = freePort();
    int nobody = freePort();
    try (WanRelay relay = new WanRelay(List.of(new WanRelay.Route("a", "b", port, nobody)), links(1, 1, 0));
         Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      assertThat(new DataInputStream(s.getInputStream()).read()).isEqualTo(-1);
    }
  }

  @Test
  void routesComeAndGoWithoutTouchingTheConnectionsOfTheOthers() throws Exception {
    WanRelay.Route ab = new WanRelay.Route("a", "b", 0, echo.getLocalPort());
    try (WanRelay relay = new WanRelay(List.of(ab), links(1, 1, 0))) {
      int abPort = relay.bound().getFirst().listenPort();
      assertThat(abPort).as("any free port").isPositive();
      try (Socket open = new Socket(InetAddress.getLoopbackAddress(), abPort)) {
        roundTripMillis(open);
        WanRelay.Route ba = new WanRelay.Route("b", "a", 0, echo.getLocalPort());
        List<WanRelay.Route> bound = relay.routes(List.of(ab, ba));
        assertThat(bound).hasSize(2).contains(new WanRelay.Route("a", "b", abPort, echo.getLocalPort()));
        int baPort = bound.stream().filter(r -> r.from().equals("b")).findFirst().orElseThrow().listenPort();
        try (Socket added = new Socket(InetAddress.getLoopbackAddress(), baPort)) {
          roundTripMillis(added);
        }
        roundTripMillis(open); // still relayed

        assertThat(relay.routes(List.of(ba))).extracting(WanRelay.Route::listenPort).containsExactly(baPort);
        assertThat(bindsWithin5s(abPort)).as("a route gone stops listening").isTrue();
        roundTripMillis(open); // a route gone leaves the connections it carried
      }
    }
  }

  @Test
  void aRoutesFileNamesItsBadLine() {
    assertThat(WanRelay.Route.parse(List.of("# from to port", "a b 9000", "b a 9001 9000")))
        .containsExactly(new WanRelay.Route("a", "b", 0, 9000), new WanRelay.Route("b", "a", 9001, 9000));
    assertThatThrownBy(() -> WanRelay.Route.parse(List.of("a b"))).hasMessageContaining("line 1 'a b'");
  }

  /**
   * Whether a listener can be bound to {@code port} within 5 s, which it can only once nobody listens there (connecting
   * instead could reach itself: the port is in the ephemeral range). A closed listener's port is freed once the thread
   * blocked accepting on it has left, which on a busy machine may take a moment.
   */
  private static boolean bindsWithin5s(int port) throws InterruptedException {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (true) {
      try (ServerSocket again = new ServerSocket()) {
        again.setReuseAddress(true);
        again.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        return true;
      } catch (IOException e) {
        if (System.nanoTime() > deadline) return false;
        Thread.sleep(50);
      }
    }
  }
}

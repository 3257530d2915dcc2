package io.qonnect.testbed.federation;

import static org.assertj.core.api.Assertions.assertThat;

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
}

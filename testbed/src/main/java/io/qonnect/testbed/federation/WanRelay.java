package io.qonnect.testbed.federation;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The testbed's wide-area network, in user space: this machine's kernel has no netem, so one process holds the bytes
 * of every link between member clusters for the link's one-way delay. Each route is one direction of a pair of
 * member clusters: the relay listens on its port and forwards to the port of the cluster's agent it stands for;
 * bytes from {@code from} wait {@link WanLinks} {@code from → to}'s delay (± jitter), the answers {@code to → from}'s.
 * Order is kept (a chunk never overtakes an earlier one), so jitter shows as delay, never as reordering. The
 * agents do not know: nftables sends an agent's connections to a peer's address here ({@link PacketFaults#redirect}).
 * TLS passes through untouched, end to end. The links file is re-read when it changes, so {@code drill latency}
 * acts on open connections within a tenth of a second.
 *
 * <pre>  java io.qonnect.testbed.federation.WanRelay ROUTES_FILE LINKS_FILE</pre>
 *
 * with one route a line in ROUTES_FILE, {@code FROM TO LISTEN_PORT TARGET_PORT}, and LINKS_FILE as
 * {@link WanLinks#parse}.
 */
public final class WanRelay implements AutoCloseable {
  private static final String HOST = "127.0.0.1";
  private static final int CHUNK = 64 * 1024;

  /** One direction of a pair of member clusters: {@code from}'s connections to {@code to}'s agent, via {@code listenPort}. */
  public record Route(String from, String to, int listenPort, int targetPort) {
    public String line() {
      return from + "\t" + to + "\t" + listenPort + "\t" + targetPort;
    }

    /** @throws IllegalArgumentException naming the first malformed line */
    public static List<Route> parse(List<String> lines) {
      List<Route> routes = new ArrayList<>();
      for (int i = 0; i < lines.size(); i++) {
        String line = lines.get(i).replaceAll("#.*", "").strip();
        if (line.isEmpty()) continue;
        String[] f = line.split("\\s+");
        try {
          if (f.length != 4) throw new IllegalArgumentException("expected FROM TO LISTEN_PORT TARGET_PORT");
          routes.add(new Route(f[0], f[1], Integer.parseInt(f[2]), Integer.parseInt(f[3])));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("line " + (i + 1) + " '" + line + "': " + e.getMessage(), e);
        }
      }
      return routes;
    }
  }

  private record Chunk(byte[] bytes, long dueNanos) {
    static final Chunk END = new Chunk(new byte[0], 0);
  }

  private final List<ServerSocket> listeners = new ArrayList<>();
  private volatile WanLinks links;
  private volatile boolean closed;

  /** Binds every route's port and starts relaying. */
  public WanRelay(List<Route> routes, WanLinks links) throws IOException {
    this.links = links;
    try {
      for (Route route : routes) {
        ServerSocket server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(InetAddress.getByName(HOST), route.listenPort()));
        listeners.add(server);
        Thread.ofVirtual().name("accept " + route.from() + "→" + route.to()).start(() -> accept(server, route));
      }
    } catch (IOException e) {
      close();
      throw e;
    }
  }

  public void links(WanLinks links) {
    this.links = links;
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: WanRelay ROUTES_FILE LINKS_FILE");
      System.exit(2);
    }
    Path routesFile = Path.of(args[0]);
    Path linksFile = Path.of(args[1]);
    List<Route> routes = Route.parse(Files.readAllLines(routesFile));
    FileTime seen = Files.getLastModifiedTime(linksFile);
    try (WanRelay relay = new WanRelay(routes, WanLinks.parse(Files.readAllLines(linksFile)))) {
      System.err.println("wan relay: " + routes.size() + " routes, links from " + linksFile);
      // every port bound: say so (a port taken meanwhile fails the constructor, and the process, before this)
      Files.writeString(readyFile(routesFile), Long.toString(ProcessHandle.current().pid()));
      while (true) {
        Thread.sleep(100);
        FileTime now = Files.getLastModifiedTime(linksFile);
        if (now.equals(seen)) continue;
        seen = now;
        try {
          WanLinks next = WanLinks.parse(Files.readAllLines(linksFile));
          relay.links(next);
          System.err.println("wan relay: links reloaded (" + next.byPair().size() + " directions)");
        } catch (IOException | IllegalArgumentException e) {
          System.err.println("wan relay: " + linksFile + " not reloaded, the links stay as they were: " + e.getMessage());
        }
      }
    }
  }

  /** Written by a relay once it listens on every route's port. */
  static Path readyFile(Path routesFile) {
    return routesFile.resolveSibling("relay.ready");
  }

  private void accept(ServerSocket server, Route route) {
    while (!closed) {
      try {
        Socket client = server.accept();
        Thread.ofVirtual().start(() -> relay(client, route));
      } catch (IOException e) {
        if (!closed) System.err.println("wan relay: accept on " + route.listenPort() + ": " + e.getMessage());
        return;
      }
    }
  }

  private void relay(Socket client, Route route) {
    try (client; Socket target = new Socket()) {
      target.connect(new InetSocketAddress(InetAddress.getByName(HOST), route.targetPort()), 5000);
      client.setTcpNoDelay(true);
      target.setTcpNoDelay(true);
      Thread there = Thread.ofVirtual().start(() -> pump(client, target, route.from(), route.to()));
      pump(target, client, route.to(), route.from());
      there.join();
    } catch (IOException e) {
      // the target is not there (an agent stopped): the client sees its connection close, as it would without the relay
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Copies {@code in} to {@code out}: each chunk read is written no sooner than the link's delay after it was read,
   * and never before an earlier one; {@code in}'s end becomes {@code out}'s half-close once everything before it
   * was delivered. A failure on either side closes both (each then sees what it would have seen end to end).
   */
  private void pump(Socket in, Socket out, String from, String to) {
    BlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
    Thread writer = Thread.ofVirtual().start(() -> deliver(queue, in, out));
    long lastDue = 0;
    byte[] buffer = new byte[CHUNK];
    try {
      InputStream input = in.getInputStream();
      for (int n; (n = input.read(buffer)) >= 0; ) {
        lastDue = Math.max(lastDue, System.nanoTime() + delayNanos(from, to));
        queue.add(new Chunk(Arrays.copyOf(buffer, n), lastDue));
      }
    } catch (IOException e) {
      closeQuietly(in, out);
    }
    queue.add(Chunk.END);
    try {
      writer.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void deliver(BlockingQueue<Chunk> queue, Socket in, Socket out) {
    try {
      OutputStream output = out.getOutputStream();
      while (true) {
        Chunk chunk = queue.take();
        if (chunk == Chunk.END) {
          if (!out.isClosed()) out.shutdownOutput();
          return;
        }
        long wait = chunk.dueNanos() - System.nanoTime();
        if (wait > 0) Thread.sleep(Duration.ofNanos(wait));
        output.write(chunk.bytes());
      }
    } catch (IOException e) {
      closeQuietly(in, out);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private long delayNanos(String from, String to) {
    return links.link(from, to).map(l -> {
      double jitter = l.jitterMs() == 0 ? 0 : ThreadLocalRandom.current().nextDouble(-l.jitterMs(), l.jitterMs());
      return (long) (Math.max(0, l.delayMs() + jitter) * 1_000_000);
    }).orElse(0L);
  }

  private static void closeQuietly(Socket... sockets) {
    for (Socket s : sockets) {
      try {
        s.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    for (ServerSocket s : listeners) {
      try {
        s.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
  }
}

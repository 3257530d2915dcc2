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
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The testbed's wide-area network, in user space: this machine's kernel has no netem, so one process holds the bytes
 * of every link for the link's one-way delay. Each route is one direction between two ends — member clusters, or a
 * member cluster and a process of the control plane, or two of those — and one port of the target: the relay listens
 * on a port of its own and forwards to the target port; bytes from {@code from} wait {@link WanLinks} {@code from →
 * to}'s delay (± jitter), the answers {@code to → from}'s. Order is kept (a chunk never overtakes an earlier one), so
 * jitter shows as delay, never as reordering. The processes do not know: nftables sends a process's connections to
 * the target's address here ({@link PacketFaults#redirect}). TLS passes through untouched, end to end. The links file
 * is re-read when its content changes, so {@code drill latency} acts on open connections within a tenth of a second;
 * the routes file too, so routes come and go (agents join) without touching the connections of the others.
 *
 * <pre>  java io.qonnect.testbed.federation.WanRelay ROUTES_FILE LINKS_FILE</pre>
 *
 * with one route a line in ROUTES_FILE, {@code FROM TO TARGET_PORT}, and LINKS_FILE as {@link WanLinks#parse}. Once
 * it listens for every route of the routes file it writes them with their ports, {@code FROM TO LISTEN_PORT
 * TARGET_PORT}, to {@link #boundFile} beside it.
 */
public final class WanRelay implements AutoCloseable {
  private static final String HOST = "127.0.0.1";
  private static final int CHUNK = 64 * 1024;

  /**
   * One direction between two ends, to one port of the target: {@code from}'s connections to {@code targetPort} (of
   * {@code to}), via {@code listenPort} (0 in a routes file: any free port).
   */
  public record Route(String from, String to, int listenPort, int targetPort) {
    public String line() {
      return from + "\t" + to + "\t" + listenPort + "\t" + targetPort;
    }

    /** The route as asked for, whatever port it is heard on. */
    Route wanted() {
      return new Route(from, to, 0, targetPort);
    }

    /**
     * Lines of {@code FROM TO LISTEN_PORT TARGET_PORT}, or {@code FROM TO TARGET_PORT} (any listen port).
     *
     * @throws IllegalArgumentException naming the first malformed line
     */
    public static List<Route> parse(List<String> lines) {
      List<Route> routes = new ArrayList<>();
      for (int i = 0; i < lines.size(); i++) {
        String line = lines.get(i).replaceAll("#.*", "").strip();
        if (line.isEmpty()) continue;
        String[] f = line.split("\\s+");
        try {
          if (f.length == 3) routes.add(new Route(f[0], f[1], 0, Integer.parseInt(f[2])));
          else if (f.length == 4) routes.add(new Route(f[0], f[1], Integer.parseInt(f[2]), Integer.parseInt(f[3])));
          else throw new IllegalArgumentException("expected FROM TO [LISTEN_PORT] TARGET_PORT");
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

  /** The routes listened for, as asked for ({@link Route#wanted}), and where. */
  private final Map<Route, ServerSocket> listeners = new LinkedHashMap<>();
  private volatile WanLinks links;

  /** Binds every route's port (0: any) and starts relaying. */
  public WanRelay(List<Route> routes, WanLinks links) throws IOException {
    this.links = links;
    try {
      routes(routes);
    } catch (IOException e) {
      close();
      throw e;
    }
  }

  /**
   * Listens for exactly these routes from now on: those new are bound (on their port, or any if 0 or taken), those gone
   * closed (their open connections too end when the target or the client closes them); the others stay as they are,
   * with their connections. Returns every route with the port it is heard on.
   */
  public synchronized List<Route> routes(List<Route> routes) throws IOException {
    java.util.Set<Route> wanted = new java.util.LinkedHashSet<>();
    for (Route r : routes) wanted.add(r.wanted());
    for (var it = listeners.entrySet().iterator(); it.hasNext(); ) {
      var e = it.next();
      if (wanted.contains(e.getKey())) continue;
      closeQuietly(e.getValue());
      it.remove();
    }
    for (Route route : routes) {
      if (listeners.containsKey(route.wanted())) continue;
      ServerSocket server = new ServerSocket();
      server.setReuseAddress(true);
      try {
        server.bind(new InetSocketAddress(InetAddress.getByName(HOST), route.listenPort()));
      } catch (IOException e) {
        if (route.listenPort() == 0) throw e;
        server.bind(new InetSocketAddress(InetAddress.getByName(HOST), 0)); // taken meanwhile: any other
      }
      listeners.put(route.wanted(), server);
      Thread.ofVirtual().name("accept " + route.from() + "→" + route.to()).start(() -> accept(server, route));
    }
    return bound();
  }

  /** Every route listened for, with its port. */
  public synchronized List<Route> bound() {
    return listeners.entrySet().stream().map(e -> new Route(e.getKey().from(), e.getKey().to(), e.getValue().getLocalPort(), e.getKey().targetPort())).toList();
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
    // what the files said when last read: compared by content, since two writes within a clock tick share a modification time
    List<String> routesSeen = Files.readAllLines(routesFile);
    List<String> linksSeen = Files.readAllLines(linksFile);
    try (WanRelay relay = new WanRelay(List.of(), WanLinks.parse(linksSeen))) {
      System.err.println("wan relay: routes from " + routesFile + ", links from " + linksFile);
      reloadRoutes(relay, routesFile, routesSeen);
      while (true) {
        Thread.sleep(100);
        List<String> routesNow = readOr(routesFile, routesSeen);
        if (!routesNow.equals(routesSeen)) {
          routesSeen = routesNow;
          reloadRoutes(relay, routesFile, routesNow);
        }
        List<String> linksNow = readOr(linksFile, linksSeen);
        if (linksNow.equals(linksSeen)) continue;
        linksSeen = linksNow;
        try {
          WanLinks next = WanLinks.parse(linksNow);
          relay.links(next);
          System.err.println("wan relay: links reloaded (" + next.byPair().size() + " directions)");
        } catch (IllegalArgumentException e) {
          System.err.println("wan relay: " + linksFile + " not reloaded, the links stay as they were: " + e.getMessage());
        }
      }
    }
  }

  /** The file's lines, or {@code before} while it cannot be read. */
  private static List<String> readOr(Path file, List<String> before) {
    try {
      return Files.readAllLines(file);
    } catch (IOException e) {
      return before;
    }
  }

  /** Listens for the routes {@code lines} give, and says where in {@link #boundFile} (lines it cannot parse change nothing). */
  private static void reloadRoutes(WanRelay relay, Path routesFile, List<String> lines) {
    try {
      List<Route> bound = relay.routes(Route.parse(lines));
      Path tmp = boundFile(routesFile).resolveSibling("bound.tsv.tmp");
      Files.write(tmp, bound.stream().map(Route::line).toList());
      Files.move(tmp, boundFile(routesFile), java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      System.err.println("wan relay: " + bound.size() + " routes");
    } catch (IOException | IllegalArgumentException e) {
      System.err.println("wan relay: " + routesFile + " not reloaded, the routes stay as they were: " + e.getMessage());
    }
  }

  /** Written by a relay each time it listens for every route of {@code routesFile}: the routes with their ports. */
  static Path boundFile(Path routesFile) {
    return routesFile.resolveSibling("bound.tsv");
  }

  private void accept(ServerSocket server, Route route) {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Thread.ofVirtual().start(() -> relay(client, route));
      } catch (IOException e) {
        if (!server.isClosed()) System.err.println("wan relay: accept on " + server.getLocalPort() + ": " + e.getMessage());
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

  private static void closeQuietly(java.io.Closeable... sockets) {
    for (java.io.Closeable s : sockets) {
      try {
        s.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
  }

  @Override
  public synchronized void close() {
    listeners.values().forEach(WanRelay::closeQuietly);
    listeners.clear();
  }
}

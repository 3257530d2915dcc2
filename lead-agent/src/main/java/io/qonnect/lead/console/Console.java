package io.qonnect.lead.console;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.qonnect.lead.api.ControlPlaneGrpcService;
import io.qonnect.lead.api.GroupView;
import io.qonnect.names.DnsLabel;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * The web console, served by every lead agent at {@code /console/} on its ops endpoint: read-only, from this
 * replica's state (no read barrier: the page refreshes every second and shows which lead agent and log index it
 * reads). Three files and two JSON resources, no bundler:
 * <ul>
 *   <li>{@code GET /console/api/state}: this lead agent and its group, the member clusters (health, capacity,
 *       heartbeats), every application (phase, placement, readiness) and the recent events;
 *   <li>{@code GET /console/api/applications/NAME}: one application's explanation ("why here, why not there"),
 *       diagnosis and events, as {@code qonnect describe} shows them.
 * </ul>
 * The JSON is the client API's own messages, as {@code qonnect get … -o json} prints them. The page renders every
 * value as text (never as markup) and a content security policy allows only its own script and style. The data
 * answers only with a bearer token this lead agent issued to an authenticated user of the client API
 * ({@link ConsoleTokens}: {@code qonnect console} prints a link carrying one); the three static files are public.
 */
public final class Console implements HttpHandler {
  public static final String PATH = "/console";
  private static final int EVENTS = 200;
  private static final Map<String, String> FILES = Map.of(
      "", "text/html; charset=utf-8", "index.html", "text/html; charset=utf-8",
      "console.js", "text/javascript; charset=utf-8", "console.css", "text/css; charset=utf-8");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonFormat.Printer PRINTER = JsonFormat.printer().omittingInsignificantWhitespace();

  private final ControlPlaneGrpcService api;
  private final GroupView group;
  private final LongSupplier appliedIndex;
  private final ConsoleTokens tokens;

  public Console(ControlPlaneGrpcService api, GroupView group, LongSupplier appliedIndex, ConsoleTokens tokens) {
    this.api = api;
    this.group = group;
    this.appliedIndex = appliedIndex;
    this.tokens = tokens;
  }

  @Override
  public void handle(HttpExchange ex) throws IOException {
    try (ex) {
      if (!ex.getRequestMethod().equals("GET")) {
        send(ex, 405, "text/plain; charset=utf-8", "read-only: GET only\n");
        return;
      }
      String path = ex.getRequestURI().getPath();
      String rest = path.equals(PATH) ? "" : path.startsWith(PATH + "/") ? path.substring(PATH.length() + 1) : null;
      if (rest == null) {
        send(ex, 404, "text/plain; charset=utf-8", "not found\n");
      } else if (rest.startsWith("api/") && !authorized(ex)) {
        send(ex, 401, "text/plain; charset=utf-8", "log in: 'qonnect console' prints a link with a token (any role of the client API)\n");
      } else if (rest.equals("api/state")) {
        send(ex, 200, "application/json", JSON.writeValueAsString(state()));
      } else if (rest.startsWith("api/applications/")) {
        String name = rest.substring("api/applications/".length());
        Optional<String> found = DnsLabel.isValid(name) ? api.description(name).map(d -> json(d.toBuilder().clearSpecYaml().build())) : Optional.empty();
        if (found.isPresent()) send(ex, 200, "application/json", found.get());
        else send(ex, 404, "text/plain; charset=utf-8", "no application " + (DnsLabel.isValid(name) ? name : "by that name") + "\n");
      } else if (FILES.containsKey(rest)) {
        if (rest.isEmpty() && !path.endsWith("/")) { // relative links resolve against /console/
          ex.getResponseHeaders().set("Location", PATH + "/");
          send(ex, 308, "text/plain; charset=utf-8", "");
          return;
        }
        send(ex, 200, FILES.get(rest), file(rest.isEmpty() ? "index.html" : rest));
      } else {
        send(ex, 404, "text/plain; charset=utf-8", "not found\n");
      }
    }
  }

  /** A data request carries {@code Authorization: Bearer TOKEN} with a token this lead agent issued and that has not expired. */
  private boolean authorized(HttpExchange ex) {
    String header = ex.getRequestHeaders().getFirst("Authorization");
    return header != null && header.startsWith("Bearer ") && header.length() < 200 && tokens.grant(header.substring("Bearer ".length()).strip()).isPresent();
  }

  /** What the page polls: who answers, the clusters, the applications and the recent events. */
  ObjectNode state() throws IOException {
    ObjectNode out = JSON.createObjectNode();
    out.put("leadAgent", group.selfId());
    out.put("leader", group.leaderId().orElse(""));
    out.put("term", group.term());
    out.put("appliedIndex", appliedIndex.getAsLong());
    out.set("clusters", JSON.readTree(json(api.clusters())).path("clusters"));
    out.set("applications", JSON.readTree(json(api.applications())).path("applications"));
    ArrayNode events = out.putArray("events");
    for (var e : api.recentEvents(EVENTS)) events.add(JSON.readTree(json(e)));
    return out;
  }

  private static String json(MessageOrBuilder message) {
    try {
      return PRINTER.print(message);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("cannot print " + message.getClass().getSimpleName(), e);
    }
  }

  private static String file(String name) {
    try (InputStream in = Console.class.getResourceAsStream(name)) {
      if (in == null) throw new IllegalStateException("the console's " + name + " is missing from the jar");
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void send(HttpExchange ex, int code, String type, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    var headers = ex.getResponseHeaders();
    headers.set("Content-Type", type);
    headers.set("Cache-Control", "no-store");
    headers.set("X-Content-Type-Options", "nosniff");
    headers.set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'");
    ex.sendResponseHeaders(code, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(bytes);
      }
    }
  }
}

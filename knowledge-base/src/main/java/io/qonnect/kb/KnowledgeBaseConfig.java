package io.qonnect.kb;

import io.qonnect.transport.Transport;
import io.qonnect.transport.TransportFlags;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The knowledge base process's settings. From the command line ({@code --listen HOST:PORT --data-dir DIR
 * [--in-memory]} and {@link TransportFlags}) over the environment ({@code QONNECT_KB_LISTEN}, {@code QONNECT_KB_DATA_DIR}, the
 * transport's) over defaults.
 */
public record KnowledgeBaseConfig(String host, int port, Path dataDir, boolean inMemory, Transport transport) {
  public static final String DEFAULT_LISTEN = "127.0.0.1:7100";

  /** Reads the settings; every problem is reported at once. */
  public static KnowledgeBaseConfig load(String[] args, java.util.Map<String, String> env) {
    String listen = env.getOrDefault("QONNECT_KB_LISTEN", DEFAULT_LISTEN);
    String dir = env.getOrDefault("QONNECT_KB_DATA_DIR", "");
    boolean inMemory = false;
    String ca = TransportFlags.fromEnv(TransportFlags.CA, env);
    String cert = TransportFlags.fromEnv(TransportFlags.CERT, env);
    String key = TransportFlags.fromEnv(TransportFlags.KEY, env);
    String insecure = TransportFlags.fromEnv(TransportFlags.INSECURE, env);
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--listen" -> listen = i + 1 < args.length ? args[++i] : "";
        case "--data-dir" -> dir = i + 1 < args.length ? args[++i] : "";
        case "--in-memory" -> inMemory = true;
        case TransportFlags.CA -> ca = i + 1 < args.length ? args[++i] : "";
        case TransportFlags.CERT -> cert = i + 1 < args.length ? args[++i] : "";
        case TransportFlags.KEY -> key = i + 1 < args.length ? args[++i] : "";
        case TransportFlags.INSECURE -> insecure = "true";
        default -> problems.add("unknown argument '" + args[i] + "' (expected --listen, --data-dir, --in-memory, --ca, --cert, --key, --insecure)");
      }
    }
    int colon = listen.lastIndexOf(':');
    int port = -1;
    try {
      port = colon < 0 ? -1 : Integer.parseInt(listen.substring(colon + 1));
    } catch (NumberFormatException e) {
      // reported below
    }
    if (colon <= 0 || port < 0 || port > 65535) problems.add("--listen: expected HOST:PORT, got '" + listen + "'");
    if (!inMemory && dir.isEmpty()) problems.add("--data-dir: required unless --in-memory");
    Transport transport = TransportFlags.parse(ca, cert, key, insecure, problems);
    if (!problems.isEmpty()) throw new IllegalArgumentException(String.join("\n", problems));
    return new KnowledgeBaseConfig(listen.substring(0, colon), port, dir.isEmpty() ? null : Path.of(dir), inMemory, transport);
  }
}

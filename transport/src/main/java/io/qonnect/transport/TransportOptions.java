package io.qonnect.transport;

import java.util.List;
import picocli.CommandLine.Option;

/**
 * The transport flags of every qonnect server, as a picocli mixin ({@code @Mixin TransportOptions transport}), read by
 * {@link ServerFlags}; what they mean is in {@link TransportFlags}.
 */
public final class TransportOptions {
  @Option(names = TransportFlags.CA, paramLabel = "FILE", defaultValue = "${env:QONNECT_TLS_CA:-}", description = "the federation's CA certificate (PEM)")
  String ca;

  @Option(names = TransportFlags.CERT, paramLabel = "FILE", defaultValue = "${env:QONNECT_TLS_CERT:-}", description = "this process's certificate (PEM)")
  String cert;

  @Option(names = TransportFlags.KEY, paramLabel = "FILE", defaultValue = "${env:QONNECT_TLS_KEY:-}", description = "its private key (PKCS#8 PEM)")
  String key;

  @Option(names = TransportFlags.INSECURE, arity = "0..1", fallbackValue = "true", defaultValue = "${env:QONNECT_INSECURE:-}",
      description = "plaintext, nobody authenticated: only for a throwaway test")
  String insecure;

  /** The transport asked for, or null with the problems (each naming its flag) added to {@code problems}. */
  public Transport transport(List<String> problems) {
    return TransportFlags.parse(ca, cert, key, insecure, problems);
  }
}

package io.qonnect.transport;

import java.nio.file.Path;
import java.util.List;

/**
 * The flags every qonnect server shares for its transport ({@link TransportOptions}), with their environment variables:
 *
 * <pre>
 *   --ca FILE      QONNECT_TLS_CA      the federation's CA certificate (PEM)
 *   --cert FILE    QONNECT_TLS_CERT    this process's certificate (PEM), issued by 'qonnect certs issue'
 *   --key FILE     QONNECT_TLS_KEY     its private key (PKCS#8 PEM)
 *   --insecure     QONNECT_INSECURE=true   plaintext, nobody authenticated: only for a throwaway test
 * </pre>
 *
 * One of the two is required: there is no plaintext default.
 */
public final class TransportFlags {
  public static final String CA = "--ca";
  public static final String CERT = "--cert";
  public static final String KEY = "--key";
  public static final String INSECURE = "--insecure";

  private TransportFlags() {}

  /**
   * The transport these values ask for; a problem (named by its flag) is added to {@code problems} and null returned.
   *
   * @param insecure "true" when {@code --insecure} was given
   */
  public static Transport parse(String ca, String cert, String key, String insecure, List<String> problems) {
    boolean plain = insecure.equals("true");
    if (!plain && !insecure.isEmpty() && !insecure.equals("false")) {
      problems.add(INSECURE + ": expected true or false, got '" + insecure + "'");
      return null;
    }
    boolean files = !ca.isEmpty() || !cert.isEmpty() || !key.isEmpty();
    if (plain && files) {
      problems.add(INSECURE + ": cannot be combined with " + CA + "/" + CERT + "/" + KEY);
      return null;
    }
    if (plain) return Transport.insecure();
    int before = problems.size();
    if (ca.isEmpty()) problems.add(CA + ": required (the federation's CA certificate), or " + INSECURE + " for plaintext");
    if (cert.isEmpty()) problems.add(CERT + ": required (this process's certificate), or " + INSECURE + " for plaintext");
    if (key.isEmpty()) problems.add(KEY + ": required (this process's private key), or " + INSECURE + " for plaintext");
    if (problems.size() > before) return null;
    try {
      return Transport.mutualTls(Path.of(ca), Path.of(cert), Path.of(key));
    } catch (IllegalArgumentException e) {
      problems.add(CA + "/" + CERT + "/" + KEY + ": " + e.getMessage());
      return null;
    }
  }

  /** The flags for a process started with {@code transport} (the launcher passes them on). */
  public static List<String> args(Transport transport) {
    return switch (transport) {
      case Transport.Insecure i -> List.of(INSECURE);
      case Transport.MutualTls t -> List.of(CA, t.ca().toString(), CERT, t.cert().toString(), KEY, t.key().toString());
    };
  }
}

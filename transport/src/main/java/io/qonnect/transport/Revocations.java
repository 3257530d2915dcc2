package io.qonnect.transport;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The certificates the federation's CA no longer vouches for: {@value #FILE} beside {@code ca.crt}, one serial number
 * (hexadecimal, as {@code openssl x509 -serial} prints it) per line, {@code #} starting a comment. {@code qonnect certs
 * revoke} writes it; it travels with {@code ca.crt} (the same directory, the same Secret), and every process reads it
 * again when it changes, so a revoked certificate stops working within seconds everywhere the file is. No file: nothing
 * revoked. Why a list and not an X.509 CRL: the CA here signs with the JDK alone (no CRL encoder), and the list has the
 * same trust as {@code ca.crt} beside it — whoever can write one can write the other.
 */
public final class Revocations {
  public static final String FILE = "revoked.txt";

  private final Path file;
  private long stamp = Long.MIN_VALUE;
  private volatile Set<BigInteger> serials = Set.of();

  /** The list that goes with the CA certificate {@code ca}. */
  public Revocations(Path ca) {
    this.file = ca.toAbsolutePath().resolveSibling(FILE);
  }

  public Path file() {
    return file;
  }

  /**
   * Reads the file if it changed since the last read (appeared, disappeared or was written).
   *
   * @return whether the list changed
   * @throws IOException when it cannot be read, or a line is no serial number (the previous list stays)
   */
  public synchronized boolean load() throws IOException {
    long now;
    try {
      now = Files.getLastModifiedTime(file).toMillis();
    } catch (NoSuchFileException e) {
      now = -1;
    }
    if (now == stamp) return false;
    Set<BigInteger> read = now == -1 ? Set.of() : parse(Files.readAllLines(file));
    stamp = now;
    boolean changed = !read.equals(serials);
    serials = Set.copyOf(read);
    return changed;
  }

  static Set<BigInteger> parse(List<String> lines) throws IOException {
    Set<BigInteger> out = new HashSet<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      int hash = line.indexOf('#');
      String serial = (hash >= 0 ? line.substring(0, hash) : line).strip();
      if (serial.startsWith("serial=")) serial = serial.substring("serial=".length());
      if (serial.isEmpty()) continue;
      try {
        out.add(new BigInteger(serial, 16));
      } catch (NumberFormatException e) {
        throw new IOException("line " + (i + 1) + ": '" + serial + "' is not a hexadecimal serial number");
      }
    }
    return out;
  }

  public boolean revoked(X509Certificate certificate) {
    return serials.contains(certificate.getSerialNumber());
  }

  /** The line {@code qonnect certs revoke} appends for a certificate. */
  public static String line(X509Certificate certificate, String who, String reason, java.time.Instant at) {
    return certificate.getSerialNumber().toString(16) + "  # " + who + ", revoked " + at + (reason.isBlank() ? "" : ": " + reason.replaceAll("[\\r\\n]+", " ").strip());
  }

  public int size() {
    return serials.size();
  }
}

package io.qonnect.transport;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The certificates the federation's CA no longer vouches for: {@value #FILE} beside {@code ca.crt}, a standard X.509
 * CRL (PEM) signed by that CA. {@code qonnect certs revoke} writes it (an external CA's CRL works as well); it travels
 * with {@code ca.crt} (the same directory, the same Secret), and every process reads it again when it changes, so a
 * revoked certificate stops working within seconds everywhere the file is. No file: nothing revoked. A file not
 * signed by the CA in {@code ca.crt} is refused: whoever can write beside {@code ca.crt} still cannot revoke (or
 * un-revoke) without the CA's key. Its next-update time is not enforced: the newest list a process has is used.
 */
public final class Revocations {
  public static final String FILE = "ca.crl";

  private final Path ca;
  private final Path file;
  private long stamp = Long.MIN_VALUE;
  private volatile Set<BigInteger> serials = Set.of();

  /** The list that goes with the CA certificate(s) in {@code ca}. */
  public Revocations(Path ca) {
    this.ca = ca.toAbsolutePath();
    this.file = this.ca.resolveSibling(FILE);
  }

  public Path file() {
    return file;
  }

  /**
   * Reads the file if it changed since the last read (appeared, disappeared or was written).
   *
   * @return whether the list changed
   * @throws IOException when it cannot be read, is no CRL, or the CA did not sign it (the previous list stays)
   */
  public synchronized boolean load() throws IOException {
    long now;
    try {
      now = Files.getLastModifiedTime(file).toMillis();
    } catch (NoSuchFileException e) {
      now = -1;
    }
    if (now == stamp) return false;
    Set<BigInteger> read = new HashSet<>();
    if (now != -1) {
      X509CRL crl = read(file, authorities(ca));
      Set<? extends X509CRLEntry> entries = crl.getRevokedCertificates();
      if (entries != null) entries.forEach(e -> read.add(e.getSerialNumber()));
    }
    stamp = now;
    boolean changed = !read.equals(serials);
    serials = Set.copyOf(read);
    return changed;
  }

  /**
   * The CRL in {@code file}, checked against the CA certificates that may have signed it.
   *
   * @throws IOException naming the file when it is no CRL or none of them signed it
   */
  public static X509CRL read(Path file, List<X509Certificate> authorities) throws IOException {
    X509CRL crl;
    try (InputStream in = Files.newInputStream(file)) {
      crl = (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(in);
    } catch (GeneralSecurityException | ClassCastException e) {
      throw new IOException(file + ": not a PEM X.509 CRL (" + e.getMessage() + ")");
    }
    for (X509Certificate authority : authorities) {
      try {
        crl.verify(authority.getPublicKey());
        return crl;
      } catch (GeneralSecurityException e) {
        // not this one: the next, if there is one (a CA bundle during a CA's rotation)
      }
    }
    throw new IOException(file + ": not signed by the CA in " + file.resolveSibling(CertificateAuthority.CA_CERT).getFileName());
  }

  private static List<X509Certificate> authorities(Path ca) throws IOException {
    try (InputStream in = Files.newInputStream(ca)) {
      Collection<? extends java.security.cert.Certificate> all = CertificateFactory.getInstance("X.509").generateCertificates(in);
      return all.stream().map(c -> (X509Certificate) c).toList();
    } catch (GeneralSecurityException e) {
      throw new IOException(ca + ": " + e.getMessage());
    }
  }

  public boolean revoked(X509Certificate certificate) {
    return serials.contains(certificate.getSerialNumber());
  }

  public int size() {
    return serials.size();
  }
}

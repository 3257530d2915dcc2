package io.qonnect.transport;

import io.grpc.util.CertificateUtils;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.List;

/** A process's CA certificate, certificate chain and key as files, read again when their modification times change. */
final class CertificateFiles {
  private final List<Path> paths;
  private long[] stamps = {-1, -1, -1};
  private X509Certificate[] authorities;
  private X509Certificate[] chain;
  private PrivateKey key;

  CertificateFiles(Path ca, Path cert, Path key) {
    this.paths = List.of(ca, cert, key);
  }

  /**
   * Reads the three files if any changed since the last successful read.
   *
   * @return whether new material was read
   * @throws GeneralSecurityException when a file does not parse or the key does not belong to the certificate
   */
  synchronized boolean load() throws IOException, GeneralSecurityException {
    long[] now = new long[3];
    for (int i = 0; i < 3; i++) now[i] = Files.getLastModifiedTime(paths.get(i)).toMillis();
    if (java.util.Arrays.equals(now, stamps)) return false;
    X509Certificate[] cas = read(paths.get(0), CertificateUtils::getX509Certificates);
    X509Certificate[] certs = read(paths.get(1), CertificateUtils::getX509Certificates);
    PrivateKey k = read(paths.get(2), CertificateUtils::getPrivateKey);
    if (cas.length == 0) throw new GeneralSecurityException(paths.get(0) + " holds no certificate");
    if (certs.length == 0) throw new GeneralSecurityException(paths.get(1) + " holds no certificate");
    requireMatch(certs[0], k);
    authorities = cas;
    chain = certs;
    key = k;
    stamps = now;
    return true;
  }

  synchronized X509Certificate[] authorities() {
    return authorities.clone();
  }

  synchronized X509Certificate[] chain() {
    return chain.clone();
  }

  synchronized PrivateKey key() {
    return key;
  }

  /** The key signs what the certificate's public key verifies: they are one pair. */
  private void requireMatch(X509Certificate cert, PrivateKey k) throws GeneralSecurityException {
    String algorithm = k.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256with" + k.getAlgorithm();
    byte[] probe = "qonnect".getBytes(StandardCharsets.US_ASCII);
    Signature signer = Signature.getInstance(algorithm);
    signer.initSign(k);
    signer.update(probe);
    byte[] signature = signer.sign();
    Signature verifier = Signature.getInstance(algorithm);
    verifier.initVerify(cert.getPublicKey());
    verifier.update(probe);
    if (!verifier.verify(signature)) throw new GeneralSecurityException(paths.get(2) + " is not the key of " + paths.get(1));
  }

  private interface Reader<T> {
    T read(InputStream in) throws IOException, GeneralSecurityException;
  }

  private static <T> T read(Path file, Reader<T> reader) throws IOException, GeneralSecurityException {
    try (InputStream in = Files.newInputStream(file)) {
      return reader.read(in);
    } catch (GeneralSecurityException | IOException e) {
      throw new GeneralSecurityException(file + ": " + e.getMessage(), e);
    }
  }
}

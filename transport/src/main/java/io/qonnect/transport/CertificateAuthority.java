package io.qonnect.transport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The federation's certificate authority, as files an operator keeps: {@code ca.crt} (give it to every process)
 * and {@code ca.key} (keep it off the servers). It issues one certificate per process and user, each naming its
 * {@link Identity} in a URI subject alternative name, with EC P-256 keys (fast handshakes when a thousand agents
 * reconnect at once). Files are PEM; keys are PKCS#8 and readable by their owner only.
 *
 * <p>An operator who runs cert-manager issues the same certificates there instead (deploy/README.md): what
 * qonnect checks is the CA and the URI, not who made the files.
 */
public final class CertificateAuthority {
  public static final String CA_CERT = "ca.crt";
  public static final String CA_KEY = "ca.key";
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final SecureRandom RANDOM = new SecureRandom();

  private final X509Certificate certificate;
  private final PrivateKey key;

  private CertificateAuthority(X509Certificate certificate, PrivateKey key) {
    this.certificate = certificate;
    this.key = key;
  }

  /** A certificate and key on disk. */
  public record Issued(Identity identity, Path certificate, Path key, Instant notAfter) {}

  /** Creates a new CA in {@code dir} (refuses to overwrite one). */
  public static CertificateAuthority create(Path dir, String name, Duration validity) {
    if (Files.exists(dir.resolve(CA_KEY))) throw new IllegalArgumentException(dir.resolve(CA_KEY) + ": a CA is already there; remove it first to start over");
    try {
      KeyPair pair = newKeyPair();
      X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, name).addRDN(BCStyle.O, Identity.TRUST_DOMAIN).build();
      Instant now = Instant.now();
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, serial(), Date.from(now.minusSeconds(300)), Date.from(now.plus(validity)),
          subject, pair.getPublic());
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
      X509Certificate cert = sign(b, pair.getPrivate());
      Files.createDirectories(dir);
      writeCertificate(dir.resolve(CA_CERT), cert);
      writeKey(dir.resolve(CA_KEY), pair.getPrivate());
      return new CertificateAuthority(cert, pair.getPrivate());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The CA in {@code dir} ({@code ca.crt} and {@code ca.key}). */
  public static CertificateAuthority load(Path dir) {
    for (String f : List.of(CA_CERT, CA_KEY)) {
      if (!Files.isReadable(dir.resolve(f))) throw new IllegalArgumentException(dir.resolve(f) + ": not found; create the CA first ('qonnect certs init --dir " + dir + "')");
    }
    return new CertificateAuthority(readCertificate(dir.resolve(CA_CERT)), readKey(dir.resolve(CA_KEY)));
  }

  /** The file name (without extension) a certificate for {@code who} gets: {@code lead-agent-lead-1}, {@code user-alice}. */
  public static String fileName(Identity who) {
    return who.uri().substring(("spiffe://" + Identity.TRUST_DOMAIN + "/").length()).replace('/', '-');
  }

  /**
   * Issues a certificate for {@code who} into {@code dir} as {@code fileName(who).crt/.key}, replacing an older one
   * (rotation: processes pick it up within seconds).
   *
   * @param hosts DNS names and IPv4 addresses the process serves on, for tools that check host names (qonnect checks identities)
   */
  public Issued issue(Identity who, List<String> hosts, Duration validity, Path dir) {
    try {
      KeyPair pair = newKeyPair();
      X500NameBuilder name = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, who instanceof Identity.User u ? u.name() : fileName(who));
      name.addRDN(BCStyle.O, who instanceof Identity.User u ? u.role().label() : Identity.TRUST_DOMAIN);
      if (who instanceof Identity.User u) u.scope().forEach((k, v) -> name.addRDN(BCStyle.OU, k + "=" + v));
      Instant now = Instant.now();
      Instant notAfter = now.plus(validity);
      if (notAfter.isAfter(certificate.getNotAfter().toInstant())) notAfter = certificate.getNotAfter().toInstant();
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(certificate, serial(), Date.from(now.minusSeconds(300)), Date.from(notAfter),
          name.build(), pair.getPublic());
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      List<GeneralName> names = new ArrayList<>(List.of(new GeneralName(GeneralName.uniformResourceIdentifier, who.uri())));
      for (String host : hosts) {
        names.add(IPV4.matcher(host).matches() ? new GeneralName(GeneralName.iPAddress, InetAddress.getByName(host).getHostAddress())
            : new GeneralName(GeneralName.dNSName, host));
      }
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
      b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)));
      b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(certificate));
      X509Certificate cert = sign(b, key);
      Files.createDirectories(dir);
      Path certFile = dir.resolve(fileName(who) + ".crt");
      Path keyFile = dir.resolve(fileName(who) + ".key");
      writeKey(keyFile, pair.getPrivate()); // the key first: a reader that sees the new certificate finds its key
      writeCertificate(certFile, cert);
      return new Issued(who, certFile, keyFile, notAfter);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public X509Certificate certificate() {
    return certificate;
  }

  /** Why a certificate is revoked: RFC 5280's reason codes an operator uses. */
  public enum RevocationReason {
    UNSPECIFIED(org.bouncycastle.asn1.x509.CRLReason.unspecified),
    KEY_COMPROMISE(org.bouncycastle.asn1.x509.CRLReason.keyCompromise),
    AFFILIATION_CHANGED(org.bouncycastle.asn1.x509.CRLReason.affiliationChanged),
    SUPERSEDED(org.bouncycastle.asn1.x509.CRLReason.superseded),
    CESSATION_OF_OPERATION(org.bouncycastle.asn1.x509.CRLReason.cessationOfOperation);

    private final int code;

    RevocationReason(int code) {
      this.code = code;
    }

    /** As written on the command line: {@code key-compromise}. */
    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
  }

  /**
   * Revokes {@code revoked}: writes {@code dir/}{@value Revocations#FILE}, an X.509 CRL this CA signs, holding every
   * certificate revoked before (from the CRL already there) and this one. Running processes read it within seconds.
   *
   * @throws IllegalArgumentException when this CA did not issue the certificate, or the CRL there is not this CA's
   */
  public Path revoke(X509Certificate revoked, RevocationReason reason, Path dir) {
    try {
      revoked.verify(certificate.getPublicKey());
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("the certificate (serial " + revoked.getSerialNumber().toString(16) + ") was not issued by this CA");
    }
    Path file = dir.resolve(Revocations.FILE);
    try {
      Instant now = Instant.now();
      var builder = new org.bouncycastle.cert.jcajce.JcaX509v2CRLBuilder(certificate, Date.from(now));
      BigInteger number = BigInteger.ONE;
      if (Files.exists(file)) {
        java.security.cert.X509CRL before = Revocations.read(file, List.of(certificate));
        builder.addCRL(new org.bouncycastle.cert.jcajce.JcaX509CRLHolder(before));
        byte[] n = before.getExtensionValue(Extension.cRLNumber.getId());
        if (n != null) {
          number = org.bouncycastle.asn1.x509.CRLNumber.getInstance(org.bouncycastle.asn1.ASN1OctetString.getInstance(n).getOctets()).getCRLNumber().add(BigInteger.ONE);
        }
      }
      builder.addCRLEntry(revoked.getSerialNumber(), Date.from(now), reason.code);
      builder.setNextUpdate(certificate.getNotAfter()); // processes use the newest file they have, whatever its age
      builder.addExtension(Extension.cRLNumber, false, new org.bouncycastle.asn1.x509.CRLNumber(number));
      builder.addExtension(Extension.authorityKeyIdentifier, false, new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(certificate));
      java.security.cert.X509CRL crl = new org.bouncycastle.cert.jcajce.JcaX509CRLConverter()
          .getCRL(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
      Files.createDirectories(dir);
      writeAtomically(file, pem("X509 CRL", crl.getEncoded()), false);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException(e);
    }
  }

  public static X509Certificate readCertificate(Path file) {
    try (var in = Files.newInputStream(file)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(file + ": not a PEM certificate (" + e.getMessage() + ")");
    }
  }

  private static PrivateKey readKey(Path file) {
    try {
      String pem = Files.readString(file).replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "").replaceAll("\\s", "");
      return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": not a PKCS#8 PEM EC key (" + e.getMessage() + ")");
    }
  }

  private static KeyPair newKeyPair() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
    return g.generateKeyPair();
  }

  private static BigInteger serial() {
    return new BigInteger(128, RANDOM);
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey signer) throws GeneralSecurityException {
    try {
      return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer)));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }

  private static void writeCertificate(Path file, X509Certificate cert) throws IOException, GeneralSecurityException {
    writeAtomically(file, pem("CERTIFICATE", cert.getEncoded()), false);
  }

  private static void writeKey(Path file, PrivateKey key) throws IOException {
    writeAtomically(file, pem("PRIVATE KEY", key.getEncoded()), true);
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  /** Written beside and renamed over: a process reloading its files never reads half of one. */
  private static void writeAtomically(Path file, String content, boolean secret) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    if (secret) {
      Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(tmp, content);
    } else {
      Files.writeString(tmp, content);
    }
    Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }
}

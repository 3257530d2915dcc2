package io.qonnect.transport;

import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ClientInterceptor;
import io.grpc.ManagedChannel;
import io.grpc.ServerCredentials;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.util.AdvancedTlsX509KeyManager;
import io.grpc.util.AdvancedTlsX509TrustManager;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * How a process talks gRPC: mutual TLS under the federation's CA (the default), or plaintext behind an explicit
 * {@code --insecure}. Every server and channel qonnect opens is built here, with {@link GrpcKeepalive}.
 *
 * <p>With mutual TLS both ends present a certificate the federation's CA issued, and each checks the other's
 * <em>identity</em> (the certificate's {@code spiffe://qonnect/…} name, see {@link Identity}) rather than a host
 * name: a channel says which kind of server it expects (an agent's channel accepts only a lead agent), and a
 * server hands the caller's identity to {@link Access}, which decides per method. Certificates, keys and the CA
 * are read again from their files every {@value #RELOAD_SECONDS} s, so a rotated certificate is used without a
 * restart (connections already open keep the one they started with). So is the CA's list of revoked certificates
 * ({@link Revocations}): a revoked peer fails the handshake, and {@link Access} refuses its calls and ends its streams
 * on connections opened before.
 */
public sealed interface Transport permits Transport.Insecure, Transport.MutualTls {
  long RELOAD_SECONDS = 2;

  /** A server listening on {@code address}; add services (each wrapped in its {@link Access} rules), then build. */
  NettyServerBuilder server(SocketAddress address);

  /** A channel to {@code target} ({@code host:port}) whose server must present an identity of kind {@code expected}. */
  ManagedChannel channel(String target, Class<? extends Identity> expected);

  /**
   * Every channel made from now on passes its calls through {@code interceptor} as well (a process's client metrics):
   * call it once, at start, before the clients are made.
   */
  void observeCalls(ClientInterceptor interceptor);

  /** Whether the federation's CA has revoked {@code certificate} ({@link Revocations}); never, without TLS. */
  boolean revoked(X509Certificate certificate);

  /** Plaintext: nobody is authenticated, every call is allowed. Only behind {@code --insecure}. */
  static Transport insecure() {
    return new Insecure();
  }

  /**
   * Mutual TLS with this process's certificate and key (PEM files) under the CA certificate in {@code ca}. Its files
   * are watched for as long as the process runs: make one per identity and keep it.
   *
   * @throws IllegalArgumentException naming the file that is missing or unreadable
   */
  static MutualTls mutualTls(Path ca, Path cert, Path key) {
    return new MutualTls(ca, cert, key);
  }

  /** "--insecure" or the three files, for logs. */
  String describe();

  /**
   * Stops re-reading the files (a test or tool about to delete them; servers and channels made keep what they hold). A
   * process keeps its transport for its whole life and never calls this.
   */
  default void stopReloading() {}

  final class Insecure implements Transport {
    private final List<ClientInterceptor> observers = new java.util.concurrent.CopyOnWriteArrayList<>();

    private Insecure() {}

    @Override
    public void observeCalls(ClientInterceptor interceptor) {
      observers.add(interceptor);
    }

    @Override
    public NettyServerBuilder server(SocketAddress address) {
      return GrpcKeepalive.server(NettyServerBuilder.forAddress(address, InsecureServerCredentials.create()));
    }

    @Override
    public ManagedChannel channel(String target, Class<? extends Identity> expected) {
      return GrpcKeepalive.channel(NettyChannelBuilder.forTarget(target, InsecureChannelCredentials.create())).intercept(observers).build();
    }

    @Override
    public boolean revoked(X509Certificate certificate) {
      return false;
    }

    @Override
    public String describe() {
      return "plaintext (--insecure): no authentication, no encryption";
    }
  }

  final class MutualTls implements Transport {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(MutualTls.class);
    /** One thread re-reads every certificate file of this process. */
    private static final ScheduledExecutorService RELOAD = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "certificate-reload");
      t.setDaemon(true);
      return t;
    });

    private final Path ca;
    private final Path cert;
    private final Path key;
    private final AdvancedTlsX509KeyManager keyManager = new AdvancedTlsX509KeyManager();
    private final Map<Class<? extends Identity>, AdvancedTlsX509TrustManager> trustManagers = new ConcurrentHashMap<>();
    private final Identity self;
    private final CertificateFiles files;
    private final Revocations revocations;
    private final List<ClientInterceptor> observers = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final java.util.concurrent.ScheduledFuture<?> reloading;

    @Override
    public void observeCalls(ClientInterceptor interceptor) {
      observers.add(interceptor);
    }

    private MutualTls(Path ca, Path cert, Path key) {
      this.ca = ca;
      this.cert = cert;
      this.key = key;
      List<String> missing = new ArrayList<>();
      if (!Files.isReadable(ca)) missing.add("TLS CA certificate " + ca + ": not a readable file");
      if (!Files.isReadable(cert)) missing.add("TLS certificate " + cert + ": not a readable file");
      if (!Files.isReadable(key)) missing.add("TLS key " + key + ": not a readable file");
      if (!missing.isEmpty()) throw new IllegalArgumentException(String.join("\n", missing));
      try {
        files = new CertificateFiles(ca, cert, key);
        files.load(); // a bad file fails the start, not the first call
      } catch (IOException | GeneralSecurityException | RuntimeException e) {
        throw new IllegalArgumentException("TLS certificate " + cert + " with key " + key + " under CA " + ca + ": " + e.getMessage(), e);
      }
      self = Identity.of(files.chain()[0]).orElseThrow(() -> new IllegalArgumentException("TLS certificate " + cert
          + ": carries no qonnect identity (issue it with 'qonnect certs issue')"));
      revocations = new Revocations(ca);
      try {
        revocations.load();
      } catch (IOException e) {
        throw new IllegalArgumentException("TLS revocation list " + revocations.file() + ": " + e.getMessage(), e);
      }
      keyManager.updateIdentityCredentials(files.chain(), files.key());
      // for the life of the process: servers and channels hold the key and trust managers, not this object
      reloading = RELOAD.scheduleWithFixedDelay(this::reloadIfChanged, RELOAD_SECONDS, RELOAD_SECONDS, TimeUnit.SECONDS);
    }

    @Override
    public void stopReloading() {
      reloading.cancel(false);
    }

    /**
     * Reads the files again when one changed (grpc-java's own file watcher polls at most once a minute). A key
     * and certificate that do not belong together (caught between two writes) are skipped until they do.
     */
    private void reloadIfChanged() {
      try {
        if (revocations.load()) LOG.info("TLS: {} read again: {} certificate(s) revoked", revocations.file(), revocations.size());
      } catch (IOException | RuntimeException e) {
        LOG.warn("TLS: cannot read {}, keeping the previous list: {}", revocations.file(), e.toString());
      }
      try {
        if (!files.load()) return;
        keyManager.updateIdentityCredentials(files.chain(), files.key());
        for (AdvancedTlsX509TrustManager tm : trustManagers.values()) tm.updateTrustCredentials(files.authorities());
        LOG.info("TLS: reloaded {} (valid until {})", cert, files.chain()[0].getNotAfter().toInstant());
      } catch (IOException | GeneralSecurityException | RuntimeException e) {
        LOG.warn("TLS: cannot reload {} / {} / {}, keeping the previous ones: {}", cert, key, ca, e.toString());
      }
    }

    public Path ca() {
      return ca;
    }

    public Path cert() {
      return cert;
    }

    public Path key() {
      return key;
    }

    /** When this process's certificate expires (as last read). */
    public java.time.Instant notAfter() {
      return files.chain()[0].getNotAfter().toInstant();
    }

    /** Who this process is, as its own certificate says. */
    public Identity self() {
      return self;
    }

    public AdvancedTlsX509KeyManager keyManager() {
      return keyManager;
    }

    /**
     * Trusts a peer whose chain the federation's CA signed and whose certificate carries an identity of kind
     * {@code expected} ({@code Identity.class}: any qonnect identity). Host names are not checked: identities are.
     */
    public AdvancedTlsX509TrustManager trustManager(Class<? extends Identity> expected) {
      return trustManagers.computeIfAbsent(expected, kind -> {
        try {
          AdvancedTlsX509TrustManager tm = AdvancedTlsX509TrustManager.newBuilder()
              .setVerification(AdvancedTlsX509TrustManager.Verification.CERTIFICATE_ONLY_VERIFICATION)
              .setSslSocketAndEnginePeerVerifier(new AdvancedTlsX509TrustManager.SslSocketAndEnginePeerVerifier() {
                @Override public void verifyPeerCertificate(X509Certificate[] chain, String authType, java.net.Socket socket) throws CertificateException {
                  requireIdentity(chain, kind);
                }

                @Override public void verifyPeerCertificate(X509Certificate[] chain, String authType, javax.net.ssl.SSLEngine engine) throws CertificateException {
                  requireIdentity(chain, kind);
                }
              })
              .build();
          tm.updateTrustCredentials(files.authorities());
          return tm;
        } catch (IOException | GeneralSecurityException e) {
          throw new IllegalStateException("TLS CA certificate " + ca + ": " + e.getMessage(), e);
        }
      });
    }

    private void requireIdentity(X509Certificate[] chain, Class<? extends Identity> kind) throws CertificateException {
      Optional<Identity> who = chain.length == 0 ? Optional.empty() : Identity.of(chain[0]);
      if (who.isEmpty()) throw new CertificateException("the peer's certificate carries no qonnect identity");
      if (!kind.isInstance(who.get())) throw new CertificateException("expected a " + kind.getSimpleName() + ", the peer is " + who.get().describe());
      if (revocations.revoked(chain[0])) {
        throw new CertificateException("the certificate of " + who.get().describe() + " (serial " + chain[0].getSerialNumber().toString(16)
            + ") is revoked (" + revocations.file() + ")");
      }
    }

    @Override
    public boolean revoked(X509Certificate certificate) {
      return revocations.revoked(certificate);
    }

    @Override
    public NettyServerBuilder server(SocketAddress address) {
      ServerCredentials credentials = TlsServerCredentials.newBuilder().keyManager(keyManager).trustManager(trustManager(Identity.class))
          .clientAuth(TlsServerCredentials.ClientAuth.REQUIRE).build();
      return GrpcKeepalive.server(NettyServerBuilder.forAddress(address, credentials));
    }

    @Override
    public ManagedChannel channel(String target, Class<? extends Identity> expected) {
      ChannelCredentials credentials = TlsChannelCredentials.newBuilder().keyManager(keyManager).trustManager(trustManager(expected)).build();
      return GrpcKeepalive.channel(NettyChannelBuilder.forTarget(target, credentials)).intercept(observers).build();
    }

    @Override
    public String describe() {
      return "mutual TLS as " + self.uri() + " (certificate " + cert + ", valid until " + notAfter() + ", CA " + ca + ")";
    }
  }
}

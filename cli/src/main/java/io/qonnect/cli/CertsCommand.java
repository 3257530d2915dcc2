package io.qonnect.cli;

import io.qonnect.transport.CertificateAuthority;
import io.qonnect.transport.Identity;
import io.qonnect.transport.Revocations;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** The federation's certificate authority as files: create it, issue a certificate per process and user, list them with their expiry. */
@Command(name = "certs", description = {"The federation's PKI: a CA and a certificate per lead agent, knowledge base, member cluster's agent and user.",
    "Every process presents its certificate and checks the other side's identity (mutual TLS); see deploy/README.md."},
    subcommands = {CertsCommand.Init.class, CertsCommand.Issue.class, CertsCommand.Revoke.class, CertsCommand.ListCerts.class})
final class CertsCommand implements Runnable {
  @Option(names = "--dir", required = true, paramLabel = "DIR", description = "where the CA (ca.crt, ca.key) and the certificates are")
  Path dir;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "init", description = "Create the CA: ca.crt (give it to every process) and ca.key (keep it off the servers).")
  static final class Init implements Callable<Integer> {
    @ParentCommand CertsCommand parent;

    @Option(names = "--days", description = "validity in days (default 3650)")
    int days = 3650;

    @Option(names = "--name", description = "the CA's common name (default 'qonnect federation CA')")
    String name = "qonnect federation CA";

    @Override
    public Integer call() {
      if (days < 1) throw new QonnectMain.UserError("--days: must be at least 1, got " + days);
      try {
        CertificateAuthority ca = CertificateAuthority.create(parent.dir, name, Duration.ofDays(days));
        parent.spec.commandLine().getOut().printf("created %s and %s (valid until %s)%n", parent.dir.resolve(CertificateAuthority.CA_CERT),
            parent.dir.resolve(CertificateAuthority.CA_KEY), ca.certificate().getNotAfter().toInstant());
      } catch (IllegalArgumentException e) {
        throw new QonnectMain.UserError(e.getMessage());
      }
      return QonnectMain.OK;
    }
  }

  @Command(name = "issue", description = {"Issue (or rotate) one certificate; running processes pick a rotated one up within seconds.",
      "The identity goes into the certificate as spiffe://qonnect/ROLE/NAME; a user's role into its subject's O."})
  static final class Issue implements Callable<Integer> {
    @ParentCommand CertsCommand parent;

    @ArgGroup(exclusive = true, multiplicity = "1") Who who;

    static final class Who {
      @Option(names = "--lead-agent", paramLabel = "ID", description = "a lead agent, by its peer id") String leadAgent;
      @Option(names = "--knowledge-base", paramLabel = "NAME", description = "the knowledge base") String knowledgeBase;
      @Option(names = "--agent", paramLabel = "CLUSTER", description = "a member cluster's resource agent: it may speak for this cluster only") String agent;
      @Option(names = "--user", paramLabel = "NAME", description = "a user (with --role)") String user;
    }

    @Option(names = "--role", description = "a user's role: viewer (read), operator (apply, delete), admin (register clusters)")
    String role;

    @Option(names = "--scope", paramLabel = "KEY=VALUE", description = "limit a user to applications labelled so (repeatable: all must match)")
    List<String> scope = new ArrayList<>();

    @Option(names = "--host", paramLabel = "NAME|IP", description = "a DNS name or IPv4 address the process serves on (repeatable), for tools that check host names")
    List<String> hosts = new ArrayList<>();

    @Option(names = "--days", description = "validity in days (default 365, at most the CA's)")
    int days = 365;

    @Override
    public Integer call() {
      List<String> problems = new ArrayList<>();
      String name = who.leadAgent != null ? who.leadAgent : who.knowledgeBase != null ? who.knowledgeBase : who.agent != null ? who.agent : who.user;
      if (!name.matches("[a-z0-9]([-a-z0-9.]{0,61}[a-z0-9])?")) problems.add("the name '" + name + "' is not a DNS-1123 name");
      if (days < 1) problems.add("--days: must be at least 1, got " + days);
      Identity.Role userRole = null;
      if (who.user != null) {
        if (role == null) problems.add("--role: required with --user (viewer, operator or admin)");
        else userRole = Identity.Role.of(role).orElse(null);
        if (role != null && userRole == null) problems.add("--role: expected viewer, operator or admin, got '" + role + "'");
      } else if (role != null) {
        problems.add("--role: only for --user");
      }
      java.util.SortedMap<String, String> labels = new java.util.TreeMap<>();
      for (String label : scope) {
        java.util.regex.Matcher m = Identity.SCOPE.matcher(label);
        if (who.user == null) problems.add("--scope: only for --user");
        else if (!m.matches()) problems.add("--scope: expected a label KEY=VALUE (as in metadata.labels), got '" + label + "'");
        else labels.put(m.group("key"), m.group("value"));
      }
      if (!problems.isEmpty()) throw new QonnectMain.UserError(String.join("\n", problems));
      Identity identity = who.leadAgent != null ? new Identity.LeadAgent(name) : who.knowledgeBase != null ? new Identity.KnowledgeBase(name)
          : who.agent != null ? new Identity.Agent(name) : new Identity.User(name, userRole, labels);
      try {
        CertificateAuthority.Issued issued = CertificateAuthority.load(parent.dir).issue(identity, hosts, Duration.ofDays(days), parent.dir);
        parent.spec.commandLine().getOut().printf("issued %s for %s: %s, key %s (valid until %s)%n", identity.uri(), identity.describe(),
            issued.certificate(), issued.key(), issued.notAfter());
      } catch (IllegalArgumentException e) {
        throw new QonnectMain.UserError(e.getMessage());
      }
      return QonnectMain.OK;
    }
  }

  @Command(name = "revoke", description = {"Revoke a certificate: the CA signs a new " + Revocations.FILE + " (an X.509 CRL) beside ca.crt.",
      "Copy that file wherever ca.crt is; every process reads it again within seconds, refuses the certificate in new",
      "connections and at its next message on connections already open (an open stream ends)."})
  static final class Revoke implements Callable<Integer> {
    @ParentCommand CertsCommand parent;

    @picocli.CommandLine.Parameters(paramLabel = "CERT", description = "the certificate file to revoke (e.g. agent-edge-1.crt)")
    Path certificate;

    @Option(names = "--reason", description = "unspecified (default), key-compromise, affiliation-changed, superseded or cessation-of-operation")
    String reason = CertificateAuthority.RevocationReason.UNSPECIFIED.label();

    @Override
    public Integer call() {
      CertificateAuthority.RevocationReason why = java.util.Arrays.stream(CertificateAuthority.RevocationReason.values())
          .filter(r -> r.label().equals(reason)).findFirst().orElseThrow(() -> new QonnectMain.UserError("--reason: expected unspecified, "
              + "key-compromise, affiliation-changed, superseded or cessation-of-operation, got '" + reason + "'"));
      if (!Files.isReadable(certificate)) throw new QonnectMain.UserError("CERT: " + certificate + " is not a readable file");
      try {
        CertificateAuthority ca = CertificateAuthority.load(parent.dir);
        X509Certificate cert = CertificateAuthority.readCertificate(certificate);
        Revocations revocations = new Revocations(parent.dir.resolve(CertificateAuthority.CA_CERT));
        revocations.load();
        String who = Identity.of(cert).map(Identity::uri).orElse(cert.getSubjectX500Principal().getName());
        if (revocations.revoked(cert)) {
          parent.spec.commandLine().getOut().printf("%s (serial %s) is already revoked in %s%n", who, cert.getSerialNumber().toString(16), revocations.file());
          return QonnectMain.OK;
        }
        Path crl = ca.revoke(cert, why, parent.dir);
        parent.spec.commandLine().getOut().printf("revoked %s (serial %s, %s) in %s: copy it beside ca.crt wherever ca.crt is%n", who,
            cert.getSerialNumber().toString(16), why.label(), crl);
      } catch (IllegalArgumentException e) {
        throw new QonnectMain.UserError("CERT: " + certificate + ": " + e.getMessage());
      } catch (IOException e) {
        throw new QonnectMain.UserError(e.getMessage());
      }
      return QonnectMain.OK;
    }
  }

  @Command(name = "list", description = "Every certificate in the directory: identity, expiry, days left, whether it is revoked.")
  static final class ListCerts implements Callable<Integer> {
    @ParentCommand CertsCommand parent;

    @Override
    public Integer call() {
      PrintWriter out = parent.spec.commandLine().getOut();
      if (!Files.isDirectory(parent.dir)) throw new QonnectMain.UserError("--dir: " + parent.dir + " is not a directory");
      out.printf("%-34s %-45s %-22s %-9s %s%n", "FILE", "IDENTITY", "NOT AFTER", "DAYS LEFT", "REVOKED");
      Revocations revocations = new Revocations(parent.dir.resolve(CertificateAuthority.CA_CERT));
      try (Stream<Path> files = Files.list(parent.dir)) {
        revocations.load();
        for (Path f : files.filter(p -> p.toString().endsWith(".crt")).sorted().toList()) {
          X509Certificate cert = CertificateAuthority.readCertificate(f);
          String who = f.getFileName().toString().equals(CertificateAuthority.CA_CERT) ? "(the CA)"
              : Identity.of(cert).map(i -> i.describe()).orElse("(no qonnect identity)");
          Instant notAfter = cert.getNotAfter().toInstant();
          out.printf("%-34s %-45s %-22s %-9d %s%n", f.getFileName(), who, notAfter, Duration.between(Instant.now(), notAfter).toDays(),
              revocations.revoked(cert) ? "revoked" : "");
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return QonnectMain.OK;
    }
  }
}

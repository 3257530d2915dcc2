package io.qonnect.lead.console;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Who may read this lead agent's console: bearer tokens it issued to authenticated users of the client API
 * ({@code qonnect console}, the ConsoleLogin call, which needs the viewer role or above). Random (256 bits), held in
 * memory only (a restarted lead agent forgets them: log in again), valid for {@link #TTL_MILLIS}, at most
 * {@link #MAX_TOKENS} at once (the oldest go first). Thread-safe.
 */
public final class ConsoleTokens {
  public static final long TTL_MILLIS = 8 * 3_600_000L;
  static final int MAX_TOKENS = 1000;

  /** A token's holder (the certificate identity that asked, "" without TLS) and its expiry. */
  public record Grant(String who, long expiresMillis) {}

  private final SecureRandom random = new SecureRandom();
  private final LongSupplier wallMillis;
  private final Map<String, Grant> grants = new LinkedHashMap<>();
  private volatile String consoleUrl = "";

  public ConsoleTokens(LongSupplier wallMillis) {
    this.wallMillis = wallMillis;
  }

  /** Where the console is served ({@code http://HOST:PORT/console/}), once it is. */
  public void servedAt(String url) {
    consoleUrl = url;
  }

  public String consoleUrl() {
    return consoleUrl;
  }

  /** A new token for {@code who}. */
  public synchronized String issue(String who) {
    long now = wallMillis.getAsLong();
    grants.values().removeIf(g -> g.expiresMillis() <= now);
    for (Iterator<String> oldest = grants.keySet().iterator(); grants.size() >= MAX_TOKENS && oldest.hasNext(); ) {
      oldest.next();
      oldest.remove();
    }
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    grants.put(token, new Grant(who, now + TTL_MILLIS));
    return token;
  }

  public synchronized Optional<Grant> grant(String token) {
    Grant g = grants.get(token);
    return g == null || g.expiresMillis() <= wallMillis.getAsLong() ? Optional.empty() : Optional.of(g);
  }
}

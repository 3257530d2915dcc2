package io.qonnect.lead.raft;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.apache.ratis.client.impl.OrderedAsync;
import org.apache.ratis.protocol.exceptions.NotLeaderException;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;

/**
 * Keeps a Raft client's redirect out of the log. Ratis's ordered client logs at ERROR every request a follower answered
 * with "not the leader, suggested leader is: …" and then sends it to that leader at once; a lead agent's first proposal
 * usually goes to a follower, so every lead agent logged an ERROR at start that an operator (and a failed test's "last
 * warnings") took for a failure. Only those events are dropped: the client's other errors stay, and a proposal whose
 * retries all fail is logged by {@link ControlPlaneClient}.
 */
public final class LeaderRedirects extends TurboFilter {
  private static final String CLIENT_LOGGER = OrderedAsync.LOG.getName();

  /** Adds the filter to this process's logging (after {@code Logs.configure}, which resets it). */
  public static void install() {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) return; // another SLF4J provider
    LeaderRedirects filter = new LeaderRedirects();
    filter.setContext(context);
    filter.start();
    context.addTurboFilter(filter);
  }

  @Override
  public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
    if (level != Level.ERROR || !logger.getName().equals(CLIENT_LOGGER)) return FilterReply.NEUTRAL;
    if (notLeader(t)) return FilterReply.DENY;
    if (params != null) {
      for (Object p : params) if (p instanceof Throwable e && notLeader(e)) return FilterReply.DENY;
    }
    return FilterReply.NEUTRAL;
  }

  private static boolean notLeader(Throwable t) {
    for (Throwable e = t; e != null; e = e.getCause() == e ? null : e.getCause()) {
      if (e instanceof NotLeaderException) return true;
    }
    return false;
  }
}

package io.qonnect.placement.spec;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Kubernetes resource quantities ("250m", "1.5", "256Mi", "1G", "1e3"), converted to millicores and bytes.
 * Rounds up, as Kubernetes does, so a request is never understated.
 */
public final class Quantities {
  private static final Pattern FORM = Pattern.compile("^([+]?[0-9]+(?:\\.[0-9]*)?|[+]?\\.[0-9]+)(?:([eE][+-]?[0-9]{1,3})|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E))?$");
  private static final Map<String, BigDecimal> SUFFIX = Map.ofEntries(
      Map.entry("Ki", BigDecimal.valueOf(1L << 10)), Map.entry("Mi", BigDecimal.valueOf(1L << 20)),
      Map.entry("Gi", BigDecimal.valueOf(1L << 30)), Map.entry("Ti", BigDecimal.valueOf(1L << 40)),
      Map.entry("Pi", BigDecimal.valueOf(1L << 50)), Map.entry("Ei", BigDecimal.valueOf(1L << 60)),
      Map.entry("n", new BigDecimal("1e-9")), Map.entry("u", new BigDecimal("1e-6")), Map.entry("m", new BigDecimal("1e-3")),
      Map.entry("k", new BigDecimal("1e3")), Map.entry("M", new BigDecimal("1e6")), Map.entry("G", new BigDecimal("1e9")),
      Map.entry("T", new BigDecimal("1e12")), Map.entry("P", new BigDecimal("1e15")), Map.entry("E", new BigDecimal("1e18")));
  private static final BigDecimal LONG_MAX = BigDecimal.valueOf(Long.MAX_VALUE);

  private Quantities() {}

  /** The quantity's value in base units (cores or bytes), or empty when it is not a quantity. */
  public static Optional<BigDecimal> parse(String text) {
    Matcher m = FORM.matcher(text.strip());
    if (!m.matches()) return Optional.empty();
    BigDecimal number = new BigDecimal(m.group(1).startsWith("+") ? m.group(1).substring(1) : m.group(1));
    if (m.group(2) != null) return Optional.of(number.scaleByPowerOfTen(Integer.parseInt(m.group(2).substring(1))));
    if (m.group(3) != null) return Optional.of(number.multiply(SUFFIX.get(m.group(3))));
    return Optional.of(number);
  }

  /** Cores → millicores, rounded up; empty when not a quantity or beyond a long. */
  public static Optional<Long> cpuMillis(String text) {
    return parse(text).map(v -> v.movePointRight(3).setScale(0, RoundingMode.CEILING)).filter(v -> v.compareTo(LONG_MAX) <= 0).map(BigDecimal::longValueExact);
  }

  public static Optional<Long> bytes(String text) {
    return parse(text).map(v -> v.setScale(0, RoundingMode.CEILING)).filter(v -> v.compareTo(LONG_MAX) <= 0).map(BigDecimal::longValueExact);
  }

  public static String formatCpu(long millis) {
    return millis % 1000 == 0 ? Long.toString(millis / 1000) : millis + "m";
  }

  public static String formatMemory(long bytes) {
    String[] units = {"Ei", "Pi", "Ti", "Gi", "Mi", "Ki"};
    for (int i = 0; i < units.length; i++) {
      long unit = 1L << (10 * (6 - i));
      if (bytes >= unit && bytes % unit == 0) return bytes / unit + units[i];
    }
    return Long.toString(bytes);
  }
}

package io.qonnect.names;

import java.util.regex.Pattern;

/**
 * The one naming rule of qonnect: application, component and member cluster names are DNS-1123 labels, as
 * Kubernetes names namespaces — lower-case letters, digits and '-', starting and ending with a letter or digit,
 * at most 63 characters. An application's namespace in a member cluster is {@code qonnect-} + its name, so
 * that name must fit too ({@link #MAX_APPLICATION}).
 */
public final class DnsLabel {
  public static final int MAX = 63;
  /** {@value #MAX} less the {@code qonnect-} prefix of the application's namespace. */
  public static final int MAX_APPLICATION = MAX - "qonnect-".length();
  private static final Pattern FORM = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

  private DnsLabel() {}

  public static boolean isValid(String name) {
    return name != null && FORM.matcher(name).matches();
  }

  /** @return why {@code name} is not a label, naming {@code field}; empty if it is one */
  public static String problem(String field, String name) {
    if (isValid(name)) return "";
    if (name == null || name.isEmpty()) return field + ": is empty; it must be a DNS-1123 label";
    if (name.length() > MAX) return field + ": '" + name + "' has " + name.length() + " characters; a DNS-1123 label has at most " + MAX;
    return field + ": '" + name + "' is not a DNS-1123 label (lower-case letters, digits and '-', starting and ending with a letter or digit)";
  }
}

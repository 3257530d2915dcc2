package io.qonnect.placement.spec;

/**
 * One problem with user input.
 *
 * @param path the field path, e.g. {@code spec.components[2].resources.cpu}; empty for the whole document
 * @param line 1-based line in the source, 0 when unknown
 */
public record Violation(String path, String message, int line, int column) {
  /** The CLI's form: {@code file:line: path: message} (line left out when unknown). */
  public String format(String source) {
    StringBuilder b = new StringBuilder(source);
    if (line > 0) b.append(':').append(line);
    b.append(": ");
    if (!path.isEmpty()) b.append(path).append(": ");
    return b.append(message).toString();
  }
}

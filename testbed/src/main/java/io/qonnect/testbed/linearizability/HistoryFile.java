package io.qonnect.testbed.linearizability;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A history on disk, one operation per line, tab-separated: client, kind, application, value ({@code -} for none),
 * invoke and return nanoseconds ({@code pending} when unknown). Drills write theirs beside their reports; a recorded
 * history is a test fixture.
 */
public final class HistoryFile {
  private HistoryFile() {}

  public static void write(Path file, List<Operation> history) throws IOException {
    List<String> lines = new ArrayList<>();
    lines.add("# client\tkind\tapplication\tvalue\tinvoke_ns\treturn_ns");
    for (Operation op : history) {
      lines.add(op.client() + "\t" + op.kind() + "\t" + op.key() + "\t" + (op.value() == null ? "-" : op.value()) + "\t" + op.invokeNanos()
          + "\t" + (op.pending() ? "pending" : Long.toString(op.returnNanos())));
    }
    Files.write(file, lines);
  }

  public static List<Operation> read(Path file) throws IOException {
    List<Operation> history = new ArrayList<>();
    int n = 0;
    for (String line : Files.readAllLines(file)) {
      n++;
      if (line.isBlank() || line.startsWith("#")) continue;
      String[] f = line.split("\t", -1);
      if (f.length != 6) throw new IllegalArgumentException(file + ":" + n + ": expected 6 tab-separated fields, got " + f.length);
      history.add(new Operation(Integer.parseInt(f[0]), Operation.Kind.valueOf(f[1]), f[2], f[3].equals("-") ? null : f[3],
          Long.parseLong(f[4]), f[5].equals("pending") ? Operation.PENDING : Long.parseLong(f[5])));
    }
    return history;
  }
}

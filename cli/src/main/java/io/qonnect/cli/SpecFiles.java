package io.qonnect.cli;

import io.qonnect.placement.spec.Parsed;
import io.qonnect.placement.spec.QosSpec;
import io.qonnect.placement.spec.QosSpecParser;
import io.qonnect.placement.spec.ReferenceFormat;
import io.qonnect.placement.spec.Tier;
import io.qonnect.placement.spec.Violation;
import io.qonnect.placement.yaml.YamlLimits;
import io.qonnect.placement.yaml.YamlTreeReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/** Reads QoS spec files (and reference-format bundles) for the commands, mapping I/O problems to user errors. */
final class SpecFiles {
  /** One parsed document and the file it came from. */
  record Loaded(String source, Parsed<QosSpec> parsed, SortedMap<Tier, String> bundleFiles) {
    /** Prints each violation as {@code file:line: path: message}; a bundle's violations name the bundle file. */
    void printViolations(PrintWriter err) {
      if (!(parsed instanceof Parsed.Invalid<QosSpec> invalid)) return;
      for (Violation v : invalid.violations()) err.println(v.format(sourceOf(v)));
    }

    private String sourceOf(Violation v) {
      for (var e : bundleFiles.entrySet()) {
        String prefix = "spec." + e.getKey().yamlName();
        if (v.path().equals(prefix) || v.path().startsWith(prefix + ".") || v.path().startsWith(prefix + "[")) return e.getValue();
      }
      return source;
    }
  }

  private SpecFiles() {}

  static String read(Path file) {
    try {
      long size = Files.size(file);
      if (size > YamlLimits.DEFAULT.maxChars() * 4L) {
        throw new QonnectMain.UserError(file + " is " + size + " bytes; a spec may be at most 1 MiB");
      }
      return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file))).toString();
    } catch (NoSuchFileException e) {
      throw new QonnectMain.UserError("cannot read " + file + ": no such file");
    } catch (CharacterCodingException e) {
      throw new QonnectMain.UserError("cannot read " + file + ": not UTF-8 text");
    } catch (IOException e) {
      throw new QonnectMain.UserError("cannot read " + file + ": " + e.getMessage());
    }
  }

  /** Every document of every file, in order; bundles (TIER=FILE) attach to reference-format descriptors. */
  static List<Loaded> load(List<Path> files, Map<String, Path> bundles) {
    SortedMap<Tier, Path> byTier = new TreeMap<>();
    bundles.forEach((tier, file) -> byTier.put(Tier.fromYaml(tier).orElseThrow(() ->
        new QonnectMain.UserError("--bundle " + tier + "=…: the tier must be cloud, fog or edge")), file));
    YamlTreeReader reader = new YamlTreeReader();
    QosSpecParser parser = new QosSpecParser(reader);
    List<Loaded> out = new ArrayList<>();
    for (Path file : files) {
      String text = read(file);
      if (!byTier.isEmpty()) {
        SortedMap<Tier, String> texts = new TreeMap<>();
        SortedMap<Tier, String> names = new TreeMap<>();
        byTier.forEach((t, p) -> {
          texts.put(t, read(p));
          names.put(t, p.toString());
        });
        out.add(new Loaded(file.toString(), ReferenceFormat.parseWithBundles(text, texts, reader), names));
        continue;
      }
      List<Parsed<QosSpec>> docs = parser.parseAll(text);
      if (docs.isEmpty()) out.add(new Loaded(file.toString(), new Parsed.Invalid<>(List.of(new Violation("", "the file holds no document", 0, 0))), new TreeMap<>()));
      docs.forEach(d -> out.add(new Loaded(file.toString(), d, new TreeMap<>())));
    }
    return out;
  }
}

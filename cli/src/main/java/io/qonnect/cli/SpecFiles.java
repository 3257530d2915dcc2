package io.qonnect.cli;

import io.qonnect.placement.spec.Parsed;
import io.qonnect.placement.spec.QosSpec;
import io.qonnect.placement.spec.QosSpecParser;
import io.qonnect.placement.spec.ReferenceFormat;
import io.qonnect.placement.spec.Tier;
import io.qonnect.placement.spec.Violation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.qonnect.placement.yaml.YamlLimits;
import io.qonnect.placement.yaml.YamlNode;
import io.qonnect.placement.yaml.YamlTreeReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/** Reads QoS spec files (and reference-format bundles) for the commands, mapping I/O problems to user errors. */
public final class SpecFiles {
  /**
   * One parsed document, the file it came from, and the text to submit for it: the file as written when it holds
   * one document (so the lead agents' messages name its lines), else the document alone, bundles inlined.
   */
  public record Loaded(String source, Parsed<QosSpec> parsed, SortedMap<Tier, String> bundleFiles, String document) {
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

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** Each document of a multi-document file on its own (comments are not kept; the lead agents validate it again). */
  private static List<String> documents(String text, YamlTreeReader reader) {
    if (!(reader.read(text) instanceof YamlTreeReader.Result.Documents d)) return List.of();
    return d.documents().stream().map(n -> write(n.toPlain())).toList();
  }

  /** The reference descriptor with its bundle files inlined under spec.TIER, as the lead agents accept it. */
  @SuppressWarnings("unchecked")
  private static String inlined(String descriptor, SortedMap<Tier, String> bundles, YamlTreeReader reader) {
    if (!(reader.read(descriptor) instanceof YamlTreeReader.Result.Documents d) || d.documents().size() != 1
        || !(d.documents().getFirst().toPlain() instanceof Map<?, ?> top)) {
      return "";
    }
    Map<String, Object> out = new LinkedHashMap<>((Map<String, Object>) top);
    Map<String, Object> spec = out.get("spec") instanceof Map<?, ?> m ? new LinkedHashMap<>((Map<String, Object>) m) : new LinkedHashMap<>();
    bundles.forEach((tier, text) -> {
      if (reader.read(text) instanceof YamlTreeReader.Result.Documents b) spec.put(tier.yamlName(), b.documents().stream().map(YamlNode::toPlain).toList());
    });
    out.put("spec", spec);
    return write(out);
  }

  private static String write(Object plain) {
    try {
      return YAML.writeValueAsString(plain);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("plain YAML data always writes: " + e.getMessage(), e);
    }
  }

  public static String read(Path file) {
    try {
      long size = Files.size(file);
      if (size > YamlLimits.MAX_DOCUMENT_BYTES) throw new QonnectMain.UserError(file + ": " + YamlLimits.tooLarge(size));
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
  public static List<Loaded> load(List<Path> files, Map<String, Path> bundles) {
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
        out.add(new Loaded(file.toString(), ReferenceFormat.parseWithBundles(text, texts, reader), names, inlined(text, texts, reader)));
        continue;
      }
      List<Parsed<QosSpec>> docs = parser.parseAll(text);
      if (docs.isEmpty()) {
        out.add(new Loaded(file.toString(), new Parsed.Invalid<>(List.of(new Violation("", "the file holds no document", 0, 0))), new TreeMap<>(), ""));
      }
      List<String> texts = docs.size() == 1 ? List.of(text) : documents(text, reader);
      for (int i = 0; i < docs.size(); i++) out.add(new Loaded(file.toString(), docs.get(i), new TreeMap<>(), i < texts.size() ? texts.get(i) : ""));
    }
    return out;
  }
}

package io.qonnect.placement.yaml;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * Reads YAML text into {@link YamlNode} trees, one per document, keeping every node's position.
 * Never throws for bad input: the result carries a {@link YamlProblem} instead.
 */
public final class YamlTreeReader {
  /** Documents read, or the first problem met (documents before it are dropped: the text is bad). */
  public sealed interface Result {
    record Documents(List<YamlNode> documents) implements Result {}

    record Failed(YamlProblem problem) implements Result {}
  }

  private final YamlLimits limits;
  private final YAMLFactory factory;

  public YamlTreeReader(YamlLimits limits) {
    this.limits = limits;
    LoaderOptions options = new LoaderOptions();
    options.setCodePointLimit(limits.maxChars() + 1);
    options.setNestingDepthLimit(limits.maxDepth() + 1);
    options.setMaxAliasesForCollections(0);
    options.setAllowDuplicateKeys(true); // reported by us, with positions, as a violation
    this.factory = YAMLFactory.builder()
        .loaderOptions(options)
        .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(limits.maxDepth() + 1).build())
        .build();
  }

  public YamlTreeReader() {
    this(YamlLimits.DEFAULT);
  }

  public Result read(String text) {
    if (text.length() > limits.maxChars()) {
      return failed("document is " + text.length() + " characters; the limit is " + limits.maxChars(), 0, 0);
    }
    try (YAMLParser parser = factory.createParser(new StringReader(text))) {
      List<YamlNode> documents = new ArrayList<>();
      Walk walk = new Walk(parser);
      JsonToken token;
      while ((token = parser.nextToken()) != null) {
        documents.add(walk.node(token, 0));
        walk.nodes = 0;
      }
      return new Result.Documents(documents);
    } catch (LimitExceeded e) {
      return failed(e.getMessage(), e.line, e.column);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      return failed(cleanMessage(e), at == null ? 0 : at.getLineNr(), at == null ? 0 : at.getColumnNr());
    } catch (IOException e) {
      throw new UncheckedIOException("reading from a String cannot fail", e);
    } catch (RuntimeException e) {
      // SnakeYAML reports some limits (code points, depth) as unchecked exceptions.
      return failed(cleanMessage(e), 0, 0);
    }
  }

  private static Result failed(String message, int line, int column) {
    return new Result.Failed(new YamlProblem(message, line, column));
  }

  /** Keeps the first line of the parser's message and drops Jackson's source-location noise. */
  private static String cleanMessage(Exception e) {
    String m = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
    if (m == null) return e.getClass().getSimpleName();
    String first = m.strip().lines().findFirst().orElse(m);
    return "YAML syntax: " + first;
  }

  private static final class LimitExceeded extends RuntimeException {
    final int line;
    final int column;

    LimitExceeded(String message, JsonLocation at) {
      super(message, null, false, false);
      this.line = at.getLineNr();
      this.column = at.getColumnNr();
    }
  }

  private final class Walk {
    private final YAMLParser parser;
    int nodes;

    Walk(YAMLParser parser) {
      this.parser = parser;
    }

    YamlNode node(JsonToken token, int depth) throws IOException {
      JsonLocation at = parser.currentTokenLocation();
      if (++nodes > limits.maxNodes()) {
        throw new LimitExceeded("document has more than " + limits.maxNodes() + " nodes", at);
      }
      if (depth > limits.maxDepth()) {
        throw new LimitExceeded("nesting deeper than " + limits.maxDepth() + " levels", at);
      }
      if (parser.isCurrentAlias()) {
        throw new LimitExceeded("YAML aliases (*" + parser.getText() + ") are not supported: write the value out", at);
      }
      int line = at.getLineNr();
      int column = at.getColumnNr();
      return switch (token) {
        case START_OBJECT -> mapping(depth, line, column);
        case START_ARRAY -> sequence(depth, line, column);
        case VALUE_STRING -> new YamlNode.Scalar(parser.getText(), parser.getText(), line, column);
        case VALUE_NUMBER_INT -> new YamlNode.Scalar(integer(at), parser.getText(), line, column);
        case VALUE_NUMBER_FLOAT -> new YamlNode.Scalar(parser.getDoubleValue(), parser.getText(), line, column);
        case VALUE_TRUE, VALUE_FALSE -> new YamlNode.Scalar(parser.getBooleanValue(), parser.getText(), line, column);
        case VALUE_NULL -> new YamlNode.Scalar(null, parser.getText(), line, column);
        default -> throw new LimitExceeded("unexpected YAML token " + token, at);
      };
    }

    private Object integer(JsonLocation at) throws IOException {
      if (parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
        throw new LimitExceeded("number " + parser.getText() + " is too large", at);
      }
      return parser.getLongValue();
    }

    private YamlNode mapping(int depth, int line, int column) throws IOException {
      LinkedHashMap<String, YamlNode.Mapping.Entry> entries = new LinkedHashMap<>();
      JsonToken token;
      while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
        String key = parser.currentName();
        JsonLocation keyAt = parser.currentTokenLocation();
        YamlNode value = node(parser.nextToken(), depth + 1);
        var previous = entries.putIfAbsent(key, new YamlNode.Mapping.Entry(key, keyAt.getLineNr(), keyAt.getColumnNr(), value));
        if (previous != null) {
          throw new LimitExceeded("duplicate key '" + key + "' (first at line " + previous.line() + ")", keyAt);
        }
      }
      if (token != JsonToken.END_OBJECT) {
        throw new LimitExceeded("unexpected YAML token " + token, parser.currentTokenLocation());
      }
      return new YamlNode.Mapping(entries, line, column);
    }

    private YamlNode sequence(int depth, int line, int column) throws IOException {
      List<YamlNode> items = new ArrayList<>();
      JsonToken token;
      while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
        if (token == null) throw new LimitExceeded("unterminated list", parser.currentTokenLocation());
        items.add(node(token, depth + 1));
      }
      return new YamlNode.Sequence(items, line, column);
    }
  }
}

package io.qonnect.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The CLI's contexts, as kubectl keeps them: which lead agents to talk to and as whom, by name, with one current.
 * A YAML file at {@code --config}, {@code $QONNECT_CONFIG} or {@code ~/.qonnect/config}:
 *
 * <pre>
 *   current-context: prod
 *   contexts:
 *     - name: prod
 *       servers: [lead-0.example:7301, lead-1.example:7301, lead-2.example:7301]
 *       ca: /home/alice/pki/ca.crt
 *       cert: /home/alice/pki/user-alice.crt
 *       key: /home/alice/pki/user-alice.key
 * </pre>
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
final class CliConfig {
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  record Context(String name, List<String> servers, String ca, String cert, String key, boolean insecure) {
    Context {
      servers = servers == null ? List.of() : List.copyOf(servers);
    }
  }

  @JsonProperty("current-context") String currentContext;
  public List<Context> contexts = new ArrayList<>();

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()).disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  static Path defaultPath() {
    String env = System.getenv("QONNECT_CONFIG");
    return env != null && !env.isBlank() ? Path.of(env) : Path.of(System.getProperty("user.home"), ".qonnect", "config");
  }

  /** The file's contexts; none when it does not exist. A file that does not parse is a user error naming it. */
  static CliConfig load(Path file) {
    if (!Files.isRegularFile(file)) return new CliConfig();
    try {
      CliConfig c = YAML.readValue(file.toFile(), CliConfig.class);
      return c == null ? new CliConfig() : c;
    } catch (IOException e) {
      throw new QonnectMain.UserError(file + ": not a qonnect config (" + e.getMessage().lines().findFirst().orElse("") + ")");
    }
  }

  void save(Path file) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.writeString(file, YAML.writeValueAsString(this));
    } catch (IOException e) {
      throw new QonnectMain.UserError(file + ": cannot write (" + e.getMessage() + ")");
    }
  }

  Optional<Context> context(String name) {
    return contexts.stream().filter(c -> c.name().equals(name)).findFirst();
  }

  /** {@code name}, or the current context when null; empty when neither names one. */
  Optional<Context> select(String name, Path file) {
    String wanted = name != null ? name : currentContext;
    if (wanted == null) return Optional.empty();
    Optional<Context> c = context(wanted);
    if (c.isEmpty()) {
      throw new QonnectMain.UserError((name != null ? "--context: " : file + ": current-context: ") + "no context named '" + wanted
          + "' in " + file + " (contexts: " + contexts.stream().map(Context::name).toList() + ")");
    }
    return c;
  }

  void put(Context context) {
    contexts.removeIf(c -> c.name().equals(context.name()));
    contexts.add(context);
  }
}

package io.qonnect.placement.yaml;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class YamlTreeReaderTest {
  private final YamlTreeReader reader = new YamlTreeReader();

  private YamlProblem problem(String text) {
    return ((YamlTreeReader.Result.Failed) reader.read(text)).problem();
  }

  @Test
  void keepsLinesAndColumnsOfKeysAndValues() {
    var docs = ((YamlTreeReader.Result.Documents) reader.read("a: 1\nb:\n  c: [x, 2.5, true, null]\n")).documents();
    var top = (YamlNode.Mapping) docs.getFirst();
    assertThat(top.entries().get("b").line()).isEqualTo(2);
    var c = (YamlNode.Sequence) ((YamlNode.Mapping) top.get("b")).get("c");
    assertThat(c.line()).isEqualTo(3);
    assertThat(c.items()).extracting(n -> ((YamlNode.Scalar) n).value()).containsExactly("x", 2.5, true, null);
    assertThat(top.get("a")).isEqualTo(new YamlNode.Scalar(1L, "1", 1, 4));
  }

  @Test
  void readsEveryDocumentOfAStream() {
    var result = (YamlTreeReader.Result.Documents) reader.read("a: 1\n---\nb: 2\n---\nc: 3\n");
    assertThat(result.documents()).hasSize(3);
    assertThat(result.documents().get(2).line()).isEqualTo(5);
  }

  @Test
  void syntaxErrorsCarryTheirPosition() {
    YamlProblem p = problem("a: 1\nb: [unclosed\nc: 3\n");
    assertThat(p.message()).startsWith("YAML syntax:");
    assertThat(p.line()).isGreaterThanOrEqualTo(2);
  }

  @Test
  void duplicateKeysAreRejectedWithBothLines() {
    YamlProblem p = problem("name: a\nother: 1\nname: b\n");
    assertThat(p.message()).isEqualTo("duplicate key 'name' (first at line 1)");
    assertThat(p.line()).isEqualTo(3);
  }

  @Test
  void aliasesAreNeverExpanded() {
    // The classic billion-laughs shape: nine levels of ten aliases each.
    StringBuilder b = new StringBuilder("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    for (char c = 'b'; c <= 'i'; c++) {
      char p = (char) (c - 1);
      b.append(c).append(": &").append(c).append(" [").append(("*" + p + ",").repeat(9)).append('*').append(p).append("]\n");
    }
    YamlProblem problem = problem(b.toString());
    assertThat(problem.message()).containsIgnoringCase("alias");
  }

  @Test
  void limitsDepthNodesAndSize() {
    YamlTreeReader small = new YamlTreeReader(new YamlLimits(1000, 5, 50));
    assertThat(((YamlTreeReader.Result.Failed) small.read("a: " + "[".repeat(10) + "]".repeat(10))).problem().message()).contains("nesting");
    assertThat(((YamlTreeReader.Result.Failed) small.read("a: [" + "1,".repeat(60) + "1]")).problem().message()).contains("more than 50 nodes");
    assertThat(((YamlTreeReader.Result.Failed) small.read("a: '" + "x".repeat(2000) + "'")).problem().message()).contains("limit is 1000");
  }

  @Test
  void hugeIntegersAreAProblemNotAnException() {
    assertThat(problem("a: 123456789012345678901234567890\n").message()).contains("too large");
  }
}

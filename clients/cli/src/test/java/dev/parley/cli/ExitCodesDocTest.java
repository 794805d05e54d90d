package dev.parley.cli;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

/** docs/cli.md is the CLI's contract: its exit-code table, command sections and examples must match the code. */
class ExitCodesDocTest {
  private static final Path DOC = Path.of("..", "..", "docs", "cli.md");

  private static String doc() throws Exception {
    return Files.readString(DOC);
  }

  @Test
  @DisplayName("the exit-code table lists exactly the Exit enum's codes and names")
  void exitTableMatchesEnum() throws Exception {
    String section = doc().split("## Exit codes")[1].split("\n## ")[0];
    Matcher row = Pattern.compile("(?m)^\\| (\\d) \\| ([a-z ]+) \\|").matcher(section);
    Map<Integer, String> documented = new LinkedHashMap<>();
    while (row.find()) {
      documented.put(Integer.parseInt(row.group(1)), row.group(2));
    }
    Map<Integer, String> code = new LinkedHashMap<>();
    Arrays.stream(Exit.values()).forEach(e -> code.put(e.code, e.name().toLowerCase().replace('_', ' ')));
    assertThat(documented).isEqualTo(code);
  }

  @Test
  @DisplayName("every command and subcommand has its section in docs/cli.md")
  void everyCommandDocumented() throws Exception {
    String doc = doc();
    CommandLine cli = new CommandLine(new ParleyCli());
    cli.getSubcommands().forEach((name, sub) -> {
      assertThat(doc).as("section for " + name).contains("### parley " + name);
      sub.getSubcommands().keySet().forEach(child -> assertThat(doc).as(name + " " + child)
          .contains("parley " + name + " " + child));
    });
  }

  @Test
  @DisplayName("every 'parley …' example in the document's code blocks parses as the CLI accepts it")
  void examplesParse() throws Exception {
    List<String> examples = new ArrayList<>();
    boolean inBlock = false;
    for (String line : doc().lines().toList()) {
      if (line.startsWith("```")) {
        inBlock = !inBlock;
      } else if (inBlock && line.startsWith("parley ")) {
        examples.add(line);
      }
    }
    assertThat(examples).hasSizeGreaterThan(30);
    for (String example : examples) {
      List<String> args = words(example);
      assertThatCode(() -> new CommandLine(new ParleyCli()).parseArgs(args.subList(1, args.size()).toArray(String[]::new)))
          .as(example).doesNotThrowAnyException();
    }
  }

  /** Shell words of an example: quotes group, a comment or a redirection ends the command. */
  static List<String> words(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder word = null;
    char quote = 0;
    for (char c : line.toCharArray()) {
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        } else {
          word.append(c);
        }
      } else if (c == '"' || c == '\'') {
        quote = c;
        word = word == null ? new StringBuilder() : word;
      } else if (Character.isWhitespace(c)) {
        if (word != null) {
          out.add(word.toString());
          word = null;
        }
      } else if ((c == '#' || c == '<') && word == null) {
        break;
      } else {
        word = word == null ? new StringBuilder() : word;
        word.append(c);
      }
    }
    if (word != null) {
      out.add(word.toString());
    }
    return out;
  }
}

package org.scribe3d.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * docs/cli.md is the rendering of the CLI's help ({@link CliReference}); with
 * {@code -Dscribe3d.updateCliDocs=true} this test writes the file instead of checking it.
 */
class CliReferenceTest {

  @Test
  void docsCliMdIsTheRenderedHelp() throws IOException {
    Path file = repositoryRoot().resolve("docs").resolve("cli.md");
    String rendered = CliReference.render();
    if (Boolean.getBoolean(CliReference.UPDATE_PROPERTY)) {
      Path tmp = file.resolveSibling("cli.md.tmp");
      Files.writeString(tmp, rendered, StandardCharsets.UTF_8);
      Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      return;
    }
    if (!Files.exists(file)) {
      fail(file + " is missing; generate it from the repository root with: " + CliReference.REGENERATE_COMMAND);
    }
    String onDisk = Files.readString(file, StandardCharsets.UTF_8);
    if (!onDisk.equals(rendered)) {
      fail("docs/cli.md is out of date with the CLI's --help (first difference: " + firstDifference(onDisk, rendered)
          + "); regenerate it from the repository root with: " + CliReference.REGENERATE_COMMAND);
    }
  }

  @Test
  void everyCommandHasASectionAndNestedCommandsAreIncluded() {
    String md = CliReference.render();
    List<CommandLine> commands = CliReference.commands(new CommandLine(new Main()));
    for (CommandLine c : commands) {
      String name = c.getCommandSpec().qualifiedName();
      assertTrue(md.contains("\n## " + name + "\n"), "no section for " + name);
    }
    assertTrue(md.contains("\n## scribe3d lm score\n"), "nested subcommands are rendered");
    assertTrue(md.contains("\n## scribe3d bench train\n"), "nested subcommands are rendered");
    for (String line : md.split("\n")) {
      assertEquals(line.stripTrailing(), line, "trailing spaces in: " + line);
    }
  }

  @Test
  void renderingDoesNotDependOnTheTerminalWidth() {
    String before = CliReference.render();
    String saved = System.getProperty("picocli.usage.width");
    System.setProperty("picocli.usage.width", "60");
    try {
      assertEquals(before, CliReference.render());
    } finally {
      if (saved == null) {
        System.clearProperty("picocli.usage.width");
      } else {
        System.setProperty("picocli.usage.width", saved);
      }
    }
  }

  /** The directory holding docs/ and lib/: the test runs in lib/, so usually the parent. */
  private static Path repositoryRoot() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve("docs")) && Files.isDirectory(p.resolve("lib"))) {
        return p;
      }
    }
    throw new IllegalStateException("no directory with docs/ and lib/ above " + Path.of("").toAbsolutePath());
  }

  private static String firstDifference(String a, String b) {
    String[] la = a.split("\n", -1);
    String[] lb = b.split("\n", -1);
    for (int i = 0; i < Math.max(la.length, lb.length); i++) {
      String x = i < la.length ? la[i] : "<end of file>";
      String y = i < lb.length ? lb[i] : "<end of file>";
      if (!x.equals(y)) {
        return "line " + (i + 1) + ": file has '" + x + "', the CLI gives '" + y + "'";
      }
    }
    return "none";
  }
}

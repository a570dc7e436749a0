package org.scribe3d.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class MainTest {
  @Test
  void helpListsCommands() {
    CliTestSupport.Result r = CliTestSupport.run("--help");
    assertEquals(0, r.exitCode());
    assertTrue(r.out().contains("Usage: scribe3d"), r.out());
  }

  /** Help text goes through printf-style formatting: a lone % in a description makes picocli warn on stderr. */
  @Test
  void everyCommandsHelpFormatsCleanly() {
    CommandLine root = new CommandLine(new Main());
    assertTrue(root.getSubcommands().size() > 10, root.getSubcommands().keySet().toString());
    for (String name : root.getSubcommands().keySet()) {
      CliTestSupport.Result r = CliTestSupport.run(name, "--help");
      assertEquals(0, r.exitCode(), name);
      assertEquals("", r.err(), name + " --help wrote to stderr");
      assertTrue(r.out().contains("Usage: scribe3d " + name), name + ": " + r.out());
    }
  }

  @Test
  void unknownCommandIsOneErrorLine() {
    CliTestSupport.Result r = CliTestSupport.run("no-such-command");
    assertEquals(2, r.exitCode());
    assertTrue(r.err().startsWith("error: "), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
  }
}

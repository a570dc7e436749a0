package org.scribe3d.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MainTest {
  @Test
  void helpListsCommands() {
    CliTestSupport.Result r = CliTestSupport.run("--help");
    assertEquals(0, r.exitCode());
    assertTrue(r.out().contains("Usage: scribe3d"), r.out());
  }

  @Test
  void unknownCommandIsOneErrorLine() {
    CliTestSupport.Result r = CliTestSupport.run("no-such-command");
    assertEquals(2, r.exitCode());
    assertTrue(r.err().startsWith("error: "), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
  }
}

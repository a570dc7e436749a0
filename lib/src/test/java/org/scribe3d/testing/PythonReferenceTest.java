package org.scribe3d.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/** The reference runner fails, never skips, and says why. */
class PythonReferenceTest {
  @Test
  void passesStdinAndArgsReturnsStdout() throws Exception {
    String out = PythonReference.runCode("import sys; print(sys.stdin.read().upper() + ':' + sys.argv[1])", "abc",
        List.of("x y"), 30);
    assertEquals("ABC:x y\n", out);
  }

  @Test
  void missingModuleFailsNamingIt() {
    AssertionFailedError e = assertThrows(AssertionFailedError.class,
        () -> PythonReference.runCode("import scribe3d_no_such_module.sub", null, List.of(), 30));
    assertTrue(e.getMessage().contains("needs module 'scribe3d_no_such_module' in /usr/bin/python3"), e.getMessage());
  }

  @Test
  void failingScriptFailsWithItsStderr() {
    AssertionFailedError e = assertThrows(AssertionFailedError.class,
        () -> PythonReference.runCode("import sys; sys.exit('reference disagrees')", null, List.of(), 30));
    assertTrue(e.getMessage().contains("exit code 1") && e.getMessage().contains("reference disagrees"),
        e.getMessage());
  }

  @Test
  void hangingScriptTimesOut() {
    long t0 = System.nanoTime();
    AssertionFailedError e = assertThrows(AssertionFailedError.class,
        () -> PythonReference.runCode("import time; time.sleep(60)", null, List.of(), 1));
    assertTrue(e.getMessage().contains("timed out after 1 s"), e.getMessage());
    assertTrue(System.nanoTime() - t0 < 30_000_000_000L);
  }

  @Test
  void missingResourceFails() {
    assertThrows(AssertionFailedError.class, () -> PythonReference.resource(PythonReferenceTest.class, "nope.py"));
  }
}

package org.scribe3d.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Runs a script on Debian's /usr/bin/python3 (numpy, nibabel) as an independent reference. */
final class PythonReference {
  private PythonReference() {}

  static String run(String script, String stdin) throws IOException, InterruptedException {
    Path py = Path.of("/usr/bin/python3");
    assertTrue(Files.isExecutable(py), "reference interpreter /usr/bin/python3 is missing (environment/setup installs it)");
    ProcessBuilder pb = new ProcessBuilder(py.toString(), "-c", script).redirectErrorStream(false);
    Process p = pb.start();
    p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "python reference timed out");
    assertEquals(0, p.exitValue(), "python reference failed: " + err);
    return out.trim();
  }
}

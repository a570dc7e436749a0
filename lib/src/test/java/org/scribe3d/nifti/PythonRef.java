package org.scribe3d.nifti;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a reference script with /usr/bin/python3 (which has nibabel, numpy, torch). A missing
 * interpreter or a failing script fails the test: the reference is required, never skipped.
 */
public final class PythonRef {
  public static final Path PYTHON = Path.of("/usr/bin/python3");

  private PythonRef() {}

  /** A test resource (next to the test classes) as a file path. */
  public static Path resource(Class<?> owner, String name) {
    try {
      return Path.of(owner.getResource(name).toURI());
    } catch (Exception e) {
      throw new AssertionError("missing test resource " + name, e);
    }
  }

  /** Runs the script with the arguments and returns its stdout; fails the test on any error. */
  public static String run(Path script, List<String> args, int timeoutSeconds) throws IOException, InterruptedException {
    assertTrue(Files.isExecutable(PYTHON), "reference interpreter " + PYTHON + " is required");
    List<String> cmd = new ArrayList<>();
    cmd.add(PYTHON.toString());
    cmd.add(script.toString());
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd);
    Path err = Files.createTempFile("pyref", ".err");
    pb.redirectError(err.toFile());
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("reference script timed out: " + cmd);
    }
    String errText = Files.readString(err);
    Files.deleteIfExists(err);
    if (p.exitValue() != 0) {
      fail("reference script failed (" + p.exitValue() + "): " + cmd + "\n" + errText);
    }
    return new String(out, StandardCharsets.UTF_8);
  }
}

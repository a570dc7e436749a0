package org.scribe3d.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs lib/src/test/resources/org/scribe3d/train/torch_reference.py with /usr/bin/python3 (torch). */
final class TorchReference {
  static final Path PYTHON = Paths.get("/usr/bin/python3");

  private TorchReference() {}

  /** Runs the script with the given args; the test fails (not skips) if python/torch is missing. */
  static String run(String... args) throws IOException, InterruptedException {
    assertTrue(Files.isExecutable(PYTHON), "reference needs /usr/bin/python3 with torch (python3-torch)");
    Path script = Path.of("src/test/resources/org/scribe3d/train/torch_reference.py").toAbsolutePath();
    assertTrue(Files.isRegularFile(script), "missing " + script);
    List<String> cmd = new ArrayList<>(List.of(PYTHON.toString(), script.toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("OMP_NUM_THREADS", "1");
    pb.redirectErrorStream(false);
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    byte[] err = p.getErrorStream().readAllBytes();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "python timed out");
    assertEquals(0, p.exitValue(), "python failed: " + new String(err, StandardCharsets.UTF_8));
    return new String(out, StandardCharsets.UTF_8);
  }
}

package org.scribe3d.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * At the library level: a training process killed with SIGKILL mid-run and
 * resumed in a new process ends with the same weights, bit for bit, as an uninterrupted run.
 */
class KillResumeTest {

  @Test
  void sigkilledRunResumedInANewProcessEndsBitIdentical(@TempDir Path tmp) throws Exception {
    Path straight = tmp.resolve("straight");
    Trainer.Result full = ResumeChild.run(straight, false, 0);
    Path run = tmp.resolve("killed");
    Process p = child(run, "fresh", 40, tmp.resolve("child1.log"));
    CheckpointStore store = new CheckpointStore(run, 2);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (store.latest().isEmpty()) {
      assertTrue(p.isAlive(), "child ended before its first checkpoint: " + Files.readString(tmp.resolve("child1.log")));
      assertTrue(System.nanoTime() < deadline, "no checkpoint after 90 s");
      Thread.sleep(20);
    }
    Thread.sleep(150); // into the next steps, mid-epoch
    p.destroyForcibly(); // SIGKILL on Linux
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    assertEquals(137, p.exitValue(), "expected death by SIGKILL");
    long killedAt = store.latest().orElseThrow().step();
    assertTrue(killedAt < full.totalSteps(), "the child finished before the kill; slow it down");
    Process q = child(run, "resume", 0, tmp.resolve("child2.log"));
    assertTrue(q.waitFor(90, TimeUnit.SECONDS), "resumed child did not finish");
    assertEquals(0, q.exitValue(), Files.readString(tmp.resolve("child2.log")));
    assertTrue(Files.readString(tmp.resolve("child2.log")).contains("done " + full.totalSteps()));

    CheckpointStore.Checkpoint a = new CheckpointStore(straight, 2).latest().orElseThrow();
    CheckpointStore.Checkpoint b = store.latest().orElseThrow();
    assertEquals(full.totalSteps(), b.step());
    try (NDManager m = NDManager.newBaseManager()) {
      Map<String, NDArray> wa = a.model(m);
      Map<String, NDArray> wb = b.model(m);
      assertEquals(wa.keySet(), wb.keySet());
      for (String k : wa.keySet()) {
        assertArrayEquals(wa.get(k).toFloatArray(), wb.get(k).toFloatArray(), 0f, k);
      }
      Map<String, NDArray> oa = a.optimizer(m);
      Map<String, NDArray> ob = b.optimizer(m);
      for (String k : oa.keySet()) {
        assertArrayEquals(oa.get(k).toFloatArray(), ob.get(k).toFloatArray(), 0f, k);
      }
    }
    assertEquals(full.totalSteps(), MetricsLog.read(run.resolve("metrics.jsonl")).size());
  }

  static Process child(Path run, String mode, long delayMs, Path log) throws IOException {
    Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
    ProcessBuilder pb = new ProcessBuilder(List.of(java.toString(), "-Xmx1g", "-Dai.djl.offline=true",
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", System.getProperty("java.class.path"),
        ResumeChild.class.getName(), run.toString(), mode, Long.toString(delayMs)));
    pb.redirectErrorStream(true);
    pb.redirectOutput(log.toFile());
    return pb.start();
  }
}

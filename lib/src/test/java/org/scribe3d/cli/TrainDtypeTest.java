package org.scribe3d.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code train --dtype}: float32 anywhere, float16 on GPUs only, bfloat16 refused with the reason. */
class TrainDtypeTest {
  @TempDir Path tmp;

  private CliTestSupport.Result train(String... more) {
    String[] base = {"train", "--data", tmp.resolve("none.json").toString(), "--out", tmp.resolve("run").toString()};
    String[] all = new String[base.length + more.length];
    System.arraycopy(base, 0, all, 0, base.length);
    System.arraycopy(more, 0, all, base.length, more.length);
    return CliTestSupport.run(all);
  }

  private static void oneLine(CliTestSupport.Result r, int code, String... parts) {
    assertEquals(code, r.exitCode(), r.err());
    assertTrue(r.err().startsWith("error: ") && r.err().strip().lines().count() == 1, r.err());
    for (String p : parts) {
      assertTrue(r.err().contains(p), r.err());
    }
  }

  @Test
  void halfOnCpuIsRefused() {
    oneLine(train("--dtype", "float16"), 2, "float16 weights need GPU devices");
    oneLine(train("--dtype", "fp16", "--devices", "cpu"), 2, "float16 weights need GPU devices");
  }

  @Test
  void bfloat16IsRefusedWithTheReason() {
    oneLine(train("--dtype", "bf16"), 2, "bfloat16", "DJL 0.36");
  }

  @Test
  void unknownDtypeAndMissingGpu() {
    oneLine(train("--dtype", "int8"), 2, "--dtype must be float32 or float16");
    // no GPU on this machine (a CUDA machine with one would get past this check)
    CliTestSupport.Result r = train("--devices", "gpu0", "--dtype", "float16");
    assertEquals(2, r.exitCode(), r.err());
    // DJL's CUDA probe logs its own warning before the error line (the launcher silences it)
    String last = r.err().strip().lines().reduce((a, b) -> b).orElse("");
    assertTrue(last.startsWith("error: device gpu0 is not available"), r.err());
  }

  @Test
  void float32PassesTheCheckAndReachesTheDataSet() {
    oneLine(train("--dtype", "float32"), 1, "none.json");
  }
}

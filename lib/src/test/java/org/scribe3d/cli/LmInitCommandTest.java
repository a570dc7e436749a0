package org.scribe3d.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scribe3d.checkpoint.Safetensors;
import org.scribe3d.model.llama.LlamaCheckpoint;
import org.scribe3d.model.llama.LlamaConfig;
import org.scribe3d.model.llama.LlamaForCausalLM;
import org.scribe3d.model.multimodal.MultimodalConfig;

class LmInitCommandTest {
  @TempDir Path tmp;

  @Test
  void writesAShardedDirectoryThatLoadsAndIsTheSameForTheSameSeed() throws Exception {
    String[] args = {"--preset", "tiny", "--vocab", "300", "--layers", "3", "--store", "bf16", "--shard-mb", "0",
        "--seed", "4"};
    CliTestSupport.Result r = run(tmp.resolve("a"), args);
    assertEquals(0, r.exitCode(), r.err());
    LlamaConfig c = LlamaConfig.load(tmp.resolve("a/config.json"));
    assertEquals("bfloat16", c.torchDtype());
    assertTrue(r.err().contains(String.format("writing %,d parameters to %s ...", MultimodalConfig.llmParameterCount(c),
        tmp.resolve("a"))), r.err());
    assertTrue(r.err().matches("(?s).*done in [0-9.]+ s.*"), r.err());
    // 0 MB shards: one tensor per shard
    int tensors = LlamaCheckpoint.shapes(c).size();
    assertTrue(Files.exists(tmp.resolve(String.format("a/model-%05d-of-%05d.safetensors", tensors, tensors))));
    assertTrue(Files.exists(tmp.resolve("a/" + Safetensors.INDEX_FILE)));
    try (NDManager m = NDManager.newBaseManager()) {
      assertEquals(MultimodalConfig.llmParameterCount(c), LlamaForCausalLM.load(tmp.resolve("a"), m, DataType.FLOAT32)
          .parameterCount());
    }
    assertEquals(0, run(tmp.resolve("b"), args).exitCode());
    String shard = String.format("model-%05d-of-%05d.safetensors", 1, tensors);
    assertArrayEquals(Files.readAllBytes(tmp.resolve("a").resolve(shard)),
        Files.readAllBytes(tmp.resolve("b").resolve(shard)));
  }

  private static CliTestSupport.Result run(Path out, String... args) {
    String[] all = new String[args.length + 4];
    all[0] = "lm";
    all[1] = "init";
    all[2] = "--out";
    all[3] = out.toString();
    System.arraycopy(args, 0, all, 4, args.length);
    return CliTestSupport.run(all);
  }
}

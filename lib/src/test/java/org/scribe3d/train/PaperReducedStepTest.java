package org.scribe3d.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scribe3d.checkpoint.Safetensors;
import org.scribe3d.checkpoint.TensorSource;
import org.scribe3d.cli.CliTestSupport;
import org.scribe3d.model.ModelPresets;
import org.scribe3d.model.multimodal.MultimodalConfig;
import org.scribe3d.model.multimodal.MultimodalModel;
import org.scribe3d.model.nn.Param;
import org.scribe3d.phantom.PhantomDataset;
import org.scribe3d.phantom.SizePreset;

/**
 * One real optimizer step of the {@code paper-reduced} preset — the paper's
 * structure (ViT3D 12 layers on 1×32×256×256, 2048 patches pooled to 256 image tokens, a 32-layer
 * Llama with 8 KV heads over the full 128256-token vocabulary, LoRA r 16 on every linear layer of the
 * language model) at 64-wide layers — through {@code scribe3d train}, on a phantom CT scan.
 *
 * <p>Cost on the shared 2-core machine: the step itself ~55 s (the ViT's attention over 2049 tokens
 * and the 128256-row head dominate; see docs/benchmarks.md), the whole test 59–72 s, ~4 GB resident
 * (native tensors; the Java heap holds little).
 */
class PaperReducedStepTest {
  @Test
  void oneStepTrainsVisionProjectorAndLoraOnly(@TempDir Path tmp) throws Exception {
    Path data = tmp.resolve("phantom");
    PhantomDataset.write(data, 2, 11, 0.0, SizePreset.SMALL, (i, n, id, split, c) -> { });
    Path run = tmp.resolve("run");
    // warmup 0: with one step, a 10 % warmup would give the only update a learning rate of 0
    CliTestSupport.Result r = CliTestSupport.run("train", "--set", "model.preset=paper-reduced", "--data",
        data.toString(), "--out", run.toString(), "--set", "optim.max_steps=1", "--batch", "1", "--set",
        "optim.warmup=0", "--lr", "1e-4", "--set", "validation.samples=0", "--threads", "2", "--seed", "42", "--cache",
        tmp.resolve("cache").toString());
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains("trained 1 of 1 steps"), r.out());
    assertTrue(r.err().contains("paper-reduced preset, 19582912 parameters (1458048 trainable)"), r.err());

    List<JsonObject> lines = MetricsLog.read(run.resolve("metrics.jsonl"));
    assertEquals(1, lines.size(), lines.toString());
    JsonObject step = lines.get(0);
    assertEquals(1, step.get("step").getAsLong());
    double loss = step.get("loss").getAsDouble();
    assertTrue(Double.isFinite(loss) && Double.isFinite(step.get("grad_norm").getAsDouble()), step.toString());
    // a randomly initialised head spreads probability over all 128256 tokens: loss ≈ ln 128256 = 11.76
    assertEquals(Math.log(128256), loss, 0.5, step.toString());
    assertFalse(step.has("skipped"), step.toString());

    Path ck = new CheckpointStore(run, 2).latest().orElseThrow().dir();
    JsonObject state = JsonParser.parseString(Files.readString(ck.resolve(CheckpointStore.STATE_FILE)))
        .getAsJsonObject();
    Set<String> trainable = new TreeSet<>();
    state.getAsJsonArray("trainable").forEach(e -> trainable.add(e.getAsString()));

    MultimodalConfig cfg = ModelPresets.paperReduced();
    try (NDManager m = NDManager.newBaseManager();
        TensorSource after = Safetensors.open(run.resolve("model").resolve(MultimodalModel.WEIGHTS_FILE));
        TensorSource opt = Safetensors.open(ck.resolve(CheckpointStore.OPTIMIZER_FILE))) {
      // the same initial weights: the run's model is built from the preset with seed 42
      MultimodalModel before = new MultimodalModel(cfg, m, DataType.FLOAT32, 42);
      Map<String, Param> all = before.namedParameters();
      assertEquals(all.keySet(), after.names());

      // the paper's trainable set: ViT and projector in full, the language model only through LoRA
      Set<String> expected = new TreeSet<>();
      for (String n : all.keySet()) {
        if (n.startsWith("vision_tower.") || n.startsWith("mm_projector.") || n.contains(".lora.")) {
          expected.add(n);
        }
      }
      assertEquals(expected, trainable);
      assertEquals(32 * 7 * 2, expected.stream().filter(n -> n.contains(".lora.")).count()); // q k v o gate up down
      Set<String> moments = new TreeSet<>();
      for (String n : opt.names()) {
        moments.add(n.substring(n.indexOf('.') + 1));
        assertEquals(DataType.FLOAT32, opt.load(n, m, null).getDataType(), n);
      }
      assertEquals(expected, moments, "AdamW state exists for exactly the trainable set");

      List<String> frozenChanged = new ArrayList<>();
      List<String> trainedUnchanged = new ArrayList<>();
      for (Map.Entry<String, Param> e : all.entrySet()) {
        String n = e.getKey();
        float[] b = e.getValue().array().toFloatArray();
        float[] a = after.load(n, m, null).toFloatArray();
        boolean same = java.util.Arrays.equals(a, b);
        if (!expected.contains(n)) {
          if (!same) {
            frozenChanged.add(n);
          }
        } else if (n.endsWith(".lora.A")) {
          // B starts at zero, so dL/dA = 0 at the first step and Adam leaves A exactly as it was
          assertArrayEquals(b, a, 0f, n);
        } else if (same) {
          trainedUnchanged.add(n);
        }
      }
      assertTrue(frozenChanged.isEmpty(), "frozen language-model weights changed: " + frozenChanged);
      assertTrue(trainedUnchanged.isEmpty(), "trainable tensors the step did not move: " + trainedUnchanged);
    }
  }
}

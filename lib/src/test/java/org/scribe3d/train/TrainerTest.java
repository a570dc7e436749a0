package org.scribe3d.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scribe3d.model.nn.Param;

class TrainerTest {
  static final int V = 17, D = 8, H = 16, N = 10, T = 6;

  static TrainConfig config() {
    return new TrainConfig().epochs(3).microBatch(2).accumulation(2).lr(0.03).weightDecay(0.01)
        .warmupFraction(0.2).maxGradNorm(1.0).seed(11).checkpointEvery(2).keepLast(2).threads(1)
        .progressSeconds(1000);
  }

  static TinyLm model(NDManager m, int initSeed) {
    Engine.getInstance().setRandomSeed(initSeed);
    TinyLm lm = new TinyLm(m, V, D, H);
    lm.dropout = 0.2f;
    return lm;
  }

  static Map<String, float[]> weights(TinyLm lm) {
    Map<String, float[]> out = new LinkedHashMap<>();
    lm.namedParameters().forEach((k, p) -> out.put(k, p.array().toFloatArray()));
    return out;
  }

  static Trainer<TokenTask.Batch> trainer(TinyLm lm, TokenTask task, TrainConfig cfg, Path run) {
    return new Trainer<>(lm, task, task, cfg, run).console(new PrintStream(new ByteArrayOutputStream()), false);
  }

  @Test
  void interruptedAndResumedRunIsBitIdenticalToUninterrupted(@TempDir Path tmp) throws Exception {
    TokenTask task = new TokenTask(N, V, T);
    Map<String, float[]> straight;
    double firstLoss;
    double lastLoss;
    try (NDManager m = NDManager.newBaseManager()) {
      TinyLm lm = model(m, 1);
      Trainer.Result r = trainer(lm, task, config(), tmp.resolve("a")).fit(false);
      assertEquals(8, r.totalSteps()); // 3 epochs × 5 micro-batches = 15 → ceil(15 / 2)
      assertEquals(8, r.steps());
      straight = weights(lm);
      List<JsonObject> lines = MetricsLog.read(tmp.resolve("a/metrics.jsonl"));
      firstLoss = lines.get(0).get("loss").getAsDouble();
      lastLoss = lines.get(lines.size() - 1).get("loss").getAsDouble();
    }
    assertTrue(lastLoss < firstLoss, "loss should fall: " + firstLoss + " → " + lastLoss);

    Path run = tmp.resolve("b");
    try (NDManager m = NDManager.newBaseManager()) {
      TinyLm lm = model(m, 1);
      Trainer.Result r = trainer(lm, task, config(), run).haltAfter(5).fit(false); // "killed" after step 5
      assertEquals(5, r.steps());
    }
    CheckpointStore store = new CheckpointStore(run, 2);
    assertEquals(List.of(2L, 4L), store.list().stream().map(CheckpointStore.Checkpoint::step).toList());
    assertEquals(5, MetricsLog.read(run.resolve("metrics.jsonl")).size());
    try (NDManager m = NDManager.newBaseManager()) {
      TinyLm lm = model(m, 99); // a fresh process: different initial weights, overwritten by the checkpoint
      Trainer.Result r = trainer(lm, task, config(), run).fit(true);
      assertEquals(4, r.startStep());
      assertEquals(8, r.steps());
      Map<String, float[]> resumed = weights(lm);
      for (String k : straight.keySet()) {
        assertArrayEquals(straight.get(k), resumed.get(k), 0f, k + " differs after resume");
      }
    }
    List<JsonObject> lines = MetricsLog.read(run.resolve("metrics.jsonl"));
    assertEquals(8, lines.size());
    for (int i = 0; i < 8; i++) {
      assertEquals(i + 1, lines.get(i).get("step").getAsLong());
    }
    for (String f : List.of("epoch", "loss", "lr", "grad_norm", "tokens_per_s", "samples_per_s", "elapsed_s",
        "data_wait_s", "forward_backward_s", "update_s")) {
      assertTrue(lines.get(7).has(f), "metrics line lacks " + f);
    }
    assertEquals(List.of(6L, 8L), store.list().stream().map(CheckpointStore.Checkpoint::step).toList());
    try (Stream<Path> s = Files.list(store.directory())) {
      assertTrue(s.allMatch(p -> p.getFileName().toString().startsWith("step-")), "temp dirs left behind");
    }
    JsonObject state = store.latest().orElseThrow().state();
    assertEquals(8, state.get("optimizer_step").getAsLong());
    assertEquals(3, state.get("epoch").getAsInt());
  }

  @Test
  void dataParallelOverTwoReplicasEqualsSingleDevice(@TempDir Path tmp) throws Exception {
    TokenTask task = new TokenTask(N, V, T);
    TrainConfig cfg = config().epochs(1).checkpointEvery(0);
    Map<String, float[]> single;
    try (NDManager m = NDManager.newBaseManager()) {
      TinyLm lm = model(m, 5);
      lm.dropout = 0; // replicas on the one CPU device share its generator: masks would follow thread timing
      trainer(lm, task, cfg, tmp.resolve("single")).fit(false);
      single = weights(lm);
    }
    try (NDManager m0 = NDManager.newBaseManager(); NDManager m1 = NDManager.newBaseManager()) {
      TinyLm lm = model(m0, 5);
      lm.dropout = 0;
      TinyLm replica = model(m1, 77); // weights are broadcast from the master before the first step
      replica.dropout = 0;
      Trainer.Result r = trainer(lm, task, cfg, tmp.resolve("dp")).replicas(List.of(replica)).fit(false);
      assertEquals(3, r.steps());
      Map<String, float[]> dp = weights(lm);
      Map<String, float[]> rep = weights(replica);
      for (String k : single.keySet()) {
        assertArrayEquals(single.get(k), dp.get(k), 1e-6f, k);
        assertArrayEquals(dp.get(k), rep.get(k), 0f, "replica not synchronised: " + k);
      }
    }
  }

  @Test
  void refusesToOverwriteOrToResumeWithAnotherRecipe(@TempDir Path tmp) throws Exception {
    TokenTask task = new TokenTask(N, V, T);
    try (NDManager m = NDManager.newBaseManager()) {
      TinyLm lm = model(m, 1);
      trainer(lm, task, config().epochs(1), tmp).fit(false);
      IllegalStateException again = assertThrows(IllegalStateException.class,
          () -> trainer(lm, task, config().epochs(1), tmp).fit(false));
      assertTrue(again.getMessage().contains("already has checkpoints"), again.getMessage());
      IllegalStateException other = assertThrows(IllegalStateException.class,
          () -> trainer(lm, task, config().epochs(1).seed(12).lr(0.1), tmp).fit(true));
      assertTrue(other.getMessage().contains("seed (11 vs 12)") && other.getMessage().contains("lr"), other.getMessage());
      // a finished run resumed again does nothing and keeps its weights
      Map<String, float[]> before = weights(lm);
      Trainer.Result r = trainer(lm, task, config().epochs(1), tmp).fit(true);
      assertEquals(r.totalSteps(), r.steps());
      assertArrayEquals(before.get("head.weight"), weights(lm).get("head.weight"), 0f);
    }
  }

  @Test
  void validationHookAndPlainProgressLines(@TempDir Path tmp) throws Exception {
    TokenTask task = new TokenTask(N, V, T);
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    List<Long> calls = new ArrayList<>();
    try (NDManager m = NDManager.newBaseManager()) {
      TinyLm lm = model(m, 1);
      int arraysBefore = m.getManagedArrays().size();
      assertTrue(arraysBefore >= lm.namedParameters().size());
      new Trainer<>(lm, task, task, config().epochs(2).checkpointEvery(0).validateEvery(2).progressSeconds(0), tmp)
          .console(new PrintStream(err, true, StandardCharsets.UTF_8), false)
          .validator((model, step) -> {
            assertFalse(model.isTraining());
            calls.add(step);
            return Map.of("val_loss", 1.5, "vqa_accuracy", 0.25);
          })
          .fit(false);
      assertTrue(lm.isTraining());
      // nothing a step creates stays attached to the model's manager (gradient views, temporaries)
      assertEquals(arraysBefore, m.getManagedArrays().size());
    }
    assertEquals(List.of(2L, 4L, 5L), calls);
    String out = err.toString(StandardCharsets.UTF_8);
    assertFalse(out.contains("\r") || out.contains("\u001b"), "control characters in non-TTY output");
    assertTrue(out.contains("train 5/5"), out);
    assertTrue(out.contains("validation at step 4: val_loss 1.5000 vqa_accuracy 0.2500")
        || out.contains("validation at step 4: vqa_accuracy 0.2500 val_loss 1.5000"), out);
    List<JsonObject> lines = MetricsLog.read(tmp.resolve("metrics.jsonl"));
    assertEquals(8, lines.size()); // 5 steps + 3 validations
    assertNotNull(lines.stream().filter(l -> l.has("kind")).findFirst().orElseThrow().get("vqa_accuracy"));
  }

  /** A final validation that fails (a bug, memory) does not cost the run: its weights are saved first. */
  @Test
  void finishedWeightsAreSavedBeforeTheFinalValidation(@TempDir Path tmp) throws Exception {
    TokenTask task = new TokenTask(N, V, T);
    try (NDManager m = NDManager.newBaseManager()) {
      TinyLm lm = model(m, 1);
      Trainer<?> t = new Trainer<>(lm, task, task, config().epochs(1).checkpointEvery(0), tmp)
          .console(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), false)
          .validator((model, step) -> {
            throw new IllegalStateException("validation failed");
          });
      assertThrows(IllegalStateException.class, () -> t.fit(false));
      CheckpointStore.Checkpoint ck = new CheckpointStore(tmp, 2).latest().orElseThrow();
      assertArrayEquals(weights(lm).get("head.weight"), ck.model(m).get("head.weight").toFloatArray(), 0f);
    }
  }

  @Test
  void optimizerStateRoundTripsThroughACheckpoint(@TempDir Path tmp) throws Exception {
    TokenTask task = new TokenTask(N, V, T);
    try (NDManager m = NDManager.newBaseManager()) {
      TinyLm lm = model(m, 1);
      trainer(lm, task, config().epochs(1), tmp).fit(false);
      CheckpointStore.Checkpoint ck = new CheckpointStore(tmp, 2).latest().orElseThrow();
      Map<String, Param> params = lm.trainableParameters();
      try (AdamW opt = new AdamW(params, config().optimizer()); NDManager t = NDManager.newBaseManager()) {
        var saved = ck.optimizer(t);
        opt.loadState(saved, 3);
        assertEquals(3, opt.stepCount());
        for (var e : opt.stateTensors().entrySet()) {
          assertArrayEquals(saved.get(e.getKey()).toFloatArray(), e.getValue().toFloatArray(), 0f, e.getKey());
        }
        saved.remove("exp_avg.head.bias");
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> opt.loadState(saved, 3));
        assertTrue(bad.getMessage().contains("missing exp_avg.head.bias"), bad.getMessage());
      }
    }
  }
}

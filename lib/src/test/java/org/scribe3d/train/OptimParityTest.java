package org.scribe3d.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scribe3d.model.nn.Param;
import org.scribe3d.testing.PythonReference;

/**
 * AdamW + clip_grad_norm_ + HF warmup-cosine + masked causal CE with gradient accumulation, against
 * the same few steps in PyTorch (torch.optim.AdamW, F.cross_entropy(ignore_index=-100)).
 */
class OptimParityTest {
  static final int V = 13, D = 6, H = 10, B = 2, T = 7, STEPS = 6, MICRO = 2;

  @Test
  void matchesTorchAdamWWithClippingScheduleAndMaskedLoss(@TempDir Path dir) throws Exception {
    double lr = 0.05, b1 = 0.9, b2 = 0.98, eps = 1e-6, wd = 0.1, maxNorm = 0.5;
    long warmup = LrSchedule.warmupSteps(0.25, STEPS); // ceil(1.5) = 2
    assertEquals(2, warmup);
    LrSchedule sched = LrSchedule.warmupCosine(lr, warmup, STEPS);
    SplittableRandom rnd = new SplittableRandom(7);
    List<List<long[][]>> steps = new ArrayList<>(); // per step: micro-batches of {ids, labels}
    for (int s = 0; s < STEPS; s++) {
      List<long[][]> micro = new ArrayList<>();
      for (int k = 0; k < MICRO; k++) {
        long[] ids = new long[B * T];
        long[] labels = new long[B * T];
        for (int i = 0; i < ids.length; i++) {
          ids[i] = rnd.nextInt(V);
          labels[i] = (i % T) < 2 || rnd.nextInt(4) == 0 ? MaskedCrossEntropy.IGNORE : rnd.nextInt(V);
        }
        micro.add(new long[][] {ids, labels});
      }
      steps.add(micro);
    }

    JsonObject cfg = new JsonObject();
    cfg.addProperty("vocab", V);
    cfg.addProperty("dim", D);
    cfg.addProperty("hidden", H);
    cfg.addProperty("lr", lr);
    cfg.addProperty("beta1", b1);
    cfg.addProperty("beta2", b2);
    cfg.addProperty("eps", eps);
    cfg.addProperty("wd", wd);
    cfg.addProperty("max_norm", maxNorm);
    cfg.addProperty("warmup", warmup);
    cfg.addProperty("total", STEPS);
    Gson gson = new Gson();
    JsonArray jsteps = new JsonArray();
    for (List<long[][]> micro : steps) {
      JsonArray jm = new JsonArray();
      for (long[][] b : micro) {
        JsonObject o = new JsonObject();
        o.add("ids", gson.toJsonTree(b[0]));
        o.add("labels", gson.toJsonTree(b[1]));
        o.add("shape", gson.toJsonTree(new int[] {B, T}));
        jm.add(o);
      }
      jsteps.add(jm);
    }
    cfg.add("steps", jsteps);

    try (NDManager m = NDManager.newBaseManager()) {
      Engine.getInstance().setRandomSeed(3);
      TinyLm model = new TinyLm(m, V, D, H);
      JsonObject w = new JsonObject();
      for (Map.Entry<String, Param> e : model.namedParameters().entrySet()) {
        JsonObject t = new JsonObject();
        t.add("data", gson.toJsonTree(e.getValue().array().toFloatArray()));
        t.add("shape", gson.toJsonTree(e.getValue().array().getShape().getShape()));
        w.add(e.getKey(), t);
      }
      cfg.add("weights", w);
      Path in = dir.resolve("in.json");
      Path out = dir.resolve("out.json");
      Files.writeString(in, cfg.toString());
      PythonReference.run(PythonReference.resource(OptimParityTest.class, "torch_reference.py"),
          List.of("adamw", in.toString(), out.toString()), Map.of("OMP_NUM_THREADS", "1"), 120);
      JsonObject ref = gson.fromJson(Files.readString(out), JsonObject.class);

      AdamW opt = new AdamW(model.trainableParameters(), new AdamW.Config(lr, b1, b2, eps, wd));
      int microIndex = 0;
      for (int s = 0; s < STEPS; s++) {
        long n = 0;
        for (long[][] b : steps.get(s)) {
          n += MaskedCrossEntropy.count(b[1], B, T);
        }
        double total = 0;
        for (long[][] b : steps.get(s)) {
          try (NDScope scope = new NDScope(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            scope.suppressNotUsedWarning();
            NDArray ids = m.create(b[0], new Shape(B, T));
            NDArray labels = m.create(b[1], new Shape(B, T));
            NDArray logits = model.forward(ids);
            NDArray sum = MaskedCrossEntropy.sum(logits, labels);
            float mean = MaskedCrossEntropy.mean(logits, labels).getFloat();
            assertClose(ref.getAsJsonArray("micro_means").get(microIndex++).getAsDouble(), mean, 1e-5, "CE mean");
            gc.backward(sum.div((float) n));
            total += sum.getFloat();
          }
        }
        assertClose(ref.getAsJsonArray("losses").get(s).getAsDouble(), total / n, 1e-5, "loss step " + s);
        double norm = GradClip.clip(opt.parameters().values(), maxNorm);
        double refNorm = ref.getAsJsonArray("grad_norms").get(s).getAsDouble();
        assertClose(refNorm, norm, 1e-5, "grad norm step " + s);
        assertClose(ref.getAsJsonArray("lrs").get(s).getAsDouble(), sched.lr(s), 1e-12, "lr step " + s);
        if (s == 3) {
          assertTrue(refNorm > maxNorm, "the test should exercise clipping");
        }
        opt.step(sched.lr(s));
        opt.zeroGrad();
      }
      assertEquals(STEPS, opt.stepCount());
      for (Map.Entry<String, Param> e : model.namedParameters().entrySet()) {
        compare(ref.getAsJsonObject("weights").getAsJsonArray(e.getKey()), e.getValue().array().toFloatArray(),
            "weight " + e.getKey());
      }
      Map<String, NDArray> state = opt.stateTensors();
      for (String k : model.namedParameters().keySet()) {
        compare(ref.getAsJsonObject("exp_avg").getAsJsonArray(k), state.get("exp_avg." + k).toFloatArray(), "m " + k);
        compare(ref.getAsJsonObject("exp_avg_sq").getAsJsonArray(k), state.get("exp_avg_sq." + k).toFloatArray(),
            "v " + k);
      }
      opt.close();
    }
  }

  /** ≤ 1e-5 relative to the tensor's largest magnitude (elementwise relative error is meaningless near 0). */
  static void compare(JsonArray expected, float[] actual, String what) {
    assertEquals(expected.size(), actual.length, what);
    double scale = 0;
    for (int i = 0; i < actual.length; i++) {
      scale = Math.max(scale, Math.abs(expected.get(i).getAsDouble()));
    }
    for (int i = 0; i < actual.length; i++) {
      double e = expected.get(i).getAsDouble();
      assertTrue(Math.abs(e - actual[i]) <= 1e-5 * Math.max(scale, 1e-12),
          what + "[" + i + "]: torch " + e + " vs " + actual[i]);
    }
  }

  static void assertClose(double expected, double actual, double rel, String what) {
    assertTrue(Math.abs(expected - actual) <= rel * Math.max(Math.abs(expected), 1e-12),
        what + ": expected " + expected + ", got " + actual);
  }
}

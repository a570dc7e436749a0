package org.scribe3d.model.multimodal;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.LongStream;
import org.scribe3d.model.ModelPresets;
import org.scribe3d.model.nn.Param;
import org.scribe3d.prompt.VocabMap;

/**
 * Benchmark (run by hand, not a test): forward and forward+backward time of one training step of a
 * preset on random inputs — no optimizer, no data loading — to size the tiny preset for the CPU.
 *
 * <pre>java -cp "$JAR:$(cat $CP_FILE)" org.scribe3d.model.multimodal.StepBench [preset] [batch] [seq] [steps] [vocab]</pre>
 */
public final class StepBench {
  private StepBench() {}

  public static void main(String[] args) {
    String preset = args.length > 0 ? args[0] : "tiny";
    int batch = args.length > 1 ? Integer.parseInt(args[1]) : 4;
    int seq = args.length > 2 ? Integer.parseInt(args[2]) : 160;
    int steps = args.length > 3 ? Integer.parseInt(args[3]) : 8;
    int vocabSize = args.length > 4 ? Integer.parseInt(args[4]) : 1024;
    VocabMap vocab = VocabMap.of(LongStream.concat(LongStream.range(0, vocabSize - 3),
        LongStream.of(ModelPresets.BOS, ModelPresets.EOS, MultimodalConfig.DEFAULT_IMAGE_TOKEN_ID)).boxed().toList());
    MultimodalConfig c = ModelPresets.byName(preset, vocab);
    var v = c.vision();
    int k = c.imageTokens();
    if (seq < k + 2) {
      throw new IllegalArgumentException("seq must be at least image tokens + 2 = " + (k + 2));
    }
    try (NDManager m = NDManager.newBaseManager()) {
      MultimodalModel mm = new MultimodalModel(c, m, DataType.FLOAT32, 0);
      mm.train(true);
      long img = c.modelImageTokenId();
      int vocabN = c.llm().vocabSize();
      long[] ids = new long[batch * seq];
      for (int i = 0; i < batch; i++) {
        for (int j = 0; j < seq; j++) {
          ids[i * seq + j] = j >= 1 && j <= k ? img : (j * 31L + i * 7L) % Math.min(vocabN, 1000);
        }
      }
      NDArray idArr = m.create(ids, new Shape(batch, seq));
      NDArray images = m.randomUniform(0f, 1f, new Shape(batch, v.channels(), v.depth(), v.height(), v.width()));
      double[] fwd = new double[steps];
      double[] total = new double[steps];
      for (int s = 0; s < steps; s++) {
        long t0 = System.nanoTime();
        long t1;
        try (NDScope scope = new NDScope(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
          NDArray logits = mm.forward(idArr, images, null);
          NDArray loss = logits.logSoftmax(-1).mean().neg();
          loss.getFloat(); // force the forward to finish before timing it
          t1 = System.nanoTime();
          gc.backward(loss);
        }
        for (Param p : mm.trainableParameters().values()) {
          p.array().getGradient().sum().getFloat(); // wait for the backward
        }
        long t2 = System.nanoTime();
        fwd[s] = (t1 - t0) / 1e9;
        total[s] = (t2 - t0) / 1e9;
        System.out.printf(Locale.ROOT, "step %d: forward %.3f s, forward+backward %.3f s%n", s, fwd[s], total[s]);
      }
      int warm = Math.min(3, steps - 1);
      double[] f = Arrays.copyOfRange(fwd, warm, steps);
      double[] t = Arrays.copyOfRange(total, warm, steps);
      Arrays.sort(f);
      Arrays.sort(t);
      double medT = t[t.length / 2];
      System.out.printf(Locale.ROOT, "%s batch %d seq %d (%d image tokens), %d threads: median after %d warm-up steps:"
          + " forward %.3f s, forward+backward %.3f s = %.2f samples/s%n", c.name(), batch, seq, k,
          Runtime.getRuntime().availableProcessors(), warm, f[f.length / 2], medT, batch / medT);
    }
  }
}

package org.scribe3d.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scribe3d.data.DatasetLoader;
import org.scribe3d.data.Examples;
import org.scribe3d.data.PipelineCache;
import org.scribe3d.data.Split;
import org.scribe3d.data.TrainingExample;
import org.scribe3d.model.ModelPresets;
import org.scribe3d.model.llama.LlamaConfig;
import org.scribe3d.model.multimodal.MultimodalConfig;
import org.scribe3d.model.multimodal.MultimodalModel;
import org.scribe3d.model.vision.ViTConfig;
import org.scribe3d.phantom.PhantomDataset;
import org.scribe3d.phantom.SizePreset;
import org.scribe3d.prompt.Llama3Tokenizer;
import org.scribe3d.prompt.PromptBatch;
import org.scribe3d.prompt.PromptBuilder;
import org.scribe3d.prompt.TextTokenizer;
import org.scribe3d.prompt.VocabMap;
import org.scribe3d.volume.Pipeline;

class MultimodalTaskTest {
  /** Sharing one vision pass among examples of the same scan gives the loss of the plain forward. */
  @Test
  void sharedImagePassEqualsPerExampleForward(@TempDir Path tmp) throws Exception {
    Micro f = micro(tmp, 1, 2, 1, 16);
    List<TrainingExample> ex = f.examples();
    try (Llama3Tokenizer tok = Llama3Tokenizer.vendored(); NDManager m = NDManager.newBaseManager()) {
      VocabMap vocab = f.vocab();
      MultimodalModel model = f.model(m);
      PipelineCache volumes = f.volumes();
      PromptBuilder pb = f.builder(tok);
      MultimodalTask task = new MultimodalTask(ex, pb, volumes, true, tok.eosId(), vocab);
      int[] groups = task.groups();
      assertEquals(2, java.util.Arrays.stream(groups).distinct().count());
      // three examples of scan A and one of scan B, augmented
      List<Integer> pick = new ArrayList<>();
      for (int i = 0; i < ex.size() && pick.size() < 3; i++) {
        if (groups[i] == 0) {
          pick.add(i);
        }
      }
      for (int i = 0; i < ex.size() && pick.size() < 4; i++) {
        if (groups[i] == 1) {
          pick.add(i);
        }
      }
      int[] samples = pick.stream().mapToInt(Integer::intValue).toArray();
      SplittableRandom[] rngs = new SplittableRandom[4];
      for (int i = 0; i < 4; i++) {
        rngs[i] = new SplittableRandom(100 + i);
      }
      MultimodalTask.Batch b = task.load(samples, rngs);
      assertEquals(2, b.distinctImages());
      try (NDScope scope = new NDScope()) {
        scope.suppressNotUsedWarning();
        float shared = task.lossSum(model, b, m).getFloat();
        // reference: the model's own forward with every example's image repeated
        int vox = 16 * 64 * 64;
        float[] per = new float[4 * vox];
        for (int i = 0; i < 4; i++) {
          System.arraycopy(b.images(), b.imageOf()[i] * vox, per, i * vox, vox);
        }
        PromptBatch batch = PromptBatch.collate(b.examples(), m, tok.eosId(), vocab);
        NDArray logits = model.forward(batch.inputIds(), m.create(per, new Shape(4, 1, 16, 64, 64)),
            batch.attentionMask());
        float ref = MaskedCrossEntropy.sum(logits, batch.labels()).getFloat();
        assertEquals(ref, shared, 1e-4f * Math.abs(ref));
        assertTrue(task.lossUnits(b) > 0);
      }
    }
  }

  /**
   * Packing a micro-batch into one row (each scan's BOS and image tokens once, no padding) gives the padded
   * layout's loss and gradients: the attention mask keeps the examples apart and the positions restart after
   * the prefix, so each example sees exactly what it sees in its own row.
   */
  @Test
  void packedRowGivesThePaddedRowsLossAndGradients(@TempDir Path tmp) throws Exception {
    assertPackedRowGivesThePaddedRows(micro(tmp, 2, 4, 2, 8, false)); // grouped-query attention: 4 heads on 2 KV heads
  }

  /** The same with a finding hint in front of every prompt, which the packed row then shares per scan too. */
  @Test
  void packedRowSharingEachScansHintGivesThePaddedRowsLossAndGradients(@TempDir Path tmp) throws Exception {
    assertPackedRowGivesThePaddedRows(micro(tmp, 2, 4, 2, 8, true));
  }

  private static void assertPackedRowGivesThePaddedRows(Micro f) throws Exception {
    try (Llama3Tokenizer tok = Llama3Tokenizer.vendored(); NDManager m = NDManager.newBaseManager()) {
      MultimodalModel model = f.model(m);
      MultimodalTask padded = new MultimodalTask(f.examples(), f.builder(tok), f.volumes(), false, tok.eosId(), f.vocab());
      MultimodalTask packed = new MultimodalTask(f.examples(), f.builder(tok), f.volumes(), false, tok.eosId(),
          f.vocab()).withPacking(true);
      int[] groups = padded.groups();
      // examples of both scans, interleaved (a packed row puts each scan's examples after its one prefix)
      List<Integer> a = new ArrayList<>();
      List<Integer> c = new ArrayList<>();
      for (int i = 0; i < groups.length; i++) {
        (groups[i] == 0 ? a : c).add(i);
      }
      int[] samples = {a.get(0), c.get(0), a.get(1), a.get(2), c.get(1)};
      MultimodalTask.Batch b = padded.load(samples, seeds(5));
      assertEquals(2, b.distinctImages());
      // the row shares at least each scan's BOS and image tokens; with hints, their words too
      int prefix = 1 + f.cfg().imageTokens();
      int sharedPrefixOnly = b.examples().stream().mapToInt(e -> e.length()).sum() - (5 - 2) * prefix;
      int row = PackedLayout.pack(b.examples(), b.imageOf(), prefix, 1, f.cfg().imageTokens()).length();
      assertTrue(row <= sharedPrefixOnly);
      boolean hinted = f.examples().get(0).prompt().startsWith(org.scribe3d.prompt.FindingHint.PREFIX);
      if (hinted) {
        assertTrue(row < sharedPrefixOnly - (5 - 2) * 3, "the hints are shared: " + row + " vs " + sharedPrefixOnly);
      }
      assertTrue(b.examples().stream().mapToInt(e -> e.length()).distinct().count() > 1, "examples of several lengths");
      java.util.Map<String, float[]> gradPadded = new java.util.TreeMap<>();
      java.util.Map<String, float[]> gradPacked = new java.util.TreeMap<>();
      float lossPadded = lossAndGradients(padded, model, b, m, gradPadded);
      float lossPacked = lossAndGradients(packed, model, b, m, gradPacked);
      assertEquals(lossPadded, lossPacked, 1e-5f * Math.abs(lossPadded));
      assertEquals(gradPadded.keySet(), gradPacked.keySet());
      for (String k : gradPadded.keySet()) {
        float[] x = gradPadded.get(k);
        float[] y = gradPacked.get(k);
        double norm = 0;
        double diff = 0;
        for (int i = 0; i < x.length; i++) {
          norm += x[i] * (double) x[i];
          diff += (x[i] - y[i]) * (double) (x[i] - y[i]);
        }
        assertTrue(norm > 0, "no gradient for " + k);
        assertTrue(Math.sqrt(diff) <= 1e-4 * Math.sqrt(norm), k + ": relative gradient difference "
            + Math.sqrt(diff / norm));
      }
    }
  }

  /** A micro multimodal model (Llama of the given shape) over the training examples of a 2-case phantom set. */
  private record Micro(List<TrainingExample> examples, VocabMap vocab, MultimodalConfig cfg, PipelineCache volumes) {
    MultimodalModel model(NDManager m) {
      return new MultimodalModel(cfg, m, DataType.FLOAT32, 1);
    }

    PromptBuilder builder(Llama3Tokenizer tok) {
      return new PromptBuilder(TextTokenizer.of(tok), cfg.imageTokens(), cfg.imageTokenId(), cfg.maxLength());
    }
  }

  private static Micro micro(Path tmp, int layers, int heads, int kvHeads, int headDim) throws Exception {
    return micro(tmp, layers, heads, kvHeads, headDim, false);
  }

  /** With {@code hinted}, every prompt starts with its scan's finding hint (a different one per scan). */
  private static Micro micro(Path tmp, int layers, int heads, int kvHeads, int headDim, boolean hinted)
      throws Exception {
    PhantomDataset.write(tmp.resolve("ph"), 2, 5, 0.0, SizePreset.SMALL, (i, n, id, split, c) -> { });
    List<TrainingExample> ex = Examples.expandAll(
        DatasetLoader.load(tmp.resolve("ph"), DatasetLoader.Options.defaults()).split(Split.TRAIN));
    if (hinted) {
      java.util.Map<Path, String> hints = new java.util.LinkedHashMap<>();
      for (TrainingExample e : ex) {
        hints.putIfAbsent(e.image(), hints.isEmpty()
            ? "Image findings: cardiomegaly (severe), lung nodule (left upper lobe)." : "Image findings: none.");
      }
      ex = FindingHints.apply(ex, hints);
    }
    VocabMap vocab;
    try (Llama3Tokenizer tok = Llama3Tokenizer.vendored()) {
      vocab = CorpusVocabulary.of(TextTokenizer.of(tok), ex, List.of());
    }
    LlamaConfig t = ModelPresets.tiny(vocab).llm();
    LlamaConfig llm = new LlamaConfig(32, 64, layers, heads, kvHeads, headDim, 1e-5, 500000.0, null, vocab.size(),
        false, false, false, t.bosTokenId(), t.eosTokenIds(), 8192, "float32", 0.02);
    MultimodalConfig cfg = new MultimodalConfig("micro", new ViTConfig(1, 16, 64, 64, 4, 16, 16, 32, 1, 2, 64,
        1e-5, false), 2, llm, null, 8, ModelPresets.tiny(vocab).imageTokenId(), 512, vocab);
    return new Micro(ex, vocab, cfg, new PipelineCache(tmp.resolve("cache"), Pipeline.training(new int[] {16, 64, 64}, null)));
  }

  private static float lossAndGradients(MultimodalTask task, MultimodalModel model, MultimodalTask.Batch b,
      NDManager m, java.util.Map<String, float[]> grads) {
    for (org.scribe3d.model.nn.Param p : model.trainableParameters().values()) {
      if (p.array().hasGradient()) {
        p.array().getGradient().muli(0);
      }
    }
    float loss;
    try (NDManager sub = m.newSubManager(); NDScope scope = new NDScope();
        ai.djl.training.GradientCollector gc = ai.djl.engine.Engine.getInstance().newGradientCollector()) {
      scope.suppressNotUsedWarning();
      NDArray l = task.lossSum(model, b, sub);
      gc.backward(l);
      loss = l.getFloat();
    }
    for (var e : model.trainableParameters().entrySet()) {
      grads.put(e.getKey(), e.getValue().array().getGradient().toFloatArray());
    }
    return loss;
  }

  private static SplittableRandom[] seeds(long base) {
    SplittableRandom[] rngs = new SplittableRandom[3];
    for (int i = 0; i < rngs.length; i++) {
      rngs[i] = new SplittableRandom(base * 31 + i);
    }
    return rngs;
  }
}

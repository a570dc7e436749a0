package org.scribe3d.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.scribe3d.data.TrainingExample;
import org.scribe3d.model.multimodal.MultimodalModel;
import org.scribe3d.model.nn.Module;
import org.scribe3d.prompt.PromptBatch;
import org.scribe3d.prompt.PromptBuilder;
import org.scribe3d.prompt.PromptExample;
import org.scribe3d.prompt.VocabMap;

/**
 * Training on (image, prompt, answer) examples with the multimodal model: the loader thread reads the
 * preprocessed volume (cached) and augments it with the sample's random source; the compute thread
 * collates the already-tokenised examples (right padding, label masks) and computes the masked
 * causal-LM loss.
 */
public final class MultimodalTask implements BatchSource<MultimodalTask.Batch>, Objective<MultimodalTask.Batch> {

  /** A micro-batch: images B×D×H×W (W fastest) and the tokenised examples (original token ids). */
  public record Batch(float[] images, List<PromptExample> examples) {}

  private final List<TrainingExample> examples;
  private final List<PromptExample> encoded;
  private final PipelineCache volumes;
  private final boolean augment;
  private final long padId;
  private final VocabMap vocab;
  private final int[] dhw;

  /**
   * @param augment apply the pipeline's augmentation steps (training) or not (validation)
   * @param padId original token id for padding (EOS is usual; never attended, never labelled)
   * @param vocab the model's restricted vocabulary, or null
   */
  public MultimodalTask(List<TrainingExample> examples, PromptBuilder builder, PipelineCache volumes, boolean augment,
      long padId, VocabMap vocab) {
    if (examples.isEmpty()) {
      throw new IllegalArgumentException("no training examples");
    }
    this.examples = List.copyOf(examples);
    this.encoded = new ArrayList<>(examples.size());
    for (TrainingExample e : examples) {
      encoded.add(builder.example(e.prompt(), e.answer()));
    }
    this.volumes = volumes;
    this.augment = augment;
    this.padId = padId;
    this.vocab = vocab;
    this.dhw = volumes.dhw();
  }

  public List<TrainingExample> examples() {
    return examples;
  }

  @Override
  public int size() {
    return examples.size();
  }

  @Override
  public Batch load(int[] samples, SplittableRandom[] rngs) throws Exception {
    int vox = dhw[0] * dhw[1] * dhw[2];
    float[] images = new float[samples.length * vox];
    List<PromptExample> ex = new ArrayList<>(samples.length);
    for (int i = 0; i < samples.length; i++) {
      TrainingExample e = examples.get(samples[i]);
      float[] v = volumes.load(e.image(), augment ? rngs[i] : null);
      System.arraycopy(v, 0, images, i * vox, vox);
      ex.add(encoded.get(samples[i]));
    }
    return new Batch(images, ex);
  }

  @Override
  public long lossUnits(Batch b) {
    long n = 0;
    for (PromptExample e : b.examples()) {
      long[] labels = e.labels();
      for (int j = 1; j < labels.length; j++) { // shifted: position 0 is never a target
        if (labels[j] != MaskedCrossEntropy.IGNORE) {
          n++;
        }
      }
    }
    return n;
  }

  @Override
  public int samples(Batch b) {
    return b.examples().size();
  }

  @Override
  public long tokens(Batch b) {
    return b.examples().stream().mapToLong(PromptExample::length).sum();
  }

  @Override
  public NDArray lossSum(Module model, Batch b, NDManager manager) {
    int n = b.examples().size();
    NDArray images = Tensors.owned(manager.create(b.images(), new Shape(n, 1, dhw[0], dhw[1], dhw[2])));
    PromptBatch pb = PromptBatch.collate(b.examples(), manager, padId, vocab);
    NDArray logits = ((MultimodalModel) model).forward(Tensors.owned(pb.inputIds()), images,
        Tensors.owned(pb.attentionMask()));
    return MaskedCrossEntropy.sum(logits, Tensors.owned(pb.labels()));
  }
}

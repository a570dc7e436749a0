package org.scribe3d.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.scribe3d.data.PipelineCache;
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

  /**
   * A micro-batch: the distinct images U×D×H×W (W fastest), which image each example uses, and the
   * tokenised examples (original token ids). Examples of the same scan in one micro-batch share one
   * image (and one augmentation draw, that of the first of them), so the vision encoder runs once per
   * scan, not once per question. {@code findingTargets}: the finding head's targets per distinct image, or null.
   */
  public record Batch(float[] images, int[] imageOf, List<PromptExample> examples, float[] findingTargets) {
    public Batch(float[] images, int[] imageOf, List<PromptExample> examples) {
      this(images, imageOf, examples, null);
    }

    public int distinctImages() {
      return imageOf.length == 0 ? 0 : java.util.Arrays.stream(imageOf).max().getAsInt() + 1;
    }
  }

  private final List<TrainingExample> examples;
  private final List<PromptExample> encoded;
  private final PipelineCache volumes;
  private final boolean augment;
  private final long padId;
  private final VocabMap vocab;
  private final int[] dhw;
  private Map<Path, float[]> findingTargets;
  private double findingWeight;
  private boolean packed;

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

  /** The finding-head targets per image file (see {@link #withFindingLoss}), or null. */
  public Map<Path, float[]> findingTargets() {
    return findingTargets;
  }

  /**
   * Adds the finding head's loss: {@code weight} × (BCE summed over labels, mean over the micro-batch's
   * images) per labelled token, so its share of the step's loss does not depend on how a batch is split.
   *
   * @param targets 0/1 label vector per image file (the model's {@code findingLabels} order); every
   *     image of this task must have one
   * @param weight 0 keeps the targets for validation (head AUC) without adding a loss
   */
  public MultimodalTask withFindingLoss(Map<Path, float[]> targets, double weight) {
    for (TrainingExample e : examples) {
      if (!targets.containsKey(e.image())) {
        throw new IllegalArgumentException("no finding labels for " + e.image());
      }
    }
    this.findingTargets = Map.copyOf(targets);
    this.findingWeight = weight;
    return this;
  }

  @Override
  public int size() {
    return examples.size();
  }

  @Override
  public Batch load(int[] samples, SplittableRandom[] rngs) throws Exception {
    int vox = dhw[0] * dhw[1] * dhw[2];
    java.util.Map<java.nio.file.Path, Integer> seen = new java.util.LinkedHashMap<>();
    List<float[]> distinct = new ArrayList<>();
    int[] imageOf = new int[samples.length];
    List<PromptExample> ex = new ArrayList<>(samples.length);
    for (int i = 0; i < samples.length; i++) {
      TrainingExample e = examples.get(samples[i]);
      Integer k = seen.get(e.image());
      if (k == null) {
        k = distinct.size();
        seen.put(e.image(), k);
        distinct.add(volumes.load(e.image(), augment ? rngs[i] : null));
      }
      imageOf[i] = k;
      ex.add(encoded.get(samples[i]));
    }
    float[] images = new float[distinct.size() * vox];
    for (int k = 0; k < distinct.size(); k++) {
      System.arraycopy(distinct.get(k), 0, images, k * vox, vox);
    }
    float[] targets = null;
    if (findingTargets != null) {
      int labels = findingTargets.values().iterator().next().length;
      targets = new float[distinct.size() * labels];
      int k = 0;
      for (Path image : seen.keySet()) {
        System.arraycopy(findingTargets.get(image), 0, targets, k++ * labels, labels);
      }
    }
    return new Batch(images, imageOf, ex, targets);
  }

  /**
   * Packs each micro-batch into one row with every scan's prefix (BOS and image placeholders) computed once
   * and no padding ({@link PackedLayout}): the same loss as the padded layout, on about a third of the positions
   * for a scan's reports and questions. Off: one right-padded row per example.
   */
  public MultimodalTask withPacking(boolean on) {
    this.packed = on;
    return this;
  }

  /** Examples of the same image file form a group (see {@link TrainConfig#groupSamples}). */
  @Override
  public int[] groups() {
    java.util.Map<java.nio.file.Path, Integer> ids = new java.util.HashMap<>();
    int[] g = new int[examples.size()];
    for (int i = 0; i < g.length; i++) {
      g[i] = ids.computeIfAbsent(examples.get(i).image(), k -> ids.size());
    }
    return g;
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
    MultimodalModel mm = (MultimodalModel) model;
    int u = b.distinctImages();
    NDArray images = Tensors.owned(manager.create(b.images(), new Shape(u, 1, dhw[0], dhw[1], dhw[2])));
    MultimodalModel.ImageFeatures f = mm.encodeImages(images, u, manager);
    NDArray img = f.embeddings(); // [U, K, H]
    NDArray loss = packed ? packedTextLoss(mm, b, img, manager) : paddedTextLoss(mm, b, img, manager);
    if (findingWeight > 0 && b.findingTargets() != null && !mm.isBlind()) {
      long labels = b.findingTargets().length / u;
      NDArray y = manager.create(b.findingTargets(), new Shape(u, labels));
      NDArray head = FindingLoss.perImage(mm.findingLogits(f.visionTokens()), y);
      loss = loss.add(org.scribe3d.model.nn.Scalars.mul(head, findingWeight * lossUnits(b)));
    }
    return loss;
  }

  /** Summed masked cross-entropy of the batch's examples, one right-padded row each. */
  private NDArray paddedTextLoss(MultimodalModel mm, Batch b, NDArray img, NDManager manager) {
    PromptBatch pb = PromptBatch.collate(b.examples(), manager, padId, vocab);
    NDArray ids = Tensors.owned(pb.inputIds());
    NDArray logits = mm.llm().forward(inputEmbeddings(mm, b, img, ids, manager),
        Tensors.owned(pb.attentionMask()), null, null);
    return MaskedCrossEntropy.sum(logits, Tensors.owned(pb.labels()));
  }

  /**
   * The same loss on the packed row ({@link PackedLayout}): token embeddings and the image rows [U·K, H] in one
   * table, gathered into the row's order (gradients flow to both), then the language model under the
   * layout's attention mask and positions.
   */
  private NDArray packedTextLoss(MultimodalModel mm, Batch b, NDArray img, NDManager manager) {
    int k = mm.config().imageTokens();
    long[] first = compact(b.examples().get(0).inputIds());
    int start = mm.imageStarts(first, 1, first.length)[0];
    PackedLayout pl = PackedLayout.pack(b.examples(), b.imageOf(), start + k, start, k);
    int t = pl.length();
    long hidden = img.getShape().get(2);
    long[] labels = pl.labels().clone();
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] != MaskedCrossEntropy.IGNORE && vocab != null) {
        labels[i] = vocab.toCompact(labels[i]);
      }
    }
    NDArray tok = mm.llm().embed(manager.create(compact(pl.ids()), new Shape(1, t))).reshape(t, hidden);
    NDArray rows = img.reshape(img.getShape().get(0) * k, hidden);
    if (rows.getDataType() != tok.getDataType()) {
      rows = rows.toType(tok.getDataType(), false);
    }
    long[] gather = new long[t];
    for (int i = 0; i < t; i++) {
      gather[i] = pl.imageRow()[i] < 0 ? i : t + pl.imageRow()[i];
    }
    NDArray embeds = ai.djl.ndarray.NDArrays.concat(new ai.djl.ndarray.NDList(tok, rows), 0)
        .get(new ai.djl.ndarray.index.NDIndex("{}", manager.create(gather))).reshape(1, t, hidden);
    NDArray bias = manager.create(pl.bias(), new Shape(1, 1, 1, t, t));
    NDArray logits = mm.llm().logits(mm.llm().hidden(embeds, pl.positions(), bias));
    return MaskedCrossEntropy.sum(logits, manager.create(labels, new Shape(1, t)));
  }

  private long[] compact(long[] ids) {
    return vocab == null ? ids : vocab.toCompact(ids);
  }

  /**
   * Token embeddings with each example's image embeddings spliced over its placeholders — what {@link
   * MultimodalModel#inputEmbeddings} computes, with the image rows {@code img} [U, K, H] (one per distinct
   * image: the vision encoder and projector ran once per scan) shared.
   */
  NDArray inputEmbeddings(MultimodalModel mm, Batch b, NDArray img, NDArray ids, NDManager manager) {
    int n = b.examples().size();
    int u = b.distinctImages();
    boolean identity = u == n;
    for (int i = 0; i < n && identity; i++) {
      identity = b.imageOf()[i] == i;
    }
    if (!identity) {
      long[] idx = java.util.Arrays.stream(b.imageOf()).asLongStream().toArray();
      img = img.get(new ai.djl.ndarray.index.NDIndex("{}", manager.create(idx))); // rows per example
    }
    NDArray tok = mm.llm().embed(ids);
    return MultimodalModel.splice(tok, img, mm.imageStarts(ids.toLongArray(), n, (int) ids.getShape().get(1)));
  }
}

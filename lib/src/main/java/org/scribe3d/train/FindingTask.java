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
import org.scribe3d.model.multimodal.MultimodalModel;
import org.scribe3d.model.nn.Module;

/**
 * Vision pretraining: the vision encoder and the finding head learn the report-derived finding
 * labels of each scan (one sample per scan, no language model). This stands in for what the paper
 * gets from M3D-CLIP's pretrained encoder; the tiny preset's encoder starts from random weights and
 * would otherwise learn only through the few finding tokens of each report.
 */
public final class FindingTask implements BatchSource<FindingTask.Batch>, Objective<FindingTask.Batch> {

  /**
   * A micro-batch: N images N×D×H×W (W fastest), their 0/1 targets N×L and, with dense targets, N×T×Ld
   * per-token targets (else null).
   */
  public record Batch(float[] images, float[] targets, float[] dense, int count) {}

  private final List<Path> images;
  private final List<float[]> targets;
  private final PipelineCache volumes;
  private final boolean augment;
  private final int[] dhw;
  private List<float[]> dense;
  private double denseWeight;

  /**
   * @param targets 0/1 label vector per image file, in the model's {@code findingLabels} order
   * @param augment apply the pipeline's augmentation steps
   */
  public FindingTask(Map<Path, float[]> targets, PipelineCache volumes, boolean augment) {
    if (targets.isEmpty()) {
      throw new IllegalArgumentException("no images to pretrain on");
    }
    this.images = new ArrayList<>(targets.keySet());
    this.targets = new ArrayList<>(targets.values());
    this.volumes = volumes;
    this.augment = augment;
    this.dhw = volumes.dhw();
  }

  /**
   * Adds the dense finding head's loss: per-token BCE against {@code targets} (tokens × dense labels, see
   * {@link DenseTargets}), summed over tokens and labels, averaged over images, times {@code weight}.
   *
   * @throws IllegalArgumentException when an image has no dense targets
   */
  public FindingTask withDenseTargets(Map<Path, float[]> targets, double weight) {
    List<float[]> d = new ArrayList<>();
    for (Path p : images) {
      float[] t = targets.get(p);
      if (t == null) {
        throw new IllegalArgumentException("no finding boxes for " + p);
      }
      d.add(t);
    }
    this.dense = d;
    this.denseWeight = weight;
    return this;
  }

  @Override
  public int size() {
    return images.size();
  }

  @Override
  public Batch load(int[] samples, SplittableRandom[] rngs) throws Exception {
    int vox = dhw[0] * dhw[1] * dhw[2];
    int labels = targets.get(0).length;
    float[] img = new float[samples.length * vox];
    float[] y = new float[samples.length * labels];
    int per = dense == null ? 0 : dense.get(0).length;
    float[] yd = dense == null ? null : new float[samples.length * per];
    for (int i = 0; i < samples.length; i++) {
      System.arraycopy(volumes.load(images.get(samples[i]), augment ? rngs[i] : null), 0, img, i * vox, vox);
      System.arraycopy(targets.get(samples[i]), 0, y, i * labels, labels);
      if (yd != null) {
        System.arraycopy(dense.get(samples[i]), 0, yd, i * per, per);
      }
    }
    return new Batch(img, y, yd, samples.length);
  }

  /** One unit per image: the loss is the per-image BCE sum, averaged over the step's images. */
  @Override
  public long lossUnits(Batch b) {
    return b.count();
  }

  @Override
  public int samples(Batch b) {
    return b.count();
  }

  @Override
  public long tokens(Batch b) {
    return 0;
  }

  @Override
  public NDArray lossSum(Module model, Batch b, NDManager manager) {
    MultimodalModel mm = (MultimodalModel) model;
    int n = b.count();
    NDArray images = Tensors.owned(manager.create(b.images(), new Shape(n, 1, dhw[0], dhw[1], dhw[2])));
    NDArray tokens = mm.vision().forward(images);
    NDArray y = manager.create(b.targets(), new Shape(n, b.targets().length / n));
    NDArray loss = FindingLoss.perImage(mm.findingLogits(tokens), y);
    if (b.dense() != null) {
      NDArray yd = manager.create(b.dense(), new Shape(n, b.dense().length / n));
      NDArray dl = FindingLoss.perImage(mm.denseFindingLogits(tokens).reshape(n, -1), yd);
      loss = loss.add(org.scribe3d.model.nn.Scalars.mul(dl, denseWeight));
    }
    return org.scribe3d.model.nn.Scalars.mul(loss, n);
  }
}

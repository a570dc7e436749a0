package org.scribe3d.train;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.scribe3d.data.PipelineCache;
import org.scribe3d.model.multimodal.MultimodalModel;

/**
 * The statistics behind the projector's token standardisation ({@code ProjectorConfig#standardize}):
 * the mean and standard deviation of every encoder token element (grid position × channel) over a run's
 * training scans, read without augmentation, set into the projector's buffers before the main stage.
 */
public final class ImageTokenStatistics {
  /** At most this many scans (evenly spaced over the list) are encoded: the statistics settle well before. */
  public static final int MAX_SCANS = 256;
  /** Added to every variance before the square root (BatchNorm's eps): a constant element stays finite. */
  public static final double EPS = 1e-5;

  private ImageTokenStatistics() {}

  /** What {@link #compute} did. */
  public record Result(int scans, double seconds) {}

  /**
   * Encodes up to {@link #MAX_SCANS} of {@code images} (distinct training scans, preprocessed by
   * {@code volumes} without augmentation), {@code batch} at a time, and sets the projector's statistics.
   *
   * @throws IllegalArgumentException when there is no scan, or an encoder output is not finite
   */
  public static Result compute(MultimodalModel model, PipelineCache volumes, List<Path> images, int batch)
      throws IOException {
    if (images.isEmpty()) {
      throw new IllegalArgumentException("no training scans to compute the image-token statistics on");
    }
    long t0 = System.nanoTime();
    List<Path> chosen = evenlySpaced(images, MAX_SCANS);
    NDManager base = model.projector().namedParameters().values().iterator().next().array().getManager();
    double[][] sums = new double[2][];
    ScanBatches.forEach(volumes, chosen, batch, base, (x, from, n) -> {
      float[] t = model.vision().forward(x).toFloatArray();
      int per = t.length / n;
      if (sums[0] == null) {
        sums[0] = new double[per];
        sums[1] = new double[per];
      }
      for (int i = 0; i < t.length; i++) {
        if (!Float.isFinite(t[i])) {
          throw new IllegalArgumentException("the vision encoder gives a non-finite token on "
              + chosen.get(from + i / per) + ": its weights or that scan are broken");
        }
        sums[0][i % per] += t[i];
        sums[1][i % per] += (double) t[i] * t[i];
      }
    });
    double[] sum = sums[0];
    double[] sumSq = sums[1];
    float[][] ms = meanStd(sum, sumSq, chosen.size());
    model.projector().setTokenStatistics(ms[0], ms[1]);
    return new Result(chosen.size(), (System.nanoTime() - t0) / 1e9);
  }

  /**
   * Mean and standard deviation per element from sums over {@code n} samples:
   * std = sqrt(max(E[x²] − E[x]², 0) + {@link #EPS}) (the population variance, as BatchNorm's running
   * statistics use at evaluation).
   */
  static float[][] meanStd(double[] sum, double[] sumSq, int n) {
    float[] mean = new float[sum.length];
    float[] std = new float[sum.length];
    for (int i = 0; i < sum.length; i++) {
      double mu = sum[i] / n;
      double var = Math.max(sumSq[i] / n - mu * mu, 0);
      mean[i] = (float) mu;
      std[i] = (float) Math.sqrt(var + EPS);
    }
    return new float[][] {mean, std};
  }

  /** At most {@code max} items of {@code all}, evenly spaced and in order (all of them when there are fewer). */
  static <T> List<T> evenlySpaced(List<T> all, int max) {
    if (all.size() <= max) {
      return all;
    }
    List<T> out = new ArrayList<>(max);
    for (int i = 0; i < max; i++) {
      out.add(all.get((int) ((long) i * all.size() / max)));
    }
    return out;
  }
}

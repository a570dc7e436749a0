package org.scribe3d.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.scribe3d.data.Case;
import org.scribe3d.data.PhantomTruth;
import org.scribe3d.data.PipelineCache;
import org.scribe3d.model.vision.ViTConfig;
import org.scribe3d.text.FindingLabels;
import org.scribe3d.volume.Affines;

/**
 * Per-token finding targets for the dense finding head: where the phantom's ground truth says a finding lies
 * (its instances' voxel boxes), the encoder tokens that cover the box get the finding's own labels
 * ({@link FindingLabels#ofFinding}: type, side, location, severity, size); every other token gets 0 for them.
 *
 * <p>Why: the image-level finding head learns from one yes/no per scan and label, which taught the tiny encoder
 * the diffuse findings (enlarged organs, fluid) but left small focal ones (nodules, stones, cysts, nodes) at
 * chance after 50 minutes of pretraining (models/README.md). A box tells the encoder which of its 256 tokens
 * holds the lesion, the way detection pretraining does; the labels stay the report's words, so a hint can name
 * them.
 */
public final class DenseTargets {
  /** A token is marked when the box covers at least this share of min(box extent, patch) along every axis. */
  static final double MIN_OVERLAP = 0.3;

  private DenseTargets() {}

  /**
   * The head labels the dense head learns: every label some boxed finding of {@code truth} states, in the
   * head's order; {@code count:} labels belong to a case, not a finding, and are never dense.
   */
  public static List<String> labels(Map<String, List<PhantomTruth.Located>> truth, List<String> headLabels) {
    TreeSet<String> stated = new TreeSet<>();
    truth.values().forEach(list -> list.stream().filter(l -> !l.boxes().isEmpty())
        .forEach(l -> stated.addAll(FindingLabels.ofFinding(l.finding()))));
    return headLabels.stream().filter(stated::contains).toList();
  }

  /**
   * One image's targets, tokens × labels (token-major, tokens in the encoder's (d, h, w) grid order).
   *
   * @param inAffine the image file's voxel → world affine (the boxes' indices)
   * @param outAffine the model input's voxel → world affine (x = W, y = H, z = D)
   */
  public static float[] of(List<PhantomTruth.Located> findings, double[][] inAffine, double[][] outAffine,
      ViTConfig v, List<String> dense) {
    int[] grid = {v.width() / v.patchW(), v.height() / v.patchH(), v.depth() / v.patchD()}; // x, y, z
    int[] patch = {v.patchW(), v.patchH(), v.patchD()};
    int[] size = {v.width(), v.height(), v.depth()};
    float[] y = new float[grid[0] * grid[1] * grid[2] * dense.size()];
    double[][] toOut = Affines.multiply(Affines.invert(outAffine), inAffine);
    for (PhantomTruth.Located l : findings) {
      List<Integer> cols = new ArrayList<>();
      for (String label : FindingLabels.ofFinding(l.finding())) {
        int c = dense.indexOf(label);
        if (c >= 0) {
          cols.add(c);
        }
      }
      if (cols.isEmpty()) {
        continue;
      }
      for (int[][] box : l.boxes()) {
        double[][] edges = outputEdges(box, toOut);
        int[][] range = new int[3][];
        boolean any = true;
        for (int a = 0; a < 3 && any; a++) {
          range[a] = tokens(edges[0][a], edges[1][a], patch[a], size[a]);
          any = range[a] != null;
        }
        if (!any) {
          continue;
        }
        for (int z = range[2][0]; z <= range[2][1]; z++) {
          for (int yy = range[1][0]; yy <= range[1][1]; yy++) {
            for (int x = range[0][0]; x <= range[0][1]; x++) {
              int token = (z * grid[1] + yy) * grid[0] + x;
              for (int c : cols) {
                y[token * dense.size() + c] = 1f;
              }
            }
          }
        }
      }
    }
    return y;
  }

  /**
   * Every training image's targets (images of cases without ground truth are left out). The preprocessing runs
   * once per image for its geometry, on two threads.
   */
  public static Map<Path, float[]> compute(List<Case> cases, Map<String, List<PhantomTruth.Located>> truth,
      PipelineCache volumes, ViTConfig v, List<String> dense) {
    Map<Path, List<PhantomTruth.Located>> byImage = new LinkedHashMap<>();
    for (Case c : cases) {
      List<PhantomTruth.Located> f = truth.get(c.id());
      if (f != null) {
        byImage.putIfAbsent(c.image(), f);
      }
    }
    List<Path> images = new ArrayList<>(byImage.keySet());
    float[][] out = new float[images.size()][];
    java.util.stream.IntStream.range(0, images.size()).parallel().forEach(i -> {
      try {
        double[][][] a = volumes.affines(images.get(i));
        out[i] = of(byImage.get(images.get(i)), a[0], a[1], v, dense);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    Map<Path, float[]> result = new LinkedHashMap<>();
    for (int i = 0; i < images.size(); i++) {
      result.put(images.get(i), out[i]);
    }
    return result;
  }

  /** The box's extent in the model input, as voxel-edge coordinates (voxel n spans [n, n + 1)): {min, max}. */
  static double[][] outputEdges(int[][] box, double[][] toOut) {
    double[] lo = {Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY};
    double[] hi = {Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY};
    for (int corner = 0; corner < 8; corner++) {
      double[] p = new double[3];
      for (int a = 0; a < 3; a++) {
        p[a] = ((corner >> a & 1) == 0 ? box[0][a] - 0.5 : box[1][a] + 0.5);
      }
      for (int r = 0; r < 3; r++) {
        double q = toOut[r][0] * p[0] + toOut[r][1] * p[1] + toOut[r][2] * p[2] + toOut[r][3] + 0.5;
        lo[r] = Math.min(lo[r], q);
        hi[r] = Math.max(hi[r], q);
      }
    }
    return new double[][] {lo, hi};
  }

  /** The token indices [first, last] along one axis that [lo, hi) covers enough of, or null for none. */
  static int[] tokens(double lo, double hi, int patch, int size) {
    double need = MIN_OVERLAP * Math.min(hi - lo, patch);
    int first = -1;
    int last = -1;
    for (int t = 0; t < size / patch; t++) {
      double overlap = Math.min(hi, (t + 1.0) * patch) - Math.max(lo, (double) t * patch);
      if (overlap > 0 && overlap >= need) {
        if (first < 0) {
          first = t;
        }
        last = t;
      }
    }
    return first < 0 ? null : new int[] {first, last};
  }
}

package org.scribe3d.volume;

import java.util.stream.IntStream;

/**
 * Trilinear resizing that reproduces {@code torch.nn.functional.interpolate(x, size,
 * mode="trilinear", align_corners=False)} on a D×H×W float tensor (row-major, W fastest).
 *
 * <p>Per axis torch uses scale = in/out (float), source index max((o + 0.5) * scale - 0.5, 0),
 * i0 = floor, i1 = min(i0 + 1, in - 1), weights 1 - λ and λ; an axis whose size does not change is
 * copied. Trilinear weights are the product of the three per-axis weights, so the interpolation is
 * done separably, one axis at a time (the axis order is chosen to do the least work: for
 * 300×512×512 → 32×256×256 the D pass goes first and reads only the 64 slices it needs). Results
 * match torch to float rounding (about 1e-7 relative). Slices are spread over all cores.
 */
public final class Trilinear {
  private Trilinear() {}

  /** Per-axis source indices and weights, exactly as torch computes them (float arithmetic). */
  record AxisWeights(int[] i0, int[] i1, float[] l0, float[] l1) {
    static AxisWeights of(int in, int out) {
      int[] i0 = new int[out];
      int[] i1 = new int[out];
      float[] l0 = new float[out];
      float[] l1 = new float[out];
      float scale = (float) in / (float) out;
      for (int o = 0; o < out; o++) {
        if (in == out) {
          i0[o] = o;
          i1[o] = o;
          l0[o] = 1f;
          continue;
        }
        float src = Math.max(scale * (o + 0.5f) - 0.5f, 0f);
        int idx = Math.min((int) src, in - 1);
        float lambda = Math.min(Math.max(src - idx, 0f), 1f);
        i0[o] = idx;
        i1[o] = idx + (idx < in - 1 ? 1 : 0);
        l1[o] = lambda;
        l0[o] = 1f - lambda;
      }
      return new AxisWeights(i0, i1, l0, l1);
    }
  }

  /**
   * Resizes a D×H×W tensor to od×oh×ow.
   *
   * @param x row-major D×H×W (W fastest), i.e. a Volume's voxels with D = nz, H = ny, W = nx
   */
  public static float[] resize(float[] x, int d, int h, int w, int od, int oh, int ow) {
    if ((long) d * h * w != x.length) {
      throw new IllegalArgumentException("tensor length " + x.length + " does not match " + d + "x" + h + "x" + w);
    }
    if (od <= 0 || oh <= 0 || ow <= 0) {
      throw new IllegalArgumentException("output size must be positive: " + od + "x" + oh + "x" + ow);
    }
    int[] dims = {d, h, w};
    int[] target = {od, oh, ow};
    int[] order = cheapestOrder(dims, target);
    float[] cur = x;
    int[] curDims = dims.clone();
    for (int axis : order) {
      if (curDims[axis] == target[axis]) {
        continue; // torch copies such an axis unchanged
      }
      cur = resizeAxis(cur, curDims, axis, target[axis]);
      curDims[axis] = target[axis];
    }
    return cur == x ? x.clone() : cur;
  }

  /** The order of the three 1D passes that touches the fewest values. */
  static int[] cheapestOrder(int[] dims, int[] target) {
    int[][] perms = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
    int[] best = perms[0];
    double bestCost = Double.MAX_VALUE;
    for (int[] p : perms) {
      double[] cur = {dims[0], dims[1], dims[2]};
      double cost = 0;
      for (int axis : p) {
        if (dims[axis] == target[axis]) {
          continue;
        }
        cur[axis] = target[axis];
        cost += cur[0] * cur[1] * cur[2];
      }
      if (cost < bestCost) {
        bestCost = cost;
        best = p;
      }
    }
    return best;
  }

  /** One 1D linear pass along axis (0 = D, 1 = H, 2 = W) of a row-major tensor. */
  static float[] resizeAxis(float[] x, int[] dims, int axis, int outN) {
    int inN = dims[axis];
    int outerN = 1;
    for (int a = 0; a < axis; a++) {
      outerN *= dims[a];
    }
    final int outer = outerN;
    int inner = 1;
    for (int a = axis + 1; a < 3; a++) {
      inner *= dims[a];
    }
    AxisWeights wt = AxisWeights.of(inN, outN);
    float[] y = new float[Math.multiplyExact(Math.multiplyExact(outer, outN), inner)];
    final int in = inner;
    if (inner == 1) {
      // contiguous axis: gather per row; rows in blocks across threads
      int block = Math.max(1, 4096 / Math.max(1, outN));
      int blocks = (outer + block - 1) / block;
      IntStream.range(0, blocks).parallel().forEach(b -> {
        int end = Math.min(outer, (b + 1) * block);
        for (int o = b * block; o < end; o++) {
          int src = o * inN;
          int dst = o * outN;
          for (int j = 0; j < outN; j++) {
            y[dst + j] = wt.l0[j] * x[src + wt.i0[j]] + wt.l1[j] * x[src + wt.i1[j]];
          }
        }
      });
    } else {
      IntStream.range(0, outer * outN).parallel().forEach(t -> {
        int o = t / outN;
        int j = t % outN;
        int s0 = (o * inN + wt.i0[j]) * in;
        int s1 = (o * inN + wt.i1[j]) * in;
        int dst = (o * outN + j) * in;
        float a = wt.l0[j];
        float b = wt.l1[j];
        if (b == 0f) {
          System.arraycopy(x, s0, y, dst, in);
          if (a != 1f) {
            for (int k = 0; k < in; k++) {
              y[dst + k] *= a;
            }
          }
          return;
        }
        for (int k = 0; k < in; k++) {
          y[dst + k] = a * x[s0 + k] + b * x[s1 + k];
        }
      });
    }
    return y;
  }

  /**
   * The affine of the resized grid: output voxel o along an axis sits at input index
   * (o + 0.5) * in/out - 0.5 (align_corners=False geometry, without torch's clamp at the border).
   *
   * @param inShape storage order {nx, ny, nz}
   * @param outShape storage order {nx', ny', nz'}
   */
  public static double[][] resizedAffine(double[][] affine, int[] inShape, int[] outShape) {
    double[][] m = new double[4][4];
    for (int a = 0; a < 3; a++) {
      double s = (double) inShape[a] / outShape[a];
      m[a][a] = s;
      m[a][3] = (s - 1) / 2;
    }
    m[3][3] = 1;
    return Affines.multiply(affine, m);
  }
}

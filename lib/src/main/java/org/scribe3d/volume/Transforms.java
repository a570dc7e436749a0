package org.scribe3d.volume;

import java.util.stream.IntStream;

/**
 * The volume transforms, as pure functions (a new Volume out; the input is not modified). Voxel
 * order is the Volume's: first axis (x, W) fastest, third axis (z, D) slowest. Geometric transforms
 * update the affine so that every voxel keeps its place in the world.
 */
public final class Transforms {
  /** Work is split into blocks of about this many voxels across the common fork-join pool. */
  private static final int BLOCK = 1 << 16;

  private Transforms() {}

  // ---------------------------------------------------------------- geometry

  /**
   * Axis permutation with flips: output axis j reads input axis {@code srcAxis[j]}, reversed when
   * {@code flip[j]}. The affine is A · M with M mapping output indices to input indices.
   */
  public static Volume permuteFlip(Volume v, int[] srcAxis, boolean[] flip) {
    int[] in = v.shape();
    int[] stride = {1, in[0], in[0] * in[1]};
    int[] out = new int[3];
    int[] step = new int[3];
    int base = 0;
    double[][] m = new double[4][4];
    m[3][3] = 1;
    for (int j = 0; j < 3; j++) {
      int a = srcAxis[j];
      out[j] = in[a];
      step[j] = flip[j] ? -stride[a] : stride[a];
      if (flip[j]) {
        base += (in[a] - 1) * stride[a];
      }
      m[a][j] = flip[j] ? -1 : 1;
      m[a][3] = flip[j] ? in[a] - 1 : 0;
    }
    float[] src = v.voxels();
    float[] dst = new float[src.length];
    int nx = out[0];
    int ny = out[1];
    final int b0 = base;
    IntStream.range(0, out[2]).parallel().forEach(z -> {
      int d = z * nx * ny;
      int sz = b0 + z * step[2];
      for (int y = 0; y < ny; y++) {
        int s = sz + y * step[1];
        if (step[0] == 1) {
          System.arraycopy(src, s, dst, d, nx);
          d += nx;
        } else {
          for (int x = 0; x < nx; x++, s += step[0]) {
            dst[d++] = src[s];
          }
        }
      }
    });
    return new Volume(dst, out[0], out[1], out[2], Affines.multiply(v.affine(), m));
  }

  /** nibabel {@code as_closest_canonical}: reorder/flip axes so they are closest to RAS+. */
  public static Volume reorientToCanonical(Volume v) {
    int[][] ornt = Orientation.ioOrientation(v.affine());
    if (Orientation.isCanonical(ornt)) {
      return v;
    }
    Reorientation r = Reorientation.of(ornt);
    return permuteFlip(v, r.srcAxis(), r.flip());
  }

  /** The permutation/flip that takes an image to closest-canonical (RAS+) voxel order. */
  public record Reorientation(int[] srcAxis, boolean[] flip) {
    /** From nibabel's orientation rows [outAxis, sign] per input axis. */
    public static Reorientation of(int[][] ornt) {
      int[] src = new int[3];
      boolean[] flip = new boolean[3];
      boolean[] seen = new boolean[3];
      for (int i = 0; i < 3; i++) {
        int j = ornt[i][0];
        if (j < 0 || seen[j]) {
          throw new IllegalArgumentException("the affine is degenerate (rank < 3): its voxel axes cannot be "
              + "matched to RAS axes; reorientation is impossible (use --no-reorient)");
        }
        seen[j] = true;
        src[j] = i;
        flip[j] = ornt[i][1] < 0;
      }
      return new Reorientation(src, flip);
    }

    /** Where storage axis a of the input ends up in the output. */
    public int outAxisOf(int a) {
      for (int j = 0; j < 3; j++) {
        if (srcAxis[j] == a) {
          return j;
        }
      }
      throw new IllegalStateException();
    }
  }

  /** Crops to voxel index ranges [lo, hi) per storage axis; the affine follows. */
  public static Volume crop(Volume v, int[] lo, int[] hi) {
    int nx = hi[0] - lo[0];
    int ny = hi[1] - lo[1];
    int nz = hi[2] - lo[2];
    float[] src = v.voxels();
    float[] dst = new float[nx * ny * nz];
    int inNx = v.nx();
    int inNy = v.ny();
    IntStream.range(0, nz).parallel().forEach(z -> {
      for (int y = 0; y < ny; y++) {
        System.arraycopy(src, lo[0] + inNx * ((lo[1] + y) + inNy * (lo[2] + z)), dst, nx * (y + ny * z), nx);
      }
    });
    return new Volume(dst, nx, ny, nz, Affines.translateIndex(v.affine(), lo[0], lo[1], lo[2]));
  }

  /**
   * MONAI CropForeground (select_fn {@code x > 0}, margin 0): crop to the bounding box of the
   * positive voxels. An image with no positive voxel is returned unchanged (MONAI would return
   * an empty image, which no later step can use).
   */
  public static Volume cropForeground(Volume v) {
    int[] box = foregroundBox(v);
    if (box == null) {
      return v;
    }
    int[] lo = {box[0], box[1], box[2]};
    int[] hi = {box[3], box[4], box[5]};
    if (lo[0] == 0 && lo[1] == 0 && lo[2] == 0 && hi[0] == v.nx() && hi[1] == v.ny() && hi[2] == v.nz()) {
      return v;
    }
    return crop(v, lo, hi);
  }

  /** Bounding box {x0, y0, z0, x1, y1, z1} (end exclusive) of voxels &gt; 0, or null if none. */
  public static int[] foregroundBox(Volume v) {
    float[] a = v.voxels();
    int nx = v.nx();
    int ny = v.ny();
    int[][] perSlice = new int[v.nz()][];
    IntStream.range(0, v.nz()).parallel().forEach(z -> {
      int x0 = Integer.MAX_VALUE;
      int x1 = -1;
      int y0 = Integer.MAX_VALUE;
      int y1 = -1;
      for (int y = 0; y < ny; y++) {
        int row = nx * (y + ny * z);
        int first = -1;
        int last = -1;
        for (int x = 0; x < nx; x++) {
          if (a[row + x] > 0) {
            if (first < 0) {
              first = x;
            }
            last = x;
          }
        }
        if (first >= 0) {
          x0 = Math.min(x0, first);
          x1 = Math.max(x1, last);
          y0 = Math.min(y0, y);
          y1 = y;
        }
      }
      perSlice[z] = x1 < 0 ? null : new int[] {x0, x1, y0, y1};
    });
    int[] box = null;
    for (int z = 0; z < perSlice.length; z++) {
      int[] s = perSlice[z];
      if (s == null) {
        continue;
      }
      if (box == null) {
        box = new int[] {s[0], s[2], z, s[1] + 1, s[3] + 1, z + 1};
      } else {
        box[0] = Math.min(box[0], s[0]);
        box[1] = Math.min(box[1], s[2]);
        box[3] = Math.max(box[3], s[1] + 1);
        box[4] = Math.max(box[4], s[3] + 1);
        box[5] = z + 1;
      }
    }
    return box;
  }

  /**
   * Trilinear resize to D×H×W = {@code size} exactly as torch interpolate(mode="trilinear",
   * align_corners=False); the affine maps the new voxel centres into the input's world.
   */
  public static Volume resize(Volume v, int d, int h, int w) {
    float[] out = Trilinear.resize(v.voxels(), v.nz(), v.ny(), v.nx(), d, h, w);
    double[][] aff = Trilinear.resizedAffine(v.affine(), v.shape(), new int[] {w, h, d});
    return new Volume(out, w, h, d, aff);
  }

  /**
   * MONAI RandRotate90 on spatial axes (H, W) of the D×H×W tensor, k quarter turns: the same as
   * {@code np.rot90(t, k, axes=(1, 2))}. H and W swap for odd k.
   */
  public static Volume rot90(Volume v, int k) {
    k = Math.floorMod(k, 4);
    // storage axes: 0 = x (W), 1 = y (H), 2 = z (D); np.rot90 over (H, W):
    // k=1: out[h][w] = in[w][W-1-h]  -> out x reads in y; out y reads in x reversed
    // k=2: out[h][w] = in[H-1-h][W-1-w]
    // k=3: out[h][w] = in[H-1-w][h]  -> out x reads in y reversed; out y reads in x
    return switch (k) {
      case 0 -> v;
      case 1 -> permuteFlip(v, new int[] {1, 0, 2}, new boolean[] {false, true, false});
      case 2 -> permuteFlip(v, new int[] {0, 1, 2}, new boolean[] {true, true, false});
      default -> permuteFlip(v, new int[] {1, 0, 2}, new boolean[] {true, false, false});
    };
  }

  /** Reverses one axis of the D×H×W tensor (0 = D, 1 = H, 2 = W), as MONAI Flip / np.flip. */
  public static Volume flip(Volume v, int dhwAxis) {
    boolean[] f = new boolean[3];
    f[2 - dhwAxis] = true;
    return permuteFlip(v, new int[] {0, 1, 2}, f);
  }

  // ---------------------------------------------------------------- intensity

  /** Fails when any voxel is NaN or infinite (naming the first such voxel). */
  public static void requireFinite(Volume v, String source) {
    float[] a = v.voxels();
    long bad = IntStream.range(0, blocks(a.length)).parallel().mapToLong(b -> {
      long n = 0;
      for (int i = b * BLOCK, e = Math.min(a.length, i + BLOCK); i < e; i++) {
        if (!Float.isFinite(a[i])) {
          n++;
        }
      }
      return n;
    }).sum();
    if (bad > 0) {
      int first = 0;
      while (Float.isFinite(a[first])) {
        first++;
      }
      int x = first % v.nx();
      int y = (first / v.nx()) % v.ny();
      int z = first / (v.nx() * v.ny());
      throw new IllegalArgumentException(source + ": " + bad + " voxel" + (bad == 1 ? " is" : "s are")
          + " NaN or infinite (first at voxel " + x + "," + y + "," + z + " = " + a[first]
          + "); preprocessing needs finite values");
    }
  }

  /** value * slope + intercept (e.g. stored CT values to Hounsfield units). */
  public static Volume rescale(Volume v, double slope, double intercept) {
    return rescale(v, slope, intercept, false);
  }

  static Volume rescale(Volume v, double slope, double intercept, boolean inPlace) {
    float s = (float) slope;
    float c = (float) intercept;
    float[] a = v.voxels();
    float[] o = inPlace ? a : new float[a.length];
    forBlocks(a.length, (lo, hi) -> {
      for (int i = lo; i < hi; i++) {
        o[i] = a[i] * s + c;
      }
    });
    return v.withVoxels(o);
  }

  /** Clamps to [lo, hi] (a CT window). */
  public static Volume clip(Volume v, double lo, double hi) {
    return clip(v, lo, hi, false);
  }

  static Volume clip(Volume v, double lo, double hi, boolean inPlace) {
    float l = (float) lo;
    float h = (float) hi;
    float[] a = v.voxels();
    float[] o = inPlace ? a : new float[a.length];
    forBlocks(a.length, (b, e) -> {
      for (int i = b; i < e; i++) {
        o[i] = Math.min(Math.max(a[i], l), h);
      }
    });
    return v.withVoxels(o);
  }

  /** Min-max normalisation to [0, 1]; a constant image becomes all zeros. */
  public static Volume normalize(Volume v) {
    return normalize(v, false);
  }

  static Volume normalize(Volume v, boolean inPlace) {
    float[] mm = minMax(v.voxels());
    return normalizeWith(v, mm[0], mm[1], inPlace);
  }

  /** (x - min) / (max - min) with given bounds (all zeros when max == min). */
  static Volume normalizeWith(Volume v, float min, float max, boolean inPlace) {
    double range = (double) max - min;
    if (!(range > 0)) {
      return map(v, x -> 0f, inPlace);
    }
    float inv = (float) (1.0 / range);
    float[] a = v.voxels();
    float[] o = inPlace ? a : new float[a.length];
    forBlocks(a.length, (b, e) -> {
      for (int i = b; i < e; i++) {
        o[i] = (a[i] - min) * inv;
      }
    });
    return v.withVoxels(o);
  }

  /** Multiplies by (1 + factor): MONAI ScaleIntensity with a factor. */
  public static Volume scaleIntensity(Volume v, double factor) {
    return scaleIntensity(v, factor, false);
  }

  static Volume scaleIntensity(Volume v, double factor, boolean inPlace) {
    float f = (float) (1 + factor);
    return map(v, x -> x * f, inPlace);
  }

  /** Adds an offset: MONAI ShiftIntensity. */
  public static Volume shiftIntensity(Volume v, double offset) {
    return shiftIntensity(v, offset, false);
  }

  static Volume shiftIntensity(Volume v, double offset, boolean inPlace) {
    float o = (float) offset;
    return map(v, x -> x + o, inPlace);
  }

  /** {min, max} over all voxels, in parallel. */
  public static float[] minMax(float[] a) {
    float[][] parts = new float[blocks(a.length)][];
    IntStream.range(0, parts.length).parallel().forEach(b -> {
      float lo = Float.POSITIVE_INFINITY;
      float hi = Float.NEGATIVE_INFINITY;
      for (int i = b * BLOCK, e = Math.min(a.length, i + BLOCK); i < e; i++) {
        lo = Math.min(lo, a[i]);
        hi = Math.max(hi, a[i]);
      }
      parts[b] = new float[] {lo, hi};
    });
    float lo = Float.POSITIVE_INFINITY;
    float hi = Float.NEGATIVE_INFINITY;
    for (float[] p : parts) {
      lo = Math.min(lo, p[0]);
      hi = Math.max(hi, p[1]);
    }
    return new float[] {lo, hi};
  }

  @FunctionalInterface
  interface FloatOp {
    float apply(float x);
  }

  static Volume map(Volume v, FloatOp op) {
    return map(v, op, false);
  }

  /** Applies op to every voxel; in place (reusing v's array) when the caller owns v. */
  static Volume map(Volume v, FloatOp op, boolean inPlace) {
    float[] a = v.voxels();
    float[] out = inPlace ? a : new float[a.length];
    IntStream.range(0, blocks(a.length)).parallel().forEach(b -> {
      for (int i = b * BLOCK, e = Math.min(a.length, i + BLOCK); i < e; i++) {
        out[i] = op.apply(a[i]);
      }
    });
    return v.withVoxels(out);
  }

  @FunctionalInterface
  interface RangeBody {
    void run(int from, int to);
  }

  /** Runs body over [0, n) in blocks spread across the common pool (the loop lives in the body). */
  static void forBlocks(int n, RangeBody body) {
    IntStream.range(0, blocks(n)).parallel().forEach(b -> body.run(b * BLOCK, Math.min(n, (b + 1) * BLOCK)));
  }

  private static int blocks(int n) {
    return (n + BLOCK - 1) / BLOCK;
  }
}

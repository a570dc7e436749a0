package org.scribe3d.notebook;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.scribe3d.volume.Affines;
import org.scribe3d.volume.Transforms;
import org.scribe3d.volume.Trilinear;
import org.scribe3d.volume.Volume;

/**
 * Voxel maps a {@link CtViewer} lays over a scan, all pure functions of geometry: the dense finding
 * head's token grid brought back to voxels, resampling from one grid into another through world
 * coordinates, a smaller grid for a volume that is too big to embed, and a label volume painted
 * from ground-truth markers.
 */
public final class VoxelOverlays {
  /** Radius of the ball painted for a point marker (fluid, an enlarged organ), in millimetres. */
  static final double POINT_RADIUS_MM = 8.0;

  private VoxelOverlays() {}

  /**
   * One label column of the dense head's output as a volume on the token grid: token (d, h, w)
   * becomes voxel (i = w, j = h, k = d), centred on the patch it was computed from, so the grid's
   * affine is the preprocessed volume's scaled by the patch size.
   *
   * @param tokens token-major probabilities, tokens × labels, tokens in the encoder's (d, h, w) order
   * @param grid the token grid {D, H, W}
   * @param preprocessed the encoder's input volume (its shape is the grid times the patch)
   */
  public static Volume tokenGrid(float[] tokens, int labels, int column, int[] grid, Volume preprocessed) {
    if (grid == null || grid.length != 3 || grid[0] < 1 || grid[1] < 1 || grid[2] < 1) {
      throw new IllegalArgumentException("the token grid must be 3 positive sizes {D, H, W}, got "
          + java.util.Arrays.toString(grid));
    }
    int n = grid[0] * grid[1] * grid[2];
    if (labels < 1 || column < 0 || column >= labels) {
      throw new IllegalArgumentException("label column " + column + " is outside 0.." + (labels - 1));
    }
    if (tokens == null || tokens.length != (long) n * labels) {
      throw new IllegalArgumentException("dense-head probabilities: " + (tokens == null ? "none" : tokens.length + " values")
          + " for a " + grid[0] + "×" + grid[1] + "×" + grid[2] + " token grid × " + labels + " labels ("
          + (long) n * labels + " values expected)");
    }
    int[] dhw = preprocessed.dhw();
    for (int a = 0; a < 3; a++) {
      if (dhw[a] % grid[a] != 0) {
        throw new IllegalArgumentException("the preprocessed volume " + dhw[0] + "×" + dhw[1] + "×" + dhw[2]
            + " (D×H×W) is not a whole number of patches of the " + grid[0] + "×" + grid[1] + "×" + grid[2]
            + " token grid: pass the encoder's input volume");
      }
    }
    float[] v = new float[n];
    for (int t = 0; t < n; t++) {
      float p = tokens[t * labels + column];
      if (!(p >= 0 && p <= 1)) {
        throw new IllegalArgumentException("dense-head probability at token " + t + " (label column " + column
            + ") is " + p + "; probabilities must be finite values in [0, 1]");
      }
      v[t] = p;
    }
    // token order (d, h, w) with w fastest is the Volume's own order with i = w
    double[][] affine = Trilinear.resizedAffine(preprocessed.affine(), preprocessed.shape(),
        new int[] {grid[2], grid[1], grid[0]});
    return new Volume(v, grid[2], grid[1], grid[0], affine);
  }

  /**
   * The token grid upsampled onto the preprocessed volume's voxels by trilinear interpolation
   * between token centres (torch's {@code interpolate(mode="trilinear", align_corners=False)}, the
   * usual way class-activation maps are brought to image size).
   */
  public static Volume upsample(Volume tokenGrid, Volume preprocessed) {
    int[] dhw = preprocessed.dhw();
    Volume up = Transforms.resize(tokenGrid, dhw[0], dhw[1], dhw[2]);
    // resizing back by the patch size lands exactly on the preprocessed grid; keep its affine verbatim
    return new Volume(up.voxels(), up.nx(), up.ny(), up.nz(), preprocessed.affine());
  }

  /**
   * {@code source} sampled at the voxel centres of a grid of {@code shape} with {@code affine},
   * through world coordinates (so a heatmap computed on the reoriented, cropped and resized model
   * input lands on the original scan). Trilinear inside the source, edge values up to half a voxel
   * beyond its outer voxel centres, {@code outside} further out (what preprocessing cropped away).
   */
  public static Volume resample(Volume source, int[] shape, double[][] affine, float outside) {
    double[][] m = Affines.multiply(Affines.invert(source.affine()), affine);
    int nx = shape[0];
    int ny = shape[1];
    int nz = shape[2];
    int sx = source.nx();
    int sy = source.ny();
    int sz = source.nz();
    float[] src = source.voxels();
    float[] out = new float[nx * ny * nz];
    for (int k = 0; k < nz; k++) {
      for (int j = 0; j < ny; j++) {
        int row = nx * (j + ny * k);
        for (int i = 0; i < nx; i++) {
          double x = m[0][0] * i + m[0][1] * j + m[0][2] * k + m[0][3];
          double y = m[1][0] * i + m[1][1] * j + m[1][2] * k + m[1][3];
          double z = m[2][0] * i + m[2][1] * j + m[2][2] * k + m[2][3];
          if (x < -0.5 || y < -0.5 || z < -0.5 || x > sx - 0.5 || y > sy - 0.5 || z > sz - 0.5) {
            out[row + i] = outside;
            continue;
          }
          x = clamp(x, sx);
          y = clamp(y, sy);
          z = clamp(z, sz);
          int x0 = Math.min((int) x, sx - 1);
          int y0 = Math.min((int) y, sy - 1);
          int z0 = Math.min((int) z, sz - 1);
          int x1 = Math.min(x0 + 1, sx - 1);
          int y1 = Math.min(y0 + 1, sy - 1);
          int z1 = Math.min(z0 + 1, sz - 1);
          double fx = x - x0;
          double fy = y - y0;
          double fz = z - z0;
          double c00 = src[x0 + sx * (y0 + sy * z0)] * (1 - fx) + src[x1 + sx * (y0 + sy * z0)] * fx;
          double c10 = src[x0 + sx * (y1 + sy * z0)] * (1 - fx) + src[x1 + sx * (y1 + sy * z0)] * fx;
          double c01 = src[x0 + sx * (y0 + sy * z1)] * (1 - fx) + src[x1 + sx * (y0 + sy * z1)] * fx;
          double c11 = src[x0 + sx * (y1 + sy * z1)] * (1 - fx) + src[x1 + sx * (y1 + sy * z1)] * fx;
          double c0 = c00 * (1 - fy) + c10 * fy;
          double c1 = c01 * (1 - fy) + c11 * fy;
          out[row + i] = (float) (c0 * (1 - fz) + c1 * fz);
        }
      }
    }
    return new Volume(out, nx, ny, nz, affine);
  }

  private static double clamp(double v, int n) {
    return Math.max(0, Math.min(n - 1, v));
  }

  /**
   * The shape a volume is shown at so it holds at most {@code maxVoxels}: every axis shrunk by the
   * same factor (voxel proportions kept), each at least 1; the volume's own shape when it fits.
   */
  public static int[] shrunkShape(int[] shape, long maxVoxels) {
    long n = (long) shape[0] * shape[1] * shape[2];
    if (n <= maxVoxels) {
      return shape.clone();
    }
    double f = Math.cbrt((double) n / Math.max(1, maxVoxels));
    int[] out = new int[3];
    for (int a = 0; a < 3; a++) {
      out[a] = Math.max(1, (int) Math.floor(shape[a] / f));
    }
    return out;
  }

  /** Trilinear resize to {@code shape} (storage order {nx, ny, nz}); the affine follows. */
  public static Volume resized(Volume v, int[] shape) {
    if (java.util.Arrays.equals(shape, v.shape())) {
      return v;
    }
    return Transforms.resize(v, shape[2], shape[1], shape[0]);
  }

  /** A label volume and what its values mean: value i + 1 is {@code names.get(i)}. */
  public record Labels(Volume volume, List<String> names, List<java.awt.Color> colours) {}

  /**
   * Ground-truth markers painted into a grid of {@code shape} with {@code affine}: one label per
   * distinct marker label (in first-seen order), a box filled over the voxels it spans, a point as a
   * ball of {@value #POINT_RADIUS_MM} mm. A later marker paints over an earlier one where they meet.
   * A box thinner than a voxel still marks the voxel nearest its centre.
   */
  public static Labels labels(int[] shape, double[][] affine, List<Marker> markers) {
    int nx = shape[0];
    int ny = shape[1];
    int nz = shape[2];
    float[] out = new float[nx * ny * nz];
    Map<String, Integer> index = new LinkedHashMap<>();
    List<java.awt.Color> colours = new ArrayList<>();
    Volume grid = new Volume(out, nx, ny, nz, affine);
    double[] spacing = grid.spacing();
    for (Marker m : markers) {
      Integer value = index.get(m.label());
      if (value == null) {
        value = index.size() + 1;
        index.put(m.label(), value);
        colours.add(m.color());
      }
      double[][] c = m.voxelCorners(affine);
      int[] lo = new int[3];
      int[] hi = new int[3];
      double[] centre = new double[3];
      for (int a = 0; a < 3; a++) {
        double from;
        double to;
        if (m.kind() == Marker.Kind.BOX) {
          from = Math.min(c[0][a], c[1][a]) - 0.5;
          to = Math.max(c[0][a], c[1][a]) + 0.5;
        } else {
          double r = POINT_RADIUS_MM / spacing[a];
          from = c[0][a] - r;
          to = c[0][a] + r;
        }
        centre[a] = (from + to) / 2;
        lo[a] = Math.max(0, (int) Math.ceil(from));
        hi[a] = Math.min(shape[a] - 1, (int) Math.floor(to));
        if (lo[a] > hi[a]) { // thinner than a voxel: the nearest one
          lo[a] = hi[a] = (int) Math.round(Math.max(0, Math.min(shape[a] - 1, centre[a])));
        }
      }
      for (int k = lo[2]; k <= hi[2]; k++) {
        for (int j = lo[1]; j <= hi[1]; j++) {
          for (int i = lo[0]; i <= hi[0]; i++) {
            if (m.kind() == Marker.Kind.POINT) {
              double dx = (i - c[0][0]) * spacing[0];
              double dy = (j - c[0][1]) * spacing[1];
              double dz = (k - c[0][2]) * spacing[2];
              if (dx * dx + dy * dy + dz * dz > POINT_RADIUS_MM * POINT_RADIUS_MM) {
                continue;
              }
            }
            out[i + nx * (j + ny * k)] = value;
          }
        }
      }
    }
    return new Labels(grid, List.copyOf(index.keySet()), List.copyOf(colours));
  }
}

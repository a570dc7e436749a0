package org.scribe3d.phantom;

import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Paints shapes into the HU and label arrays (slices in parallel, each voxel centre visited by the
 * shapes whose box contains it, in order), then applies the partial-volume smoothing and the noise.
 * Every step is a pure function of its inputs and the slice index, so the result does not depend
 * on thread scheduling.
 */
final class Renderer {
  /** In-plane point-spread (Gaussian sigma, mm) of the simulated scanner. */
  static final double PSF_SIGMA_MM = 0.8;

  private Renderer() {}

  /**
   * Paints the shapes (body-frame coordinates; world = body + offset) over the existing contents.
   *
   * @param kFrom first slice to paint, kTo last (inclusive): callers painting one small shape pass
   *     its slice range
   */
  static void paint(Grid g, double[] off, List<Shape> shapes, float[] hu, byte[] lab, float[] table,
      int kFrom, int kTo) {
    IntStream.rangeClosed(Math.max(0, kFrom), Math.min(g.nz - 1, kTo)).parallel().forEach(k -> {
      Shape.Cell c = new Shape.Cell(table);
      double zb = g.z(k) - off[2];
      for (Shape s : shapes) {
        if (zb < s.z0() || zb > s.z1()) {
          continue;
        }
        int[] ir = Grid.range(s.x0() + off[0], s.x1() + off[0], g.ox, g.dx, g.nx);
        int[] jr = Grid.range(s.y0() + off[1], s.y1() + off[1], g.oy, g.dy, g.ny);
        Shape.Painter p = s.painter();
        for (int j = jr[0]; j <= jr[1]; j++) {
          double yb = g.y(j) - off[1];
          int row = g.nx * (j + g.ny * k);
          for (int i = ir[0]; i <= ir[1]; i++) {
            int idx = row + i;
            c.label = lab[idx] & 0xff;
            c.hu = hu[idx];
            p.paint(g.x(i) - off[0], yb, zb, c);
            lab[idx] = (byte) c.label;
            hu[idx] = c.hu;
          }
        }
      }
    });
  }

  /** Slice range covered by a shape (body frame). */
  static int[] sliceRange(Grid g, double[] off, Shape s) {
    return Grid.range(s.z0() + off[2], s.z1() + off[2], g.oz, g.dz, g.nz);
  }

  /**
   * The side weight w of a 3-tap kernel [w, 1-2w, w] whose variance (2w voxels²) matches a Gaussian
   * of sigma {@code sigmaVox}; capped at 1/4 (the binomial kernel).
   */
  static double tapWeight(double sigmaVox) {
    return Math.min(0.25, sigmaVox * sigmaVox / 2);
  }

  /**
   * Partial-volume smoothing: in-plane the scanner PSF, along z the slice sensitivity profile (a box
   * of one slice thickness, sigma = thickness/sqrt(12), relative to the point-sampled centre).
   */
  static void blur(Grid g, float[] v) {
    double wx = tapWeight(PSF_SIGMA_MM / g.sx());
    double wy = tapWeight(PSF_SIGMA_MM / g.sy());
    double wz = tapWeight(1 / Math.sqrt(12));
    int nx = g.nx;
    int ny = g.ny;
    int nz = g.nz;
    IntStream.range(0, nz).parallel().forEach(k -> {
      float[] line = new float[Math.max(nx, ny)];
      for (int j = 0; j < ny; j++) {
        int base = nx * (j + ny * k);
        for (int i = 0; i < nx; i++) {
          line[i] = v[base + i];
        }
        for (int i = 0; i < nx; i++) {
          float a = line[Math.max(0, i - 1)];
          float b = line[Math.min(nx - 1, i + 1)];
          v[base + i] = (float) ((1 - 2 * wx) * line[i] + wx * (a + b));
        }
      }
      for (int i = 0; i < nx; i++) {
        int base = i + nx * ny * k;
        for (int j = 0; j < ny; j++) {
          line[j] = v[base + nx * j];
        }
        for (int j = 0; j < ny; j++) {
          float a = line[Math.max(0, j - 1)];
          float b = line[Math.min(ny - 1, j + 1)];
          v[base + nx * j] = (float) ((1 - 2 * wy) * line[j] + wy * (a + b));
        }
      }
    });
    int plane = nx * ny;
    IntStream.range(0, ny).parallel().forEach(j -> {
      float[] prev = new float[nx];
      float[] cur = new float[nx];
      for (int i = 0; i < nx; i++) {
        prev[i] = v[i + nx * j];
      }
      for (int k = 0; k < nz; k++) {
        int base = nx * j + plane * k;
        int nextBase = nx * j + plane * Math.min(nz - 1, k + 1);
        for (int i = 0; i < nx; i++) {
          cur[i] = v[base + i];
        }
        for (int i = 0; i < nx; i++) {
          v[base + i] = (float) ((1 - 2 * wz) * cur[i] + wz * (prev[i] + v[nextBase + i]));
        }
        float[] t = prev;
        prev = cur;
        cur = t;
      }
    });
  }

  /** Adds Gaussian noise, rounds to whole HU and clips to the CT range [-1024, 3071]. */
  static void noiseAndQuantise(Grid g, float[] v, double sigma, long seed) {
    int plane = g.nx * g.ny;
    IntStream.range(0, g.nz).parallel().forEach(k -> {
      SplittableRandom r = new SplittableRandom(Seeds.mix(seed, k));
      int base = plane * k;
      for (int p = 0; p < plane; p++) {
        double h = v[base + p] + sigma * r.nextGaussian();
        v[base + p] = (float) Math.max(-1024, Math.min(3071, Math.rint(h)));
      }
    });
  }
}

package org.scribe3d.phantom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.scribe3d.data.FindingType;

/** The maths under the phantom: distance transform, blur weights, geometry, orientation. */
class PhantomPartsTest {

  @Test
  void distanceTransformIsExactEuclidean() {
    int nx = 14;
    int ny = 12;
    int nz = 9;
    double sx = 0.8;
    double sy = 0.8;
    double sz = 2.5;
    boolean[] m = new boolean[nx * ny * nz];
    Random r = new Random(3);
    // a blob: union of random balls
    double[][] balls = new double[4][];
    for (int b = 0; b < 4; b++) {
      balls[b] = new double[] {2 + r.nextDouble() * 10 * sx, 2 + r.nextDouble() * 8 * sy, 2 + r.nextDouble() * 6 * sz,
          3 + r.nextDouble() * 4};
    }
    for (int k = 0; k < nz; k++) {
      for (int j = 0; j < ny; j++) {
        for (int i = 0; i < nx; i++) {
          for (double[] b : balls) {
            double dx = i * sx - b[0];
            double dy = j * sy - b[1];
            double dz = k * sz - b[2];
            if (dx * dx + dy * dy + dz * dz <= b[3] * b[3]) {
              m[i + nx * (j + ny * k)] = true;
            }
          }
        }
      }
    }
    float[] d = DistanceTransform.inside(m, nx, ny, nz, sx, sy, sz);
    int inside = 0;
    for (int k = 0; k < nz; k++) {
      for (int j = 0; j < ny; j++) {
        for (int i = 0; i < nx; i++) {
          int p = i + nx * (j + ny * k);
          if (!m[p]) {
            assertEquals(0f, d[p]);
            continue;
          }
          inside++;
          // exact: nearest voxel outside the mask, or the first step outside the box
          double best = Math.min(Math.min((i + 1) * sx, (nx - i) * sx),
              Math.min(Math.min((j + 1) * sy, (ny - j) * sy), Math.min((k + 1) * sz, (nz - k) * sz)));
          for (int c = 0; c < nz; c++) {
            for (int b = 0; b < ny; b++) {
              for (int a = 0; a < nx; a++) {
                if (!m[a + nx * (b + ny * c)]) {
                  best = Math.min(best, Math.sqrt(sq((a - i) * sx) + sq((b - j) * sy) + sq((c - k) * sz)));
                }
              }
            }
          }
          assertTrue(Math.abs(d[p] - best) <= 1e-4 * best + 1e-4, "at " + i + "," + j + "," + k + ": "
              + d[p] + " vs " + best);
        }
      }
    }
    assertTrue(inside > 50, "blob too small: " + inside);
  }

  private static double sq(double v) {
    return v * v;
  }

  @Test
  void blurKernelMatchesGaussianVariance() {
    assertEquals(0.02, Renderer.tapWeight(0.2), 1e-12);
    assertEquals(0.25, Renderer.tapWeight(2.0), 1e-12); // capped at the binomial kernel
    Grid g = new Grid(9, 1, 1, 0.8, 1, 1, 0, 0, 0);
    float[] v = new float[9];
    v[4] = 1;
    Renderer.blur(g, v);
    double sum = 0;
    double var = 0;
    for (int i = 0; i < 9; i++) {
      sum += v[i];
      var += v[i] * (i - 4) * (i - 4);
    }
    assertEquals(1, sum, 1e-6);
    assertEquals(2 * Renderer.tapWeight(Renderer.PSF_SIGMA_MM / 0.8), var, 1e-6);
  }

  @Test
  void lpsAndRasGridsPutTheSameWorldPointAtFlippedIndices() {
    Grid ras = new Grid(10, 10, 5, 2, 2, 3, -9, -9, 0);
    Grid lps = new Grid(10, 10, 5, -2, -2, 3, 9, 9, 0);
    assertEquals("RAS", ras.orientation);
    assertEquals("LPS", lps.orientation);
    for (int i = 0; i < 10; i++) {
      assertEquals(ras.x(i), lps.x(9 - i), 1e-12);
      assertEquals(ras.y(i), lps.y(9 - i), 1e-12);
    }
    int[] r = Grid.range(-3.5, 4.1, lps.ox, lps.dx, lps.nx);
    assertEquals(List.of(3, 6), List.of(r[0], r[1]));
  }

  @Test
  void generatedCaseHasTheStatedGeometryAndFindings() {
    PhantomCase c = PhantomGenerator.generate(5, 0, SizePreset.SMALL,
        List.of(FindingType.LUNG_NODULE, FindingType.KIDNEY_STONE));
    int[] s = c.shape();
    assertEquals(96, s[0]);
    assertTrue(s[2] >= 70 && s[2] <= 120, "slices " + s[2]);
    double[] sp = c.spacing();
    assertTrue(sp[0] > 4 && sp[0] < 5.2 && sp[2] >= 6 && sp[2] <= 8, java.util.Arrays.toString(sp));
    assertEquals(List.of(FindingType.LUNG_NODULE, FindingType.KIDNEY_STONE),
        c.findings().stream().map(f -> f.type()).toList());
    // every voxel is whole HU in the CT range
    for (float v : c.voxels()) {
      assertTrue(v == Math.rint(v) && v >= -1024 && v <= 3071);
    }
  }
}

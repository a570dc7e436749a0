package org.scribe3d.phantom;

/**
 * Exact Euclidean distance transform on an anisotropic voxel box (Felzenszwalb and Huttenlocher's
 * separable lower-envelope algorithm, one axis at a time): for each voxel inside the mask, the
 * distance (mm) to the centre of the nearest voxel outside it. The box is treated as surrounded by
 * outside voxels, so a lone voxel gets the smallest spacing.
 */
final class DistanceTransform {
  private static final double INF = 1e20;

  private DistanceTransform() {}

  static float[] inside(boolean[] mask, int nx, int ny, int nz, double sx, double sy, double sz) {
    // pad by one outside voxel on every side
    int px = nx + 2;
    int py = ny + 2;
    int pz = nz + 2;
    double[] f = new double[px * py * pz];
    java.util.Arrays.fill(f, 0);
    for (int k = 0; k < nz; k++) {
      for (int j = 0; j < ny; j++) {
        for (int i = 0; i < nx; i++) {
          if (mask[i + nx * (j + ny * k)]) {
            f[(i + 1) + px * ((j + 1) + py * (k + 1))] = INF;
          }
        }
      }
    }
    int maxN = Math.max(px, Math.max(py, pz));
    double[] line = new double[maxN];
    double[] out = new double[maxN];
    int[] v = new int[maxN];
    double[] z = new double[maxN + 1];
    // x
    for (int k = 0; k < pz; k++) {
      for (int j = 0; j < py; j++) {
        int base = px * (j + py * k);
        for (int i = 0; i < px; i++) {
          line[i] = f[base + i];
        }
        pass(line, px, sx, out, v, z);
        for (int i = 0; i < px; i++) {
          f[base + i] = out[i];
        }
      }
    }
    // y
    for (int k = 0; k < pz; k++) {
      for (int i = 0; i < px; i++) {
        for (int j = 0; j < py; j++) {
          line[j] = f[i + px * (j + py * k)];
        }
        pass(line, py, sy, out, v, z);
        for (int j = 0; j < py; j++) {
          f[i + px * (j + py * k)] = out[j];
        }
      }
    }
    // z
    for (int j = 0; j < py; j++) {
      for (int i = 0; i < px; i++) {
        for (int k = 0; k < pz; k++) {
          line[k] = f[i + px * (j + py * k)];
        }
        pass(line, pz, sz, out, v, z);
        for (int k = 0; k < pz; k++) {
          f[i + px * (j + py * k)] = out[k];
        }
      }
    }
    float[] d = new float[mask.length];
    for (int k = 0; k < nz; k++) {
      for (int j = 0; j < ny; j++) {
        for (int i = 0; i < nx; i++) {
          int p = i + nx * (j + ny * k);
          d[p] = mask[p] ? (float) Math.sqrt(f[(i + 1) + px * ((j + 1) + py * (k + 1))]) : 0f;
        }
      }
    }
    return d;
  }

  /** 1D squared distance transform of f (sample spacing s): out[q] = min_p (s(q-p))² + f[p]. */
  private static void pass(double[] f, int n, double s, double[] out, int[] v, double[] z) {
    double s2 = s * s;
    int k = 0;
    v[0] = 0;
    z[0] = -INF;
    z[1] = INF;
    for (int q = 1; q < n; q++) {
      double sep;
      while (true) {
        int p = v[k];
        sep = ((f[q] + s2 * q * q) - (f[p] + s2 * p * p)) / (2 * s2 * (q - p));
        if (sep <= z[k] && k > 0) {
          k--;
        } else {
          break;
        }
      }
      if (sep <= z[k]) {
        // k == 0 and the new parabola dominates everywhere
        v[0] = q;
        z[0] = -INF;
        z[1] = INF;
        continue;
      }
      k++;
      v[k] = q;
      z[k] = sep;
      z[k + 1] = INF;
    }
    k = 0;
    for (int q = 0; q < n; q++) {
      while (z[k + 1] < q) {
        k++;
      }
      double d = s * (q - v[k]);
      out[q] = d * d + f[v[k]];
    }
  }
}

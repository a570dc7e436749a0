package org.scribe3d.phantom;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The pulmonary vessel trees of one case: from each hilum four trunks branch binary and at random
 * (radius x 0.72 and length x 0.6-0.85 per generation, three generations or down to 1.6 mm), which
 * gives the lung the branching vessels that a nodule must be told apart from.
 */
final class LungVesselTree {
  private LungVesselTree() {}

  /** Segments {p0, p1, {radius}} of both trees, right after left, drawn from {@code rng}. */
  static List<double[][]> grow(Random rng, double yHilum, double zHilum) {
    List<double[][]> out = new ArrayList<>();
    for (int side = -1; side <= 1; side += 2) {
      double[] hil = {side * 42, yHilum, zHilum};
      double[][] dirs = {{side * 0.5, 0.1, 1}, {side * 0.8, 0.6, -0.3}, {side * 0.6, -0.6, -0.8},
          {side * 1, -0.2, 0.2}};
      for (double[] d : dirs) {
        branch(out, rng, hil, Anatomy.norm(d), 5.0, 55, 0);
      }
    }
    return out;
  }

  private static void branch(List<double[][]> out, Random rng, double[] p, double[] d, double radius, double len,
      int depth) {
    double[] q = {p[0] + d[0] * len, p[1] + d[1] * len, p[2] + d[2] * len};
    out.add(new double[][] {p, q, {radius}});
    if (depth >= 3 || radius < 1.6) {
      return;
    }
    for (int c = 0; c < 2; c++) {
      double[] nd = Anatomy.norm(new double[] {d[0] + Anatomy.u(rng, -0.6, 0.6), d[1] + Anatomy.u(rng, -0.6, 0.6),
          d[2] + Anatomy.u(rng, -0.6, 0.6)});
      branch(out, rng, q, nd, radius * 0.72, len * Anatomy.u(rng, 0.6, 0.85), depth + 1);
    }
  }
}

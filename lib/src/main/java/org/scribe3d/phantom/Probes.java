package org.scribe3d.phantom;

import java.util.ArrayList;
import java.util.List;

/**
 * Measures every rendered finding instance on the label map (before smoothing and noise): its voxel
 * count and box, a probe ball that lies wholly inside it, a ball of the surrounding tissue nearby,
 * and for spheres and enlarged organs the length actually painted along the measurement axis. The
 * ground truth carries these so an outside test can check the HU values at those places.
 */
final class Probes {
  private Probes() {}

  static void measure(Grid g, byte[] lab, List<PhantomFinding> findings, double[] off) {
    List<PhantomFinding.Instance> all = new ArrayList<>();
    for (PhantomFinding f : findings) {
      all.addAll(f.instances);
    }
    int n = Tissue.MAX_INSTANCES + 1;
    long[] count = new long[n];
    int[][] lo = new int[n][];
    int[][] hi = new int[n][];
    for (int k = 0; k < g.nz; k++) {
      for (int j = 0; j < g.ny; j++) {
        int row = g.nx * (j + g.ny * k);
        for (int i = 0; i < g.nx; i++) {
          int l = (lab[row + i] & 0xff) - Tissue.FINDING_BASE;
          if (l < 0) {
            continue;
          }
          if (count[l]++ == 0) {
            lo[l] = new int[] {i, j, k};
            hi[l] = new int[] {i, j, k};
          } else {
            lo[l][0] = Math.min(lo[l][0], i);
            lo[l][1] = Math.min(lo[l][1], j);
            lo[l][2] = Math.min(lo[l][2], k);
            hi[l][0] = Math.max(hi[l][0], i);
            hi[l][1] = Math.max(hi[l][1], j);
            hi[l][2] = Math.max(hi[l][2], k);
          }
        }
      }
    }
    for (PhantomFinding.Instance in : all) {
      if (in.label >= 0) {
        int id = in.label - Tissue.FINDING_BASE;
        in.voxelCount = count[id];
        if (count[id] == 0) {
          continue; // nothing painted: the ground truth shows voxel_count 0 and the checks fail
        }
        in.bboxMin = lo[id];
        in.bboxMax = hi[id];
        int target = in.label;
        measureInstance(g, lab, in, off, l -> l == target);
      } else {
        Tissue.Group organ = in.organ;
        measureInstance(g, lab, in, off, organ::contains);
      }
    }
  }

  private static void measureInstance(Grid g, byte[] lab, PhantomFinding.Instance in, double[] off,
      java.util.function.IntPredicate member) {
    int[] centre = null;
    if (in.centreBody != null) {
      int[] v = voxelOf(g, off, in.centreBody);
      if (g.inside(v[0], v[1], v[2]) && member.test(lab[g.index(v[0], v[1], v[2])] & 0xff)) {
        centre = v;
      }
    }
    // box for the distance transform: the instance box, or a box around the organ centre
    int[] bLo;
    int[] bHi;
    if (in.bboxMin != null) {
      bLo = in.bboxMin;
      bHi = in.bboxMax;
    } else {
      int[] c = voxelOf(g, off, in.centreBody);
      int rx = (int) Math.ceil(25 / g.sx());
      int ry = (int) Math.ceil(25 / g.sy());
      int rz = (int) Math.ceil(25 / g.sz());
      bLo = new int[] {c[0] - rx, c[1] - ry, c[2] - rz};
      bHi = new int[] {c[0] + rx, c[1] + ry, c[2] + rz};
    }
    if (centre == null) {
      centre = deepest(g, lab, bLo, bHi, member);
    }
    if (centre == null) {
      return;
    }
    // local distance transform around the probe centre (big regions are not transformed whole)
    double reach = in.semiAxes != null ? max(in.semiAxes) + 5 : 40;
    Box box = new Box(g, around(g, centre, reach, 0, true), around(g, centre, reach, 0, false), 1);
    float[] dt = box.distance(lab, member);
    in.probeVoxel = centre;
    double inPlane = g.maxInPlane();
    double rho;
    if (in.semiAxes != null && !"organ".equals(in.shape)) {
      double minSemi = Math.min(in.semiAxes[0], Math.min(in.semiAxes[1], in.semiAxes[2]));
      rho = Math.max(0, minSemi - 0.75 * inPlane);
    } else {
      rho = Math.min(12, 0.6 * box.at(dt, centre));
    }
    in.probeRadiusMm = shrinkToFit(g, lab, centre, rho, member);
    in.probeCount = ball(g, centre, in.probeRadiusMm).size();

    // surroundings: nearest ball of the expected tissue
    for (double margin : new double[] {30, 60, 100}) {
      for (Tissue.Group grp : in.surroundGroups) {
        double inner = in.semiAxes != null ? max(in.semiAxes) : box.at(dt, centre);
        Box sb = new Box(g, around(g, centre, inner, margin, true), around(g, centre, inner, margin, false), 0);
        float[] sdt = sb.distance(lab, grp::contains);
        for (double tau : new double[] {2.0 * inPlane, 1.5 * inPlane, 1.0 * inPlane, 1e-3}) {
          int[] best = sb.nearest(sdt, tau, centre);
          if (best != null) {
            in.surroundVoxel = best;
            in.surroundTissue = grp.key;
            double r0 = Math.max(0, Math.min(8, sb.at(sdt, best) - 0.75 * inPlane));
            in.surroundRadiusMm = shrinkToFit(g, lab, best, r0, grp::contains);
            in.surroundCount = ball(g, best, in.surroundRadiusMm).size();
            break;
          }
        }
        if (in.surroundVoxel != null) {
          break;
        }
      }
      if (in.surroundVoxel != null) {
        break;
      }
    }

    // painted length along the measurement axis through the centre
    int axis = in.spanAxis >= 0 ? in.spanAxis : ("sphere".equals(in.shape) ? 0 : -1);
    if (axis >= 0) {
      int run = 1;
      for (int dir = -1; dir <= 1; dir += 2) {
        int[] p = centre.clone();
        while (true) {
          p[axis] += dir;
          if (!g.inside(p[0], p[1], p[2]) || !member.test(lab[g.index(p[0], p[1], p[2])] & 0xff)) {
            break;
          }
          run++;
        }
      }
      double step = axis == 0 ? g.sx() : axis == 1 ? g.sy() : g.sz();
      in.measuredSpanMm = run * step;
    }
  }

  private static double max(double[] v) {
    return Math.max(v[0], Math.max(v[1], v[2]));
  }

  /** Corner of the box reaching r + margin mm around voxel c. */
  private static int[] around(Grid g, int[] c, double r, double margin, boolean low) {
    double m = r + margin;
    int s = low ? -1 : 1;
    return new int[] {c[0] + s * (int) Math.ceil(m / g.sx()), c[1] + s * (int) Math.ceil(m / g.sy()),
        c[2] + s * (int) Math.ceil(m / g.sz())};
  }

  /**
   * The voxel deepest inside the member set within a box: a distance transform on a grid strided
   * down to at most ~2 M voxels, then refined at full resolution around the coarse maximum.
   */
  static int[] deepest(Grid g, byte[] lab, int[] lo, int[] hi, java.util.function.IntPredicate member) {
    Box full = new Box(g, lo, hi, 1);
    long vol = (long) full.nx * full.ny * full.nz;
    int st = (int) Math.max(1, Math.ceil(Math.cbrt(vol / 2.0e6)));
    if (st == 1) {
      return full.argmax(full.distance(lab, member), null);
    }
    int cx = (full.nx + st - 1) / st;
    int cy = (full.ny + st - 1) / st;
    int cz = (full.nz + st - 1) / st;
    boolean[] m = new boolean[cx * cy * cz];
    for (int k = 0; k < cz; k++) {
      for (int j = 0; j < cy; j++) {
        for (int i = 0; i < cx; i++) {
          m[i + cx * (j + cy * k)] = member.test(
              lab[g.index(full.lo[0] + i * st, full.lo[1] + j * st, full.lo[2] + k * st)] & 0xff);
        }
      }
    }
    float[] d = DistanceTransform.inside(m, cx, cy, cz, g.sx() * st, g.sy() * st, g.sz() * st);
    int best = -1;
    for (int p = 0; p < d.length; p++) {
      if (d[p] > 0 && (best < 0 || d[p] > d[best])) {
        best = p;
      }
    }
    if (best < 0) {
      return full.argmax(full.distance(lab, member), null);
    }
    int[] c = {full.lo[0] + (best % cx) * st, full.lo[1] + ((best / cx) % cy) * st,
        full.lo[2] + (best / (cx * cy)) * st};
    double reach = d[best] + 2 * st * g.maxSpacing();
    Box local = new Box(g, around(g, c, reach, 0, true), around(g, c, reach, 0, false), 1);
    return local.argmax(local.distance(lab, member), null);
  }

  /** Largest radius ≤ rho (shrinking by 10 %) whose ball around c lies wholly in the member set. */
  static double shrinkToFit(Grid g, byte[] lab, int[] c, double rho, java.util.function.IntPredicate member) {
    double r = rho;
    while (r > 0) {
      boolean ok = true;
      for (int[] p : ball(g, c, r)) {
        if (!member.test(lab[g.index(p[0], p[1], p[2])] & 0xff)) {
          ok = false;
          break;
        }
      }
      if (ok) {
        return r;
      }
      r = r < 0.5 * Math.min(g.sx(), Math.min(g.sy(), g.sz())) ? 0 : r * 0.9;
    }
    return 0;
  }

  /** Voxels (inside the grid) whose centres lie within r mm of voxel c's centre. */
  static List<int[]> ball(Grid g, int[] c, double r) {
    List<int[]> out = new ArrayList<>();
    int rx = (int) Math.floor(r / g.sx() + 1e-9);
    int ry = (int) Math.floor(r / g.sy() + 1e-9);
    int rz = (int) Math.floor(r / g.sz() + 1e-9);
    for (int dk = -rz; dk <= rz; dk++) {
      for (int dj = -ry; dj <= ry; dj++) {
        for (int di = -rx; di <= rx; di++) {
          double d2 = sq(di * g.sx()) + sq(dj * g.sy()) + sq(dk * g.sz());
          int i = c[0] + di;
          int j = c[1] + dj;
          int k = c[2] + dk;
          if (d2 <= r * r + 1e-9 && g.inside(i, j, k)) {
            out.add(new int[] {i, j, k});
          }
        }
      }
    }
    return out;
  }

  static int[] voxelOf(Grid g, double[] off, double[] body) {
    return new int[] {(int) Math.round(g.i(body[0] + off[0])), (int) Math.round(g.j(body[1] + off[1])),
        (int) Math.round(g.k(body[2] + off[2]))};
  }

  private static double sq(double v) {
    return v * v;
  }

  /** A sub-box of the grid (clamped), with its own distance transform. */
  private static final class Box {
    final Grid g;
    final int[] lo;
    final int nx;
    final int ny;
    final int nz;

    Box(Grid g, int[] a, int[] b, int margin) {
      this.g = g;
      lo = new int[] {Math.max(0, a[0] - margin), Math.max(0, a[1] - margin), Math.max(0, a[2] - margin)};
      int[] hi = {Math.min(g.nx - 1, b[0] + margin), Math.min(g.ny - 1, b[1] + margin),
          Math.min(g.nz - 1, b[2] + margin)};
      nx = hi[0] - lo[0] + 1;
      ny = hi[1] - lo[1] + 1;
      nz = hi[2] - lo[2] + 1;
    }

    float[] distance(byte[] lab, java.util.function.IntPredicate member) {
      boolean[] m = new boolean[nx * ny * nz];
      for (int k = 0; k < nz; k++) {
        for (int j = 0; j < ny; j++) {
          for (int i = 0; i < nx; i++) {
            m[i + nx * (j + ny * k)] = member.test(lab[g.index(lo[0] + i, lo[1] + j, lo[2] + k)] & 0xff);
          }
        }
      }
      return DistanceTransform.inside(m, nx, ny, nz, g.sx(), g.sy(), g.sz());
    }

    float at(float[] d, int[] v) {
      return d[(v[0] - lo[0]) + nx * ((v[1] - lo[1]) + ny * (v[2] - lo[2]))];
    }

    int[] argmax(float[] d, int[] unused) {
      int best = -1;
      for (int p = 0; p < d.length; p++) {
        if (d[p] > 0 && (best < 0 || d[p] > d[best])) {
          best = p;
        }
      }
      return best < 0 ? null : global(best);
    }

    /** The voxel with distance ≥ tau nearest (world mm) to c, ties to the first in scan order. */
    int[] nearest(float[] d, double tau, int[] c) {
      int best = -1;
      double bestD = Double.MAX_VALUE;
      for (int p = 0; p < d.length; p++) {
        if (d[p] <= 0 || d[p] < tau) {
          continue;
        }
        int[] v = global(p);
        double dd = sq((v[0] - c[0]) * g.sx()) + sq((v[1] - c[1]) * g.sy()) + sq((v[2] - c[2]) * g.sz());
        if (dd < bestD) {
          bestD = dd;
          best = p;
        }
      }
      return best < 0 ? null : global(best);
    }

    int[] global(int p) {
      int i = p % nx;
      int j = (p / nx) % ny;
      int k = p / (nx * ny);
      return new int[] {lo[0] + i, lo[1] + j, lo[2] + k};
    }
  }
}

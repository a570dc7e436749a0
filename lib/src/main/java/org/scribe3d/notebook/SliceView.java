package org.scribe3d.notebook;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import org.scribe3d.volume.Volume;

/**
 * Slices of a CT volume as greyscale images: one plane at a voxel index, three orthogonal planes
 * through a point, or a montage of evenly spaced slices, with a CT window and optional markers.
 * Pixels are resampled to the voxel spacing so anatomy keeps its proportions; see {@link Plane}
 * for the orientation convention.
 */
public final class SliceView {
  /** Default length of an image's longer side, in pixels. */
  public static final int DEFAULT_SIZE = 320;
  /** Points are drawn on slices within this many voxels of them. */
  static final double POINT_REACH = 2.0;

  private SliceView() {}

  /** The middle slice index of a plane. */
  public static int middle(Volume v, Plane plane) {
    return v.shape()[new ViewAxes(v.affine()).voxelAxis(plane.normal)] / 2;
  }

  /** Number of slices a plane has. */
  public static int count(Volume v, Plane plane) {
    return v.shape()[new ViewAxes(v.affine()).voxelAxis(plane.normal)];
  }

  public static BufferedImage slice(Volume v, Plane plane, int index, Window window) {
    return slice(v, plane, index, window, List.of(), DEFAULT_SIZE);
  }

  public static BufferedImage slice(Volume v, Plane plane, int index, Window window, List<Marker> markers) {
    return slice(v, plane, index, window, markers, DEFAULT_SIZE);
  }

  /**
   * One slice. {@code index} counts along the voxel axis nearest the plane's normal (0-based, as
   * stored); {@code size} is the longer side of the result in pixels.
   */
  public static BufferedImage slice(Volume v, Plane plane, int index, Window window, List<Marker> markers, int size) {
    java.util.Objects.requireNonNull(v, "volume");
    java.util.Objects.requireNonNull(plane, "plane");
    java.util.Objects.requireNonNull(window, "window (e.g. Window.SOFT_TISSUE)");
    markers = markers == null ? List.of() : markers;
    ViewAxes o = new ViewAxes(v.affine());
    int nAxis = o.voxelAxis(plane.normal);
    int cAxis = o.voxelAxis(plane.column);
    int rAxis = o.voxelAxis(plane.row);
    int[] shape = v.shape();
    if (index < 0 || index >= shape[nAxis]) {
      throw new IllegalArgumentException(plane.label() + " slice " + index + " is outside 0.."
          + (shape[nAxis] - 1));
    }
    if (size < 8) {
      throw new IllegalArgumentException("image size must be at least 8 pixels, got " + size);
    }
    int cols = shape[cAxis];
    int rows = shape[rAxis];
    // screen axes run toward negative world coordinates: flip voxel axes that point the other way
    boolean flipC = o.sign(cAxis) > 0;
    boolean flipR = o.sign(rAxis) > 0;
    BufferedImage raw = new BufferedImage(cols, rows, BufferedImage.TYPE_BYTE_GRAY);
    byte[] px = ((java.awt.image.DataBufferByte) raw.getRaster().getDataBuffer()).getData();
    int[] ijk = new int[3];
    ijk[nAxis] = index;
    float[] vox = v.voxels();
    for (int r = 0; r < rows; r++) {
      ijk[rAxis] = flipR ? rows - 1 - r : r;
      for (int c = 0; c < cols; c++) {
        ijk[cAxis] = flipC ? cols - 1 - c : c;
        px[r * cols + c] = (byte) window.gray(vox[v.index(ijk[0], ijk[1], ijk[2])]);
      }
    }
    double[] sp = v.spacing();
    double wMm = cols * sp[cAxis];
    double hMm = rows * sp[rAxis];
    double scale = size / Math.max(wMm, hMm);
    int outW = Math.max(1, (int) Math.round(wMm * scale));
    int outH = Math.max(1, (int) Math.round(hMm * scale));
    BufferedImage out = new BufferedImage(outW, outH, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.drawImage(raw, 0, 0, outW, outH, null);
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      double sx = (double) outW / cols;
      double sy = (double) outH / rows;
      for (Marker m : markers) {
        drawMarker(g, m, v.affine(), index, nAxis, cAxis, rAxis, flipC, flipR, cols, rows, sx, sy);
      }
    } finally {
      g.dispose();
    }
    return out;
  }

  private static void drawMarker(Graphics2D g, Marker m, double[][] affine, int index, int nAxis, int cAxis,
      int rAxis, boolean flipC, boolean flipR, int cols, int rows, double sx, double sy) {
    double[][] corners = m.voxelCorners(affine);
    g.setColor(m.color());
    g.setStroke(new BasicStroke(2f));
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 12));
    if (m.kind() == Marker.Kind.POINT) {
      double[] p = corners[0];
      if (Math.abs(p[nAxis] - index) > POINT_REACH) {
        return;
      }
      double x = screen(p[cAxis], flipC, cols) * sx;
      double y = screen(p[rAxis], flipR, rows) * sy;
      int rad = 7;
      g.drawOval((int) Math.round(x) - rad, (int) Math.round(y) - rad, 2 * rad, 2 * rad);
      g.drawString(m.label(), (int) Math.round(x) + rad + 2, (int) Math.round(y) - rad);
    } else {
      double[] p = corners[0];
      double[] q = corners[1];
      double lo = Math.min(p[nAxis], q[nAxis]);
      double hi = Math.max(p[nAxis], q[nAxis]);
      if (index < Math.floor(lo) || index > Math.ceil(hi)) {
        return;
      }
      // voxel centres p..q cover [min - 0.5, max + 0.5] in index space
      double x0 = screenEdge(Math.min(p[cAxis], q[cAxis]) - 0.5, Math.max(p[cAxis], q[cAxis]) + 0.5, flipC, cols, true) * sx;
      double x1 = screenEdge(Math.min(p[cAxis], q[cAxis]) - 0.5, Math.max(p[cAxis], q[cAxis]) + 0.5, flipC, cols, false) * sx;
      double y0 = screenEdge(Math.min(p[rAxis], q[rAxis]) - 0.5, Math.max(p[rAxis], q[rAxis]) + 0.5, flipR, rows, true) * sy;
      double y1 = screenEdge(Math.min(p[rAxis], q[rAxis]) - 0.5, Math.max(p[rAxis], q[rAxis]) + 0.5, flipR, rows, false) * sy;
      g.drawRect((int) Math.round(x0), (int) Math.round(y0), (int) Math.round(x1 - x0), (int) Math.round(y1 - y0));
      g.drawString(m.label(), (int) Math.round(x0), (int) Math.round(y0) - 3);
    }
  }

  /** Screen coordinate (in voxel units, pixel centres at +0.5) of voxel coordinate {@code v}. */
  static double screen(double v, boolean flip, int n) {
    return (flip ? n - 1 - v : v) + 0.5;
  }

  private static double screenEdge(double lo, double hi, boolean flip, int n, boolean first) {
    double a = flip ? n - 1 - hi : lo;
    double b = flip ? n - 1 - lo : hi;
    return (first ? a : b) + 0.5;
  }

  /** Axial, coronal and sagittal slices through voxel {@code (i, j, k)}, side by side with titles. */
  public static BufferedImage orthogonal(Volume v, int[] voxel, Window window, List<Marker> markers) {
    ViewAxes o = new ViewAxes(v.affine());
    List<BufferedImage> images = new ArrayList<>();
    List<String> titles = new ArrayList<>();
    for (Plane p : Plane.values()) {
      int idx = voxel[o.voxelAxis(p.normal)];
      images.add(slice(v, p, idx, window, markers, 256));
      titles.add(p.label() + " " + idx);
    }
    return Panels.row(titles, images);
  }

  /** Three planes through the volume's centre. */
  public static BufferedImage orthogonal(Volume v, Window window) {
    return orthogonal(v, new int[] {v.nx() / 2, v.ny() / 2, v.nz() / 2}, window, List.of());
  }

  /**
   * {@code count} evenly spaced slices of a plane (ends excluded) in a grid of {@code columns},
   * each titled with its index.
   */
  public static BufferedImage montage(Volume v, Plane plane, int count, int columns, Window window, List<Marker> markers) {
    int n = count(v, plane);
    if (count < 1 || columns < 1) {
      throw new IllegalArgumentException("montage needs count >= 1 and columns >= 1, got " + count + ", " + columns);
    }
    count = Math.min(count, n);
    List<BufferedImage> images = new ArrayList<>();
    List<String> titles = new ArrayList<>();
    for (int s = 0; s < count; s++) {
      int idx = (int) Math.floor((s + 1) * (double) n / (count + 1));
      idx = Math.max(0, Math.min(n - 1, idx));
      images.add(slice(v, plane, idx, window, markers, 160));
      titles.add(plane.label() + " " + idx);
    }
    return Panels.grid(titles, images, columns);
  }

  public static BufferedImage montage(Volume v, Plane plane, int count, Window window) {
    return montage(v, plane, count, Math.min(count, 6), window, List.of());
  }
}

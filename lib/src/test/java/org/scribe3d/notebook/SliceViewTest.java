package org.scribe3d.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.scribe3d.volume.Volume;

class SliceViewTest {
  private static final int NX = 20;
  private static final int NY = 16;
  private static final int NZ = 10;

  /** Air everywhere, one bright voxel. */
  private static Volume withBright(double[][] affine, int i, int j, int k) {
    float[] v = new float[NX * NY * NZ];
    Arrays.fill(v, -1000f);
    v[i + NX * (j + NY * k)] = 1000f;
    return new Volume(v, NX, NY, NZ, affine);
  }

  private static final double[][] RAS = {{1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}};
  private static final double[][] LPS = {{-1, 0, 0, 0}, {0, -1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}};

  /** Pixel (x, y) of the brightest pixel. */
  private static int[] brightest(BufferedImage img) {
    int best = -1;
    int[] at = null;
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        int g = img.getRGB(x, y) & 0xff;
        if (g > best) {
          best = g;
          at = new int[] {x, y};
        }
      }
    }
    return at;
  }

  @Test
  void axialIsRadiologicalForRasAndLpsVolumes() {
    // voxel i = 0 is the patient's far left in RAS: it must show on the viewer's right;
    // j = NY-1 is the most anterior: it must show at the top
    BufferedImage a = SliceView.slice(withBright(RAS, 0, NY - 1, 5), Plane.AXIAL, 5, Window.BONE, List.of(), NX * 10);
    int[] p = brightest(a);
    assertTrue(p[0] > a.getWidth() * 0.9 && p[1] < a.getHeight() * 0.1, "RAS bright voxel at " + Arrays.toString(p));
    // in LPS storage the same voxel index is the patient's far right and most posterior
    BufferedImage b = SliceView.slice(withBright(LPS, 0, NY - 1, 5), Plane.AXIAL, 5, Window.BONE, List.of(), NX * 10);
    int[] q = brightest(b);
    assertTrue(q[0] < b.getWidth() * 0.1 && q[1] > b.getHeight() * 0.9, "LPS bright voxel at " + Arrays.toString(q));
  }

  @Test
  void coronalAndSagittalPutSuperiorUp() {
    Volume v = withBright(RAS, 3, 4, NZ - 1);
    int[] c = brightest(SliceView.slice(v, Plane.CORONAL, 4, Window.BONE, List.of(), 200));
    int[] s = brightest(SliceView.slice(v, Plane.SAGITTAL, 3, Window.BONE, List.of(), 200));
    assertTrue(c[1] < 20, "coronal: superior voxel at row " + c[1]);
    assertTrue(s[1] < 20, "sagittal: superior voxel at row " + s[1]);
  }

  @Test
  void keepsPhysicalProportions() {
    float[] v = new float[NX * NY * NZ];
    Volume vol = Volume.withSpacing(v, NX, NY, NZ, 0.5, 0.5, 2.0);
    BufferedImage cor = SliceView.slice(vol, Plane.CORONAL, 0, Window.SOFT_TISSUE, List.of(), 200);
    // coronal: width 20 * 0.5 = 10 mm, height 10 * 2 = 20 mm
    assertEquals(200, cor.getHeight());
    assertEquals(100, cor.getWidth());
  }

  @Test
  void windowMapsLinearlyAndClips() {
    Window w = Window.of(40, 400);
    assertEquals(0, w.gray(-160));
    assertEquals(255, w.gray(240));
    assertEquals(Math.round(255 * (40 + 160) / 400.0), w.gray(40));
    assertEquals(0, w.gray(-5000));
    assertEquals(255, Window.LUNG.gray(900));
    assertEquals(-1350, Window.LUNG.lower(), 1e-9);
    assertThrows(IllegalArgumentException.class, () -> Window.of(0, 0));
  }

  @Test
  void markersAreDrawnWhereTheFindingIs() {
    float[] vox = new float[NX * NY * NZ];
    Arrays.fill(vox, -1000f);
    double[][] affine = {{2, 0, 0, -20}, {0, 2, 0, -16}, {0, 0, 2, -10}, {0, 0, 0, 1}};
    Volume v = new Volume(vox, NX, NY, NZ, affine);
    // world (0, 0, 0) is voxel (10, 8, 5)
    Marker m = Marker.worldPoint(0, 0, 0, "");
    BufferedImage img = SliceView.slice(v, Plane.AXIAL, 5, Window.LUNG, List.of(m), 200);
    int red = 0;
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        int rgb = img.getRGB(x, y);
        if (((rgb >> 16) & 0xff) > 200 && (rgb & 0xff) < 120) {
          red++;
          // voxel i=10 of 20 flipped -> screen column 9.5 (of 20) -> x ≈ 95 px; j=8 of 16 -> row 7.5 -> y ≈ 75
          assertTrue(Math.abs(x - 95) <= 9 && Math.abs(y - 75) <= 9, "marker pixel at " + x + "," + y);
        }
      }
    }
    assertTrue(red > 10, "marker not drawn");
    // slices far from the point show no marker
    BufferedImage far = SliceView.slice(v, Plane.AXIAL, 0, Window.LUNG, List.of(m), 200);
    for (int y = 0; y < far.getHeight(); y++) {
      for (int x = 0; x < far.getWidth(); x++) {
        assertTrue(((far.getRGB(x, y) >> 16) & 0xff) == (far.getRGB(x, y) & 0xff), "unexpected colour");
      }
    }
    double[] back = Marker.toVoxel(affine, new double[] {0, 0, 0});
    assertEquals(10, back[0], 1e-9);
    assertEquals(8, back[1], 1e-9);
    assertEquals(5, back[2], 1e-9);
  }

  @Test
  void montageAndPanelsHaveOneCellPerImage() {
    Volume v = withBright(RAS, 1, 1, 1);
    BufferedImage m = SliceView.montage(v, Plane.AXIAL, 6, 3, Window.BONE, List.of());
    BufferedImage one = SliceView.slice(v, Plane.AXIAL, 0, Window.BONE, List.of(), 160);
    assertTrue(m.getWidth() >= 3 * one.getWidth() && m.getWidth() < 4 * one.getWidth());
    assertTrue(m.getHeight() >= 2 * one.getHeight() && m.getHeight() < 3 * one.getHeight());
    BufferedImage ba = Panels.beforeAfter(one, one);
    assertTrue(ba.getWidth() > 2 * one.getWidth());
    BufferedImage ortho = SliceView.orthogonal(v, Window.BONE);
    assertTrue(ortho.getWidth() > 3 * 100);
  }

  @Test
  void permutedAndDegenerateAffinesStillGiveThreePlanes() {
    // voxel axes stored as (S, R, A): the axial plane is perpendicular to voxel axis 0
    double[][] permuted = {{0, 1, 0, 0}, {0, 0, 1, 0}, {1, 0, 0, 0}, {0, 0, 0, 1}};
    Volume v = new Volume(new float[NX * NY * NZ], NX, NY, NZ, permuted);
    assertEquals(NX, SliceView.count(v, Plane.AXIAL));
    assertEquals(NY, SliceView.count(v, Plane.SAGITTAL));
    double[][] degenerate = {{1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 0, 0}, {0, 0, 0, 1}};
    Volume d = new Volume(new float[NX * NY * NZ], NX, NY, NZ, degenerate);
    assertEquals(NZ, SliceView.count(d, Plane.AXIAL));
  }

  @Test
  void badIndexNamesThePlaneAndRange() {
    Volume v = withBright(RAS, 1, 1, 1);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SliceView.slice(v, Plane.AXIAL, NZ, Window.BONE));
    assertTrue(e.getMessage().contains("Axial slice 10 is outside 0..9"), e.getMessage());
  }
}

package org.scribe3d.notebook;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.scribe3d.volume.Volume;

class VoxelOverlaysTest {
  /** A preprocessed volume of D×H×W = 4×2×2 (patch 2×2×2 over a 2×1×1 token grid), 3 mm voxels, offset. */
  private static Volume preprocessed() {
    double[][] a = {{3, 0, 0, 10}, {0, 3, 0, 20}, {0, 0, 3, 30}, {0, 0, 0, 1}};
    return new Volume(new float[2 * 2 * 4], 2, 2, 4, a);
  }

  @Test
  void tokenGridUpsamplesTrilinearlyBetweenTokenCentres() {
    // two tokens along D, two labels; column 1 holds 0.2 then 0.6
    float[] tokens = {0.9f, 0.2f, 0.1f, 0.6f};
    Volume prep = preprocessed();
    Volume grid = VoxelOverlays.tokenGrid(tokens, 2, 1, new int[] {2, 1, 1}, prep);
    assertArrayEquals(new int[] {1, 1, 2}, grid.shape());
    // token centres sit in the middle of their 2×2×2 patch: voxel 0.5 of the preprocessed grid
    assertEquals(10 + 1.5, grid.affine()[0][3], 1e-12);
    assertEquals(30 + 1.5, grid.affine()[2][3], 1e-12);
    assertEquals(6, grid.affine()[2][2], 1e-12);
    Volume up = VoxelOverlays.upsample(grid, prep);
    assertArrayEquals(prep.shape(), up.shape());
    assertEquals(java.util.Arrays.deepToString(prep.affine()), java.util.Arrays.deepToString(up.affine()));
    // by hand, along k (align_corners=False, scale 1/2): source (k + 0.5) / 2 - 0.5, clamped at 0 and 1
    float[] expected = {0.2f, 0.75f * 0.2f + 0.25f * 0.6f, 0.25f * 0.2f + 0.75f * 0.6f, 0.6f};
    for (int k = 0; k < 4; k++) {
      for (int j = 0; j < 2; j++) {
        for (int i = 0; i < 2; i++) {
          assertEquals(expected[k], up.get(i, j, k), 1e-6, "voxel " + i + "," + j + "," + k);
        }
      }
    }
  }

  @Test
  void resampleFollowsWorldCoordinatesIntoAFlippedScanAndLeavesTheCropOutside() {
    Volume prep = preprocessed();
    Volume heat = prep.withVoxels(new float[] {0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3});
    // the original scan: same voxels stored with k running inferior (z flipped), one extra slice each end
    double[][] scanAffine = {{3, 0, 0, 10}, {0, 3, 0, 20}, {0, 0, -3, 30 + 3 * 4}, {0, 0, 0, 1}};
    Volume r = VoxelOverlays.resample(heat, new int[] {2, 2, 6}, scanAffine, -1f);
    // scan k = 1..4 is world z = 39, 36, 33, 30 = preprocessed k 3, 2, 1, 0; k = 0 and 5 lie outside
    float[] expected = {-1, 3, 2, 1, 0, -1};
    for (int k = 0; k < 6; k++) {
      assertEquals(expected[k], r.get(1, 0, k), 1e-6, "scan slice " + k);
    }
    // half-way between two voxel centres is their mean
    double[][] half = {{3, 0, 0, 10}, {0, 3, 0, 20}, {0, 0, 3, 31.5}, {0, 0, 0, 1}};
    assertEquals(0.5, VoxelOverlays.resample(heat, new int[] {1, 1, 1}, half, -1f).get(0, 0, 0), 1e-6);
  }

  @Test
  void wrongShapesAndNonProbabilitiesAreOneClearError() {
    Volume prep = preprocessed();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> VoxelOverlays.tokenGrid(new float[3], 2, 0, new int[] {2, 1, 1}, prep));
    assertEquals("dense-head probabilities: 3 values for a 2×1×1 token grid × 2 labels (4 values expected)", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> VoxelOverlays.tokenGrid(new float[] {0.1f, Float.NaN, 0, 0}, 2, 1, new int[] {2, 1, 1}, prep));
    assertEquals("dense-head probability at token 0 (label column 1) is NaN; probabilities must be finite values in"
        + " [0, 1]", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> VoxelOverlays.tokenGrid(new float[6], 2, 0, new int[] {3, 1, 1}, prep));
    assertTrue(e.getMessage().contains("not a whole number of patches"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> new FindingHeatmap("type:lung_nodule", prep.withVoxels(filled(16, Float.NaN))));
    assertEquals("heatmap type:lung_nodule: voxel 0 is NaN; probabilities must be finite values in [0, 1]", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> new FindingHeatmap("type:lung_nodule", prep.withVoxels(filled(16, 1.5f))));
    assertTrue(e.getMessage().startsWith("heatmap type:lung_nodule: voxel 0 is 1.5;"), e.getMessage());
  }

  private static float[] filled(int n, float v) {
    float[] a = new float[n];
    java.util.Arrays.fill(a, v);
    return a;
  }

  @Test
  void denseFindingsNameLabelsAndRankTypesByPeak() {
    Volume prep = preprocessed();
    List<String> labels = List.of("type:lung_nodule", "side:left", "type:kidney_stone");
    float[] tokens = {0.1f, 0.9f, 0.7f, 0.4f, 0.2f, 0.3f};
    DenseFindings d = new DenseFindings(labels, new int[] {2, 1, 1}, tokens, prep);
    assertEquals(List.of("type:lung_nodule", "type:kidney_stone"), d.types());
    assertEquals(0.4f, d.peak("lung nodule"), 1e-6);
    assertEquals("type:kidney_stone", d.strongest(1).get(0).label());
    assertEquals(0.7f, d.heatmap("kidney_stone").probabilities().get(0, 0, 0), 1e-6);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> d.heatmap("ascites"));
    assertEquals("the dense head has no label 'ascites'; its finding types: type:lung_nodule, type:kidney_stone",
        e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new DenseFindings(labels, new int[] {2, 1, 1}, new float[5], prep));
  }

  @Test
  void shrunkShapeKeepsProportionsWithinTheVoxelCap() {
    assertArrayEquals(new int[] {10, 20, 30}, VoxelOverlays.shrunkShape(new int[] {10, 20, 30}, 6000));
    int[] s = VoxelOverlays.shrunkShape(new int[] {512, 512, 300}, 1_000_000);
    assertTrue((long) s[0] * s[1] * s[2] <= 1_000_000, java.util.Arrays.toString(s));
    assertEquals(s[0], s[1]);
    assertEquals(300.0 / 512, (double) s[2] / s[0], 0.01);
  }

  @Test
  void labelsPaintBoxesAndPointBallsInTheTargetGrid() {
    double[][] a = {{2, 0, 0, 0}, {0, 2, 0, 0}, {0, 0, 4, 0}, {0, 0, 0, 1}};
    List<Marker> markers = List.of(
        Marker.worldBox(new double[] {2, 2, 4}, new double[] {6, 4, 4}, "nodule"),
        Marker.worldPoint(16, 16, 16, "ascites"),
        Marker.worldBox(new double[] {14, 2, 4}, new double[] {14, 2, 4}, "nodule"));
    VoxelOverlays.Labels l = VoxelOverlays.labels(new int[] {10, 10, 8}, a, markers);
    assertEquals(List.of("nodule", "ascites"), l.names());
    Volume v = l.volume();
    // box voxels (1..3, 1..2, 1): 3 × 2 × 1 = 6, plus the single voxel (7, 1, 1)
    assertEquals(1, v.get(1, 1, 1));
    assertEquals(1, v.get(3, 2, 1));
    assertEquals(0, v.get(4, 2, 1));
    assertEquals(1, v.get(7, 1, 1));
    assertEquals(2, v.get(8, 8, 4));
    assertEquals(2, v.get(8, 8, 6), "8 mm below the centre along z (2 slices of 4 mm)");
    assertEquals(0, v.get(8, 8, 7), "12 mm away");
    int nodule = 0;
    for (float x : v.voxels()) {
      nodule += x == 1 ? 1 : 0;
    }
    assertEquals(7, nodule);
  }
}

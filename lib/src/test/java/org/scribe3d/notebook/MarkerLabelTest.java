package org.scribe3d.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.scribe3d.volume.Volume;

/** Marker labels stay inside the slice image, also for markers at its right and top edges. */
class MarkerLabelTest {
  private static final int N = 64;
  // identity affine: i runs toward the patient's Right, so high i lands on the viewer's left; low i on the right
  private static final Volume V = Volume.withSpacing(new float[N * N * 4], N, N, 4, 1, 1, 1);

  private static int[] redStats(BufferedImage img) {
    int n = 0;
    int minX = Integer.MAX_VALUE;
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        int rgb = img.getRGB(x, y);
        if (((rgb >> 16) & 255) > 200 && ((rgb >> 8) & 255) < 120) {
          n++;
          minX = Math.min(minX, x);
        }
      }
    }
    return new int[] {n, minX};
  }

  private static BufferedImage draw(Marker m) {
    return SliceView.slice(V, Plane.AXIAL, 2, Window.SOFT_TISSUE, List.of(m), 256);
  }

  @Test
  void aLabelNearTheRightEdgeIsDrawnWholeToTheLeftOfItsMarker() {
    String label = "mediastinal lymphadenopathy (right)";
    int[] middle = redStats(draw(Marker.voxelPoint(N / 2, N / 2, 2, label)));
    int[] edge = redStats(draw(Marker.voxelPoint(1, N / 2, 2, label))); // i = 1: right edge of the image
    // the whole label is drawn in both places (same ink, up to anti-aliasing)
    assertTrue(Math.abs(middle[0] - edge[0]) < middle[0] / 10, middle[0] + " vs " + edge[0]);
    // and at the edge it starts well left of the marker (which is ~4 px from the right border)
    assertTrue(edge[1] < 256 - 100, "label starts at x=" + edge[1]);
  }

  @Test
  void aBoxLabelAtTheTopStaysInsideTheImage() {
    String label = "lung nodule (left)";
    Marker top = Marker.voxelBox(new double[] {30, N - 3, 2}, new double[] {34, N - 1, 2}, label);
    Marker mid = Marker.voxelBox(new double[] {30, 30, 2}, new double[] {34, 32, 2}, label);
    int[] a = redStats(draw(top));
    int[] b = redStats(draw(mid));
    assertTrue(Math.abs(a[0] - b[0]) < b[0] / 10, a[0] + " vs " + b[0]);
  }

  @Test
  void emptyLabelDrawsOnlyTheMarker() {
    int[] withLabel = redStats(draw(Marker.voxelPoint(N / 2, N / 2, 2, "x")));
    int[] without = redStats(draw(Marker.voxelPoint(N / 2, N / 2, 2, "")));
    assertTrue(without[0] > 0 && without[0] < withLabel[0]);
    assertEquals(redStats(draw(Marker.voxelPoint(N / 2, N / 2, 2, "")))[0], without[0]);
  }
}

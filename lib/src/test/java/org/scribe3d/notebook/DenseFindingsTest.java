package org.scribe3d.notebook;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scribe3d.data.FindingType;
import org.scribe3d.phantom.PhantomDataset;
import org.scribe3d.phantom.SizePreset;
import org.scribe3d.volume.Affines;
import org.scribe3d.volume.Volume;
import org.scribe3d.volume.VolumeIO;

/** The shipped encoder's dense head on a phantom scan, and its heatmap carried back onto the scan. */
class DenseFindingsTest {
  static final Path ENCODER = Path.of("").toAbsolutePath().getParent().resolve("models/tiny-encoder.safetensors");

  @Test
  void theShippedEncodersHeatmapLandsOnTheScanThroughItsPipelinesGeometry(@TempDir Path dir) throws Exception {
    assertTrue(Files.isRegularFile(ENCODER), ENCODER + " missing");
    PhantomDataset.write(dir, 1, 7, 0, SizePreset.SMALL, List.of(List.of(FindingType.LUNG_NODULE)), (i, n, id, s, c) -> { });
    Path image;
    try (var files = Files.list(dir.resolve("imagesTr"))) {
      image = files.findFirst().orElseThrow();
    }
    Volume scan = VolumeIO.load(image);
    DenseFindings d = DenseFindings.ofEncoderFile(ENCODER, scan);
    assertArrayEquals(new int[] {32, 128, 128}, d.preprocessed().dhw(), "the encoder's pipeline made its input");
    assertArrayEquals(new int[] {4, 8, 8}, d.grid());
    assertTrue(d.types().contains("type:lung_nodule"), d.types().toString());
    FindingHeatmap h = d.heatmap("lung nodule");
    assertArrayEquals(d.preprocessed().shape(), h.probabilities().shape());
    float peak = d.peak("type:lung_nodule");
    assertTrue(peak > 0 && peak <= 1);
    assertEquals(peak, h.peak(), 0.25 * peak, "upsampling between token centres keeps the peak's order");
    // on the scan's own grid, each voxel takes the heatmap's value at the same world point
    Volume onScan = VoxelOverlays.resample(h.probabilities(), scan.shape(), scan.affine(), 0f);
    double[][] toPrep = Affines.multiply(Affines.invert(d.preprocessed().affine()), scan.affine());
    int checked = 0;
    for (int k = 2; k < scan.nz() - 2; k += 7) {
      for (int j = 3; j < scan.ny() - 3; j += 11) {
        for (int i = 3; i < scan.nx() - 3; i += 13) {
          double[] p = new double[3];
          for (int r = 0; r < 3; r++) {
            p[r] = toPrep[r][0] * i + toPrep[r][1] * j + toPrep[r][2] * k + toPrep[r][3];
          }
          int pi = (int) Math.round(p[0]);
          int pj = (int) Math.round(p[1]);
          int pk = (int) Math.round(p[2]);
          Volume prep = h.probabilities();
          if (Math.abs(p[0] - pi) < 1e-3 && Math.abs(p[1] - pj) < 1e-3 && Math.abs(p[2] - pk) < 1e-3
              && pi >= 0 && pj >= 0 && pk >= 0 && pi < prep.nx() && pj < prep.ny() && pk < prep.nz()) {
            assertEquals(prep.get(pi, pj, pk), onScan.get(i, j, k), 1e-5);
            checked++;
          } else if (pi >= 1 && pj >= 1 && pk >= 1 && pi < prep.nx() - 1 && pj < prep.ny() - 1 && pk < prep.nz() - 1) {
            float lo = Float.POSITIVE_INFINITY;
            float hi = Float.NEGATIVE_INFINITY;
            for (int dk = -1; dk <= 1; dk++) {
              for (int dj = -1; dj <= 1; dj++) {
                for (int di = -1; di <= 1; di++) {
                  float v = prep.get(pi + di, pj + dj, pk + dk);
                  lo = Math.min(lo, v);
                  hi = Math.max(hi, v);
                }
              }
            }
            float v = onScan.get(i, j, k);
            assertTrue(v >= lo - 1e-5 && v <= hi + 1e-5, "voxel " + i + "," + j + "," + k + ": " + v + " outside its neighbours' "
                + lo + ".." + hi);
            checked++;
          }
        }
      }
    }
    assertTrue(checked > 20, checked + " voxels checked");
    assertThrows(IllegalArgumentException.class, () -> DenseFindings.ofEncoderFile(dir.resolve("none.safetensors"), scan));
  }
}

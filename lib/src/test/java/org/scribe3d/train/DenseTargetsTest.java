package org.scribe3d.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scribe3d.data.Case;
import org.scribe3d.data.DatasetLoader;
import org.scribe3d.data.PhantomTruth;
import org.scribe3d.data.PipelineCache;
import org.scribe3d.data.Split;
import org.scribe3d.model.vision.ViTConfig;
import org.scribe3d.phantom.PhantomDataset;
import org.scribe3d.phantom.SizePreset;
import org.scribe3d.text.FindingLabels;
import org.scribe3d.volume.Pipeline;
import org.scribe3d.volume.Volume;
import org.scribe3d.volume.VolumeIO;

class DenseTargetsTest {
  private static final ViTConfig VIT = new ViTConfig(1, 32, 128, 128, 8, 16, 16, 32, 1, 2, 64, 1e-5, false);
  private static final String PIPELINE = "[{\"op\":\"reorient\"},{\"op\":\"clip\",\"lo\":-200,\"hi\":300},"
      + "{\"op\":\"normalize\"},{\"op\":\"cropForeground\"},{\"op\":\"resize\",\"size\":[32,128,128]}]";
  /** The same geometry with a window wide enough to keep a 5000 HU marker apart from bone. */
  private static final String MARKER_PIPELINE = PIPELINE.replace("\"hi\":300", "\"hi\":5000");

  @Test
  void tokenAxisRanges() {
    assertArrayEquals(new int[] {1, 1}, DenseTargets.tokens(17, 30, 16, 128));
    assertArrayEquals(new int[] {0, 1}, DenseTargets.tokens(10, 20, 16, 128)); // 6 and 4 of a 10-wide box
    assertArrayEquals(new int[] {1, 1}, DenseTargets.tokens(15, 25, 16, 128)); // 1 of 10 in token 0: too little
    assertNull(DenseTargets.tokens(-5, -1, 16, 128));
    assertArrayEquals(new int[] {7, 7}, DenseTargets.tokens(120, 140, 16, 128)); // clipped at the edge
  }

  /**
   * The marked tokens are where the box's voxels land after the real preprocessing: each finding box is painted
   * at 5000 HU into its own image, that image goes through the same pipeline (wider window), and the tokens whose
   * voxels the marker dominates must be the ones DenseTargets marks from the affines alone.
   */
  @Test
  void tokensFollowTheBoxesThroughThePreprocessing(@TempDir Path tmp) throws Exception {
    PhantomDataset.write(tmp.resolve("ph"), 6, 5, 0.0, SizePreset.SMALL, (i, n, id, split, c) -> { });
    List<Case> cases = DatasetLoader.load(tmp.resolve("ph"), DatasetLoader.Options.defaults()).split(Split.TRAIN);
    Map<String, List<PhantomTruth.Located>> truth = PhantomTruth.readLocated(tmp.resolve("ph/ground_truth.json"));
    PipelineCache volumes = new PipelineCache(tmp.resolve("cache"), Pipeline.parse(PIPELINE, "test"));
    Pipeline marker = Pipeline.parse(MARKER_PIPELINE, "test");
    int boxes = 0;
    for (Case c : cases) {
      double[][][] aff = volumes.affines(c.image());
      Volume original = VolumeIO.load(c.image());
      for (PhantomTruth.Located l : truth.get(c.id())) {
        List<String> dense = FindingLabels.ofFinding(l.finding());
        for (int[][] box : l.boxes()) {
          float[] y = DenseTargets.of(List.of(new PhantomTruth.Located(l.finding(), java.util.Collections.singletonList(box))), aff[0], aff[1],
              VIT, dense);
          Set<Integer> marked = new HashSet<>();
          for (int t = 0; t < y.length / dense.size(); t++) {
            for (int k = 0; k < dense.size(); k++) { // a finding's labels mark the same tokens
              assertEquals(y[t * dense.size()], y[t * dense.size() + k]);
            }
            if (y[t * dense.size()] == 1f) {
              marked.add(t);
            }
          }
          Set<Integer> seen = new HashSet<>();
          int peak = markerTokens(original, box, marker, seen);
          String what = c.id() + " " + l.finding() + ": marker in " + seen + " (most in " + peak + "), marked " + marked;
          assertTrue(marked.contains(peak), what);
          // at the fringe the overlap rule and the resampled marker may disagree by one token, never by more
          for (int t : marked) {
            assertTrue(seen.stream().anyMatch(u -> Math.abs(t / 64 - u / 64) <= 1 && Math.abs(t / 8 % 8 - u / 8 % 8) <= 1
                && Math.abs(t % 8 - u % 8) <= 1), what);
          }
          boxes++;
        }
      }
    }
    assertTrue(boxes >= 4, "only " + boxes + " boxes in 6 phantoms");
  }

  @Test
  void denseLabelsAreTheBoxedFindingsOwnLabelsInHeadOrder() {
    var f = new org.scribe3d.data.Finding(org.scribe3d.data.FindingType.KIDNEY_STONE, "left", 6.0, null, null, false);
    var g = new org.scribe3d.data.Finding(org.scribe3d.data.FindingType.CARDIOMEGALY, null, null, "mild", null, false);
    Map<String, List<PhantomTruth.Located>> truth = Map.of("a", List.of(
        new PhantomTruth.Located(f, java.util.Collections.singletonList(new int[][] {{1, 1, 1}, {2, 2, 2}})), new PhantomTruth.Located(g, List.of())));
    List<String> head = List.of("count:kidney_stone:2+", "severity:cardiomegaly:mild", "side:kidney_stone:left",
        "size:kidney_stone:0-7mm", "type:cardiomegaly", "type:kidney_stone");
    assertEquals(List.of("side:kidney_stone:left", "size:kidney_stone:0-7mm", "type:kidney_stone"),
        DenseTargets.labels(truth, head));
  }

  /**
   * Collects the tokens holding a preprocessed voxel the 5000 HU marker dominates (over half its normalised
   * value) and returns the token of the brightest one.
   */
  private static int markerTokens(Volume original, int[][] box, Pipeline marker, Set<Integer> tokens) {
    float[] v = original.voxels().clone();
    for (int k = box[0][2]; k <= box[1][2]; k++) {
      for (int j = box[0][1]; j <= box[1][1]; j++) {
        for (int i = box[0][0]; i <= box[1][0]; i++) {
          v[(k * original.ny() + j) * original.nx() + i] = 5000f;
        }
      }
    }
    Volume out = marker.apply(new Volume(v, original.nx(), original.ny(), original.nz(), original.affine()), "marker");
    float[] o = out.voxels();
    float max = 0;
    int peak = -1;
    for (int i = 0; i < o.length; i++) {
      if (o[i] > max) {
        max = o[i];
        peak = ((i / (128 * 128) / 8) * 8 + i / 128 % 128 / 16) * 8 + i % 128 / 16;
      }
    }
    for (int z = 0; z < 32; z++) {
      for (int y = 0; y < 128; y++) {
        for (int x = 0; x < 128; x++) {
          if (o[(z * 128 + y) * 128 + x] > 0.5f * max) {
            tokens.add(((z / 8) * 8 + y / 16) * 8 + x / 16);
          }
        }
      }
    }
    return peak;
  }
}

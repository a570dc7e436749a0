package org.scribe3d.volume;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class PipelineTest {
  static final double[][] EYE = {{1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}};

  /** D=1, H=2, W=3 holding 0..5 row-major: [[0,1,2],[3,4,5]]. */
  static Volume small() {
    return new Volume(new float[] {0, 1, 2, 3, 4, 5}, 3, 2, 1, EYE);
  }

  @Test
  void rot90MatchesNumpy() {
    // np.rot90([[0,1,2],[3,4,5]], k, axes=(0,1)) for k = 1, 2, 3
    Volume r1 = Transforms.rot90(small(), 1);
    assertArrayEquals(new int[] {1, 3, 2}, r1.dhw());
    assertArrayEquals(new float[] {2, 5, 1, 4, 0, 3}, r1.voxels());
    assertArrayEquals(new float[] {5, 4, 3, 2, 1, 0}, Transforms.rot90(small(), 2).voxels());
    assertArrayEquals(new float[] {3, 0, 4, 1, 5, 2}, Transforms.rot90(small(), 3).voxels());
  }

  @Test
  void geometricTransformsKeepVoxelsInPlace() {
    Random rng = new Random(1);
    float[] v = new float[4 * 5 * 6];
    for (int i = 0; i < v.length; i++) {
      v[i] = rng.nextFloat();
    }
    double[][] aff = {{0, 0, -2, 10}, {1.5, 0, 0, -3}, {0, -1, 0, 7}, {0, 0, 0, 1}};
    Volume in = new Volume(v, 4, 5, 6, aff);
    for (Volume out : new Volume[] {Transforms.reorientToCanonical(in), Transforms.rot90(in, 1),
        Transforms.rot90(in, 3), Transforms.flip(in, 0), Transforms.flip(in, 2)}) {
      // each output voxel's world position holds the input value at the same world position
      double[][] inv = invert(in.affine());
      double[][] oa = out.affine();
      for (int k = 0; k < out.nz(); k++) {
        for (int j = 0; j < out.ny(); j++) {
          for (int i = 0; i < out.nx(); i++) {
            double[] w = apply(oa, i, j, k);
            double[] src = apply(inv, w[0], w[1], w[2]);
            int si = (int) Math.round(src[0]);
            int sj = (int) Math.round(src[1]);
            int sk = (int) Math.round(src[2]);
            assertEquals(in.get(si, sj, sk), out.get(i, j, k));
          }
        }
      }
    }
    assertEquals("RAS", Orientation.axcodes(Transforms.reorientToCanonical(in).affine()));
  }

  @Test
  void cropForegroundIsTheBoundingBoxOfPositiveVoxels() {
    float[] v = new float[6 * 5 * 4];
    Volume vol = new Volume(v, 6, 5, 4, EYE);
    v[vol.index(2, 1, 1)] = 1;
    v[vol.index(4, 3, 2)] = 0.5f;
    v[vol.index(5, 4, 3)] = -1; // not foreground
    Volume c = Transforms.cropForeground(vol);
    assertArrayEquals(new int[] {3, 3, 2}, c.shape());
    assertEquals(1f, c.get(0, 0, 0));
    assertEquals(0.5f, c.get(2, 2, 1));
    assertEquals(2.0, c.affine()[0][3]);
    assertEquals(1.0, c.affine()[1][3]);
    assertEquals(1.0, c.affine()[2][3]);
    Volume empty = new Volume(new float[8], 2, 2, 2, EYE);
    assertSame(empty, Transforms.cropForeground(empty));
  }

  @Test
  void normalizeConstantGivesZerosAndRangeGivesUnitInterval() {
    Volume c = new Volume(new float[] {7, 7, 7, 7, 7, 7, 7, 7}, 2, 2, 2, EYE);
    assertArrayEquals(new float[8], Transforms.normalize(c).voxels());
    Volume n = Transforms.normalize(new Volume(new float[] {-1000, 0, 1000, 3000, 0, 0, 0, 0}, 2, 2, 2, EYE));
    assertEquals(0f, n.voxels()[0]);
    assertEquals(1f, n.voxels()[3]);
    assertEquals(0.5f, n.voxels()[2], 1e-7);
  }

  @Test
  void nonFiniteInputIsRejected() {
    float[] v = new float[8];
    v[5] = Float.NaN;
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Pipeline.defaults(new int[] {2, 2, 2}, null, true, true).apply(new Volume(v, 2, 2, 2, EYE), "scan.nii"));
    assertTrue(e.getMessage().startsWith("scan.nii: 1 voxel is NaN or infinite (first at voxel 1,0,1"), e.getMessage());
  }

  @Test
  void jsonRoundTripAndErrors() {
    String json = "[{\"op\":\"reorient\"},{\"op\":\"clip\",\"lo\":-1000,\"hi\":1000},{\"op\":\"normalize\"},"
        + "{\"op\":\"cropForeground\"},{\"op\":\"resize\",\"size\":[32,256,256]},{\"op\":\"rot90\",\"p\":0.5},"
        + "{\"op\":\"flip\",\"axis\":\"H\",\"p\":0.1},{\"op\":\"scaleIntensity\",\"factor\":0.1,\"p\":0.5},"
        + "{\"op\":\"shiftIntensity\",\"offset\":0.1,\"p\":0.5},{\"op\":\"rescale\",\"slope\":1,\"intercept\":-1024}]";
    Pipeline p = Pipeline.parse(json, "p.json");
    assertEquals(10, p.steps().size());
    assertEquals(new Pipeline.Resize(32, 256, 256), p.steps().get(4));
    assertEquals(p.steps(), Pipeline.parse(p.toJson(), "again").steps());
    assertEquals(Pipeline.training(new int[] {32, 256, 256}, null).steps(),
        Pipeline.parse(Pipeline.training(new int[] {32, 256, 256}, null).toJson(), "t").steps());
    String[][] bad = {
      {"[{\"op\":\"blur\"}]", "p.json: step 1 (blur): unknown op 'blur'"},
      {"[{\"op\":\"clip\",\"lo\":5,\"hi\":1}]", "p.json: step 1 (clip): needs lo < hi"},
      {"[{\"op\":\"normalize\",\"x\":1}]", "p.json: step 1 (normalize): unknown field 'x'"},
      {"[{\"op\":\"resize\",\"size\":[0,2,2]}]", "p.json: step 1 (resize): size entries"},
      {"{", "p.json: not valid JSON"},
      {"[{\"op\":\"rot90\",\"p\":2}]", "p.json: step 1 (rot90): p must be in [0, 1]"},
    };
    for (String[] b : bad) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Pipeline.parse(b[0], "p.json"));
      assertTrue(e.getMessage().startsWith(b[1]), e.getMessage());
    }
  }

  @Test
  void augmentationsAreSeededAndSkippedAtInference() {
    Random data = new Random(3);
    float[] v = new float[16 * 16 * 8];
    for (int i = 0; i < v.length; i++) {
      v[i] = data.nextFloat();
    }
    Volume in = new Volume(v, 16, 16, 8, EYE);
    Pipeline train = Pipeline.training(new int[] {8, 16, 16}, null);
    Volume a = train.apply(in, "x", new Random(7), false);
    Volume b = train.apply(in, "x", new Random(7), false);
    assertArrayEquals(a.voxels(), b.voxels());
    Volume inference = train.apply(in, "x");
    assertArrayEquals(Pipeline.defaults(new int[] {8, 16, 16}, null, true, true).apply(in, "x").voxels(),
        inference.voxels());
    int differ = 0;
    for (int seed = 0; seed < 20; seed++) {
      if (!java.util.Arrays.equals(inference.voxels(), train.apply(in, "x", new Random(seed), false).voxels())) {
        differ++;
      }
    }
    assertTrue(differ >= 10, "augmentations changed only " + differ + " of 20 samples");
    assertArrayEquals(v, in.voxels()); // input untouched when not owned
    assertNotEquals(0, differ);
  }

  @Test
  void resizeIdentityAndKnownValues() {
    // 1D check along W: [0, 10] -> 4 samples, torch gives [0, 2.5, 7.5, 10]
    float[] out = Trilinear.resize(new float[] {0, 10}, 1, 1, 2, 1, 1, 4);
    assertArrayEquals(new float[] {0, 2.5f, 7.5f, 10}, out, 1e-6f);
    float[] x = {1, 2, 3, 4, 5, 6, 7, 8};
    assertArrayEquals(x, Trilinear.resize(x, 2, 2, 2, 2, 2, 2));
    // downsample by 2: the mean of each pair (source index 0.5)
    assertArrayEquals(new float[] {4.5f}, Trilinear.resize(x, 2, 2, 2, 1, 1, 1), 1e-6f);
  }

  static double[] apply(double[][] a, double x, double y, double z) {
    double[] r = new double[3];
    for (int i = 0; i < 3; i++) {
      r[i] = a[i][0] * x + a[i][1] * y + a[i][2] * z + a[i][3];
    }
    return r;
  }

  static double[][] invert(double[][] a) {
    // 3x3 inverse by cofactors, then the translation
    double[][] m = new double[4][4];
    double det = a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1]) - a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0])
        + a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0]);
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        int i1 = (j + 1) % 3;
        int i2 = (j + 2) % 3;
        int j1 = (i + 1) % 3;
        int j2 = (i + 2) % 3;
        m[i][j] = (a[i1][j1] * a[i2][j2] - a[i1][j2] * a[i2][j1]) / det;
      }
    }
    for (int i = 0; i < 3; i++) {
      m[i][3] = -(m[i][0] * a[0][3] + m[i][1] * a[1][3] + m[i][2] * a[2][3]);
    }
    m[3][3] = 1;
    return m;
  }
}

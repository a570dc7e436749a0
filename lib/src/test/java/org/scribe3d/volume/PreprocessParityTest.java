package org.scribe3d.volume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonParser;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scribe3d.cli.CliTestSupport;
import org.scribe3d.nifti.NiftiDatatype;
import org.scribe3d.nifti.NiftiImage;
import org.scribe3d.nifti.NiftiReader;
import org.scribe3d.nifti.NiftiWriter;
import org.scribe3d.testing.PythonReference;

/**
 * {@code scribe3d preprocess --no-crop --size 32,64,64} equals, within 1e-4,
 * nibabel's closest-canonical data, min-max normalised and resized by torch's
 * {@code interpolate(mode="trilinear", align_corners=False)} — on python3-nibabel's NIfTI test files
 * and on random volumes (int16 and float32; RAS, LPS, permuted and oblique affines).
 *
 * <p>Excluded nibabel files, with reasons: row_major.dconn.nii is a CIFTI-2 connectivity matrix
 * (spatial shape 1×1×1, data in dims 5-6), not a volume; resampled_anat_moved.nii holds NaN voxels,
 * which preprocessing rejects by design — {@link #nanInputIsAClearError} checks that error.
 */
class PreprocessParityTest {
  static final Path DATA = Path.of("/usr/lib/python3/dist-packages/nibabel/tests/data");
  static final int D = 32;
  static final int H = 64;
  static final int W = 64;

  @TempDir Path tmp;

  @Test
  void matchesNibabelAndTorch() throws Exception {
    List<Path> inputs = new ArrayList<>();
    for (String f : new String[] {"anatomical.nii", "example4d.nii.gz", "example_nifti2.nii.gz",
        "functional.nii", "reoriented_anat_moved.nii", "standard.nii.gz"}) {
      inputs.add(DATA.resolve(f));
    }
    inputs.addAll(randomVolumes());

    List<String> args = new ArrayList<>(List.of(String.valueOf(D), String.valueOf(H), String.valueOf(W)));
    List<Path> expected = new ArrayList<>();
    for (int i = 0; i < inputs.size(); i++) {
      Path e = tmp.resolve("expected" + i + ".raw");
      expected.add(e);
      args.add(inputs.get(i).toString());
      args.add(e.toString());
    }
    String ref = PythonReference.run(PythonReference.resource(PreprocessParityTest.class, "torch_preprocess.py"), args, 150);
    JsonArray affines = JsonParser.parseString(ref).getAsJsonArray();

    for (int i = 0; i < inputs.size(); i++) {
      Path in = inputs.get(i);
      Path out = tmp.resolve("out" + i + ".nii.gz");
      CliTestSupport.Result r = CliTestSupport.run("preprocess", in.toString(), "--out", out.toString(),
          "--no-crop", "--size", D + "," + H + "," + W);
      assertEquals(0, r.exitCode(), in + ": " + r.err());
      NiftiImage got = NiftiReader.read(out);
      String what = in.getFileName().toString();
      assertEquals(W, got.nx(), what);
      assertEquals(H, got.ny(), what);
      assertEquals(D, got.nz(), what);
      float[] exp = readRaw(expected.get(i), D * H * W);
      double maxErr = 0;
      for (int k = 0; k < exp.length; k++) {
        maxErr = Math.max(maxErr, Math.abs(exp[k] - got.voxels()[k]));
      }
      assertTrue(maxErr <= 1e-4, what + ": max |scribe3d - torch| = " + maxErr);
      double[][] ea = toMatrix(affines.get(i).getAsJsonArray());
      double[][] ga = got.affine();
      for (int row = 0; row < 4; row++) {
        for (int c = 0; c < 4; c++) {
          // the output stores its affine as float32 (NIfTI-1 sform)
          assertEquals(ea[row][c], ga[row][c], 1e-4 * Math.max(1, Math.abs(ea[row][c])),
              what + " affine[" + row + "][" + c + "]");
        }
      }
    }
  }

  @Test
  void nanInputIsAClearError() {
    Path nan = DATA.resolve("resampled_anat_moved.nii");
    CliTestSupport.Result r = CliTestSupport.run("preprocess", nan.toString(), "--out",
        tmp.resolve("x.nii.gz").toString());
    assertEquals(1, r.exitCode());
    assertTrue(r.err().startsWith("error: " + nan + ": 153 voxels are NaN or infinite"), r.err());
    assertEquals(1, r.err().lines().count(), r.err());
    assertTrue(!Files.exists(tmp.resolve("x.nii.gz")));
  }

  /** Random volumes with various shapes, datatypes and orientations, written with NiftiWriter. */
  private List<Path> randomVolumes() throws Exception {
    Random rng = new Random(42);
    double c = Math.cos(Math.toRadians(20));
    double s = Math.sin(Math.toRadians(20));
    Object[][] cases = {
      // shape, affine, datatype
      {new int[] {20, 17, 9}, new double[][] {{1, 0, 0, -10}, {0, 1, 0, 5}, {0, 0, 2.5, 30}, {0, 0, 0, 1}},
          NiftiDatatype.FLOAT32},
      {new int[] {40, 36, 50}, new double[][] {{-0.8, 0, 0, 100}, {0, -0.8, 0, 120}, {0, 0, 1.5, -50},
          {0, 0, 0, 1}}, NiftiDatatype.INT16}, // LPS (DICOM-like)
      {new int[] {30, 70, 12}, new double[][] {{0, 0, -3, 40}, {1.2, 0, 0, -20}, {0, -1.1, 0, 60}, {0, 0, 0, 1}},
          NiftiDatatype.FLOAT32}, // permuted axes: voxel x -> A, y -> I, z -> L
      {new int[] {25, 25, 64}, new double[][] {{c * 0.9, -s * 0.9, 0, 3}, {s * 0.9, c * 0.9, 0, -7}, {0, 0, -0.7, 11},
          {0, 0, 0, 1}}, NiftiDatatype.INT16}, // oblique, z flipped
    };
    List<Path> files = new ArrayList<>();
    for (int n = 0; n < cases.length; n++) {
      int[] sh = (int[]) cases[n][0];
      float[] v = new float[sh[0] * sh[1] * sh[2]];
      for (int i = 0; i < v.length; i++) {
        // smooth structure plus noise, so interpolation errors would show
        int x = i % sh[0];
        int y = (i / sh[0]) % sh[1];
        int z = i / (sh[0] * sh[1]);
        v[i] = (float) (300 * Math.sin(x * 0.3) * Math.cos(y * 0.2) + 5 * z + 50 * rng.nextGaussian());
        if (cases[n][2] == NiftiDatatype.INT16) {
          v[i] = Math.round(v[i]);
        }
      }
      Path f = tmp.resolve("random" + n + (n % 2 == 0 ? ".nii.gz" : ".nii"));
      NiftiWriter.write(f, v, sh[0], sh[1], sh[2], (double[][]) cases[n][1], (NiftiDatatype) cases[n][2]);
      files.add(f);
    }
    return files;
  }

  static float[] readRaw(Path p, int n) throws Exception {
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(p)).order(ByteOrder.LITTLE_ENDIAN);
    assertEquals(4L * n, b.capacity(), "reference output size");
    float[] f = new float[n];
    b.asFloatBuffer().get(f);
    return f;
  }

  static double[][] toMatrix(JsonArray a) {
    double[][] m = new double[4][4];
    for (int r = 0; r < 4; r++) {
      for (int c = 0; c < 4; c++) {
        m[r][c] = a.get(r).getAsJsonArray().get(c).getAsDouble();
      }
    }
    return m;
  }
}

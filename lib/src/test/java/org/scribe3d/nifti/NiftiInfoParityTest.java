package org.scribe3d.nifti;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.scribe3d.cli.CliTestSupport;
import org.scribe3d.testing.PythonReference;
import org.junit.jupiter.api.Test;

/**
 * {@code scribe3d nifti-info --json} agrees with nibabel on every NIfTI file
 * in python3-nibabel's test data: shape, zooms, affine (1e-5), axcodes, scaling, and
 * min/max/mean/sum (relative 1e-6).
 *
 * <p>No file is excluded. The reference loads row_major.dconn.nii (a CIFTI-2 file, NIfTI-2 with 6
 * dims) with {@code Nifti2Image.from_filename}, since {@code nib.load} hands it to Cifti2Image,
 * which cannot give a data array. resampled_anat_moved.nii holds 153 NaN voxels: both sides report
 * statistics over the finite values and the NaN count separately.
 */
class NiftiInfoParityTest {
  static final Path DATA = Path.of("/usr/lib/python3/dist-packages/nibabel/tests/data");

  @Test
  void agreesWithNibabelOnItsTestData() throws Exception {
    List<Path> files;
    try (Stream<Path> s = Files.list(DATA)) {
      files = s.filter(p -> p.getFileName().toString().matches(".*\\.nii(\\.gz)?")).sorted().toList();
    }
    assertTrue(files.size() >= 8, "python3-nibabel test data expected in " + DATA + ", found " + files);
    String ref = PythonReference.run(PythonReference.resource(NiftiInfoParityTest.class, "nibabel_info.py"),
        files.stream().map(Path::toString).toList(), 120);
    JsonArray expected = JsonParser.parseString(ref).getAsJsonArray();
    assertEquals(files.size(), expected.size());
    for (int i = 0; i < files.size(); i++) {
      Path f = files.get(i);
      CliTestSupport.Result r = CliTestSupport.run("nifti-info", f.toString(), "--json");
      assertEquals(0, r.exitCode(), f + ": " + r.err());
      JsonObject got = JsonParser.parseString(r.out()).getAsJsonObject();
      JsonObject exp = expected.get(i).getAsJsonObject();
      String what = f.getFileName().toString();
      assertEquals(exp.get("shape"), got.get("shape"), what + " shape");
      assertEquals(exp.get("datatype").getAsString(), got.get("datatype").getAsString(), what + " datatype");
      assertEquals(exp.get("axcodes").getAsString(), got.get("axcodes").getAsString(), what + " axcodes");
      assertArrayClose(exp.getAsJsonArray("zooms"), got.getAsJsonArray("zooms"), 1e-5, what + " zooms");
      JsonArray ea = exp.getAsJsonArray("affine");
      JsonArray ga = got.getAsJsonArray("affine");
      for (int row = 0; row < 4; row++) {
        assertArrayClose(ea.get(row).getAsJsonArray(), ga.get(row).getAsJsonArray(), 1e-5, what + " affine row " + row);
      }
      for (String k : new String[] {"slope", "inter"}) {
        assertEquals(exp.get(k).isJsonNull(), got.get(k).isJsonNull(), what + " " + k);
        if (!exp.get(k).isJsonNull()) {
          assertEquals(exp.get(k).getAsDouble(), got.get(k).getAsDouble(), 1e-12, what + " " + k);
        }
      }
      for (String k : new String[] {"min", "max", "mean", "sum"}) {
        assertRelClose(exp.get(k), got.get(k), 1e-6, what + " " + k);
      }
      assertEquals(exp.get("nonfinite").getAsLong(), got.get("nonfinite").getAsLong(), what + " nonfinite");
    }
  }

  static void assertArrayClose(JsonArray e, JsonArray g, double tol, String what) {
    assertEquals(e.size(), g.size(), what + " length");
    for (int i = 0; i < e.size(); i++) {
      assertEquals(e.get(i).getAsDouble(), g.get(i).getAsDouble(), tol, what + "[" + i + "]");
    }
  }

  static void assertRelClose(JsonElement e, JsonElement g, double rel, String what) {
    assertFalse(e.isJsonNull() != g.isJsonNull(), what + ": " + e + " vs " + g);
    if (e.isJsonNull()) {
      return;
    }
    double x = e.getAsDouble();
    double y = g.getAsDouble();
    assertTrue(Math.abs(x - y) <= rel * Math.max(Math.abs(x), 1e-12), what + ": nibabel " + x + ", scribe3d " + y);
  }
}

package org.scribe3d.nifti;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scribe3d.testing.PythonReference;
import org.scribe3d.volume.Orientation;

/**
 * The reader against nibabel on files nibabel writes: every supported datatype, both byte orders,
 * NIfTI-1/2, .nii/.nii.gz, scaling, qform-only and pixdim-only geometry, a 4D frame, and a
 * multi-member gzip file.
 */
class NiftiReaderTest {
  @TempDir Path tmp;

  @Test
  void readsWhatNibabelWrites() throws Exception {
    String ref = PythonReference.run(PythonReference.resource(NiftiReaderTest.class, "nibabel_write.py"),
        List.of(tmp.toString()), 120);
    JsonArray records = JsonParser.parseString(ref).getAsJsonArray();
    assertTrue(records.size() >= 13);
    long saved = NiftiReader.verifyThreshold;
    NiftiReader.verifyThreshold = 0; // also exercise the counting pass (multi-member ISIZE)
    try {
      for (var e : records) {
        JsonObject r = e.getAsJsonObject();
        Path f = Path.of(r.get("file").getAsString());
        int frame = r.get("frame").getAsInt();
        NiftiImage img = NiftiReader.read(f, frame);
        String what = f.getFileName().toString();
        JsonArray shape = r.getAsJsonArray("shape");
        assertEquals(shape.get(0).getAsInt(), img.nx(), what);
        assertEquals(shape.get(1).getAsInt(), img.ny(), what);
        assertEquals(shape.get(2).getAsInt(), img.nz(), what);
        double[][] aff = img.affine();
        JsonArray ea = r.getAsJsonArray("affine");
        for (int i = 0; i < 4; i++) {
          for (int j = 0; j < 4; j++) {
            assertEquals(ea.get(i).getAsJsonArray().get(j).getAsDouble(), aff[i][j], 1e-9, what + " affine");
          }
        }
        assertEquals(r.get("axcodes").getAsString(), Orientation.axcodes(aff), what);
        byte[] raw = Files.readAllBytes(Path.of(f + ".expected.raw"));
        float[] exp = new float[raw.length / 4];
        ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(exp);
        assertEquals(exp.length, img.voxels().length, what);
        for (int i = 0; i < exp.length; i++) {
          assertEquals(exp[i], img.voxels()[i], 1e-6 * Math.max(1, Math.abs(exp[i])), what + " voxel " + i);
        }
      }
    } finally {
      NiftiReader.verifyThreshold = saved;
    }
  }

  @Test
  void writerRoundTripAndFrames() throws Exception {
    float[] v = new float[4 * 3 * 2];
    for (int i = 0; i < v.length; i++) {
      v[i] = i * 1.5f - 7;
    }
    double[][] aff = {{-1, 0, 0, 5}, {0, -2, 0, 6}, {0, 0, 3, 7}, {0, 0, 0, 1}};
    Path f = tmp.resolve("w.nii.gz");
    NiftiWriter.write(f, v, 4, 3, 2, aff, NiftiDatatype.FLOAT32);
    NiftiImage img = NiftiReader.read(f);
    assertArrayEquals(v, img.voxels());
    assertEquals("LPS", Orientation.axcodes(img.affine()));
    NiftiException e = assertThrows(NiftiException.class, () -> NiftiReader.read(f, 1));
    assertEquals(f + ": frame 1 out of range: the image has 1 frame", e.getMessage());
    Path i16 = tmp.resolve("w16.nii");
    NiftiWriter.write(i16, v, 4, 3, 2, aff, NiftiDatatype.INT16);
    float[] back = NiftiReader.read(i16).voxels();
    for (int i = 0; i < v.length; i++) {
      assertEquals(v[i], back[i], 1e-3);
    }
  }

  @Test
  void largeGzipStreamsThroughTheReaderThread() throws Exception {
    // > 8 MB of voxel data takes the two-thread path; compare with a straightforward decode
    int nx = 256;
    int ny = 256;
    int nz = 40;
    float[] v = new float[nx * ny * nz];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) Math.round(1000 * Math.sin(i * 0.001) + (i % 97));
    }
    Path f = tmp.resolve("big.nii.gz");
    NiftiWriter.write(f, v, nx, ny, nz, new double[][] {{1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}},
        NiftiDatatype.INT16);
    assertArrayEquals(v, NiftiReader.read(f).voxels());
    // truncate the compressed stream in the middle: a clear error, not a partial image
    byte[] all = Files.readAllBytes(f);
    Path cut = tmp.resolve("cut.nii.gz");
    Files.write(cut, java.util.Arrays.copyOf(all, all.length / 2));
    NiftiException e = assertThrows(NiftiException.class, () -> NiftiReader.read(cut));
    assertTrue(e.getMessage().startsWith(cut + ": truncated voxel data: expected 5242880 bytes, got "), e.getMessage());
  }

  static byte[] gzip(byte[] raw) throws Exception {
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    try (GZIPOutputStream g = new GZIPOutputStream(bo)) {
      g.write(raw);
    }
    return bo.toByteArray();
  }
}

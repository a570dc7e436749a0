package org.scribe3d.nifti;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scribe3d.cli.CliTestSupport;

/**
 * Each malformed-file kind gives exactly one {@code error:} line on stderr
 * naming the file and the problem, a non-zero exit, no stack trace, within 5 s — through the CLI
 * in-process (nifti-info and preprocess) and through a real {@code java} process.
 */
class MalformedFileTest {
  @TempDir Path tmp;

  /** A valid little-endian NIfTI-1 image, 8x8x4 int16 (header 348 + 4 + 512 bytes of data). */
  private byte[] valid() throws Exception {
    Path f = tmp.resolve("valid.nii");
    float[] v = new float[8 * 8 * 4];
    for (int i = 0; i < v.length; i++) {
      v[i] = i % 50;
    }
    NiftiWriter.write(f, v, 8, 8, 4, new double[][] {{1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}},
        NiftiDatatype.INT16);
    return Files.readAllBytes(f);
  }

  private static byte[] patch(byte[] file, java.util.function.Consumer<ByteBuffer> edit) {
    byte[] c = file.clone();
    edit.accept(ByteBuffer.wrap(c).order(ByteOrder.LITTLE_ENDIAN));
    return c;
  }

  /** Malformed kind → (file, expected message fragment). */
  private Map<String, Object[]> cases() throws Exception {
    byte[] ok = valid();
    Map<String, byte[]> files = new LinkedHashMap<>();
    Map<String, String> expect = new LinkedHashMap<>();
    files.put("notnifti.nii", "this is a text file, not an image\n".repeat(20).getBytes(StandardCharsets.US_ASCII));
    expect.put("notnifti.nii", "not a NIfTI file (bad magic");
    files.put("analyze.nii", patch(ok, b -> b.put(344, (byte) 'x')));
    expect.put("analyze.nii", "not a NIfTI file (bad magic");
    files.put("empty.nii", new byte[0]);
    expect.put("empty.nii", "empty file");
    files.put("shortheader.nii", Arrays.copyOf(ok, 200));
    expect.put("shortheader.nii", "truncated header: 200 bytes, a NIfTI-1 header needs 348");
    files.put("shortheader.nii.gz", NiftiReaderTest.gzip(Arrays.copyOf(ok, 100)));
    expect.put("shortheader.nii.gz", "truncated header");
    files.put("truncated.nii", Arrays.copyOf(ok, 352 + 100));
    expect.put("truncated.nii", "truncated voxel data: expected 512 bytes, got 100");
    files.put("truncated.nii.gz", NiftiReaderTest.gzip(Arrays.copyOf(ok, 352 + 100)));
    expect.put("truncated.nii.gz", "truncated voxel data: expected 512 bytes, got 100");
    byte[] gz = NiftiReaderTest.gzip(ok);
    byte[] corrupt = gz.clone();
    for (int i = 12; i < corrupt.length - 8; i += 3) {
      corrupt[i] ^= 0x5a;
    }
    files.put("corrupt.nii.gz", corrupt);
    expect.put("corrupt.nii.gz", "corrupt gzip data");
    files.put("cutgzip.nii.gz", Arrays.copyOf(gz, gz.length - 30));
    expect.put("cutgzip.nii.gz", "");
    files.put("zerodim.nii", patch(ok, b -> b.putShort(42, (short) 0)));
    expect.put("zerodim.nii", "invalid dimensions: dim[1] = 0");
    files.put("negdim.nii", patch(ok, b -> b.putShort(44, (short) -5)));
    expect.put("negdim.nii", "invalid dimensions: dim[2] = -5");
    files.put("ndim.nii", patch(ok, b -> b.putShort(40, (short) 9)));
    expect.put("ndim.nii", "invalid dimensions: dim[0] = 9");
    // 2^40 voxels claimed by a tiny file
    byte[] absurd = patch(ok, b -> {
      b.putShort(42, (short) 32767);
      b.putShort(44, (short) 32767);
      b.putShort(46, (short) 1024);
    });
    files.put("absurd.nii", absurd);
    expect.put("absurd.nii", "truncated voxel data: expected 2198889039872 bytes, got 512");
    files.put("absurd.nii.gz", NiftiReaderTest.gzip(absurd));
    expect.put("absurd.nii.gz", "implausible dimensions: shape 32767x32767x1024 int16");
    files.put("offset.nii", patch(ok, b -> b.putFloat(108, 1_000_000f)));
    expect.put("offset.nii", "vox_offset 1000000 is past the end of the file (864 bytes)");
    files.put("offset.nii.gz", NiftiReaderTest.gzip(patch(ok, b -> b.putFloat(108, 1_000_000f))));
    expect.put("offset.nii.gz", "vox_offset 1000000 is past the end of the data");
    files.put("offset2.nii.gz", NiftiReaderTest.gzip(patch(ok, b -> b.putFloat(108, 5000f))));
    expect.put("offset2.nii.gz", "vox_offset 5000 is past the end of the data (864 bytes uncompressed)");
    files.put("complex.nii", patch(ok, b -> b.putShort(70, (short) 32)));
    expect.put("complex.nii", "unsupported NIfTI datatype complex64 (32)");
    files.put("rgb.nii.gz", NiftiReaderTest.gzip(patch(ok, b -> b.putShort(70, (short) 128))));
    expect.put("rgb.nii.gz", "unsupported NIfTI datatype rgb24 (128)");
    files.put("nanpixdim.nii", patch(ok, b -> b.putFloat(80, Float.NaN)));
    expect.put("nanpixdim.nii", "invalid voxel size: pixdim[1] is NaN");
    files.put("infpixdim.nii", patch(ok, b -> b.putFloat(88, Float.POSITIVE_INFINITY)));
    expect.put("infpixdim.nii", "invalid voxel size: pixdim[3] is Infinity");
    Map<String, Object[]> out = new LinkedHashMap<>();
    for (var e : files.entrySet()) {
      Path p = tmp.resolve(e.getKey());
      Files.write(p, e.getValue());
      out.put(e.getKey(), new Object[] {p, expect.get(e.getKey())});
    }
    out.put("missing", new Object[] {tmp.resolve("missing.nii.gz"), "no such file"});
    Path dir = tmp.resolve("adir.nii");
    Files.createDirectories(dir);
    out.put("directory", new Object[] {dir, "is a directory"});
    return out;
  }

  @Test
  void everyKindIsOneErrorLineInProcess() throws Exception {
    for (var e : cases().entrySet()) {
      Path p = (Path) e.getValue()[0];
      String fragment = (String) e.getValue()[1];
      for (String cmd : new String[] {"nifti-info", "preprocess"}) {
        String[] args = cmd.equals("nifti-info")
            ? new String[] {cmd, p.toString()}
            : new String[] {cmd, p.toString(), "--out", tmp.resolve("o.nii.gz").toString()};
        CliTestSupport.Result r = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> CliTestSupport.run(args),
            e.getKey() + " took more than 5 s");
        String what = cmd + " " + e.getKey() + ": " + r.err();
        assertNotEquals(0, r.exitCode(), what);
        assertOneErrorLine(r.err(), p, fragment, what);
      }
    }
    assertFalse(Files.exists(tmp.resolve("o.nii.gz")));
  }

  @Test
  void errorsThroughARealJavaProcess() throws Exception {
    Map<String, Object[]> all = cases();
    for (String kind : new String[] {"absurd.nii.gz", "corrupt.nii.gz", "missing"}) {
      Path p = (Path) all.get(kind)[0];
      List<String> cmd = new ArrayList<>(List.of(
          Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
          "-cp", System.getProperty("java.class.path"), "org.scribe3d.cli.Main", "nifti-info", p.toString()));
      ProcessBuilder pb = new ProcessBuilder(cmd);
      File err = tmp.resolve("stderr.txt").toFile();
      pb.redirectError(err);
      pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
      long t0 = System.nanoTime();
      Process proc = pb.start();
      boolean done = proc.waitFor(5, TimeUnit.SECONDS);
      if (!done) {
        proc.destroyForcibly();
      }
      assertTrue(done, kind + ": no exit within 5 s");
      assertNotEquals(0, proc.exitValue(), kind);
      String text = Files.readString(err.toPath());
      assertOneErrorLine(text, p, (String) all.get(kind)[1], kind + " (java process, "
          + (System.nanoTime() - t0) / 1_000_000 + " ms): " + text);
    }
  }

  private static void assertOneErrorLine(String err, Path file, String fragment, String what) {
    List<String> lines = err.lines().toList();
    assertEquals(1, lines.size(), what);
    String line = lines.get(0);
    assertTrue(line.startsWith("error: " + file + ": "), what);
    assertTrue(line.contains(fragment), what + " should mention: " + fragment);
    assertFalse(line.contains("Exception") || line.contains("\tat "), what);
  }
}

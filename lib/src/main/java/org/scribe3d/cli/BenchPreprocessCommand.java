package org.scribe3d.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.scribe3d.nifti.NiftiDatatype;
import org.scribe3d.nifti.NiftiWriter;
import org.scribe3d.volume.Pipeline;
import org.scribe3d.volume.Volume;
import org.scribe3d.volume.VolumeIO;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code scribe3d bench preprocess}: load + preprocess a 512×512×300 int16 CT-like .nii.gz to
 * 32×256×256, Scribe3D against nibabel + torch (bench/preprocess_nibabel_torch.py via
 * /usr/bin/python3) on the same file, with the same steps: canonical reorientation, min-max
 * normalisation, trilinear resize (no crop).
 */
@Command(name = "preprocess", mixinStandardHelpOptions = true,
    description = "Time loading + preprocessing a 512x512x300 int16 .nii.gz to 32x256x256, Scribe3D vs "
        + "nibabel+torch (the file is generated first if missing).")
public final class BenchPreprocessCommand implements Callable<Integer> {
  @Option(names = "--file", paramLabel = "FILE",
      description = "Benchmark input (default: lib/target/bench/ct_512x512x300.nii.gz under the Scribe3D home).")
  Path file;

  @Option(names = "--repeats", defaultValue = "3", description = "Timed runs per side (default 3).")
  int repeats;

  @Option(names = "--no-python", description = "Skip the nibabel + torch reference.")
  boolean noPython;

  @Option(names = "--python", defaultValue = "/usr/bin/python3", description = "Python with nibabel + torch.")
  String python;

  @Spec CommandSpec spec;

  static final int[] SHAPE = {512, 512, 300};
  static final int[] SIZE = {32, 256, 256};

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Path home = Path.of(System.getProperty("scribe3d.home", "."));
    Path input = file != null ? file : home.resolve("lib/target/bench/ct_512x512x300.nii.gz");
    if (!Files.exists(input)) {
      out.println("generating " + input + " (512x512x300 int16 CT phantom) ...");
      out.flush();
      long t0 = System.nanoTime();
      generate(input);
      out.printf(Locale.ROOT, "  written in %.1f s, %.1f MB compressed%n", (System.nanoTime() - t0) / 1e9,
          Files.size(input) / 1e6);
    }
    Pipeline pipeline = Pipeline.defaults(SIZE, null, false, true);
    out.printf(Locale.ROOT, "input %s (%.1f MB), pipeline %s, %d cores, JVM max heap %d MB%n", input,
        Files.size(input) / 1e6, pipeline.toJson(), Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().maxMemory() >> 20);
    double[] java = new double[repeats];
    double checksum = 0;
    for (int r = 0; r < repeats; r++) {
      System.gc();
      long t0 = System.nanoTime();
      Volume v = VolumeIO.load(input);
      long t1 = System.nanoTime();
      Volume res = pipeline.apply(v, input.toString(), null, true);
      long t2 = System.nanoTime();
      java[r] = (t2 - t0) / 1e9;
      double s = 0;
      for (float x : res.voxels()) {
        s += x;
      }
      checksum = s;
      out.printf(Locale.ROOT, "scribe3d run %d: %.3f s (load %.3f s, preprocess %.3f s)%n", r + 1, java[r],
          (t1 - t0) / 1e9, (t2 - t1) / 1e9);
      out.flush();
    }
    out.printf(Locale.ROOT, "scribe3d: best %.3f s, median %.3f s, output sum %.4f%n", min(java), median(java),
        checksum);
    if (noPython) {
      return 0;
    }
    Path script = home.resolve("bench/preprocess_nibabel_torch.py");
    if (!Files.exists(script)) {
      throw new CliExit("reference script not found: " + script + " (run from the Scribe3D checkout)");
    }
    List<String> cmd = new ArrayList<>(List.of(python, script.toString(), input.toString(),
        String.valueOf(SIZE[0]), String.valueOf(SIZE[1]), String.valueOf(SIZE[2]), String.valueOf(repeats)));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
    Process p = pb.start();
    String json = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
      throw new CliExit("the nibabel + torch reference failed: " + String.join(" ", cmd));
    }
    JsonObject o = JsonParser.parseString(json).getAsJsonObject();
    JsonArray secs = o.getAsJsonArray("seconds");
    double[] py = new double[secs.size()];
    for (int i = 0; i < py.length; i++) {
      py[i] = secs.get(i).getAsDouble();
      out.printf(Locale.ROOT, "nibabel+torch run %d: %.3f s%n", i + 1, py[i]);
    }
    out.printf(Locale.ROOT, "nibabel %s + torch %s (%d threads): best %.3f s, median %.3f s, output sum %.4f%n",
        o.get("nibabel").getAsString(), o.get("torch").getAsString(), o.get("torch_threads").getAsInt(), min(py),
        median(py), o.get("checksum").getAsDouble());
    out.printf(Locale.ROOT, "ratio (nibabel+torch / scribe3d, median): %.2fx%n", median(py) / median(java));
    out.flush();
    return 0;
  }

  private static double min(double[] a) {
    return Arrays.stream(a).min().orElse(Double.NaN);
  }

  private static double median(double[] a) {
    double[] s = a.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  /**
   * A CT-like phantom in HU: air with noise inside a circular field of view (-1024 padding
   * outside), an elliptical body of soft tissue with a fat rim, two lungs in the upper slices, a
   * spine; Gaussian-ish noise throughout so that the file compresses like a real scan, not like a
   * constant. LPS affine, 0.75 x 0.75 x 1.5 mm.
   */
  static void generate(Path path) throws Exception {
    int nx = SHAPE[0];
    int ny = SHAPE[1];
    int nz = SHAPE[2];
    float[] v = new float[nx * ny * nz];
    IntStream.range(0, nz).parallel().forEach(z -> {
      long seed = 0x9E3779B97F4A7C15L * (z + 1);
      double a = 200 + 20 * Math.sin(z / 60.0);
      double b = 150 + 10 * Math.cos(z / 45.0);
      boolean lungs = z < 180;
      for (int y = 0; y < ny; y++) {
        for (int x = 0; x < nx; x++) {
          seed ^= seed << 13;
          seed ^= seed >>> 7;
          seed ^= seed << 17;
          double u1 = (seed & 0xFFFF) / 65536.0;
          double u2 = ((seed >>> 16) & 0xFFFF) / 65536.0;
          double u3 = ((seed >>> 32) & 0xFFFF) / 65536.0;
          double noise = (u1 + u2 + u3 - 1.5) * 2; // roughly N(0, 1)
          double dx = x - 256;
          double dy = y - 270;
          double hu;
          if (dx * dx + (y - 256.0) * (y - 256.0) > 250.0 * 250.0) {
            hu = -1024; // outside the reconstruction circle
          } else {
            double r = Math.sqrt(dx * dx / (a * a) + dy * dy / (b * b));
            if (r > 1) {
              hu = -1000 + 10 * noise;
            } else if (r > 0.9) {
              hu = -100 + 20 * noise;
            } else {
              hu = 40 + 15 * noise + 10 * Math.sin(x / 17.0) * Math.cos(y / 23.0);
              double lx = Math.abs(dx) - 85;
              double ly = y - 250;
              if (lungs && (lx * lx) / (70.0 * 70.0) + (ly * ly) / (100.0 * 100.0) < 1) {
                hu = -850 + 40 * noise;
              }
              double sx = x - 256;
              double sy = y - 380;
              if (sx * sx + sy * sy < 25 * 25) {
                hu = 600 + 60 * noise;
              }
            }
          }
          v[x + nx * (y + ny * z)] = (float) Math.rint(hu);
        }
      }
    });
    double[][] affine = {{-0.75, 0, 0, 191.6}, {0, -0.75, 0, 191.6}, {0, 0, 1.5, -400}, {0, 0, 0, 1}};
    Files.createDirectories(path.toAbsolutePath().getParent());
    NiftiWriter.write(path, v, nx, ny, nz, affine, NiftiDatatype.INT16);
  }
}

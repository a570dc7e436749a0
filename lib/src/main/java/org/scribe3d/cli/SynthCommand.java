package org.scribe3d.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.scribe3d.phantom.PhantomDataset;
import org.scribe3d.phantom.SizePreset;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code scribe3d synth --out DIR --cases N --seed S}: writes the phantom CT benchmark in the AMOS-MM
 * layout, printing per-case generation time.
 */
@Command(name = "synth", mixinStandardHelpOptions = true,
    description = {"Generate the phantom CT benchmark (AMOS-MM layout): DIR/imagesTr, DIR/imagesVa (int16 HU"
        + " NIfTI), DIR/dataset.json (per-region findings reports and multiple-choice questions) and"
        + " DIR/ground_truth.json (structured findings with the voxels that show them).",
        "The output is byte-identical for the same --cases, --seed, --val-fraction and --size."})
public final class SynthCommand implements Callable<Integer> {
  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory.")
  Path out;

  @Option(names = "--cases", defaultValue = "12", paramLabel = "N", description = "Number of cases (default 12).")
  int cases;

  @Option(names = "--seed", defaultValue = "7", paramLabel = "S", description = "Random seed (default 7).")
  long seed;

  @Option(names = "--val-fraction", defaultValue = "0.2", paramLabel = "F",
      description = "Share of cases in the validation split (default 0.2; the last cases).")
  double valFraction;

  @Option(names = "--size", defaultValue = "small", paramLabel = "small|medium|full",
      description = "small 96x96 (~100 slices, fast CPU demo), medium 256x256 (~130), full 512x512 (~300)."
          + " Default small.")
  String size;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter o = spec.commandLine().getOut();
    SizePreset preset;
    try {
      preset = SizePreset.parse(size);
    } catch (IllegalArgumentException e) {
      throw new CliExit("--size: " + e.getMessage(), 2);
    }
    if (cases < 1) {
      throw new CliExit("--cases must be at least 1", 2);
    }
    if (!(valFraction >= 0 && valFraction < 1)) {
      throw new CliExit("--val-fraction must be in [0, 1), got " + valFraction, 2);
    }
    PhantomDataset.Summary s = PhantomDataset.write(out, cases, seed, valFraction, preset,
        (i, n, id, split, c) -> {
          int[] sh = c.shape();
          double[] sp = c.spacing();
          o.printf(Locale.ROOT, "[%d/%d] %s %-10s %dx%dx%d %s %.2fx%.2fx%.2f mm  %d finding(s)  %.2f s%n",
              i + 1, n, id, split, sh[0], sh[1], sh[2], c.orientation(), sp[0], sp[1], sp[2],
              c.findings().size(), c.generationMillis() / 1000.0);
          o.flush();
        });
    long[] t = s.generationMillis();
    double mean = Arrays.stream(t).average().orElse(0);
    o.printf(Locale.ROOT, "wrote %d training + %d validation cases to %s%n", s.training(), s.validation(), out);
    o.printf(Locale.ROOT, "generation per case: mean %.2f s, min %.2f s, max %.2f s; total %.1f s (with writing)%n",
        mean / 1000, Arrays.stream(t).min().orElse(0) / 1000.0, Arrays.stream(t).max().orElse(0) / 1000.0,
        s.totalMillis() / 1000.0);
    return 0;
  }
}

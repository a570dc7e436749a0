package org.scribe3d.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import org.scribe3d.volume.Pipeline;
import org.scribe3d.volume.Volume;
import org.scribe3d.volume.VolumeIO;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import org.scribe3d.infer.RunPredictor;
import org.scribe3d.io.Npy;

/**
 * {@code scribe3d preprocess IN --out OUT.nii.gz}: the model-input tensor of a scan, written as a
 * float32 NIfTI whose axes 1/2/3 are W/H/D and whose affine places it where the input was.
 */
@Command(name = "preprocess", mixinStandardHelpOptions = true,
    description = {"Turn a CT scan into the model's input tensor (D×H×W, values in [0,1]) and write it as a "
        + "float32 NIfTI (axes W, H, D) with an affine that places it where the input was.",
        "Default pipeline: reorient to closest RAS, [clip to --window], min-max normalise, crop foreground "
            + "(voxels > 0 after normalising), trilinear resize (torch align_corners=False)."})
public final class PreprocessCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "IN", description = "Input NIfTI (.nii / .nii.gz).")
  Path in;

  @Option(names = "--out", required = true, paramLabel = "OUT",
      description = "Output .nii.gz (or .nii), or .npy: a 1×D×H×W float32 array, the preprocessed format M3D's quick"
          + " start and generate --image take.")
  Path out;

  @Option(names = "--model", paramLabel = "DIR",
      description = "Preprocess as this model directory does (a released M3D-LaMed model: M3D's data preparation; a"
          + " Scribe3D run: its recorded pipeline); replaces the pipeline options. Weights are not loaded.")
  Path model;

  @Option(names = "--size", paramLabel = "D,H,W", split = ",", hideParamSyntax = true,
      description = "Output size D,H,W (default 32,256,256).")
  int[] size;

  @Option(names = "--window", paramLabel = "LO,HI", split = ",", hideParamSyntax = true,
      description = "Clip to this intensity window first, e.g. -1000,1000 (HU).")
  double[] window;

  @Option(names = "--no-crop", description = "Do not crop to the foreground.")
  boolean noCrop;

  @Option(names = "--no-reorient", description = "Keep the stored voxel order (no reorientation to RAS).")
  boolean noReorient;

  @Option(names = "--config", paramLabel = "pipeline.json",
      description = "A pipeline as JSON (list of steps); replaces the default pipeline and the options above.")
  Path config;

  @Option(names = "--frame", defaultValue = "0", description = "Frame of a 4D image (default 0).")
  int frame;

  @Option(names = "--seed", paramLabel = "N",
      description = "Apply the pipeline's training augmentations with this random seed (default: none).")
  Long seed;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Pipeline pipeline = pipeline();
    long t0 = System.nanoTime();
    Volume input = VolumeIO.load(in, frame);
    int[] inShape = input.shape();
    Volume result = pipeline.apply(input, in.toString(), seed == null ? null : new Random(seed), true);
    if (out.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".npy")) {
      Npy.write(out, new long[] {1, result.nz(), result.ny(), result.nx()}, result.voxels());
    } else {
      VolumeIO.saveFloat32(result, out);
    }
    double secs = (System.nanoTime() - t0) / 1e9;
    PrintWriter w = spec.commandLine().getOut();
    w.printf(Locale.ROOT, "wrote %s: %d x %d x %d (D x H x W) from %d x %d x %d in %.2f s%n", out,
        result.nz(), result.ny(), result.nx(), inShape[0], inShape[1], inShape[2], secs);
    w.flush();
    return 0;
  }

  Pipeline pipeline() throws Exception {
    if (model != null) {
      if (config != null || size != null || window != null || noCrop || noReorient) {
        throw new CliExit("--model takes the model's own pipeline; drop --config/--size/--window/--no-crop/"
            + "--no-reorient", 2);
      }
      try {
        return RunPredictor.inputPipeline(model, System.err);
      } catch (IllegalArgumentException e) {
        throw new CliExit(e.getMessage());
      }
    }
    if (config != null) {
      if (size != null || window != null || noCrop || noReorient) {
        throw new CliExit("--config replaces --size/--window/--no-crop/--no-reorient; put those steps in "
            + config + " instead", 2);
      }
      return Pipeline.load(config);
    }
    int[] s = size == null ? Pipeline.DEFAULT_SIZE : size;
    if (s.length != 3 || s[0] < 1 || s[1] < 1 || s[2] < 1) {
      throw new CliExit("--size needs three positive integers D,H,W", 2);
    }
    if (window != null && (window.length != 2 || !(window[0] < window[1]))) {
      throw new CliExit("--window needs LO,HI with LO < HI", 2);
    }
    return Pipeline.defaults(s, window, !noCrop, !noReorient);
  }
}

package org.scribe3d.cli;

import ai.djl.ndarray.types.DataType;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.scribe3d.data.DatasetException;
import org.scribe3d.recipe.Recipe;
import org.scribe3d.recipe.RecipeException;
import org.scribe3d.recipe.RecipeFiles;
import org.scribe3d.run.RunDirectory;
import org.scribe3d.train.Devices;
import org.scribe3d.train.Progress;
import org.scribe3d.train.TrainRun;
import org.scribe3d.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code scribe3d train}: trains the multimodal model on a data set as a recipe describes it (see {@link TrainRun}). */
@Command(name = "train", mixinStandardHelpOptions = true,
    description = {"Train the multimodal model on a data set's training split as a recipe describes it (the method as"
        + " a file: recipes/*.json, schema in docs/recipes.md); writes RUN/recipe.json (the recipe resolved),"
        + " RUN/metrics.jsonl, RUN/checkpoints/ and at the end RUN/model/.",
        "Deterministic on the CPU for a given seed and --threads; --resume continues a killed run exactly, with the"
            + " recipe the run recorded."})
public final class TrainCommand implements Callable<Integer> {
  @Option(names = "--recipe", paramLabel = "FILE|NAME", description = "The method: a recipe file, or the name of a"
      + " shipped one (demo, tiny-plain, m3d-paper). Default: the schema's defaults (the tiny preset trained in full"
      + " from random weights); with --resume: the run's recorded recipe.")
  String recipe;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override one recipe key (dotted, e.g."
      + " optim.lr=3e-4, prompts.finding_hints=true); repeatable; applied after the recipe file.")
  List<String> sets = new ArrayList<>();

  @Option(names = "--data", required = true, paramLabel = "DATASET", description = "dataset.json, its directory or a"
      + " manifest.")
  Path data;

  @Option(names = "--out", required = true, paramLabel = "RUN_DIR", description = "Run directory.")
  Path out;

  @Option(names = "--resume", description = "Continue from the newest checkpoint in RUN_DIR, with its recorded recipe.")
  boolean resume;

  @Option(names = "--epochs", description = "Epochs (recipe key optim.epochs).")
  Integer epochs;

  @Option(names = "--batch", description = "Micro-batch size per forward pass (optim.batch).")
  Integer batch;

  @Option(names = "--lr", description = "Peak learning rate (optim.lr).")
  Double lr;

  @Option(names = "--seed", description = "Seed of init, data order, augmentation and dropout (optim.seed).")
  Long seed;

  @Option(names = "--minutes", defaultValue = "0", description = "Wall-clock limit; a checkpoint is saved when it is"
      + " hit (0: none).")
  double minutes;

  @Option(names = "--devices", defaultValue = "cpu", split = ",", paramLabel = "cpu|gpu0,gpu1,...",
      description = "Devices for data-parallel training (default cpu).")
  List<String> devices;

  @Option(names = "--dtype", defaultValue = "float32", paramLabel = "float32|float16",
      description = "Weight dtype (default float32); float16 only with GPU --devices (bfloat16: unsupported by DJL 0.36).")
  String dtype;

  @Option(names = "--threads", description = "Torch intra-op threads (default: all cores); keep equal across a resume.")
  Integer threads;

  @Option(names = "--cache", paramLabel = "DIR", description = "Preprocessed-volume cache (data.cache; default"
      + " ~/.cache/scribe3d/volumes).")
  Path cache;

  @Option(names = "--checkpoint-every", defaultValue = "0", description = "Checkpoint every N steps (0: only at the end).")
  int checkpointEvery;

  @Option(names = "--keep", defaultValue = "2", description = "Checkpoints kept (default 2).")
  int keep;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (keep < 1) {
      throw new CliExit("--keep must be at least 1", 2);
    }
    if (!(minutes >= 0)) {
      throw new CliExit("--minutes must be >= 0, got " + minutes, 2);
    }
    DataType weights = parseDtype(dtype);
    Recipe r;
    try {
      r = recipe(recipe, resume ? RunDirectory.of(out) : null, overrides());
    } catch (RecipeException e) {
      throw new CliExit(ErrorMessages.recipe(e), 2);
    }
    TrainRun.Settings s = new TrainRun.Settings();
    s.data = data;
    s.out = out;
    s.resume = resume;
    s.devices = devices;
    s.dtype = weights;
    s.threads = threads == null ? 0 : threads;
    s.minutes = minutes;
    s.checkpointEvery = checkpointEvery;
    s.keep = keep;
    try {
      Devices.checkDtype(weights, Devices.parse(devices)); // fail before the data set is read
    } catch (IllegalArgumentException e) {
      throw new CliExit(e.getMessage(), 2);
    }
    PrintStream err = System.err;
    TrainRun.Outcome o;
    try {
      o = TrainRun.run(r, s, err, Progress.stderrIsTty());
    } catch (RecipeException e) {
      throw new CliExit(ErrorMessages.recipe(e), 2);
    } catch (DatasetException | IllegalArgumentException | IllegalStateException e) {
      throw new CliExit(e.getMessage(), 1);
    }
    Trainer.Result t = o.result();
    if (t.totalSteps() == 0) {
      spec.commandLine().getOut().printf(Locale.ROOT, "no training step (optim.epochs 0); model: %s%n", o.modelDir());
      spec.commandLine().getOut().flush();
      return 0;
    }
    spec.commandLine().getOut().printf(Locale.ROOT,
        "trained %d of %d steps (from step %d) in %.1f s%s; last loss %.4f; model: %s%n", t.steps(), t.totalSteps(),
        t.startStep(), t.seconds(), t.stoppedByTimeLimit() ? " (time limit)" : "", t.lastLoss(), o.modelDir());
    spec.commandLine().getOut().flush();
    return 0;
  }

  /** --set and the everyday flags, as recipe overrides (flags last: they win). */
  private List<String> overrides() {
    List<String> o = new ArrayList<>(sets);
    if (epochs != null) {
      o.add("optim.epochs=" + epochs);
    }
    if (batch != null) {
      o.add("optim.batch=" + batch);
    }
    if (lr != null) {
      o.add("optim.lr=" + lr);
    }
    if (seed != null) {
      o.add("optim.seed=" + seed);
    }
    if (cache != null) {
      o.add("data.cache=" + cache);
    }
    return o;
  }

  /**
   * The recipe to train: the file or shipped name, else (resuming a run that recorded one) the run's recipe, else the
   * schema's defaults; then the overrides.
   */
  static Recipe recipe(String fileOrName, RunDirectory resumed, List<String> overrides) throws java.io.IOException {
    if (fileOrName != null) {
      return RecipeFiles.load(fileOrName, overrides);
    }
    if (resumed != null && Files.isRegularFile(resumed.recipe())) {
      return RecipeFiles.withOverrides(RecipeFiles.read(resumed.recipe()), overrides);
    }
    return RecipeFiles.defaults(overrides);
  }

  static DataType parseDtype(String s) {
    return switch (s.toLowerCase(Locale.ROOT)) {
      case "float32", "fp32" -> DataType.FLOAT32;
      case "float16", "fp16", "half" -> DataType.FLOAT16;
      case "bfloat16", "bf16" -> DataType.BFLOAT16; // refused by Devices.checkDtype with the reason
      default -> throw new CliExit("--dtype must be float32 or float16, got '" + s + "'", 2);
    };
  }
}

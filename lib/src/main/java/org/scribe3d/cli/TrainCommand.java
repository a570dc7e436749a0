package org.scribe3d.cli;

import ai.djl.ndarray.types.DataType;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.scribe3d.data.DatasetException;
import org.scribe3d.model.vision.ViTConfig;
import org.scribe3d.train.LrSchedule;
import org.scribe3d.train.Progress;
import org.scribe3d.train.TrainRun;
import org.scribe3d.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code scribe3d train}: trains the multimodal model on a data set (see {@link TrainRun}). */
@Command(name = "train", mixinStandardHelpOptions = true,
    description = {"Train the multimodal model (AdamW, warmup + cosine, masked LM loss) on a data set's training"
        + " split; writes RUN/metrics.jsonl, RUN/checkpoints/ and at the end RUN/model/.",
        "Deterministic on the CPU for a given --seed and --threads; --resume continues a killed run exactly."})
public final class TrainCommand implements Callable<Integer> {
  @Option(names = "--preset", defaultValue = "tiny", paramLabel = "tiny|paper|paper-reduced",
      description = "Model preset (default tiny).")
  String preset;

  @Option(names = "--model-config", paramLabel = "JSON",
      description = "A model config (Scribe3D multimodal config.json) instead of --preset.")
  Path modelConfig;

  @Option(names = "--data", required = true, paramLabel = "DATASET", description = "dataset.json, its directory or a manifest.")
  Path data;

  @Option(names = "--out", required = true, paramLabel = "RUN_DIR", description = "Run directory.")
  Path out;

  @Option(names = "--epochs", defaultValue = "8", description = "Epochs (default 8, as the paper).")
  int epochs;

  @Option(names = "--max-steps", defaultValue = "0", description = "Stop the schedule after N optimizer steps (0: epochs decide).")
  long maxSteps;

  @Option(names = "--minutes", defaultValue = "0", description = "Wall-clock limit; a checkpoint is saved when it is hit (0: none).")
  double minutes;

  @Option(names = "--resume", description = "Continue from the newest checkpoint in RUN_DIR.")
  boolean resume;

  @Option(names = "--devices", defaultValue = "cpu", split = ",", paramLabel = "cpu|gpu0,gpu1,...",
      description = "Devices for data-parallel training (default cpu).")
  List<String> devices;

  @Option(names = "--batch", defaultValue = "4", description = "Micro-batch size per forward pass (default 4).")
  int batch;

  @Option(names = "--accumulation", defaultValue = "1", description = "Micro-batches per optimizer step (default 1).")
  int accumulation;

  @Option(names = "--lr", description = "Peak learning rate (default: 1e-3 tiny, 1e-5 paper).")
  Double lr;

  @Option(names = "--warmup", defaultValue = "0.1", description = "Warmup fraction of the steps (default 0.1).")
  double warmup;

  @Option(names = "--schedule", defaultValue = LrSchedule.COSINE, paramLabel = "cosine|constant",
      description = "Learning rate after the warmup: cosine to 0 (default, the paper) or constant.")
  String schedule;

  @Option(names = "--weight-decay", defaultValue = "0", description = "AdamW weight decay (default 0, as the paper).")
  double weightDecay;

  @Option(names = "--max-grad-norm", defaultValue = "1.0", description = "Global-norm clipping (0: off; default 1).")
  double maxGradNorm;

  @Option(names = "--seed", defaultValue = "42", description = "Seed of init, data order, augmentation, dropout.")
  long seed;

  @Option(names = "--checkpoint-every", defaultValue = "0", description = "Checkpoint every N steps (0: only at the end).")
  int checkpointEvery;

  @Option(names = "--keep", defaultValue = "2", description = "Checkpoints kept (default 2).")
  int keep;

  @Option(names = "--validate-every", defaultValue = "0", description = "Validation every N steps (0: at the end).")
  int validateEvery;

  @Option(names = "--val-samples", defaultValue = "64", description = "Validation examples used (0: no validation).")
  int valSamples;

  @Option(names = "--threads", description = "Torch intra-op threads (default: all cores); keep equal across a resume.")
  Integer threads;

  @Option(names = "--cache", paramLabel = "DIR", description = "Preprocessed-volume cache (default ~/.cache/scribe3d/volumes).")
  Path cache;

  @Option(names = "--pipeline", paramLabel = "JSON", description = "Preprocessing pipeline (default: M3D's, resized to the preset's input, with augmentation).")
  Path pipeline;

  @Option(names = "--no-augment", description = "Train without augmentation.")
  boolean noAugment;

  @Option(names = "--ungrouped", description = "Shuffle examples individually (default: the examples of a scan stay"
      + " together, so micro-batches share one vision pass per scan).")
  boolean ungrouped;

  @Option(names = "--blind", description = "Blind control: image embeddings zeroed.")
  boolean blind;

  @Option(names = "--finding-loss", defaultValue = "0", paramLabel = "W",
      description = "Weight of an auxiliary finding head on the vision encoder's tokens, trained on labels read"
          + " from the reference reports (0: none, the paper's recipe).")
  double findingLoss;

  @Option(names = "--pretrain-epochs", defaultValue = "0", paramLabel = "N",
      description = "Epochs of vision pretraining on the finding labels before the main stage (language model"
          + " frozen, one sample per scan; needs --finding-loss; default 0).")
  int pretrainEpochs;

  @Option(names = "--box-loss", defaultValue = "0", paramLabel = "W",
      description = "Weight of a dense (per-token) finding head trained in vision pretraining on the finding boxes"
          + " of a phantom's ground_truth.json (0: none; needs --pretrain-epochs).")
  double boxLoss;

  @Option(names = "--freeze-vision", description = "Keep the vision encoder fixed in the main stage (projector,"
      + " finding head and language model still train), e.g. one started from --vision-init or --pretrain-epochs.")
  boolean freezeVision;

  @Option(names = "--standardize-tokens", description = "Standardise the vision encoder's tokens before the"
      + " projector: minus the training scans' mean token at each grid position, over its standard deviation"
      + " (statistics computed when the main stage starts, kept in the model). Lets the tiny language model read"
      + " a frozen pretrained encoder (docs/demo.md, session 7); not in M3D.")
  boolean standardizeTokens;

  @Option(names = "--finding-token", description = "Give the language model one more image embedding: the"
      + " finding head's label probabilities through a linear layer (a diagnosis token, as PromptMRG's"
      + " classification-guided prompts; not in M3D). Needs a trained head: the --vision-init file's (the shipped"
      + " encoder has one; with --freeze-vision it stays fixed) or --finding-loss W.")
  boolean findingToken;

  @Option(names = "--token-noise", paramLabel = "SIGMA", defaultValue = "0", description = "With"
      + " --standardize-tokens: add Gaussian noise of this standard deviation to every standardised token element"
      + " in training (each scan gets a new draw every time), meant to keep the language model from learning a"
      + " scan's answers from its tokens' individual detail; at 1 it did not change held-out VQA (docs/demo.md,"
      + " session 8). Default ${DEFAULT-VALUE}: none.")
  double tokenNoise;

  @Option(names = "--image-dropout", paramLabel = "P", defaultValue = "0", description = "Zero a training scan's"
      + " image embeddings with this probability per step (modality dropout: the blind control's input), so the"
      + " language model learns the answers' priors too; at 0.3 it left VQA unchanged and cost most of the finding"
      + " F1 (docs/demo.md, session 8). Default ${DEFAULT-VALUE}: none.")
  double imageDropout;

  @Option(names = "--true-hints", paramLabel = "P", defaultValue = "0", description = "With --finding-hints: hint this"
      + " fraction of the training scans (seeded) with their reports' findings instead of the head's diagnosis, so"
      + " the language model learns to follow its hint (validation and generation always use the head's)."
      + " Default ${DEFAULT-VALUE}: none.")
  double trueHints;

  @Option(names = "--finding-hints", description = "Put the frozen finding head's diagnosis in words in front of every"
      + " prompt (\"Image findings: cardiomegaly, pleural effusion.\"; PromptMRG's diagnosis-driven prompt, not in M3D);"
      + " generation from the run does the same. Needs --vision-init with a finding head and --freeze-vision; not"
      + " with --blind, --finding-loss or --pretrain-epochs.")
  boolean findingHints;

  @Option(names = "--no-packing", description = "One right-padded row per example instead of packing each micro-batch"
      + " into one row with each scan's BOS and image tokens computed once (the same loss, about three times the"
      + " positions on the demo's batches).")
  boolean noPacking;

  @Option(names = "--vision-stem", paramLabel = "patch|conv",
      description = "The tiny preset's vision stem: patch (M3D-CLIP's linear patch embedding; the default without"
          + " --vision-init, which otherwise gives the encoder file's stem) or conv"
          + " (3x3x3 convolutions down to an 8x16x16 patch grid, 32 image tokens; 1.7x faster per scan; its blocks start as the identity; see docs/demo.md).")
  String visionStem;

  @Option(names = "--vision-init", paramLabel = "FILE|RUN_DIR",
      description = "Start the vision encoder, projector (and finding head, if its labels match) from a pretrained"
          + " encoder file, or from RUN_DIR/pretrain/encoder.safetensors that --pretrain-epochs writes"
          + " (the tiny preset's stand-in for M3D-CLIP's pretrained encoder; see docs/demo.md).")
  Path visionInit;

  @Option(names = "--llm", paramLabel = "DIR", description = "Pretrained language model: a Hugging Face Llama directory"
      + " (the paper preset's Asclepius-Llama3-8B), or a Scribe3D run's model directory, e.g. models/tiny-lm (the tiny"
      + " preset's vocabulary then also holds that model's tokens).")
  Path llm;

  @Option(names = "--dtype", defaultValue = "float32", paramLabel = "float32|float16",
      description = "Weight dtype (default float32); float16 only with GPU --devices (bfloat16: unsupported by DJL 0.36).")
  String dtype;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (epochs < 1 || batch < 1 || accumulation < 1 || keep < 1) {
      throw new CliExit("--epochs, --batch, --accumulation and --keep must be at least 1", 2);
    }
    if (!(warmup >= 0 && warmup <= 1)) {
      throw new CliExit("--warmup must be in [0, 1], got " + warmup, 2);
    }
    if (!schedule.equals(LrSchedule.COSINE) && !schedule.equals(LrSchedule.CONSTANT)) {
      throw new CliExit("--schedule must be " + LrSchedule.COSINE + " or " + LrSchedule.CONSTANT + ", got '" + schedule
          + "'", 2);
    }
    String stem = visionStem == null ? null : visionStem.toLowerCase(Locale.ROOT);
    if (stem != null && !stem.equals(ViTConfig.PATCH_STEM) && !stem.equals(ViTConfig.CONV_STEM)) {
      throw new CliExit("--vision-stem must be patch or conv, got '" + visionStem + "'", 2);
    }
    if (ViTConfig.CONV_STEM.equals(stem) && (!preset.equalsIgnoreCase("tiny") || modelConfig != null)) {
      throw new CliExit("--vision-stem conv applies to the tiny preset only (the paper's encoder is M3D-CLIP's;"
          + " a --model-config states its own stem)", 2);
    }
    TrainRun.Options o = new TrainRun.Options();
    o.preset = preset.toLowerCase(Locale.ROOT);
    o.visionStem = stem;
    o.data = data;
    o.out = out;
    o.resume = resume;
    o.devices = devices;
    o.cacheDir = cache;
    o.pipeline = pipeline;
    o.augment = !noAugment;
    o.blind = blind;
    o.findingLoss = findingLoss;
    o.boxLoss = boxLoss;
    o.pretrainEpochs = pretrainEpochs;
    o.visionInit = visionInit;
    o.freezeVision = freezeVision;
    o.standardizeTokens = standardizeTokens;
    o.findingToken = findingToken;
    o.tokenNoise = tokenNoise;
    o.imageDropout = imageDropout;
    o.trueHints = trueHints;
    o.packing = !noPacking;
    o.findingHints = findingHints;
    o.llm = llm;
    o.modelConfig = modelConfig;
    o.valSamples = valSamples;
    o.dtype = parseDtype(dtype);
    o.train.epochs(epochs).maxSteps(maxSteps).maxMinutes(minutes).microBatch(batch).accumulation(accumulation)
        .lr(lr != null ? lr : o.preset.equals("tiny") ? 1e-3 : 1e-5).warmupFraction(warmup).schedule(schedule)
        .weightDecay(weightDecay).maxGradNorm(maxGradNorm).seed(seed).checkpointEvery(checkpointEvery).keepLast(keep)
        .validateEvery(validateEvery).groupSamples(!ungrouped);
    if (threads != null) {
      o.train.threads(threads);
    }
    try {
      TrainRun.checkDtype(o.dtype, TrainRun.parseDevices(devices)); // fail before the data set is read
    } catch (IllegalArgumentException e) {
      throw new CliExit(e.getMessage(), 2);
    }
    PrintStream err = System.err;
    TrainRun.Outcome r;
    try {
      r = TrainRun.run(o, err, Progress.stderrIsTty());
    } catch (DatasetException | IllegalArgumentException | IllegalStateException e) {
      throw new CliExit(e.getMessage(), 1);
    }
    Trainer.Result t = r.result();
    spec.commandLine().getOut().printf(Locale.ROOT,
        "trained %d of %d steps (from step %d) in %.1f s%s; last loss %.4f; model: %s%n", t.steps(), t.totalSteps(),
        t.startStep(), t.seconds(), t.stoppedByTimeLimit() ? " (time limit)" : "", t.lastLoss(), r.modelDir());
    spec.commandLine().getOut().flush();
    return 0;
  }

  static DataType parseDtype(String s) {
    return switch (s.toLowerCase(Locale.ROOT)) {
      case "float32", "fp32" -> DataType.FLOAT32;
      case "float16", "fp16", "half" -> DataType.FLOAT16;
      case "bfloat16", "bf16" -> DataType.BFLOAT16; // refused by TrainRun.checkDtype with the reason
      default -> throw new CliExit("--dtype must be float32 or float16, got '" + s + "'", 2);
    };
  }
}

package org.scribe3d.infer;

import static org.scribe3d.eval.InvalidSettingException.literal;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import ai.djl.ndarray.types.DataType;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.scribe3d.data.Dataset;
import org.scribe3d.data.DatasetException;
import org.scribe3d.data.DatasetLoader;
import org.scribe3d.data.Split;
import org.scribe3d.eval.EvalResult;
import org.scribe3d.eval.Evaluation;
import org.scribe3d.eval.InvalidSettingException;
import org.scribe3d.recipe.Decoding;

/**
 * Evaluating a trained run: the predictions of a split are first generated from the run into
 * OUT/predictions.jsonl (OUT defaults to RUN/eval), then scored by {@link Evaluation} like any
 * predictions file. eval.json records the run and the decoding settings in its inputs.
 */
public final class RunEvaluation {
  private RunEvaluation() {}

  /**
   * How the predictions are generated.
   *
   * @param run the trained run directory, or any model directory {@link RunPredictor#openModel} reads (a released
   *     M3D-LaMed model for a zero-shot baseline)
   * @param weights language-model weights in memory for a released model (FLOAT32 or FLOAT16)
   * @param threads torch intra-op threads, or null for all cores
   * @param batch prompts decoded together (at least 1)
   * @param blind zero the image embeddings (blind control; runs trained blind are detected without it)
   * @param decoding how reports and answers are decoded (a run's recipe records the one it is evaluated with)
   */
  public record Settings(Path run, DataType weights, Integer threads, int batch, boolean blind, Decoding decoding) {
    public Settings {
      Objects.requireNonNull(run, "run");
      weights = weights == null ? DataType.FLOAT32 : weights;
      decoding = decoding == null ? Decoding.DEFAULT : decoding;
    }

    /** Float32 weights. */
    public Settings(Path run, Integer threads, int batch, boolean blind, Decoding decoding) {
      this(run, DataType.FLOAT32, threads, batch, blind, decoding);
    }

    /** The decoding settings as eval.json's inputs record them, in order. */
    Map<String, Object> decodingInputs() {
      Map<String, Object> inputs = new LinkedHashMap<>();
      inputs.put("answer_mode", decoding.answerMode());
      inputs.put("report_samples", decoding.reportSamples());
      if (decoding.reportSamples() > 0) {
        inputs.put("temperature", decoding.temperature());
        inputs.put("top_p", decoding.topP());
        inputs.put("sample_seed", decoding.sampleSeed());
      }
      return inputs;
    }
  }

  /** Settings that decode as the run's recipe records: batch 32, blind only if the run is. */
  public static Settings ofRun(Path run, Integer threads) throws IOException {
    return new Settings(run, threads, 32, false, org.scribe3d.run.RunDirectory.of(run).readRecipe().decoding);
  }

  /**
   * Generates the predictions of {@code eval.split()} from the run, then scores them with
   * {@code eval} (its output directory defaulting to RUN/eval). The dataset, the split and any run to
   * compare with are checked before anything is generated. {@code log} receives notes and the
   * generation summary, {@code progress} the predictor's progress lines.
   */
  public static EvalResult evaluate(Settings run, Evaluation.Settings eval, PrintWriter log, PrintStream progress)
      throws IOException {
    Map<String, Object> generation = new LinkedHashMap<>();
    generation.put("run", run.run().toAbsolutePath().normalize().toString());
    if (run.weights() != DataType.FLOAT32) {
      generation.put("weights", run.weights().toString().toLowerCase(Locale.ROOT));
    }
    generation.putAll(run.decodingInputs());
    Evaluation.Settings s = eval.withOut(eval.out() != null ? eval.out() : run.run().resolve("eval"))
        .withGeneration(generation);
    Evaluation evaluation = Evaluation.open(s);
    if (!Files.isDirectory(run.run())) {
      throw InvalidSettingException.of("{run}: model directory " + literal(run.run()) + " does not exist");
    }
    if (run.batch() < 1) {
      throw InvalidSettingException.usage("{batch} must be at least 1, got " + run.batch());
    }
    if (run.threads() != null && run.threads() < 1) {
      throw InvalidSettingException.usage("{threads} must be at least 1, got " + run.threads());
    }
    Split split;
    Dataset ds;
    try {
      split = Split.parse(s.split());
    } catch (IllegalArgumentException e) {
      throw InvalidSettingException.usage("{split}: " + literal(e.getMessage()));
    }
    try {
      ds = DatasetLoader.load(s.data(), DatasetLoader.Options.defaults());
    } catch (DatasetException e) {
      throw new InvalidSettingException("{data}: " + literal(e.getMessage()), false, e);
    }
    Path file = s.outputDir(null).resolve("predictions.jsonl");
    RunPredictor.SplitResult r = predict(run, ds, split, file, progress);
    log.printf(Locale.ROOT, "generated %d report and %d VQA predictions for %d %s cases in %.1f s (preprocess %.1f s,"
            + " vision %.1f s, reports %.1f s, answers %.1f s; %d unparseable answers): %s%n", r.reportLines(),
        r.vqaLines(), r.cases(), s.split(), r.seconds(), r.preprocessSeconds(), r.visionSeconds(), r.reportSeconds(),
        r.answerSeconds(), r.unparseableAnswers(), file);
    log.flush();
    return evaluation.score(file, log);
  }

  /** The one place the run's predictor is opened: the split's predictions into {@code file}. */
  private static RunPredictor.SplitResult predict(Settings run, Dataset ds, Split split, Path file,
      PrintStream progress) throws IOException {
    RunPredictor.Options o = new RunPredictor.Options().threads(run.threads()).batch(run.batch()).blind(run.blind())
        .weights(run.weights()).log(progress);
    try (RunPredictor p = RunPredictor.openModel(run.run(), run.decoding(), o)) {
      return p.predictSplit(ds, split, file, progress);
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new InvalidSettingException("{run}: " + literal(e.getMessage()), false, e);
    }
  }
}

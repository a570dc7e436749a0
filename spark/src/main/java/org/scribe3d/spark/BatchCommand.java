package org.scribe3d.spark;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.SparkException;
import org.scribe3d.cli.CliExit;
import org.scribe3d.cli.DecodingOptions;
import org.scribe3d.cli.ErrorMessages;
import org.scribe3d.cli.GenerateCommand;
import org.scribe3d.cli.Main;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code scribe3d batch}: {@link BatchJob} from the command line, and the main class for {@code spark-submit}. The
 * decoding flags are {@code evaluate --run}'s ({@link DecodingOptions}), so a batch job decodes as an evaluation does.
 */
@Command(name = "scribe3d batch", mixinStandardHelpOptions = true,
    description = {"Predict a dataset split with a model on Apache Spark (embedded local[*] by default, or a cluster"
        + " via --master or spark-submit): OUT/predictions.jsonl (the format 'scribe3d evaluate --predictions' reads,"
        + " the lines 'evaluate --run' writes, sorted by case id), OUT/predictions.parquet, OUT/errors.jsonl (case id"
        + " and message of each case that failed, e.g. a missing or corrupt scan) and OUT/summary.json (done, skipped,"
        + " failed). Finished cases are kept in OUT/parts and skipped when the same command runs again.",
        "Exit status: 0 when every case has its predictions, 1 when any case failed (the others are written) or on an"
        + " error, 2 on a usage error."})
public final class BatchCommand implements Callable<Integer> {
  @Option(names = {"--model", "--run"}, required = true, paramLabel = "DIR",
      description = "Trained run (scribe3d train) or any model directory generate reads (a released M3D-LaMed model).")
  Path model;

  @Option(names = "--data", required = true, paramLabel = "DATASET",
      description = "AMOS-MM dataset.json (or its directory), a Scribe3D manifest (data-manifests/), or a CT-RATE"
          + " reports CSV (volumes under its directory's dataset/, or under --root).")
  Path data;

  @Option(names = "--root", paramLabel = "DIR",
      description = "Data root of a manifest, or the directory holding a CT-RATE CSV's dataset/ (default: its own).")
  Path root;

  @Option(names = "--out", required = true, paramLabel = "OUT", description = "Output directory.")
  Path out;

  @Option(names = "--split", defaultValue = "validation",
      description = "Split to predict: training, validation or test (default ${DEFAULT-VALUE}).")
  String split;

  @Option(names = "--master", paramLabel = "URL",
      description = "Spark master (default: spark-submit's, else an embedded local[*]).")
  String master;

  @Option(names = "--partitions", paramLabel = "N",
      description = "Partitions of the cases (default: four per core of the session, at most one per case).")
  Integer partitions;

  @Option(names = "--conf", paramLabel = "KEY=VALUE",
      description = "A Spark setting, e.g. --conf spark.ui.enabled=false (repeatable).")
  Map<String, String> conf = new LinkedHashMap<>();

  @Option(names = "--weights", paramLabel = "float32|float16", defaultValue = "float32",
      description = "Language-model weights in memory for a released model (default ${DEFAULT-VALUE}).")
  String weights;

  @Option(names = "--threads", description = "Torch intra-op threads per executor JVM (default: all its cores).")
  Integer threads;

  @Option(names = "--batch", defaultValue = "32", description = "Prompts decoded together (default ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--cases-per-chunk", defaultValue = "32", paramLabel = "N",
      description = "Cases of a partition preprocessed and predicted together (default ${DEFAULT-VALUE}).")
  int casesPerChunk;

  @Mixin DecodingOptions decoding;

  @Option(names = "--blind", description = "Zero the image embeddings (blind control; runs trained with image.blind"
      + " are detected from their recipe without this).")
  boolean blind;

  @Option(names = "--cache", paramLabel = "DIR", description = "Preprocessed-scan cache (default: scribe3d-preprocessed"
      + " under each executor's spark.local.dir, else its temporary directory).")
  Path cache;

  @Option(names = "--progress-every", defaultValue = "10", paramLabel = "SECONDS",
      description = "Seconds between progress lines (default ${DEFAULT-VALUE}).")
  double progressEvery;

  @Spec CommandSpec spec;

  public static void main(String[] args) {
    System.exit(Main.run(new BatchCommand(), args));
  }

  @Override
  public Integer call() throws IOException {
    if (batch < 1 || casesPerChunk < 1 || threads != null && threads < 1 || partitions != null && partitions < 1) {
      throw new CliExit("--batch, --cases-per-chunk, --threads and --partitions must be at least 1", 2);
    }
    PredictorSpec p = PredictorSpec.of(model, GenerateCommand.parseWeights(weights), threads, batch, casesPerChunk,
        blind, cache, decoding.over(DecodingOptions.recorded(model), null));
    BatchJob.Result r;
    try {
      r = BatchJob.run(new BatchJob.Settings(data, root, split, out, master, partitions, conf, p, progressEvery),
          System.err);
    } catch (IllegalArgumentException e) {
      throw new CliExit(e.getMessage(), 1);
    } catch (IOException e) {
      throw e;
    } catch (Exception e) { // Spark's Scala API throws its (checked) SparkException undeclared
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof SparkException) {
          throw new CliExit("the Spark job failed: " + ErrorMessages.describe(rootCause(e)), 1);
        }
      }
      throw e instanceof RuntimeException re ? re : new IllegalStateException(e);
    }
    PrintWriter stdout = spec.commandLine().getOut();
    stdout.printf(Locale.ROOT, "batch: %d cases: %d done, %d skipped, %d failed in %.1f s (Spark start %.1f s,"
            + " predictions %.1f s); wrote %s (%d lines), %s, %s, %s%n", r.cases(), r.done(), r.skipped(), r.failed(),
        r.seconds(), r.sparkStartSeconds(), r.predictSeconds(), r.out().resolve("predictions.jsonl"), r.lines(),
        r.out().resolve("predictions.parquet"), r.out().resolve("errors.jsonl"), r.out().resolve("summary.json"));
    stdout.flush();
    return r.failed() > 0 ? 1 : 0;
  }

  private static Throwable rootCause(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t;
  }
}

package org.scribe3d.spark;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.scribe3d.data.Case;
import org.scribe3d.data.CtRate;
import org.scribe3d.data.Dataset;
import org.scribe3d.data.DatasetException;
import org.scribe3d.data.DatasetLoader;
import org.scribe3d.data.RegionSplitter;
import org.scribe3d.data.Split;
import org.scribe3d.infer.RunPredictor;
import org.scribe3d.io.AtomicFiles;

/**
 * Batch inference on Spark: the cases of one split of a dataset become a DataFrame (one row per case with its
 * questions); each partition predicts its cases with the executor's model ({@link PredictorCache}: loaded once per
 * executor JVM) and writes each finished case to {@code OUT/parts/} at once; the driver then merges the parts, sorted
 * by case id, into {@code OUT/predictions.jsonl} (the format {@code scribe3d evaluate} reads, line for line what
 * {@code evaluate --run} writes for the same model and decoding) and {@code OUT/predictions.parquet}. Cases already in
 * the parts are skipped, so a killed or partly failed job is finished by running it again. A case that fails (missing
 * or corrupt scan) becomes a row of {@code OUT/errors.jsonl} and the others go on. {@code OUT/summary.json} counts
 * them.
 *
 * <p>{@code OUT}, the dataset's scans and the model directory are read and written by the executors with plain file
 * I/O, so on a cluster they must be on a filesystem every node mounts at the same path.
 */
public final class BatchJob {
  private BatchJob() {}

  private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().setPrettyPrinting().create();
  private static final Gson LINE = new GsonBuilder().disableHtmlEscaping().create();

  /**
   * @param data AMOS-MM dataset.json (or its directory), a Scribe3D manifest, or a CT-RATE reports CSV
   * @param root a manifest's data root, or a CT-RATE CSV's (the directory holding {@code dataset/}); null = its own
   * @param master Spark master, or null: spark-submit's, else an embedded {@code local[*]}
   * @param partitions partitions of the cases, or null for four per core of the session
   * @param conf further Spark settings (e.g. spark.ui.enabled=false)
   * @param progressSeconds seconds between progress lines
   */
  public record Settings(Path data, Path root, String split, Path out, String master, Integer partitions,
      Map<String, String> conf, PredictorSpec predictor, double progressSeconds) {}

  /**
   * What the job did.
   *
   * @param done cases predicted by this run
   * @param skipped cases already in OUT/parts when it started
   * @param failed cases that failed in this run (in OUT/errors.jsonl)
   * @param sparkStartSeconds creating the Spark session
   * @param predictSeconds the prediction stage (all partitions)
   * @param seconds the whole job, Spark start included
   */
  public record Result(int cases, int done, int skipped, int failed, int lines, double sparkStartSeconds,
      double predictSeconds, double seconds, Path out) {}

  /** What one case of a partition came to, sent back to the driver. */
  record Outcome(String caseId, String error, int lines) implements Serializable {}

  /**
   * Runs the job in a Spark session it gets or creates (spark-submit's settings, {@code master} and {@code conf}
   * over them) and stops at the end.
   *
   * @throws IllegalArgumentException for bad input (dataset, split, model directory, an OUT of another job), with a
   *     message naming it
   */
  public static Result run(Settings s, PrintStream log) throws IOException {
    long t0 = System.nanoTime();
    Split split;
    try {
      split = Split.parse(s.split());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--split: " + e.getMessage(), e);
    }
    Dataset ds = load(s.data(), s.root());
    List<Case> cases = new ArrayList<>(ds.split(split));
    if (cases.isEmpty()) {
      throw new IllegalArgumentException(ds.source() + ": the " + split.key() + " split has no cases");
    }
    cases.sort(Comparator.comparing(Case::id));
    checkModel(Path.of(s.predictor().model()), log);

    Path out = s.out().toAbsolutePath().normalize();
    Files.createDirectories(out);
    checkJobFile(out, s, split);
    PartFiles parts = new PartFiles(out);
    parts.prepare();
    Set<String> already = parts.doneIds();
    List<Row> todo = new ArrayList<>();
    int skipped = 0;
    for (Case c : cases) {
      if (already.contains(c.id())) {
        skipped++;
      } else {
        todo.add(CaseRows.toRow(c));
      }
    }
    log.printf(Locale.ROOT, "batch: %d %s cases, %d already in %s, %d to predict%n", cases.size(), split.key(),
        skipped, parts.dir(), todo.size());

    long s0 = System.nanoTime();
    SparkSession spark = session(s);
    double sparkStart = (System.nanoTime() - s0) / 1e9;
    log.printf(Locale.ROOT, "batch: Spark %s, master %s, started in %.1f s%n", spark.version(),
        spark.sparkContext().master(), sparkStart);
    try {
      long p0 = System.nanoTime();
      List<Outcome> outcomes = predict(spark, s, out, todo, skipped, cases.size(), log);
      double predictSeconds = (System.nanoTime() - p0) / 1e9;
      outcomes.sort(Comparator.comparing(Outcome::caseId));
      int failed = (int) outcomes.stream().filter(o -> o.error() != null).count();
      int done = outcomes.size() - failed;

      List<String> errors = new ArrayList<>();
      for (Outcome o : outcomes) {
        if (o.error() != null) {
          JsonObject e = new JsonObject();
          e.addProperty("case_id", o.caseId());
          e.addProperty("error", o.error());
          errors.add(LINE.toJson(e));
        }
      }
      AtomicFiles.writeString(out.resolve("errors.jsonl"), joinLines(errors));
      List<String> lines = merge(parts, cases);
      AtomicFiles.writeString(out.resolve("predictions.jsonl"), joinLines(lines));
      writeParquet(spark, lines, out.resolve("predictions.parquet"));

      double seconds = (System.nanoTime() - t0) / 1e9;
      Result r = new Result(cases.size(), done, skipped, failed, lines.size(), sparkStart, predictSeconds, seconds, out);
      writeSummary(r, s, split, spark.sparkContext().master());
      return r;
    } finally {
      spark.stop();
    }
  }

  /** The dataset, with scans not required to exist (a missing scan fails only its case). */
  static Dataset load(Path data, Path root) {
    try {
      if (Files.isRegularFile(data) && data.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv")) {
        Path r = root != null ? root : data.toAbsolutePath().getParent();
        return CtRate.load(List.of(data), List.of(), r, RegionSplitter.WHOLE_AS_CHEST, false);
      }
      return DatasetLoader.load(data, new DatasetLoader.Options(false, root, null));
    } catch (DatasetException e) {
      throw new IllegalArgumentException("--data: " + e.getMessage(), e);
    }
  }

  /** A model directory the executors can open: checked on the driver without loading its weights. */
  private static void checkModel(Path model, PrintStream log) throws IOException {
    if (!Files.isDirectory(model)) {
      throw new IllegalArgumentException("--model: model directory " + model + " does not exist");
    }
    try {
      RunPredictor.inputPipeline(model, log);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--model: " + e.getMessage(), e);
    }
  }

  /**
   * OUT/job.json records what the parts were predicted with; a rerun must ask for the same (model, data, split,
   * decoding), or it would mix two jobs' predictions in one file.
   */
  private static void checkJobFile(Path out, Settings s, Split split) throws IOException {
    PredictorSpec p = s.predictor();
    JsonObject job = new JsonObject();
    job.addProperty("model", p.model());
    job.addProperty("data", s.data().toAbsolutePath().normalize().toString());
    job.addProperty("split", split.key());
    job.addProperty("weights", p.weights());
    job.addProperty("blind", p.blind());
    JsonObject d = new JsonObject();
    d.addProperty("answer_mode", p.answerMode());
    d.addProperty("report_samples", p.reportSamples());
    d.addProperty("temperature", p.temperature());
    d.addProperty("top_p", p.topP());
    d.addProperty("sample_seed", p.sampleSeed());
    d.addProperty("report_max_new_tokens", p.reportMaxNewTokens());
    d.addProperty("answer_max_new_tokens", p.answerMaxNewTokens());
    job.add("decoding", d);
    Path file = out.resolve("job.json");
    if (Files.isRegularFile(file)) {
      JsonElement before;
      try {
        before = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8));
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(file + ": unreadable (" + e.getMessage() + "); remove it with "
            + out.resolve("parts"), e);
      }
      if (!before.equals(job)) {
        throw new IllegalArgumentException(out + " holds predictions of another job (" + file + " differs: model,"
            + " data, split or decoding); give a new --out or remove " + file + " and " + out.resolve("parts"));
      }
      return;
    }
    AtomicFiles.writeString(file, GSON.toJson(job) + "\n");
  }

  private static SparkSession session(Settings s) {
    SparkConf conf = new SparkConf(); // takes spark-submit's spark.* settings (system properties)
    if (s.master() != null) {
      conf.setMaster(s.master());
    } else if (!conf.contains("spark.master")) {
      conf.setMaster("local[*]");
    }
    conf.setIfMissing("spark.app.name", "scribe3d batch");
    s.conf().forEach(conf::set);
    return SparkSession.builder().config(conf).getOrCreate();
  }

  /** The prediction stage, with a progress line from the parts on disk every few seconds. */
  private static List<Outcome> predict(SparkSession spark, Settings s, Path out, List<Row> todo, int skipped,
      int total, PrintStream log) throws IOException {
    if (todo.isEmpty()) {
      return new ArrayList<>();
    }
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    int n = s.partitions() != null ? s.partitions() : Math.max(1, 4 * jsc.defaultParallelism());
    n = Math.max(1, Math.min(n, todo.size()));
    // the DataFrame of cases: one row per case with its questions
    org.apache.spark.sql.Dataset<Row> df = spark.createDataFrame(todo, CaseRows.SCHEMA);
    JavaRDD<Row> rows = df.javaRDD().repartition(n);
    Progress progress = new Progress(new PartFiles(out), skipped, todo.size(), total, s.progressSeconds(), log);
    progress.start();
    try {
      return new ArrayList<>(rows.mapPartitions(new PredictPartition(s.predictor(), out.toString())).collect());
    } finally {
      progress.finish();
    }
  }

  /** One partition on an executor: its cases through the executor's model, chunk by chunk, each written at once. */
  static final class PredictPartition implements FlatMapFunction<Iterator<Row>, Outcome> {
    private final PredictorSpec spec;
    private final String out;

    PredictPartition(PredictorSpec spec, String out) {
      this.spec = spec;
      this.out = out;
    }

    @Override
    public Iterator<Outcome> call(Iterator<Row> it) throws IOException {
      List<Case> cases = new ArrayList<>();
      it.forEachRemaining(r -> cases.add(CaseRows.toCase(r)));
      PartFiles parts = new PartFiles(Path.of(out));
      List<Outcome> result = new ArrayList<>();
      for (int from = 0; from < cases.size(); from += spec.casesPerChunk()) {
        List<Case> chunk = cases.subList(from, Math.min(cases.size(), from + spec.casesPerChunk()));
        List<RunPredictor.CasePredictions> preds = PredictorCache.with(spec, p -> p.predictCases(chunk));
        for (RunPredictor.CasePredictions c : preds) {
          if (c.failed()) {
            parts.writeFailed(c.caseId(), c.error());
            result.add(new Outcome(c.caseId(), c.error(), 0));
          } else {
            parts.writeDone(c.caseId(), c.lines());
            result.add(new Outcome(c.caseId(), null, c.lines().size()));
          }
        }
      }
      return result.iterator();
    }
  }

  /** Every finished case's lines, cases sorted by id, each case's lines in request order. */
  private static List<String> merge(PartFiles parts, List<Case> sortedCases) throws IOException {
    Set<String> done = parts.doneIds();
    List<String> lines = new ArrayList<>();
    for (Case c : sortedCases) {
      if (done.contains(c.id())) {
        lines.addAll(parts.lines(c.id()));
      }
    }
    return lines;
  }

  static final StructType PREDICTION = DataTypes.createStructType(new StructField[] {
    DataTypes.createStructField("case_id", DataTypes.StringType, false),
    DataTypes.createStructField("region", DataTypes.StringType, true),
    DataTypes.createStructField("question_index", DataTypes.IntegerType, true),
    DataTypes.createStructField("type", DataTypes.StringType, true),
    DataTypes.createStructField("prediction", DataTypes.StringType, false),
    DataTypes.createStructField("reference", DataTypes.StringType, true),
    DataTypes.createStructField("answer", DataTypes.StringType, true),
    DataTypes.createStructField("hint", DataTypes.StringType, true)});

  /** The same lines as a Parquet table, one column per field of the format (null where a kind has none). */
  private static void writeParquet(SparkSession spark, List<String> lines, Path dir) {
    List<Row> rows = new ArrayList<>();
    for (String l : lines) {
      JsonObject o = JsonParser.parseString(l).getAsJsonObject();
      rows.add(RowFactory.create(str(o, "case_id"), str(o, "region"),
          o.has("question_index") ? o.get("question_index").getAsInt() : null, str(o, "type"), str(o, "prediction"),
          str(o, "reference"), str(o, "answer"), str(o, "hint")));
    }
    spark.createDataFrame(rows, PREDICTION).coalesce(1).write().mode(SaveMode.Overwrite).parquet(dir.toString());
  }

  private static String str(JsonObject o, String key) {
    return o.has(key) && !o.get(key).isJsonNull() ? o.get(key).getAsString() : null;
  }

  private static void writeSummary(Result r, Settings s, Split split, String master) throws IOException {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cases", r.cases());
    m.put("done", r.done());
    m.put("skipped", r.skipped());
    m.put("failed", r.failed());
    m.put("lines", r.lines());
    m.put("split", split.key());
    m.put("model", s.predictor().model());
    m.put("data", s.data().toAbsolutePath().normalize().toString());
    m.put("master", master);
    m.put("spark_start_seconds", round(r.sparkStartSeconds()));
    m.put("predict_seconds", round(r.predictSeconds()));
    m.put("seconds", round(r.seconds()));
    m.put("cases_per_minute", r.predictSeconds() > 0 ? round((r.done() + r.failed()) * 60.0 / r.predictSeconds()) : 0);
    AtomicFiles.writeString(r.out().resolve("summary.json"), GSON.toJson(m) + "\n");
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }

  private static String joinLines(List<String> lines) {
    StringBuilder sb = new StringBuilder();
    for (String l : lines) {
      sb.append(l).append('\n');
    }
    return sb.toString();
  }

  /** The driver's progress line: cases finished (from the parts on disk), rate and ETA. */
  private static final class Progress {
    private final PartFiles parts;
    private final int skipped;
    private final int todo;
    private final int total;
    private final long everyNanos;
    private final PrintStream log;
    private final long t0 = System.nanoTime();
    private Thread thread;
    private volatile boolean stop;

    Progress(PartFiles parts, int skipped, int todo, int total, double seconds, PrintStream log) {
      this.parts = parts;
      this.skipped = skipped;
      this.todo = todo;
      this.total = total;
      this.everyNanos = (long) (Math.max(0.1, seconds) * 1e9);
      this.log = log;
    }

    void start() {
      thread = new Thread(() -> {
        while (!stop) {
          try {
            Thread.sleep(everyNanos / 1_000_000);
          } catch (InterruptedException e) {
            return;
          }
          if (!stop) {
            print();
          }
        }
      }, "scribe3d-batch-progress");
      thread.setDaemon(true);
      thread.start();
    }

    void finish() {
      stop = true;
      thread.interrupt();
      print();
    }

    private void print() {
      int[] c;
      try {
        c = parts.counts();
      } catch (IOException e) {
        return; // a listing that fails now is retried at the next line
      }
      int done = Math.max(0, c[0] - skipped);
      int finished = done + c[1];
      double sec = (System.nanoTime() - t0) / 1e9;
      double rate = finished / Math.max(sec, 1e-9) * 60;
      String eta = finished == 0 ? "?" : String.format(Locale.ROOT, "%.0f s", sec / finished * (todo - finished));
      log.printf(Locale.ROOT, "batch: %d/%d cases done, %d failed (%d of %d in all), %.1f cases/min, %.0f s, ETA %s%n",
          done, todo, c[1], c[0], total, rate, sec, eta);
      log.flush();
    }
  }
}

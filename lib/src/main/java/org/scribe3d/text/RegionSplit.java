package org.scribe3d.text;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.scribe3d.data.DatasetException;
import org.scribe3d.data.Region;
import org.scribe3d.io.AtomicFiles;
import org.scribe3d.io.Csv;

/**
 * The paper's CT-RATE region split: every sentence of a reports CSV's findings column classified as
 * chest, abdomen, pelvis or unknown ({@link RegionClassifier}), optionally written as one JSON object
 * per sentence (for reviewing the split) and as an AMOS-MM-like dataset JSON holding, per volume, the
 * findings text of each region (what {@code scribe3d regions --csv} does).
 *
 * <pre>{@code
 * RegionSplit.Result r = RegionSplit.run(csv, RegionSplit.Settings.defaults(), sentencesJsonl, manifestJson, null);
 * r.sentences().get(0).region();   // Region.CHEST, or null for unknown
 * }</pre>
 *
 * <p>Both files are written atomically; problems with the inputs ({@link DatasetException}) are reported
 * before anything is written.
 */
public final class RegionSplit {
  /** The CT-RATE column holding the findings text. */
  public static final String DEFAULT_COLUMN = "Findings_EN";

  private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

  private RegionSplit() {}

  /**
   * How to split.
   *
   * @param column the CSV column holding the report text
   * @param unknownTo the region unknown sentences are added to in the manifest, or null to drop them
   */
  public record Settings(String column, Region unknownTo) {
    /** The findings column, unknown sentences dropped. */
    public static Settings defaults() {
      return new Settings(DEFAULT_COLUMN, null);
    }

    public Settings withColumn(String c) {
      return new Settings(c, unknownTo);
    }

    public Settings withUnknownTo(Region r) {
      return new Settings(column, r);
    }

    /** How the manifest records it: "drop" or the region's key. */
    public String unknownKey() {
      return unknownTo == null ? "drop" : unknownTo.key();
    }
  }

  /**
   * One classified sentence.
   *
   * @param row the CSV data row (0 = the first after the header)
   * @param volume the row's VolumeName, or null when the CSV has no such column
   * @param region the region, or null for unknown
   * @param terms the anatomy terms that voted for a region, as written in the sentence
   */
  public record Sentence(int row, String volume, String sentence, Region region, List<String> terms) {
    public Sentence {
      terms = List.copyOf(terms);
    }

    /** "chest", "abdomen", "pelvis" or "unknown". */
    public String regionKey() {
      return region == null ? "unknown" : region.key();
    }

    /** The JSON line written for it: row, VolumeName (when known), sentence, region, terms. */
    public JsonObject toJson() {
      JsonObject o = new JsonObject();
      o.addProperty("row", row);
      if (volume != null) {
        o.addProperty("VolumeName", volume);
      }
      o.addProperty("sentence", sentence);
      o.addProperty("region", regionKey());
      o.add("terms", GSON.toJsonTree(terms));
      return o;
    }
  }

  /**
   * One volume of the manifest: its image path in CT-RATE's layout and its findings text per region
   * (the region's sentences in order, space-separated; "" for none).
   */
  public record Volume(String name, String image, Map<Region, String> findings) {
    public Volume {
      findings = Collections.unmodifiableMap(new EnumMap<>(findings));
    }

    /** "validation" for {@code valid_} volumes, else "training". */
    public String split() {
      return name.startsWith("valid") ? "validation" : "training";
    }
  }

  /**
   * What a split found.
   *
   * @param rows CSV data rows read
   * @param duplicates rows whose VolumeName repeats an earlier row's (the volumes keep the first report)
   * @param sentences every sentence, in CSV order
   * @param volumes one per distinct VolumeName, in first-seen order; empty without a VolumeName column
   */
  public record Result(Path csv, Settings settings, int rows, int duplicates, List<Sentence> sentences,
      List<Volume> volumes) {
    public Result {
      sentences = List.copyOf(sentences);
      volumes = List.copyOf(volumes);
    }

    /** Sentences per region, in the order chest, abdomen, pelvis, unknown. */
    public Map<String, Long> sentencesPerRegion() {
      Map<String, Long> out = new LinkedHashMap<>();
      for (Region r : Region.values()) {
        out.put(r.key(), 0L);
      }
      out.put("unknown", 0L);
      for (Sentence s : sentences) {
        out.merge(s.regionKey(), 1L, Long::sum);
      }
      return out;
    }

    /** "4 rows, 27 sentences: chest 15, abdomen 7, pelvis 3, unknown 2". */
    public String summary() {
      StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%d rows, %d sentences:", rows,
          sentences.size()));
      String sep = " ";
      for (Map.Entry<String, Long> e : sentencesPerRegion().entrySet()) {
        b.append(sep).append(e.getKey()).append(' ').append(e.getValue());
        sep = ", ";
      }
      return b.toString();
    }
  }

  /**
   * Reads and classifies a reports CSV, then writes what is asked for: {@code sentencesJsonl} (one JSON
   * object per sentence) and/or {@code manifestJson} (the per-volume findings as an AMOS-MM-like dataset
   * JSON; needs a VolumeName column). Either may be null (both null: nothing is written). The output
   * directories must exist.
   *
   * @param progress where a progress line goes every 5 s on a large file, or null
   * @throws DatasetException for a missing or malformed CSV, a missing column or output directory
   */
  public static Result run(Path csv, Settings settings, Path sentencesJsonl, Path manifestJson, PrintStream progress)
      throws IOException {
    checkOutputDir(sentencesJsonl);
    checkOutputDir(manifestJson);
    Result r = split(csv, settings, manifestJson != null, progress);
    if (sentencesJsonl != null) {
      writeSentences(r, sentencesJsonl);
    }
    if (manifestJson != null) {
      writeManifest(r, manifestJson);
    }
    return r;
  }

  /** Reads and classifies a reports CSV without writing anything; see {@link #run}. */
  public static Result split(Path csv, Settings settings) {
    return split(csv, settings, false, null);
  }

  private static Result split(Path csv, Settings settings, boolean needVolumes, PrintStream progress) {
    if (!Files.isRegularFile(csv)) {
      throw new DatasetException("reports CSV not found: " + csv);
    }
    Csv reports = Csv.read(csv); // malformed CSV: one "FILE:LINE: ..." error
    List<String> header = reports.header();
    int col = header.indexOf(settings.column());
    if (col < 0) {
      throw new DatasetException(csv + ": no column '" + settings.column() + "' (columns: "
          + String.join(", ", header) + ")");
    }
    int volCol = header.indexOf("VolumeName");
    if (needVolumes && volCol < 0) {
      throw new DatasetException(csv + ": a manifest needs a VolumeName column (columns: "
          + String.join(", ", header) + ")");
    }
    RegionClassifier classifier = new RegionClassifier();
    Map<String, Map<Region, StringBuilder>> byVolume = new LinkedHashMap<>();
    List<Sentence> sentences = new ArrayList<>();
    int rows = 0;
    int duplicates = 0;
    long t0 = System.nanoTime();
    long lastReport = t0;
    for (Csv.Row csvRow : reports.rows()) {
      List<String> rec = csvRow.fields();
      int row = rows++;
      String volume = volCol >= 0 ? rec.get(volCol) : null;
      Map<Region, StringBuilder> findings = null;
      if (volume != null) {
        if (byVolume.containsKey(volume)) {
          duplicates++; // keep the first report of a volume
        } else {
          findings = new EnumMap<>(Region.class);
          for (Region r : Region.values()) {
            findings.put(r, new StringBuilder());
          }
          byVolume.put(volume, findings);
        }
      }
      for (RegionClassifier.Result res : classifier.classifyText(rec.get(col))) {
        sentences.add(new Sentence(row, volume, res.sentence(), res.region(), regionTerms(res)));
        Region target = res.region() != null ? res.region() : settings.unknownTo();
        if (findings != null && target != null) {
          StringBuilder b = findings.get(target);
          if (b.length() > 0) {
            b.append(' ');
          }
          b.append(res.sentence());
        }
      }
      long now = System.nanoTime();
      if (progress != null && now - lastReport > 5_000_000_000L) {
        lastReport = now;
        progress.printf(Locale.ROOT, "regions: %d rows, %d sentences, %.0f rows/s%n", rows, sentences.size(),
            rows / ((now - t0) / 1e9));
      }
    }
    List<Volume> volumes = new ArrayList<>();
    byVolume.forEach((name, f) -> {
      Map<Region, String> text = new EnumMap<>(Region.class);
      f.forEach((r, b) -> text.put(r, b.toString()));
      volumes.add(new Volume(name, ctRateImagePath(name), text));
    });
    return new Result(csv, settings, rows, duplicates, sentences, volumes);
  }

  /** The anatomy terms of a classified sentence that voted for a region, as written. */
  public static List<String> regionTerms(RegionClassifier.Result r) {
    List<String> terms = new ArrayList<>();
    for (TermMatch t : r.terms()) {
      if (t.region() != null) {
        terms.add(t.text());
      }
    }
    return terms;
  }

  /** Writes one JSON object per sentence, atomically. */
  public static void writeSentences(Result r, Path file) throws IOException {
    checkOutputDir(file);
    try (AtomicFiles.Pending pending = AtomicFiles.begin(file)) {
      try (Writer w = pending.writer()) {
        for (Sentence s : r.sentences()) {
          w.write(GSON.toJson(s.toJson()));
          w.write('\n');
        }
      }
      pending.commit();
    }
  }

  /**
   * Writes the AMOS-MM-like dataset JSON, atomically: {@code training} and {@code validation} items with
   * {@code image}, {@code VolumeName} and {@code labels.report.findings.<region>}, no questions.
   */
  public static void writeManifest(Result r, Path file) throws IOException {
    checkOutputDir(file);
    JsonObject root = new JsonObject();
    root.addProperty("name", "CT-RATE (region split by scribe3d regions)");
    root.addProperty("source", r.csv().getFileName().toString());
    root.addProperty("column", r.settings().column());
    root.addProperty("unknown_sentences", r.settings().unknownKey());
    JsonArray training = new JsonArray();
    JsonArray validation = new JsonArray();
    for (Volume v : r.volumes()) {
      JsonObject o = new JsonObject();
      o.addProperty("image", v.image());
      o.addProperty("VolumeName", v.name());
      JsonObject findings = new JsonObject();
      for (Region reg : Region.values()) {
        findings.addProperty(reg.key(), v.findings().get(reg));
      }
      JsonObject report = new JsonObject();
      report.add("findings", findings);
      JsonObject labels = new JsonObject();
      labels.add("report", report);
      labels.add("qa", new JsonArray());
      o.add("labels", labels);
      (v.split().equals("validation") ? validation : training).add(o);
    }
    root.add("training", training);
    root.add("validation", validation);
    try (AtomicFiles.Pending pending = AtomicFiles.begin(file)) {
      try (BufferedWriter w = pending.writer()) {
        new GsonBuilder().disableHtmlEscaping().setPrettyPrinting().create().toJson(root, w);
        w.write('\n');
      }
      pending.commit();
    }
  }

  /**
   * CT-RATE layout: {@code train_1_a_1.nii.gz} lives in {@code dataset/train/train_1/train_1_a/}.
   * Names that do not follow the pattern are kept as they are.
   */
  public static String ctRateImagePath(String volume) {
    String[] p = volume.split("_");
    if (p.length >= 4 && (p[0].equals("train") || p[0].equals("valid"))) {
      String patient = p[0] + "_" + p[1];
      String scan = patient + "_" + p[2];
      return "dataset/" + p[0] + "/" + patient + "/" + scan + "/" + volume;
    }
    return volume;
  }

  private static void checkOutputDir(Path target) {
    if (target == null) {
      return;
    }
    Path dir = target.toAbsolutePath().getParent();
    if (dir != null && !Files.isDirectory(dir)) {
      throw new DatasetException("output directory does not exist: " + dir);
    }
  }
}

package org.scribe3d.phantom;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.scribe3d.data.Finding;
import org.scribe3d.data.Question;
import org.scribe3d.data.Region;
import org.scribe3d.io.AtomicFiles;
import org.scribe3d.nifti.NiftiDatatype;
import org.scribe3d.nifti.NiftiWriter;
import org.scribe3d.phantom.report.QuestionWriter;
import org.scribe3d.phantom.report.ReportWriter;

/**
 * Writes a phantom benchmark in the AMOS-MM layout: {@code imagesTr/}, {@code imagesVa/} (int16 HU
 * NIfTI), {@code dataset.json} (reports per region and multiple-choice questions) and
 * {@code ground_truth.json} (the structured findings with the voxel probes that show them). The
 * output depends only on (cases, seed, validation fraction, size): no time stamps, ordered JSON.
 */
public final class PhantomDataset {
  private PhantomDataset() {}

  /** Per-case progress for the caller (the CLI prints it). */
  public interface Listener {
    void caseDone(int index, int total, String id, String split, PhantomCase c);
  }

  /** Generation times in ms, per case in order. */
  public record Summary(int training, int validation, long[] generationMillis, long totalMillis) {}

  public static String caseId(int index) {
    return String.format("phantom_%04d", index + 1);
  }

  public static Summary write(Path out, int cases, long seed, double valFraction, SizePreset size,
      Listener listener) throws IOException {
    return write(out, cases, seed, valFraction, size, null, listener);
  }

  /**
   * As {@link #write(Path, int, long, double, SizePreset, Listener)}, but case i gets exactly the
   * finding types {@code forced.get(i)} (tests use it to cover every finding type).
   */
  public static Summary write(Path out, int cases, long seed, double valFraction, SizePreset size,
      List<List<org.scribe3d.data.FindingType>> forced, Listener listener) throws IOException {
    if (forced != null && forced.size() != cases) {
      throw new IllegalArgumentException("forced finding lists: " + forced.size() + " for " + cases + " cases");
    }
    if (cases < 1) {
      throw new IllegalArgumentException("--cases must be at least 1");
    }
    if (!(valFraction >= 0 && valFraction < 1)) {
      throw new IllegalArgumentException("--val-fraction must be in [0, 1), got " + valFraction);
    }
    long t0 = System.nanoTime();
    int nVal = (int) Math.round(cases * valFraction);
    if (valFraction > 0 && nVal == 0 && cases > 1) {
      nVal = 1;
    }
    int nTrain = cases - nVal;
    JsonArray training = new JsonArray();
    JsonArray validation = new JsonArray();
    JsonArray truth = new JsonArray();
    long[] times = new long[cases];
    // a fixed share of normal cases (17 %, at least one of six or more), chosen by the seed
    java.util.Set<Integer> normal = new java.util.HashSet<>();
    List<Integer> order = new java.util.ArrayList<>();
    for (int i = 0; i < cases; i++) {
      order.add(i);
    }
    java.util.Collections.shuffle(order, new Random(Seeds.mix(seed, 3_000_000L)));
    int nNormal = (int) Math.round(cases * PhantomGenerator.NORMAL_FRACTION);
    normal.addAll(order.subList(0, Math.min(cases, nNormal)));
    ExecutorService io = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "phantom-writer");
      t.setDaemon(true);
      return t;
    });
    try {
      Future<?> pending = null;
      for (int i = 0; i < cases; i++) {
        boolean val = i >= nTrain;
        String id = caseId(i);
        String folder = val ? "imagesVa" : "imagesTr";
        String rel = "./" + folder + "/" + id + ".nii.gz";
        PhantomCase c = PhantomGenerator.generate(seed, i, size, forced == null ? null : forced.get(i),
            normal.contains(i));
        times[i] = c.generationMillis;
        List<Finding> findings = c.findings();
        Map<Region, String> report = ReportWriter.write(findings, new Random(Seeds.mix(seed, 1_000_000L + i)));
        List<Question> qa = QuestionWriter.write(findings, new Random(Seeds.mix(seed, 2_000_000L + i)));
        (val ? validation : training).add(item(rel, report, qa));
        truth.add(truthCase(id, val ? "validation" : "training", rel, c));
        // compress and write this image while the next one is generated
        if (pending != null) {
          await(pending);
        }
        Path img = out.resolve(folder).resolve(id + ".nii.gz");
        pending = io.submit(() -> {
          NiftiWriter.write(img, c.hu, c.grid.nx, c.grid.ny, c.grid.nz, c.grid.affine(), NiftiDatatype.INT16);
          return null;
        });
        if (listener != null) {
          listener.caseDone(i, cases, id, val ? "validation" : "training", c);
        }
      }
      if (pending != null) {
        await(pending);
      }
    } finally {
      io.shutdownNow();
    }
    JsonObject ds = new JsonObject();
    ds.addProperty("name", "Scribe3D phantom CT benchmark");
    ds.addProperty("description", "Procedural chest-abdomen-pelvis CT phantoms with per-region findings"
        + " reports and multiple-choice questions, in the AMOS-MM 2024 layout.");
    ds.addProperty("licence", "Apache-2.0 (generated data)");
    ds.addProperty("tensorImageSize", "3D");
    JsonObject modality = new JsonObject();
    modality.addProperty("0", "CT");
    ds.add("modality", modality);
    ds.addProperty("seed", seed);
    ds.addProperty("size", size.key());
    ds.addProperty("numTraining", nTrain);
    ds.addProperty("numValidation", nVal);
    ds.add("training", training);
    ds.add("validation", validation);
    JsonObject gt = new JsonObject();
    gt.addProperty("format", "scribe3d-phantom-ground-truth/1");
    gt.addProperty("seed", seed);
    gt.addProperty("size", size.key());
    gt.addProperty("coordinates", "world = RAS+ millimetres through each image's affine; voxel = [i, j, k]"
        + " indices in storage order");
    gt.add("cases", truth);
    var gson = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().serializeNulls().create();
    AtomicFiles.writeString(out.resolve("dataset.json"), gson.toJson(ds) + "\n");
    AtomicFiles.writeString(out.resolve("ground_truth.json"), gson.toJson(gt) + "\n");
    return new Summary(nTrain, nVal, times, (System.nanoTime() - t0) / 1_000_000);
  }

  private static void await(Future<?> f) throws IOException {
    try {
      f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while writing images", e);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw new IOException(e.getCause().getMessage(), e.getCause());
    }
  }

  private static JsonObject item(String image, Map<Region, String> report, List<Question> qa) {
    JsonObject findings = new JsonObject();
    for (Region r : Region.values()) {
      findings.addProperty(r.key(), report.getOrDefault(r, ""));
    }
    JsonObject rep = new JsonObject();
    rep.add("findings", findings);
    JsonArray qs = new JsonArray();
    for (Question q : qa) {
      JsonObject o = new JsonObject();
      o.addProperty("question", q.question());
      JsonObject opts = new JsonObject();
      for (String letter : List.of("A", "B", "C", "D")) {
        opts.addProperty(letter, q.options().get(letter));
      }
      o.add("options", opts);
      o.addProperty("answer", q.answer());
      o.addProperty("type", q.type());
      qs.add(o);
    }
    JsonObject labels = new JsonObject();
    labels.add("report", rep);
    labels.add("qa", qs);
    JsonObject it = new JsonObject();
    it.addProperty("image", image);
    it.add("labels", labels);
    return it;
  }

  private static JsonObject truthCase(String id, String split, String image, PhantomCase c) {
    Grid g = c.grid;
    JsonObject o = new JsonObject();
    o.addProperty("id", id);
    o.addProperty("split", split);
    o.addProperty("image", image);
    o.add("shape", ints(g.nx, g.ny, g.nz));
    o.add("spacing_mm", nums(g.sx(), g.sy(), g.sz()));
    o.addProperty("orientation", g.orientation);
    JsonArray aff = new JsonArray();
    for (double[] row : g.affine()) {
      aff.add(nums(row));
    }
    o.add("affine", aff);
    o.addProperty("noise_sigma_hu", round(c.noiseSigma, 2));
    o.addProperty("normal", c.findings.isEmpty());
    JsonArray fs = new JsonArray();
    for (PhantomFinding f : c.findings) {
      JsonObject j = new JsonObject();
      j.addProperty("type", f.type.key());
      j.addProperty("region", f.type.region().key());
      j.addProperty("organ", f.type.organ());
      j.addProperty("side", f.side);
      if (f.statedSizeMm == null) {
        j.add("size_mm", JsonNull.INSTANCE);
      } else {
        j.addProperty("size_mm", f.statedSizeMm);
      }
      j.addProperty("severity", f.severity);
      j.addProperty("location", f.location);
      j.addProperty("rendered_size_mm", f.renderedSizeMm);
      JsonArray ins = new JsonArray();
      for (PhantomFinding.Instance in : f.instances) {
        ins.add(instance(g, c.offset, in));
      }
      j.add("instances", ins);
      fs.add(j);
    }
    o.add("findings", fs);
    return o;
  }

  private static JsonObject instance(Grid g, double[] off, PhantomFinding.Instance in) {
    JsonObject o = new JsonObject();
    o.addProperty("shape", in.shape);
    if (in.probeVoxel != null) {
      o.add("centre_voxel", ints(in.probeVoxel));
      o.add("centre_world", world(g, in.probeVoxel));
      o.addProperty("probe_radius_mm", round(in.probeRadiusMm, 3));
      o.addProperty("probe_voxels", in.probeCount);
    }
    if (in.semiAxes != null && !"organ".equals(in.shape)) {
      o.add("semi_axes_mm", nums(in.semiAxes));
    }
    if ("sphere".equals(in.shape)) {
      o.addProperty("diameter_mm", round(2 * in.semiAxes[0], 3));
      addFinite(o, "measured_diameter_x_mm", in.measuredSpanMm);
    }
    if (in.spanAxis >= 0) {
      JsonObject sp = new JsonObject();
      sp.addProperty("axis", "xyz".substring(in.spanAxis, in.spanAxis + 1));
      sp.add("from_world", nums(add(in.spanFromBody, off)));
      sp.add("to_world", nums(add(in.spanToBody, off)));
      sp.addProperty("length_mm", round(in.spanMm, 3));
      addFinite(sp, "measured_mm", in.measuredSpanMm);
      o.add("span", sp);
      o.addProperty("organ_tissue", in.organ.key);
    }
    if (in.surroundVoxel != null) {
      JsonObject s = new JsonObject();
      s.addProperty("tissue", in.surroundTissue);
      s.add("centre_voxel", ints(in.surroundVoxel));
      s.add("centre_world", world(g, in.surroundVoxel));
      s.addProperty("radius_mm", round(in.surroundRadiusMm, 3));
      s.addProperty("voxels", in.surroundCount);
      o.add("surround", s);
    }
    if (in.bboxMin != null) {
      JsonArray bb = new JsonArray();
      bb.add(ints(in.bboxMin));
      bb.add(ints(in.bboxMax));
      o.add("bbox_voxel", bb);
      o.add("extent_mm", nums((in.bboxMax[0] - in.bboxMin[0] + 1) * g.sx(),
          (in.bboxMax[1] - in.bboxMin[1] + 1) * g.sy(), (in.bboxMax[2] - in.bboxMin[2] + 1) * g.sz()));
      o.addProperty("voxel_count", in.voxelCount);
    }
    return o;
  }

  /** JSON has no NaN: an unmeasured value is written as null. */
  private static void addFinite(JsonObject o, String key, double v) {
    if (Double.isFinite(v)) {
      o.addProperty(key, round(v, 3));
    } else {
      o.add(key, JsonNull.INSTANCE);
    }
  }

  private static double[] add(double[] a, double[] b) {
    return new double[] {a[0] + b[0], a[1] + b[1], a[2] + b[2]};
  }

  private static JsonArray world(Grid g, int[] v) {
    return nums(g.x(v[0]), g.y(v[1]), g.z(v[2]));
  }

  private static JsonArray ints(int... v) {
    JsonArray a = new JsonArray();
    for (int x : v) {
      a.add(x);
    }
    return a;
  }

  private static JsonArray nums(double... v) {
    JsonArray a = new JsonArray();
    for (double x : v) {
      a.add(round(x, 4));
    }
    return a;
  }

  private static double round(double v, int places) {
    if (!Double.isFinite(v)) {
      return v;
    }
    double f = StrictMath.pow(10, places);
    double r = Math.rint(v * f) / f;
    return r == 0 ? 0.0 : r; // no "-0.0"
  }
}

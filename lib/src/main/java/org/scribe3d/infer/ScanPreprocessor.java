package org.scribe3d.infer;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.scribe3d.data.VolumeCache;
import org.scribe3d.io.Npy;
import org.scribe3d.model.multimodal.M3dLamed;
import org.scribe3d.model.multimodal.MultimodalConfig;
import org.scribe3d.model.multimodal.MultimodalModel;
import org.scribe3d.recipe.Recipe;
import org.scribe3d.run.RunDirectory;
import com.google.gson.JsonElement;
import org.scribe3d.volume.Pipeline;
import org.scribe3d.volume.Volume;
import org.scribe3d.volume.VolumeIO;

/**
 * A run's preprocessing as generation applies it: the deterministic steps of the pipeline the run trained
 * with (recorded in its recipe as data.pipeline; augmentation dropped), or, for a run that does not record one, the
 * default inference pipeline at the model's input size. The pipeline must end with a resize to that size.
 * Scans can go through an on-disk {@link VolumeCache} (e.g. the training cache, whose entries are keyed by
 * the same deterministic steps). Keeps the time spent preprocessing. Not thread-safe.
 */
final class ScanPreprocessor {
  private final Pipeline pipeline;
  private final boolean recorded;
  private final int[] dhw;
  private final VolumeCache cache;
  private double seconds;

  /** The distinct scans of a list of image paths, preprocessed once each, and which one each entry is. */
  record Scans(int[] imageOf, List<float[]> volumes) {}

  /**
   * The run's preprocessing for a model input of D×H×W {@code dhw}; a run without a recorded pipeline gets
   * the defaults, with a note on {@code log}.
   *
   * @param recipe the run's recorded recipe, or null for a directory without one
   * @param cacheDir an on-disk cache of preprocessed volumes to reuse and fill, or null
   * @throws IllegalArgumentException if the recorded pipeline is unreadable or does not end at the model input size
   */
  ScanPreprocessor(RunDirectory run, Recipe recipe, int[] dhw, Path cacheDir, PrintStream log) throws IOException {
    this.dhw = dhw.clone();
    String source = run.recipe() + " data.pipeline";
    JsonElement given = recipe == null ? null : recipe.data.pipeline;
    if (given != null && (given.isJsonArray() || given.isJsonObject())) {
      this.pipeline = deterministic(Pipeline.parse(given.toString(), source));
      this.recorded = true;
    } else {
      this.pipeline = Pipeline.defaults(dhw, null, true, true);
      this.recorded = false;
      log.println("note: " + run.dir() + " records no preprocessing pipeline (" + run.recipe().getFileName()
          + " data.pipeline): preprocessing with"
          + " the defaults (reorient, normalize, crop foreground, resize to " + fmt(dhw) + ")");
    }
    checkSize(pipeline, dhw, recorded ? source : "default pipeline");
    this.cache = cacheDir == null ? null : new VolumeCache(cacheDir, pipeline.toJson(), this::preprocessUncached);
  }

  /**
   * A released model's preprocessing: {@code pipeline} (which must end with a resize to {@code dhw}) for NIfTI
   * scans; {@code .npy} inputs are taken as already preprocessed.
   */
  ScanPreprocessor(Pipeline pipeline, int[] dhw, Path cacheDir) throws IOException {
    this.dhw = dhw.clone();
    this.pipeline = pipeline;
    this.recorded = true;
    checkSize(pipeline, dhw, "the model's pipeline");
    this.cache = cacheDir == null ? null : new VolumeCache(cacheDir, pipeline.toJson(), this::preprocessUncached);
  }

  /**
   * The preprocessing of a model directory without loading its weights: M3D's data preparation for a released
   * M3D-LaMed directory, the recorded pipeline for a Scribe3D run (the defaults, with a note, when none is recorded).
   */
  static ScanPreprocessor forModel(Path dir, Path cacheDir, PrintStream log) throws IOException {
    if (M3dLamed.isLamed(dir)) {
      MultimodalConfig cfg = M3dLamed.config(dir, -1);
      int[] dhw = {cfg.vision().depth(), cfg.vision().height(), cfg.vision().width()};
      return new ScanPreprocessor(Pipeline.defaults(dhw, null, true, true), dhw, cacheDir);
    }
    RunDirectory run = RunDirectory.of(dir);
    Path config = run.model().resolve(MultimodalModel.CONFIG_FILE);
    if (!Files.isRegularFile(config)) {
      throw new IllegalArgumentException(dir + " is neither an M3D-LaMed directory nor a trained run (no " + config
          + ")");
    }
    MultimodalConfig cfg = MultimodalConfig.load(config);
    int[] dhw = {cfg.vision().depth(), cfg.vision().height(), cfg.vision().width()};
    return new ScanPreprocessor(run, Files.isRegularFile(run.recipe()) ? run.readRecipe() : null, dhw, cacheDir, log);
  }

  /** The model input size D, H, W. */
  int[] inputSize() {
    return dhw.clone();
  }

  /** The deterministic preprocessing applied to every scan. */
  Pipeline pipeline() {
    return pipeline;
  }

  /** False when the run records no pipeline and the default one is used. */
  boolean recorded() {
    return recorded;
  }

  /** Seconds spent in {@link #preprocess} so far. */
  double seconds() {
    return seconds;
  }

  /** A scan as the model's input: D×H×W floats (W fastest), deterministic preprocessing only. */
  float[] preprocess(Path image) throws IOException {
    long t = System.nanoTime();
    try {
      if (isNpy(image)) {
        return preprocessed(image, dhw);
      }
      return cache != null ? cache.get(image) : preprocessUncached(image);
    } finally {
      seconds += (System.nanoTime() - t) / 1e9;
    }
  }

  /** The distinct files among {@code images} (by normalised absolute path), each preprocessed once. */
  Scans distinct(List<Path> images) throws IOException {
    Map<Path, Integer> index = new LinkedHashMap<>();
    int[] imageOf = new int[images.size()];
    for (int i = 0; i < images.size(); i++) {
      imageOf[i] = index.computeIfAbsent(images.get(i).toAbsolutePath().normalize(), k -> index.size());
    }
    List<float[]> volumes = new ArrayList<>();
    for (Path p : index.keySet()) {
      volumes.add(preprocess(p));
    }
    return new Scans(imageOf, volumes);
  }

  private float[] preprocessUncached(Path image) throws IOException {
    if (!Files.isRegularFile(image)) {
      throw new IOException("image " + image + (Files.exists(image) ? " is not a regular file" : " does not exist"));
    }
    Volume v;
    try {
      v = VolumeIO.load(image);
    } catch (IOException e) {
      String msg = e.getMessage() == null ? e.toString() : e.getMessage();
      throw new IOException(msg.contains(image.getFileName().toString()) ? msg : image + ": " + msg, e);
    }
    try {
      v = pipeline.apply(v, image.toString(), null, true);
    } catch (IllegalArgumentException e) {
      throw new IOException(e.getMessage(), e);
    }
    if (v.nz() != dhw[0] || v.ny() != dhw[1] || v.nx() != dhw[2]) {
      throw new IOException(image + ": preprocessing gave " + v.nz() + "×" + v.ny() + "×" + v.nx()
          + ", the model takes " + fmt(dhw));
    }
    return v.voxels();
  }

  /** Whether a path names a NumPy array (an already preprocessed scan) rather than a NIfTI file. */
  static boolean isNpy(Path image) {
    return image.getFileName() != null && image.getFileName().toString().toLowerCase(java.util.Locale.ROOT)
        .endsWith(".npy");
  }

  /**
   * An already preprocessed scan, as M3D's quick start feeds its model: float32 1×D×H×W (or D×H×W) in [0, 1] at
   * the model's input size.
   */
  static float[] preprocessed(Path image, int[] dhw) throws IOException {
    if (!Files.isRegularFile(image)) {
      throw new IOException("image " + image + (Files.exists(image) ? " is not a regular file" : " does not exist"));
    }
    Npy.Array a = Npy.read(image);
    long[] s = a.shape();
    long[] want = {dhw[0], dhw[1], dhw[2]};
    long[] dims = s.length == 4 && s[0] == 1 ? Arrays.copyOfRange(s, 1, 4) : s;
    if (!Arrays.equals(dims, want)) {
      throw new IOException(image + ": array of shape " + Arrays.toString(s) + ", the model takes 1×" + fmt(dhw)
          + " (a preprocessed scan, values in [0, 1])");
    }
    float[] v = a.data();
    for (int i = 0; i < v.length; i++) {
      if (!(v[i] >= 0f && v[i] <= 1f)) {
        throw new IOException(image + ": value " + v[i] + " at index " + i + " is " + (Float.isNaN(v[i]) ? "NaN"
            : "outside [0, 1]") + "; a preprocessed scan is min-max normalised to [0, 1]");
      }
    }
    return v;
  }

  /** The pipeline without its augmentation steps. */
  static Pipeline deterministic(Pipeline p) {
    List<Pipeline.Step> keep = new ArrayList<>();
    for (Pipeline.Step s : p.steps()) {
      if (!(s instanceof Pipeline.Rot90 || s instanceof Pipeline.Flip || s instanceof Pipeline.ScaleIntensity
          || s instanceof Pipeline.ShiftIntensity)) {
        keep.add(s);
      }
    }
    return new Pipeline(keep);
  }

  /** The pipeline must end at a fixed size equal to the model input (a crop after the resize would not). */
  private static void checkSize(Pipeline p, int[] dhw, String source) {
    int[] size = null;
    for (Pipeline.Step s : p.steps()) {
      if (s instanceof Pipeline.Resize r) {
        size = new int[] {r.d(), r.h(), r.w()};
      } else if (s instanceof Pipeline.CropForeground) {
        size = null;
      }
    }
    if (size == null) {
      throw new IllegalArgumentException(source + ": the pipeline does not end with a resize to the model input "
          + fmt(dhw));
    }
    if (!Arrays.equals(size, dhw)) {
      throw new IllegalArgumentException(source + ": the pipeline resizes to " + fmt(size) + " but the model takes "
          + fmt(dhw));
    }
  }

  static String fmt(int[] s) {
    return s[0] + "×" + s[1] + "×" + s[2];
  }
}

package org.scribe3d.volume;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * A preprocessing pipeline configured as data, shared by training and inference. JSON form: a list
 * of steps, e.g.
 *
 * <pre>
 * [{"op":"reorient"}, {"op":"clip","lo":-1000,"hi":1000}, {"op":"normalize"},
 *  {"op":"cropForeground"}, {"op":"resize","size":[32,256,256]},
 *  {"op":"rot90","p":0.5}, {"op":"flip","axis":"D","p":0.1}, {"op":"flip","axis":"H","p":0.1},
 *  {"op":"flip","axis":"W","p":0.1}, {"op":"scaleIntensity","factor":0.1,"p":0.5},
 *  {"op":"shiftIntensity","offset":0.1,"p":0.5}]
 * </pre>
 *
 * Steps: {@code reorient} (closest canonical RAS, nibabel's as_closest_canonical),
 * {@code rescale} (slope, intercept: to Hounsfield units when the scaling is kept outside the
 * header, e.g. CT-RATE metadata; header scl_slope/scl_inter are always applied on load),
 * {@code clip} (lo, hi), {@code normalize} (min-max to [0,1], constant → 0), {@code cropForeground}
 * (MONAI CropForeground, voxels &gt; 0), {@code resize} (size [D,H,W], torch trilinear,
 * align_corners=False). Training augmentations (applied only when a random generator is given, as
 * M3D's training transforms): {@code rot90} (k ∈ {1,2,3} quarter turns in the H/W plane, MONAI
 * RandRotate90), {@code flip} (axis D, H or W), {@code scaleIntensity} (× (1 + u), u uniform in
 * ±factor), {@code shiftIntensity} (+ u, u uniform in ±offset), each with probability p.
 *
 * <p>The default (M3D's data preparation) normalises <em>before</em> cropping the foreground, so
 * the crop removes the image-minimum border (air / padding) — the voxels that normalise to 0.
 *
 * <p>Reorientation only permutes and flips axes, which commutes with the pointwise steps, the crop
 * and the resize; the runner therefore applies it after them, on the small resized tensor
 * (results equal the literal order up to float rounding). Likewise a normalize directly followed by
 * a resize takes the min/max of the full volume but is applied to the resized tensor (linear
 * interpolation commutes with an affine intensity map).
 */
public final class Pipeline {
  /** One step; see the class comment for the JSON names. */
  public sealed interface Step permits Reorient, Rescale, Clip, Normalize, CropForeground, Resize, Rot90,
      Flip, ScaleIntensity, ShiftIntensity {}

  public record Reorient() implements Step {}

  public record Rescale(double slope, double intercept) implements Step {}

  public record Clip(double lo, double hi) implements Step {}

  public record Normalize() implements Step {}

  public record CropForeground() implements Step {}

  /** Target size D×H×W. */
  public record Resize(int d, int h, int w) implements Step {}

  public record Rot90(double p) implements Step {}

  /** axis: 0 = D, 1 = H, 2 = W. */
  public record Flip(int axis, double p) implements Step {}

  public record ScaleIntensity(double factor, double p) implements Step {}

  public record ShiftIntensity(double offset, double p) implements Step {}

  public static final int[] DEFAULT_SIZE = {32, 256, 256};

  private final List<Step> steps;

  public Pipeline(List<Step> steps) {
    this.steps = List.copyOf(steps);
  }

  public List<Step> steps() {
    return steps;
  }

  /**
   * The inference pipeline of the CLI: [reorient], [clip window], normalize, [cropForeground],
   * resize.
   *
   * @param window {lo, hi} or null
   */
  public static Pipeline defaults(int[] size, double[] window, boolean crop, boolean reorient) {
    List<Step> s = new ArrayList<>();
    if (reorient) {
      s.add(new Reorient());
    }
    if (window != null) {
      s.add(new Clip(window[0], window[1]));
    }
    s.add(new Normalize());
    if (crop) {
      s.add(new CropForeground());
    }
    s.add(new Resize(size[0], size[1], size[2]));
    return new Pipeline(s);
  }

  /** The defaults followed by M3D's training augmentations. */
  public static Pipeline training(int[] size, double[] window) {
    List<Step> s = new ArrayList<>(defaults(size, window, true, true).steps);
    s.add(new Rot90(0.5));
    s.add(new Flip(0, 0.1));
    s.add(new Flip(1, 0.1));
    s.add(new Flip(2, 0.1));
    s.add(new ScaleIntensity(0.1, 0.5));
    s.add(new ShiftIntensity(0.1, 0.5));
    return new Pipeline(s);
  }

  /** Inference: augmentation steps are skipped. */
  public Volume apply(Volume v, String source) {
    return apply(v, source, null, false);
  }

  /**
   * Runs the steps.
   *
   * @param source names the input in error messages
   * @param rng random generator for the augmentations (null: skip them, as at inference)
   * @param owned true when the caller hands over v, so its voxel array may be overwritten
   */
  public Volume apply(Volume v, String source, Random rng, boolean owned) {
    Transforms.requireFinite(v, source);
    Transforms.Reorientation pending = null;
    float[] deferredNormalize = null; // {min, max} of a normalize applied after the next resize
    for (int si = 0; si < steps.size(); si++) {
      Step step = steps.get(si);
      if (pending != null && isAugmentation(step)) {
        v = Transforms.permuteFlip(v, pending.srcAxis(), pending.flip());
        pending = null;
        owned = true;
      }
      if (step instanceof Reorient r) {
        if (pending == null) {
          int[][] ornt = Orientation.ioOrientation(v.affine());
          if (!Orientation.isCanonical(ornt)) {
            try {
              pending = Transforms.Reorientation.of(ornt);
            } catch (IllegalArgumentException e) {
              throw new IllegalArgumentException(source + ": " + e.getMessage());
            }
          }
        }
      } else if (step instanceof Rescale r) {
        v = Transforms.rescale(v, r.slope(), r.intercept(), owned);
        owned = true;
      } else if (step instanceof Clip c) {
        v = Transforms.clip(v, c.lo(), c.hi(), owned);
        owned = true;
      } else if (step instanceof Normalize n) {
        if (si + 1 < steps.size() && steps.get(si + 1) instanceof Resize) {
          // linear interpolation commutes with x -> (x - min) / (max - min): normalise the small
          // resized tensor instead of the full volume (saves a full read-write pass)
          deferredNormalize = Transforms.minMax(v.voxels());
        } else {
          v = Transforms.normalize(v, owned);
          owned = true;
        }
      } else if (step instanceof CropForeground c) {
        Volume cropped = Transforms.cropForeground(v);
        owned |= cropped != v;
        v = cropped;
      } else if (step instanceof Resize r) {
        // target is D×H×W of the canonical image; map it to the current storage axes
        int[] canon = {r.w(), r.h(), r.d()}; // storage order x, y, z
        int[] stored = canon;
        if (pending != null) {
          stored = new int[3];
          for (int a = 0; a < 3; a++) {
            stored[a] = canon[pending.outAxisOf(a)];
          }
        }
        v = Transforms.resize(v, stored[2], stored[1], stored[0]);
        owned = true;
        if (deferredNormalize != null) {
          v = Transforms.normalizeWith(v, deferredNormalize[0], deferredNormalize[1], true);
          deferredNormalize = null;
        }
      } else if (step instanceof Rot90 r) {
        if (rng != null && rng.nextDouble() < r.p()) {
          v = Transforms.rot90(v, 1 + rng.nextInt(3));
        }
      } else if (step instanceof Flip f) {
        if (rng != null && rng.nextDouble() < f.p()) {
          v = Transforms.flip(v, f.axis());
        }
      } else if (step instanceof ScaleIntensity s) {
        if (rng != null && rng.nextDouble() < s.p()) {
          v = Transforms.scaleIntensity(v, uniform(rng, s.factor()), owned);
          owned = true;
        }
      } else if (step instanceof ShiftIntensity s) {
        if (rng != null && rng.nextDouble() < s.p()) {
          v = Transforms.shiftIntensity(v, uniform(rng, s.offset()), owned);
          owned = true;
        }
      }
    }
    if (pending != null) {
      v = Transforms.permuteFlip(v, pending.srcAxis(), pending.flip());
    }
    return v;
  }

  private static double uniform(Random rng, double half) {
    return (rng.nextDouble() * 2 - 1) * half;
  }

  private static boolean isAugmentation(Step s) {
    return s instanceof Rot90 || s instanceof Flip || s instanceof ScaleIntensity || s instanceof ShiftIntensity;
  }

  // ---------------------------------------------------------------- JSON

  /** Reads a pipeline from a JSON file (a list of steps, or {"steps": [...]}). */
  public static Pipeline load(Path file) throws IOException {
    String text;
    try {
      text = Files.readString(file);
    } catch (java.nio.file.NoSuchFileException e) {
      throw new IOException(file + ": no such file");
    }
    return parse(text, file.toString());
  }

  /** Parses the JSON form; errors name the source and the step. */
  public static Pipeline parse(String json, String source) {
    JsonElement root;
    try {
      root = JsonParser.parseString(json);
    } catch (JsonParseException e) {
      throw new IllegalArgumentException(source + ": not valid JSON (" + e.getMessage() + ")");
    }
    if (root.isJsonObject() && root.getAsJsonObject().has("steps")) {
      root = root.getAsJsonObject().get("steps");
    }
    if (!root.isJsonArray()) {
      throw new IllegalArgumentException(source + ": a pipeline is a JSON list of steps like {\"op\":\"normalize\"}");
    }
    List<Step> steps = new ArrayList<>();
    JsonArray arr = root.getAsJsonArray();
    for (int i = 0; i < arr.size(); i++) {
      String where = source + ": step " + (i + 1);
      if (!arr.get(i).isJsonObject()) {
        throw new IllegalArgumentException(where + " is not an object");
      }
      steps.add(parseStep(arr.get(i).getAsJsonObject(), where));
    }
    return new Pipeline(steps);
  }

  private static Step parseStep(JsonObject o, String where) {
    if (!o.has("op") || !o.get("op").isJsonPrimitive()) {
      throw new IllegalArgumentException(where + " has no \"op\"");
    }
    String op = o.get("op").getAsString();
    where = where + " (" + op + ")";
    return switch (op) {
      case "reorient" -> {
        keys(o, where);
        yield new Reorient();
      }
      case "rescale" -> {
        keys(o, where, "slope", "intercept");
        yield new Rescale(num(o, "slope", where, 1), num(o, "intercept", where, 0));
      }
      case "clip", "window" -> {
        keys(o, where, "lo", "hi");
        double lo = num(o, "lo", where, Double.NaN);
        double hi = num(o, "hi", where, Double.NaN);
        if (!(lo < hi)) {
          throw new IllegalArgumentException(where + ": needs lo < hi, got " + lo + ", " + hi);
        }
        yield new Clip(lo, hi);
      }
      case "normalize" -> {
        keys(o, where);
        yield new Normalize();
      }
      case "cropForeground" -> {
        keys(o, where);
        yield new CropForeground();
      }
      case "resize" -> {
        keys(o, where, "size");
        if (!o.has("size") || !o.get("size").isJsonArray() || o.getAsJsonArray("size").size() != 3) {
          throw new IllegalArgumentException(where + ": needs \"size\": [D, H, W]");
        }
        int[] s = new int[3];
        for (int k = 0; k < 3; k++) {
          double x = o.getAsJsonArray("size").get(k).getAsDouble();
          if (x < 1 || x != Math.rint(x) || x > 65535) {
            throw new IllegalArgumentException(where + ": size entries must be integers 1..65535, got " + x);
          }
          s[k] = (int) x;
        }
        yield new Resize(s[0], s[1], s[2]);
      }
      case "rot90" -> {
        keys(o, where, "p");
        yield new Rot90(prob(o, where));
      }
      case "flip" -> {
        keys(o, where, "axis", "p");
        if (!o.has("axis")) {
          throw new IllegalArgumentException(where + ": needs \"axis\": \"D\", \"H\" or \"W\" (or 0, 1, 2)");
        }
        String a = o.get("axis").getAsString();
        int axis = switch (a) {
          case "D", "d", "0" -> 0;
          case "H", "h", "1" -> 1;
          case "W", "w", "2" -> 2;
          default -> throw new IllegalArgumentException(where + ": axis must be D, H or W, got " + a);
        };
        yield new Flip(axis, prob(o, where));
      }
      case "scaleIntensity" -> {
        keys(o, where, "factor", "p");
        yield new ScaleIntensity(num(o, "factor", where, 0.1), prob(o, where));
      }
      case "shiftIntensity" -> {
        keys(o, where, "offset", "p");
        yield new ShiftIntensity(num(o, "offset", where, 0.1), prob(o, where));
      }
      default -> throw new IllegalArgumentException(where + ": unknown op '" + op + "' (known: reorient, "
          + "rescale, clip, normalize, cropForeground, resize, rot90, flip, scaleIntensity, shiftIntensity)");
    };
  }

  private static void keys(JsonObject o, String where, String... allowed) {
    Set<String> ok = Set.of(allowed);
    for (String k : o.keySet()) {
      if (!k.equals("op") && !ok.contains(k)) {
        throw new IllegalArgumentException(where + ": unknown field '" + k + "'");
      }
    }
  }

  private static double num(JsonObject o, String key, String where, double dflt) {
    if (!o.has(key)) {
      if (Double.isNaN(dflt)) {
        throw new IllegalArgumentException(where + ": needs \"" + key + "\"");
      }
      return dflt;
    }
    try {
      double x = o.get(key).getAsDouble();
      if (!Double.isFinite(x)) {
        throw new NumberFormatException();
      }
      return x;
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(where + ": \"" + key + "\" must be a finite number");
    }
  }

  private static double prob(JsonObject o, String where) {
    double p = num(o, "p", where, 1.0);
    if (p < 0 || p > 1) {
      throw new IllegalArgumentException(where + ": p must be in [0, 1], got " + p);
    }
    return p;
  }

  /** The JSON form of this pipeline (round-trips through {@link #parse}). */
  public String toJson() {
    JsonArray arr = new JsonArray();
    for (Step s : steps) {
      JsonObject o = new JsonObject();
      if (s instanceof Reorient r) {
        o.addProperty("op", "reorient");
      } else if (s instanceof Rescale r) {
        o.addProperty("op", "rescale");
        o.addProperty("slope", r.slope());
        o.addProperty("intercept", r.intercept());
      } else if (s instanceof Clip c) {
        o.addProperty("op", "clip");
        o.addProperty("lo", c.lo());
        o.addProperty("hi", c.hi());
      } else if (s instanceof Normalize n) {
        o.addProperty("op", "normalize");
      } else if (s instanceof CropForeground c) {
        o.addProperty("op", "cropForeground");
      } else if (s instanceof Resize r) {
        o.addProperty("op", "resize");
        JsonArray size = new JsonArray();
        size.add(r.d());
        size.add(r.h());
        size.add(r.w());
        o.add("size", size);
      } else if (s instanceof Rot90 r) {
        o.addProperty("op", "rot90");
        o.addProperty("p", r.p());
      } else if (s instanceof Flip f) {
        o.addProperty("op", "flip");
        o.addProperty("axis", "DHW".substring(f.axis(), f.axis() + 1));
        o.addProperty("p", f.p());
      } else if (s instanceof ScaleIntensity si) {
        o.addProperty("op", "scaleIntensity");
        o.addProperty("factor", si.factor());
        o.addProperty("p", si.p());
      } else if (s instanceof ShiftIntensity si) {
        o.addProperty("op", "shiftIntensity");
        o.addProperty("offset", si.offset());
        o.addProperty("p", si.p());
      }
      arr.add(o);
    }
    return arr.toString();
  }
}

package org.scribe3d.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.scribe3d.nifti.NiftiHeader;
import org.scribe3d.nifti.NiftiReader;
import org.scribe3d.volume.Orientation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code scribe3d nifti-info FILE [--json]}: header, geometry and value statistics of a NIfTI file. */
@Command(name = "nifti-info", mixinStandardHelpOptions = true,
    description = "Show a NIfTI file's shape, datatype, voxel sizes, affine, orientation, scaling and "
        + "value statistics (over all voxels and frames, after scl_slope/scl_inter).")
public final class NiftiInfoCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "FILE", description = "A .nii or .nii.gz file (NIfTI-1 or NIfTI-2).")
  Path file;

  @Option(names = "--json", description = "Print one JSON object (shape, datatype, zooms, affine, axcodes, "
      + "slope, inter, min, max, mean, sum).")
  boolean json;

  @Spec CommandSpec spec;

  /** Statistics of the scaled values; non-finite values are counted apart. */
  static final class Stats {
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    double sum;
    long count;
    long nonFinite;

    void add(float[] v, int n) {
      double s = 0;
      float lo = Float.POSITIVE_INFINITY;
      float hi = Float.NEGATIVE_INFINITY;
      int finite = 0;
      for (int i = 0; i < n; i++) {
        float x = v[i];
        if (Float.isFinite(x)) {
          s += x;
          lo = Math.min(lo, x);
          hi = Math.max(hi, x);
          finite++;
        }
      }
      sum += s;
      count += finite;
      nonFinite += n - finite;
      if (finite > 0) {
        min = Math.min(min, lo);
        max = Math.max(max, hi);
      }
    }
  }

  @Override
  public Integer call() throws Exception {
    Stats st = new Stats();
    NiftiHeader h = NiftiReader.scan(file, st::add);
    double[][] affine = h.affine();
    String axcodes = Orientation.axcodes(affine);
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(new GsonBuilder().serializeSpecialFloatingPointValues().create()
          .toJson(toJson(h, affine, axcodes, st)));
    } else {
      printSummary(out, h, affine, axcodes, st);
    }
    out.flush();
    return 0;
  }

  private JsonObject toJson(NiftiHeader h, double[][] affine, String axcodes, Stats st) {
    JsonObject o = new JsonObject();
    o.addProperty("file", file.toString());
    o.addProperty("format", "nifti" + h.version());
    JsonArray shape = new JsonArray();
    for (long d : h.shape()) {
      shape.add(d);
    }
    o.add("shape", shape);
    o.addProperty("datatype", h.datatype().label());
    JsonArray zooms = new JsonArray();
    for (double z : h.zooms()) {
      zooms.add(z);
    }
    o.add("zooms", zooms);
    JsonArray aff = new JsonArray();
    for (double[] row : affine) {
      JsonArray r = new JsonArray();
      for (double x : row) {
        r.add(x);
      }
      aff.add(r);
    }
    o.add("affine", aff);
    o.addProperty("affine_source", h.affineSource());
    o.addProperty("axcodes", axcodes);
    o.addProperty("slope", h.slope());
    o.addProperty("inter", h.inter());
    boolean any = st.count > 0;
    o.addProperty("min", any ? st.min : null);
    o.addProperty("max", any ? st.max : null);
    o.addProperty("mean", any ? st.sum / st.count : null);
    o.addProperty("sum", st.sum);
    o.addProperty("nonfinite", st.nonFinite);
    return o;
  }

  private void printSummary(PrintWriter out, NiftiHeader h, double[][] affine, String axcodes, Stats st) {
    StringBuilder shape = new StringBuilder();
    for (long d : h.shape()) {
      shape.append(shape.length() > 0 ? " x " : "").append(d);
    }
    StringBuilder zooms = new StringBuilder();
    for (double z : h.zooms()) {
      zooms.append(zooms.length() > 0 ? " x " : "").append(fmt(z));
    }
    out.printf(Locale.ROOT, "file         %s%n", file);
    out.printf(Locale.ROOT, "format       NIfTI-%d, %s%n", h.version(),
        h.byteOrder().toString().toLowerCase(Locale.ROOT).replace('_', '-'));
    out.printf(Locale.ROOT, "shape        %s  (%s)%n", shape, h.datatype().label());
    out.printf(Locale.ROOT, "voxel size   %s%n", zooms);
    out.printf(Locale.ROOT, "orientation  %s  (affine from %s; sform_code %d, qform_code %d)%n", axcodes,
        h.affineSource(), h.sformCode(), h.qformCode());
    for (int r = 0; r < 4; r++) {
      out.printf(Locale.ROOT, "%s [%10s %10s %10s %10s]%n", r == 0 ? "affine      " : "            ",
          fmt(affine[r][0]), fmt(affine[r][1]), fmt(affine[r][2]), fmt(affine[r][3]));
    }
    out.printf(Locale.ROOT, "scaling      %s%n", h.isScaled()
        ? "value = stored * " + fmt(h.slope()) + " + " + fmt(h.inter()) : "none");
    if (st.count > 0) {
      out.printf(Locale.ROOT, "values       min %s, max %s, mean %s, sum %s%n", fmt(st.min), fmt(st.max),
          fmt(st.sum / st.count), fmt(st.sum));
    }
    if (st.nonFinite > 0) {
      out.printf(Locale.ROOT, "non-finite   %d voxels are NaN or infinite%n", st.nonFinite);
    }
  }

  private static String fmt(double x) {
    if (x == Math.rint(x) && Math.abs(x) < 1e15) {
      return String.format(Locale.ROOT, "%d", (long) x);
    }
    return String.format(Locale.ROOT, "%.6g", x);
  }
}

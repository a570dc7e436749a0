package org.scribe3d.notebook;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.awt.Color;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Slice-view markers for the findings of one phantom case, read from the benchmark's
 * {@code ground_truth.json}: a box around each painted lesion (its voxel bounding box), or a point
 * at its centre where the file gives no box (enlarged organs, fluid). Markers are in world
 * millimetres (through the case's affine), so they stay on the finding after reorientation,
 * cropping and resizing, which all update the affine. Colours by region: chest red, abdomen amber,
 * pelvis cyan.
 */
public final class GroundTruthMarkers {
  private GroundTruthMarkers() {}

  static final Map<String, Color> REGION_COLOURS = Map.of(
      "chest", new Color(255, 64, 64), "abdomen", new Color(255, 176, 0), "pelvis", new Color(0, 200, 255));

  /** {@link #read} when the ground-truth file exists, else no markers (a dataset without a ground truth). */
  public static List<Marker> readIfPresent(Path groundTruthJson, String caseId) throws IOException {
    return Files.isRegularFile(groundTruthJson) ? read(groundTruthJson, caseId) : List.of();
  }

  /**
   * The marker a view should centre on: the first box (a focal lesion), else the first marker,
   * else none.
   */
  public static java.util.Optional<Marker> focus(List<Marker> markers) {
    return markers.stream().filter(m -> m.kind() == Marker.Kind.BOX).findFirst()
        .or(() -> markers.stream().findFirst());
  }

  /**
   * The voxel of {@code v} that orthogonal slices should pass through: the centre of the
   * {@link #focus} marker in that volume's grid (markers follow resampling, cropping and
   * reorientation through the affine), else the volume's centre.
   */
  public static int[] focusVoxel(List<Marker> markers, org.scribe3d.volume.Volume v) {
    return focus(markers).map(m -> m.centreVoxelIn(v)).orElse(new int[] {v.nx() / 2, v.ny() / 2, v.nz() / 2});
  }

  /** The markers of case {@code caseId}; an error names the file when the case or a field is missing. */
  public static List<Marker> read(Path groundTruthJson, String caseId) throws IOException {
    JsonObject root;
    try {
      root = JsonParser.parseString(Files.readString(groundTruthJson, StandardCharsets.UTF_8)).getAsJsonObject();
    } catch (JsonParseException | IllegalStateException e) {
      throw new IllegalArgumentException(groundTruthJson + ": not a JSON object: " + e.getMessage());
    }
    JsonArray cases = root.getAsJsonArray("cases");
    if (cases == null) {
      throw new IllegalArgumentException(groundTruthJson + ": no 'cases' array");
    }
    for (JsonElement el : cases) {
      JsonObject c = el.getAsJsonObject();
      if (c.has("id") && c.get("id").getAsString().equals(caseId)) {
        try {
          return fromCase(c);
        } catch (RuntimeException e) {
          throw new IllegalArgumentException(groundTruthJson + ": case " + caseId + ": " + e.getMessage(), e);
        }
      }
    }
    throw new IllegalArgumentException(groundTruthJson + ": no case '" + caseId + "'");
  }

  /** Markers of one case object of ground_truth.json. */
  static List<Marker> fromCase(JsonObject c) {
    double[][] affine = matrix(required(c, "affine").getAsJsonArray());
    List<Marker> out = new ArrayList<>();
    JsonArray findings = c.getAsJsonArray("findings");
    if (findings == null) {
      return out;
    }
    for (JsonElement fe : findings) {
      JsonObject f = fe.getAsJsonObject();
      String type = required(f, "type").getAsString();
      String region = required(f, "region").getAsString();
      String side = f.has("side") && !f.get("side").isJsonNull() ? f.get("side").getAsString() : null;
      String label = type.replace('_', ' ') + (side == null ? "" : " (" + side + ")");
      Color colour = REGION_COLOURS.getOrDefault(region.toLowerCase(Locale.ROOT), Color.MAGENTA);
      JsonArray instances = f.getAsJsonArray("instances");
      if (instances == null) {
        continue;
      }
      for (JsonElement ie : instances) {
        JsonObject in = ie.getAsJsonObject();
        if (in.has("bbox_voxel")) {
          JsonArray bb = in.getAsJsonArray("bbox_voxel");
          out.add(Marker.worldBox(toWorld(affine, vector(bb.get(0).getAsJsonArray())),
              toWorld(affine, vector(bb.get(1).getAsJsonArray())), label).withColor(colour));
        } else if (in.has("centre_voxel")) {
          double[] w = toWorld(affine, vector(in.getAsJsonArray("centre_voxel")));
          out.add(Marker.worldPoint(w[0], w[1], w[2], label).withColor(colour));
        }
      }
    }
    return out;
  }

  private static JsonElement required(JsonObject o, String field) {
    JsonElement e = o.get(field);
    if (e == null || e.isJsonNull()) {
      throw new IllegalArgumentException("missing field '" + field + "'");
    }
    return e;
  }

  static double[] toWorld(double[][] affine, double[] voxel) {
    double[] w = new double[3];
    for (int r = 0; r < 3; r++) {
      w[r] = affine[r][0] * voxel[0] + affine[r][1] * voxel[1] + affine[r][2] * voxel[2] + affine[r][3];
    }
    return w;
  }

  private static double[] vector(JsonArray a) {
    if (a.size() != 3) {
      throw new IllegalArgumentException("expected 3 voxel indices, got " + a);
    }
    return new double[] {a.get(0).getAsDouble(), a.get(1).getAsDouble(), a.get(2).getAsDouble()};
  }

  private static double[][] matrix(JsonArray rows) {
    if (rows.size() < 3) {
      throw new IllegalArgumentException("'affine' needs at least 3 rows of 4 numbers");
    }
    double[][] m = new double[4][4];
    m[3][3] = 1;
    for (int r = 0; r < 3; r++) {
      JsonArray row = rows.get(r).getAsJsonArray();
      if (row.size() != 4) {
        throw new IllegalArgumentException("'affine' row " + r + " has " + row.size() + " numbers, expected 4");
      }
      for (int k = 0; k < 4; k++) {
        m[r][k] = row.get(k).getAsDouble();
      }
    }
    return m;
  }
}

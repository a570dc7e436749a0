package org.scribe3d.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.scribe3d.io.Csv;

/**
 * Loader for CT-RATE: a reports CSV ({@code VolumeName, ClinicalInformation_EN, Technique_EN,
 * Findings_EN, Impressions_EN}), optionally a metadata CSV ({@code VolumeName, RescaleSlope,
 * RescaleIntercept, XYSpacing, ZSpacing}, ...) and the volumes under
 * {@code ROOT/dataset/{train,valid}/<patient>/<scan>/<recon>.nii.gz}, where "train_1_a_1.nii.gz" lives
 * in {@code dataset/train/train_1/train_1_a/}.
 */
public final class CtRate {
  private CtRate() {}

  public static final List<String> REPORT_COLUMNS = List.of("VolumeName", "ClinicalInformation_EN",
      "Technique_EN", "Findings_EN", "Impressions_EN");

  /**
   * @param root the directory that holds {@code dataset/}
   * @param metadataCsv may be null
   */
  public static Dataset load(List<Path> reportsCsvs, List<Path> metadataCsvs, Path root, RegionSplitter splitter,
      boolean checkImages) {
    Map<String, ImageMeta> meta = new HashMap<>();
    for (Path m : metadataCsvs) {
      meta.putAll(metadata(Csv.read(m)));
    }
    List<Case> cases = new ArrayList<>();
    Set<String> seen = new java.util.HashSet<>();
    for (Path reports : reportsCsvs) {
      Csv csv = Csv.read(reports);
      int name = csv.column("VolumeName");
      int findings = csv.column("Findings_EN");
      for (Csv.Row row : csv.rows()) {
        String vol = row.fields().get(name).strip();
        if (vol.isEmpty()) {
          throw new DatasetException(reports + ":" + row.line() + ": empty VolumeName");
        }
        if (!seen.add(vol)) {
          throw new DatasetException(reports + ":" + row.line() + ": duplicate VolumeName " + vol);
        }
        Path rel;
        try {
          rel = volumePath(vol);
        } catch (IllegalArgumentException e) {
          throw new DatasetException(reports + ":" + row.line() + ": " + e.getMessage());
        }
        Split split = vol.startsWith("valid") ? Split.VALIDATION : vol.startsWith("test") ? Split.TEST : Split.TRAIN;
        String text = row.fields().get(findings);
        cases.add(new Case(vol.replaceFirst("\\.nii(\\.gz)?$", ""), root.resolve(rel), splitter.split(text),
            List.of(), split, meta.getOrDefault(vol, ImageMeta.NONE)));
      }
    }
    if (checkImages) {
      MissingImagesException.check(reportsCsvs.size() == 1 ? reportsCsvs.get(0).toString() : "CT-RATE reports "
          + reportsCsvs, cases);
    }
    return new Dataset("CT-RATE", "ct-rate", reportsCsvs.isEmpty() ? root : reportsCsvs.get(0), cases);
  }

  /** "train_1_a_1.nii.gz" → dataset/train/train_1/train_1_a/train_1_a_1.nii.gz */
  public static Path volumePath(String volumeName) {
    String base = volumeName.replaceFirst("\\.nii(\\.gz)?$", "");
    String[] p = base.split("_");
    if (p.length != 4 || p[0].isEmpty() || p[1].isEmpty() || p[2].isEmpty() || p[3].isEmpty()) {
      throw new IllegalArgumentException("VolumeName '" + volumeName + "' is not <split>_<patient>_<scan>_<recon>"
          + ".nii.gz");
    }
    String file = volumeName.endsWith(".nii.gz") || volumeName.endsWith(".nii") ? volumeName : volumeName + ".nii.gz";
    String patient = p[0] + "_" + p[1];
    String scan = patient + "_" + p[2];
    return Path.of("dataset", p[0], patient, scan, file);
  }

  static Map<String, ImageMeta> metadata(Csv csv) {
    Map<String, ImageMeta> out = new HashMap<>();
    int name = csv.column("VolumeName");
    Integer slope = csv.has("RescaleSlope") ? csv.column("RescaleSlope") : null;
    Integer inter = csv.has("RescaleIntercept") ? csv.column("RescaleIntercept") : null;
    Integer xy = csv.has("XYSpacing") ? csv.column("XYSpacing") : null;
    Integer zsp = csv.has("ZSpacing") ? csv.column("ZSpacing") : null;
    for (Csv.Row r : csv.rows()) {
      String where = csv.file() + ":" + r.line();
      Double s = slope == null ? null : number(r.fields().get(slope), where, "RescaleSlope");
      Double i = inter == null ? null : number(r.fields().get(inter), where, "RescaleIntercept");
      double[] sp = null;
      if (xy != null && zsp != null) {
        double[] pair = numbers(r.fields().get(xy), where, "XYSpacing");
        Double z = number(r.fields().get(zsp), where, "ZSpacing");
        if (pair != null && z != null) {
          sp = new double[] {pair[0], pair.length > 1 ? pair[1] : pair[0], z};
        }
      }
      out.put(r.fields().get(name).strip(), new ImageMeta(s, i, sp));
    }
    return out;
  }

  private static Double number(String s, String where, String column) {
    String t = s.strip();
    if (t.isEmpty()) {
      return null;
    }
    try {
      return Double.parseDouble(t);
    } catch (NumberFormatException e) {
      throw new DatasetException(where + ": " + column + " is not a number: '" + t + "'");
    }
  }

  /** "[0.75, 0.75]" or "0.75" */
  private static double[] numbers(String s, String where, String column) {
    String t = s.strip().replace("[", "").replace("]", "").replace("(", "").replace(")", "");
    if (t.isEmpty()) {
      return null;
    }
    String[] parts = t.split("[,\\s]+");
    double[] v = new double[parts.length];
    for (int i = 0; i < parts.length; i++) {
      try {
        v[i] = Double.parseDouble(parts[i].toLowerCase(Locale.ROOT));
      } catch (NumberFormatException e) {
        throw new DatasetException(where + ": " + column + " is not a number list: '" + s.strip() + "'");
      }
    }
    return v;
  }
}

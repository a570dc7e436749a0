package org.scribe3d.notebook;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.scribe3d.model.multimodal.EncoderFile;
import org.scribe3d.model.multimodal.MultimodalConfig;
import org.scribe3d.model.multimodal.MultimodalModel;
import org.scribe3d.model.vision.ViTConfig;
import org.scribe3d.prompt.FindingHint;
import org.scribe3d.volume.Pipeline;
import org.scribe3d.volume.Volume;

/**
 * What the encoder's dense finding head says about one scan: for every token of the encoder's grid
 * (one patch of the preprocessed volume) and every dense label, the probability that the finding
 * lies in that patch ({@link MultimodalModel#denseFindingLogits} through a sigmoid, as the finding
 * hints read it). {@link #heatmap} brings one label back to the voxels of the preprocessed volume.
 *
 * @param labels the dense head's labels ({@code type:…}, {@code side:…}, {@code location:…})
 * @param grid the token grid {D, H, W}
 * @param tokens token-major probabilities (tokens × labels)
 * @param preprocessed the encoder's input volume, with its geometry
 */
public record DenseFindings(List<String> labels, int[] grid, float[] tokens, Volume preprocessed) {
  public DenseFindings {
    labels = List.copyOf(labels);
    grid = grid.clone();
    // checks the shapes and values once, with the same message a heatmap would give
    for (int c = 0; c < labels.size(); c++) {
      VoxelOverlays.tokenGrid(tokens, labels.size(), c, grid, preprocessed);
    }
  }

  /** The head's outputs for one scan as the finding hints receive them. */
  public static DenseFindings of(FindingHint.Heads heads, FindingHint.Scores scores, Volume preprocessed) {
    if (heads.dense() == null || scores.tokens() == null) {
      throw new IllegalArgumentException("these heads have no dense (per-token) finding head");
    }
    return new DenseFindings(heads.dense(), heads.grid(), scores.tokens(), preprocessed);
  }

  /**
   * Runs the model's encoder and dense head on a preprocessed volume (shaped as the encoder's input:
   * prepare it with the pipeline the encoder was trained on).
   */
  public static DenseFindings of(MultimodalModel model, Volume preprocessed) {
    if (!model.hasDenseFindingHead()) {
      throw new IllegalArgumentException("this model has no dense finding head (config " + model.config().name() + ")");
    }
    ViTConfig v = model.config().vision();
    int[] dhw = preprocessed.dhw();
    if (dhw[0] != v.depth() || dhw[1] != v.height() || dhw[2] != v.width()) {
      throw new IllegalArgumentException("the encoder takes " + v.depth() + "×" + v.height() + "×" + v.width()
          + " (D×H×W) volumes, this one is " + dhw[0] + "×" + dhw[1] + "×" + dhw[2]
          + ": preprocess it with the encoder's pipeline first");
    }
    try (NDManager m = NDManager.newBaseManager()) {
      float[] vox = preprocessed.voxels();
      int c = v.channels();
      float[] buf = new float[vox.length * c];
      for (int ch = 0; ch < c; ch++) {
        System.arraycopy(vox, 0, buf, ch * vox.length, vox.length); // one-channel CT, copied per channel
      }
      NDArray images = m.create(buf, new Shape(1, c, v.depth(), v.height(), v.width()));
      FindingHint.Scores s = model.findingScores(model.vision().forward(images))[0];
      return of(model.findingHeads(), s, preprocessed);
    }
  }

  /**
   * An encoder file's dense head on a scan: the model is built from the file's config and weights,
   * the scan (in HU) prepared with the pipeline stored in the file (augmentation off).
   */
  public static DenseFindings ofEncoderFile(Path encoderFile, Volume scan) throws IOException {
    EncoderFile.Header h = EncoderFile.header(encoderFile);
    if (h.pipelineJson() == null) {
      throw new IllegalArgumentException(encoderFile + " stores no preprocessing pipeline");
    }
    MultimodalConfig cfg = h.config();
    if (cfg.denseLabels() == null) {
      throw new IllegalArgumentException(encoderFile + " has no dense finding head");
    }
    Volume prepared = Pipeline.parse(h.pipelineJson(), encoderFile.toString()).apply(scan, "scan");
    try (NDManager m = NDManager.newBaseManager()) {
      MultimodalModel model = new MultimodalModel(cfg, m, DataType.FLOAT32, 0);
      EncoderFile.load(model, encoderFile);
      model.train(false);
      return of(model, prepared);
    }
  }

  /** The dense head's finding types ({@code type:…} labels), in its order. */
  public List<String> types() {
    return labels.stream().filter(l -> l.startsWith("type:")).toList();
  }

  /** The column of a label given as {@code type:lung_nodule}, {@code lung_nodule} or "lung nodule". */
  int column(String label) {
    String key = label.strip().replace(' ', '_');
    for (String candidate : List.of(key, "type:" + key)) {
      int c = labels.indexOf(candidate);
      if (c >= 0) {
        return c;
      }
    }
    throw new IllegalArgumentException("the dense head has no label '" + label + "'; its finding types: "
        + String.join(", ", types()));
  }

  /** The most confident token's probability of a label. */
  public float peak(String label) {
    int c = column(label);
    float m = 0;
    for (int t = 0; t < tokens.length / labels.size(); t++) {
      m = Math.max(m, tokens[t * labels.size() + c]);
    }
    return m;
  }

  /** One label over the preprocessed volume's voxels (token grid upsampled trilinearly). */
  public FindingHeatmap heatmap(String label) {
    int c = column(label);
    Volume g = VoxelOverlays.tokenGrid(tokens, labels.size(), c, grid, preprocessed);
    return new FindingHeatmap(labels.get(c), VoxelOverlays.upsample(g, preprocessed));
  }

  /** Heatmaps of the {@code n} finding types with the highest peaks, highest first. */
  public List<FindingHeatmap> strongest(int n) {
    List<String> t = new ArrayList<>(types());
    t.sort(Comparator.comparingDouble((String l) -> -peak(l)));
    return t.stream().limit(Math.max(0, n)).map(this::heatmap).toList();
  }
}

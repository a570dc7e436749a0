package org.scribe3d.infer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import org.scribe3d.model.multimodal.MultimodalModel;
import org.scribe3d.prompt.FindingHint;

/**
 * The image side of generation: preprocessed scans through the vision encoder and projector, a few scans at a
 * time, once per scan however many prompts are asked about it. One pass gives each scan's image embeddings
 * and, for runs trained with finding hints, its hint (the finding head's diagnosis in words). Keeps the time
 * spent in the encoder. Not thread-safe.
 */
final class ScanEncoder {
  private final LoadedModel run;
  private final int visionBatch;
  private double seconds;

  /**
   * Each scan's image embeddings [K, H], for runs trained with finding hints its hint (else null hints), and a key
   * of its preprocessed voxels ({@link #contentKey}) that seeds its report samples.
   */
  record Encoded(NDArray[] embeddings, String[] hints, long[] keys) {
    /** The prompts with their scan's hint in front (scan {@code imageOf[i]} for prompt i); as given without hints. */
    List<String> hinted(List<String> prompts, int[] imageOf) {
      if (hints == null) {
        return prompts;
      }
      List<String> out = new ArrayList<>(prompts.size());
      for (int i = 0; i < prompts.size(); i++) {
        out.add(FindingHint.prepend(hints[imageOf[i]], prompts.get(i)));
      }
      return out;
    }
  }

  /** @param visionBatch scans through the encoder together */
  ScanEncoder(LoadedModel run, int visionBatch) {
    this.run = run;
    this.visionBatch = visionBatch;
  }

  /** Seconds spent in the encoder so far. */
  double seconds() {
    return seconds;
  }

  /**
   * A 64-bit key of a preprocessed volume's voxels (FNV-1a over their float bits): the same scan gets the same key
   * whichever file or batch it comes from, so its report samples do not depend on how a split is batched.
   */
  static long contentKey(float[] volume) {
    long h = 0xcbf29ce484222325L;
    for (float v : volume) {
      h ^= Float.floatToIntBits(v);
      h *= 0x100000001b3L;
    }
    return h;
  }

  /** {@link Encoded} of the volumes, the embeddings owned by m. */
  Encoded encode(List<float[]> volumes, NDManager m) {
    long t = System.nanoTime();
    MultimodalModel model = run.model();
    NDArray[] out = new NDArray[volumes.size()];
    String[] hintOut = run.hints() ? new String[volumes.size()] : null;
    FindingHint.Heads heads = run.hints() ? model.findingHeads() : null;
    for (int from = 0; from < volumes.size(); from += visionBatch) {
      int n = Math.min(visionBatch, volumes.size() - from);
      try (NDScope scope = new NDScope()) {
        MultimodalModel.ImageFeatures f = model.encodeImages(images(volumes, from, n, m), n, m);
        NDArray e = f.embeddings();
        for (int i = 0; i < n; i++) {
          NDArray row = e.get(i);
          row.attach(m);
          NDScope.unregister(row);
          out[from + i] = row;
        }
        if (hintOut != null) { // hints are off for blind runs, whose encoder gives no tokens
          FindingHint.Scores[] s = model.findingScores(f.visionTokens());
          for (int i = 0; i < n; i++) {
            hintOut[from + i] = FindingHint.of(heads, s[i], run.hintThresholds());
          }
        }
      }
    }
    seconds += (System.nanoTime() - t) / 1e9;
    long[] keys = new long[volumes.size()];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = contentKey(volumes.get(i));
    }
    return new Encoded(out, hintOut, keys);
  }

  /**
   * The finding heads' label probabilities ({@code MultimodalModel.findingProbabilitiesOfImages}), labels per
   * volume, the encoder batched as for embeddings.
   */
  float[] headProbabilities(List<float[]> volumes) {
    long t = System.nanoTime();
    int labels = run.config().findingLabels().size();
    float[] out = new float[volumes.size() * labels];
    for (int b = 0; b < volumes.size(); b += visionBatch) {
      int n = Math.min(visionBatch, volumes.size() - b);
      try (NDManager m = run.manager().newSubManager()) {
        float[] p = run.model().findingProbabilitiesOfImages(images(volumes, b, n, m)).toFloatArray();
        System.arraycopy(p, 0, out, b * labels, n * labels);
      }
    }
    seconds += (System.nanoTime() - t) / 1e9;
    return out;
  }

  /** Volumes {@code from … from + n − 1} as one image batch [n, C, D, H, W] owned by m. */
  private NDArray images(List<float[]> volumes, int from, int n, NDManager m) {
    var v = run.config().vision();
    int vox = v.depth() * v.height() * v.width();
    int c = v.channels();
    float[] buf = new float[n * vox * c];
    for (int i = 0; i < n; i++) {
      float[] vol = volumes.get(from + i);
      for (int ch = 0; ch < c; ch++) {
        System.arraycopy(vol, 0, buf, (i * c + ch) * vox, vox); // one-channel CT (channels copy it)
      }
    }
    return m.create(buf, new Shape(n, c, v.depth(), v.height(), v.width()));
  }
}

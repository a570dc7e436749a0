package org.scribe3d.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import org.scribe3d.volume.Pipeline;
import org.scribe3d.volume.Volume;
import org.scribe3d.volume.VolumeIO;

/**
 * The preprocessing {@link Pipeline} behind a {@link VolumeCache}: the deterministic prefix (up to
 * the first augmentation step, ending with a resize to a fixed D×H×W) is cached on disk, keyed by the
 * prefix's JSON — so editing only the augmentations keeps the cache — and the remaining steps
 * (augmentations) run on every load with the sample's own random source.
 */
public final class PipelineCache {
  private final Pipeline prefix;
  private final Pipeline suffix;
  private final int[] dhw;
  private final VolumeCache cache;

  public PipelineCache(Path cacheDir, Pipeline pipeline) throws IOException {
    List<Pipeline.Step> pre = new ArrayList<>();
    List<Pipeline.Step> post = new ArrayList<>();
    for (Pipeline.Step s : pipeline.steps()) {
      boolean aug = s instanceof Pipeline.Rot90 || s instanceof Pipeline.Flip || s instanceof Pipeline.ScaleIntensity
          || s instanceof Pipeline.ShiftIntensity;
      (post.isEmpty() && !aug ? pre : post).add(s);
    }
    int[] size = null;
    for (Pipeline.Step s : pre) {
      if (s instanceof Pipeline.Resize r) {
        size = new int[] {r.d(), r.h(), r.w()};
      } else if (s instanceof Pipeline.CropForeground) {
        size = null; // a crop after the last resize would make the size data dependent
      }
    }
    if (size == null) {
      throw new IllegalArgumentException("preprocessing pipeline must resize to a fixed size before its "
          + "augmentation steps (needed to cache the volumes)");
    }
    this.dhw = size;
    this.prefix = new Pipeline(pre);
    this.suffix = new Pipeline(post);
    this.cache = new VolumeCache(cacheDir, prefix.toJson(), this::preprocess);
  }

  /** The model input size D, H, W. */
  public int[] dhw() {
    return dhw.clone();
  }

  public VolumeCache cache() {
    return cache;
  }

  private float[] preprocess(Path image) throws IOException {
    Volume v = prefix.apply(VolumeIO.load(image), image.toString(), null, true);
    if (v.nz() != dhw[0] || v.ny() != dhw[1] || v.nx() != dhw[2]) {
      throw new IOException(image + ": preprocessing gave " + v + ", expected D×H×W " + dhw[0] + "×" + dhw[1]
          + "×" + dhw[2]);
    }
    return v.voxels();
  }

  /**
   * Where the model input's voxels lie: {input file's affine, preprocessed volume's affine} (voxel index →
   * world mm; the second in the canonical x = W, y = H, z = D storage of the model input). Runs the
   * preprocessing once more; the augmentations are intensity-only or absent where this is used.
   */
  public double[][][] affines(Path image) throws IOException {
    Volume in = VolumeIO.load(image);
    double[][] a = in.affine();
    return new double[][][] {a, prefix.apply(in, image.toString(), null, true).affine()};
  }

  /**
   * The model input of {@code image} as D×H×W floats (W fastest): cached preprocessing, then the
   * augmentations drawn from {@code rng} (null: none, as at validation/inference).
   */
  public float[] load(Path image, SplittableRandom rng) throws IOException {
    float[] voxels = cache.get(image);
    if (voxels.length != (long) dhw[0] * dhw[1] * dhw[2]) {
      throw new IOException("cached volume of " + image + " has " + voxels.length + " voxels, expected "
          + dhw[0] + "×" + dhw[1] + "×" + dhw[2]);
    }
    if (suffix.steps().isEmpty() || rng == null) {
      return voxels;
    }
    Volume v = Volume.withSpacing(voxels, dhw[2], dhw[1], dhw[0], 1, 1, 1);
    return suffix.apply(v, image.toString(), new Random(rng.nextLong()), true).voxels();
  }
}

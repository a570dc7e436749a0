package org.scribe3d.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scribe3d.nifti.NiftiDatatype;
import org.scribe3d.nifti.NiftiWriter;
import org.scribe3d.volume.Pipeline;
import org.scribe3d.volume.VolumeIO;

class PipelineCacheTest {
  @Test
  void cachesTheDeterministicPrefixAndAugmentsPerSample(@TempDir Path tmp) throws Exception {
    Path img = tmp.resolve("ct.nii.gz");
    int nx = 20, ny = 18, nz = 9;
    float[] vox = new float[nx * ny * nz];
    SplittableRandom r = new SplittableRandom(1);
    for (int i = 0; i < vox.length; i++) {
      vox[i] = (float) (r.nextDouble() * 2000 - 1000);
    }
    double[][] aff = {{1.5, 0, 0, 0}, {0, 1.5, 0, 0}, {0, 0, 3, 0}, {0, 0, 0, 1}};
    NiftiWriter.write(img, vox, nx, ny, nz, aff, NiftiDatatype.FLOAT32);
    Pipeline training = Pipeline.training(new int[] {4, 8, 8}, new double[] {-1000, 1000});
    PipelineCache pc = new PipelineCache(tmp.resolve("cache"), training);
    assertArrayEquals(new int[] {4, 8, 8}, pc.dhw());
    float[] plain = pc.load(img, null);
    assertEquals(4 * 8 * 8, plain.length);
    // the cached prefix equals running the inference pipeline directly
    float[] direct = Pipeline.defaults(new int[] {4, 8, 8}, new double[] {-1000, 1000}, true, true)
        .apply(VolumeIO.load(img), "x").voxels();
    assertArrayEquals(direct, plain, 0f);
    float[] a1 = pc.load(img, new SplittableRandom(7));
    float[] a2 = pc.load(img, new SplittableRandom(7));
    assertArrayEquals(a1, a2, 0f); // same sample seed → same augmentation
    boolean someDiffer = false;
    for (int s = 0; s < 10 && !someDiffer; s++) {
      someDiffer = !Arrays.equals(plain, pc.load(img, new SplittableRandom(s)));
    }
    assertTrue(someDiffer, "augmentations never changed the volume");
    assertEquals(1, pc.cache().misses());
    // changing only the augmentations keeps the cache; changing the size invalidates it
    PipelineCache noAug = new PipelineCache(tmp.resolve("cache"),
        Pipeline.defaults(new int[] {4, 8, 8}, new double[] {-1000, 1000}, true, true));
    noAug.load(img, new SplittableRandom(3));
    assertEquals(0, noAug.cache().misses());
    PipelineCache other = new PipelineCache(tmp.resolve("cache"),
        Pipeline.defaults(new int[] {4, 6, 6}, new double[] {-1000, 1000}, true, true));
    assertEquals(36 * 4, other.load(img, null).length);
    assertEquals(1, other.cache().misses());
    assertFalse(other.cache().configHash().equals(noAug.cache().configHash()));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new PipelineCache(tmp.resolve("c2"), new Pipeline(List.of(new Pipeline.Normalize()))));
    assertTrue(e.getMessage().contains("resize"), e.getMessage());
  }
}

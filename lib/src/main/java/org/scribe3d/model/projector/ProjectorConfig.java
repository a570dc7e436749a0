package org.scribe3d.model.projector;

/**
 * The spatial-pooling projector of M3D ("spp", layer_type "mlp", 2 layers): patch tokens back to the
 * patch grid, 3D average pooling with kernel = stride = {@code pool}, then Linear → GELU → Linear.
 *
 * @param inHidden vision width (tokens in)
 * @param outHidden language-model width (embeddings out)
 * @param gridD patch grid along D (the vision encoder's)
 * @param gridH patch grid along H
 * @param gridW patch grid along W
 * @param pool pooling kernel and stride along every axis (2 in M3D)
 * @param standardize whether the encoder's tokens are standardised before pooling: minus the training
 *     scans' mean token at the same grid position, over its standard deviation, per channel (statistics
 *     held as buffers, see {@link SpatialPoolingProjector#setTokenStatistics}); not in M3D
 */
public record ProjectorConfig(int inHidden, int outHidden, int gridD, int gridH, int gridW, int pool,
    boolean standardize) {

  /** M3D's projector (no token standardisation). */
  public ProjectorConfig(int inHidden, int outHidden, int gridD, int gridH, int gridW, int pool) {
    this(inHidden, outHidden, gridD, gridH, gridW, pool, false);
  }

  public ProjectorConfig {
    if (inHidden <= 0 || outHidden <= 0 || gridD <= 0 || gridH <= 0 || gridW <= 0 || pool <= 0) {
      throw new IllegalArgumentException("invalid projector config: sizes must be positive");
    }
    if (gridD % pool != 0 || gridH % pool != 0 || gridW % pool != 0) {
      // avg_pool3d would silently drop the remainder; a grid the pool does not tile is a config error
      throw new IllegalArgumentException("invalid projector config: grid " + gridD + "x" + gridH + "x" + gridW
          + " is not a multiple of pool " + pool);
    }
  }

  public int tokensIn() {
    return gridD * gridH * gridW;
  }

  /** Image tokens handed to the language model: (gD/pool)·(gH/pool)·(gW/pool). */
  public int tokensOut() {
    return (gridD / pool) * (gridH / pool) * (gridW / pool);
  }

  /** Linear(in→out) + Linear(out→out), with biases (the standardisation's statistics are buffers). */
  public long parameterCount() {
    return (long) inHidden * outHidden + outHidden + (long) outHidden * outHidden + outHidden;
  }
}

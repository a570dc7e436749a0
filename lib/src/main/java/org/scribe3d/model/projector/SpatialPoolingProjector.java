package org.scribe3d.model.projector;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import org.scribe3d.checkpoint.ModuleLoader;
import org.scribe3d.checkpoint.TensorSource;
import org.scribe3d.checkpoint.VisionNames;
import org.scribe3d.model.nn.Linear;
import org.scribe3d.model.nn.Module;
import org.scribe3d.model.nn.Param;

/**
 * M3D's SpatialPoolingProjector (pooling_type "spatial", layer_type "mlp", layer_num 2). Parameter
 * names {@code projector.0.*} and {@code projector.2.*} (nn.Sequential(Linear, GELU, Linear)).
 *
 * <p>Forward, for tokens [B, N, C] in patch order (d, h, w): einops "b (p1 p2 p3) d -> b d p1 p2 p3",
 * avg_pool3d(kernel = stride = pool), "b d p1 p2 p3 -> b (p1 p2 p3) d", then the MLP. The pooling is
 * done as a reshape to [B, gD/k, k, gH/k, k, gW/k, k, C] and a mean over the three k axes, which is the
 * same arithmetic without moving channels first and back.
 *
 * <p>With {@link ProjectorConfig#standardize()} the tokens are first standardised per grid position and
 * channel against statistics of the training scans (buffers {@code token_mean}, {@code token_std},
 * [N, C]). Why: a frozen pretrained encoder's tokens are dominated by what every scan shares (anatomy at
 * that position); the scan-specific part the reports depend on is a small fraction of each token, and the
 * tiny from-scratch language model learned to ignore image tokens that were 99% the same in every scan
 * (docs/experiments.md). A large pretrained language model copes without it, so M3D has no such step.
 */
public final class SpatialPoolingProjector extends Module {
  private final ProjectorConfig config;
  private final Mlp projector;
  private final Param tokenMean;
  private final Param tokenStd;

  public SpatialPoolingProjector(ProjectorConfig config, NDManager manager, DataType dtype) {
    this.config = config;
    this.projector = child("projector", new Mlp(config, manager, dtype));
    Shape stats = new Shape(config.tokensIn(), config.inHidden());
    // identity until setTokenStatistics: mean 0, std 1
    this.tokenMean = config.standardize() ? buffer(MEAN, manager.zeros(stats, dtype)) : null;
    this.tokenStd = config.standardize() ? buffer(STD, manager.ones(stats, dtype)) : null;
  }

  /** Buffer names of the token statistics (local to the projector). */
  public static final String MEAN = "token_mean";
  public static final String STD = "token_std";

  public ProjectorConfig config() {
    return config;
  }

  /**
   * Loads {@code model.mm_projector.projector.*} (M3D-LaMed), {@code mm_projector.projector.*} or bare
   * {@code projector.*} tensors; everything else in the checkpoint is ignored. Token statistics are not
   * part of M3D checkpoints: they keep their values.
   */
  public ModuleLoader.Report loadWeights(TensorSource source) {
    return ModuleLoader.load(this, source, VisionNames::projectorName, p -> namedParameters().get(p).buffer());
  }

  /** Patch tokens [B, N, inHidden] → image embeddings [B, tokensOut, outHidden]. */
  public NDArray forward(NDArray tokens) {
    return projector.forward(pool(standardize(tokens), config));
  }

  /** Tokens [B, N, C] minus the mean token, over its standard deviation (as given); unchanged without. */
  public NDArray standardize(NDArray tokens) {
    if (tokenMean == null) {
      return tokens;
    }
    return tokens.sub(tokenMean.array()).div(tokenStd.array());
  }

  /**
   * Sets the token statistics: {@code mean} and {@code std} are [N · C] in token-major order, every
   * std positive and finite.
   *
   * @throws IllegalStateException when the config does not standardise
   */
  public void setTokenStatistics(float[] mean, float[] std) {
    if (tokenMean == null) {
      throw new IllegalStateException("this projector does not standardise its tokens");
    }
    long n = tokenMean.array().getShape().size();
    if (mean.length != n || std.length != n) {
      throw new IllegalArgumentException("token statistics need " + n + " values each, got " + mean.length + " and "
          + std.length);
    }
    for (int i = 0; i < std.length; i++) {
      if (!(std[i] > 0) || !Float.isFinite(std[i]) || !Float.isFinite(mean[i])) {
        throw new IllegalArgumentException("token statistic " + i + " is not usable: mean " + mean[i] + ", std "
            + std[i]);
      }
    }
    NDManager m = tokenMean.array().getManager();
    Shape s = tokenMean.array().getShape();
    try (NDArray mu = m.create(mean, s); NDArray sd = m.create(std, s)) {
      tokenMean.copyFrom(mu);
      tokenStd.copyFrom(sd);
    }
  }

  /** The average pooling step alone: [B, N, C] → [B, N / pool³, C] in pooled-grid order (d, h, w). */
  public static NDArray pool(NDArray tokens, ProjectorConfig c) {
    Shape s = tokens.getShape();
    if (s.dimension() != 3 || s.get(1) != c.tokensIn() || s.get(2) != c.inHidden()) {
      throw new IllegalArgumentException("projector expects tokens [B, " + c.tokensIn() + ", " + c.inHidden()
          + "], got " + s);
    }
    int k = c.pool();
    if (k == 1) {
      return tokens;
    }
    long b = s.get(0);
    return tokens.reshape(b, c.gridD() / k, k, c.gridH() / k, k, c.gridW() / k, k, c.inHidden())
        .mean(new int[] {6}).mean(new int[] {4}).mean(new int[] {2}) // one axis per call in DJL
        .reshape(b, c.tokensOut(), c.inHidden());
  }

  /** nn.Sequential(Linear, GELU, Linear): children "0" and "2" (index 1 is the parameter-free GELU). */
  static final class Mlp extends Module {
    private final Linear l0;
    private final Linear l2;

    Mlp(ProjectorConfig c, NDManager m, DataType dtype) {
      l0 = child("0", new Linear(m, c.inHidden(), c.outHidden(), true, dtype));
      l2 = child("2", new Linear(m, c.outHidden(), c.outHidden(), true, dtype));
    }

    NDArray forward(NDArray x) {
      return l2.forward(Activation.gelu(l0.forward(x)));
    }
  }
}

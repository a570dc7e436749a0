package org.scribe3d.model.vision;

/**
 * Sizes of the 3D vision transformer (MONAI 1.3 ViT with "perceptron" patch embedding, as in
 * M3D-CLIP). Input volumes are C×D×H×W; patches pD×pH×pW tile them exactly.
 *
 * @param channels input channels C (1 for CT)
 * @param depth input D (slices)
 * @param height input H
 * @param width input W
 * @param patchD patch size along D
 * @param patchH patch size along H
 * @param patchW patch size along W
 * @param hidden transformer width
 * @param layers number of transformer blocks
 * @param heads attention heads (hidden must be a multiple)
 * @param mlpDim MLP inner width
 * @param layerNormEps LayerNorm epsilon (torch default 1e-5)
 * @param qkvBias whether the fused qkv projection has a bias (false in M3D-CLIP)
 */
public record ViTConfig(int channels, int depth, int height, int width, int patchD, int patchH, int patchW,
    int hidden, int layers, int heads, int mlpDim, double layerNormEps, boolean qkvBias) {

  public ViTConfig {
    check(channels > 0 && depth > 0 && height > 0 && width > 0, "input sizes must be positive");
    check(patchD > 0 && patchH > 0 && patchW > 0, "patch sizes must be positive");
    check(depth % patchD == 0 && height % patchH == 0 && width % patchW == 0,
        "input " + depth + "x" + height + "x" + width + " is not a multiple of patch " + patchD + "x" + patchH + "x"
            + patchW);
    check(hidden > 0 && layers > 0 && heads > 0 && mlpDim > 0, "hidden, layers, heads and mlp_dim must be positive");
    check(hidden % heads == 0, "hidden (" + hidden + ") must be a multiple of heads (" + heads + ")");
    check(layerNormEps > 0, "layer_norm_eps must be positive");
  }

  /** The M3D-CLIP / paper encoder: 1×32×256×256, patch 4×16×16, ViT-B (768, 12 layers, 12 heads, 3072). */
  public static ViTConfig paper() {
    return new ViTConfig(1, 32, 256, 256, 4, 16, 16, 768, 12, 12, 3072, 1e-5, false);
  }

  private static void check(boolean ok, String msg) {
    if (!ok) {
      throw new IllegalArgumentException("invalid ViT config: " + msg);
    }
  }

  public int gridD() {
    return depth / patchD;
  }

  public int gridH() {
    return height / patchH;
  }

  public int gridW() {
    return width / patchW;
  }

  /** Number of patch tokens (without CLS). */
  public int numPatches() {
    return gridD() * gridH() * gridW();
  }

  /** Input values per patch: pD·pH·pW·C. */
  public int patchVolume() {
    return patchD * patchH * patchW * channels;
  }

  public int headDim() {
    return hidden / heads;
  }

  /** Parameter count from the architecture (checked against a built model in the tests). */
  public long parameterCount() {
    long h = hidden;
    long patch = (long) patchVolume() * h + h;
    long pos = (long) numPatches() * h;
    long cls = h;
    long block = 2 * h // norm1
        + 3 * h * h + (qkvBias ? 3 * h : 0) // qkv
        + h * h + h // out_proj
        + 2 * h // norm2
        + h * mlpDim + mlpDim + (long) mlpDim * h + h; // linear1, linear2
    return patch + pos + cls + layers * block + 2 * h;
  }
}

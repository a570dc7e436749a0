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
 * @param stem how voxels become tokens: {@link #PATCH_STEM} (M3D-CLIP's linear patch embedding, the
 *     default; null in an older config means this) or {@link #CONV_STEM} (a stack of 3×3×3 convolutions,
 *     stride 2 along each axis until the axis has shrunk by its patch size, then a Linear to the width:
 *     the "early convolutions" ViT of Xiao et al. 2021, for small data; patch sizes must be powers of 2)
 */
public record ViTConfig(int channels, int depth, int height, int width, int patchD, int patchH, int patchW,
    int hidden, int layers, int heads, int mlpDim, double layerNormEps, boolean qkvBias, String stem) {
  public static final String PATCH_STEM = "patch";
  public static final String CONV_STEM = "conv";

  /** The conv stem's channels: 16, 32, 64, then 64 for any further layer. */
  private static final int[] STEM_CHANNELS = {16, 32, 64};

  /** An M3D-style encoder with the linear patch embedding. */
  public ViTConfig(int channels, int depth, int height, int width, int patchD, int patchH, int patchW,
      int hidden, int layers, int heads, int mlpDim, double layerNormEps, boolean qkvBias) {
    this(channels, depth, height, width, patchD, patchH, patchW, hidden, layers, heads, mlpDim, layerNormEps, qkvBias,
        PATCH_STEM);
  }

  public ViTConfig {
    stem = stem == null ? PATCH_STEM : stem;
    check(stem.equals(PATCH_STEM) || stem.equals(CONV_STEM),
        "stem must be \"" + PATCH_STEM + "\" or \"" + CONV_STEM + "\", got \"" + stem + "\"");
    check(!stem.equals(CONV_STEM) || (powerOfTwo(patchD) && powerOfTwo(patchH) && powerOfTwo(patchW)
        && Math.max(patchD, Math.max(patchH, patchW)) >= 2),
        "a conv stem needs patch sizes that are powers of 2 (at least one of them 2 or more), got " + patchD + "x"
            + patchH + "x" + patchW);
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

  /** The same encoder with the given stem. */
  public ViTConfig withStem(String s) {
    return new ViTConfig(channels, depth, height, width, patchD, patchH, patchW, hidden, layers, heads, mlpDim,
        layerNormEps, qkvBias, s);
  }

  public boolean convStem() {
    return CONV_STEM.equals(stem);
  }

  /** Number of conv layers in the conv stem: log2 of the largest patch size (0 for the patch stem). */
  public int stemLayers() {
    return convStem() ? log2(Math.max(patchD, Math.max(patchH, patchW))) : 0;
  }

  /** Output channels of conv layer {@code i} of the conv stem. */
  public int stemChannels(int i) {
    return STEM_CHANNELS[Math.min(i, STEM_CHANNELS.length - 1)];
  }

  /** Stride (D, H, W) of conv layer {@code i}: 2 along an axis until its patch size is used up, then 1. */
  public int[] stemStride(int i) {
    return new int[] {i < log2(patchD) ? 2 : 1, i < log2(patchH) ? 2 : 1, i < log2(patchW) ? 2 : 1};
  }

  private static int log2(int p) {
    return Integer.numberOfTrailingZeros(p);
  }

  private static boolean powerOfTwo(int p) {
    return p > 0 && (p & (p - 1)) == 0;
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
    if (convStem()) {
      patch = 0;
      int in = channels;
      for (int i = 0; i < stemLayers(); i++) {
        patch += (long) in * stemChannels(i) * 27 + stemChannels(i);
        in = stemChannels(i);
      }
      patch += (long) in * h + h;
    }
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

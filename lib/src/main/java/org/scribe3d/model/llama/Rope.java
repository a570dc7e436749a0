package org.scribe3d.model.llama;

/**
 * Rotary position embedding maths (pure functions, float32 like Hugging Face's LlamaRotaryEmbedding).
 *
 * <p>HF convention ("rotate_half"): the head vector is split into halves x1, x2; with
 * cos/sin = cat(freqs, freqs) of width head_dim, q' = q·cos + cat(−q2, q1)·sin.
 */
public final class Rope {
  private Rope() {}

  /** inv_freq[i] = 1 / theta^(2i/d), i < d/2, computed in float32 as HF does, then scaled per config. */
  public static float[] invFreq(LlamaConfig c) {
    int d = c.headDim();
    float[] inv = new float[d / 2];
    for (int i = 0; i < inv.length; i++) {
      float e = (float) (2 * i) / (float) d;
      inv[i] = 1f / (float) Math.pow(c.ropeTheta(), e);
    }
    LlamaConfig.RopeScaling s = c.ropeScaling();
    if (s == null) {
      return inv;
    }
    if (s.type().equals("linear")) {
      for (int i = 0; i < inv.length; i++) {
        inv[i] = (float) (inv[i] / s.factor());
      }
      return inv;
    }
    if (s.type().equals("llama3")) {
      return llama3(inv, s.factor(), s.lowFreqFactor(), s.highFreqFactor(), s.originalMaxPositionEmbeddings());
    }
    throw new IllegalArgumentException("unsupported rope scaling " + s.type());
  }

  /**
   * Hugging Face's {@code _compute_llama3_parameters}: long wavelengths (beyond original_max / low)
   * are divided by factor, short ones (below original_max / high) kept, and the band between is
   * interpolated smoothly.
   */
  public static float[] llama3(float[] inv, double factor, double lowFreqFactor, double highFreqFactor,
      int oldContextLen) {
    float f = (float) factor;
    float lowWavelen = (float) (oldContextLen / lowFreqFactor);
    float highWavelen = (float) (oldContextLen / highFreqFactor);
    float[] out = new float[inv.length];
    for (int i = 0; i < inv.length; i++) {
      float wavelen = (float) (2 * Math.PI) / inv[i];
      float v = wavelen > lowWavelen ? inv[i] / f : inv[i];
      boolean medium = !(wavelen < highWavelen) && !(wavelen > lowWavelen);
      if (medium) {
        float smooth = (float) ((oldContextLen / wavelen - lowFreqFactor) / (highFreqFactor - lowFreqFactor));
        v = (1 - smooth) * v / f + smooth * v;
      }
      out[i] = v;
    }
    return out;
  }

  /**
   * cos and sin tables for positions: returns {cos, sinSigned}, each [n * d] row-major, where
   * sinSigned carries the sign of rotate_half (−sin on the first half) so that
   * rotate_half(x)·sin = swapHalves(x)·sinSigned.
   */
  public static float[][] tables(float[] invFreq, long[] positions) {
    int half = invFreq.length;
    int d = 2 * half;
    float[] cos = new float[positions.length * d];
    float[] sin = new float[positions.length * d];
    for (int p = 0; p < positions.length; p++) {
      float pos = (float) positions[p];
      for (int i = 0; i < half; i++) {
        float angle = pos * invFreq[i]; // float32 product, as torch's matmul of inv_freq and positions
        float c = (float) Math.cos(angle);
        float s = (float) Math.sin(angle);
        cos[p * d + i] = c;
        cos[p * d + half + i] = c;
        sin[p * d + i] = -s;
        sin[p * d + half + i] = s;
      }
    }
    return new float[][] {cos, sin};
  }
}

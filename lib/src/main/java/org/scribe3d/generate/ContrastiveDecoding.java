package org.scribe3d.generate;

/**
 * Visual contrastive decoding (Leng et al., "Mitigating Object Hallucinations in Large Vision-Language
 * Models through Visual Contrastive Decoding", CVPR 2024), greedy: every step the model sees the prompt
 * twice, once with the scan and once with a contrast image, and picks
 * {@code argmax (1 + alpha) · log p(token | scan) − alpha · log p(token | contrast)} among the tokens that
 * are plausible with the scan ({@code p(token | scan) ≥ beta · max p}, the paper's adaptive plausibility
 * constraint). The contrast carries the language prior without the scan's evidence, so the difference
 * promotes what the scan changes — here a finding sentence over the normal sentence the prior favours.
 * With {@code alpha = 0} it is plain greedy decoding.
 *
 * @param alpha weight of the contrast (VCD's α; 0 = off)
 * @param beta plausibility cut-off in (0, 1] (VCD's β)
 */
public record ContrastiveDecoding(double alpha, double beta) {
  /** VCD's defaults for greedy decoding would be α 1, β 0.1. */
  public static final double DEFAULT_BETA = 0.1;

  public ContrastiveDecoding {
    if (!(alpha >= 0) || !Double.isFinite(alpha)) {
      throw new IllegalArgumentException("contrast weight must be a finite number >= 0, got " + alpha);
    }
    if (!(beta > 0 && beta <= 1)) {
      throw new IllegalArgumentException("plausibility cut-off must be in (0, 1], got " + beta);
    }
  }

  public boolean off() {
    return alpha == 0;
  }

  /** The contrastive score of one option from its log-likelihoods with the scan and with the contrast. */
  public double score(double logpScan, double logpContrast) {
    return (1 + alpha) * logpScan - alpha * logpContrast;
  }
}

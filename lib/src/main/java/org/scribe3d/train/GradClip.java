package org.scribe3d.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.scribe3d.model.nn.Param;

/** Global-norm gradient clipping with the semantics of {@code torch.nn.utils.clip_grad_norm_}. */
public final class GradClip {
  private GradClip() {}

  /**
   * The L2 norm of all gradients together (norm of the per-parameter norms, as torch computes it).
   */
  public static double globalNorm(Collection<Param> params) {
    if (params.isEmpty()) {
      return 0;
    }
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      List<NDArray> norms = new ArrayList<>();
      NDArray first = null;
      for (Param p : params) {
        NDArray n = p.array().getGradient().norm();
        if (first != null) {
          n = n.toDevice(first.getDevice(), false);
        } else {
          first = n;
        }
        norms.add(n);
      }
      NDArray stacked = NDArrays.stack(new NDList(norms));
      return stacked.norm().toType(ai.djl.ndarray.types.DataType.FLOAT32, false).getFloat();
    }
  }

  /**
   * Scales all gradients so that their global L2 norm is at most {@code maxNorm} and returns the norm
   * before clipping. As torch: coefficient = maxNorm / (norm + 1e-6), applied only when below 1; a
   * non-finite norm is returned as is and the gradients are left alone (the caller decides to skip
   * the step).
   */
  public static double clip(Collection<Param> params, double maxNorm) {
    double total = globalNorm(params);
    if (!Double.isFinite(total)) {
      return total;
    }
    // float32 arithmetic like torch's tensor ops: max_norm / (total_norm + 1e-6)
    float coef = (float) maxNorm * (1f / ((float) total + 1e-6f));
    if (coef < 1f) {
      try (NDScope scope = new NDScope()) {
        scope.suppressNotUsedWarning();
        for (Param p : params) {
          p.array().getGradient().muli(coef);
        }
      }
    }
    return total;
  }
}

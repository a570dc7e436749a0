package org.scribe3d.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.scribe3d.model.nn.Embedding;
import org.scribe3d.model.nn.LayerNorm;
import org.scribe3d.model.nn.Linear;
import org.scribe3d.model.nn.Module;

/** A tiny causal "LM" for trainer tests: embed → LayerNorm → Linear → tanh → Linear → logits. */
final class TinyLm extends Module {
  final Embedding embed;
  final LayerNorm norm;
  final Linear fc1;
  final Linear head;
  float dropout;

  TinyLm(NDManager m, int vocab, int dim, int hidden) {
    embed = child("embed", new Embedding(m, vocab, dim, DataType.FLOAT32));
    norm = child("norm", new LayerNorm(m, dim, 1e-5f, DataType.FLOAT32));
    fc1 = child("fc1", new Linear(m, dim, hidden, true, DataType.FLOAT32));
    head = child("head", new Linear(m, hidden, vocab, true, DataType.FLOAT32));
  }

  /** ids [B, T] int64 → logits [B, T, V]. */
  NDArray forward(NDArray ids) {
    NDArray h = fc1.forward(norm.forward(embed.forward(ids))).tanh();
    if (dropout > 0) {
      h = ai.djl.nn.norm.Dropout.dropout(h, dropout, isTraining()).singletonOrThrow();
    }
    return head.forward(h);
  }
}

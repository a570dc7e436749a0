package org.scribe3d.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;
import org.scribe3d.model.nn.Module;

/**
 * A synthetic token data set for trainer tests: sample i is a fixed random sequence (seeded by i)
 * whose labels copy the ids (a learnable task), with prompt positions masked; "augmentation"
 * replaces one random id using the sample's own random source.
 */
class TokenTask implements BatchSource<TokenTask.Batch>, Objective<TokenTask.Batch> {
  record Batch(long[] ids, long[] labels, int b, int t) {}

  final int size;
  final int vocab;
  final int seqLen;
  volatile long loads;

  TokenTask(int size, int vocab, int seqLen) {
    this.size = size;
    this.vocab = vocab;
    this.seqLen = seqLen;
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public Batch load(int[] samples, SplittableRandom[] rngs) {
    long[] ids = new long[samples.length * seqLen];
    long[] labels = new long[ids.length];
    for (int s = 0; s < samples.length; s++) {
      SplittableRandom fixed = new SplittableRandom(1000 + samples[s]);
      int prompt = 1 + fixed.nextInt(3);
      for (int t = 0; t < seqLen; t++) {
        int i = s * seqLen + t;
        ids[i] = t == 0 ? 0 : (samples[s] * 7 + t * 3) % vocab; // learnable pattern
        labels[i] = t < prompt ? MaskedCrossEntropy.IGNORE : ids[i];
      }
      int pos = 1 + rngs[s].nextInt(seqLen - 1);
      ids[s * seqLen + pos] = rngs[s].nextInt(vocab); // augmentation
    }
    loads++;
    return new Batch(ids, labels, samples.length, seqLen);
  }

  @Override
  public long lossUnits(Batch b) {
    return MaskedCrossEntropy.count(b.labels(), b.b(), b.t());
  }

  @Override
  public int samples(Batch b) {
    return b.b();
  }

  @Override
  public long tokens(Batch b) {
    return b.ids().length;
  }

  @Override
  public NDArray lossSum(Module model, Batch b, NDManager manager) {
    NDArray ids = manager.create(b.ids(), new Shape(b.b(), b.t()));
    NDArray labels = manager.create(b.labels(), new Shape(b.b(), b.t()));
    return MaskedCrossEntropy.sum(((TinyLm) model).forward(ids), labels);
  }
}

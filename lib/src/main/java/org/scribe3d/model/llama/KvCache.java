package org.scribe3d.model.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import org.scribe3d.model.cpu.TensorStorage;

/**
 * Keys and values of every layer for a batch, preallocated to {@code maxLen} positions
 * ([batch, kvHeads, maxLen, headDim] per layer) and written in place, so a decoding step costs one
 * position and allocates no cache memory. It also remembers which slots hold real tokens (left
 * padding) and how many real tokens each row has seen (for position ids).
 */
public final class KvCache implements AutoCloseable {
  private final NDManager manager;
  private final int batch;
  private final int maxLen;
  private final NDArray[] keys;
  private final NDArray[] values;
  private final TensorStorage[] storage; // for the CPU kernels: layer l's keys at 2l, values at 2l + 1
  private boolean[][] real;
  private int[] realCount;
  private int length;

  KvCache(NDManager parent, int layers, int batch, int kvHeads, int maxLen, int headDim, DataType dtype) {
    this.manager = parent.newSubManager();
    this.batch = batch;
    this.maxLen = maxLen;
    this.keys = new NDArray[layers];
    this.values = new NDArray[layers];
    Shape s = new Shape(batch, kvHeads, maxLen, headDim);
    for (int l = 0; l < layers; l++) {
      keys[l] = manager.zeros(s, dtype);
      values[l] = manager.zeros(s, dtype);
      NDScope.unregister(keys[l], values[l]);
    }
    this.real = new boolean[batch][maxLen];
    this.realCount = new int[batch];
    this.storage = new TensorStorage[2 * layers];
  }

  /** The type of the stored keys and values. */
  public DataType dtype() {
    return keys[0].getDataType();
  }

  /** Address of layer {@code layer}'s keys, [batch, kvHeads, maxLen, headDim] contiguous (CPU kernels). */
  long keyAddress(int layer) {
    return address(keys[layer], 2 * layer);
  }

  /** Address of layer {@code layer}'s values (as {@link #keyAddress}). */
  long valueAddress(int layer) {
    return address(values[layer], 2 * layer + 1);
  }

  private long address(NDArray a, int slot) {
    if (storage[slot] == null) {
      // a freshly made (zeros or gathered) CPU tensor is contiguous: its storage, not a copy
      storage[slot] = TensorStorage.of(a);
      if (storage[slot] == null) {
        throw new IllegalStateException("the KV cache's storage is not addressable in place: " + a.getShape());
      }
    }
    return storage[slot].address();
  }

  public int batch() {
    return batch;
  }

  public int maxLen() {
    return maxLen;
  }

  /** Number of positions (slots) filled so far, the same for every row. */
  public int length() {
    return length;
  }

  /** Whether slot {@code j} of row {@code b} holds a real (non-padding) token. */
  public boolean isReal(int b, int j) {
    return real[b][j];
  }

  /** Real tokens seen so far in row b. */
  public int realCount(int b) {
    return realCount[b];
  }

  /** Forgets everything (the memory is reused). */
  public void reset() {
    length = 0;
    real = new boolean[batch][maxLen];
    realCount = new int[batch];
  }

  void write(int layer, NDArray k, NDArray v, int start) {
    int t = (int) k.getShape().get(2);
    NDIndex slots = new NDIndex(":, :, {}:{}", start, start + t);
    keys[layer].set(slots, k);
    values[layer].set(slots, v);
  }

  NDArray keys(int layer, int len) {
    return keys[layer].get(new NDIndex(":, :, :{}", len));
  }

  NDArray values(int layer, int len) {
    return values[layer].get(new NDIndex(":, :, :{}", len));
  }

  /** Records T new slots with their padding flags after a forward pass. */
  void commit(boolean[][] newReal, int t) {
    for (int b = 0; b < batch; b++) {
      for (int i = 0; i < t; i++) {
        real[b][length + i] = newReal[b][i];
        if (newReal[b][i]) {
          realCount[b]++;
        }
      }
    }
    length += t;
  }

  /**
   * Reorders rows (beam search): row i becomes old row {@code rows[i]}. Allocates new cache arrays
   * (the gather cannot be done in place).
   */
  public void reorder(long[] rows) {
    if (rows.length != batch) {
      throw new IllegalArgumentException("reorder needs " + batch + " rows, got " + rows.length);
    }
    NDArray idx = manager.create(rows);
    for (int l = 0; l < keys.length; l++) {
      NDArray k = keys[l].get(new NDIndex("{}", idx));
      NDArray v = values[l].get(new NDIndex("{}", idx));
      k.attach(manager);
      v.attach(manager);
      NDScope.unregister(k, v);
      keys[l].close();
      values[l].close();
      keys[l] = k;
      values[l] = v;
    }
    idx.close();
    Arrays.fill(storage, null);
    boolean[][] r = new boolean[batch][];
    int[] c = new int[batch];
    for (int i = 0; i < batch; i++) {
      r[i] = real[(int) rows[i]].clone();
      c[i] = realCount[(int) rows[i]];
    }
    real = r;
    realCount = c;
  }

  @Override
  public void close() {
    manager.close();
  }
}

package org.scribe3d.train;

import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Produces items {@code start, start+1, …, end-1} of a sequence on one background thread, at most
 * {@code capacity} ahead of the consumer. The order is the sequence order whatever the timing (one
 * worker, FIFO queue), and each item is a pure function of its index, so results never depend on
 * how far ahead the loader happens to be. A failure of the producer is re-thrown by {@link #next()}
 * for that item.
 */
public final class PrefetchLoader<T> implements AutoCloseable {

  /** Computes item {@code index}; runs on the loader thread. */
  @FunctionalInterface
  public interface Producer<T> {
    T produce(long index) throws Exception;
  }

  private record Slot<T>(long index, T value, Throwable error) {}

  private final BlockingQueue<Slot<T>> queue;
  private final Thread worker;
  private final long end;
  private long nextIndex;
  private volatile boolean closed;

  public PrefetchLoader(Producer<T> producer, long start, long end, int capacity, String threadName) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be ≥ 1");
    }
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.end = end;
    this.nextIndex = start;
    this.worker = new Thread(() -> {
      for (long i = start; i < end && !closed; i++) {
        Slot<T> slot;
        try {
          slot = new Slot<>(i, producer.produce(i), null);
        } catch (InterruptedException e) {
          return;
        } catch (Throwable t) {
          slot = new Slot<>(i, null, t);
        }
        try {
          queue.put(slot);
        } catch (InterruptedException e) {
          return;
        }
        if (slot.error() != null) {
          return;
        }
      }
    }, threadName);
    worker.setDaemon(true);
    worker.start();
  }

  public boolean hasNext() {
    return nextIndex < end;
  }

  /** The next item in sequence order (blocks until the loader has it). */
  public T next() throws Exception {
    if (!hasNext()) {
      throw new NoSuchElementException("loader exhausted at " + end);
    }
    Slot<T> slot = queue.take();
    if (slot.index() != nextIndex) {
      throw new IllegalStateException("loader out of order: got " + slot.index() + ", expected " + nextIndex);
    }
    nextIndex++;
    if (slot.error() != null) {
      if (slot.error() instanceof Exception e) {
        throw e;
      }
      throw new RuntimeException(slot.error());
    }
    return slot.value();
  }

  /** Items produced but not yet consumed (for diagnostics: 0 most of the time means I/O bound). */
  public int buffered() {
    return queue.size();
  }

  @Override
  public void close() {
    closed = true;
    worker.interrupt();
    queue.clear(); // unblocks a put waiting for space
    try {
      worker.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

package org.scribe3d.train;

import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One worker thread per data-parallel device, each pinned to its device for the whole run: the
 * device's forward and backward passes are issued from that thread only, so devices compute at the
 * same time and each device sees its ops in a fixed order. libtorch's intra-op thread count and grad
 * mode are per thread, so both are set on each worker.
 */
final class ReplicaPool implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ReplicaPool.class);
  static final String THREAD_PREFIX = "scribe3d-replica-";

  /** The work of one device in one step; stops early when {@code cancelled} is set. */
  @FunctionalInterface
  interface Work<T> {
    T run(int device, AtomicBoolean cancelled) throws Exception;
  }

  private final List<ExecutorService> workers = new ArrayList<>();
  private final List<String> names;

  /**
   * @param names a label per device for error messages (e.g. "cpu()", "gpu(1)")
   * @param torchThreads libtorch intra-op threads of each worker; ≤ 0 leaves libtorch's default
   */
  ReplicaPool(List<String> names, int torchThreads) throws Exception {
    this.names = List.copyOf(names);
    for (int k = 0; k < names.size(); k++) {
      String threadName = THREAD_PREFIX + k;
      workers.add(Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, threadName);
        t.setDaemon(true); // a wedged device must not keep the JVM alive after the run has failed
        return t;
      }));
    }
    try {
      run("start", (k, c) -> {
        JniUtils.setGradMode(false); // libtorch records by default on a new thread; only backward passes may
        if (torchThreads > 0) {
          JniUtils.setNumThreads(torchThreads);
        }
        return null;
      });
    } catch (Exception e) {
      close();
      throw e;
    }
  }

  int size() {
    return workers.size();
  }

  /**
   * Runs {@code work} on every device at once and returns the results in device order. If any device
   * fails, the others are told to stop, all are waited for, and one exception names the first failed
   * device (by index) with its cause; later failures are attached as suppressed.
   */
  <T> List<T> run(String what, Work<T> work) throws Exception {
    AtomicBoolean cancelled = new AtomicBoolean();
    List<Future<T>> futures = new ArrayList<>();
    for (int k = 0; k < workers.size(); k++) {
      int device = k;
      futures.add(workers.get(k).submit(() -> {
        try {
          return work.run(device, cancelled);
        } catch (Throwable t) {
          cancelled.set(true);
          throw t;
        }
      }));
    }
    List<T> out = new ArrayList<>();
    IllegalStateException failure = null;
    for (int k = 0; k < futures.size(); k++) {
      try {
        out.add(futures.get(k).get());
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        if (failure == null) {
          failure = new IllegalStateException("device " + k + " (" + names.get(k) + ") failed in " + what + ": "
              + (cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage()), cause);
        } else {
          failure.addSuppressed(cause);
        }
      } catch (InterruptedException e) {
        cancelled.set(true);
        Thread.currentThread().interrupt();
        throw e;
      }
    }
    if (failure != null) {
      throw failure;
    }
    return out;
  }

  /** Stops the workers and waits for them (a device op in flight finishes first). */
  @Override
  public void close() {
    workers.forEach(ExecutorService::shutdownNow);
    for (int k = 0; k < workers.size(); k++) {
      try {
        if (!workers.get(k).awaitTermination(60, TimeUnit.SECONDS)) {
          LOG.warn("replica thread {} ({}) did not stop within 60 s", k, names.get(k));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}

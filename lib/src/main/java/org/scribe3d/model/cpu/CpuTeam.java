package org.scribe3d.model.cpu;

import java.util.concurrent.locks.LockSupport;

/**
 * A fixed team of threads (the caller plus {@code threads - 1} daemon workers) that runs one task split in
 * parts, for the many short parallel steps of decoding a token (a few hundred per token, each 20 µs to 2 ms).
 * A thread pool's hand-off (queue, future, wake-up) costs more than the smaller of those steps, so workers
 * spin briefly on a sequence number between tasks and park only when idle for longer; the caller runs part 0
 * itself and then waits for the others.
 */
public final class CpuTeam {
  /** A task split into {@code parts}; each call runs part {@code part}. */
  @FunctionalInterface
  public interface Task {
    void run(int part, int parts);
  }

  private static final long SPIN_NANOS = 200_000;
  private static volatile CpuTeam shared;

  /** A task whose parts share work through zeroed 64-bit counters (see {@link #runShared}). */
  @FunctionalInterface
  public interface SharedTask {
    void run(int part, int parts, long counters);
  }

  private final Worker[] workers;
  private final int threads;
  private DirectFloats counters = new DirectFloats(2 * 64);

  private CpuTeam(int threads) {
    this.threads = threads;
    this.workers = new Worker[threads - 1];
    for (int i = 0; i < workers.length; i++) {
      workers[i] = new Worker(i + 1, threads);
      workers[i].start();
    }
  }

  /** The process-wide team of {@code threads} threads (at least 1); a different count replaces the old team. */
  public static synchronized CpuTeam of(int threads) {
    int n = Math.max(1, threads);
    CpuTeam t = shared;
    if (t == null || t.threads != n) {
      if (t != null) {
        t.stop();
      }
      t = new CpuTeam(n);
      shared = t;
    }
    return t;
  }

  public int threads() {
    return threads;
  }

  /** Runs all parts of {@code task} and returns when every part has finished; a part's exception is rethrown. */
  public synchronized void run(Task task) {
    for (Worker w : workers) {
      w.task = task;
      w.error = null;
      w.requested++; // volatile write publishes the task
      LockSupport.unpark(w);
    }
    RuntimeException first = null;
    try {
      task.run(0, threads);
    } catch (RuntimeException e) {
      first = e;
    }
    for (Worker w : workers) {
      long spins = 0;
      while (w.finished != w.requested) {
        if (++spins < 20_000) {
          Thread.onSpinWait();
        } else {
          Thread.yield(); // the worker lost its core: let it have this one
        }
      }
      if (first == null && w.error != null) {
        first = w.error instanceof RuntimeException re ? re : new IllegalStateException(w.error);
      }
    }
    if (first != null) {
      throw first;
    }
  }

  /**
   * Runs all parts of {@code task} like {@link #run}, handing each the address of {@code n} 64-bit counters that
   * are zero when the parts start: the kernels' shared calls ({@link CpuKernels#matvecShared}) take their chunks
   * of work through them.
   */
  public synchronized void runShared(int n, SharedTask task) {
    if (2 * n > counters.length()) {
      counters = new DirectFloats(2 * n);
    }
    java.nio.ByteBuffer c = counters.bytes();
    for (int i = 0; i < 8 * n; i += 8) {
      c.putLong(i, 0L);
    }
    long address = counters.address();
    run((part, parts) -> task.run(part, parts, address)); // the workers see the zeros: run publishes the task
  }

  private void stop() {
    for (Worker w : workers) {
      w.stopped = true;
      LockSupport.unpark(w);
    }
  }

  private static final class Worker extends Thread {
    private final int part;
    private final int parts;
    volatile long requested;
    volatile long finished;
    volatile boolean stopped;
    Task task;
    Throwable error;

    Worker(int part, int parts) {
      super("scribe3d-cpu-" + part);
      this.part = part;
      this.parts = parts;
      setDaemon(true);
    }

    @Override
    public void run() {
      long done = 0;
      while (!stopped) {
        long spinUntil = System.nanoTime() + SPIN_NANOS;
        while (requested == done && !stopped) {
          if (System.nanoTime() < spinUntil) {
            Thread.onSpinWait();
          } else {
            LockSupport.park(this);
          }
        }
        if (stopped) {
          return;
        }
        done = requested;
        try {
          task.run(part, parts);
        } catch (Throwable t) {
          error = t;
        }
        finished = done;
      }
    }
  }
}

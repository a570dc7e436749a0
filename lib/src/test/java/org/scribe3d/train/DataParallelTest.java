package org.scribe3d.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scribe3d.model.ModelPresets;
import org.scribe3d.model.nn.Module;
import org.scribe3d.model.nn.Param;

/** Data-parallel training: replicas computing at once, what moves between devices, failures. */
class DataParallelTest {
  static TrainConfig config() {
    return TrainerTest.config().epochs(3).accumulation(4).checkpointEvery(0);
  }

  static TinyLm model(NDManager m, int seed) {
    TinyLm lm = TrainerTest.model(m, seed);
    lm.dropout = 0; // replicas on the one CPU device share its generator: masks would follow thread timing
    return lm;
  }

  /** TokenTask that records which threads ran each model's forward passes. */
  static final class WatchedTask extends TokenTask {
    final Map<Module, Set<String>> threads = new ConcurrentHashMap<>();
    volatile Module failOn;
    volatile int failAtCall;
    final AtomicLong calls = new AtomicLong();

    WatchedTask() {
      super(TrainerTest.N, TrainerTest.V, TrainerTest.T);
    }

    @Override
    public NDArray lossSum(Module model, Batch b, NDManager manager) {
      threads.computeIfAbsent(model, k -> ConcurrentHashMap.newKeySet()).add(Thread.currentThread().getName());
      if (model == failOn && calls.incrementAndGet() == failAtCall) {
        throw new IllegalStateException("simulated out of memory on the replica");
      }
      return super.lossSum(model, b, manager);
    }
  }

  /**
   * Master + one replica, each on its own thread with one torch thread, equal one device with the same
   * accumulation. The only difference is the order of the gradient sum (device 0's micro-batches 0 and 2,
   * plus device 1's 1 and 3, instead of 0+1+2+3): float32 rounding, measured here at 1.2e-7 at most per weight
   * over 4 steps; 1e-6 is the bound.
   */
  @Test
  void twoReplicasOnTheirOwnThreadsMatchOneDevice(@TempDir Path tmp) throws Exception {
    WatchedTask task = new WatchedTask();
    Map<String, float[]> single;
    try (NDManager m = NDManager.newBaseManager()) {
      TinyLm lm = model(m, 5);
      TrainerTest.trainer(lm, task, config(), tmp.resolve("single")).fit(false);
      single = TrainerTest.weights(lm);
      assertEquals(Set.of(Thread.currentThread().getName()), task.threads.get(lm), "one device runs inline");
    }
    List<Map<String, float[]>> runs = new ArrayList<>();
    for (int run = 0; run < 2; run++) {
      try (NDManager m0 = NDManager.newBaseManager(); NDManager m1 = NDManager.newBaseManager()) {
        TinyLm lm = model(m0, 5);
        TinyLm replica = model(m1, 77); // different initial weights: the start copy overwrites them
        Trainer.Result r = TrainerTest.trainer(lm, task, config(), tmp.resolve("dp" + run))
            .replicas(List.of(replica)).replicaThreads(1).fit(false);
        assertEquals(4, r.steps()); // 3 epochs × 5 micro-batches = 15 → ceil(15 / 4) with accumulation 4
        assertEquals(Set.of(ReplicaPool.THREAD_PREFIX + "0"), task.threads.get(lm));
        assertEquals(Set.of(ReplicaPool.THREAD_PREFIX + "1"), task.threads.get(replica));
        Map<String, float[]> dp = TrainerTest.weights(lm);
        Map<String, float[]> rep = TrainerTest.weights(replica);
        for (String k : single.keySet()) {
          assertArrayEquals(single.get(k), dp.get(k), 1e-6f, k);
          assertArrayEquals(dp.get(k), rep.get(k), 0f, "replica not synchronised: " + k);
        }
        runs.add(dp);
      }
    }
    for (String k : single.keySet()) {
      assertArrayEquals(runs.get(0).get(k), runs.get(1).get(k), 0f, "data-parallel run not repeatable: " + k);
    }
  }

  /**
   * With a frozen parameter, the copy hook sees it only in the start copy; each step moves the
   * trainable gradients to the master and the trainable weights back, exactly what
   * {@link ReplicaTraffic} computes.
   */
  @Test
  void frozenParametersAreCopiedOnceAndStepsMoveOnlyTheTrainableSet(@TempDir Path tmp) throws Exception {
    WatchedTask task = new WatchedTask();
    try (NDManager m0 = NDManager.newBaseManager(); NDManager m1 = NDManager.newBaseManager();
        NDManager m2 = NDManager.newBaseManager()) {
      TinyLm lm = model(m0, 5);
      List<TinyLm> replicas = List.of(model(m1, 6), model(m2, 7));
      for (TinyLm t : List.of(lm, replicas.get(0), replicas.get(1))) {
        t.embed.setTrainable(false); // the "base": 17 × 8 floats
        t.norm.setTrainable(false);
      }
      long trainable = 0;
      long frozen = 0;
      for (Param p : lm.namedParameters().values()) {
        long n = p.array().getShape().size();
        if (p.trainable()) {
          trainable += n;
        } else {
          frozen += n;
        }
      }
      assertEquals(17 * 8 + 2 * 8, frozen);
      List<Long> perStep = new ArrayList<>();
      long[] current = new long[1];
      long[] atStart = new long[1];
      Set<String> frozenCopiedAfterStart = ConcurrentHashMap.newKeySet();
      boolean[] started = new boolean[1];
      Trainer<TokenTask.Batch> t = TrainerTest.trainer(lm, task, config(), tmp).replicas(replicas).replicaThreads(1)
          .copyHook((kind, name, bytes) -> {
            current[0] += bytes; // called from the trainer's thread only
            if (started[0] && !lm.namedParameters().get(name).trainable()) {
              frozenCopiedAfterStart.add(name);
            }
          })
          .listener(new TrainListener() {
            @Override
            public void started(long startStep, long totalSteps) {
              atStart[0] = current[0];
              current[0] = 0;
              started[0] = true;
            }

            @Override
            public void step(Step s) {
              perStep.add(current[0]);
              current[0] = 0;
            }
          });
      Trainer.Result r = t.fit(false);
      assertEquals(4, r.steps());
      assertEquals(0, r.skippedSteps());
      assertEquals(Set.of(), frozenCopiedAfterStart);
      ReplicaTraffic expected = ReplicaTraffic.of(trainable, frozen, 4, 3);
      assertEquals(expected.atStart(), atStart[0]);
      assertEquals(2L * (trainable + frozen) * 4, atStart[0]);
      assertEquals(4, perStep.size());
      for (long b : perStep) {
        assertEquals(expected.perStep(), b);
        assertEquals(2L * 2 * trainable * 4, b); // 2 replicas × (gradients in + weights out)
      }
      assertTrue(expected.perStepCopyingAll() > expected.perStep());
      // the frozen copy made at the start is still in place on the replicas (never touched since)
      for (TinyLm rep : replicas) {
        assertArrayEquals(lm.embed.weight().array().toFloatArray(), rep.embed.weight().array().toFloatArray(), 0f);
        assertArrayEquals(lm.fc1.weight().array().toFloatArray(), rep.fc1.weight().array().toFloatArray(), 0f);
      }
    }
  }

  /** One replica's thread throws mid-run: one error naming the device, no hang, no threads left. */
  @Test
  void aFailingReplicaEndsTheRunWithOneErrorAndStopsItsThreads(@TempDir Path tmp) throws Exception {
    WatchedTask task = new WatchedTask();
    try (NDManager m0 = NDManager.newBaseManager(); NDManager m1 = NDManager.newBaseManager()) {
      TinyLm lm = model(m0, 5);
      TinyLm replica = model(m1, 6);
      task.failOn = replica;
      task.failAtCall = 3; // the replica runs 2 micro-batches a step: its first one in step 2
      Trainer<TokenTask.Batch> t = TrainerTest.trainer(lm, task, config(), tmp).replicas(List.of(replica))
          .replicaThreads(1);
      IllegalStateException e = assertTimeoutPreemptively(Duration.ofSeconds(60),
          () -> assertThrows(IllegalStateException.class, () -> t.fit(false)));
      assertEquals("device 1 (cpu()) failed in step 2: simulated out of memory on the replica", e.getMessage());
      assertEquals("simulated out of memory on the replica", e.getCause().getMessage());
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (replicaThreadsAlive() && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertFalse(replicaThreadsAlive(), "replica worker threads still running");
      assertEquals(1, MetricsLog.read(tmp.resolve("metrics.jsonl")).size(), "only step 1 completed");
    }
  }

  private static boolean replicaThreadsAlive() {
    return Thread.getAllStackTraces().keySet().stream()
        .anyMatch(th -> th.isAlive() && th.getName().startsWith(ReplicaPool.THREAD_PREFIX));
  }

  /** The figures docs/gpu.md gives for the paper preset on 6 GPUs in float16. */
  @Test
  void paperPresetTrafficPerStep() {
    ReplicaTraffic t = ReplicaTraffic.of(ModelPresets.paper().parameterCounts(), 2, 6);
    long trainable = 149_263_360L;
    long total = 8_179_524_608L;
    assertEquals(5 * 2 * 2 * trainable, t.perStep()); // 2.985 GB
    assertEquals(5 * (2 * trainable + 2 * total), t.perStepCopyingAll()); // 83.29 GB
    assertEquals(5 * 2 * total, t.atStart()); // 81.80 GB, once
    assertEquals(2_985_267_200L, t.perStep());
    assertEquals(83_287_879_680L, t.perStepCopyingAll());
    assertEquals(0, ReplicaTraffic.of(trainable, total - trainable, 2, 1).perStep());
  }
}

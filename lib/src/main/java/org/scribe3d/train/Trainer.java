package org.scribe3d.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.pytorch.engine.PtNDArray;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.scribe3d.io.AtomicFiles;
import org.scribe3d.model.nn.Module;
import org.scribe3d.model.nn.Param;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The training loop, generic over the model ({@link Module}), the micro-batch type and the loss.
 *
 * <p>One optimizer step = {@code accumulation} micro-batches from the {@link DataOrder} stream; each
 * micro-batch's summed loss is divided by the loss units of the whole step before its backward pass,
 * so the accumulated gradient is that of one big batch; then global-norm clipping, AdamW at the
 * scheduled rate (HF warmup + cosine), zeroed gradients.
 *
 * <p>Determinism on CPU: data order and augmentation come from {@link DataOrder} (pure functions of
 * the seed, epoch and sample); the engine's generator (dropout) is re-seeded at every step from
 * (seed, step); torch's intra-op thread count is fixed by {@link TrainConfig#threads} and recorded
 * (reductions may round differently with another count). Hence the only state a resume needs is the
 * step, the weights and the AdamW moments, and a resumed run is bit-identical to an uninterrupted
 * one.
 *
 * <p>Data parallel: with replicas (the same architecture built on other devices' managers) every
 * parameter is copied from the master into the replicas once, at the start. In each step the
 * micro-batches are dealt round-robin to master + replicas and every device runs forward and backward
 * on its share at the same time, each from its own thread ({@link ReplicaPool}); the replicas'
 * gradients of the trainable parameters are summed into the master's in replica order
 * ({@link ReplicaSync}), the master is updated, and only the trainable parameters are copied back.
 * The result equals single-device training with the same accumulation up to the order of the
 * gradient sum (float rounding). Replicas that share a device (DJL has one CPU device) also share its
 * random generator, so with dropout their masks depend on thread timing; GPUs have one each.
 */
public final class Trainer<B> {
  private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);

  /** Periodic evaluation, e.g. validation loss and VQA accuracy; values go to metrics.jsonl. */
  @FunctionalInterface
  public interface Validator {
    Map<String, Double> validate(Module model, long step) throws Exception;
  }

  /** Outcome of {@link #fit}. */
  public record Result(long startStep, long steps, long totalSteps, double lastLoss, double seconds,
      boolean stoppedByTimeLimit, int skippedSteps, Path lastCheckpoint) {}

  private TrainListener listener = TrainListener.NONE;
  private final Module model;
  private final Objective<B> objective;
  private final BatchSource<B> source;
  private final TrainConfig config;
  private final Path runDir;
  private final List<Module> replicas = new ArrayList<>();
  private int replicaThreads;
  private ReplicaSync.CopyHook copyHook = ReplicaSync.CopyHook.NONE;
  private Validator validator;
  private long haltAfterSteps;
  private PrintStream console = System.err;
  private boolean tty = Progress.stderrIsTty();

  public Trainer(Module model, Objective<B> objective, BatchSource<B> source, TrainConfig config, Path runDir) {
    this.model = model;
    this.objective = objective;
    this.source = source;
    this.config = config;
    this.runDir = runDir;
  }

  /** Adds data-parallel replicas (same architecture, parameters on another device's manager). */
  public Trainer<B> replicas(List<? extends Module> more) {
    for (Module r : more) {
      if (!r.trainableParameters().keySet().equals(model.trainableParameters().keySet())) {
        throw new IllegalArgumentException("replica's trainable parameters differ from the model's");
      }
      replicas.add(r);
    }
    return this;
  }

  /**
   * libtorch intra-op threads of each data-parallel device's worker thread (e.g. 1 when replicas share
   * the CPU's cores); 0, the default, takes {@link TrainConfig#threads}.
   */
  public Trainer<B> replicaThreads(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("replica threads must be ≥ 0, got " + n);
    }
    this.replicaThreads = n;
    return this;
  }

  /** Test hook: told of every tensor copied between the master and a replica. */
  Trainer<B> copyHook(ReplicaSync.CopyHook hook) {
    this.copyHook = hook == null ? ReplicaSync.CopyHook.NONE : hook;
    return this;
  }

  public Trainer<B> validator(Validator v) {
    this.validator = v;
    return this;
  }

  /** Test hook: return after this many steps of this call without the final checkpoint (like a kill). */
  Trainer<B> haltAfter(long steps) {
    this.haltAfterSteps = steps;
    return this;
  }

  /** Told of every step and validation (a notebook's live monitor); none by default. */
  public Trainer<B> listener(TrainListener l) {
    this.listener = l == null ? TrainListener.NONE : l;
    return this;
  }

  /** Where progress lines go and whether it is a terminal (bar) or not (plain periodic lines). */
  public Trainer<B> console(PrintStream out, boolean isTty) {
    this.console = out;
    this.tty = isTty;
    return this;
  }

  /**
   * Trains to the end of the schedule (or the time limit). With {@code resume}, continues from the
   * run directory's newest checkpoint; without it, a run directory that already has checkpoints is
   * an error (so a finished run is never silently overwritten).
   */
  public Result fit(boolean resume) throws Exception {
    // libtorch's grad mode is per thread and on by default in a thread the engine was not started
    // from: the copies, clipping and updates of fit must not be recorded (backward passes turn it on)
    boolean wasRecording = JniUtils.isGradMode();
    JniUtils.setGradMode(false);
    try {
      return fitUnrecorded(resume);
    } finally {
      JniUtils.setGradMode(wasRecording);
    }
  }

  private Result fitUnrecorded(boolean resume) throws Exception {
    Files.createDirectories(runDir);
    if (config.threads > 0) {
      JniUtils.setNumThreads(config.threads);
    }
    int size = source.size();
    DataOrder order = new DataOrder(config.seed, size, config.microBatch,
        config.groupSamples ? source.groups() : null);
    long totalSteps = config.totalSteps(size);
    long totalMicro = (long) config.epochs * order.microBatchesPerEpoch();
    LrSchedule schedule = LrSchedule.named(config.schedule, config.lr,
        LrSchedule.warmupSteps(config.warmupFraction, totalSteps), totalSteps);
    Map<String, Param> params = model.trainableParameters();
    if (params.isEmpty()) {
      throw new IllegalArgumentException("the model has no trainable parameters");
    }
    CheckpointStore store = new CheckpointStore(runDir, config.keepLast);
    long startStep = 0;
    double elapsedBefore = 0;
    try (AdamW opt = new AdamW(params, config.optimizer())) {
      Optional<CheckpointStore.Checkpoint> latest = store.latest();
      if (resume && latest.isPresent()) {
        CheckpointStore.Checkpoint ck = latest.get();
        checkCompatible(ck.state(), size, params);
        try (NDManager tmp = NDManager.newBaseManager()) {
          loadModel(ck.model(tmp), ck.dir());
          opt.loadState(ck.optimizer(tmp), ck.state().get("optimizer_step").getAsLong());
        }
        startStep = ck.step();
        elapsedBefore = ck.state().get("elapsed_s").getAsDouble();
        if (config.threads > 0 && ck.state().get("threads").getAsInt() != config.threads) {
          LOG.warn("resuming with {} threads, the checkpoint used {}: results may differ in the last bits",
              config.threads, ck.state().get("threads").getAsInt());
        }
        LOG.info("resuming from {} (step {})", ck.dir(), startStep);
      } else if (!resume && latest.isPresent()) {
        throw new IllegalStateException("run directory " + runDir + " already has checkpoints (newest "
            + latest.get().dir().getFileName() + "); use resume or another directory");
      }
      writeConfig(size, totalSteps);
      ReplicaSync sync = new ReplicaSync(model, replicas, copyHook);
      sync.broadcastAll(); // the frozen base travels once; each step moves only the trainable set
      if (replicas.isEmpty()) {
        return loop(opt, order, schedule, store, startStep, totalSteps, totalMicro, elapsedBefore, params, sync,
            null);
      }
      try (ReplicaPool pool = new ReplicaPool(deviceNames(), replicaThreads > 0 ? replicaThreads : config.threads)) {
        if (config.threads > 0) {
          JniUtils.setNumThreads(config.threads); // this thread's count again (the workers set theirs)
        }
        return loop(opt, order, schedule, store, startStep, totalSteps, totalMicro, elapsedBefore, params, sync,
            pool);
      }
    }
  }

  private List<String> deviceNames() {
    List<String> out = new ArrayList<>();
    out.add(deviceOf(model).toString());
    replicas.forEach(r -> out.add(deviceOf(r).toString()));
    return out;
  }

  private static ai.djl.Device deviceOf(Module m) {
    return m.namedParameters().values().iterator().next().array().getDevice();
  }

  private Result loop(AdamW opt, DataOrder order, LrSchedule schedule, CheckpointStore store, long startStep,
      long totalSteps, long totalMicro, double elapsedBefore, Map<String, Param> params, ReplicaSync sync,
      ReplicaPool pool) throws Exception {
    int acc = config.accumulation;
    long microEnd = Math.min(totalMicro, totalSteps * acc);
    List<Module> devices = new ArrayList<>();
    devices.add(model);
    devices.addAll(replicas);
    model.train(true);
    replicas.forEach(r -> r.train(true));
    long t0 = System.nanoTime();
    double deadline = config.maxMinutes > 0 ? config.maxMinutes * 60 : Double.POSITIVE_INFINITY;
    Progress progress = new Progress(console, tty, "train", totalSteps, config.progressSeconds);
    long step = startStep;
    double lastLoss = Double.NaN;
    int skipped = 0;
    boolean timeUp = false;
    boolean halted = false;
    Path lastCheckpoint = null;
    long lastSaved = startStep;
    double emaRate = 0;
    listener.started(startStep, totalSteps);
    try (MetricsLog metrics = new MetricsLog(runDir.resolve("metrics.jsonl"), startStep);
        PrefetchLoader<B> loader = new PrefetchLoader<>(g -> load(order, g), startStep * acc, microEnd,
            config.prefetch, "scribe3d-loader")) {
      while (step < totalSteps && loader.hasNext()) {
        if ((System.nanoTime() - t0) / 1e9 >= deadline) {
          timeUp = true;
          break;
        }
        long stepStart = System.nanoTime();
        Engine.getInstance().setRandomSeed(DataOrder.stepSeed(config.seed, step));
        List<B> micro = new ArrayList<>(acc);
        for (int k = 0; k < acc && loader.hasNext(); k++) {
          micro.add(loader.next());
        }
        long tData = System.nanoTime();
        long units = 0;
        long tokens = 0;
        int samples = 0;
        for (B b : micro) {
          units += objective.lossUnits(b);
          tokens += objective.tokens(b);
          samples += objective.samples(b);
        }
        double lossSum = 0;
        if (units > 0) {
          double[] losses = pool == null ? forwardBackwardAll(micro, units)
              : forwardBackwardParallel(pool, devices, micro, units, step);
          for (double l : losses) {
            lossSum += l; // in micro-batch order, whichever device ran it
          }
        }
        long tCompute = System.nanoTime();
        sync.reduceGradients();
        double norm = config.maxGradNorm > 0 ? GradClip.clip(params.values(), config.maxGradNorm)
            : GradClip.globalNorm(params.values());
        double lr = schedule.lr(step);
        double loss = units > 0 ? lossSum / units : Double.NaN;
        boolean skip = units == 0 || !Double.isFinite(norm) || !Double.isFinite(loss);
        if (skip) {
          skipped++;
          LOG.warn("step {}: {}; update skipped", step,
              units == 0 ? "no labelled tokens" : "non-finite loss/gradient (loss " + loss + ", norm " + norm + ")");
        } else {
          opt.step(lr);
        }
        opt.zeroGrad();
        sync.zeroReplicaGradients();
        if (!skip) {
          sync.broadcastTrainable();
        }
        long tOpt = System.nanoTime();
        step++;
        lastLoss = loss;
        double dt = (System.nanoTime() - stepStart) / 1e9;
        double elapsed = elapsedBefore + (System.nanoTime() - t0) / 1e9;
        long microDone = Math.min(step * acc, microEnd);
        JsonObject line = new JsonObject();
        line.addProperty("step", step);
        line.addProperty("epoch", (double) microDone / order.microBatchesPerEpoch());
        line.addProperty("loss", loss);
        line.addProperty("lr", lr);
        line.addProperty("grad_norm", norm);
        line.addProperty("tokens_per_s", tokens / dt);
        line.addProperty("samples_per_s", samples / dt);
        line.addProperty("elapsed_s", elapsed);
        // where the step's time went: waiting for data, forward+backward, clipping+update
        line.addProperty("data_wait_s", (tData - stepStart) / 1e9);
        line.addProperty("forward_backward_s", (tCompute - tData) / 1e9);
        line.addProperty("update_s", (tOpt - tCompute) / 1e9);
        if (skip) {
          line.addProperty("skipped", true);
        }
        metrics.write(line);
        emaRate = emaRate == 0 ? 1 / dt : 0.9 * emaRate + 0.1 / dt;
        progress.update(step, emaRate, String.format(Locale.ROOT, "loss %.4f lr %.2e %.1f samples/s",
            loss, lr, samples / dt), false);
        listener.step(new TrainListener.Step(step, totalSteps, (double) microDone / order.microBatchesPerEpoch(), loss,
            lr, norm, samples / dt, emaRate, elapsed, skip));
        boolean end = step >= totalSteps;
        // the finished weights are on disk before the final validation runs (a failing one keeps them)
        if (end || config.checkpointEvery > 0 && step % config.checkpointEvery == 0) {
          lastCheckpoint = save(store, opt, step, order, elapsed);
          lastSaved = step;
        }
        if (validator != null && (end || config.validateEvery > 0 && step % config.validateEvery == 0)) {
          validate(metrics, step, elapsed, progress);
        }
        if (haltAfterSteps > 0 && step - startStep >= haltAfterSteps) {
          halted = true; // test hook: stop like a killed process, without a final checkpoint
          break;
        }
      }
      double elapsed = elapsedBefore + (System.nanoTime() - t0) / 1e9;
      if (halted) {
        Result r = new Result(startStep, step, totalSteps, lastLoss, (System.nanoTime() - t0) / 1e9, false, skipped, null);
        listener.finished(r);
        return r;
      }
      if (step != lastSaved) {
        lastCheckpoint = save(store, opt, step, order, elapsed);
      }
      if (timeUp) {
        progress.message(String.format(Locale.ROOT, "train: time limit reached at step %d of %d (checkpoint saved)",
            step, totalSteps));
      }
      Result r = new Result(startStep, step, totalSteps, lastLoss, (System.nanoTime() - t0) / 1e9, timeUp, skipped,
          lastCheckpoint == null ? store.latest().map(CheckpointStore.Checkpoint::dir).orElse(null) : lastCheckpoint);
      listener.finished(r);
      return r;
    }
  }

  private B load(DataOrder order, long globalMicro) throws Exception {
    int[] samples = order.samples(globalMicro);
    int epoch = order.epochOf(globalMicro);
    SplittableRandom[] rngs = new SplittableRandom[samples.length];
    for (int i = 0; i < samples.length; i++) {
      rngs[i] = order.sampleRandom(epoch, samples[i]);
    }
    return source.load(samples, rngs);
  }

  /** One device: the step's micro-batches one after another on this thread. */
  private double[] forwardBackwardAll(List<B> micro, long units) {
    double[] losses = new double[micro.size()];
    for (int k = 0; k < micro.size(); k++) {
      losses[k] = forwardBackward(model, micro.get(k), units);
    }
    return losses;
  }

  /** Micro-batch k on device k mod D; all devices at once, each from its own worker thread. */
  private double[] forwardBackwardParallel(ReplicaPool pool, List<Module> devices, List<B> micro, long units,
      long step) throws Exception {
    double[] losses = new double[micro.size()];
    int d = devices.size();
    pool.run("step " + (step + 1), (device, cancelled) -> {
      for (int k = device; k < micro.size() && !cancelled.get(); k += d) {
        losses[k] = forwardBackward(devices.get(device), micro.get(k), units); // distinct k per thread
      }
      return null;
    });
    return losses;
  }

  private double forwardBackward(Module m, B batch, long units) {
    NDManager base = deviceManager(m);
    // grad mode is per thread in libtorch; DJL's GradientCollector allows one collector per process,
    // so each device's thread records and runs its own backward
    boolean wasRecording = JniUtils.isGradMode();
    JniUtils.setGradMode(true);
    try (NDManager mm = base.newSubManager(); NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      NDArray loss = objective.lossSum(m, batch, mm);
      // the divisor must stay alive until backward has run: autograd keeps a reference to it, and
      // div(Number) would wrap a temporary Java buffer that DJL frees right after the forward op
      NDArray denom = mm.create((float) units);
      NDArray scaled = loss.div(denom);
      NDArray seed = mm.ones(scaled.getShape(), scaled.getDataType());
      JniUtils.backward((PtNDArray) scaled, (PtNDArray) seed, false, false);
      return loss.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).getFloat();
    } finally {
      JniUtils.setGradMode(wasRecording);
    }
  }

  private static NDManager deviceManager(Module m) {
    return m.namedParameters().values().iterator().next().array().getManager();
  }

  private Path save(CheckpointStore store, AdamW opt, long step, DataOrder order, double elapsed) throws IOException {
    Map<String, NDArray> weights = new LinkedHashMap<>();
    for (Map.Entry<String, Param> e : model.namedParameters().entrySet()) {
      if (config.saveFrozen || e.getValue().trainable()) {
        weights.put(e.getKey(), e.getValue().array());
      }
    }
    long microDone = step * config.accumulation;
    JsonObject state = new JsonObject();
    state.addProperty("step", step);
    state.addProperty("optimizer_step", opt.stepCount());
    state.addProperty("scheduler_step", step);
    state.addProperty("epoch", order.epochOf(microDone));
    state.addProperty("micro_batch_in_epoch", microDone % order.microBatchesPerEpoch());
    state.addProperty("seed", config.seed);
    state.addProperty("rng", "derived: data order/augmentation from (seed, epoch, sample), engine seed from (seed, step)");
    state.addProperty("dataset_size", order.datasetSize());
    state.addProperty("threads", config.threads);
    state.addProperty("elapsed_s", elapsed);
    state.add("config", config.toJson());
    JsonArray names = new JsonArray();
    model.trainableParameters().keySet().forEach(names::add);
    state.add("trainable", names);
    Path dir = store.save(step, weights, opt.stateTensors(), state);
    LOG.info("checkpoint {}", dir);
    return dir;
  }

  private void checkCompatible(JsonObject state, int size, Map<String, Param> params) {
    List<String> diffs = new ArrayList<>();
    TrainConfig saved = TrainConfig.fromJson(state.getAsJsonObject("config"));
    check(diffs, "epochs", saved.epochs, config.epochs);
    check(diffs, "max steps", saved.maxSteps, config.maxSteps);
    check(diffs, "micro-batch", saved.microBatch, config.microBatch);
    check(diffs, "accumulation", saved.accumulation, config.accumulation);
    check(diffs, "lr", saved.lr, config.lr);
    check(diffs, "betas", saved.beta1 + "," + saved.beta2, config.beta1 + "," + config.beta2);
    check(diffs, "eps", saved.eps, config.eps);
    check(diffs, "weight decay", saved.weightDecay, config.weightDecay);
    check(diffs, "warmup", saved.warmupFraction, config.warmupFraction);
    check(diffs, "max grad norm", saved.maxGradNorm, config.maxGradNorm);
    check(diffs, "seed", saved.seed, config.seed);
    check(diffs, "sample grouping", saved.groupSamples, config.groupSamples);
    check(diffs, "dataset size", state.get("dataset_size").getAsInt(), size);
    List<String> names = new ArrayList<>();
    state.getAsJsonArray("trainable").forEach(e -> names.add(e.getAsString()));
    if (!names.equals(new ArrayList<>(params.keySet()))) {
      diffs.add("trainable parameters");
    }
    if (!diffs.isEmpty()) {
      throw new IllegalStateException("cannot resume: the checkpoint was made with a different "
          + String.join(", ", diffs));
    }
  }

  private static void check(List<String> diffs, String what, Object saved, Object now) {
    if (!saved.equals(now)) {
      diffs.add(what + " (" + saved + " vs " + now + ")");
    }
  }

  private void loadModel(Map<String, NDArray> tensors, Path dir) {
    Map<String, Param> all = model.namedParameters();
    for (Map.Entry<String, Param> e : model.trainableParameters().entrySet()) {
      if (!tensors.containsKey(e.getKey())) {
        throw new IllegalStateException("checkpoint " + dir + " lacks trainable parameter " + e.getKey());
      }
    }
    for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
      Param p = all.get(e.getKey());
      if (p == null) {
        throw new IllegalStateException("checkpoint " + dir + " has unknown parameter " + e.getKey());
      }
      Tensors.assign(p.array(), e.getValue(), e.getKey()); // in place: see Tensors.assign
    }
  }

  /** A validation key containing this (e.g. {@code finding_head_auc/type:ascites}) is logged, not printed. */
  public static final String DETAIL = "/";

  private void validate(MetricsLog metrics, long step, double elapsed, Progress progress) throws Exception {
    model.train(false);
    try {
      Map<String, Double> values = validator.validate(model, step);
      JsonObject line = new JsonObject();
      line.addProperty("step", step);
      line.addProperty("elapsed_s", elapsed);
      line.addProperty("kind", "validation");
      values.forEach(line::addProperty);
      metrics.write(line);
      StringBuilder sb = new StringBuilder("validation at step " + step + ":");
      values.forEach((k, v) -> {
        if (!k.contains(DETAIL)) { // details (e.g. one AUC per finding type) go to metrics.jsonl only
          sb.append(String.format(Locale.ROOT, " %s %.4f", k, v));
        }
      });
      progress.message(sb.toString());
      listener.validated(new TrainListener.Validation(step, values.getOrDefault("val_loss", Double.NaN),
          values.getOrDefault("vqa_accuracy", Double.NaN)));
    } finally {
      model.train(true);
    }
  }

  private void writeConfig(int size, long totalSteps) throws IOException {
    JsonObject o = new JsonObject();
    o.add("train", config.toJson());
    o.addProperty("dataset_size", size);
    o.addProperty("total_steps", totalSteps);
    o.addProperty("replicas", replicas.size());
    if (!replicas.isEmpty()) {
      o.addProperty("replica_threads", replicaThreads > 0 ? replicaThreads : config.threads);
    }
    AtomicFiles.writeString(runDir.resolve("train-config.json"),
        new GsonBuilder().setPrettyPrinting().create().toJson(o));
  }
}

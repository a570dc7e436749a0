/**
 * Training: the loop ({@link org.scribe3d.train.Trainer}), AdamW, clipping, the warmup-cosine
 * schedule, the masked causal-LM loss, checkpoints, metrics and the data side (order, prefetching,
 * preprocessed-volume cache), and vision pretraining ({@link org.scribe3d.train.FindingTask}, with the dense
 * head's per-token targets from phantom boxes, {@link org.scribe3d.train.DenseTargets}). Generic over {@link org.scribe3d.model.nn.Module}; the multimodal
 * model plugs in through an {@link org.scribe3d.train.Objective} and a
 * {@link org.scribe3d.train.BatchSource}.
 *
 * <h2>Determinism (CPU)</h2>
 * <ul>
 *   <li>Data order: one seeded Fisher–Yates permutation per epoch ({@link org.scribe3d.train.DataOrder});
 *       micro-batch g of the run is a pure function of (seed, g).</li>
 *   <li>Augmentation: each sample gets its own {@code SplittableRandom} from (seed, epoch, sample), so
 *       results do not depend on how far the background loader runs ahead.</li>
 *   <li>Engine generator (dropout): re-seeded at every optimizer step from (seed, step) through
 *       {@code Engine.setRandomSeed}; no generator state needs saving.</li>
 *   <li>Torch intra-op threads: set by {@code TrainConfig.threads} ({@code torch.set_num_threads});
 *       keep the same count across a run and its resumption (recorded in the checkpoint): with a
 *       different count reductions may round differently.</li>
 * </ul>
 * So a checkpoint needs only the weights, the AdamW moments and the step; a resumed run is
 * bit-identical to an uninterrupted one ({@code TrainerTest}).
 *
 * <h2>A DJL hazard in model code</h2>
 * {@code NDArray.mul(Number)} / {@code div(Number)} wrap the number in a Java direct buffer and free
 * it right after the op, but autograd keeps that tensor for the backward pass: a GC in between makes
 * the backward read freed memory (seen: a gradient norm of 1.4e8 at one step, runs differing between
 * processes). Inside a training forward, scale by an NDArray that lives until after backward (the
 * trainer's loss divisor does); {@link org.scribe3d.train.Tensors#owned} copies Java-made inputs
 * into libtorch memory.
 *
 * <h2>Checkpoints</h2>
 * {@code RUN/checkpoints/step-NNNNNNNN/{model.safetensors, optimizer.safetensors, state.json}}, written
 * to a temp directory and renamed; the newest K kept. The tensor files use the safetensors layout
 * (own minimal writer until the llm branch's {@code checkpoint.Safetensors} is on main).
 *
 * <h2>Several devices</h2>
 * Data parallel with replicas built on other devices' managers: every parameter copied to the
 * replicas once at the start; per step the micro-batches are dealt round-robin and the devices run
 * forward and backward at once, one worker thread each ({@code ReplicaPool}); the
 * trainable gradients are summed into the master's in replica order, one AdamW update runs on the
 * master, and only the trainable weights are copied back ({@code ReplicaSync}).
 * DJL has a single CPU device ({@code Device.cpu()} takes no index), so on CPU the replicas are extra
 * managers on the same device; with one torch thread each they still use separate cores
 * ({@code bench/data_parallel.sh}). Equal to single-device training up to the order of the gradient
 * sum ({@code DataParallelTest}).
 */
package org.scribe3d.train;

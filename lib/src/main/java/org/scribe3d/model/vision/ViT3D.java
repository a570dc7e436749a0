package org.scribe3d.model.vision;

import org.scribe3d.model.nn.Scalars;
import org.scribe3d.model.nn.Casts;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import java.util.ArrayList;
import java.util.List;
import org.scribe3d.checkpoint.ModuleLoader;
import org.scribe3d.checkpoint.TensorSource;
import org.scribe3d.checkpoint.VisionNames;
import org.scribe3d.model.nn.Conv3d;
import org.scribe3d.model.nn.LayerNorm;
import org.scribe3d.model.nn.Linear;
import org.scribe3d.model.nn.Module;
import org.scribe3d.model.nn.Param;

/**
 * The 3D vision transformer of M3D-CLIP (MONAI 1.3 {@code ViT} with {@code pos_embed="perceptron"},
 * {@code classification=True}), parameter for parameter: its {@link #namedParameters()} are the bare
 * checkpoint names ({@code patch_embedding.position_embeddings},
 * {@code patch_embedding.patch_embeddings.1.weight}, {@code cls_token}, {@code blocks.N.attn.qkv.weight},
 * …, {@code norm.weight}); see {@code org.scribe3d.checkpoint.VisionNames} for the prefixed layouts.
 *
 * <p>Forward: each patch is flattened in the order (pD, pH, pW, C) and projected by a Linear (the same
 * as a Conv3d with kernel = stride = patch); the learnable position embedding is added; the CLS token
 * is put in front afterwards (it has no position embedding); pre-norm blocks x + Attn(LN(x)),
 * x + MLP(LN(x)) with exact GELU; a final LayerNorm over all tokens. Dropout is 0, as in M3D.
 *
 * <p>With {@link ViTConfig#CONV_STEM} (not M3D's; an option for training from scratch on little data)
 * the patch projection is replaced by a stack of 3×3×3 convolutions ({@code patch_embedding.conv_stem.N})
 * and a Linear to the width ({@code patch_embedding.stem_proj}); everything after it is the same.
 */
public final class ViT3D extends Module {
  private final ViTConfig config;
  private final PatchEmbedding patchEmbedding;
  private final List<Block> blocks;
  private final LayerNorm norm;
  private final Param clsToken;

  /**
   * A randomly initialised encoder (MONAI's init: position embedding and patch projection weights
   * normal(0, 0.02) — MONAI's trunc_normal_ bounds ±2 never bind at that std — patch bias 0, CLS
   * token 0, other Linear layers as torch.nn.Linear), seeded through the engine's generator. With the
   * conv stem (the small-data recipe) each block also starts as the identity: the last Linear of its
   * attention and of its MLP is zero, so the tokens are the convolutional features until the blocks
   * learn something to add. Random blocks bury those features under their own output at the start,
   * and a from-scratch encoder then barely learns (docs/experiments.md: a PyTorch twin with three
   * random blocks stayed at validation AUC 0.53–0.58 for 17 epochs where the stem alone reached 0.72);
   * zero-initialised residual branches are the usual remedy (Goyal et al. 2017, Fixup, ReZero).
   */
  public ViT3D(ViTConfig config, NDManager manager, DataType dtype, long seed) {
    this.config = config;
    Engine.getInstance().setRandomSeed((int) seed);
    this.patchEmbedding = child("patch_embedding", new PatchEmbedding(config, manager, dtype));
    List<Block> bs = new ArrayList<>();
    for (int i = 0; i < config.layers(); i++) {
      Block blk = new Block(config, manager, dtype);
      if (config.convStem()) {
        blk.zeroResidualOutputs();
      }
      bs.add(blk);
    }
    this.blocks = children("blocks", bs);
    this.norm = child("norm", new LayerNorm(manager, config.hidden(), (float) config.layerNormEps(), dtype));
    this.clsToken = param("cls_token", manager.zeros(new Shape(1, 1, config.hidden()), dtype), true);
  }

  public ViTConfig config() {
    return config;
  }

  /**
   * Loads weights from a checkpoint in any of the {@link VisionNames.Layout}s (detected from the
   * names; tensors that are not the encoder's are ignored). Every missing or mis-shaped encoder tensor
   * is listed in one {@link org.scribe3d.checkpoint.CheckpointException}.
   */
  public ModuleLoader.Report loadWeights(TensorSource source) {
    VisionNames.Layout layout = VisionNames.detect(source.names());
    return ModuleLoader.load(this, source, VisionNames.visionMap(layout), p -> false);
  }

  /**
   * Patch tokens for the projector: images [B, C, D, H, W] → [B, N, hidden], the last layer after
   * the final norm with the CLS token dropped (M3D's select_layer -1, select_feature "patch").
   */
  public NDArray forward(NDArray images) {
    NDArray all = forwardWithCls(images);
    return all.get(new NDIndex(":, 1:, :"));
  }

  /** All tokens after the final norm, CLS first: [B, 1 + N, hidden]. */
  public NDArray forwardWithCls(NDArray images) {
    Shape s = images.getShape();
    if (s.dimension() != 5 || s.get(1) != config.channels() || s.get(2) != config.depth()
        || s.get(3) != config.height() || s.get(4) != config.width()) {
      throw new IllegalArgumentException("ViT3D expects images [B, " + config.channels() + ", " + config.depth()
          + ", " + config.height() + ", " + config.width() + "], got " + s);
    }
    if (images.getDataType() != clsToken.array().getDataType()) { // e.g. float32 voxels, float16 weights
      images = images.toType(clsToken.array().getDataType(), false); // input data: no gradient needed
    }
    NDArray x = patchEmbedding.forward(images);
    long b = s.get(0);
    NDArray cls = clsToken.array().broadcast(new Shape(b, 1, config.hidden()));
    // an op's result belongs to its receiver's manager: left on the parameter's, the broadcast and everything
    // computed from it after the concat would outlive the caller's (sub-)manager — 20 MB per scan in the hints
    cls.attach(x.getManager());
    x = cls.concat(x, 1);
    for (Block blk : blocks) {
      x = blk.forward(x);
    }
    return norm.forward(x);
  }

  /**
   * Voxels to tokens, plus the position embedding. Patch stem: flatten patches (pD, pH, pW, C) →
   * Linear. Conv stem: 3×3×3 convolutions + ReLU down to the patch grid ({@code conv_stem.N}), then
   * a Linear from the last channels to the width ({@code stem_proj}), tokens in grid order (d, h, w).
   */
  static final class PatchEmbedding extends Module {
    private final ViTConfig c;
    private final Param positionEmbeddings;
    private final PatchProjection patchEmbeddings;
    private final List<Conv3d> convStem;
    private final Linear stemProj;

    PatchEmbedding(ViTConfig c, NDManager m, DataType dtype) {
      this.c = c;
      this.positionEmbeddings = param("position_embeddings",
          m.randomNormal(0f, 0.02f, new Shape(1, c.numPatches(), c.hidden()), dtype), true);
      if (c.convStem()) {
        List<Conv3d> convs = new ArrayList<>();
        int in = c.channels();
        for (int i = 0; i < c.stemLayers(); i++) {
          convs.add(new Conv3d(m, in, c.stemChannels(i), 3, c.stemStride(i), dtype));
          in = c.stemChannels(i);
        }
        this.convStem = children("conv_stem", convs);
        this.stemProj = child("stem_proj", new Linear(m, in, c.hidden(), true, dtype));
        this.patchEmbeddings = null;
      } else {
        this.patchEmbeddings = child("patch_embeddings", new PatchProjection(c, m, dtype));
        this.convStem = List.of();
        this.stemProj = null;
      }
    }

    NDArray forward(NDArray images) {
      if (!c.convStem()) {
        return patchEmbeddings.linear.forward(patches(images, c)).add(positionEmbeddings.array());
      }
      NDArray h = images;
      for (Conv3d conv : convStem) {
        h = Activation.relu(conv.forward(h));
      }
      long b = h.getShape().get(0);
      NDArray tokens = h.reshape(b, h.getShape().get(1), c.numPatches()).transpose(0, 2, 1); // [B, N, C]
      return stemProj.forward(tokens).add(positionEmbeddings.array());
    }
  }

  /**
   * Images [B, C, D, H, W] → patch vectors [B, N, pD·pH·pW·C]: patches in grid order (d, h, w), each
   * flattened as (pD, pH, pW, C) — einops "b c (h p1) (w p2) (d p3) -> b (h w d) (p1 p2 p3 c)".
   */
  public static NDArray patches(NDArray images, ViTConfig c) {
    long b = images.getShape().get(0);
    return images.reshape(b, c.channels(), c.gridD(), c.patchD(), c.gridH(), c.patchH(), c.gridW(), c.patchW())
        .transpose(0, 2, 4, 6, 3, 5, 7, 1)
        .reshape(b, c.numPatches(), c.patchVolume());
  }

  /** Holds the Linear at index 1 of MONAI's nn.Sequential(Rearrange, Linear), for the checkpoint name. */
  static final class PatchProjection extends Module {
    final Linear linear;

    PatchProjection(ViTConfig c, NDManager m, DataType dtype) {
      linear = child("1", new Linear(m, c.patchVolume(), c.hidden(), true, dtype));
      linear.weight().replace(m.randomNormal(0f, 0.02f, new Shape(c.hidden(), c.patchVolume()), dtype));
      linear.bias().replace(m.zeros(new Shape(c.hidden()), dtype));
    }
  }

  /** MONAI TransformerBlock: x + attn(norm1(x)), then x + mlp(norm2(x)). */
  public static final class Block extends Module {
    private final LayerNorm norm1;
    private final SelfAttention attn;
    private final LayerNorm norm2;
    private final Mlp mlp;

    Block(ViTConfig c, NDManager m, DataType dtype) {
      float eps = (float) c.layerNormEps();
      mlp = child("mlp", new Mlp(c, m, dtype));
      norm1 = child("norm1", new LayerNorm(m, c.hidden(), eps, dtype));
      attn = child("attn", new SelfAttention(c, m, dtype));
      norm2 = child("norm2", new LayerNorm(m, c.hidden(), eps, dtype));
    }

    /** Zeroes the last Linear of both residual branches: the block is the identity until trained. */
    void zeroResidualOutputs() {
      for (Linear l : List.of(attn.outProj, mlp.linear2)) {
        for (Param p : List.of(l.weight(), l.bias())) {
          try (NDArray zero = p.array().zerosLike()) {
            p.copyFrom(zero);
          }
        }
      }
    }

    NDArray forward(NDArray x) {
      NDArray h = x.add(attn.forward(norm1.forward(x)));
      return h.add(mlp.forward(norm2.forward(h)));
    }
  }

  /**
   * MONAI SABlock: one fused qkv Linear whose output features are ordered (qkv, head, head_dim) —
   * einops "b h (qkv l d) -> qkv b l h d" — softmax(q kᵀ / sqrt(d)) v, heads concatenated, out_proj.
   */
  public static final class SelfAttention extends Module {
    private final Linear qkv;
    private final Linear outProj;
    private final int heads;
    private final int headDim;

    SelfAttention(ViTConfig c, NDManager m, DataType dtype) {
      heads = c.heads();
      headDim = c.headDim();
      outProj = child("out_proj", new Linear(m, c.hidden(), c.hidden(), true, dtype));
      qkv = child("qkv", new Linear(m, c.hidden(), 3 * c.hidden(), c.qkvBias(), dtype));
    }

    NDArray forward(NDArray x) {
      long b = x.getShape().get(0);
      long n = x.getShape().get(1);
      NDArray t = qkv.forward(x).reshape(b, n, 3, heads, headDim).transpose(2, 0, 3, 1, 4); // [3, B, h, N, d]
      NDArray q = Scalars.mul(t.get(0), 1.0 / Math.sqrt(headDim));
      NDArray k = t.get(1);
      NDArray v = t.get(2);
      NDArray scores = q.matMul(k.transpose(0, 1, 3, 2));
      DataType dt = scores.getDataType();
      NDArray probs = dt == DataType.FLOAT32 ? scores.softmax(-1)
          : Casts.withGrad(Casts.withGrad(scores, DataType.FLOAT32).softmax(-1), dt); // see Casts: toType cuts autograd
      NDArray out = probs.matMul(v).transpose(0, 2, 1, 3).reshape(b, n, (long) heads * headDim);
      return outProj.forward(out);
    }
  }

  /** MONAI MLPBlock: linear2(GELU(linear1(x))), exact (erf) GELU. */
  public static final class Mlp extends Module {
    private final Linear linear1;
    private final Linear linear2;

    Mlp(ViTConfig c, NDManager m, DataType dtype) {
      linear1 = child("linear1", new Linear(m, c.hidden(), c.mlpDim(), true, dtype));
      linear2 = child("linear2", new Linear(m, c.mlpDim(), c.hidden(), true, dtype));
    }

    NDArray forward(NDArray x) {
      return linear2.forward(Activation.gelu(linear1.forward(x)));
    }
  }
}

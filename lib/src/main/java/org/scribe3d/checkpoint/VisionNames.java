package org.scribe3d.checkpoint;

import java.util.Collection;
import java.util.function.Function;

/**
 * Checkpoint names of the vision encoder and the projector in the layouts that public releases use.
 *
 * <ul>
 *   <li>{@link Layout#M3D_CLIP}: the M3D-CLIP release, {@code vision_encoder.blocks.0.attn.qkv.weight}
 *       (next to {@code language_encoder.*}, {@code mm_vision_proj.*}, … which a vision load ignores);
 *   <li>{@link Layout#M3D_LAMED}: M3D-LaMed, {@code model.vision_tower.vision_tower.blocks.0.…} (next to
 *       the language model and {@code model.mm_projector.projector.{0,2}.*});
 *   <li>{@link Layout#BARE}: the encoder's own names, {@code blocks.0.attn.qkv.weight}.
 * </ul>
 * The maps return the bare (module) name, or null for tensors that belong to something else.
 */
public final class VisionNames {
  /** Projector prefix in M3D-LaMed checkpoints: {@code model.mm_projector.projector.0.weight}. */
  public static final String LAMED_PROJECTOR_PREFIX = "model.mm_projector.";

  private VisionNames() {}

  /** Where the vision tensors sit in a checkpoint. */
  public enum Layout {
    M3D_CLIP("vision_encoder."),
    M3D_LAMED("model.vision_tower.vision_tower."),
    BARE("");

    private final String prefix;

    Layout(String prefix) {
      this.prefix = prefix;
    }

    public String prefix() {
      return prefix;
    }

    /** The checkpoint name of a bare vision parameter name in this layout. */
    public String name(String bare) {
      return prefix + bare;
    }
  }

  /** Bare-name roots of the ViT: a bare-layout tensor must start with one of these. */
  private static final String[] VIT_ROOTS = {"patch_embedding.", "blocks.", "norm.", "cls_token"};

  /**
   * Detects the layout from the tensor names: M3D-LaMed if any name has its prefix, else M3D-CLIP
   * if any has {@code vision_encoder.}, else bare.
   */
  public static Layout detect(Collection<String> names) {
    boolean clip = false;
    for (String n : names) {
      if (n.startsWith(Layout.M3D_LAMED.prefix)) {
        return Layout.M3D_LAMED;
      }
      clip |= n.startsWith(Layout.M3D_CLIP.prefix);
    }
    return clip ? Layout.M3D_CLIP : Layout.BARE;
  }

  /**
   * Checkpoint name → bare ViT name (null = not a vision tensor, ignored). In the prefixed layouts
   * everything without the prefix is ignored; in the bare layout, names that do not start like a ViT
   * parameter are ignored (projector, language model), so a stray ViT-looking name still fails loudly.
   */
  public static Function<String, String> visionMap(Layout layout) {
    if (layout == Layout.BARE) {
      return n -> {
        for (String r : VIT_ROOTS) {
          if (n.startsWith(r)) {
            return n;
          }
        }
        return null;
      };
    }
    String p = layout.prefix;
    return n -> n.startsWith(p) ? n.substring(p.length()) : null;
  }

  /**
   * Checkpoint name → projector module name ({@code projector.0.weight}, …), null for other tensors.
   * Accepts M3D-LaMed's {@code model.mm_projector.projector.*}, {@code mm_projector.projector.*} and
   * bare {@code projector.*}.
   */
  public static String projectorName(String ck) {
    if (ck.startsWith(LAMED_PROJECTOR_PREFIX + "projector.")) {
      return ck.substring(LAMED_PROJECTOR_PREFIX.length());
    }
    if (ck.startsWith("mm_projector.projector.")) {
      return ck.substring("mm_projector.".length());
    }
    if (ck.startsWith("projector.")) {
      return ck;
    }
    return null;
  }
}

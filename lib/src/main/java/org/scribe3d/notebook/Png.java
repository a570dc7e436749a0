package org.scribe3d.notebook;

import java.awt.image.RenderedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import javax.imageio.ImageIO;

/** PNG encoding for notebook outputs and HTML reports. */
public final class Png {
  private Png() {}

  public static byte[] encode(RenderedImage image) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      if (!ImageIO.write(image, "png", out)) {
        throw new IllegalArgumentException("no PNG writer for image type " + image.getClass().getName());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("PNG encoding failed", e);
    }
    return out.toByteArray();
  }

  /** Base64 of the PNG bytes: the form Jupyter's image/png output carries. */
  public static String base64(RenderedImage image) {
    return Base64.getEncoder().encodeToString(encode(image));
  }

  /** A data: URI for an HTML {@code <img src>}. */
  public static String dataUri(RenderedImage image) {
    return "data:image/png;base64," + base64(image);
  }
}

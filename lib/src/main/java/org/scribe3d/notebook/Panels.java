package org.scribe3d.notebook;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;

/** Images side by side or in a grid, each with a title above it (e.g. before/after panels). */
public final class Panels {
  private static final int GAP = 8;
  private static final int TITLE = 20;

  private Panels() {}

  public static BufferedImage beforeAfter(BufferedImage before, BufferedImage after) {
    return row(List.of("before", "after"), List.of(before, after));
  }

  public static BufferedImage sideBySide(String leftTitle, BufferedImage left, String rightTitle, BufferedImage right) {
    return row(List.of(leftTitle, rightTitle), List.of(left, right));
  }

  public static BufferedImage row(List<String> titles, List<BufferedImage> images) {
    return grid(titles, images, Math.max(1, images.size()));
  }

  public static BufferedImage grid(List<String> titles, List<BufferedImage> images, int columns) {
    if (images.isEmpty()) {
      throw new IllegalArgumentException("no images to arrange");
    }
    if (titles.size() != images.size()) {
      throw new IllegalArgumentException(titles.size() + " titles for " + images.size() + " images");
    }
    int cols = Math.min(columns, images.size());
    int rows = (images.size() + cols - 1) / cols;
    int cellW = 0;
    int cellH = 0;
    for (BufferedImage im : images) {
      cellW = Math.max(cellW, im.getWidth());
      cellH = Math.max(cellH, im.getHeight());
    }
    int w = cols * cellW + (cols + 1) * GAP;
    int h = rows * (cellH + TITLE) + (rows + 1) * GAP;
    BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, w, h);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
      for (int n = 0; n < images.size(); n++) {
        int c = n % cols;
        int r = n / cols;
        int x = GAP + c * (cellW + GAP);
        int y = GAP + r * (cellH + TITLE + GAP);
        BufferedImage im = images.get(n);
        g.setColor(Color.DARK_GRAY);
        String t = titles.get(n) == null ? "" : titles.get(n);
        g.drawString(t, x + (cellW - g.getFontMetrics().stringWidth(t)) / 2, y + 14);
        g.drawImage(im, x + (cellW - im.getWidth()) / 2, y + TITLE, null);
      }
    } finally {
      g.dispose();
    }
    return out;
  }
}

package org.scribe3d.notebook;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scribe3d.volume.Orientation;
import org.scribe3d.volume.Volume;
import org.scribe3d.volume.VolumeIO;

class CtViewerTest {
  /** A small scan stored LPS (i toward the patient's left, j posterior), in HU, with an offset origin. */
  static Volume lpsScan() {
    int nx = 24;
    int ny = 20;
    int nz = 12;
    float[] v = new float[nx * ny * nz];
    for (int k = 0; k < nz; k++) {
      for (int j = 0; j < ny; j++) {
        for (int i = 0; i < nx; i++) {
          v[i + nx * (j + ny * k)] = -1000 + 40 * i + 7 * j + k; // distinct, whole HU
        }
      }
    }
    double[][] a = {{-1.5, 0, 0, 30}, {0, -1.5, 0, 40}, {0, 0, 5, -60}, {0, 0, 0, 1}};
    return new Volume(v, nx, ny, nz, a);
  }

  private static Volume decode(String b64, Path dir, String name) throws Exception {
    Path f = dir.resolve(name + ".nii.gz");
    Files.write(f, Base64.getDecoder().decode(b64));
    return VolumeIO.load(f);
  }

  @Test
  void embeddedNiftiReadsBackWithItsAffineOrientationAndValues(@TempDir Path dir) throws Exception {
    Volume scan = lpsScan();
    CtViewer.Encoded e = CtViewer.of(scan).encoded(CtViewer.MAX_BYTES);
    Volume back = decode(e.volume(), dir, "scan");
    assertArrayEquals(scan.shape(), back.shape(), "small enough to travel unshrunk");
    assertEquals("LPS", Orientation.axcodes(back.affine()));
    for (int r = 0; r < 4; r++) {
      assertArrayEquals(scan.affine()[r], back.affine()[r], 1e-4, "affine row " + r);
    }
    assertArrayEquals(scan.voxels(), back.voxels(), 0f, "HU kept exactly (int16, no scaling)");
  }

  @Test
  void aScanTooBigForTheBudgetIsShrunkOnEveryAxisAndTheOutputStaysWithinEightMegabytes() {
    // incompressible HU noise: 13.5 M voxels, 27 MB as int16 before gzip
    int nx = 300;
    int ny = 300;
    int nz = 150;
    float[] v = new float[nx * ny * nz];
    Random rnd = new Random(1);
    for (int i = 0; i < v.length; i++) {
      v[i] = rnd.nextInt(3000) - 1000;
    }
    double[][] a = {{0.7, 0, 0, 0}, {0, 0.7, 0, 0}, {0, 0, 2, 0}, {0, 0, 0, 1}};
    Volume big = new Volume(v, nx, ny, nz, a);
    CtViewer viewer = CtViewer.of(big);
    Map<String, Object> b = new RichOutput(RichOutput.PlotlyEmbed.ONCE).bundle(viewer);
    long size = ((String) b.get("text/html")).length() + ((String) b.get("image/png")).length();
    assertTrue(size <= CtViewer.MAX_BYTES, size + " bytes");
    assertTrue(((String) b.get("text/html")).contains("data-scribe3d-niivue-js"), "the first viewer carries NiiVue");
    int[] shown = viewer.encoded(CtViewer.MAX_BYTES - NiivueJs.source().length()
        - ((String) b.get("image/png")).length() - 64_000).shown().shape();
    assertTrue(shown[0] < nx && shown[2] < nz, java.util.Arrays.toString(shown));
    assertEquals(1.0, (double) shown[0] / shown[2] / 2.0, 0.05, "proportions kept: " + java.util.Arrays.toString(shown));
    // the shrunk grid still spans the scan: its corners map into the same world box
    double[][] sa = viewer.encoded(CtViewer.MAX_BYTES - NiivueJs.source().length()
        - ((String) b.get("image/png")).length() - 64_000).shown().affine();
    assertEquals(0.7 * nx / shown[0], sa[0][0], 1e-9);
  }

  @Test
  void niivueIsEmbeddedOnceAcrossTwoViewersOfOneNotebook() {
    RichOutput notebook = new RichOutput(RichOutput.PlotlyEmbed.ONCE);
    String first = (String) notebook.bundle(CtViewer.of(lpsScan())).get("text/html");
    String second = (String) notebook.bundle(CtViewer.of(lpsScan()).window(Window.BONE)).get("text/html");
    String both = first + second;
    assertEquals(1, count(both, "data-scribe3d-niivue-js"), "NiiVue's script tag once");
    assertEquals(1, count(both, "niivue.umd") + count(both, NiivueJs.source().substring(0, 200)), "NiiVue's source once");
    assertEquals(2, count(both, "class=\"scribe3d-viewer\""));
    assertTrue(!second.contains("data-scribe3d-niivue-js"));
    // each output has its own element id, which its script looks for
    Matcher m = Pattern.compile("id=\"(scribe3d-viewer-[^\"]+)\"").matcher(both);
    assertTrue(m.find());
    String id1 = m.group(1);
    assertTrue(m.find());
    assertTrue(!id1.equals(m.group(1)));
    assertTrue(both.contains("var ID = '" + id1 + "'"));
    // every output carries it when the notebook asks for scripts everywhere
    RichOutput each = new RichOutput(RichOutput.PlotlyEmbed.EACH);
    each.bundle(CtViewer.of(lpsScan()));
    assertEquals(1, count((String) each.bundle(CtViewer.of(lpsScan())).get("text/html"), "data-scribe3d-niivue-js"));
  }

  @Test
  void htmlDocumentWithTwoViewersCarriesNiivueOnce() {
    String page = new HtmlDocument("two").add(CtViewer.of(lpsScan())).add(CtViewer.of(lpsScan())).html();
    assertEquals(1, count(page, "data-scribe3d-niivue-js"));
  }

  @Test
  void thePngFallbackShowsThreePlanes() throws Exception {
    Map<String, Object> b = new RichOutput(RichOutput.PlotlyEmbed.ONCE).bundle(CtViewer.of(lpsScan()));
    assertEquals(List.of("text/html", "image/png", "text/plain"), List.copyOf(b.keySet()));
    BufferedImage png = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode((String) b.get("image/png"))));
    assertTrue(png.getWidth() > 2 * png.getHeight(), "three planes side by side: " + png.getWidth() + "x" + png.getHeight());
    assertTrue(((String) b.get("text/plain")).startsWith("CT viewer of Volume[24x20x12"), (String) b.get("text/plain"));
  }

  @Test
  void overlaysTravelAsLabelAndHeatmapVolumesOnTheShownGrid(@TempDir Path dir) throws Exception {
    Volume scan = lpsScan();
    // a heatmap on a different grid (RAS, coarser) covering part of the scan: resampled by world position
    double[][] ha = {{3, 0, 0, 30 - 1.5 * 23}, {0, 3, 0, 40 - 1.5 * 19}, {0, 0, 5, -60}, {0, 0, 0, 1}};
    float[] hv = new float[12 * 10 * 12];
    java.util.Arrays.fill(hv, 0.25f);
    FindingHeatmap heat = new FindingHeatmap("type:lung_nodule", new Volume(hv, 12, 10, 12, ha));
    Marker box = Marker.voxelBox(new double[] {2, 2, 2}, new double[] {4, 5, 3}, "lung nodule (left)");
    double[] w = GroundTruthMarkers.toWorld(scan.affine(), new double[] {2, 2, 2});
    double[] w2 = GroundTruthMarkers.toWorld(scan.affine(), new double[] {4, 5, 3});
    CtViewer viewer = CtViewer.of(scan).groundTruth(List.of(Marker.worldBox(w, w2, box.label()))).heatmap(heat).opacity(0.7);
    CtViewer.Encoded e = viewer.encoded(CtViewer.MAX_BYTES);
    Volume labels = decode(e.labelVolume(), dir, "labels");
    assertEquals(1, labels.get(2, 2, 2));
    assertEquals(1, labels.get(4, 5, 3));
    assertEquals(0, labels.get(5, 5, 3));
    assertEquals(3 * 4 * 2, (int) sum(labels.voxels()));
    Volume h = decode(e.heatVolumes().get(0), dir, "heat");
    assertEquals(0.25, h.get(10, 10, 6), 1e-3);
    assertEquals(List.of("lung nodule"), e.heatLabels());
    String html = viewer.toHtml();
    assertTrue(html.contains("lung nodule (left)</span>"), "legend names the finding");
    assertTrue(html.contains("<option value=\"0\" selected>lung nodule</option>"));
    assertTrue(html.contains("value=\"0.70\""), "opacity slider starts at the given opacity");
  }

  @Test
  void aNiftiFileOpensWithItsNameAsTitleAndHuPresets(@TempDir Path dir) throws Exception {
    Volume scan = lpsScan();
    Path f = dir.resolve("case_0001.nii.gz");
    org.scribe3d.nifti.NiftiWriter.write(f, scan.voxels(), scan.nx(), scan.ny(), scan.nz(), scan.affine(),
        org.scribe3d.nifti.NiftiDatatype.INT16);
    String html = CtViewer.of(f).toHtml();
    assertTrue(html.contains(">case_0001.nii.gz</div>"), "titled by the file");
    for (String preset : List.of("lung", "soft tissue", "bone", "custom")) {
      assertTrue(html.contains("<option value=\"" + preset + "\""), preset);
    }
    assertTrue(html.contains("<option value=\"soft tissue\" selected>"));
    assertTrue(html.contains("\"lung\":[-1350.0,150.0]"), "lung preset W1500/L-600 as its HU range");
  }

  @Test
  void aPreprocessedVolumeGetsItsRangeAsWindowInsteadOfHuPresets() {
    Volume prep = Volume.withSpacing(new float[] {0, 0.5f, 1, 0.25f, 0, 0, 0, 1}, 2, 2, 2, 1, 1, 1);
    String html = CtViewer.of(prep).toHtml();
    assertTrue(html.contains("<option value=\"full range\" selected>"), "window over the data range");
    assertTrue(!html.contains(">lung<"));
  }

  @Test
  void badArgumentsAreOneLine() {
    Volume scan = lpsScan();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CtViewer.of(scan).at(new int[] {0, 99, 0}));
    assertEquals("crosshair voxel [0, 99, 0] is outside the volume [24, 20, 12]", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> CtViewer.of(scan).opacity(Double.NaN));
  }

  private static double sum(float[] v) {
    double s = 0;
    for (float x : v) {
      s += x;
    }
    return s;
  }

  static int count(String s, String what) {
    return s.split(Pattern.quote(what), -1).length - 1;
  }
}

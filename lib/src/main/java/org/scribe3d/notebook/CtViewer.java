package org.scribe3d.notebook;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.scribe3d.nifti.NiftiDatatype;
import org.scribe3d.nifti.NiftiWriter;
import org.scribe3d.volume.Volume;
import org.scribe3d.volume.VolumeIO;

/**
 * An interactive CT viewer for notebooks and HTML pages: the three orthogonal planes of a volume in
 * NiiVue (WebGL2), the mouse wheel scrolling the slices of the plane under it, a click moving the
 * crosshair, window/level presets (lung, soft tissue, bone) or a custom window (inputs, or a
 * right-button drag), and overlays: a ground-truth label volume with its legend and the dense
 * finding head's probability heatmaps, one finding type at a time, with an opacity slider.
 *
 * <p>The volumes travel inside the HTML as gzip NIfTI in base64, shrunk (the same factor on every
 * axis) until one viewer's output, the PNG included, stays within {@link #MAX_BYTES}. NiiVue's
 * script comes with the first viewer a {@link RichOutput} renders and later ones reuse it, so a
 * saved notebook or an nbconvert export works offline. The PNG fallback (three planes by
 * {@link SliceView}, ground truth marked) shows wherever scripts do not run.
 */
public final class CtViewer {
  /** Upper bound of one viewer's output (HTML, NiiVue's script included, plus the PNG fallback). */
  public static final long MAX_BYTES = 8L << 20;
  /** Heatmap values below this are transparent, so the scan stays readable under the map. */
  static final double HEAT_FLOOR = 0.05;
  /** The largest grid tried first; bigger scans are shrunk to it before the size is measured. */
  static final long FIRST_MAX_VOXELS = 8_000_000L;
  private static final AtomicLong IDS = new AtomicLong();
  private static final Color[] LABEL_COLOURS = {
      new Color(0xe6194b), new Color(0x3cb44b), new Color(0xffe119), new Color(0x4363d8), new Color(0xf58231),
      new Color(0x911eb4), new Color(0x46f0f0), new Color(0xf032e6), new Color(0xbcf60c), new Color(0xfabebe)};

  private final Volume scan;
  private String title = "";
  private Window window;
  private final List<Window> presets = new ArrayList<>();
  private List<Marker> markers = List.of();
  private final List<FindingHeatmap> heatmaps = new ArrayList<>();
  private double opacity = 0.4;
  private int[] focus;
  private int height = 360;
  private Encoded encoded;
  private long encodedBudget = -1;

  private CtViewer(Volume scan) {
    this.scan = Objects.requireNonNull(scan, "volume");
    if (looksLikeHu(scan)) {
      presets.addAll(List.of(Window.LUNG, Window.SOFT_TISSUE, Window.BONE));
      window = Window.SOFT_TISSUE;
    } else { // a preprocessed volume in [0, 1]: HU presets would show nothing
      Window full = Window.minMax(scan.voxels());
      window = new Window("full range", full.center(), full.width());
      presets.add(window);
    }
    focus = new int[] {scan.nx() / 2, scan.ny() / 2, scan.nz() / 2};
  }

  /** A viewer of a volume in memory: a scan in HU, or a preprocessed volume (window over its range). */
  public static CtViewer of(Volume volume) {
    return new CtViewer(volume);
  }

  /** A viewer of a NIfTI file (read in HU with its geometry). */
  public static CtViewer of(Path nifti) throws IOException {
    return new CtViewer(VolumeIO.load(nifti)).title(nifti.getFileName().toString());
  }

  public CtViewer title(String t) {
    this.title = t == null ? "" : t;
    return this;
  }

  /** The window shown first (a preset, or {@code Window.of(c, w)}). */
  public CtViewer window(Window w) {
    this.window = Objects.requireNonNull(w, "window");
    return changed();
  }

  /** Ground truth: markers (e.g. {@link GroundTruthMarkers#read}) painted as a label volume, with a legend. */
  public CtViewer groundTruth(List<Marker> m) {
    this.markers = List.copyOf(Objects.requireNonNull(m, "markers"));
    return changed();
  }

  /** Adds a heatmap overlay (the first one added is shown first; the others are one click away). */
  public CtViewer heatmap(FindingHeatmap h) {
    heatmaps.add(Objects.requireNonNull(h, "heatmap"));
    return changed();
  }

  public CtViewer heatmaps(List<FindingHeatmap> hs) {
    hs.forEach(this::heatmap);
    return this;
  }

  /** Opacity of the heatmap overlay, 0..1 (the slider starts here). */
  public CtViewer opacity(double o) {
    if (!(o >= 0 && o <= 1)) {
      throw new IllegalArgumentException("opacity must be in [0, 1], got " + o);
    }
    this.opacity = o;
    return this;
  }

  /** The voxel the crosshair starts on (e.g. {@link GroundTruthMarkers#focusVoxel}); the centre by default. */
  public CtViewer at(int[] voxel) {
    int[] n = scan.shape();
    if (voxel == null || voxel.length != 3) {
      throw new IllegalArgumentException("the crosshair voxel needs 3 indices (i, j, k)");
    }
    for (int a = 0; a < 3; a++) {
      if (voxel[a] < 0 || voxel[a] >= n[a]) {
        throw new IllegalArgumentException("crosshair voxel " + java.util.Arrays.toString(voxel)
            + " is outside the volume " + java.util.Arrays.toString(n));
      }
    }
    this.focus = voxel.clone();
    return this;
  }

  /** Height of the viewer in pixels (its width follows the output area). */
  public CtViewer height(int px) {
    if (px < 120 || px > 2000) {
      throw new IllegalArgumentException("viewer height must be 120..2000 pixels, got " + px);
    }
    this.height = px;
    return this;
  }

  private CtViewer changed() {
    encoded = null;
    return this;
  }

  /** A standalone output with NiiVue's script in it. */
  public String toHtml() {
    return html(true);
  }

  /** The PNG fallback: three planes through the crosshair voxel, ground truth marked. */
  public BufferedImage toPng() {
    return SliceView.orthogonal(scan, focus, window, markers);
  }

  /** The output's HTML; {@code includeNiivue} false when an earlier output on the page carries NiiVue. */
  public String html(boolean includeNiivue) {
    String pngB64 = Png.base64(toPng());
    // the budget leaves room for NiiVue whether or not this output carries it: every viewer of a
    // notebook then gets the same grid, and any one of them fits on its own
    long budget = MAX_BYTES - NiivueJs.source().length() - pngB64.length() - 64_000;
    Encoded e = encoded(budget);
    return (includeNiivue ? NiivueJs.scriptTag() : "") + page(e);
  }

  /** What travels in the HTML: the shown grid and the base64 gzip NIfTI of each volume. */
  record Encoded(Volume shown, String volume, VoxelOverlays.Labels labels, String labelVolume,
      List<String> heatLabels, List<String> heatVolumes) {
    long bytes() {
      long n = volume.length() + (labelVolume == null ? 0 : labelVolume.length());
      for (String h : heatVolumes) {
        n += h.length();
      }
      return n;
    }
  }

  /** The volumes shrunk until their base64 fits {@code budget} characters. */
  Encoded encoded(long budget) {
    if (encoded != null && encodedBudget == budget) {
      return encoded;
    }
    if (budget < 100_000) {
      throw new IllegalStateException("no room for the volumes in a " + MAX_BYTES + "-byte viewer");
    }
    long cap = FIRST_MAX_VOXELS;
    for (int attempt = 0; attempt < 12; attempt++) {
      int[] shape = VoxelOverlays.shrunkShape(scan.shape(), cap);
      Encoded e = encode(shape);
      long bytes = e.bytes();
      if (bytes <= budget) {
        encoded = e;
        encodedBudget = budget;
        return e;
      }
      long voxels = (long) shape[0] * shape[1] * shape[2];
      cap = Math.max(1, (long) (voxels * 0.9 * budget / bytes));
    }
    throw new IllegalStateException("the viewer's volumes do not fit in " + budget + " bytes");
  }

  private Encoded encode(int[] shape) {
    Volume shown = VoxelOverlays.resized(scan, shape);
    boolean hu = looksLikeHu(scan);
    float[] v = shown.voxels().clone();
    if (hu) { // whole HU: int16 without scaling, and gzip finds the repeats
      for (int i = 0; i < v.length; i++) {
        v[i] = (float) Math.rint(Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, v[i])));
      }
    }
    shown = shown.withVoxels(v);
    String volume = niftiBase64(shown, NiftiDatatype.INT16);
    VoxelOverlays.Labels labels = null;
    String labelVolume = null;
    if (!markers.isEmpty()) {
      labels = VoxelOverlays.labels(shape, shown.affine(), markers);
      labelVolume = niftiBase64(labels.volume(), NiftiDatatype.INT16);
    }
    List<String> heatLabels = new ArrayList<>();
    List<String> heatVolumes = new ArrayList<>();
    for (FindingHeatmap h : heatmaps) {
      Volume r = VoxelOverlays.resample(h.probabilities(), shape, shown.affine(), 0f);
      float[] q = r.voxels();
      for (int i = 0; i < q.length; i++) { // a thousandth is finer than any colour step
        q[i] = Math.round(q[i] * 1000f) / 1000f;
      }
      heatLabels.add(h.words());
      heatVolumes.add(niftiBase64(r, NiftiDatatype.INT16));
    }
    return new Encoded(shown, volume, labels, labelVolume, heatLabels, heatVolumes);
  }

  static boolean looksLikeHu(Volume v) {
    float[] mm = org.scribe3d.volume.Transforms.minMax(v.voxels());
    return mm[0] < -100 || mm[1] > 100;
  }

  /** A volume as a gzip NIfTI-1 file in base64, written by the project's own NIfTI writer. */
  static String niftiBase64(Volume v, NiftiDatatype type) {
    Path tmp = null;
    try {
      tmp = Files.createTempFile("scribe3d-viewer", ".nii.gz");
      NiftiWriter.write(tmp, v.voxels(), v.nx(), v.ny(), v.nz(), v.affine(), type);
      return Base64.getEncoder().encodeToString(Files.readAllBytes(tmp));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode the viewer's volume", e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // a temp file left behind is harmless
        }
      }
    }
  }

  private String page(Encoded e) {
    String id = "scribe3d-viewer-" + Long.toHexString(System.nanoTime()) + "-" + IDS.incrementAndGet();
    StringBuilder controls = new StringBuilder();
    controls.append("<label>window <select data-role=\"preset\">");
    for (Window w : presets) {
      controls.append(option(w.name(), w.name(), w.name().equals(window.name())));
    }
    boolean custom = presets.stream().noneMatch(w -> w.name().equals(window.name()));
    controls.append(option("custom", "custom", custom)).append("</select></label>");
    controls.append(String.format(Locale.ROOT, "<label>C <input data-role=\"center\" type=\"number\" step=\"10\""
        + " value=\"%.0f\" style=\"width:5.5em\"></label><label>W <input data-role=\"width\" type=\"number\""
        + " step=\"10\" min=\"1\" value=\"%.0f\" style=\"width:5.5em\"></label>", window.center(), window.width()));
    if (e.labels() != null) {
      controls.append("<label><input type=\"checkbox\" data-role=\"labels\" checked> ground truth</label>");
    }
    if (!e.heatLabels().isEmpty()) {
      controls.append("<label>heatmap <select data-role=\"heat\">");
      for (int i = 0; i < e.heatLabels().size(); i++) {
        controls.append(option(String.valueOf(i), e.heatLabels().get(i), i == 0));
      }
      controls.append(option("-1", "none", false)).append("</select></label>");
      controls.append(String.format(Locale.ROOT, "<label>opacity <input data-role=\"opacity\" type=\"range\" min=\"0\""
          + " max=\"1\" step=\"0.05\" value=\"%.2f\"></label>", opacity));
    }
    StringBuilder legend = new StringBuilder();
    if (e.labels() != null) {
      legend.append("<div data-role=\"legend\" style=\"margin:3px 0\">ground truth: ");
      for (int i = 0; i < e.labels().names().size(); i++) {
        Color c = LABEL_COLOURS[i % LABEL_COLOURS.length];
        legend.append(String.format(Locale.ROOT, "<span style=\"display:inline-block;margin-right:10px\">"
            + "<span style=\"display:inline-block;width:11px;height:11px;background:#%06x;vertical-align:middle;"
            + "margin-right:3px\"></span>%s</span>", c.getRGB() & 0xffffff, RichOutput.escapeHtml(e.labels().names().get(i))));
      }
      legend.append("</div>");
    }
    if (!e.heatLabels().isEmpty()) {
      legend.append(String.format(Locale.ROOT, "<div style=\"margin:3px 0\">heatmap: probability <span data-role=\"heat-scale\""
          + " style=\"display:inline-block;width:140px;height:10px;vertical-align:middle;margin:0 4px;"
          + "background:linear-gradient(90deg,#600,#f00,#ff0)\"></span> %.2f … 1 (below %.2f transparent)</div>",
          HEAT_FLOOR, HEAT_FLOOR));
    }
    int[] shape = e.shown().shape();
    double[] sp = e.shown().spacing();
    String caption = String.format(Locale.ROOT, "%d×%d×%d voxels shown, %.2f×%.2f×%.2f mm%s. Wheel: scroll the slices of"
        + " a plane; click: move the crosshair; right-drag: window/level.", shape[0], shape[1], shape[2], sp[0], sp[1],
        sp[2], java.util.Arrays.equals(shape, scan.shape()) ? "" : " (shrunk from " + scan.nx() + "×" + scan.ny() + "×"
            + scan.nz() + " to fit the notebook)");
    return "<div class=\"scribe3d-viewer\" id=\"" + id + "\" data-state=\"loading\" style=\"font-family:sans-serif;"
        + "font-size:13px;max-width:980px;margin:4px 0\">\n"
        + (title.isEmpty() ? "" : "<div style=\"font-weight:bold;margin:2px 0\">" + RichOutput.escapeHtml(title) + "</div>\n")
        + "<div style=\"display:flex;flex-wrap:wrap;gap:12px;align-items:center;margin:4px 0\">" + controls + "</div>\n"
        + "<div style=\"position:relative;width:100%;height:" + height + "px;background:#000\">"
        + "<canvas data-role=\"canvas\" style=\"width:100%;height:100%;display:block\"></canvas></div>\n"
        + "<div data-role=\"location\" style=\"font-family:monospace;min-height:1.3em\"></div>\n"
        + legend
        + "<div style=\"color:#555\">" + RichOutput.escapeHtml(caption) + "</div>\n"
        + "<div data-role=\"status\" style=\"color:#b00\"></div>\n"
        + "<script type=\"application/json\" data-role=\"data\">" + dataJson(e) + "</script>\n"
        + "</div>\n<script type=\"text/javascript\">" + script(id) + "</script>\n";
  }

  private static String option(String value, String text, boolean selected) {
    return "<option value=\"" + RichOutput.escapeHtml(value) + "\"" + (selected ? " selected" : "") + ">"
        + RichOutput.escapeHtml(text) + "</option>";
  }

  private String dataJson(Encoded e) {
    com.google.gson.JsonObject o = new com.google.gson.JsonObject();
    o.addProperty("volume", e.volume());
    com.google.gson.JsonObject w = new com.google.gson.JsonObject();
    w.addProperty("lo", window.lower());
    w.addProperty("hi", window.upper());
    o.add("window", w);
    com.google.gson.JsonObject ps = new com.google.gson.JsonObject();
    for (Window p : presets) {
      ps.add(p.name(), numbers(p.lower(), p.upper()));
    }
    o.add("presets", ps);
    double[][] a = scan.affine();
    double[] mm = new double[3];
    for (int r = 0; r < 3; r++) {
      mm[r] = a[r][0] * focus[0] + a[r][1] * focus[1] + a[r][2] * focus[2] + a[r][3];
    }
    o.add("focusMm", numbers(mm));
    if (e.labels() != null) {
      com.google.gson.JsonObject l = new com.google.gson.JsonObject();
      l.addProperty("volume", e.labelVolume());
      int n = e.labels().names().size();
      com.google.gson.JsonArray r = new com.google.gson.JsonArray();
      com.google.gson.JsonArray g = new com.google.gson.JsonArray();
      com.google.gson.JsonArray b = new com.google.gson.JsonArray();
      com.google.gson.JsonArray al = new com.google.gson.JsonArray();
      com.google.gson.JsonArray idx = new com.google.gson.JsonArray();
      com.google.gson.JsonArray names = new com.google.gson.JsonArray();
      for (int i = 0; i <= n; i++) {
        Color c = i == 0 ? Color.BLACK : LABEL_COLOURS[(i - 1) % LABEL_COLOURS.length];
        r.add(c.getRed());
        g.add(c.getGreen());
        b.add(c.getBlue());
        al.add(i == 0 ? 0 : 255);
        idx.add(i);
        names.add(i == 0 ? "" : e.labels().names().get(i - 1));
      }
      com.google.gson.JsonObject cm = new com.google.gson.JsonObject();
      cm.add("R", r);
      cm.add("G", g);
      cm.add("B", b);
      cm.add("A", al);
      cm.add("I", idx);
      cm.add("labels", names);
      l.add("colormap", cm);
      o.add("labels", l);
    }
    com.google.gson.JsonArray heats = new com.google.gson.JsonArray();
    for (int i = 0; i < e.heatVolumes().size(); i++) {
      com.google.gson.JsonObject h = new com.google.gson.JsonObject();
      h.addProperty("label", e.heatLabels().get(i));
      h.addProperty("volume", e.heatVolumes().get(i));
      heats.add(h);
    }
    o.add("heatmaps", heats);
    o.addProperty("heatFloor", HEAT_FLOOR);
    o.addProperty("opacity", opacity);
    // base64 and the names are plain text; "</" cannot end the script element early
    return o.toString().replace("</", "<\\/");
  }

  private static com.google.gson.JsonArray numbers(double... v) {
    com.google.gson.JsonArray a = new com.google.gson.JsonArray();
    for (double x : v) {
      a.add(x);
    }
    return a;
  }

  @Override
  public String toString() {
    return "CT viewer of " + scan + ", " + window + (markers.isEmpty() ? "" : ", " + markers.size() + " ground-truth marker(s)")
        + (heatmaps.isEmpty() ? "" : ", heatmaps: " + String.join(", ", heatmaps.stream().map(FindingHeatmap::words).toList()));
  }

  /** The viewer's start-up script: waits for its element and NiiVue, then loads the volumes. */
  private static String script(String id) {
    return ("(function () {\n"
        + "var ID = '@ID@', tries = 0;\n"
        + "function q(root, role) { return root.querySelector('[data-role=' + role + ']'); }\n"
        + "function fail(msg) { var r = document.getElementById(ID); if (r) { r.setAttribute('data-state', 'error');"
        + " q(r, 'status').textContent = msg; } }\n"
        + "function start() {\n"
        + "  var root = document.getElementById(ID);\n"
        // the classic notebook runs an output's scripts before it attaches the output to the page
        + "  if (!root || !window.niivue) {\n"
        + "    if (++tries < 600) { setTimeout(start, 25); return; }\n"
        + "    fail(root ? 'NiiVue is not on this page: it comes with the first viewer shown in the notebook; run that cell'"
        + " + ' again (or start the kernel with SCRIBE3D_PLOTLY_EMBED=each, which embeds the scripts in every output)' : 'viewer element missing');\n"
        + "    return;\n"
        + "  }\n"
        + "  if (root.__scribe3dViewer) return;\n"
        + "  root.__scribe3dViewer = {};\n"
        + "  run(root, JSON.parse(q(root, 'data').textContent)).catch(function (e) {"
        + " fail('viewer failed: ' + (e && e.message ? e.message : e)); });\n"
        + "}\n"
        + "async function run(root, d) {\n"
        + "  var N = window.niivue;\n"
        + "  var nv = new N.Niivue({ backColor: [0, 0, 0, 1], crosshairColor: [0.15, 0.8, 1, 1], isRadiologicalConvention: true,"
        + " sagittalNoseLeft: true, multiplanarShowRender: N.SHOW_RENDER.NEVER, multiplanarLayout: N.MULTIPLANAR_TYPE.ROW,"
        + " isColorbar: false, show3Dcrosshair: false, dragAndDropEnabled: false, logLevel: 'error' });\n"
        + "  root.__scribe3dViewer.nv = nv;\n"
        + "  await nv.attachToCanvas(q(root, 'canvas'));\n"
        + "  var ct = await N.NVImage.loadFromBase64({ base64: d.volume, name: 'scan.nii.gz', colormap: 'gray',"
        + " cal_min: d.window.lo, cal_max: d.window.hi, trustCalMinMax: true });\n"
        + "  nv.addVolume(ct);\n"
        + "  var labelIndex = -1, heatIndex = [];\n"
        + "  for (var i = 0; i < d.heatmaps.length; i++) {\n"
        + "    var h = await N.NVImage.loadFromBase64({ base64: d.heatmaps[i].volume, name: 'heat' + i + '.nii.gz',"
        + " colormap: 'warm', cal_min: d.heatFloor, cal_max: 1, trustCalMinMax: true, opacity: i === 0 ? d.opacity : 0 });\n"
        + "    nv.addVolume(h); heatIndex.push(nv.volumes.length - 1);\n"
        + "  }\n"
        // the labels go last, so NiiVue draws the ground truth over the heatmap
        + "  if (d.labels) {\n"
        + "    var lab = await N.NVImage.loadFromBase64({ base64: d.labels.volume, name: 'labels.nii.gz', opacity: 0.7 });\n"
        + "    lab.setColormapLabel(d.labels.colormap);\n"
        + "    nv.addVolume(lab); labelIndex = nv.volumes.length - 1;\n"
        + "  }\n"
        + "  nv.setSliceType(N.SLICE_TYPE.MULTIPLANAR);\n"
        + "  nv.scene.crosshairPos = nv.mm2frac(d.focusMm);\n"
        + "  nv.drawScene();\n"
        + "  var preset = q(root, 'preset'), cIn = q(root, 'center'), wIn = q(root, 'width');\n"
        + "  function setWindow(lo, hi) { ct.cal_min = lo; ct.cal_max = hi; cIn.value = Math.round((lo + hi) / 2);"
        + " wIn.value = Math.round(hi - lo); nv.updateGLVolume(); }\n"
        + "  preset.onchange = function () { var p = d.presets[preset.value]; if (p) setWindow(p[0], p[1]); };\n"
        + "  function custom() { var c = parseFloat(cIn.value), w = parseFloat(wIn.value);"
        + " if (isFinite(c) && w > 0) { preset.value = 'custom'; setWindow(c - w / 2, c + w / 2); } }\n"
        + "  cIn.onchange = custom; wIn.onchange = custom;\n"
        + "  nv.onIntensityChange = function (v) { if (v === ct) { preset.value = 'custom';"
        + " cIn.value = Math.round((ct.cal_min + ct.cal_max) / 2); wIn.value = Math.round(ct.cal_max - ct.cal_min); } };\n"
        + "  var labels = q(root, 'labels');\n"
        + "  if (labels) labels.onchange = function () { nv.setOpacity(labelIndex, labels.checked ? 0.7 : 0); };\n"
        + "  var heat = q(root, 'heat'), op = q(root, 'opacity');\n"
        + "  function showHeat() { var s = parseInt(heat.value, 10);"
        + " heatIndex.forEach(function (vi, k) { nv.setOpacity(vi, k === s ? parseFloat(op.value) : 0); }); }\n"
        + "  if (heat) { heat.onchange = showHeat; op.oninput = showHeat; }\n"
        + "  var scale = q(root, 'heat-scale');\n"
        + "  if (scale && nv.colormapFromKey) { var cm = nv.colormapFromKey('warm'), stops = [];"
        + " for (var k = 0; k < cm.R.length; k++) stops.push('rgb(' + cm.R[k] + ',' + cm.G[k] + ',' + cm.B[k] + ')');"
        + " if (stops.length > 1) scale.style.background = 'linear-gradient(90deg,' + stops.join(',') + ')'; }\n"
        + "  var loc = q(root, 'location');\n"
        + "  nv.onLocationChange = function (e) { loc.textContent = e && e.string ? e.string : ''; };\n"
        + "  root.setAttribute('data-state', 'ready');\n"
        + "}\n"
        + "start();\n"
        + "})();").replace("@ID@", id);
  }
}

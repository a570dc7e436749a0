package org.scribe3d.notebook;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.scribe3d.data.Case;
import org.scribe3d.data.Region;
import org.scribe3d.volume.Volume;
import org.scribe3d.volume.VolumeIO;

/**
 * One case as a reader checks a report: a heading, the ground-truth findings, a coronal and an axial
 * slice (soft-tissue window) through the first focal finding with every finding marked, and beside
 * them a table of the reference and the generated findings per region. A region is listed when it
 * has a reference or a generated text. Display it with {@code display(view)} (it renders through
 * {@link #toHtml()}).
 */
public final class CaseView {
  /** Pixel size of each slice's longer side. */
  public static final int SLICE_SIZE = 260;

  private final String heading;
  private final List<Marker> markers;
  private final BufferedImage slices;
  private final Map<Region, String> reference;
  private final Map<Region, String> generated;
  private final String wholeScanPrompt;
  private final String wholeScanReport;

  private CaseView(String heading, List<Marker> markers, BufferedImage slices, Map<Region, String> reference,
      Map<Region, String> generated, String wholeScanPrompt, String wholeScanReport) {
    this.heading = heading;
    this.markers = List.copyOf(markers);
    this.slices = slices;
    this.reference = reference;
    this.generated = generated;
    this.wholeScanPrompt = wholeScanPrompt;
    this.wholeScanReport = wholeScanReport;
  }

  /** A case's scan (loaded from its image), its reference findings and the generated report, headed by its id. */
  public static CaseView of(Case c, List<Marker> markers, Map<Region, String> generated) throws IOException {
    return of(c.id(), VolumeIO.load(c.image()), markers, c.findings(), generated);
  }

  /** A view of any volume with a reference and a generated report per region. */
  public static CaseView of(String heading, Volume v, List<Marker> markers, Map<Region, String> reference,
      Map<Region, String> generated) {
    int[] at = GroundTruthMarkers.focusVoxel(markers, v);
    BufferedImage slices = Panels.row(List.of("coronal", "axial"), List.of(
        SliceView.slice(v, Plane.CORONAL, at[1], Window.SOFT_TISSUE, markers, SLICE_SIZE),
        SliceView.slice(v, Plane.AXIAL, at[2], Window.SOFT_TISSUE, markers, SLICE_SIZE)));
    return new CaseView(heading, markers, slices, reference == null ? Map.of() : reference,
        generated == null ? Map.of() : generated, null, null);
  }

  /** The same view under another heading, e.g. the case id with its scores. */
  public CaseView withHeading(String heading) {
    return new CaseView(heading, markers, slices, reference, generated, wholeScanPrompt, wholeScanReport);
  }

  /**
   * The same view with one more row: a report of the whole scan under a free prompt (a released model's own, such
   * as M3D's), beside the reference findings of all regions together.
   */
  public CaseView withWholeScanReport(String prompt, String report) {
    return new CaseView(heading, markers, slices, reference, generated, prompt, report);
  }

  /** The two slices side by side, as drawn in the view. */
  public BufferedImage slices() {
    return slices;
  }

  public String heading() {
    return heading;
  }

  /** The regions listed: those with a non-empty reference or a generated text. */
  public List<Region> regions() {
    return java.util.Arrays.stream(Region.values())
        .filter(r -> !reference.getOrDefault(r, "").isBlank() || generated.containsKey(r))
        .collect(Collectors.toList());
  }

  public String toHtml() {
    StringBuilder h = new StringBuilder("<div class=\"scribe3d-case\"><h4>").append(RichOutput.escapeHtml(heading))
        .append("</h4><p>ground truth: ")
        .append(markers.isEmpty() ? "no findings"
            : RichOutput.escapeHtml(markers.stream().map(Marker::label).collect(Collectors.joining("; "))))
        .append("</p><div style=\"display:flex;gap:1em;align-items:flex-start\"><img alt=\"slices of ")
        .append(RichOutput.escapeHtml(heading)).append("\" src=\"").append(Png.dataUri(slices)).append("\"/>")
        .append("<table class=\"dataframe\"><tr><th>region</th><th>reference</th><th>generated</th></tr>");
    for (Region r : regions()) {
      h.append("<tr><td>").append(r.key()).append("</td><td style=\"text-align:left\">")
          .append(RichOutput.escapeHtml(reference.getOrDefault(r, ""))).append("</td><td style=\"text-align:left\">")
          .append(RichOutput.escapeHtml(generated.getOrDefault(r, ""))).append("</td></tr>");
    }
    if (wholeScanReport != null) {
      String all = regions().stream().map(r -> reference.getOrDefault(r, "")).filter(t -> !t.isBlank())
          .collect(Collectors.joining(" "));
      h.append("<tr><td>whole scan: <i>").append(RichOutput.escapeHtml(wholeScanPrompt)).append("</i></td>")
          .append("<td style=\"text-align:left\">").append(RichOutput.escapeHtml(all))
          .append("</td><td style=\"text-align:left\">").append(RichOutput.escapeHtml(wholeScanReport))
          .append("</td></tr>");
    }
    return h.append("</table></div></div>").toString();
  }

  @Override
  public String toString() {
    return "CaseView " + heading + " (" + markers.size() + " markers, regions " + regions() + ")";
  }
}

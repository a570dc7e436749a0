package org.scribe3d.notebook;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.scribe3d.data.Region;
import org.scribe3d.volume.Volume;

class CaseViewTest {
  private static Volume volume() {
    float[] v = new float[20 * 16 * 12];
    for (int i = 0; i < v.length; i++) {
      v[i] = (i % 97) * 10 - 500;
    }
    return Volume.withSpacing(v, 20, 16, 12, 1, 1, 2);
  }

  @Test
  void theFocusIsTheFirstBoxElseTheFirstMarkerElseTheCentre() {
    Volume v = volume();
    Marker point = Marker.voxelPoint(2, 3, 4, "fluid");
    Marker box = Marker.voxelBox(new double[] {4, 4, 2}, new double[] {8, 6, 6}, "nodule");
    assertEquals(box, GroundTruthMarkers.focus(List.of(point, box)).orElseThrow());
    assertEquals(point, GroundTruthMarkers.focus(List.of(point)).orElseThrow());
    assertTrue(GroundTruthMarkers.focus(List.of()).isEmpty());
    assertArrayEquals(new int[] {10, 8, 6}, GroundTruthMarkers.focusVoxel(List.of(), v));
    assertArrayEquals(box.centreVoxelIn(v), GroundTruthMarkers.focusVoxel(List.of(point, box), v));
  }

  @Test
  void theViewListsRegionsWithAReferenceOrAGeneratedTextAndEscapesThem() {
    Marker box = Marker.voxelBox(new double[] {4, 4, 2}, new double[] {8, 6, 6}, "nodule <5 mm>");
    CaseView view = CaseView.of("case_1 & co", volume(), List.of(box),
        Map.of(Region.CHEST, "A nodule.", Region.ABDOMEN, "", Region.PELVIS, ""),
        Map.of(Region.CHEST, "No <nodule>."));
    assertEquals(List.of(Region.CHEST), view.regions());
    String html = view.toHtml();
    assertTrue(html.contains("<h4>case_1 &amp; co</h4>"), html);
    assertTrue(html.contains("ground truth: nodule &lt;5 mm&gt;"), html);
    assertTrue(html.contains("No &lt;nodule&gt;."), html);
    assertTrue(html.contains("src=\"data:image/png;base64,"), html);
    assertFalse(html.contains("<td>abdomen</td>"), html);
    assertTrue(view.slices().getWidth() > view.slices().getHeight());

    CaseView renamed = view.withHeading("case_1: F1 0.5");
    assertTrue(renamed.toHtml().contains("<h4>case_1: F1 0.5</h4>"));
    assertEquals(view.slices(), renamed.slices());
    String noMarkers = CaseView.of("c", volume(), List.of(), Map.of(), Map.of(Region.PELVIS, "x")).toHtml();
    assertTrue(noMarkers.contains("ground truth: no findings") && noMarkers.contains("<td>pelvis</td>"), noMarkers);
  }

  @Test
  void richOutputShowsTheViewAsHtml() {
    CaseView view = CaseView.of("c", volume(), List.of(), Map.of(Region.CHEST, "ok"), Map.of());
    Map<String, Object> bundle = new RichOutput(RichOutput.PlotlyEmbed.ONCE).bundle(view);
    assertEquals(view.toHtml(), bundle.get("text/html"));
  }
}

package org.scribe3d.notebook;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scribe3d.phantom.PhantomDataset;
import org.scribe3d.phantom.SizePreset;
import org.scribe3d.volume.Volume;
import org.scribe3d.volume.VolumeIO;

class GroundTruthMarkersTest {
  // LPS storage (x and y run toward -R, -A), 2 x 2 x 5 mm voxels, as the phantom writes half its cases
  private static final String GT = """
      {"format": "scribe3d-phantom-ground-truth/1", "cases": [
        {"id": "phantom_0000", "shape": [40, 40, 30],
         "affine": [[-2, 0, 0, 40], [0, -2, 0, 30], [0, 0, 5, -70], [0, 0, 0, 1]],
         "findings": [
           {"type": "lung_nodule", "region": "chest", "side": "right",
            "instances": [{"shape": "sphere", "centre_voxel": [12, 22, 6], "bbox_voxel": [[10, 20, 5], [14, 24, 7]]}]},
           {"type": "ascites", "region": "abdomen", "side": null,
            "instances": [{"shape": "region", "centre_voxel": [30, 10, 20]}]},
           {"type": "hepatomegaly", "region": "abdomen", "side": null, "instances": []}
         ]},
        {"id": "phantom_0001", "affine": [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]], "findings": []}
      ]}
      """;

  @Test
  void boxesAndPointsInWorldCoordinatesThatMapBackToTheVoxels(@TempDir Path dir) throws Exception {
    Path gt = Files.writeString(dir.resolve("ground_truth.json"), GT);
    List<Marker> m = GroundTruthMarkers.read(gt, "phantom_0000");
    assertEquals(2, m.size());
    Marker box = m.get(0);
    assertEquals(Marker.Kind.BOX, box.kind());
    assertTrue(box.world());
    assertEquals("lung nodule (right)", box.label());
    assertEquals(GroundTruthMarkers.REGION_COLOURS.get("chest"), box.color());
    // world = A * voxel: (-2*10 + 40, -2*20 + 30, 5*5 - 70)
    assertArrayEquals(new double[] {20, -10, -45}, box.a(), 1e-9);
    assertArrayEquals(new double[] {12, -18, -35}, box.b(), 1e-9);
    double[][] affine = {{-2, 0, 0, 40}, {0, -2, 0, 30}, {0, 0, 5, -70}, {0, 0, 0, 1}};
    double[][] back = box.voxelCorners(affine);
    assertArrayEquals(new double[] {10, 20, 5}, back[0], 1e-9);
    assertArrayEquals(new double[] {14, 24, 7}, back[1], 1e-9);
    Marker point = m.get(1);
    assertEquals(Marker.Kind.POINT, point.kind());
    assertEquals("ascites", point.label());
    assertArrayEquals(new double[] {30, 10, 20}, point.voxelCorners(affine)[0], 1e-9);
    assertTrue(GroundTruthMarkers.read(gt, "phantom_0001").isEmpty());
  }

  @Test
  void theBoxIsDrawnOnTheLesionSliceOnly(@TempDir Path dir) throws Exception {
    Path gt = Files.writeString(dir.resolve("ground_truth.json"), GT);
    List<Marker> m = GroundTruthMarkers.read(gt, "phantom_0000").subList(0, 1);
    double[][] affine = {{-2, 0, 0, 40}, {0, -2, 0, 30}, {0, 0, 5, -70}, {0, 0, 0, 1}};
    Volume v = new Volume(new float[40 * 40 * 30], 40, 40, 30, affine);
    assertTrue(redPixels(SliceView.slice(v, Plane.AXIAL, 6, Window.SOFT_TISSUE, m)) > 0);
    assertEquals(0, redPixels(SliceView.slice(v, Plane.AXIAL, 20, Window.SOFT_TISSUE, m)));
  }

  @Test
  void centreVoxelFollowsTheFindingThroughCropAndResize(@TempDir Path dir) throws Exception {
    Path gt = Files.writeString(dir.resolve("ground_truth.json"), GT);
    Marker box = GroundTruthMarkers.read(gt, "phantom_0000").get(0);
    double[][] affine = {{-2, 0, 0, 40}, {0, -2, 0, 30}, {0, 0, 5, -70}, {0, 0, 0, 1}};
    assertArrayEquals(new double[] {12, 22, 6}, box.centreVoxel(affine), 1e-9);
    // crop starting at voxel (4, 10, 2): the same world point sits 4, 10, 2 voxels earlier
    Volume v = new Volume(new float[40 * 40 * 30], 40, 40, 30, affine);
    Volume cropped = org.scribe3d.volume.Transforms.crop(v, new int[] {4, 10, 2}, new int[] {40, 40, 30});
    assertArrayEquals(new int[] {8, 12, 4}, box.centreVoxelIn(cropped));
    // resize to twice the voxels per axis: voxel centres move to 2 * (c + 0.5) - 0.5
    Volume big = org.scribe3d.volume.Transforms.resize(v, 60, 80, 80);
    assertArrayEquals(new double[] {24.5, 44.5, 12.5}, box.centreVoxel(big.affine()), 1e-6);
    assertArrayEquals(new int[] {25, 45, 13}, box.centreVoxelIn(big));
    // outside the volume: clamped
    Marker far = Marker.voxelPoint(-5, 99, 3, "far");
    assertArrayEquals(new int[] {0, 39, 3}, far.centreVoxelIn(v));
  }

  @Test
  void readsTheGroundTruthThePhantomWrites(@TempDir Path dir) throws Exception {
    PhantomDataset.write(dir, 2, 7, 0.0, SizePreset.SMALL, null);
    JsonObject gt = JsonParser.parseString(
        Files.readString(dir.resolve("ground_truth.json"))).getAsJsonObject();
    int boxes = 0;
    for (JsonElement ce : gt.getAsJsonArray("cases")) {
      JsonObject c = ce.getAsJsonObject();
      List<JsonObject> located = new ArrayList<>();
      for (JsonElement fe : c.getAsJsonArray("findings")) {
        for (JsonElement ie : fe.getAsJsonObject().getAsJsonArray("instances")) {
          JsonObject in = ie.getAsJsonObject();
          if (in.has("bbox_voxel") || in.has("centre_voxel")) {
            located.add(in);
          }
        }
      }
      String id = c.get("id").getAsString();
      List<Marker> markers = GroundTruthMarkers.read(dir.resolve("ground_truth.json"), id);
      assertEquals(located.size(), markers.size(), id);
      Volume v = VolumeIO.load(dir.resolve(c.get("image").getAsString()));
      for (int n = 0; n < markers.size(); n++) {
        JsonObject in = located.get(n);
        int[] centre = markers.get(n).centreVoxelIn(v);
        if (in.has("bbox_voxel")) {
          boxes++;
          JsonArray bb = in.getAsJsonArray("bbox_voxel");
          for (int a = 0; a < 3; a++) {
            assertTrue(bb.get(0).getAsJsonArray().get(a).getAsInt() <= centre[a]
                && centre[a] <= bb.get(1).getAsJsonArray().get(a).getAsInt(), id + " " + markers.get(n).label());
          }
        } else {
          for (int a = 0; a < 3; a++) {
            assertEquals(in.getAsJsonArray("centre_voxel").get(a).getAsInt(), centre[a], id + " " + markers.get(n).label());
          }
        }
      }
    }
    assertTrue(boxes > 0, "seed 7 paints focal lesions in its first two cases");
  }

  private static int redPixels(BufferedImage img) {
    int n = 0;
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        int rgb = img.getRGB(x, y);
        int r = (rgb >> 16) & 255;
        int g = (rgb >> 8) & 255;
        if (r > 200 && g < 120) {
          n++;
        }
      }
    }
    return n;
  }

  @Test
  void errorsNameTheFileAndTheProblem(@TempDir Path dir) throws Exception {
    Path gt = Files.writeString(dir.resolve("ground_truth.json"), GT);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> GroundTruthMarkers.read(gt, "phantom_0099"));
    assertTrue(e.getMessage().contains("ground_truth.json") && e.getMessage().contains("phantom_0099"), e.getMessage());
    Path bad = Files.writeString(dir.resolve("bad.json"),
        "{\"cases\": [{\"id\": \"a\", \"findings\": []}]}");
    e = assertThrows(IllegalArgumentException.class, () -> GroundTruthMarkers.read(bad, "a"));
    assertTrue(e.getMessage().contains("bad.json") && e.getMessage().contains("affine"), e.getMessage());
  }
}

package org.scribe3d.phantom;

import java.util.ArrayList;
import java.util.List;
import org.scribe3d.data.Finding;
import org.scribe3d.data.FindingType;

/**
 * A finding of one phantom case: the attributes the report states (what {@link #toFinding()}
 * returns) and the rendered instances (one per painted lesion; two for a bilateral effusion) with
 * what the renderer measured on its label map.
 */
final class PhantomFinding {
  final FindingType type;
  String side;
  /** Size as stated in the report, or null when the report gives none. */
  Double statedSizeMm;
  String severity;
  String location;
  /** The size that was rendered (diameter, depth, span, thickness; see the type). */
  double renderedSizeMm;
  final List<Instance> instances = new ArrayList<>();

  PhantomFinding(FindingType type) {
    this.type = type;
  }

  Finding toFinding() {
    return new Finding(type, side, statedSizeMm, severity, location, false);
  }

  /** One painted object and the probes that show it in the image. */
  static final class Instance {
    /** Label in the label map, or -1 for an enlarged organ (measured through its organ labels). */
    int label = -1;
    String shape; // sphere, ellipsoid, region, organ
    double[] centreBody; // analytic centre (sphere, ellipsoid, organ)
    double[] semiAxes; // sphere/ellipsoid semi-axes (mm)
    Tissue.Group organ; // for organ-level findings
    List<Tissue.Group> surroundGroups = List.of();
    double[] spanFromBody;
    double[] spanToBody;
    int spanAxis = -1;
    double spanMm;

    // measured after rendering
    int[] probeVoxel;
    double probeRadiusMm;
    int probeCount;
    int[] surroundVoxel;
    double surroundRadiusMm;
    int surroundCount;
    String surroundTissue;
    int[] bboxMin;
    int[] bboxMax;
    long voxelCount;
    double measuredSpanMm = Double.NaN;
  }
}

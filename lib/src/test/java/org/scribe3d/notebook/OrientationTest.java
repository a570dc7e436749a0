package org.scribe3d.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class OrientationTest {
  @Test
  void axisCodesMatchNibabel() throws Exception {
    List<double[][]> affines = new ArrayList<>();
    affines.add(new double[][] {{0.8, 0, 0, 1}, {0, 0.8, 0, 2}, {0, 0, 2.5, 3}, {0, 0, 0, 1}});
    affines.add(new double[][] {{-0.7, 0, 0, 100}, {0, -0.7, 0, 90}, {0, 0, 3, -50}, {0, 0, 0, 1}}); // LPS (DICOM-like)
    affines.add(new double[][] {{0, 0, -1.5, 0}, {1, 0, 0, 0}, {0, -2, 0, 0}, {0, 0, 0, 1}}); // permuted
    double c = Math.cos(0.2);
    double s = Math.sin(0.2);
    affines.add(new double[][] {{c, -s, 0, 0}, {s, c, 0, 0}, {0, 0, -1, 0}, {0, 0, 0, 1}}); // oblique
    StringBuilder py = new StringBuilder("import numpy as np, nibabel as nib\n");
    for (double[][] a : affines) {
      py.append("print(''.join(nib.aff2axcodes(np.array(").append(literal(a)).append("))))\n");
    }
    String[] ref = PythonReference.run(py.toString(), "").split("\\s+");
    for (int i = 0; i < affines.size(); i++) {
      assertEquals(ref[i], new Orientation(affines.get(i)).codes(), "affine " + i);
    }
  }

  private static String literal(double[][] a) {
    StringBuilder sb = new StringBuilder("[");
    for (double[] row : a) {
      sb.append('[');
      for (double v : row) {
        sb.append(String.format(Locale.ROOT, "%.17g,", v));
      }
      sb.append("],");
    }
    return sb.append(']').toString();
  }
}

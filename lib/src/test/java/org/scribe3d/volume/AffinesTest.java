package org.scribe3d.volume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class AffinesTest {
  @Test
  void inverseUndoesAnObliqueAnisotropicAffine() {
    double c = Math.cos(0.3);
    double s = Math.sin(0.3);
    double[][] a = {{-4.7 * c, 0.2, -7.5 * s, 234.5}, {4.7 * s, -4.7, 0.1, 227.1}, {0, 0.3, 7.5 * c, -648.9},
        {0, 0, 0, 1}};
    double[][] id = Affines.multiply(a, Affines.invert(a));
    double[][] id2 = Affines.multiply(Affines.invert(a), a);
    for (int i = 0; i < 4; i++) {
      for (int j = 0; j < 4; j++) {
        assertEquals(i == j ? 1 : 0, id[i][j], 1e-12, "A·A⁻¹ " + i + "," + j);
        assertEquals(i == j ? 1 : 0, id2[i][j], 1e-12, "A⁻¹·A " + i + "," + j);
      }
    }
    double[][] flat = {{1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 0, 5}, {0, 0, 0, 1}};
    assertThrows(IllegalArgumentException.class, () -> Affines.invert(flat));
  }
}

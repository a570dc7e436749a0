package org.scribe3d.notebook;

/**
 * Anatomical viewing planes, each shown in radiological convention: patient's right on the
 * viewer's left; anterior up in axial; superior up in coronal and sagittal; anterior on the left
 * in sagittal. {@code normal} is the world (RAS) axis the plane is perpendicular to; {@code column}
 * and {@code row} are the world axes along screen x and y, both running toward the negative world
 * direction (x → patient left, y → posterior, z → inferior).
 */
public enum Plane {
  AXIAL(2, 0, 1),
  CORONAL(1, 0, 2),
  SAGITTAL(0, 1, 2);

  final int normal;
  final int column;
  final int row;

  Plane(int normal, int column, int row) {
    this.normal = normal;
    this.column = column;
    this.row = row;
  }

  public String label() {
    return name().charAt(0) + name().substring(1).toLowerCase(java.util.Locale.ROOT);
  }
}

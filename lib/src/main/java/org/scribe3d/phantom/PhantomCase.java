package org.scribe3d.phantom;

import java.util.List;
import org.scribe3d.data.Finding;

/** One generated phantom: int16-ready HU voxels (first axis fastest), geometry and findings. */
public final class PhantomCase {
  final Grid grid;
  final double[] offset;
  final float[] hu;
  final List<PhantomFinding> findings;
  final double noiseSigma;
  final SizePreset size;
  final long generationMillis;

  PhantomCase(Grid grid, double[] offset, float[] hu, List<PhantomFinding> findings, double noiseSigma,
      SizePreset size, long generationMillis) {
    this.grid = grid;
    this.offset = offset;
    this.hu = hu;
    this.findings = findings;
    this.noiseSigma = noiseSigma;
    this.size = size;
    this.generationMillis = generationMillis;
  }

  /** The voxels in HU (whole numbers), index = i + nx * (j + ny * k). */
  public float[] voxels() {
    return hu;
  }

  public int[] shape() {
    return new int[] {grid.nx, grid.ny, grid.nz};
  }

  public double[][] affine() {
    return grid.affine();
  }

  /** Axis codes of the stored orientation, "RAS" or "LPS". */
  public String orientation() {
    return grid.orientation;
  }

  public double[] spacing() {
    return new double[] {grid.sx(), grid.sy(), grid.sz()};
  }

  /** The findings as the report states them (all positive). */
  public List<Finding> findings() {
    return findings.stream().map(PhantomFinding::toFinding).toList();
  }

  public long generationMillis() {
    return generationMillis;
  }

  public double noiseSigma() {
    return noiseSigma;
  }
}

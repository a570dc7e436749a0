package org.scribe3d.nifti;

/**
 * One 3D frame of a NIfTI image: the scaled voxel values as float (first axis fastest, the on-disk
 * order) and the header they came from.
 *
 * @param frame which 3D frame of a 4D (or higher) image this is, 0 for 3D images
 */
public record NiftiImage(NiftiHeader header, int frame, float[] voxels, int nx, int ny, int nz) {
  /** The voxel-to-world affine (nibabel's best affine). */
  public double[][] affine() {
    return header.affine();
  }
}

package org.scribe3d.volume;

import java.io.IOException;
import java.nio.file.Path;
import org.scribe3d.nifti.NiftiDatatype;
import org.scribe3d.nifti.NiftiImage;
import org.scribe3d.nifti.NiftiReader;
import org.scribe3d.nifti.NiftiWriter;

/** Loads and saves Volumes as NIfTI. */
public final class VolumeIO {
  private VolumeIO() {}

  /** A 3D image (or the first frame of a 4D one), scaled values, nibabel's best affine. */
  public static Volume load(Path path) throws IOException {
    return load(path, 0);
  }

  /** One 3D frame (0-based) of a NIfTI image. */
  public static Volume load(Path path, int frame) throws IOException {
    NiftiImage img = NiftiReader.read(path, frame);
    return new Volume(img.voxels(), img.nx(), img.ny(), img.nz(), img.affine());
  }

  /** Writes a float32 NIfTI (.nii or .nii.gz), atomically. */
  public static void saveFloat32(Volume v, Path path) throws IOException {
    NiftiWriter.write(path, v.voxels(), v.nx(), v.ny(), v.nz(), v.affine(), NiftiDatatype.FLOAT32);
  }
}

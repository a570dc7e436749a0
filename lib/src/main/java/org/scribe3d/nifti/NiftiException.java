package org.scribe3d.nifti;

import java.io.IOException;

/**
 * A NIfTI file that cannot be read: malformed, truncated, unsupported or implausible. The message
 * always starts with the file name, e.g. {@code "amos_0001.nii.gz: truncated voxel data: ..."}.
 */
public final class NiftiException extends IOException {
  private final String file;

  public NiftiException(String file, String problem) {
    super(file + ": " + problem);
    this.file = file;
  }

  public NiftiException(String file, String problem, Throwable cause) {
    super(file + ": " + problem, cause);
    this.file = file;
  }

  /** The file as it was named by the caller. */
  public String file() {
    return file;
  }
}

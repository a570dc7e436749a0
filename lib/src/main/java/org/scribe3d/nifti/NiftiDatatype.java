package org.scribe3d.nifti;

/** NIfTI datatype codes that Scribe3D reads (and, for FLOAT32 and INT16, writes). */
public enum NiftiDatatype {
  UINT8(2, 1, "uint8"),
  INT16(4, 2, "int16"),
  INT32(8, 4, "int32"),
  FLOAT32(16, 4, "float32"),
  FLOAT64(64, 8, "float64"),
  INT8(256, 1, "int8"),
  UINT16(512, 2, "uint16"),
  UINT32(768, 4, "uint32"),
  INT64(1024, 8, "int64");

  private final int code;
  private final int bytes;
  private final String label;

  NiftiDatatype(int code, int bytes, String label) {
    this.code = code;
    this.bytes = bytes;
    this.label = label;
  }

  public int code() {
    return code;
  }

  public int bytesPerVoxel() {
    return bytes;
  }

  /** numpy-style name, e.g. "int16". */
  public String label() {
    return label;
  }

  /** The datatype for a code, or null when Scribe3D does not support it. */
  public static NiftiDatatype fromCode(int code) {
    for (NiftiDatatype t : values()) {
      if (t.code == code) {
        return t;
      }
    }
    return null;
  }

  /** A readable name for any NIfTI datatype code, supported or not (for error messages). */
  public static String describeCode(int code) {
    return switch (code) {
      case 1 -> "binary (1)";
      case 32 -> "complex64 (32)";
      case 128 -> "rgb24 (128)";
      case 1536 -> "float128 (1536)";
      case 1792 -> "complex128 (1792)";
      case 2048 -> "complex256 (2048)";
      case 2304 -> "rgba32 (2304)";
      default -> {
        NiftiDatatype t = fromCode(code);
        yield t != null ? t.label + " (" + code + ")" : "unknown (" + code + ")";
      }
    };
  }
}

package org.scribe3d.checkpoint;

import ai.djl.ndarray.types.DataType;
import java.util.Locale;

/** The safetensors dtype names Scribe3D reads and writes, with their DJL types and sizes. */
public enum TensorDType {
  F32(DataType.FLOAT32, 4),
  F16(DataType.FLOAT16, 2),
  BF16(DataType.BFLOAT16, 2),
  F64(DataType.FLOAT64, 8),
  I64(DataType.INT64, 8),
  I32(DataType.INT32, 4),
  I8(DataType.INT8, 1),
  U8(DataType.UINT8, 1),
  BOOL(DataType.BOOLEAN, 1);

  private final DataType djl;
  private final int bytes;

  TensorDType(DataType djl, int bytes) {
    this.djl = djl;
    this.bytes = bytes;
  }

  public DataType djl() {
    return djl;
  }

  public int bytes() {
    return bytes;
  }

  /** The safetensors name ("F32", "BF16", …) or null when not supported. */
  public static TensorDType fromName(String name) {
    if (name == null) {
      return null;
    }
    try {
      return valueOf(name.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** The safetensors dtype for a DJL type; throws for types safetensors cannot hold here. */
  public static TensorDType of(DataType type) {
    for (TensorDType t : values()) {
      if (t.djl == type) {
        return t;
      }
    }
    throw new IllegalArgumentException("cannot store data type " + type + " in safetensors");
  }
}

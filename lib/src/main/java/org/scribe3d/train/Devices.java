package org.scribe3d.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The devices and weight dtype a run trains on. */
public final class Devices {
  private Devices() {}

  /** "cpu", "gpu0", "cuda:1" ...; a GPU that is not there is refused with the count that is. */
  public static List<Device> parse(List<String> names) {
    List<Device> out = new ArrayList<>();
    for (String n : names) {
      String s = n.trim().toLowerCase(Locale.ROOT);
      if (s.isEmpty()) {
        continue;
      }
      Device d;
      if (s.equals("cpu")) {
        d = Device.cpu();
      } else if (s.matches("gpu\\d+|cuda:?\\d+")) {
        d = Device.gpu(Integer.parseInt(s.replaceAll("\\D", "")));
        if (d.getDeviceId() >= Engine.getInstance().getGpuCount()) {
          throw new IllegalArgumentException("device " + n + " is not available (" + Engine.getInstance().getGpuCount()
              + " GPU(s) visible)");
        }
      } else {
        throw new IllegalArgumentException("unknown device '" + n + "' (expected cpu or gpuN)");
      }
      out.add(d); // DJL has one CPU device: "cpu,cpu" = a replica on the same device (no speed-up)
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("no devices given");
    }
    return out;
  }

  /**
   * The weight dtypes a run may use: float32 anywhere; float16 only on GPUs (CPU kernels for half are
   * slow or missing, and the CPU gains nothing from it); bfloat16 nowhere, because DJL 0.36's PyTorch
   * engine aborts the JVM on bfloat16 tensors. float16 here is pure half-precision weights (AdamW
   * moments stay float32), not mixed precision with float32 master weights.
   */
  public static void checkDtype(DataType dtype, List<Device> devices) {
    if (dtype == DataType.BFLOAT16) {
      throw new IllegalArgumentException("bfloat16 weights are not supported: DJL 0.36's PyTorch engine aborts the"
          + " JVM on bfloat16 tensors; use float16 on GPUs or float32");
    }
    if (dtype == DataType.FLOAT16) {
      for (Device d : devices) {
        if (!d.isGpu()) {
          throw new IllegalArgumentException("float16 weights need GPU devices (--devices gpu0,...), not " + d
              + "; train in float32 on the CPU");
        }
      }
    } else if (dtype != DataType.FLOAT32) {
      throw new IllegalArgumentException("unsupported weight dtype " + dtype + " (expected float32 or float16)");
    }
  }
}

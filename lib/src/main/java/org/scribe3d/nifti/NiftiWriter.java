package org.scribe3d.nifti;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.scribe3d.io.AtomicFiles;

/**
 * Writes single-file NIfTI-1 images ({@code .nii} or {@code .nii.gz}, little-endian) as float32, or
 * as int16 with scl_slope/scl_inter chosen to cover the data range. The affine goes into both the
 * sform (code 1, scanner) and the qform (code 1, its rotation as a quaternion). Written atomically:
 * a temporary file in the same directory, then a rename.
 */
public final class NiftiWriter {
  static final int HEADER_SIZE = 348;
  static final int VOX_OFFSET = 352;

  private NiftiWriter() {}

  /**
   * Writes voxels (first axis fastest) of shape nx×ny×nz with a 4x4 voxel-to-world affine.
   *
   * @param datatype FLOAT32, or INT16 (values are scaled: stored = round((v - inter) / slope))
   */
  public static void write(Path path, float[] voxels, int nx, int ny, int nz, double[][] affine,
      NiftiDatatype datatype) throws IOException {
    if (datatype != NiftiDatatype.FLOAT32 && datatype != NiftiDatatype.INT16) {
      throw new IllegalArgumentException("NIfTI writer supports float32 and int16, not " + datatype.label());
    }
    if ((long) nx * ny * nz != voxels.length) {
      throw new IllegalArgumentException("voxel count does not match shape");
    }
    double slope = 1;
    double inter = 0;
    if (datatype == NiftiDatatype.INT16) {
      float min = Float.POSITIVE_INFINITY;
      float max = Float.NEGATIVE_INFINITY;
      for (float v : voxels) {
        if (!Float.isFinite(v)) {
          throw new IllegalArgumentException("cannot store non-finite values as int16");
        }
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
      boolean integral = min >= Short.MIN_VALUE && max <= Short.MAX_VALUE && allIntegral(voxels);
      if (!integral) {
        // map [min, max] onto [-32767, 32767]
        double range = Math.max(max - min, 1e-12);
        slope = range / 65534.0;
        inter = (max + (double) min) / 2.0;
      }
    }
    ByteBuffer header = header(nx, ny, nz, affine, datatype, slope, inter);

    double slopeF = slope;
    double interF = inter;
    AtomicFiles.write(path, raw -> {
      try (OutputStream out = path.toString().endsWith(".gz")
          ? new GZIPOutputStream(raw, 1 << 16)
          : new BufferedOutputStream(raw, 1 << 16)) {
        out.write(header.array());
        out.write(new byte[VOX_OFFSET - HEADER_SIZE]); // empty extension block
        writeVoxels(out, voxels, datatype, slopeF, interF);
      }
    });
  }

  private static boolean allIntegral(float[] voxels) {
    for (float v : voxels) {
      if (v != Math.rint(v)) {
        return false;
      }
    }
    return true;
  }

  private static void writeVoxels(OutputStream out, float[] v, NiftiDatatype type, double slope, double inter)
      throws IOException {
    int chunk = 1 << 16;
    ByteBuffer buf = ByteBuffer.allocate(chunk * type.bytesPerVoxel()).order(ByteOrder.LITTLE_ENDIAN);
    for (int start = 0; start < v.length; start += chunk) {
      int end = Math.min(v.length, start + chunk);
      buf.clear();
      if (type == NiftiDatatype.FLOAT32) {
        for (int i = start; i < end; i++) {
          buf.putFloat(v[i]);
        }
      } else {
        for (int i = start; i < end; i++) {
          long q = Math.round((v[i] - inter) / slope);
          buf.putShort((short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, q)));
        }
      }
      out.write(buf.array(), 0, buf.position());
    }
  }

  static ByteBuffer header(int nx, int ny, int nz, double[][] affine, NiftiDatatype type, double slope,
      double inter) {
    ByteBuffer b = ByteBuffer.allocate(HEADER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(0, HEADER_SIZE);
    b.put(39, (byte) 0); // dim_info
    short[] dim = {3, (short) nx, (short) ny, (short) nz, 1, 1, 1, 1};
    if (nx > Short.MAX_VALUE || ny > Short.MAX_VALUE || nz > Short.MAX_VALUE) {
      throw new IllegalArgumentException("dimension too large for NIfTI-1");
    }
    for (int i = 0; i < 8; i++) {
      b.putShort(40 + 2 * i, dim[i]);
    }
    b.putShort(70, (short) type.code());
    b.putShort(72, (short) (type.bytesPerVoxel() * 8));

    double[] zooms = new double[3];
    for (int c = 0; c < 3; c++) {
      zooms[c] = Math.sqrt(affine[0][c] * affine[0][c] + affine[1][c] * affine[1][c] + affine[2][c] * affine[2][c]);
    }
    Quatern q = Quatern.fromAffine(affine);
    float[] pixdim = {(float) q.qfac, (float) zooms[0], (float) zooms[1], (float) zooms[2], 1, 1, 1, 1};
    for (int i = 0; i < 8; i++) {
      b.putFloat(76 + 4 * i, pixdim[i]);
    }
    b.putFloat(108, VOX_OFFSET);
    b.putFloat(112, type == NiftiDatatype.INT16 ? (float) slope : Float.NaN);
    b.putFloat(116, type == NiftiDatatype.INT16 ? (float) inter : Float.NaN);
    b.put(123, (byte) (2 | 8)); // mm, seconds
    byte[] descrip = "Scribe3D".getBytes(StandardCharsets.US_ASCII);
    b.put(148, descrip);
    b.putShort(252, (short) 1); // qform_code: scanner
    b.putShort(254, (short) 1); // sform_code: scanner
    b.putFloat(256, (float) q.b);
    b.putFloat(260, (float) q.c);
    b.putFloat(264, (float) q.d);
    b.putFloat(268, (float) affine[0][3]);
    b.putFloat(272, (float) affine[1][3]);
    b.putFloat(276, (float) affine[2][3]);
    for (int r = 0; r < 3; r++) {
      for (int c = 0; c < 4; c++) {
        b.putFloat(280 + 16 * r + 4 * c, (float) affine[r][c]);
      }
    }
    b.put(344, new byte[] {'n', '+', '1', 0});
    return b;
  }

  /** The quaternion form of an affine's rotation, as nifti1_io's mat44_to_quatern computes it. */
  record Quatern(double b, double c, double d, double qfac) {
    static Quatern fromAffine(double[][] a) {
      double[][] r = new double[3][3];
      for (int col = 0; col < 3; col++) {
        double n = Math.sqrt(a[0][col] * a[0][col] + a[1][col] * a[1][col] + a[2][col] * a[2][col]);
        for (int row = 0; row < 3; row++) {
          // a zero column (degenerate affine) becomes the unit axis, as nifti1_io does
          r[row][col] = n == 0 ? (row == col ? 1 : 0) : a[row][col] / n;
        }
      }
      double det = r[0][0] * (r[1][1] * r[2][2] - r[1][2] * r[2][1])
          - r[0][1] * (r[1][0] * r[2][2] - r[1][2] * r[2][0])
          + r[0][2] * (r[1][0] * r[2][1] - r[1][1] * r[2][0]);
      double qfac = 1;
      if (det < 0) {
        qfac = -1;
        r[0][2] = -r[0][2];
        r[1][2] = -r[1][2];
        r[2][2] = -r[2][2];
      }
      double aa = r[0][0] + r[1][1] + r[2][2] + 1;
      double qa;
      double qb;
      double qc;
      double qd;
      if (aa > 0.5) {
        qa = 0.5 * Math.sqrt(aa);
        qb = 0.25 * (r[2][1] - r[1][2]) / qa;
        qc = 0.25 * (r[0][2] - r[2][0]) / qa;
        qd = 0.25 * (r[1][0] - r[0][1]) / qa;
      } else {
        double xd = 1 + r[0][0] - (r[1][1] + r[2][2]);
        double yd = 1 + r[1][1] - (r[0][0] + r[2][2]);
        double zd = 1 + r[2][2] - (r[0][0] + r[1][1]);
        if (xd > 1) {
          qb = 0.5 * Math.sqrt(xd);
          qc = 0.25 * (r[0][1] + r[1][0]) / qb;
          qd = 0.25 * (r[0][2] + r[2][0]) / qb;
          qa = 0.25 * (r[2][1] - r[1][2]) / qb;
        } else if (yd > 1) {
          qc = 0.5 * Math.sqrt(yd);
          qb = 0.25 * (r[0][1] + r[1][0]) / qc;
          qd = 0.25 * (r[1][2] + r[2][1]) / qc;
          qa = 0.25 * (r[0][2] - r[2][0]) / qc;
        } else {
          qd = 0.5 * Math.sqrt(zd);
          qb = 0.25 * (r[0][2] + r[2][0]) / qd;
          qc = 0.25 * (r[1][2] + r[2][1]) / qd;
          qa = 0.25 * (r[1][0] - r[0][1]) / qd;
        }
        if (qa < 0) {
          qb = -qb;
          qc = -qc;
          qd = -qd;
        }
      }
      return new Quatern(qb, qc, qd, qfac);
    }
  }
}

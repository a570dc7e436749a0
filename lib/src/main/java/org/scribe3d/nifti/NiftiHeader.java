package org.scribe3d.nifti;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A parsed and validated NIfTI-1 or NIfTI-2 single-file header.
 *
 * <p>Values follow nibabel 5 after its load-time fixes: qfac (pixdim[0]) other than -1/1 becomes 1,
 * zero spatial pixdims become 1 and negative ones their absolute value, and a vox_offset below the
 * header size becomes the minimum (352 or 544). The affine follows nibabel's
 * {@code get_best_affine}: sform when sform_code != 0, else qform when qform_code != 0, else the
 * Analyze-style base affine from pixdim (x flipped, origin at the image centre).
 */
public final class NiftiHeader {
  /** NIfTI-1 header size; data starts at 352 at the earliest (4 extension-flag bytes follow). */
  public static final int NIFTI1_SIZE = 348;
  public static final int NIFTI2_SIZE = 540;

  private final int version;
  private final ByteOrder order;
  private final long[] dim; // dim[0] = ndim, dim[1..7]
  private final int datatypeCode;
  private final double[] pixdim;
  private final long voxOffset;
  private final double sclSlope;
  private final double sclInter;
  private final int qformCode;
  private final int sformCode;
  private final double[] quatern; // b, c, d
  private final double[] qoffset; // x, y, z
  private final double[][] srow; // 3 x 4
  private final int xyztUnits;
  private final int intentCode;
  private final String descrip;

  private NiftiHeader(int version, ByteOrder order, long[] dim, int datatypeCode, double[] pixdim,
      long voxOffset, double sclSlope, double sclInter, int qformCode, int sformCode, double[] quatern,
      double[] qoffset, double[][] srow, int xyztUnits, int intentCode, String descrip) {
    this.version = version;
    this.order = order;
    this.dim = dim;
    this.datatypeCode = datatypeCode;
    this.pixdim = pixdim;
    this.voxOffset = voxOffset;
    this.sclSlope = sclSlope;
    this.sclInter = sclInter;
    this.qformCode = qformCode;
    this.sformCode = sformCode;
    this.quatern = quatern;
    this.qoffset = qoffset;
    this.srow = srow;
    this.xyztUnits = xyztUnits;
    this.intentCode = intentCode;
    this.descrip = descrip;
  }

  /**
   * The header size and byte order announced by the first 4 bytes (sizeof_hdr: 348 for NIfTI-1,
   * 540 for NIfTI-2, in either byte order).
   *
   * @return {size, 0 for little-endian / 1 for big-endian}
   */
  static int[] sizeAndOrder(byte[] first4, String file) throws NiftiException {
    ByteBuffer le = ByteBuffer.wrap(first4, 0, 4).order(ByteOrder.LITTLE_ENDIAN);
    int l = le.getInt(0);
    int b = Integer.reverseBytes(l);
    if (l == NIFTI1_SIZE || l == NIFTI2_SIZE) {
      return new int[] {l, 0};
    }
    if (b == NIFTI1_SIZE || b == NIFTI2_SIZE) {
      return new int[] {b, 1};
    }
    throw new NiftiException(file, "not a NIfTI file (bad magic: sizeof_hdr is " + l
        + ", expected 348 or 540)");
  }

  /** Parses a complete header block (348 or 540 bytes) and validates it. */
  static NiftiHeader parse(byte[] bytes, String file) throws NiftiException {
    int[] so = sizeAndOrder(bytes, file);
    ByteOrder order = so[1] == 0 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
    ByteBuffer h = ByteBuffer.wrap(bytes).order(order);
    if (bytes.length < so[0]) {
      throw new NiftiException(file, "truncated header: " + bytes.length + " bytes, a NIfTI-"
          + (so[0] == NIFTI1_SIZE ? 1 : 2) + " header needs " + so[0]);
    }
    return so[0] == NIFTI1_SIZE ? parse1(h, order, file) : parse2(h, order, file);
  }

  private static NiftiHeader parse1(ByteBuffer h, ByteOrder order, String file) throws NiftiException {
    String magic = ascii(h, 344, 4);
    if (magic.equals("ni1")) {
      throw new NiftiException(file, "NIfTI-1 header/image pair (.hdr/.img) is not supported; "
          + "convert to a single .nii or .nii.gz file");
    }
    if (!magic.equals("n+1")) {
      throw new NiftiException(file, "not a NIfTI file (bad magic '" + printable(h, 344, 4)
          + "', expected 'n+1'; an Analyze 7.5 header?)");
    }
    long[] dim = new long[8];
    for (int i = 0; i < 8; i++) {
      dim[i] = h.getShort(40 + 2 * i);
    }
    double[] pixdim = new double[8];
    for (int i = 0; i < 8; i++) {
      pixdim[i] = h.getFloat(76 + 4 * i);
    }
    double voxOffsetF = h.getFloat(108);
    double[] quatern = {h.getFloat(256), h.getFloat(260), h.getFloat(264)};
    double[] qoffset = {h.getFloat(268), h.getFloat(272), h.getFloat(276)};
    double[][] srow = new double[3][4];
    for (int r = 0; r < 3; r++) {
      for (int c = 0; c < 4; c++) {
        srow[r][c] = h.getFloat(280 + 16 * r + 4 * c);
      }
    }
    if (!Double.isFinite(voxOffsetF) || voxOffsetF < 0 || voxOffsetF != Math.rint(voxOffsetF)) {
      throw new NiftiException(file, "invalid vox_offset " + voxOffsetF);
    }
    return build(1, order, dim, h.getShort(70), pixdim, (long) voxOffsetF, h.getFloat(112),
        h.getFloat(116), h.getShort(252), h.getShort(254), quatern, qoffset, srow,
        h.get(123) & 0xff, h.getShort(68), ascii(h, 148, 80), file);
  }

  private static NiftiHeader parse2(ByteBuffer h, ByteOrder order, String file) throws NiftiException {
    String magic = ascii(h, 4, 8);
    if (magic.equals("ni2")) {
      throw new NiftiException(file, "NIfTI-2 header/image pair (.hdr/.img) is not supported; "
          + "convert to a single .nii or .nii.gz file");
    }
    if (!magic.equals("n+2")) {
      throw new NiftiException(file, "not a NIfTI file (bad magic '" + printable(h, 4, 4)
          + "', expected 'n+2')");
    }
    long[] dim = new long[8];
    for (int i = 0; i < 8; i++) {
      dim[i] = h.getLong(16 + 8 * i);
    }
    double[] pixdim = new double[8];
    for (int i = 0; i < 8; i++) {
      pixdim[i] = h.getDouble(104 + 8 * i);
    }
    double[] quatern = {h.getDouble(352), h.getDouble(360), h.getDouble(368)};
    double[] qoffset = {h.getDouble(376), h.getDouble(384), h.getDouble(392)};
    double[][] srow = new double[3][4];
    for (int r = 0; r < 3; r++) {
      for (int c = 0; c < 4; c++) {
        srow[r][c] = h.getDouble(400 + 32 * r + 8 * c);
      }
    }
    long voxOffset = h.getLong(168);
    if (voxOffset < 0) {
      throw new NiftiException(file, "invalid vox_offset " + voxOffset);
    }
    return build(2, order, dim, h.getShort(12), pixdim, voxOffset, h.getDouble(176), h.getDouble(184),
        h.getInt(344), h.getInt(348), quatern, qoffset, srow, h.getInt(500), h.getInt(504),
        ascii(h, 240, 80), file);
  }

  private static NiftiHeader build(int version, ByteOrder order, long[] dim, int datatypeCode,
      double[] pixdim, long voxOffset, double slope, double inter, int qformCode, int sformCode,
      double[] quatern, double[] qoffset, double[][] srow, int xyztUnits, int intentCode,
      String descrip, String file) throws NiftiException {
    long ndim = dim[0];
    if (ndim < 1 || ndim > 7) {
      throw new NiftiException(file, "invalid dimensions: dim[0] = " + ndim
          + " (the number of dimensions must be 1..7)");
    }
    long voxels = 1;
    for (int i = 1; i <= ndim; i++) {
      if (dim[i] <= 0) {
        throw new NiftiException(file, "invalid dimensions: dim[" + i + "] = " + dim[i]
            + " (shape " + shapeString(dim) + ")");
      }
      if (dim[i] > Integer.MAX_VALUE) {
        throw new NiftiException(file, "absurd dimensions: dim[" + i + "] = " + dim[i]);
      }
      try {
        voxels = Math.multiplyExact(voxels, dim[i]);
      } catch (ArithmeticException e) {
        throw new NiftiException(file, "absurd dimensions: shape " + shapeString(dim)
            + " overflows a 64-bit voxel count");
      }
    }
    NiftiDatatype type = NiftiDatatype.fromCode(datatypeCode);
    if (type == null) {
      throw new NiftiException(file, "unsupported NIfTI datatype " + NiftiDatatype.describeCode(datatypeCode));
    }
    if (voxels > Long.MAX_VALUE / 16) {
      throw new NiftiException(file, "absurd dimensions: shape " + shapeString(dim));
    }
    for (int i = 1; i <= ndim; i++) {
      if (!Double.isFinite(pixdim[i])) {
        throw new NiftiException(file, "invalid voxel size: pixdim[" + i + "] is " + pixdim[i]);
      }
    }
    // nibabel's load-time fixes (_chk_qfac, _chk_pixdims)
    if (pixdim[0] != 1 && pixdim[0] != -1) {
      pixdim[0] = 1;
    }
    for (int i = 1; i <= 3; i++) {
      if (pixdim[i] == 0) {
        pixdim[i] = 1;
      } else if (pixdim[i] < 0) {
        pixdim[i] = -pixdim[i];
      }
    }
    int minOffset = (version == 1 ? NIFTI1_SIZE : NIFTI2_SIZE) + 4;
    if (voxOffset < minOffset) {
      voxOffset = minOffset; // nibabel _chk_offset: "setting to minimum value"
    }
    boolean scaled = slope != 0 && Double.isFinite(slope);
    if (scaled && !Double.isFinite(inter)) {
      throw new NiftiException(file, "invalid scl_inter " + inter + " with scl_slope " + slope);
    }
    if (sformCode != 0) {
      for (int r = 0; r < 3; r++) {
        for (int c = 0; c < 4; c++) {
          if (!Double.isFinite(srow[r][c])) {
            throw new NiftiException(file, "invalid sform: srow_" + "xyz".charAt(r) + "[" + c + "] is "
                + srow[r][c]);
          }
        }
      }
    }
    if (sformCode == 0 && qformCode != 0) {
      for (int i = 0; i < 3; i++) {
        if (!Double.isFinite(quatern[i]) || !Double.isFinite(qoffset[i])) {
          throw new NiftiException(file, "invalid qform: quaternion or offset is not finite");
        }
      }
      double w2 = 1 - (quatern[0] * quatern[0] + quatern[1] * quatern[1] + quatern[2] * quatern[2]);
      double eps = version == 1 ? Math.ulp(1.0f) : Math.ulp(1.0);
      if (w2 < -3 * eps) {
        throw new NiftiException(file, "invalid qform: quaternion (b, c, d) has norm > 1 (w² = " + w2 + ")");
      }
    }
    return new NiftiHeader(version, order, dim, datatypeCode, pixdim, voxOffset, slope, inter,
        qformCode, sformCode, quatern, qoffset, srow, xyztUnits, intentCode, descrip);
  }

  private static String ascii(ByteBuffer h, int off, int len) {
    byte[] b = new byte[len];
    h.get(off, b);
    int n = 0;
    while (n < len && b[n] != 0) {
      n++;
    }
    return new String(b, 0, n, StandardCharsets.ISO_8859_1).strip();
  }

  private static String printable(ByteBuffer h, int off, int len) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < len; i++) {
      int c = h.get(off + i) & 0xff;
      sb.append(c >= 32 && c < 127 ? String.valueOf((char) c) : String.format("\\x%02x", c));
    }
    return sb.toString();
  }

  private static String shapeString(long[] dim) {
    StringBuilder sb = new StringBuilder();
    int n = (int) Math.max(1, Math.min(7, dim[0]));
    for (int i = 1; i <= n; i++) {
      sb.append(i > 1 ? "x" : "").append(dim[i]);
    }
    return sb.toString();
  }

  /** 1 for NIfTI-1, 2 for NIfTI-2. */
  public int version() {
    return version;
  }

  public ByteOrder byteOrder() {
    return order;
  }

  public int ndim() {
    return (int) dim[0];
  }

  /** The image shape, one entry per dimension (as nibabel's {@code img.shape}). */
  public long[] shape() {
    return Arrays.copyOfRange(dim, 1, ndim() + 1);
  }

  /** The first three dimensions, padded with 1 for 1D/2D images. */
  public int[] spatialShape() {
    int[] s = {1, 1, 1};
    for (int i = 0; i < Math.min(3, ndim()); i++) {
      s[i] = (int) dim[i + 1];
    }
    return s;
  }

  /** Number of 3D frames: the product of dims 4..ndim (1 for 3D images). */
  public long frames() {
    long f = 1;
    for (int i = 4; i <= ndim(); i++) {
      f *= dim[i];
    }
    return f;
  }

  public long voxelsPerFrame() {
    int[] s = spatialShape();
    return (long) s[0] * s[1] * s[2];
  }

  public long totalVoxels() {
    return voxelsPerFrame() * frames();
  }

  public NiftiDatatype datatype() {
    return NiftiDatatype.fromCode(datatypeCode);
  }

  /** Bytes of voxel data the header describes (all frames). */
  public long dataBytes() {
    return totalVoxels() * datatype().bytesPerVoxel();
  }

  public long frameBytes() {
    return voxelsPerFrame() * datatype().bytesPerVoxel();
  }

  public long voxOffset() {
    return voxOffset;
  }

  /** pixdim[1..ndim] (nibabel's {@code header.get_zooms()}). */
  public double[] zooms() {
    return Arrays.copyOfRange(pixdim, 1, ndim() + 1);
  }

  /** pixdim[0..7] after nibabel's fixes. */
  public double[] pixdim() {
    return pixdim.clone();
  }

  /** True when scl_slope is finite and non-zero (nibabel applies scaling). */
  public boolean isScaled() {
    return sclSlope != 0 && Double.isFinite(sclSlope);
  }

  /** scl_slope, or null when the data are unscaled (slope 0 or NaN). */
  public Double slope() {
    return isScaled() ? sclSlope : null;
  }

  /** scl_inter, or null when the data are unscaled. */
  public Double inter() {
    return isScaled() ? sclInter : null;
  }

  public int qformCode() {
    return qformCode;
  }

  public int sformCode() {
    return sformCode;
  }

  public int xyztUnits() {
    return xyztUnits;
  }

  public int intentCode() {
    return intentCode;
  }

  public String description() {
    return descrip;
  }

  /** The voxel-to-world affine nibabel uses ({@code get_best_affine}). */
  public double[][] affine() {
    if (sformCode != 0) {
      return sformAffine();
    }
    if (qformCode != 0) {
      return qformAffine();
    }
    return baseAffine();
  }

  /** Which transform {@link #affine()} came from: "sform", "qform" or "pixdim". */
  public String affineSource() {
    return sformCode != 0 ? "sform" : qformCode != 0 ? "qform" : "pixdim";
  }

  public double[][] sformAffine() {
    double[][] a = new double[4][4];
    for (int r = 0; r < 3; r++) {
      a[r] = srow[r].clone();
    }
    a[3][3] = 1;
    return a;
  }

  /** The qform affine: rotation from the quaternion, zooms, qfac on the third axis, offsets. */
  public double[][] qformAffine() {
    double x = quatern[0];
    double y = quatern[1];
    double z = quatern[2];
    double w2 = 1 - (x * x + y * y + z * z);
    double w = w2 < 0 ? 0 : Math.sqrt(w2);
    double[][] r = quatToMatrix(w, x, y, z);
    double[] vox = {pixdim[1], pixdim[2], pixdim[3] * pixdim[0]};
    double[][] a = new double[4][4];
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        a[i][j] = r[i][j] * vox[j];
      }
      a[i][3] = qoffset[i];
    }
    a[3][3] = 1;
    return a;
  }

  /** nibabel's quat2mat (normalising, identity for a zero quaternion). */
  static double[][] quatToMatrix(double w, double x, double y, double z) {
    double nq = w * w + x * x + y * y + z * z;
    if (nq < Math.ulp(1.0)) {
      return new double[][] {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
    }
    double s = 2.0 / nq;
    double xs = x * s;
    double ys = y * s;
    double zs = z * s;
    double wx = w * xs;
    double wy = w * ys;
    double wz = w * zs;
    double xx = x * xs;
    double xy = x * ys;
    double xz = x * zs;
    double yy = y * ys;
    double yz = y * zs;
    double zz = z * zs;
    return new double[][] {
      {1.0 - (yy + zz), xy - wz, xz + wy},
      {xy + wz, 1.0 - (xx + zz), yz - wx},
      {xz - wy, yz + wx, 1.0 - (xx + yy)}
    };
  }

  /**
   * nibabel's Analyze fallback ({@code get_base_affine} → {@code shape_zoom_affine}): diagonal zooms
   * with x negated, translated so that the image centre is at the origin.
   */
  public double[][] baseAffine() {
    int n = ndim();
    double[] shape = {1, 1, 1};
    double[] zooms = {1, 1, 1};
    for (int i = 0; i < Math.min(3, n); i++) {
      shape[i] = dim[i + 1];
      zooms[i] = pixdim[i + 1];
    }
    zooms[0] = -zooms[0];
    double[][] a = new double[4][4];
    for (int i = 0; i < 3; i++) {
      a[i][i] = zooms[i];
      a[i][3] = -((shape[i] - 1) / 2.0) * zooms[i];
    }
    a[3][3] = 1;
    return a;
  }

  @Override
  public String toString() {
    return "NIfTI-" + version + " " + shapeString(dim) + " " + datatype().label();
  }
}

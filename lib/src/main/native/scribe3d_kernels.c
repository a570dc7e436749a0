/*
 * Scribe3D's CPU decoding kernels (JNI, org.scribe3d.model.cpu.CpuKernels).
 *
 * Decoding one token is a chain of matrix-vector products whose cost is reading the weights once,
 * so these kernels read each weight row exactly once, convert float16 to float32 in registers
 * (F16C) and accumulate with FMA; everything else a decode step needs (RMSNorm, RoPE, attention over
 * the KV cache, SwiGLU) is here too, so a step does not pay the engine's per-op overhead.
 * Activations are float32 throughout. Every pointer is an address of memory owned by Java (direct
 * buffers or tensors of DJL's engine); the kernels allocate nothing.
 *
 * x86-64 with AVX2 + FMA + F16C takes the vector paths (chosen once, at load; the matrix products 16
 * lanes wide where AVX-512 is there too); anything else takes the portable scalar code, which computes
 * the same sums in another order.
 */
#include <jni.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>
#define SCRIBE3D_X86 1
#endif

static int use_avx2 = 0;
static int use_avx512 = 0;

/* IEEE binary16 → binary32, exact for every finite value, infinity and NaN. */
static inline float half_to_float(uint16_t h) {
  uint32_t sign = (uint32_t)(h & 0x8000u) << 16;
  uint32_t exp = (h >> 10) & 0x1fu;
  uint32_t man = h & 0x3ffu;
  uint32_t bits;
  if (exp == 0x1fu) {
    bits = sign | 0x7f800000u | (man << 13);
  } else if (exp != 0) {
    bits = sign | ((exp + 112u) << 23) | (man << 13);
  } else if (man == 0) {
    bits = sign;
  } else { /* subnormal: value = man * 2^-24 */
    float f = (float)man * 5.9604644775390625e-8f;
    memcpy(&bits, &f, 4);
    bits |= sign;
  }
  float out;
  memcpy(&out, &bits, 4);
  return out;
}

/* ---- portable scalar kernels ---------------------------------------------------------------- */

/*
 * out[i] = row i · x for i < n (n ≤ 4), row i starting at w + i·gap: the row-block body every matvec
 * path shares.
 */
static void rows_f32_scalar(const float *w, int64_t gap, const float *x, float *out, int64_t cols, int n) {
  for (int i = 0; i < n; i++) {
    const float *row = w + i * gap;
    float s = 0.f;
    for (int64_t c = 0; c < cols; c++) s += row[c] * x[c];
    out[i] = s;
  }
}

static void rows_f16_scalar(const uint16_t *w, int64_t gap, const float *x, float *out, int64_t cols, int n) {
  for (int i = 0; i < n; i++) {
    const uint16_t *row = w + i * gap;
    float s = 0.f;
    for (int64_t c = 0; c < cols; c++) s += half_to_float(row[c]) * x[c];
    out[i] = s;
  }
}

static float dot_scalar(const float *a, const float *b, int n) {
  float s = 0.f;
  for (int i = 0; i < n; i++) s += a[i] * b[i];
  return s;
}

static void axpy_scalar(float a, const float *x, float *y, int n) {
  for (int i = 0; i < n; i++) y[i] += a * x[i];
}

/* ---- AVX2 + FMA + F16C kernels --------------------------------------------------------------- */
#ifdef SCRIBE3D_X86
#define V_TARGET __attribute__((target("avx2,fma,f16c")))

V_TARGET static inline float hsum(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

/* Four rows at a time (four weight streams, gap apart; x re-read from L1); fewer rows one at a time. */
#define ROWS_BODY(LOAD)                                                                              \
  int64_t vc = cols & ~(int64_t)15;                                                                  \
  if (n == 4) {                                                                                      \
    const TYPE *a = w, *b = a + gap, *c = b + gap, *d = c + gap;                                     \
    __m256 a0 = _mm256_setzero_ps(), a1 = a0, b0 = a0, b1 = a0, c0 = a0, c1 = a0, d0 = a0, d1 = a0;  \
    for (int64_t k = 0; k < vc; k += 16) {                                                           \
      __m256 x0 = _mm256_loadu_ps(x + k), x1 = _mm256_loadu_ps(x + k + 8);                           \
      a0 = _mm256_fmadd_ps(LOAD(a + k), x0, a0);                                                     \
      a1 = _mm256_fmadd_ps(LOAD(a + k + 8), x1, a1);                                                 \
      b0 = _mm256_fmadd_ps(LOAD(b + k), x0, b0);                                                     \
      b1 = _mm256_fmadd_ps(LOAD(b + k + 8), x1, b1);                                                 \
      c0 = _mm256_fmadd_ps(LOAD(c + k), x0, c0);                                                     \
      c1 = _mm256_fmadd_ps(LOAD(c + k + 8), x1, c1);                                                 \
      d0 = _mm256_fmadd_ps(LOAD(d + k), x0, d0);                                                     \
      d1 = _mm256_fmadd_ps(LOAD(d + k + 8), x1, d1);                                                 \
    }                                                                                                \
    out[0] = hsum(_mm256_add_ps(a0, a1)) + TAIL(a);                                                  \
    out[1] = hsum(_mm256_add_ps(b0, b1)) + TAIL(b);                                                  \
    out[2] = hsum(_mm256_add_ps(c0, c1)) + TAIL(c);                                                  \
    out[3] = hsum(_mm256_add_ps(d0, d1)) + TAIL(d);                                                  \
    return;                                                                                          \
  }                                                                                                  \
  for (int i = 0; i < n; i++) {                                                                      \
    const TYPE *a = w + i * gap;                                                                     \
    __m256 a0 = _mm256_setzero_ps(), a1 = a0;                                                        \
    for (int64_t k = 0; k < vc; k += 16) {                                                           \
      a0 = _mm256_fmadd_ps(LOAD(a + k), _mm256_loadu_ps(x + k), a0);                                 \
      a1 = _mm256_fmadd_ps(LOAD(a + k + 8), _mm256_loadu_ps(x + k + 8), a1);                         \
    }                                                                                                \
    out[i] = hsum(_mm256_add_ps(a0, a1)) + TAIL(a);                                                  \
  }

#define LOADF(p) _mm256_loadu_ps(p)
#define LOADH(p) _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(p)))

static inline float tail_f32(const float *row, const float *x, int64_t from, int64_t cols) {
  float s = 0.f;
  for (int64_t k = from; k < cols; k++) s += row[k] * x[k];
  return s;
}

static inline float tail_f16(const uint16_t *row, const float *x, int64_t from, int64_t cols) {
  float s = 0.f;
  for (int64_t k = from; k < cols; k++) s += half_to_float(row[k]) * x[k];
  return s;
}

#define TYPE float
#define TAIL(r) tail_f32(r, x, vc, cols)
V_TARGET static void rows_f32_avx2(const float *w, int64_t gap, const float *x, float *out, int64_t cols, int n) { ROWS_BODY(LOADF) }
#undef TYPE
#undef TAIL
#define TYPE uint16_t
#define TAIL(r) tail_f16(r, x, vc, cols)
V_TARGET static void rows_f16_avx2(const uint16_t *w, int64_t gap, const float *x, float *out, int64_t cols, int n) { ROWS_BODY(LOADH) }
#undef TYPE
#undef TAIL

/*
 * The same row blocks 16 lanes wide, for CPUs with AVX-512 (one conversion and one FMA per 16 weights),
 * with each row's stream prefetched 1 KiB ahead: four rows at a time are four streams, more than the
 * hardware prefetcher keeps ahead of on its own (measured: float16 products 10-15% faster with it).
 */
#define PREFETCH 1024
#define W_TARGET __attribute__((target("avx512f,avx2,fma,f16c")))
#define ROWS_BODY_512(LOAD)                                                                          \
  int64_t vc = cols & ~(int64_t)31;                                                                  \
  if (n == 4) {                                                                                      \
    const TYPE *a = w, *b = a + gap, *c = b + gap, *d = c + gap;                                     \
    __m512 a0 = _mm512_setzero_ps(), a1 = a0, b0 = a0, b1 = a0, c0 = a0, c1 = a0, d0 = a0, d1 = a0;  \
    for (int64_t k = 0; k < vc; k += 32) {                                                           \
      __m512 x0 = _mm512_loadu_ps(x + k), x1 = _mm512_loadu_ps(x + k + 16);                          \
      for (int line = 0; line < (int)sizeof(TYPE) / 2; line++) {                                     \
        _mm_prefetch((const char *)(a + k) + PREFETCH + 64 * line, _MM_HINT_T0);                     \
        _mm_prefetch((const char *)(b + k) + PREFETCH + 64 * line, _MM_HINT_T0);                     \
        _mm_prefetch((const char *)(c + k) + PREFETCH + 64 * line, _MM_HINT_T0);                     \
        _mm_prefetch((const char *)(d + k) + PREFETCH + 64 * line, _MM_HINT_T0);                     \
      }                                                                                              \
      a0 = _mm512_fmadd_ps(LOAD(a + k), x0, a0);                                                     \
      a1 = _mm512_fmadd_ps(LOAD(a + k + 16), x1, a1);                                                \
      b0 = _mm512_fmadd_ps(LOAD(b + k), x0, b0);                                                     \
      b1 = _mm512_fmadd_ps(LOAD(b + k + 16), x1, b1);                                                \
      c0 = _mm512_fmadd_ps(LOAD(c + k), x0, c0);                                                     \
      c1 = _mm512_fmadd_ps(LOAD(c + k + 16), x1, c1);                                                \
      d0 = _mm512_fmadd_ps(LOAD(d + k), x0, d0);                                                     \
      d1 = _mm512_fmadd_ps(LOAD(d + k + 16), x1, d1);                                                \
    }                                                                                                \
    out[0] = _mm512_reduce_add_ps(_mm512_add_ps(a0, a1)) + TAIL(a);                                  \
    out[1] = _mm512_reduce_add_ps(_mm512_add_ps(b0, b1)) + TAIL(b);                                  \
    out[2] = _mm512_reduce_add_ps(_mm512_add_ps(c0, c1)) + TAIL(c);                                  \
    out[3] = _mm512_reduce_add_ps(_mm512_add_ps(d0, d1)) + TAIL(d);                                  \
    return;                                                                                          \
  }                                                                                                  \
  for (int i = 0; i < n; i++) {                                                                      \
    const TYPE *a = w + i * gap;                                                                     \
    __m512 a0 = _mm512_setzero_ps(), a1 = a0;                                                        \
    for (int64_t k = 0; k < vc; k += 32) {                                                           \
      a0 = _mm512_fmadd_ps(LOAD(a + k), _mm512_loadu_ps(x + k), a0);                                 \
      a1 = _mm512_fmadd_ps(LOAD(a + k + 16), _mm512_loadu_ps(x + k + 16), a1);                       \
    }                                                                                                \
    out[i] = _mm512_reduce_add_ps(_mm512_add_ps(a0, a1)) + TAIL(a);                                  \
  }

#define LOADF16(p) _mm512_loadu_ps(p)
#define LOADH16(p) _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)(p)))
#define TYPE float
#define TAIL(r) tail_f32(r, x, vc, cols)
W_TARGET static void rows_f32_avx512(const float *w, int64_t gap, const float *x, float *out, int64_t cols, int n) {
  ROWS_BODY_512(LOADF16)
}
#undef TYPE
#undef TAIL
#define TYPE uint16_t
#define TAIL(r) tail_f16(r, x, vc, cols)
W_TARGET static void rows_f16_avx512(const uint16_t *w, int64_t gap, const float *x, float *out, int64_t cols, int n) {
  ROWS_BODY_512(LOADH16)
}
#undef TYPE
#undef TAIL

V_TARGET static float dot_avx2(const float *a, const float *b, int n) {
  __m256 s0 = _mm256_setzero_ps(), s1 = s0;
  int i = 0;
  for (; i + 16 <= n; i += 16) {
    s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), s0);
    s1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 8), _mm256_loadu_ps(b + i + 8), s1);
  }
  for (; i + 8 <= n; i += 8) s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), s0);
  float s = hsum(_mm256_add_ps(s0, s1));
  for (; i < n; i++) s += a[i] * b[i];
  return s;
}

V_TARGET static void axpy_avx2(float a, const float *x, float *y, int n) {
  __m256 va = _mm256_set1_ps(a);
  int i = 0;
  for (; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, _mm256_fmadd_ps(va, _mm256_loadu_ps(x + i), _mm256_loadu_ps(y + i)));
  for (; i < n; i++) y[i] += a * x[i];
}
#endif

static inline float dot(const float *a, const float *b, int n) {
#ifdef SCRIBE3D_X86
  if (use_avx2) return dot_avx2(a, b, n);
#endif
  return dot_scalar(a, b, n);
}

static inline void axpy(float a, const float *x, float *y, int n) {
#ifdef SCRIBE3D_X86
  if (use_avx2) { axpy_avx2(a, x, y, n); return; }
#endif
  axpy_scalar(a, x, y, n);
}

#define P(a) ((void *)(intptr_t)(a))

/* 0: portable C, 1: AVX2 + FMA + F16C, 2: the products also with AVX-512. */
JNIEXPORT jint JNICALL Java_org_scribe3d_model_cpu_CpuKernels_init(JNIEnv *env, jclass cls) {
#ifdef SCRIBE3D_X86
  __builtin_cpu_init();
  use_avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c");
  use_avx512 = use_avx2 && __builtin_cpu_supports("avx512f");
#endif
  return use_avx512 ? 2 : use_avx2 ? 1 : 0;
}

JNIEXPORT jlong JNICALL Java_org_scribe3d_model_cpu_CpuKernels_address(JNIEnv *env, jclass cls, jobject buf) {
  return (jlong)(intptr_t)(*env)->GetDirectBufferAddress(env, buf);
}

/* Rows n (n ≤ 4) at w + i·gap, i < n, times every x_b; results to y_b at rows y0 + i·gap_rows. */
static void rows_times_batch(const void *w, int half, int64_t gap, const float *x, float *y, int64_t cols, int nb,
    int64_t xStride, int64_t yStride, int64_t y0, int64_t gapRows, int n) {
  float out[4];
  for (int b = 0; b < nb; b++) {
    const float *xb = x + b * xStride;
    if (half) {
#ifdef SCRIBE3D_X86
      if (use_avx512) rows_f16_avx512(w, gap, xb, out, cols, n); else
      if (use_avx2) rows_f16_avx2(w, gap, xb, out, cols, n); else
#endif
      rows_f16_scalar(w, gap, xb, out, cols, n);
    } else {
#ifdef SCRIBE3D_X86
      if (use_avx512) rows_f32_avx512(w, gap, xb, out, cols, n); else
      if (use_avx2) rows_f32_avx2(w, gap, xb, out, cols, n); else
#endif
      rows_f32_scalar(w, gap, xb, out, cols, n);
    }
    float *yb = y + b * yStride + y0;
    for (int i = 0; i < n; i++) yb[i * gapRows] = out[i];
  }
}

/*
 * Rows per chunk: about 1 MiB of weights, a multiple of four. Within a chunk the four rows of a block
 * are a quarter of the chunk apart, so the four weight streams run ~256 KiB apart. Measured on this
 * machine's EPYC (float16, 2048 columns, two threads): 67-70 GB/s, as fast as a plain read of the same
 * bytes, against 42-45 GB/s with four adjacent rows per block (streams 4 KiB apart). Smaller chunks
 * read slower (a plain read in 64 KiB chunks: 45 GB/s).
 */
static int64_t chunk_rows(int64_t cols, int half) {
  int64_t row = cols * (half ? 2 : 4);
  int64_t n = ((int64_t)1 << 20) / (row > 0 ? row : 1);
  n &= ~(int64_t)3;
  return n < 4 ? 4 : n;
}

/* Rows r0 ≤ r < r0 + n (one chunk): blocks of four rows a quarter of the chunk apart, the rest one by one. */
static void matvec_chunk(const void *wa, int half, const float *x, float *y, int64_t cols, int nb, int64_t xStride,
    int64_t yStride, int64_t r0, int64_t n) {
  size_t es = half ? 2 : 4;
  const char *w = wa;
  int64_t q = n / 4;
  for (int64_t j = 0; j < q; j++) {
    int64_t r = r0 + j;
    rows_times_batch(w + (size_t)(r * cols) * es, half, q * cols, x, y, cols, nb, xStride, yStride, r, q, 4);
  }
  for (int64_t r = r0 + 4 * q; r < r0 + n; r++) {
    rows_times_batch(w + (size_t)(r * cols) * es, half, cols, x, y, cols, nb, xStride, yStride, r, 1, 1);
  }
}

/*
 * y_b[r] = Σ_c w[r, c] x_b[c] for rows r0 ≤ r < r1 of a row-major [rows, cols] matrix (float32, or
 * float16 when `half`) and nb input vectors x_b = x + b·xStride, outputs y_b = y + b·yStride. Each
 * block of four rows is read from memory once and multiplied with every x_b while it is in cache, so
 * a small batch costs about what one vector does.
 */
JNIEXPORT void JNICALL Java_org_scribe3d_model_cpu_CpuKernels_matvec(JNIEnv *env, jclass cls, jlong wa,
    jboolean half, jlong xa, jlong ya, jlong cols, jint nb, jlong xStride, jlong yStride, jlong r0, jlong r1) {
  int64_t chunk = chunk_rows(cols, half);
  for (int64_t r = r0; r < r1; r += chunk) {
    matvec_chunk(P(wa), half, P(xa), P(ya), cols, nb, xStride, yStride, r, r1 - r < chunk ? r1 - r : chunk);
  }
}

/*
 * The same product over all `rows`, its chunks shared out through the 64-bit counter at `cursor`
 * (counting chunks): every thread of a team calls this on the same zeroed counter and takes the next
 * chunk until none is left, so a thread slowed down (by the memory system, or by losing its core for a
 * moment) does fewer chunks instead of holding the others at the end. Measured against fixed halves
 * on the 1B decode chain: about 8% faster.
 */
JNIEXPORT void JNICALL Java_org_scribe3d_model_cpu_CpuKernels_matvecShared(JNIEnv *env, jclass cls, jlong wa,
    jboolean half, jlong xa, jlong ya, jlong cols, jint nb, jlong xStride, jlong yStride, jlong rows, jlong cursor) {
  int64_t *next = P(cursor);
  int64_t chunk = chunk_rows(cols, half);
  for (;;) {
    int64_t r0 = __atomic_fetch_add(next, 1, __ATOMIC_RELAXED) * chunk;
    if (r0 >= rows) return;
    matvec_chunk(P(wa), half, P(xa), P(ya), cols, nb, xStride, yStride, r0, rows - r0 < chunk ? rows - r0 : chunk);
  }
}

/* XOR of the little-endian 64-bit words of p[0..n), the last one zero-padded. */
static uint64_t xor_tail(const uint8_t *p, int64_t n) {
  uint64_t out = 0;
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) { uint64_t v; memcpy(&v, p + i, 8); out ^= v; }
  if (i < n) { uint64_t v = 0; memcpy(&v, p + i, (size_t)(n - i)); out ^= v; }
  return out;
}

#ifdef SCRIBE3D_X86
/* Four streams a quarter of the region apart, each prefetched ahead: the products' access pattern. */
#define XOR_STREAMS(VEC, ZERO, LOAD, XOR, LANES, STEP)                                                   \
  int64_t q = (n / 4) & ~(int64_t)127;                                                               \
  VEC s0 = ZERO, s1 = ZERO, s2 = ZERO, s3 = ZERO;                                                    \
  for (int64_t i = 0; i < q; i += 128) {                                                             \
    for (int s = 0; s < 4; s++) {                                                                   \
      _mm_prefetch((const char *)(p + s * q + i) + PREFETCH, _MM_HINT_T0);                           \
      _mm_prefetch((const char *)(p + s * q + i) + PREFETCH + 64, _MM_HINT_T0);                      \
    }                                                                                                \
    for (int64_t k = 0; k < 128; k += STEP) {                                                        \
      s0 = XOR(s0, LOAD(p + i + k));                                                                 \
      s1 = XOR(s1, LOAD(p + q + i + k));                                                             \
      s2 = XOR(s2, LOAD(p + 2 * q + i + k));                                                         \
      s3 = XOR(s3, LOAD(p + 3 * q + i + k));                                                         \
    }                                                                                                \
  }                                                                                                  \
  uint64_t lanes[LANES];                                                                             \
  VEC t = XOR(XOR(s0, s1), XOR(s2, s3));                                                             \
  memcpy(lanes, &t, sizeof lanes);                                                                   \
  uint64_t out = 0;                                                                                  \
  for (int l = 0; l < LANES; l++) out ^= lanes[l];                                                   \
  return out ^ xor_tail(p + 4 * q, n - 4 * q);

#define LOAD256(a) _mm256_loadu_si256((const __m256i *)(a))
#define LOAD512(a) _mm512_loadu_si512((const void *)(a))
V_TARGET static uint64_t xor_words_avx2(const uint8_t *p, int64_t n) {
  XOR_STREAMS(__m256i, _mm256_setzero_si256(), LOAD256, _mm256_xor_si256, 4, 32)
}
W_TARGET static uint64_t xor_words_avx512(const uint8_t *p, int64_t n) {
  XOR_STREAMS(__m512i, _mm512_setzero_si512(), LOAD512, _mm512_xor_si512, 8, 64)
}
#endif

static uint64_t xor_words(const uint8_t *p, int64_t n) {
#ifdef SCRIBE3D_X86
  if (use_avx512) return xor_words_avx512(p, n);
  if (use_avx2) return xor_words_avx2(p, n);
#endif
  return xor_tail(p, n);
}

/*
 * Reads `bytes` bytes at `address` as fast as the core can (wide loads in four streams a quarter of a
 * chunk apart, as the products read, nothing written), in chunks of `chunk` bytes shared through the
 * counter at `cursor` (counting bytes) as matvecShared shares rows: a team calling this measures the
 * read bandwidth a product's weights can have at best. `chunk` is a multiple of 8, so chunks split no
 * word. Returns the XOR of the little-endian 64-bit words read, the last zero-padded (so the loads
 * cannot be dropped, and a test can check that every byte was read).
 */
JNIEXPORT jlong JNICALL Java_org_scribe3d_model_cpu_CpuKernels_readShared(JNIEnv *env, jclass cls, jlong address,
    jlong bytes, jlong cursor, jlong chunk) {
  int64_t *next = P(cursor);
  const uint8_t *p = P(address);
  uint64_t out = 0;
  for (;;) {
    int64_t b0 = __atomic_fetch_add(next, chunk, __ATOMIC_RELAXED);
    if (b0 >= bytes) return (jlong)out;
    int64_t b1 = b0 + chunk < bytes ? b0 + chunk : bytes;
    out ^= xor_words(p + b0, b1 - b0);
  }
}

/* out = x / sqrt(mean(x²) + eps) * weight (Hugging Face LlamaRMSNorm, in float32). */
JNIEXPORT void JNICALL Java_org_scribe3d_model_cpu_CpuKernels_rmsNorm(JNIEnv *env, jclass cls, jlong xa,
    jlong wa, jlong outa, jint n, jfloat eps) {
  const float *x = P(xa), *w = P(wa);
  float *out = P(outa);
  float ss = dot(x, x, n) / (float)n;
  float inv = 1.0f / sqrtf(ss + eps);
  for (int i = 0; i < n; i++) out[i] = w[i] * (x[i] * inv);
}

/* y += x (the residual stream). */
JNIEXPORT void JNICALL Java_org_scribe3d_model_cpu_CpuKernels_addInPlace(JNIEnv *env, jclass cls, jlong ya,
    jlong xa, jint n) {
  axpy(1.0f, P(xa), P(ya), n);
}

/* gate = silu(gate) * up, the SwiGLU product. */
JNIEXPORT void JNICALL Java_org_scribe3d_model_cpu_CpuKernels_siluMul(JNIEnv *env, jclass cls, jlong ga,
    jlong ua, jint n) {
  float *g = P(ga);
  const float *u = P(ua);
  for (int i = 0; i < n; i++) {
    float v = g[i];
    g[i] = v / (1.0f + expf(-v)) * u[i];
  }
}

/*
 * Rotate-half RoPE on `heads` vectors of `dim` in place: x·cos + rotate_half(x)·sin, with Rope.tables'
 * signed sin table (−sin on the first half), so rotate_half(x)·sin = swapHalves(x)·sinSigned.
 */
static void rope(float *x, int heads, int dim, const float *cos, const float *sin) {
  int half = dim / 2;
  for (int h = 0; h < heads; h++) {
    float *v = x + (int64_t)h * dim;
    for (int i = 0; i < half; i++) {
      float a = v[i], b = v[i + half];
      v[i] = a * cos[i] + b * sin[i];
      v[i + half] = b * cos[i + half] + a * sin[i + half];
    }
  }
}

/*
 * One decoding position of grouped-query attention for one batch row, over KV heads kh0 ≤ g < kh1:
 * RoPE on the new query (all heads of those groups) and key, the new key and value stored at cache
 * slot `slot`, then softmax(q·Kᵀ / √d) V over the cache slots 0..slot whose mask byte is non-zero
 * (the new slot always counts). q: [heads, d]; k, v: [kvHeads, d]; kc, vc: this row's cache,
 * [kvHeads, maxLen, d]; out: [heads, d]; scores: scratch of at least slot + 1 floats per KV head in
 * the range (indexed by g - kh0).
 */
JNIEXPORT void JNICALL Java_org_scribe3d_model_cpu_CpuKernels_attendOne(JNIEnv *env, jclass cls, jlong qa,
    jlong ka, jlong va, jlong kca, jlong vca, jlong outa, jlong maska, jlong cosa, jlong sina, jlong scoresa,
    jint heads, jint kvHeads, jint dim, jint maxLen, jint slot, jint kh0, jint kh1) {
  float *q = P(qa), *k = P(ka), *out = P(outa), *scores0 = P(scoresa);
  const float *v = P(va), *cos = P(cosa), *sin = P(sina);
  float *kc = P(kca), *vc = P(vca);
  const uint8_t *mask = P(maska);
  int groups = heads / kvHeads;
  int len = slot + 1;
  float scale = 1.0f / sqrtf((float)dim);
  for (int g = kh0; g < kh1; g++) {
    float *kn = k + (int64_t)g * dim;
    rope(kn, 1, dim, cos, sin);
    rope(q + (int64_t)g * groups * dim, groups, dim, cos, sin);
    float *kslot = kc + ((int64_t)g * maxLen + slot) * dim;
    float *vslot = vc + ((int64_t)g * maxLen + slot) * dim;
    memcpy(kslot, kn, sizeof(float) * dim);
    memcpy(vslot, v + (int64_t)g * dim, sizeof(float) * dim);
    float *scores = scores0 + (int64_t)(g - kh0) * len;
    for (int j = 0; j < groups; j++) {
      int h = g * groups + j;
      const float *qh = q + (int64_t)h * dim;
      float mx = -INFINITY;
      for (int t = 0; t < len; t++) {
        if (t < slot && !mask[t]) { scores[t] = -INFINITY; continue; }
        float s = dot(qh, kc + ((int64_t)g * maxLen + t) * dim, dim) * scale;
        scores[t] = s;
        if (s > mx) mx = s;
      }
      float sum = 0.f;
      for (int t = 0; t < len; t++) {
        float e = scores[t] == -INFINITY ? 0.f : expf(scores[t] - mx);
        scores[t] = e;
        sum += e;
      }
      float *oh = out + (int64_t)h * dim;
      memset(oh, 0, sizeof(float) * dim);
      float inv = 1.0f / sum;
      for (int t = 0; t < len; t++) {
        if (scores[t] != 0.f) axpy(scores[t] * inv, vc + ((int64_t)g * maxLen + t) * dim, oh, dim);
      }
    }
  }
}

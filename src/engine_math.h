/* engine_math.h - the loops of the arithmetic that every path of the engine
 * runs through (the pass shown on screen, the pass stepped over, training,
 * the gradient check), inline, so that each path gets them compiled into
 * its own loops and yet there is one definition of each.
 *
 * Every sum adds its terms in one fixed order, the order the op table's
 * arithmetic (ops.c) and the step's explanation show: a sum z_j over the
 * inputs i = 1, 2, … in turn, then the bias; a sum sent down over the
 * units j above in turn; a batch's gradient over the samples in turn.  The
 * loops are arranged so that the compiler can run the independent sums
 * side by side in vector registers (several j, or several samples, at
 * once), never so that one sum's terms are regrouped: the results are the
 * same bits however the loops are compiled, which the tests check.
 *
 * Rows: a block of samples is a matrix with one sample per row, each row
 * as wide as the layer, so that one call handles one sample (the stepping
 * engine, online training) or many (batch training). */
#ifndef BACKSTEP_ENGINE_MATH_H
#define BACKSTEP_ENGINE_MATH_H

#include <stddef.h>

#include "engine_impl.h"
#include "ops.h"
#include "ops_act.h"

/* Every kernel is compiled into the loop that calls it: a call per layer
 * and sample costs a 2-3-2 network a tenth of its training time. */
#ifdef __GNUC__
#define MATH_INLINE static inline __attribute__((always_inline))
#else
#define MATH_INLINE static inline
#endif

/* Units from which a layer's loops run in vector registers, several units
 * at once (a build with ENGINE_SIMD asks the compiler to, with OpenMP's
 * simd pragma and nothing else of OpenMP); a narrower layer's loops stay
 * scalar, where vector code costs more than it saves: 2-3-2 trains 25 %
 * slower with every loop vectorised, 64-64-64-10 twice as fast. */
enum { MATH_WIDE = 8 };
#ifdef ENGINE_SIMD
#define MATH_SIMD _Pragma("omp simd")
#else
#define MATH_SIMD
#endif
/* for (int j = 0; j < n; j++) { BODY }: the body is independent for each
 * j (never a sum over j), so running several j at once changes no bit. */
#define MATH_FOR(j, n, ...)                                                                      \
    do {                                                                                         \
        if ((n) >= MATH_WIDE) {                                                                  \
            MATH_SIMD for (int j = 0; j < (n); j++) { __VA_ARGS__ }                              \
        } else {                                                                                 \
            for (int j = 0; j < (n); j++) { __VA_ARGS__ }                                        \
        }                                                                                        \
    } while (0)

/* Z = A·W (+ b) for `rows` samples: A is rows × nin, W is nin × nout
 * (canonical), Z is rows × nout; z_j = Σ_i a_i·w_ij in the order of i,
 * then + b_j.  Four samples share each row of W while it is in registers. */
MATH_INLINE void math_sums(const double *restrict w, const double *restrict b,
                             const double *restrict a, int rows, int nin, int nout,
                             double *restrict z)
{
    int r = 0;
    for (; r + 4 <= rows; r += 4) {
        const double *a0 = a + (size_t)r * nin, *a1 = a0 + nin, *a2 = a1 + nin, *a3 = a2 + nin;
        double *z0 = z + (size_t)r * nout, *z1 = z0 + nout, *z2 = z1 + nout, *z3 = z2 + nout;
        MATH_FOR(j, nout, /* every sum starts from 0 */
                 z0[j] = 0.0 + w[j] * a0[0];
                 z1[j] = 0.0 + w[j] * a1[0];
                 z2[j] = 0.0 + w[j] * a2[0];
                 z3[j] = 0.0 + w[j] * a3[0];);
        for (int i = 1; i < nin; i++) {
            const double *restrict wi = w + (size_t)i * nout;
            const double x0 = a0[i], x1 = a1[i], x2 = a2[i], x3 = a3[i];
            MATH_FOR(j, nout,
                     z0[j] += wi[j] * x0;
                     z1[j] += wi[j] * x1;
                     z2[j] += wi[j] * x2;
                     z3[j] += wi[j] * x3;);
        }
        if (b)
            MATH_FOR(j, nout,
                     z0[j] += b[j];
                     z1[j] += b[j];
                     z2[j] += b[j];
                     z3[j] += b[j];);
    }
    for (; r < rows; r++) {
        const double *restrict ar = a + (size_t)r * nin;
        double *restrict zr = z + (size_t)r * nout;
        MATH_FOR(j, nout, zr[j] = 0.0 + w[j] * ar[0];);
        for (int i = 1; i < nin; i++) {
            const double *restrict wi = w + (size_t)i * nout;
            const double x = ar[i];
            MATH_FOR(j, nout, zr[j] += wi[j] * x;);
        }
        if (b)
            MATH_FOR(j, nout, zr[j] += b[j];);
    }
}

/* One sample sent down: out_i = Σ_j w_ij·δ_j in the order of j, W nin ×
 * nout (canonical).  Four rows of W at a time, so that four sums are under
 * way at once instead of each waiting for its last addition. */
MATH_INLINE void math_send(const double *restrict w, const double *restrict d, int nin,
                             int nout, double *restrict out)
{
    int i = 0;
    for (; i + 4 <= nin; i += 4) {
        const double *w0 = w + (size_t)i * nout, *w1 = w0 + nout, *w2 = w1 + nout,
                     *w3 = w2 + nout;
        double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
        for (int j = 0; j < nout; j++) {
            const double dj = d[j];
            s0 += w0[j] * dj;
            s1 += w1[j] * dj;
            s2 += w2[j] * dj;
            s3 += w3[j] * dj;
        }
        out[i] = s0;
        out[i + 1] = s1;
        out[i + 2] = s2;
        out[i + 3] = s3;
    }
    for (; i < nin; i++) {
        const double *wi = w + (size_t)i * nout;
        double s = 0.0;
        for (int j = 0; j < nout; j++)
            s += wi[j] * d[j];
        out[i] = s;
    }
}

/* Wᵀ into wt (nout × nin), so that a block of samples can be sent down
 * with math_sums: out_i = Σ_j δ_j·wt_ji is the same sum in the same order. */
MATH_INLINE void math_transpose(const double *restrict w, int nin, int nout,
                                  double *restrict wt)
{
    for (int i = 0; i < nin; i++)
        for (int j = 0; j < nout; j++)
            wt[(size_t)j * nin + i] = w[(size_t)i * nout + j];
}

/* a = g(z) over n values, element by element; softmax row by row of
 * `width`.  A switch over the activation, so each loop inlines its g. */
MATH_INLINE void math_act(engine_act act, const double *restrict z, double *restrict a, int n,
                            int width)
{
    switch (act) {
    case ACT_LINEAR:
        for (int k = 0; k < n; k++)
            a[k] = linear_f(z[k]);
        return;
    case ACT_SIGMOID:
        for (int k = 0; k < n; k++)
            a[k] = sigmoid_f(z[k]);
        return;
    case ACT_TANH:
        for (int k = 0; k < n; k++)
            a[k] = tanh_f(z[k]);
        return;
    case ACT_RELU:
        for (int k = 0; k < n; k++)
            a[k] = relu_f(z[k]);
        return;
    case ACT_LEAKY_RELU:
        for (int k = 0; k < n; k++)
            a[k] = leaky_relu_f(z[k]);
        return;
    case ACT_SOFTMAX:
    case ACT_COUNT:
        break;
    }
    void (*forward)(const double *restrict, double *restrict, int) = ops_act(act)->forward;
    for (int k = 0; forward && k < n; k += width)
        forward(z + k, a + k, width);
}

/* δ of `rows` samples of a layer `width` wide from what arrived (in): the
 * slopes g′(z) (from z and a = g(z), kept in gp) times it, element by
 * element; for an activation without slopes (softmax), its Jacobian
 * transposed times it, δ = a ⊙ (in − aᵀ·in), row by row, gp left alone. */
MATH_INLINE void math_derivative(engine_act act, const double *restrict z,
                                   const double *restrict a, const double *restrict in,
                                   double *restrict gp, double *restrict delta, int rows,
                                   int width)
{
    int n = rows * width;
#define SLOPES(G)                                                                                \
    for (int k = 0; k < n; k++) {                                                                \
        gp[k] = G(z[k], a[k]);                                                                   \
        delta[k] = in[k] * gp[k];                                                                \
    }                                                                                            \
    return
    switch (act) {
    case ACT_LINEAR:
        SLOPES(linear_g);
    case ACT_SIGMOID:
        SLOPES(sigmoid_g);
    case ACT_TANH:
        SLOPES(tanh_g);
    case ACT_RELU:
        SLOPES(relu_g);
    case ACT_LEAKY_RELU:
        SLOPES(leaky_relu_g);
    case ACT_SOFTMAX:
    case ACT_COUNT:
        break;
    }
#undef SLOPES
    for (int r = 0; r < n; r += width) {
        double s = engine_softmax_dot(a + r, in + r, width);
        for (int j = 0; j < width; j++)
            delta[r + j] = a[r + j] * (in[r + j] - s);
    }
}

/* One sample's step down the weights: W ← W − η·(a ⊗ δ). */
MATH_INLINE void math_descend(double *restrict w, const double *restrict a,
                                const double *restrict d, double eta, int nin, int nout)
{
    for (int i = 0; i < nin; i++) {
        const double ai = a[i];
        double *restrict row = w + (size_t)i * nout;
        MATH_FOR(j, nout, row[j] = sgd(row[j], eta, grad_elem(ai, d[j])););
    }
}

/* A batch's gradients added up: acc += a ⊗ δ for each of `rows` samples
 * in turn (a rows × nin, δ rows × nout), each element summing the samples
 * in their order. */
MATH_INLINE void math_accumulate(double *restrict acc, const double *restrict a,
                                   const double *restrict d, int rows, int nin, int nout)
{
    for (int i = 0; i < nin; i++) {
        double *restrict row = acc + (size_t)i * nout;
        for (int r = 0; r < rows; r++) {
            const double ai = a[(size_t)r * nin + i];
            const double *restrict dr = d + (size_t)r * nout;
            MATH_FOR(j, nout, row[j] = row[j] + grad_elem(ai, dr[j]););
        }
    }
}

/* The mean step at the end of a batch: v ← v − η·(acc / S), acc ← 0. */
MATH_INLINE void math_mean_step(double *restrict v, double *restrict acc, int n, double eta,
                                  int S)
{
    MATH_FOR(k, n,
             v[k] = sgd(v[k], eta, acc[k] / S);
             acc[k] = 0.0;);
}

#endif

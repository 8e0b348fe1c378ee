/* ops_act.h - the arithmetic of each element-wise activation, one inline
 * definition each.  The activation table (ops.c) builds its rows from
 * these, and the engine's hot loops call them by a switch over the
 * activation, so that the compiler can inline them: the screen, the
 * stepping engine and the trainer compute with the same function, and a
 * new activation is one more pair here, one row there, and one case in
 * each switch (which -Wswitch points at).  Part of the engine: no I/O. */
#ifndef BACKSTEP_OPS_ACT_H
#define BACKSTEP_OPS_ACT_H

#include <math.h>

/* Slope of leaky_relu below zero. */
#define LEAKY_SLOPE 0.01

/* Each element-wise activation is a value f(z) and a slope g(z, a) that
 * may use a = f(z); NaN goes through both.  Slopes are written so that
 * they keep their relative accuracy when the unit saturates. */

static inline double linear_f(double z)
{
    return z;
}

static inline double linear_g(double z, double a)
{
    (void)z;
    (void)a;
    return 1.0;
}

/* σ(z) = 1/(1 + e^−z), written with e^z below 0 so that it stays accurate
 * (and nonzero) down to the smallest doubles. */
static inline double sigmoid_f(double z)
{
    if (z < 0) {
        double e = exp(z);
        return e / (1.0 + e);
    }
    return 1.0 / (1.0 + exp(-z));
}

/* σ′ = σ(1 − σ): within a few units in the last place while z ≤ 1 (1 − σ
 * is then at least 0.27, and exact); beyond, 1 − σ cancels, so
 * σ′ = e^−z / (1 + e^−z)² instead. */
static inline double sigmoid_g(double z, double a)
{
    if (z <= 1.0)
        return a * (1.0 - a);
    double e = exp(-z);
    return e / ((1.0 + e) * (1.0 + e));
}

static inline double tanh_f(double z)
{
    return tanh(z);
}

/* tanh′ = 1 − tanh²: within a few units in the last place while |z| < 1
 * (1 − tanh² is then at least 0.42); beyond, it is 4e / (1 + e)² with
 * e = e^−2|z|, which keeps its digits when the unit saturates. */
static inline double tanh_g(double z, double a)
{
    if (fabs(z) < 1.0)
        return 1.0 - a * a;
    double e = exp(-2.0 * fabs(z));
    return 4.0 * e / ((1.0 + e) * (1.0 + e));
}

static inline double relu_f(double z)
{
    return isnan(z) ? z : z > 0 ? z : 0.0;
}

static inline double relu_g(double z, double a)
{
    (void)a;
    return isnan(z) ? z : z > 0 ? 1.0 : 0.0;
}

static inline double leaky_relu_f(double z)
{
    return z > 0 ? z : LEAKY_SLOPE * z;
}

static inline double leaky_relu_g(double z, double a)
{
    (void)a;
    return isnan(z) ? z : z > 0 ? 1.0 : LEAKY_SLOPE;
}

#endif

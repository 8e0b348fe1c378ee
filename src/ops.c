/* ops.c - the tables of activations, losses, operations and kinds of step.
 *
 * Each row keeps an operation's arithmetic next to its glyphs, formula and
 * words.  The engine computes every pass through these kernels, and
 * ops_step_apply recomputes any step from its own operands through the
 * same ones, so the picture of a step and its number cannot disagree.
 * Switches over these enums have no default: -Wswitch names every place a
 * new entry must go, and _Static_assert checks that each table is whole. */
#include "ops.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ops_act.h"

/* ------------------------------------------------------------ activations */

/* The layer-wide forms of an element-wise activation, and its slope from
 * z alone, all from the two functions of ops_act.h. */
#define ELEMENTWISE(NAME)                                                                      \
    static void NAME##_forward(const double *restrict z, double *restrict a, int n)           \
    {                                                                                          \
        for (int j = 0; j < n; j++)                                                            \
            a[j] = NAME##_f(z[j]);                                                             \
    }                                                                                          \
    static void NAME##_slope(const double *restrict z, const double *restrict a,              \
                             double *restrict gp, int n)                                       \
    {                                                                                          \
        for (int j = 0; j < n; j++)                                                            \
            gp[j] = NAME##_g(z[j], a[j]);                                                      \
    }                                                                                          \
    static double NAME##_df(double z)                                                          \
    {                                                                                          \
        return NAME##_g(z, NAME##_f(z));                                                       \
    }
ELEMENTWISE(linear)
ELEMENTWISE(sigmoid)
ELEMENTWISE(tanh)
ELEMENTWISE(relu)
ELEMENTWISE(leaky_relu)
#undef ELEMENTWISE

/* Softmax subtracts the largest z so exp cannot overflow. */
static void softmax_forward(const double *restrict z, double *restrict a, int n)
{
    double m = z[0], s = 0.0;
    for (int j = 1; j < n; j++)
        if (z[j] > m)
            m = z[j];
    for (int j = 0; j < n; j++) {
        a[j] = exp(z[j] - m);
        s += a[j];
    }
    for (int j = 0; j < n; j++)
        a[j] /= s;
}

static const ops_act_row act_rows[] = {
    [ACT_LINEAR] = {"linear", "linear", "", "", "1", linear_f, linear_df, linear_forward,
                    linear_slope, 0, 0},
    [ACT_SIGMOID] = {"sigmoid", "sigmoid", "σ", "sigma", "σ(z)·(1 − σ(z))", sigmoid_f,
                     sigmoid_df, sigmoid_forward, sigmoid_slope, 0, 0},
    [ACT_TANH] = {"tanh", "tanh", "tanh", "tanh", "1 − tanh²(z)", tanh_f, tanh_df, tanh_forward,
                  tanh_slope, 0, 0},
    [ACT_RELU] = {"relu", "relu", "relu", "relu", "1 where z > 0, else 0", relu_f, relu_df,
                  relu_forward, relu_slope, 1, 0},
    [ACT_LEAKY_RELU] = {"leaky_relu", "leaky relu", "leaky_relu", "leaky_relu",
                        "1 where z > 0, else 0.01", leaky_relu_f, leaky_relu_df,
                        leaky_relu_forward, leaky_relu_slope, 1, 0},
    [ACT_SOFTMAX] = {"softmax", "softmax", "softmax", "softmax", "its Jacobian", NULL, NULL,
                     softmax_forward, NULL, 0, 1},
};
_Static_assert(sizeof act_rows / sizeof act_rows[0] == ACT_COUNT, "one row per activation");

static const ops_act_row act_unknown = {"?", "?", "?", "?", "?", NULL, NULL, NULL, NULL, 0, 0};

const ops_act_row *ops_act(engine_act a)
{
    return (unsigned)a < ACT_COUNT ? &act_rows[a] : &act_unknown;
}

/* ----------------------------------------------------------------- losses */

/* ½ Σ (y − t)². */
static double mse_value(const double *y, const double *t, int n)
{
    double s = 0.0;
    for (int k = 0; k < n; k++) {
        double d = y[k] - t[k];
        s += d * d;
    }
    return 0.5 * s;
}

/* y − t: the gradient of the squared error, and the δ of softmax under
 * cross-entropy. */
static void difference(const double *restrict y, const double *restrict t, double *restrict g,
                       int n)
{
    for (int k = 0; k < n; k++)
        g[k] = y[k] - t[k];
}

/* −Σ t·log y; a t = 0 term counts as 0 whatever y is. */
static double ce_value(const double *y, const double *t, int n)
{
    double s = 0.0;
    for (int k = 0; k < n; k++)
        if (t[k] != 0)
            s += t[k] * log(y[k]);
    return -s;
}

/* −t / y, and 0 where t = 0 (even where y underflowed to 0). */
static void ce_grad(const double *restrict y, const double *restrict t, double *restrict g, int n)
{
    for (int k = 0; k < n; k++)
        g[k] = t[k] == 0 ? 0.0 : -t[k] / y[k];
}

/* −Σ t·log softmax(z) = Σ t·(log Σ exp(z − m) − (z − m)), m the largest z;
 * the sum is 1 + (the others), so log1p keeps a small loss accurate.
 * Finite wherever the maths is, even when softmax(z) rounds to 0. */
static double softmax_ce_value(const double *z, const double *t, int n)
{
    int top = 0;
    for (int j = 0; j < n; j++) {
        if (isnan(z[j]))
            return z[j];
        if (z[j] > z[top])
            top = j;
    }
    double m = z[top], rest = 0.0;
    if (!isfinite(m))
        return NAN;
    for (int j = 0; j < n; j++)
        if (j != top)
            rest += exp(z[j] - m);
    double lse = log1p(rest), s = 0.0;
    for (int k = 0; k < n; k++)
        if (t[k] != 0)
            s += t[k] * (lse - (z[k] - m));
    return s;
}

static const ops_loss_row loss_rows[] = {
    [LOSS_MSE] = {"mse", "squared error",
                  "Squared error compares the outputs with the target: E = ½ Σ (y − t)², one "
                  "number for this sample; the ½ makes its derivative simply y − t.",
                  OP_LOSS_MSE, OP_MSE_GRAD,
                  (1u << ACT_LINEAR) | (1u << ACT_SIGMOID) | (1u << ACT_TANH) |
                      (1u << ACT_RELU) | (1u << ACT_LEAKY_RELU),
                  ACT_COUNT, OP_LOSS_MSE, OP_HADAMARD, mse_value, NULL, NULL, difference,
                  "({y} − {t})", "({y} − {t})"},
    [LOSS_CROSS_ENTROPY] = {"cross_entropy", "cross-entropy",
                            "Cross-entropy compares the probabilities with the target: "
                            "E = −Σ t·log y, one number for this sample, computed from the "
                            "sums z so that it stays finite when a probability rounds to 0.",
                            OP_LOSS_CE, OP_CE_GRAD, 1u << ACT_SOFTMAX, ACT_SOFTMAX,
                            OP_LOSS_SOFTMAX_CE, OP_SOFTMAX_CE, ce_value, softmax_ce_value,
                            difference, ce_grad, "−{t}/{y}", "({y} − {t})"},
};
_Static_assert(sizeof loss_rows / sizeof loss_rows[0] == LOSS_COUNT, "one row per loss");

static const ops_loss_row loss_unknown = {"?", "?", "?", OP_COUNT, OP_COUNT, 0, ACT_COUNT,
                                          OP_COUNT, OP_COUNT, NULL, NULL, NULL, NULL, "?", "?"};

const ops_loss_row *ops_loss(engine_loss l)
{
    return (unsigned)l < LOSS_COUNT ? &loss_rows[l] : &loss_unknown;
}

int ops_loss_fused(engine_loss loss, engine_act out)
{
    return (unsigned)loss < LOSS_COUNT && loss_rows[loss].fused == out;
}

double ops_loss_value(engine_loss loss, engine_act out, const double *z, const double *y,
                      const double *t, int n)
{
    const ops_loss_row *r = ops_loss(loss);
    if (r->fused == out && r->fused_value)
        return r->fused_value(z, t, n);
    return r->value ? r->value(y, t, n) : NAN;
}

/* ------------------------------------------------------------- operations */

/* Elements of a tensor. */
static int count(const engine_tensor *t)
{
    return t->rows * t->cols;
}

/* M·v (+ b): out_r = Σ_c M[r][c]·v[c] in the order of c, then + b_r. */
static void apply_matvec_into(const engine_step *s, const double *b, double *out)
{
    const engine_tensor *M = &s->operand[0];
    const double *v = s->operand[1].v;
    for (int r = 0; r < M->rows; r++) {
        double acc = 0.0;
        for (int c = 0; c < M->cols; c++)
            acc += M->v[(size_t)r * M->cols + c] * v[c];
        out[r] = b ? acc + b[r] : acc;
    }
}

/* Mᵀ·v (+ b): out_c = Σ_r M[r][c]·v[r] in the order of r, then + b_c. */
static void apply_matvec_t_into(const engine_step *s, const double *b, double *out)
{
    const engine_tensor *M = &s->operand[0];
    const double *v = s->operand[1].v;
    for (int c = 0; c < M->cols; c++) {
        double acc = 0.0;
        for (int r = 0; r < M->rows; r++)
            acc += M->v[(size_t)r * M->cols + c] * v[r];
        out[c] = b ? acc + b[c] : acc;
    }
}

static void apply_matvec(const engine_step *s, double *out)
{
    apply_matvec_into(s, NULL, out);
}

static void apply_matvec_t(const engine_step *s, double *out)
{
    apply_matvec_t_into(s, NULL, out);
}

static void apply_affine(const engine_step *s, double *out)
{
    apply_matvec_into(s, s->operand[2].v, out);
}

static void apply_affine_t(const engine_step *s, double *out)
{
    apply_matvec_t_into(s, s->operand[2].v, out);
}

static void apply_act(const engine_step *s, double *out)
{
    const ops_act_row *a = ops_act(s->act);
    if (a->forward)
        a->forward(s->operand[0].v, out, count(&s->operand[0]));
}

static void apply_hadamard(const engine_step *s, double *out)
{
    const double *a = s->operand[0].v, *b = s->operand[1].v;
    for (int k = 0; k < count(&s->result); k++)
        out[k] = a[k] * b[k];
}

/* [g, y, s]: y ⊙ (g − s). */
static void apply_softmax_back(const engine_step *s, double *out)
{
    const double *g = s->operand[0].v, *y = s->operand[1].v, dot = s->operand[2].v[0];
    for (int k = 0; k < count(&s->result); k++)
        out[k] = y[k] * (g[k] - dot);
}

static void apply_difference(const engine_step *s, double *out)
{
    difference(s->operand[0].v, s->operand[1].v, out, count(&s->result));
}

static void apply_loss_mse(const engine_step *s, double *out)
{
    out[0] = mse_value(s->operand[0].v, s->operand[1].v, count(&s->operand[0]));
}

static void apply_loss_ce(const engine_step *s, double *out)
{
    out[0] = ce_value(s->operand[0].v, s->operand[1].v, count(&s->operand[0]));
}

static void apply_loss_softmax_ce(const engine_step *s, double *out)
{
    out[0] = softmax_ce_value(s->operand[0].v, s->operand[1].v, count(&s->operand[0]));
}

static void apply_ce_grad(const engine_step *s, double *out)
{
    ce_grad(s->operand[0].v, s->operand[1].v, out, count(&s->result));
}

static void apply_copy_rows(const engine_step *s, double *out)
{
    const engine_tensor *R = &s->result;
    for (int r = 0; r < R->rows; r++)
        for (int c = 0; c < R->cols; c++)
            out[(size_t)r * R->cols + c] = s->operand[0].v[c];
}

static void apply_copy_cols(const engine_step *s, double *out)
{
    const engine_tensor *R = &s->result;
    for (int r = 0; r < R->rows; r++)
        for (int c = 0; c < R->cols; c++)
            out[(size_t)r * R->cols + c] = s->operand[0].v[r];
}

static void apply_scale_rows(const engine_step *s, double *out)
{
    const engine_tensor *A = &s->operand[0];
    for (int r = 0; r < A->rows; r++)
        for (int c = 0; c < A->cols; c++)
            out[(size_t)r * A->cols + c] = A->v[(size_t)r * A->cols + c] * s->operand[1].v[r];
}

static void apply_scale_cols(const engine_step *s, double *out)
{
    const engine_tensor *A = &s->operand[0];
    for (int r = 0; r < A->rows; r++)
        for (int c = 0; c < A->cols; c++)
            out[(size_t)r * A->cols + c] = A->v[(size_t)r * A->cols + c] * s->operand[1].v[c];
}

static void apply_identity(const engine_step *s, double *out)
{
    for (int k = 0; k < count(&s->result); k++)
        out[k] = s->operand[0].v[k];
}

static void apply_mean(const engine_step *s, double *out)
{
    for (int k = 0; k < count(&s->result); k++)
        out[k] = s->operand[0].v[k] / s->operand[1].v[0];
}

/* W − η·G, written as the trainer writes it. */
static void apply_sgd(const engine_step *s, double *out)
{
    double eta = s->operand[1].v[0];
    for (int k = 0; k < count(&s->result); k++)
        out[k] = s->operand[0].v[k] - eta * s->operand[2].v[k];
}

static const ops_op_row op_rows[] = {
    [OP_MATVEC] = {"matvec", 2, "{r} = {0}·{1}", "{0} · {1} = {r}", "{0} * {1} = {r}",
                   "{0}·{1} → {r}", "{0}*{1} -> {r}",
                   "Each element is one row of the matrix times the vector, the products "
                   "added up.",
                   "add up those products", apply_matvec},
    [OP_MATVEC_T] = {"matvec_t", 2, "{r} = {0}ᵀ·{1}", "{0} ᵀ· {1} = {r}", "{0} ^T* {1} = {r}",
                     "{0}ᵀ·{1} → {r}", "{0}^T*{1} -> {r}",
                     "Each element is one column of the matrix times the vector, the "
                     "products added up.",
                     "add up those products", apply_matvec_t},
    [OP_AFFINE] = {"affine", 3, "{r} = {0}·{1} + {2}", "{0} · {1} + {2} = {r}",
                   "{0} * {1} + {2} = {r}", "{0}·{1} + {2} → {r}", "{0}*{1} + {2} -> {r}",
                   "Each element is one row of the matrix times the vector, the products "
                   "added up, plus its bias.",
                   "add up those products and the bias", apply_affine},
    [OP_AFFINE_T] = {"affine_t", 3, "{r} = {0}ᵀ·{1} + {2}", "{0} ᵀ· {1} + {2} = {r}",
                     "{0} ^T* {1} + {2} = {r}", "{0}ᵀ·{1} + {2} → {r}",
                     "{0}^T*{1} + {2} -> {r}",
                     "Each element is one column of the matrix times the vector, the "
                     "products added up, plus its bias.",
                     "add up those products and the bias", apply_affine_t},
    [OP_ACT] = {"act", 1, "{r} = {f0}", "{f} {0} = {r}", "{f} {0} = {r}", "{0} → {r}",
                "{0} -> {r}",
                "The activation acts on each element by itself (softmax on the whole "
                "vector), so the result has the shape of z.",
                "apply g to that number", apply_act},
    [OP_HADAMARD] = {"hadamard", 2, "{r} = {0} ⊙ {1}", "{0} ⊙ {1} = {r}",
                     "{0} (.) {1} = {r}", "{0} ⊙ {1} → {r}", "{0} (.) {1} -> {r}",
                     "Element by element: each result is the product of the two numbers in "
                     "the same place.",
                     "multiply those two", apply_hadamard},
    [OP_SOFTMAX_BACK] = {"softmax_back", 3, "{r} = {1} ⊙ ({0} − {2})",
                         "{1} ⊙ ( {0} − {2} ) = {r}", "{1} (.) ( {0} - {2} ) = {r}",
                         "{1} ⊙ ({0} − {2}) → {r}", "{1} (.) ({0} - {2}) -> {r}",
                         "The softmax's Jacobian, transposed, times the incoming gradient: "
                         "y ⊙ (g − s), where s = yᵀ·g is the incoming gradient averaged "
                         "under y.",
                         "work that out", apply_softmax_back},
    [OP_SOFTMAX_CE] = {"softmax_ce", 2, "{r} = {0} − {1}", "{0} − {1} = {r}",
                       "{0} - {1} = {r}", "{0} − {1} → {r}", "{0} - {1} -> {r}",
                       "Softmax followed by cross-entropy: the Jacobian and −t/y cancel, and "
                       "δ is simply y − t.",
                       "work out that difference", apply_difference},
    [OP_LOSS_MSE] = {"loss_mse", 2, "{r} = ½ Σ ({0} − {1})²", "½ Σ ( {0} − {1} )² = {r}",
                     "1/2 sum ( {0} - {1} )^2 = {r}", "{0}, {1} → {r}", "{0}, {1} -> {r}",
                     "Half the sum of the squared differences between output and target.",
                     "add up those terms", apply_loss_mse},
    [OP_LOSS_CE] = {"loss_ce", 2, "{r} = −Σ {1}·log {0}", "−Σ {1} · log {0} = {r}",
                    "-sum {1} * log {0} = {r}", "{0}, {1} → {r}", "{0}, {1} -> {r}",
                    "Minus the sum of each target times the log of its output.",
                    "add up those terms", apply_loss_ce},
    [OP_LOSS_SOFTMAX_CE] = {"loss_softmax_ce", 2, "{r} = −Σ {1}·log softmax({0})",
                            "−Σ {1} · log softmax {0} = {r}",
                            "-sum {1} * log softmax {0} = {r}", "{0}, {1} → {r}",
                            "{0}, {1} -> {r}",
                            "Cross-entropy of the softmax, from the sums: "
                            "Σ t·(log Σ exp z − z), finite even where a probability rounds "
                            "to 0.",
                            "add up those terms", apply_loss_softmax_ce},
    [OP_MSE_GRAD] = {"mse_grad", 2, "{r} = {0} − {1}", "{0} − {1} = {r}", "{0} - {1} = {r}",
                     "{0} − {1} → {r}", "{0} - {1} -> {r}",
                     "The derivative of ½ (y − t)² with respect to y: y − t.",
                     "work out that difference", apply_difference},
    [OP_CE_GRAD] = {"ce_grad", 2, "{r} = −{1} / {0}", "− {1} / {0} = {r}",
                    "- {1} / {0} = {r}", "−{1} / {0} → {r}", "-{1} / {0} -> {r}",
                    "The derivative of −t·log y with respect to y: −t / y, and 0 where the "
                    "target is 0.",
                    "work out that quotient", apply_ce_grad},
    [OP_COPY_ROWS] = {"copy_rows", 1, "{r} = {0} in every row", "{0} in every row = {r}",
                      "{0} in every row = {r}", "{0} into {rows} rows → {r}",
                      "{0} into {rows} rows -> {r}", "The vector copied into every row.",
                      "copy that number", apply_copy_rows},
    [OP_COPY_COLS] = {"copy_cols", 1, "{r} = {0} in every column",
                      "{0} in every column = {r}", "{0} in every column = {r}",
                      "{0} into {cols} columns → {r}", "{0} into {cols} columns -> {r}",
                      "The vector copied into every column.", "copy that number",
                      apply_copy_cols},
    [OP_SCALE_ROWS] = {"scale_rows", 2, "{r} = {0}, row {i1} × {1}", "{0} row {i1} × {1} = {r}",
                       "{0} row {i1} * {1} = {r}", "{0}, row {i1} × {1} → {r}",
                       "{0}, row {i1} * {1} -> {r}",
                       "Every number in row r is multiplied by element r of the vector.",
                       "multiply those two", apply_scale_rows},
    [OP_SCALE_COLS] = {"scale_cols", 2, "{r} = {0}, column {i1} × {1}",
                       "{0} column {i1} × {1} = {r}", "{0} column {i1} * {1} = {r}",
                       "{0}, column {i1} × {1} → {r}", "{0}, column {i1} * {1} -> {r}",
                       "Every number in column c is multiplied by element c of the vector.",
                       "multiply those two", apply_scale_cols},
    [OP_IDENTITY] = {"identity", 1, "{r} = {0}", "{0} = {r}", "{0} = {r}", "{0} → {r}",
                     "{0} -> {r}", "The same numbers: a gradient that is δ itself.",
                     "copy that number", apply_identity},
    [OP_MEAN] = {"mean", 2, "{r} = {0} / {1}", "{0} / {1} = {r}", "{0} / {1} = {r}",
                 "{0} / {1} → {r}", "{0} / {1} -> {r}",
                 "Each element divided by the number of samples: the mean.", "average those",
                 apply_mean},
    [OP_SGD] = {"sgd", 3, "{r} = {0} − {1}·{2}", "{0} − {1} · {2} = {r}",
                "{0} - {1} * {2} = {r}", "{0} − {1}·{2} → {r}", "{0} - {1}*{2} -> {r}",
                "The old value minus η times its gradient: a step downhill.",
                "subtract η times the gradient", apply_sgd},
};
_Static_assert(sizeof op_rows / sizeof op_rows[0] == OP_COUNT, "one row per op");

static void apply_nothing(const engine_step *s, double *out)
{
    for (int k = 0; k < count(&s->result); k++)
        out[k] = NAN;
}

static const ops_op_row op_unknown = {"?", 0, "{r}", "{r}", "{r}", "{r}", "{r}", "?", "?",
                                      apply_nothing};

const ops_op_row *ops_op(engine_op op)
{
    return (unsigned)op < OP_COUNT ? &op_rows[op] : &op_unknown;
}

void ops_step_apply(const engine_step *s, double *out)
{
    ops_op(s->op)->apply(s, out);
}

/* ----------------------------------------------------------------- kinds */

static const ops_kind_row kind_rows[] = {
    [STEP_SUM] = {"forward.*.sum", PHASE_FORWARD, "Weighted sums into {words}", NULL},
    [STEP_ACTIVATION] = {"forward.*.activation", PHASE_FORWARD, "Activation of {words} ({act})",
                         NULL},
    [STEP_LOSS] = {"loss", PHASE_FORWARD, "Loss of this sample ({loss})", NULL},
    [STEP_DELTA] = {"backward.*.delta", PHASE_BACKWARD,
                    "Gradient of the loss with respect to the outputs", NULL},
    [STEP_DERIVATIVE] = {"backward.*.activation", PHASE_BACKWARD,
                         "Back through the {act} activation of {words}", NULL},
    [STEP_GRAD_COPY] = {"backward.*.gradient.copy", PHASE_BACKWARD,
                        "Gradient for {W}, beat 1: copy {delta} into every {line}", NULL},
    [STEP_GRADIENT] = {"backward.*.gradient", PHASE_BACKWARD,
                       "Gradient for {W}, beat 2: scale {line} {lo} by {below}", NULL},
    [STEP_BIAS_GRAD] = {"backward.*.bias", PHASE_BACKWARD, "Gradient for {b}: it is {delta} itself",
                        NULL},
    [STEP_SEND] = {"backward.*.send", PHASE_BACKWARD, "Send {in_below} down: {send}",
                   "Gradient with respect to the input: {in_below} = {send}"},
    [STEP_BATCH_MEAN] = {"batch.*.mean", PHASE_UPDATE, "Mean gradient for {W} over the {S} samples",
                         NULL},
    [STEP_MEAN_BIAS] = {"batch.*.mean.bias", PHASE_UPDATE,
                        "Mean gradient for {b} over the {S} samples", NULL},
    [STEP_UPDATE] = {"update.*", PHASE_UPDATE, "Update {W}: one step against the gradient", NULL},
    [STEP_UPDATE_BIAS] = {"update.*.bias", PHASE_UPDATE, "Update {b}: one step against its gradient",
                          NULL},
};
_Static_assert(sizeof kind_rows / sizeof kind_rows[0] == STEP_KIND_COUNT, "one row per kind");

static const ops_kind_row kind_unknown = {"?", PHASE_FORWARD, "?", NULL};

const ops_kind_row *ops_kind(engine_step_kind k)
{
    return (unsigned)k < STEP_KIND_COUNT ? &kind_rows[k] : &kind_unknown;
}

/* -------------------------------------------------------------- templates */

/* Text built in a caller's buffer; never cuts a UTF-8 character. */
typedef struct {
    char *buf;
    size_t size, len;
} out_text;

static void put(out_text *o, const char *s, size_t n)
{
    if (o->size == 0)
        return;
    size_t room = o->size - 1 - o->len;
    if (n > room) {
        n = room;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
    }
    memcpy(o->buf + o->len, s, n);
    o->len += n;
    o->buf[o->len] = '\0';
}

static void puts_(out_text *o, const char *s)
{
    put(o, s, strlen(s));
}

/* The index letter of a tensor name: the first letter after its last '_'. */
static char index_letter(const char *name)
{
    const char *us = strrchr(name, '_');
    return us && us[1] >= 'a' && us[1] <= 'z' ? us[1] : '?';
}

/* A scalar operand in a shapes line is named: "η", "S"; in ASCII the one
 * Greek name spelled out. */
static const char *scalar_name(const engine_tensor *t, int ascii)
{
    if (!ascii)
        return t->name;
    return strcmp(t->name, "η") == 0 ? "eta" : t->name[0] & 0x80 ? "scalar" : t->name;
}

static void put_shape(out_text *o, const engine_tensor *t, int is_result, int ascii)
{
    char b[48];
    if (t->rank == 0)
        snprintf(b, sizeof b, "%s", is_result ? "scalar" : scalar_name(t, ascii));
    else if (t->rank == 1)
        snprintf(b, sizeof b, "(%d)", t->rows * t->cols);
    else
        snprintf(b, sizeof b, "(%d%s%d)", t->rows, ascii ? "x" : "×", t->cols);
    puts_(o, b);
}

typedef enum { SLOT_NAME, SLOT_SHAPE, SLOT_SHAPE_ASCII } slot_mode;

/* Expands one {key} of a template into o (tensor slots by mode); returns 0
 * for an unknown key. */
static int expand(out_text *o, const engine_step *s, const char *key, size_t n, slot_mode mode)
{
    int ascii = mode == SLOT_SHAPE_ASCII;
    const ops_act_row *act = ops_act(s->act);
    if (n == 1 && key[0] >= '0' && key[0] <= '3') {
        int k = key[0] - '0';
        if (k >= s->n_operands)
            return 0;
        if (mode == SLOT_NAME)
            puts_(o, s->operand[k].name);
        else
            put_shape(o, &s->operand[k], 0, ascii);
    } else if (n == 1 && key[0] == 'r') {
        if (mode == SLOT_NAME)
            puts_(o, s->result.name);
        else
            put_shape(o, &s->result, 1, ascii);
    } else if (n == 1 && key[0] == 'f') {
        puts_(o, ascii ? act->symbol_ascii : act->symbol);
    } else if (n == 2 && memcmp(key, "f0", 2) == 0) {
        const char *sym = ascii ? act->symbol_ascii : act->symbol;
        if (*sym) {
            puts_(o, sym);
            puts_(o, "(");
        }
        puts_(o, s->n_operands > 0 ? s->operand[0].name : "?");
        if (*sym)
            puts_(o, ")");
    } else if (n == 2 && memcmp(key, "i1", 2) == 0) {
        char c[2] = {s->n_operands > 1 ? index_letter(s->operand[1].name) : '?', 0};
        puts_(o, c);
    } else if ((n == 4 && memcmp(key, "rows", 4) == 0) || (n == 4 && memcmp(key, "cols", 4) == 0)) {
        char b[16];
        snprintf(b, sizeof b, "%d", key[0] == 'r' ? s->result.rows : s->result.cols);
        puts_(o, b);
    } else {
        return 0;
    }
    return 1;
}

/* Renders template tpl for step s into o. */
static void render(out_text *o, const engine_step *s, const char *tpl, slot_mode mode)
{
    for (const char *p = tpl; *p;) {
        const char *close = *p == '{' ? strchr(p, '}') : NULL;
        if (close && expand(o, s, p + 1, (size_t)(close - p - 1), mode)) {
            p = close + 1;
            continue;
        }
        const char *next = strchr(p + 1, '{');
        size_t n = next ? (size_t)(next - p) : strlen(p);
        put(o, p, n);
        p += n;
    }
}

size_t ops_step_text(const engine_step *s, ops_text which, char *buf, size_t size)
{
    out_text o = {buf, size, 0};
    if (size == 0)
        return 0;
    buf[0] = '\0';
    const ops_op_row *r = ops_op(s->op);
    switch (which) {
    case OPS_FORMULA:
        render(&o, s, r->formula, SLOT_NAME);
        break;
    case OPS_SHAPES:
        render(&o, s, r->shapes, SLOT_SHAPE);
        break;
    case OPS_SHAPES_ASCII:
        render(&o, s, r->shapes_ascii, SLOT_SHAPE_ASCII);
        break;
    }
    return o.len;
}

/* Adds a glyph piece holding text[0..n) without its outer spaces. */
static int add_glyph(const engine_step *s, const char *text, size_t n, int ascii, ops_piece *out,
                     int k, int max)
{
    while (n > 0 && *text == ' ') {
        text++;
        n--;
    }
    while (n > 0 && text[n - 1] == ' ')
        n--;
    if (n == 0 || k >= max)
        return k;
    char tpl[64];
    if (n >= sizeof tpl)
        n = sizeof tpl - 1;
    memcpy(tpl, text, n);
    tpl[n] = '\0';
    out_text o = {out[k].text, sizeof out[k].text, 0};
    out[k].text[0] = '\0';
    render(&o, s, tpl, ascii ? SLOT_SHAPE_ASCII : SLOT_NAME);
    if (o.len == 0)
        return k; /* {f} of a linear layer */
    out[k].tensor = OPS_GLYPH;
    return k + 1;
}

int ops_step_picture(const engine_step *s, int ascii, ops_piece *out, int max)
{
    const ops_op_row *r = ops_op(s->op);
    const char *tpl = ascii ? r->picture_ascii : r->picture;
    int k = 0;
    const char *text = tpl;
    for (const char *p = tpl; *p && k < max;) {
        const char *close = *p == '{' ? strchr(p, '}') : NULL;
        int slot = -3;
        if (close && close - p == 2 && p[1] >= '0' && p[1] <= '3')
            slot = p[1] - '0';
        else if (close && close - p == 2 && p[1] == 'r')
            slot = OPS_RESULT;
        if (slot == -3) {
            p++;
            continue;
        }
        k = add_glyph(s, text, (size_t)(p - text), ascii, out, k, max);
        if (k < max) {
            out[k].tensor = slot;
            out[k].text[0] = '\0';
            k++;
        }
        p = close + 1;
        text = p;
    }
    if (k < max)
        k = add_glyph(s, text, strlen(text), ascii, out, k, max);
    return k;
}

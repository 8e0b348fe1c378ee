/* check_engine.c - the stepping engine against hand calculations, a
 * published worked example, central differences and itself (rows against
 * columns, forward against back, stepping against training). */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "ops.h"

/* ------------------------------------------------------------ helpers */

/* A net of the given shape, arrays allocated and zero. */
static void net_make(engine_net *n, int layers, const int *width, const engine_act *act,
                     engine_loss loss, engine_mode mode, int has_bias, int train_bias,
                     int samples, double eta)
{
    memset(n, 0, sizeof *n);
    n->layers = layers;
    for (int l = 0; l <= layers; l++)
        n->width[l] = width[l];
    for (int l = 0; l < layers; l++)
        n->act[l] = act[l];
    n->loss = loss;
    n->convention = CONV_COLUMNS;
    n->mode = mode;
    n->learning_rate = eta;
    n->has_bias = has_bias;
    n->train_bias = train_bias;
    n->samples = samples;
    ck_assert_int_eq(engine_net_alloc(n), 0);
}

/* The question's 2-3-2 network (sigmoid, linear, mse), weights in columns. */
static void net_question(engine_net *n, int has_bias, engine_mode mode, int samples)
{
    static const int w[] = {2, 3, 2};
    static const engine_act a[] = {ACT_SIGMOID, ACT_LINEAR};
    static const double w1[] = {0.2, -0.4, 0.6, 0.5, 0.3, -0.1};
    static const double w2[] = {0.7, -0.2, -0.5, 0.4, 0.3, 0.8};
    net_make(n, 2, w, a, LOSS_MSE, mode, has_bias, has_bias, samples, 0.5);
    memcpy(n->weights[0], w1, sizeof w1);
    memcpy(n->weights[1], w2, sizeof w2);
    for (int s = 0; s < samples; s++) {
        n->inputs[2 * s] = 1.0 - 0.25 * s;
        n->inputs[2 * s + 1] = 0.5 + 0.5 * s;
        n->targets[2 * s] = 1.0 - 0.5 * s;
        n->targets[2 * s + 1] = 0.25 * s;
    }
    if (has_bias)
        for (int l = 0; l < 2; l++)
            for (int j = 0; j < n->width[l + 1]; j++)
                n->biases[l][j] = 0.1 * (j + 1) - 0.15 * l;
}

/* Mazur's 2-2-2 example: w1..w8 placed by the units they join. */
static void net_mazur(engine_net *n)
{
    static const int w[] = {2, 2, 2};
    static const engine_act a[] = {ACT_SIGMOID, ACT_SIGMOID};
    net_make(n, 2, w, a, LOSS_MSE, MODE_ONLINE, 1, 0, 1, 0.5);
    /* canonical W[i][j] joins unit i below to unit j above */
    n->weights[0][0] = 0.15; /* w1: i1 -> h1 */
    n->weights[0][2] = 0.20; /* w2: i2 -> h1 */
    n->weights[0][1] = 0.25; /* w3: i1 -> h2 */
    n->weights[0][3] = 0.30; /* w4: i2 -> h2 */
    n->weights[1][0] = 0.40; /* w5: h1 -> o1 */
    n->weights[1][2] = 0.45; /* w6: h2 -> o1 */
    n->weights[1][1] = 0.50; /* w7: h1 -> o2 */
    n->weights[1][3] = 0.55; /* w8: h2 -> o2 */
    n->biases[0][0] = n->biases[0][1] = 0.35;
    n->biases[1][0] = n->biases[1][1] = 0.60;
    n->inputs[0] = 0.05;
    n->inputs[1] = 0.10;
    n->targets[0] = 0.01;
    n->targets[1] = 0.99;
}

static const engine_step *step_by_id(const engine *e, const char *id)
{
    for (int i = 0; i < engine_step_count(e); i++)
        if (strcmp(engine_step_at(e, i)->id, id) == 0)
            return engine_step_at(e, i);
    return NULL;
}

/* Canonical (i, j) of a weight-shaped tensor laid out in convention c. */
static double view_get(const engine_tensor *t, engine_conv c, int i, int j)
{
    return c == CONV_COLUMNS ? t->v[i * t->cols + j] : t->v[j * t->cols + i];
}

static double rel_err(double a, double b)
{
    double m = fmax(fabs(a), fabs(b));
    return m == 0 ? 0.0 : fabs(a - b) / m;
}

/* Agreement of a backprop gradient with a central difference: relative
 * error below 1e-7.  A central difference with h = 1e-5 carries a rounding
 * error near eps·E/h ≈ 1e-11, so entries that random weights happen to
 * make small (|g| < 1e-3) are held to an absolute 1e-10 instead, which is
 * still a relative 1e-7 of the 1e-3 they fall short of. */
static int grad_agree(double a, double n)
{
    if (rel_err(a, n) < 1e-7)
        return 1;
    return fmax(fabs(a), fabs(n)) < 1e-3 && fabs(a - n) < 1e-10;
}

/* Central difference of one sample's loss (sample >= 0) or of the mean
 * loss (sample < 0) in weight (i, j) of layer l, or bias j when i < 0. */
static double central(const engine_net *src, int sample, int l, int i, int j)
{
    engine_net n;
    ck_assert_int_eq(engine_net_copy(&n, src), 0);
    double *p = i < 0 ? &n.biases[l - 1][j] : &n.weights[l - 1][i * n.width[l] + j];
    double keep = *p, h = ENGINE_CHECK_H;
    *p = keep + h;
    double ep = sample >= 0 ? engine_net_sample_loss(&n, sample) : engine_net_mean_loss(&n);
    *p = keep - h;
    double em = sample >= 0 ? engine_net_sample_loss(&n, sample) : engine_net_mean_loss(&n);
    engine_net_free(&n);
    return (ep - em) / (2 * h);
}

/* ------------------------------------------------------------- Mazur */

START_TEST(test_mazur)
{
    engine_net n;
    net_mazur(&n);
    engine *e = engine_new(&n, CONV_COLUMNS);
    ck_assert_ptr_nonnull(e);
    /* E = ½((0.75136507 − 0.01)² + (0.772928465 − 0.99)²), Mazur's forward pass */
    ck_assert_double_eq_tol(engine_pass_loss(e), 0.298371109, 1e-8);
    ck_assert_double_eq_tol(step_by_id(e, "loss")->result.v[0], 0.298371109, 1e-8);
    /* no bias updates: the biases are frozen */
    ck_assert_ptr_null(step_by_id(e, "update.1.bias"));
    ck_assert_ptr_nonnull(step_by_id(e, "backward.1.bias"));

    /* the update steps show the new weights, computed from the old ones */
    const engine_step *u2 = step_by_id(e, "update.2"), *u1 = step_by_id(e, "update.1");
    ck_assert_double_eq_tol(u2->result.v[0], 0.35891648, 1e-8);  /* w5 */
    ck_assert_double_eq_tol(u2->result.v[2], 0.408666186, 1e-8); /* w6 */
    ck_assert_double_eq_tol(u2->result.v[1], 0.511301270, 1e-8); /* w7 */
    ck_assert_double_eq_tol(u2->result.v[3], 0.561370121, 1e-8); /* w8 */
    ck_assert_double_eq_tol(u1->result.v[0], 0.149780716, 1e-8); /* w1 */
    ck_assert_double_eq_tol(u1->result.v[2], 0.19956143, 1e-8);  /* w2 */
    ck_assert_double_eq_tol(u1->result.v[1], 0.24975114, 1e-8);  /* w3 */
    ck_assert_double_eq_tol(u1->result.v[3], 0.29950229, 1e-8);  /* w4 */

    /* walk off the end of the pass: the network takes exactly those values */
    double w2new[4], w1new[4];
    memcpy(w2new, u2->result.v, sizeof w2new);
    memcpy(w1new, u1->result.v, sizeof w1new);
    int steps = engine_step_count(e);
    for (int k = 0; k < steps; k++)
        ck_assert_int_eq(engine_next(e), 1);
    ck_assert_int_eq(engine_epoch(e), 2);
    ck_assert_int_eq(engine_step_index(e), 0);
    const engine_net *m = engine_network(e);
    ck_assert_mem_eq(m->weights[1], w2new, sizeof w2new);
    ck_assert_mem_eq(m->weights[0], w1new, sizeof w1new);
    ck_assert_double_eq(m->biases[0][0], 0.35);
    ck_assert_double_eq(m->biases[1][1], 0.60);
    /* the correct loss after the step (the article's 0.291027924 used
     * half-updated weights) */
    ck_assert_double_eq_tol(engine_net_mean_loss(m), 0.291027774, 1e-9);
    ck_assert_double_eq_tol(engine_pass_loss(e), 0.291027774, 1e-9);
    engine_free(e);
    engine_net_free(&n);
}
END_TEST

/* --------------------------------------------------------- by hand */

/* 2-2-1, relu hidden, linear output, mse, no biases, η = 0.5, columns:
 *   x = (1, 2), W_ij = [[0.5, −1], [0.25, 0.25]], W_jk = [[2], [3]], t = 1.5
 *   z_j = W_ijᵀx = (0.5 + 0.5, −1 + 0.5) = (1, −0.5);  h = relu(z) = (1, 0)
 *   z_k = 2·1 + 3·0 = 2;  y = 2;  E = ½(2 − 1.5)² = 0.125
 *   ∂E/∂y = 0.5;  δ_k = 0.5·1 = 0.5
 *   Δ_jk = [[0.5], [0.5]];  G_jk = [[1·0.5], [0·0.5]] = [[0.5], [0]]
 *   ∂E/∂h = W_jk·δ = (1, 1.5);  g′(z_j) = (1, 0);  δ_j = (1, 0)
 *   Δ_ij = [[1, 0], [1, 0]];  G_ij = [[1, 0], [2, 0]]
 *   ∂E/∂x = W_ij·δ_j = (0.5, 0.25)
 *   W_jk⁺ = [[2 − 0.25], [3]] = [[1.75], [3]]
 *   W_ij⁺ = [[0.5 − 0.5, −1], [0.25 − 1, 0.25]] = [[0, −1], [−0.75, 0.25]]
 * Every number is a short binary fraction, so the engine must hit them exactly. */
static void net_hand(engine_net *n)
{
    static const int w[] = {2, 2, 1};
    static const engine_act a[] = {ACT_RELU, ACT_LINEAR};
    static const double w1[] = {0.5, -1.0, 0.25, 0.25};
    net_make(n, 2, w, a, LOSS_MSE, MODE_ONLINE, 0, 0, 1, 0.5);
    memcpy(n->weights[0], w1, sizeof w1);
    n->weights[1][0] = 2.0;
    n->weights[1][1] = 3.0;
    n->inputs[0] = 1.0;
    n->inputs[1] = 2.0;
    n->targets[0] = 1.5;
}

static void expect_values(const engine *e, const char *id, const double *want, int count)
{
    const engine_step *s = step_by_id(e, id);
    ck_assert_msg(s != NULL, "no step %s", id);
    ck_assert_int_eq(s->result.rows * s->result.cols, count);
    for (int k = 0; k < count; k++)
        ck_assert_msg(fabs(s->result.v[k] - want[k]) <= 1e-15, "%s[%d] = %.17g, want %.17g", id,
                      k, s->result.v[k], want[k]);
}

START_TEST(test_hand)
{
    engine_net n;
    net_hand(&n);
    engine *e = engine_new(&n, CONV_COLUMNS);
    ck_assert_ptr_nonnull(e);
    expect_values(e, "forward.1.sum", (double[]){1, -0.5}, 2);
    expect_values(e, "forward.1.activation", (double[]){1, 0}, 2);
    expect_values(e, "forward.2.sum", (double[]){2}, 1);
    expect_values(e, "forward.2.activation", (double[]){2}, 1);
    expect_values(e, "loss", (double[]){0.125}, 1);
    expect_values(e, "backward.2.delta", (double[]){0.5}, 1);
    expect_values(e, "backward.2.activation", (double[]){0.5}, 1);
    expect_values(e, "backward.2.gradient.copy", (double[]){0.5, 0.5}, 2);
    expect_values(e, "backward.2.gradient", (double[]){0.5, 0}, 2);
    expect_values(e, "backward.2.send", (double[]){1, 1.5}, 2);
    /* what arrives at the hidden layer is the send's result: no step repeats it */
    ck_assert_ptr_null(step_by_id(e, "backward.1.delta"));
    expect_values(e, "backward.1.activation", (double[]){1, 0}, 2);
    expect_values(e, "backward.1.gradient.copy", (double[]){1, 0, 1, 0}, 4);
    expect_values(e, "backward.1.gradient", (double[]){1, 0, 2, 0}, 4);
    expect_values(e, "backward.1.send", (double[]){0.5, 0.25}, 2);
    expect_values(e, "update.2", (double[]){1.75, 3}, 2);
    expect_values(e, "update.1", (double[]){0, -1, -0.75, 0.25}, 4);
    /* the derivative vector is an operand of the activation step */
    const engine_step *d = step_by_id(e, "backward.1.activation");
    ck_assert_str_eq(d->operand[1].name, "g′(z_j)");
    ck_assert_double_eq(d->operand[1].v[0], 1.0);
    ck_assert_double_eq(d->operand[1].v[1], 0.0);
    /* the drawing vectors agree with the steps */
    ck_assert_double_eq(engine_values(e, VALUES_INCOMING, 0)[1], 0.25);
    ck_assert_double_eq(engine_values(e, VALUES_DELTA, 1)[0], 1.0);
    ck_assert_double_eq(engine_values(e, VALUES_SUM, 1)[1], -0.5);
    ck_assert_double_eq(engine_values(e, VALUES_ACTIVATION, 2)[0], 2.0);
    ck_assert_ptr_null(engine_values(e, VALUES_SUM, 0));
    ck_assert_ptr_null(engine_values(e, VALUES_DELTA, 3));
    engine_free(e);
    engine_net_free(&n);
}
END_TEST

/* The question's network: shapes of the gradients and the words around them. */
START_TEST(test_question_shapes)
{
    engine_net n;
    net_question(&n, 0, MODE_ONLINE, 1);
    engine *e = engine_new(&n, CONV_COLUMNS);
    const engine_step *g1 = step_by_id(e, "backward.1.gradient");
    const engine_step *g2 = step_by_id(e, "backward.2.gradient");
    ck_assert_int_eq(g1->result.rows, 2);
    ck_assert_int_eq(g1->result.cols, 3);
    ck_assert_int_eq(g2->result.rows, 3);
    ck_assert_int_eq(g2->result.cols, 2);
    ck_assert_str_eq(g2->result.name, "G_jk");
    ck_assert_str_eq(g2->title, "Gradient for W_jk, beat 2: scale row j by h_j");
    ck_assert_str_eq(g2->formula, "G_jk = Δ_jk, row j × h_j");
    ck_assert_str_eq(g2->shapes, "(3×2), row j × (3) → (3×2)");
    const engine_step *c2 = step_by_id(e, "backward.2.gradient.copy");
    ck_assert_str_eq(c2->title, "Gradient for W_jk, beat 1: copy δ_k into every row");
    ck_assert_str_eq(c2->shapes, "(2) into 3 rows → (3×2)");
    const engine_step *s2 = step_by_id(e, "backward.2.send");
    ck_assert_str_eq(s2->title, "Send ∂E/∂h_j down: W_jk·δ_k");
    ck_assert_str_eq(s2->formula, "∂E/∂h_j = W_jk·δ_k");
    ck_assert_str_eq(s2->shapes, "(3×2)·(2) → (3)");
    ck_assert_str_eq(s2->result.name, "∂E/∂h_j");
    const engine_step *s1 = step_by_id(e, "backward.1.send");
    ck_assert_str_eq(s1->result.name, "∂E/∂x_i");
    ck_assert_ptr_nonnull(strstr(s1->title, "input"));
    const engine_step *f2 = step_by_id(e, "forward.2.sum");
    ck_assert_str_eq(f2->title, "Weighted sums into the output layer");
    ck_assert_str_eq(f2->formula, "z_k = W_jkᵀ·h_j");
    ck_assert_str_eq(f2->shapes, "(3×2)ᵀ·(3) → (2)");
    ck_assert_str_eq(step_by_id(e, "forward.1.activation")->formula, "h_j = σ(z_j)");
    ck_assert_str_eq(step_by_id(e, "loss")->formula, "E = ½ Σ (y_k − t_k)²");
    ck_assert_str_eq(step_by_id(e, "backward.2.activation")->formula, "δ_k = ∂E/∂y_k ⊙ g′(z_k)");
    ck_assert_str_eq(step_by_id(e, "backward.2.activation")->shapes, "(2) ⊙ (2) → (2)");
    ck_assert_str_eq(step_by_id(e, "update.2")->formula, "W_jk⁺ = W_jk − η·G_jk");
    ck_assert_str_eq(step_by_id(e, "update.2")->shapes, "(3×2) − η·(3×2) → (3×2)");

    engine_set_convention(e, CONV_ROWS);
    g2 = step_by_id(e, "backward.2.gradient");
    ck_assert_int_eq(g2->result.rows, 2);
    ck_assert_int_eq(g2->result.cols, 3);
    ck_assert_str_eq(g2->title, "Gradient for W_jk, beat 2: scale column j by h_j");
    ck_assert_str_eq(step_by_id(e, "forward.2.sum")->formula, "z_k = W_jk·h_j");
    ck_assert_str_eq(step_by_id(e, "forward.2.sum")->shapes, "(2×3)·(3) → (2)");
    ck_assert_str_eq(step_by_id(e, "backward.2.send")->shapes, "(2×3)ᵀ·(2) → (3)");
    ck_assert_str_eq(step_by_id(e, "backward.2.gradient.copy")->shapes,
                     "(2) into 3 columns → (2×3)");
    for (int i = 0; i < engine_step_count(e); i++) {
        ck_assert_int_le((int)strlen(engine_step_at(e, i)->title), 95);
        ck_assert_int_eq(engine_step_at(e, i)->convention, CONV_ROWS);
    }
    engine_free(e);
    engine_net_free(&n);
}
END_TEST

/* --------------------------------------------------------- explain */

START_TEST(test_explain)
{
    engine_net n;
    net_question(&n, 0, MODE_ONLINE, 1);
    engine *e = engine_new(&n, CONV_COLUMNS);
    char buf[512];
    engine_use u[16];

    const engine_step *s = step_by_id(e, "forward.1.sum");
    int nu = engine_step_explain(s, 0, 4, buf, sizeof buf, u, 16);
    ck_assert_str_eq(buf, "z_1 = W[1][1]·x_1 + W[2][1]·x_2 = 0.2000×1.0000 + 0.5000×0.5000 = 0.4500");
    ck_assert_int_eq(nu, 4);
    /* W[1][1] is index 0, W[2][1] index 3 of the 2×3 matrix */
    ck_assert_int_eq(u[0].operand, 0);
    ck_assert_int_eq(u[0].index, 0);
    ck_assert_int_eq(u[1].operand, 1);
    ck_assert_int_eq(u[1].index, 0);
    ck_assert_int_eq(u[2].operand, 0);
    ck_assert_int_eq(u[2].index, 3);
    ck_assert_int_eq(u[3].operand, 1);
    ck_assert_int_eq(u[3].index, 1);

    s = step_by_id(e, "forward.1.activation");
    engine_step_explain(s, 0, 4, buf, sizeof buf, u, 16);
    ck_assert_str_eq(buf, "h_1 = σ(z_1) = σ(0.4500) = 0.6106");
    engine_step_explain(s, 1, 4, buf, sizeof buf, u, 16);
    ck_assert_str_eq(buf, "h_2 = σ(z_2) = σ(−0.2500) = 0.4378");

    /* h_2 = σ(−0.25) = 0.437823, δ_1 = y_1 − 1 = 0.398843 − 1 = −0.601157 */
    s = step_by_id(e, "backward.2.gradient");
    nu = engine_step_explain(s, 2, 4, buf, sizeof buf, u, 16);
    ck_assert_str_eq(buf, "G[2][1] = Δ[2][1] · h_2 = (−0.6012) × 0.4378 = −0.2632");
    ck_assert_int_eq(nu, 2);
    ck_assert_int_eq(u[0].operand, 0); /* Δ[2][1] */
    ck_assert_int_eq(u[0].index, 2);
    ck_assert_int_eq(u[1].operand, 1); /* h_2 */
    ck_assert_int_eq(u[1].index, 1);

    s = step_by_id(e, "backward.2.gradient.copy");
    engine_step_explain(s, 5, 4, buf, sizeof buf, u, 16);
    ck_assert_str_eq(buf, "Δ[3][2] = δ_2 = 0.5603");

    s = step_by_id(e, "backward.2.delta");
    engine_step_explain(s, 0, 4, buf, sizeof buf, u, 16);
    ck_assert_str_eq(buf, "∂E/∂y_1 = y_1 − t_1 = 0.3988 − 1.0000 = −0.6012");
    s = step_by_id(e, "backward.2.activation");
    engine_step_explain(s, 1, 4, buf, sizeof buf, u, 16);
    ck_assert_str_eq(buf, "δ_2 = ∂E/∂y_2 · g′(z_2) = 0.5603 × 1.0000 = 0.5603");

    s = step_by_id(e, "update.2");
    nu = engine_step_explain(s, 2, 4, buf, sizeof buf, u, 16);
    ck_assert_str_eq(buf, "W⁺[2][1] = W[2][1] − η·G[2][1] = −0.5000 − 0.5000×(−0.2632) = −0.3684");
    ck_assert_int_eq(nu, 3);

    s = step_by_id(e, "backward.2.send");
    nu = engine_step_explain(s, 0, 2, buf, sizeof buf, u, 16);
    ck_assert_str_eq(buf, "∂E/∂h_1 = W[1][1]·δ_1 + W[1][2]·δ_2 = 0.70×(−0.60) + (−0.20)×0.56 = −0.53");
    ck_assert_int_eq(nu, 4);

    /* rows view: the same element sits at the transposed place */
    engine_set_convention(e, CONV_ROWS);
    s = step_by_id(e, "backward.2.gradient");
    engine_step_explain(s, 1, 4, buf, sizeof buf, u, 16);
    ck_assert_str_eq(buf, "G[1][2] = Δ[1][2] · h_2 = (−0.6012) × 0.4378 = −0.2632");
    s = step_by_id(e, "forward.1.sum");
    engine_step_explain(s, 0, 4, buf, sizeof buf, u, 16);
    ck_assert_str_eq(buf, "z_1 = W[1][1]·x_1 + W[1][2]·x_2 = 0.2000×1.0000 + 0.5000×0.5000 = 0.4500");
    ck_assert_int_eq(u[2].index, 1);

    /* truncation at a character edge, with the count of uses still whole */
    char small[24];
    nu = engine_step_explain(s, 0, 4, small, sizeof small, u, 1);
    ck_assert_int_eq(nu, 4);
    ck_assert_str_eq(small, "z_1 = W[1][1]·x_1 +…");
    ck_assert_int_le((int)strlen(small), 23);
    /* out of range */
    ck_assert_int_eq(engine_step_explain(s, 3, 4, buf, sizeof buf, u, 16), 0);
    ck_assert_str_eq(buf, "");
    engine_free(e);
    engine_net_free(&n);
}
END_TEST

/* --------------------------------------------------------- step ids */

static const char *const ids_online[] = {
    "forward.1.sum", "forward.1.activation", "forward.2.sum", "forward.2.activation", "loss",
    "backward.2.delta", "backward.2.activation", "backward.2.gradient.copy",
    "backward.2.gradient", "backward.2.send", "backward.1.activation",
    "backward.1.gradient.copy", "backward.1.gradient", "backward.1.send", "update.2",
    "update.1",
};

static const char *const ids_bias_batch_last[] = {
    "forward.1.sum", "forward.1.activation", "forward.2.sum", "forward.2.activation", "loss",
    "backward.2.delta", "backward.2.activation", "backward.2.gradient.copy",
    "backward.2.gradient", "backward.2.bias", "backward.2.send",
    "backward.1.activation", "backward.1.gradient.copy", "backward.1.gradient",
    "backward.1.bias", "backward.1.send", "batch.2.mean", "batch.2.mean.bias", "batch.1.mean",
    "batch.1.mean.bias", "update.2", "update.2.bias", "update.1", "update.1.bias",
};

static void expect_ids(const engine *e, const char *const *ids, int count)
{
    ck_assert_int_eq(engine_step_count(e), count);
    for (int i = 0; i < count; i++) {
        const engine_step *s = engine_step_at(e, i);
        ck_assert_str_eq(s->id, ids[i]);
        engine_phase want = strncmp(ids[i], "forward", 7) == 0 || strcmp(ids[i], "loss") == 0
                                ? PHASE_FORWARD
                            : strncmp(ids[i], "backward", 8) == 0 ? PHASE_BACKWARD
                                                                  : PHASE_UPDATE;
        ck_assert_int_eq(s->phase, want);
        ck_assert_int_eq(s->layer, strcmp(ids[i], "loss") == 0 ? 0 : ids[i][strcspn(ids[i], "12")] - '0');
    }
    ck_assert_ptr_null(engine_step_at(e, count));
    ck_assert_ptr_null(engine_step_at(e, -1));
}

START_TEST(test_ids)
{
    engine_net n;
    net_question(&n, 0, MODE_ONLINE, 1);
    engine *e = engine_new(&n, CONV_COLUMNS);
    expect_ids(e, ids_online, 16);
    engine_free(e);
    engine_net_free(&n);

    /* with trained biases, online: bias gradient after each gradient, bias update after each update */
    net_question(&n, 1, MODE_ONLINE, 1);
    e = engine_new(&n, CONV_COLUMNS);
    ck_assert_int_eq(engine_step_count(e), 20);
    ck_assert_str_eq(engine_step_at(e, 9)->id, "backward.2.bias");
    ck_assert_str_eq(engine_step_at(e, 16)->id, "update.2");
    ck_assert_str_eq(engine_step_at(e, 17)->id, "update.2.bias");
    ck_assert_str_eq(engine_step_at(e, 19)->id, "update.1.bias");
    engine_free(e);
    engine_net_free(&n);

    /* batch without biases: only the forward and backward steps until the last sample */
    net_question(&n, 0, MODE_BATCH, 3);
    e = engine_new(&n, CONV_COLUMNS);
    expect_ids(e, ids_online, 14);
    engine_next_sample(e);
    ck_assert_int_eq(engine_step_count(e), 14);
    engine_next_sample(e);
    ck_assert_int_eq(engine_sample(e), 3);
    ck_assert_int_eq(engine_step_count(e), 18);
    ck_assert_str_eq(engine_step_at(e, 14)->id, "batch.2.mean");
    ck_assert_str_eq(engine_step_at(e, 15)->id, "batch.1.mean");
    ck_assert_str_eq(engine_step_at(e, 16)->id, "update.2");
    ck_assert_str_eq(engine_step_at(e, 17)->id, "update.1");
    ck_assert_int_eq(engine_seek(e, "batch.1.mean"), 1);
    ck_assert_int_eq(engine_step_index(e), 15);
    ck_assert_int_eq(engine_seek(e, "update.7"), 0);
    ck_assert_int_eq(engine_step_index(e), 15);
    engine_goto(e, 99);
    ck_assert_int_eq(engine_step_index(e), 17);
    engine_goto(e, -4);
    ck_assert_int_eq(engine_step_index(e), 0);
    engine_free(e);
    engine_net_free(&n);

    /* batch with trained biases */
    net_question(&n, 1, MODE_BATCH, 2);
    e = engine_new(&n, CONV_COLUMNS);
    ck_assert_int_eq(engine_step_count(e), 16);
    engine_next_sample(e);
    expect_ids(e, ids_bias_batch_last, 24);
    const engine_step *m = step_by_id(e, "batch.1.mean.bias");
    ck_assert_str_eq(m->result.name, "∂Ē/∂b_j");
    ck_assert_str_eq(m->operand[1].name, "S");
    ck_assert_double_eq(m->operand[1].v[0], 2.0);
    ck_assert_str_eq(step_by_id(e, "update.2")->operand[2].name, "Ḡ_jk");
    engine_free(e);
    engine_net_free(&n);
}
END_TEST

/* ------------------------------------------------- names of deeper nets */

START_TEST(test_names_deep)
{
    static const int w[] = {2, 3, 3, 2};
    static const engine_act a[] = {ACT_TANH, ACT_RELU, ACT_SIGMOID};
    engine_net n;
    net_make(&n, 3, w, a, LOSS_MSE, MODE_ONLINE, 1, 1, 1, 0.1);
    for (int l = 0; l < 3; l++)
        for (int k = 0; k < w[l] * w[l + 1]; k++)
            n.weights[l][k] = 0.1 * (k + 1);
    engine *e = engine_new(&n, CONV_COLUMNS);
    ck_assert_str_eq(step_by_id(e, "forward.1.activation")->result.name, "h¹_j");
    ck_assert_str_eq(step_by_id(e, "forward.2.activation")->result.name, "h²_k");
    ck_assert_str_eq(step_by_id(e, "forward.3.activation")->result.name, "y_l");
    ck_assert_str_eq(step_by_id(e, "forward.2.sum")->operand[0].name, "W_jk");
    ck_assert_str_eq(step_by_id(e, "forward.3.sum")->operand[0].name, "W_kl");
    ck_assert_str_eq(step_by_id(e, "forward.2.sum")->title, "Weighted sums into hidden layer 2");
    ck_assert_str_eq(step_by_id(e, "forward.2.sum")->formula, "z_k = W_jkᵀ·h¹_j + b_k");
    ck_assert_str_eq(step_by_id(e, "forward.2.sum")->shapes, "(3×3)ᵀ·(3) + (3) → (3)");
    ck_assert_str_eq(step_by_id(e, "backward.3.send")->result.name, "∂E/∂h²_k");
    ck_assert_ptr_null(step_by_id(e, "backward.2.delta"));
    ck_assert_str_eq(step_by_id(e, "backward.2.send")->result.name, "∂E/∂h¹_j");
    ck_assert_str_eq(step_by_id(e, "backward.3.bias")->result.name, "∂E/∂b_l");
    ck_assert_str_eq(step_by_id(e, "update.1.bias")->result.name, "b_j⁺");
    char buf[128];
    engine_step_explain(step_by_id(e, "update.1.bias"), 0, 2, buf, sizeof buf, NULL, 0);
    ck_assert_str_eq(buf, "b_1⁺ = b_1 − η·∂E/∂b_1 = 0.00 − 0.10×0.00 = 0.00");
    engine_step_explain(step_by_id(e, "backward.3.send"), 2, 3, buf, sizeof buf, NULL, 0);
    ck_assert_ptr_nonnull(strstr(buf, "∂E/∂h²_3 = "));
    engine_free(e);
    engine_net_free(&n);
}
END_TEST

/* ------------------------------------------ gradients vs differences */

/* A 3-4-3 net with weights and inputs chosen from a fixed seed, and biases
 * when asked; targets a probability vector for cross-entropy. */
static void net_combo(engine_net *n, engine_act hidden, engine_act out, engine_loss loss,
                      engine_mode mode, int bias)
{
    static const int w[] = {3, 4, 3};
    engine_act a[2] = {hidden, out};
    net_make(n, 2, w, a, loss, mode, bias, bias, 3, 0.3);
    engine_rng r;
    engine_rng_seed(&r, 7);
    for (int l = 0; l < 2; l++) {
        for (int k = 0; k < w[l] * w[l + 1]; k++)
            n->weights[l][k] = 2.0 * engine_rng_uniform(&r) - 1.0;
        if (bias)
            for (int j = 0; j < w[l + 1]; j++)
                n->biases[l][j] = engine_rng_uniform(&r) - 0.5;
    }
    for (int s = 0; s < 3; s++) {
        for (int i = 0; i < 3; i++)
            n->inputs[3 * s + i] = 2.0 * engine_rng_uniform(&r) - 1.0;
        double sum = 0;
        for (int k = 0; k < 3; k++) {
            double t = engine_rng_uniform(&r);
            n->targets[3 * s + k] = loss == LOSS_CROSS_ENTROPY ? 0.1 + t : 2.0 * t - 1.0;
            sum += n->targets[3 * s + k];
        }
        if (loss == LOSS_CROSS_ENTROPY)
            for (int k = 0; k < 3; k++)
                n->targets[3 * s + k] /= sum;
    }
}

/* Compares every weight-shaped and bias gradient of the pass with central
 * differences of `sample`'s loss (or the mean loss when sample < 0); returns
 * the largest |gradient| seen, so the caller can refuse a vacuous pass. */
static double check_pass(const engine *e, int sample, const char *what, const char *bwhat)
{
    const engine_net *n = engine_network(e);
    engine_conv c = engine_convention(e);
    double biggest = 0.0;
    char id[40];
    for (int l = 1; l <= n->layers; l++) {
        snprintf(id, sizeof id, what, l);
        const engine_step *s = step_by_id(e, id);
        ck_assert_msg(s != NULL, "no step %s", id);
        for (int i = 0; i < n->width[l - 1]; i++)
            for (int j = 0; j < n->width[l]; j++) {
                double a = view_get(&s->result, c, i, j), num = central(n, sample, l, i, j);
                ck_assert_msg(grad_agree(a, num), "%s [%d][%d] (%s %s %s %s): %.12g vs %.12g",
                              id, i, j, engine_act_name(n->act[0]), engine_act_name(n->act[1]),
                              engine_conv_name(c), engine_mode_name(n->mode), a, num);
                biggest = fmax(biggest, fabs(a));
            }
        if (!n->has_bias || !bwhat)
            continue;
        snprintf(id, sizeof id, bwhat, l);
        s = step_by_id(e, id);
        ck_assert_msg(s != NULL, "no step %s", id);
        for (int j = 0; j < n->width[l]; j++) {
            double a = s->result.v[j], num = central(n, sample, l, -1, j);
            ck_assert_msg(grad_agree(a, num), "%s [%d]: %.12g vs %.12g", id, j, a, num);
            biggest = fmax(biggest, fabs(a));
        }
    }
    return biggest;
}

START_TEST(test_gradients_all)
{
    /* every activation of the table: hidden where it may stand there */
    engine_act hidden[ACT_COUNT], outs[ACT_COUNT];
    int nh = 0, no = 0;
    for (int a = 0; a < ACT_COUNT; a++) {
        if (!ops_act((engine_act)a)->output_only)
            hidden[nh++] = (engine_act)a;
        outs[no++] = (engine_act)a;
    }
    int combos = 0;
    for (int h = 0; h < nh; h++)
        for (int o = 0; o < no; o++)
            for (int c = 0; c < CONV_COUNT; c++)
                for (int bias = 0; bias < 2; bias++)
                    for (int m = 0; m < MODE_COUNT; m++) {
                        engine_loss loss = LOSS_MSE;
                        for (int l = 0; l < LOSS_COUNT; l++)
                            if (ops_loss((engine_loss)l)->follows & (1u << outs[o]))
                                loss = (engine_loss)l;
                        engine_net n;
                        net_combo(&n, hidden[h], outs[o], loss, (engine_mode)m, bias);
                        ck_assert_ptr_null(engine_net_validate(&n));
                        engine *e = engine_new(&n, (engine_conv)c);
                        ck_assert_ptr_nonnull(e);
                        /* the first sample's own gradient */
                        double big = check_pass(e, 0, "backward.%d.gradient", "backward.%d.bias");
                        if (m == MODE_BATCH) {
                            /* the last pass of the epoch: means = gradient of the mean loss */
                            engine_next_sample(e);
                            engine_next_sample(e);
                            double mean = check_pass(e, -1, "batch.%d.mean", "batch.%d.mean.bias");
                            ck_assert_msg(mean > 1e-3, "vacuous mean gradients for %s/%s",
                                          engine_act_name(hidden[h]), engine_act_name(outs[o]));
                            big = fmax(big, check_pass(e, 2, "backward.%d.gradient",
                                                       "backward.%d.bias"));
                        } else {
                            /* a later pass, after an update */
                            engine_next_sample(e);
                            big = fmax(big, check_pass(e, 1, "backward.%d.gradient",
                                                       "backward.%d.bias"));
                        }
                        ck_assert_msg(big > 1e-3, "vacuous gradients for %s/%s",
                                      engine_act_name(hidden[h]), engine_act_name(outs[o]));
                        engine_check rows[64];
                        int p = engine_gradcheck(e, rows, 64);
                        ck_assert_int_eq(p, engine_net_params(&n));
                        ck_assert_int_eq(p, 12 + 12 + (bias ? 7 : 0));
                        for (int k = 0; k < p; k++) {
                            ck_assert_msg(rows[k].kink ||
                                              grad_agree(rows[k].analytic, rows[k].numeric),
                                          "gradcheck %d: %.12g vs %.12g", k, rows[k].analytic,
                                          rows[k].numeric);
                        }
                        engine_free(e);
                        engine_net_free(&n);
                        combos++;
                    }
    ck_assert_int_eq(combos, nh * no * 2 * 2 * 2);
    ck_assert_int_ge(nh * no, 30);
}
END_TEST

START_TEST(test_gradcheck_rows)
{
    engine_net n;
    net_mazur(&n);
    engine *e = engine_new(&n, CONV_ROWS);
    engine_check rows[12];
    ck_assert_int_eq(engine_gradcheck(e, rows, 12), 12);
    /* order: layer 1 weights (canonical rows), its biases, then layer 2 */
    ck_assert_int_eq(rows[0].layer, 1);
    ck_assert_int_eq(rows[1].col, 1);
    ck_assert_int_eq(rows[2].row, 1);
    ck_assert_int_eq(rows[4].is_bias, 1);
    ck_assert_int_eq(rows[5].col, 1);
    ck_assert_int_eq(rows[6].layer, 2);
    ck_assert_int_eq(rows[11].is_bias, 1);
    /* Mazur: ∂E/∂w5 = 0.082167041 (w5 joins h1 to o1) */
    ck_assert_double_eq_tol(rows[6].analytic, 0.082167041, 1e-9);
    ck_assert_double_eq_tol(rows[6].numeric, 0.082167041, 1e-9);
    for (int k = 0; k < 12; k++) {
        ck_assert(rows[k].rel_error < 1e-7);
        ck_assert_int_eq(rows[k].kink, 0);
    }
    /* fewer rows than parameters: only those are filled, the count is whole */
    ck_assert_int_eq(engine_gradcheck(e, rows, 3), 12);
    engine_free(e);
    engine_net_free(&n);
}
END_TEST

/* -------------------------------------------------- rows vs columns */

START_TEST(test_rows_columns)
{
    for (int m = 0; m < MODE_COUNT; m++) {
        engine_net n;
        net_question(&n, 1, (engine_mode)m, 2);
        engine *ec = engine_new(&n, CONV_COLUMNS), *er = engine_new(&n, CONV_ROWS);
        for (int pass = 0; pass < 2; pass++) {
            ck_assert_int_eq(engine_step_count(ec), engine_step_count(er));
            int matrices = 0;
            for (int i = 0; i < engine_step_count(ec); i++) {
                const engine_step *a = engine_step_at(ec, i), *b = engine_step_at(er, i);
                ck_assert_str_eq(a->id, b->id);
                ck_assert_int_eq(a->n_operands, b->n_operands);
                for (int k = -1; k < a->n_operands; k++) {
                    const engine_tensor *ta = k < 0 ? &a->result : &a->operand[k];
                    const engine_tensor *tb = k < 0 ? &b->result : &b->operand[k];
                    ck_assert_str_eq(ta->name, tb->name);
                    ck_assert_int_eq(ta->rank, tb->rank);
                    if (ta->rank < 2) {
                        ck_assert_int_eq(ta->rows, tb->rows);
                        ck_assert_mem_eq(ta->v, tb->v, ta->rows * sizeof(double));
                        continue;
                    }
                    matrices++;
                    ck_assert_int_eq(ta->rows, tb->cols);
                    ck_assert_int_eq(ta->cols, tb->rows);
                    for (int r = 0; r < ta->rows; r++)
                        for (int c = 0; c < ta->cols; c++)
                            ck_assert(ta->v[r * ta->cols + c] == tb->v[c * tb->cols + r]);
                }
            }
            ck_assert_int_ge(matrices, 10);
            engine_next_sample(ec);
            engine_next_sample(er);
        }
        /* switching the view of an engine gives what a fresh engine shows */
        engine_set_convention(ec, CONV_ROWS);
        ck_assert_int_eq(engine_convention(ec), CONV_ROWS);
        for (int i = 0; i < engine_step_count(ec); i++)
            ck_assert_mem_eq(engine_step_at(ec, i)->result.v, engine_step_at(er, i)->result.v,
                             engine_step_at(ec, i)->result.rows *
                                 engine_step_at(ec, i)->result.cols * sizeof(double));
        engine_free(ec);
        engine_free(er);
        engine_net_free(&n);
    }
}
END_TEST

/* ----------------------------------------------------- stepping back */

/* Every value of every step of the current pass, the network and the cursor. */
typedef struct {
    int epoch, sample, index, count;
    size_t len;
    double v[4096];
} snapshot;

static void snap_take(const engine *e, snapshot *s)
{
    const engine_net *n = engine_network(e);
    s->epoch = engine_epoch(e);
    s->sample = engine_sample(e);
    s->index = engine_step_index(e);
    s->count = engine_step_count(e);
    s->len = 0;
    memset(s->v, 0, sizeof s->v);
    for (int i = 0; i < s->count; i++) {
        const engine_step *st = engine_step_at(e, i);
        for (int k = -1; k < st->n_operands; k++) {
            const engine_tensor *t = k < 0 ? &st->result : &st->operand[k];
            size_t m = (size_t)t->rows * t->cols;
            ck_assert(s->len + m <= 4096);
            memcpy(s->v + s->len, t->v, m * sizeof(double));
            s->len += m;
        }
    }
    for (int l = 0; l < n->layers; l++) {
        size_t m = (size_t)n->width[l] * n->width[l + 1];
        memcpy(s->v + s->len, n->weights[l], m * sizeof(double));
        s->len += m;
        if (n->has_bias) {
            memcpy(s->v + s->len, n->biases[l], n->width[l + 1] * sizeof(double));
            s->len += n->width[l + 1];
        }
    }
}

static void snap_expect(const engine *e, const snapshot *want)
{
    static snapshot got;
    snap_take(e, &got);
    ck_assert_int_eq(got.epoch, want->epoch);
    ck_assert_int_eq(got.sample, want->sample);
    ck_assert_int_eq(got.index, want->index);
    ck_assert_int_eq(got.count, want->count);
    ck_assert_uint_eq(got.len, want->len);
    ck_assert_mem_eq(got.v, want->v, got.len * sizeof(double));
}

START_TEST(test_back_and_forth)
{
    for (int m = 0; m < MODE_COUNT; m++) {
        engine_net n;
        net_question(&n, 1, (engine_mode)m, 3);
        engine *e = engine_new(&n, CONV_COLUMNS);
        enum { K = 200 }; /* more than three epochs of passes */
        snapshot *snaps = malloc((K + 1) * sizeof *snaps);
        ck_assert_ptr_nonnull(snaps);
        ck_assert_int_eq(engine_prev(e), 0);
        snap_take(e, &snaps[0]);
        int passes = 0;
        for (int k = 1; k <= K; k++) {
            ck_assert_int_eq(engine_next(e), 1);
            snap_take(e, &snaps[k]);
            passes += snaps[k].sample != snaps[k - 1].sample;
        }
        ck_assert_int_ge(engine_epoch(e), 4);
        ck_assert_int_eq(engine_history_depth(e), passes);
        for (int k = K - 1; k >= 0; k--) {
            ck_assert_int_eq(engine_prev(e), 1);
            snap_expect(e, &snaps[k]);
        }
        ck_assert_int_eq(engine_prev(e), 0);
        ck_assert_int_eq(engine_history_depth(e), 0);
        /* and forward again gives the same road */
        for (int k = 1; k <= K; k++) {
            engine_next(e);
            snap_expect(e, &snaps[k]);
        }
        /* reset returns to the lesson's start */
        engine_reset(e);
        snap_expect(e, &snaps[0]);
        free(snaps);
        engine_free(e);
        engine_net_free(&n);
    }
}
END_TEST

START_TEST(test_history_bounded)
{
    engine_net n;
    net_question(&n, 0, MODE_ONLINE, 2);
    engine *e = engine_new(&n, CONV_COLUMNS);
    /* a million key presses: 16 steps a pass, one snapshot a pass */
    for (long k = 0; k < 1000000; k++)
        engine_next(e);
    ck_assert_int_eq(engine_history_depth(e), 1000000 / 16);
    engine_free(e);
    engine_net_free(&n);

    /* a 64 → 64 layer: the ring holds 8 MiB / (4096 weights · 8 + 2 ints · 4)
     * = 255 passes, then forgets the oldest instead of growing */
    static const int w[] = {64, 64};
    static const engine_act a[] = {ACT_TANH};
    net_make(&n, 1, w, a, LOSS_MSE, MODE_ONLINE, 0, 0, 2, 0.01);
    for (int k = 0; k < 64 * 64; k++)
        n.weights[0][k] = 0.01 * (k % 7) - 0.03;
    for (int k = 0; k < 128; k++)
        n.inputs[k] = n.targets[k] = 0.5;
    e = engine_new(&n, CONV_COLUMNS);
    for (int k = 0; k < 300; k++)
        engine_next_sample(e);
    ck_assert_int_eq(engine_history_depth(e), 255);
    for (int k = 0; k < 10 * 9; k++)
        ck_assert_int_eq(engine_prev(e), 1);
    ck_assert_int_eq(engine_history_depth(e), 245);
    ck_assert_int_eq(engine_sample(e), 1);
    ck_assert_int_eq(engine_epoch(e), 146);
    engine_free(e);
    engine_net_free(&n);
}
END_TEST

/* ----------------------------------------------------- training */

START_TEST(test_train_matches_stepping)
{
    for (int m = 0; m < MODE_COUNT; m++)
        for (int bias = 0; bias < 2; bias++) {
            engine_net n;
            net_question(&n, bias, (engine_mode)m, 3);
            engine *a = engine_new(&n, CONV_COLUMNS), *b = engine_new(&n, CONV_ROWS);
            double losses[7], want[7];
            /* start mid-epoch: an epoch of training is any S passes */
            engine_next_sample(a);
            engine_next_sample(b);
            ck_assert_int_eq(engine_train(a, 7, losses), -1);
            for (int ep = 0; ep < 7; ep++) {
                double sum = 0.0;
                for (int s = 0; s < 3; s++) {
                    sum += engine_pass_loss(b);
                    int start_epoch = engine_epoch(b), start_sample = engine_sample(b);
                    while (engine_epoch(b) == start_epoch && engine_sample(b) == start_sample)
                        engine_next(b);
                }
                want[ep] = sum / 3;
            }
            ck_assert_mem_eq(losses, want, sizeof want);
            const engine_net *na = engine_network(a), *nb = engine_network(b);
            for (int l = 0; l < 2; l++) {
                ck_assert_mem_eq(na->weights[l], nb->weights[l],
                                 n.width[l] * n.width[l + 1] * sizeof(double));
                if (bias)
                    ck_assert_mem_eq(na->biases[l], nb->biases[l], n.width[l + 1] * sizeof(double));
            }
            ck_assert_int_eq(engine_epoch(a), engine_epoch(b));
            ck_assert_int_eq(engine_sample(a), 2);
            ck_assert_int_eq(engine_step_index(a), 0);
            ck_assert_int_eq(engine_history_depth(a), 0);
            /* and training lowers the loss of this well-behaved net */
            ck_assert(losses[6] < losses[0]);
            engine_free(a);
            engine_free(b);
            engine_net_free(&n);
        }
}
END_TEST

/* The training of a network written out plainly, one sample at a time,
 * from the tables' scalar functions (f and df of each activation, the
 * loss's value and ∂E/∂y): every sum in the order the steps show it (the
 * inputs i = 1, 2, … then the bias; the units above j = 1, 2, … for what
 * is sent down; a batch's samples in turn), the update after the sends.
 * What every path of the engine must reproduce to the last bit. */
typedef struct {
    engine_net n;                   /* the reference's own copy, trained */
    double acc[ENGINE_MAX_LAYERS][ENGINE_MAX_WIDTH * ENGINE_MAX_WIDTH];
    double bacc[ENGINE_MAX_LAYERS][ENGINE_MAX_WIDTH];
    int sample;                     /* 0-based */
} ref_trainer;

/* δ from what arrived: in·g′(z) from df, or the softmax's Jacobian. */
static void ref_derivative(engine_act act, const double *z, const double *a, const double *in,
                           double *d, int n)
{
    const ops_act_row *r = ops_act(act);
    if (r->df) {
        for (int j = 0; j < n; j++)
            d[j] = in[j] * r->df(z[j]);
        return;
    }
    double s = 0.0;
    for (int j = 0; j < n; j++)
        s += a[j] * in[j];
    for (int j = 0; j < n; j++)
        d[j] = a[j] * (in[j] - s);
}

/* Runs the reference's current sample and moves on; returns its loss. */
static double ref_sample(ref_trainer *r)
{
    engine_net *n = &r->n;
    int L = n->layers, s = r->sample, nL = n->width[L];
    double a[ENGINE_MAX_LAYERS + 1][ENGINE_MAX_WIDTH], z[ENGINE_MAX_LAYERS + 1][ENGINE_MAX_WIDTH];
    double in[ENGINE_MAX_LAYERS + 1][ENGINE_MAX_WIDTH], d[ENGINE_MAX_LAYERS + 1][ENGINE_MAX_WIDTH];
    memcpy(a[0], n->inputs + (size_t)s * n->width[0], n->width[0] * sizeof(double));
    for (int l = 1; l <= L; l++) {
        int nin = n->width[l - 1], nout = n->width[l];
        const ops_act_row *act = ops_act(n->act[l - 1]);
        for (int j = 0; j < nout; j++) {
            double sum = 0.0;
            for (int i = 0; i < nin; i++)
                sum += n->weights[l - 1][i * nout + j] * a[l - 1][i];
            z[l][j] = n->has_bias ? sum + n->biases[l - 1][j] : sum;
            if (act->f)
                a[l][j] = act->f(z[l][j]);
        }
        if (!act->f)
            act->forward(z[l], a[l], nout);
    }
    const double *t = n->targets + (size_t)s * nL;
    engine_act out = n->act[L - 1];
    double loss = ops_loss_value(n->loss, out, z[L], a[L], t, nL);
    if (ops_loss_fused(n->loss, out)) {
        for (int k = 0; k < nL; k++)
            d[L][k] = a[L][k] - t[k];
    } else {
        ops_loss(n->loss)->grad(a[L], t, in[L], nL);
        ref_derivative(out, z[L], a[L], in[L], d[L], nL);
    }
    for (int l = L; l >= 1; l--) {
        if (l < L)
            ref_derivative(n->act[l - 1], z[l], a[l], in[l], d[l], n->width[l]);
        for (int i = 0; l > 1 && i < n->width[l - 1]; i++) {
            double sum = 0.0;
            for (int j = 0; j < n->width[l]; j++)
                sum += n->weights[l - 1][i * n->width[l] + j] * d[l][j];
            in[l - 1][i] = sum;
        }
    }
    double eta = n->learning_rate;
    int tb = n->has_bias && n->train_bias, last = s == n->samples - 1;
    for (int l = 1; l <= L; l++) {
        int nin = n->width[l - 1], nout = n->width[l];
        double *w = n->weights[l - 1], *b = n->biases[l - 1];
        for (int i = 0; i < nin; i++)
            for (int j = 0; j < nout; j++) {
                double g = a[l - 1][i] * d[l][j];
                if (n->mode == MODE_ONLINE)
                    w[i * nout + j] = w[i * nout + j] - eta * g;
                else
                    r->acc[l - 1][i * nout + j] = r->acc[l - 1][i * nout + j] + g;
            }
        for (int j = 0; tb && j < nout; j++) {
            if (n->mode == MODE_ONLINE)
                b[j] = b[j] - eta * d[l][j];
            else
                r->bacc[l - 1][j] = r->bacc[l - 1][j] + d[l][j];
        }
        if (n->mode == MODE_BATCH && last) {
            for (int k = 0; k < nin * nout; k++) {
                w[k] = w[k] - eta * (r->acc[l - 1][k] / n->samples);
                r->acc[l - 1][k] = 0.0;
            }
            for (int j = 0; tb && j < nout; j++) {
                b[j] = b[j] - eta * (r->bacc[l - 1][j] / n->samples);
                r->bacc[l - 1][j] = 0.0;
            }
        }
    }
    r->sample = (s + 1) % n->samples;
    return loss;
}

/* A 5-7-6-3 network (widths that leave remainders in every block of four
 * and of a SIMD register) with random weights, inputs and targets (one-hot
 * under cross-entropy); bias 0 none, 1 trained, 2 frozen. */
static void net_every_kind(engine_net *n, engine_act hidden, engine_act out, engine_loss loss,
                           engine_mode mode, int bias, int samples, uint64_t seed)
{
    static const int w[] = {5, 7, 6, 3};
    engine_act a[] = {hidden, hidden, out};
    net_make(n, 3, w, a, loss, mode, bias > 0, bias == 1, samples, 0.3);
    engine_rng r;
    engine_rng_seed(&r, seed);
    for (int l = 0; l < 3; l++) {
        for (int k = 0; k < w[l] * w[l + 1]; k++)
            n->weights[l][k] = engine_rng_uniform(&r) - 0.5;
        for (int j = 0; bias && j < w[l + 1]; j++)
            n->biases[l][j] = 0.4 * engine_rng_uniform(&r) - 0.2;
    }
    for (int k = 0; k < samples * w[0]; k++)
        n->inputs[k] = 2.0 * engine_rng_uniform(&r) - 1.0;
    for (int s = 0; s < samples; s++)
        for (int k = 0; k < w[3]; k++)
            n->targets[s * w[3] + k] = loss == LOSS_CROSS_ENTROPY ? (k == s % w[3])
                                                                  : engine_rng_uniform(&r);
}

/* Trains n three epochs from its second sample three ways: engine_train,
 * the stepping engine pass by pass (its losses and the W⁺ and b⁺ its
 * update steps show) and the reference; all must agree bit for bit. */
static void check_train_bits(const engine_net *n, const char *what)
{
    int S = n->samples, L = n->layers;
    engine *a = engine_new(n, CONV_COLUMNS), *b = engine_new(n, CONV_ROWS);
    ck_assert_ptr_nonnull(a);
    ck_assert_ptr_nonnull(b);
    static ref_trainer r;
    memset(&r, 0, sizeof r);
    ck_assert_int_eq(engine_net_copy(&r.n, n), 0);
    engine_next_sample(a);
    engine_next_sample(b);
    ref_sample(&r);
    for (int ep = 0; ep < 3; ep++) {
        double la, sum = 0.0;
        ck_assert_int_eq(engine_train(a, 1, &la), -1);
        for (int s = 0; s < S; s++) {
            double want = ref_sample(&r);
            double got = engine_pass_loss(b);
            ck_assert_msg(memcmp(&got, &want, sizeof got) == 0, "%s: loss %.17g, want %.17g",
                          what, got, want);
            sum += want;
            for (int l = 1; l <= L; l++) {
                char id[32];
                snprintf(id, sizeof id, "update.%d", l);
                const engine_step *u = step_by_id(b, id);
                if (!u)
                    continue; /* a batch's earlier samples: no update yet */
                for (int i = 0; i < n->width[l - 1]; i++)
                    for (int j = 0; j < n->width[l]; j++) {
                        double shown = view_get(&u->result, CONV_ROWS, i, j);
                        double ref = r.n.weights[l - 1][i * n->width[l] + j];
                        ck_assert_msg(memcmp(&shown, &ref, sizeof ref) == 0,
                                      "%s: %s[%d][%d] shows %.17g, want %.17g", what, id, i, j,
                                      shown, ref);
                    }
                snprintf(id, sizeof id, "update.%d.bias", l);
                if ((u = step_by_id(b, id)) != NULL)
                    ck_assert_msg(memcmp(u->result.v, r.n.biases[l - 1],
                                         n->width[l] * sizeof(double)) == 0,
                                  "%s: %s", what, id);
            }
            engine_next_sample(b);
        }
        double want = sum / S;
        ck_assert_msg(memcmp(&la, &want, sizeof la) == 0, "%s: epoch %d loss %.17g, want %.17g",
                      what, ep, la, want);
        const engine_net *na = engine_network(a), *nb = engine_network(b);
        for (int l = 0; l < L; l++) {
            size_t m = (size_t)n->width[l] * n->width[l + 1] * sizeof(double);
            ck_assert_msg(memcmp(na->weights[l], r.n.weights[l], m) == 0, "%s: W%d trained",
                          what, l + 1);
            ck_assert_msg(memcmp(nb->weights[l], r.n.weights[l], m) == 0, "%s: W%d stepped",
                          what, l + 1);
            if (n->has_bias) {
                m = n->width[l + 1] * sizeof(double);
                ck_assert_msg(memcmp(na->biases[l], r.n.biases[l], m) == 0, "%s: b%d", what,
                              l + 1);
                ck_assert_msg(memcmp(nb->biases[l], r.n.biases[l], m) == 0, "%s: b%d stepped",
                              what, l + 1);
            }
        }
        ck_assert_int_eq(engine_sample(a), 2);
        ck_assert_int_eq(engine_sample(b), 2);
    }
    engine_free(a);
    engine_free(b);
    engine_net_free(&r.n);
}

/* Every activation in hidden and output layers under every loss it may
 * follow, both modes, without biases, with trained and with frozen ones;
 * batches of 3 samples (sent down row by row), 16 (one block) and 37
 * (blocks of 16, 16 and 5, the first epoch starting inside the first). */
START_TEST(test_train_bits_every_kind)
{
    int configs = 0;
    for (int loss = 0; loss < LOSS_COUNT; loss++)
        for (int out = 0; out < ACT_COUNT; out++) {
            if (!(ops_loss((engine_loss)loss)->follows & (1u << out)))
                continue;
            for (int hid = 0; hid < ACT_COUNT; hid++) {
                if (ops_act((engine_act)hid)->output_only)
                    continue;
                for (int mode = 0; mode < MODE_COUNT; mode++)
                    for (int bias = 0; bias < 3; bias++)
                        for (int v = 0; v < (mode == MODE_BATCH ? 3 : 1); v++) {
                            static const int batch[] = {3, 16, 37};
                            int S = mode == MODE_BATCH ? batch[v] : 5;
                            engine_net n;
                            char what[96];
                            snprintf(what, sizeof what, "%s, %s/%s, %s, bias %d, %d samples",
                                     engine_loss_name(loss), engine_act_name(hid),
                                     engine_act_name(out), engine_mode_name(mode), bias, S);
                            net_every_kind(&n, (engine_act)hid, (engine_act)out,
                                           (engine_loss)loss, (engine_mode)mode, bias, S,
                                           (uint64_t)(100 + configs));
                            check_train_bits(&n, what);
                            engine_net_free(&n);
                            configs++;
                        }
            }
        }
    /* 5 hidden activations under mse's 5 outputs and softmax/cross-entropy,
     * 3 bias settings, 1 online and 3 batch sizes */
    ck_assert_int_eq(configs, 5 * 6 * 3 * 4);
}
END_TEST

/* The epoch where values stop being finite is the same whether training
 * checks once per chunk of epochs or after each, with or without the
 * losses; and training goes on past it. */
START_TEST(test_train_nonfinite_epoch)
{
    for (int mode = 0; mode < MODE_COUNT; mode++)
        for (int S = 1; S <= 20; S += 19) {
            engine_net n;
            net_every_kind(&n, ACT_TANH, ACT_LINEAR, LOSS_MSE, (engine_mode)mode, 1, S, 9);
            n.learning_rate = 40.0;
            engine *e = engine_new(&n, CONV_COLUMNS);
            long one = -1;
            for (long k = 0; k < 300 && one < 0; k++)
                if (engine_train(e, 1, NULL) >= 0)
                    one = k;
            ck_assert_msg(one > 0, "%s, %d samples: diverges in epoch %ld",
                          engine_mode_name(mode), S, one);
            engine_free(e);
            double losses[300];
            for (int with = 0; with < 2; with++) {
                e = engine_new(&n, CONV_COLUMNS);
                long bad = engine_train(e, 300, with ? losses : NULL);
                ck_assert_msg(bad == one, "%s, %d samples, losses %d: %ld, want %ld",
                              engine_mode_name(mode), S, with, bad, one);
                ck_assert_int_eq(engine_epoch(e), 301);
                for (long k = 0; with && k < one; k++)
                    ck_assert(isfinite(losses[k]));
                engine_free(e);
            }
            engine_net_free(&n);
        }
    /* A loss that overflows while the weight is still finite counts too,
     * whether the losses are asked for or not: w ← w − 10·(10w)·10 = −999w,
     * so E = (10w)²/2 passes 1.8e308 in epoch 53 and w only in epoch 103. */
    static const int w1[] = {1, 1};
    static const engine_act lin[] = {ACT_LINEAR};
    engine_net n;
    net_make(&n, 1, w1, lin, LOSS_MSE, MODE_ONLINE, 0, 0, 1, 10.0);
    n.weights[0][0] = 1.0;
    n.inputs[0] = 10.0;
    double losses[100];
    for (int with = 0; with < 2; with++) {
        engine *e = engine_new(&n, CONV_COLUMNS);
        ck_assert_int_eq(engine_train(e, 100, with ? losses : NULL), 52);
        ck_assert(isfinite(engine_network(e)->weights[0][0]));
        engine_free(e);
    }
    ck_assert(isfinite(losses[51]) && isinf(losses[52]));
    engine_net_free(&n);
}
END_TEST

START_TEST(test_update_step_is_next_state)
{
    /* online: what update.N shows is what the next pass starts from, bit for bit */
    engine_net n;
    net_question(&n, 1, MODE_ONLINE, 2);
    engine *e = engine_new(&n, CONV_ROWS);
    double w[2][6], b[2][3];
    for (int l = 1; l <= 2; l++) {
        char id[16];
        snprintf(id, sizeof id, "update.%d", l);
        const engine_step *s = step_by_id(e, id);
        for (int i = 0; i < n.width[l - 1]; i++)
            for (int j = 0; j < n.width[l]; j++)
                w[l - 1][i * n.width[l] + j] = view_get(&s->result, CONV_ROWS, i, j);
        snprintf(id, sizeof id, "update.%d.bias", l);
        memcpy(b[l - 1], step_by_id(e, id)->result.v, n.width[l] * sizeof(double));
    }
    engine_next_sample(e);
    for (int l = 0; l < 2; l++) {
        ck_assert_mem_eq(engine_network(e)->weights[l], w[l], n.width[l] * n.width[l + 1] * sizeof(double));
        ck_assert_mem_eq(engine_network(e)->biases[l], b[l], n.width[l + 1] * sizeof(double));
    }
    engine_free(e);
    engine_net_free(&n);
}
END_TEST

/* ------------------------------------------------ kinks, non-finite */

START_TEST(test_kink)
{
    /* hidden unit 2 has z = −1·1 + 0.5·2 = 0 exactly: it sits on the kink.
     * Only the weights that move that z see two slopes: W_ij[1][2] and
     * W_ij[2][2]; every other row is checked as usual. */
    engine_net n;
    net_hand(&n);
    n.weights[0][3] = 0.5;
    engine *e = engine_new(&n, CONV_COLUMNS);
    engine_check rows[6];
    ck_assert_int_eq(engine_gradcheck(e, rows, 6), 6);
    for (int k = 0; k < 6; k++) {
        int on_kink = k == 1 || k == 3; /* canonical (0,1) and (1,1) */
        ck_assert_msg(rows[k].kink == on_kink, "row %d", k);
        /* W_jk[2]: h_2 = relu(0) = 0, so its gradient is 0 both ways */
        ck_assert_int_eq(rows[k].status, on_kink ? CHECK_KINK : k == 5 ? CHECK_NEGLIGIBLE : CHECK_GOOD);
        ck_assert(!engine_check_failed(&rows[k]));
        if (!on_kink)
            ck_assert(rows[k].rel_error < 1e-9);
    }
    engine_free(e);
    /* moved 0.5 away from it, nothing is marked and all agree */
    n.weights[0][3] = 0.25;
    e = engine_new(&n, CONV_COLUMNS);
    engine_gradcheck(e, rows, 6);
    for (int k = 0; k < 6; k++) {
        ck_assert_int_eq(rows[k].kink, 0);
        ck_assert(!engine_check_failed(&rows[k]));
    }
    /* the dead unit's column has exactly zero gradient both ways: negligible */
    ck_assert_double_eq(rows[1].analytic, 0.0);
    ck_assert_double_eq(rows[1].numeric, 0.0);
    ck_assert_int_eq(rows[1].status, CHECK_NEGLIGIBLE);
    engine_free(e);
    /* z = 2e-6 from the kink: the check takes steps small enough not to
     * cross it, and the gradient passes instead of being excused */
    n.weights[0][1] = -1.0 + 2e-6;
    n.weights[0][3] = 0.5;
    e = engine_new(&n, CONV_COLUMNS);
    engine_gradcheck(e, rows, 6);
    for (int k = 0; k < 6; k++) {
        ck_assert_int_eq(rows[k].kink, 0);
        ck_assert_msg(rows[k].status == CHECK_GOOD || rows[k].status == CHECK_NEGLIGIBLE,
                      "row %d: %s", k, engine_check_status_name(rows[k].status));
    }
    ck_assert_int_eq(rows[1].status, CHECK_GOOD); /* the weight from x_1 into that unit */
    ck_assert(rows[1].step < 2e-6);
    engine_free(e);
    engine_net_free(&n);
}
END_TEST

START_TEST(test_nonfinite)
{
    engine_net n;
    net_question(&n, 0, MODE_ONLINE, 1);
    n.learning_rate = 1e200;
    engine *e = engine_new(&n, CONV_COLUMNS);
    ck_assert_int_eq(step_by_id(e, "update.2")->nonfinite, 0);
    double losses[20];
    long bad = engine_train(e, 20, losses);
    ck_assert_int_ge(bad, 0);
    ck_assert_int_lt(bad, 20);
    ck_assert(!isfinite(losses[19]) || !isfinite(engine_network(e)->weights[0][0]) ||
              !isfinite(engine_network(e)->weights[1][0]));
    for (long k = 0; k < bad; k++)
        ck_assert(isfinite(losses[k]));
    /* the steps say so too, and nothing crashes stepping on */
    int flagged = 0;
    for (int k = 0; k < 200; k++) {
        flagged |= engine_current(e)->nonfinite;
        engine_next(e);
    }
    ck_assert_int_eq(flagged, 1);
    char buf[256];
    const engine_step *s = step_by_id(e, "forward.2.sum");
    engine_step_explain(s, 0, 4, buf, sizeof buf, NULL, 0);
    ck_assert(strstr(buf, "nan") || strstr(buf, "inf"));
    engine_free(e);
    engine_net_free(&n);
}
END_TEST




/* The loss once the updates so far are made: nothing before the first
 * update, W_jk alone after update.2 (0.0901, as the screen showed), both
 * after update.1 (0.0793), which is where the next pass starts. */
START_TEST(test_loss_after)
{
    engine_net n;
    net_question(&n, 0, MODE_ONLINE, 1);
    engine *e = engine_new(&n, CONV_ROWS);
    int u2 = -1, u1 = -1;
    for (int i = 0; i < engine_step_count(e); i++) {
        u2 = strcmp(engine_step_at(e, i)->id, "update.2") == 0 ? i : u2;
        u1 = strcmp(engine_step_at(e, i)->id, "update.1") == 0 ? i : u1;
    }
    ck_assert_double_eq(engine_loss_after(e, u2 - 1), engine_pass_loss(e));
    ck_assert_double_eq_tol(engine_loss_after(e, u2), 0.0901, 5e-5);
    ck_assert_double_eq_tol(engine_loss_after(e, u1), 0.0793, 5e-5);
    double after = engine_loss_after(e, u1), mean_after = engine_mean_loss_after(e, u1);
    ck_assert_double_eq(engine_mean_loss_after(e, -1), engine_net_mean_loss(&n));
    engine_next_sample(e);
    ck_assert_double_eq(engine_pass_loss(e), after);
    ck_assert_double_eq(engine_net_mean_loss(engine_network(e)), mean_after);
    engine_free(e);
    engine_net_free(&n);
    /* Mazur: 0.291027774 once both layers are updated */
    net_mazur(&n);
    e = engine_new(&n, CONV_COLUMNS);
    ck_assert_double_eq_tol(engine_loss_after(e, engine_step_count(e) - 1), 0.291027774, 1e-9);
    engine_free(e);
    engine_net_free(&n);
}
END_TEST

/* ------------------------------------------------------ the chain rule */

/* The product of every term's factors, recursively: each term's product
 * is its value, each sum is its terms' total, up to rounding. */
static void expect_chain_consistent(const engine_chain *c)
{
    ck_assert_msg(rel_err(engine_chain_product(c), c->value) <= 4e-16 ||
                      fabs(engine_chain_product(c) - c->value) < 1e-300,
                  "%s: product %.17g, element %.17g", c->name, engine_chain_product(c), c->value);
    for (int f = 0; f < c->n_factor; f++) {
        const engine_factor *x = &c->factor[f];
        if (!x->terms)
            continue;
        double sum = 0.0;
        for (int t = 0; t < x->terms; t++) {
            const engine_term *tm = &c->term[x->first_term + t];
            double p = 1.0;
            for (int k = 0; k < tm->factors; k++)
                p *= c->factor[tm->first_factor + k].value;
            ck_assert_msg(rel_err(p, tm->value) <= 1e-15 || fabs(p - tm->value) < 1e-300,
                          "%s, term %d of %s: %.17g vs %.17g", c->name, t, x->name, p, tm->value);
            sum += tm->value;
        }
        /* summed in the send's order: the same bits */
        ck_assert_msg(sum == x->value, "%s: %s sums to %.17g, not %.17g", c->name, x->name, sum,
                      x->value);
    }
}

START_TEST(test_chain_question)
{
    engine_net n;
    net_question(&n, 0, MODE_ONLINE, 1);
    engine *e = engine_new(&n, CONV_COLUMNS);
    static engine_chain c;
    int g1 = -1, g2 = -1;
    for (int i = 0; i < engine_step_count(e); i++) {
        if (strcmp(engine_step_at(e, i)->id, "backward.1.gradient") == 0)
            g1 = i;
        if (strcmp(engine_step_at(e, i)->id, "backward.2.gradient") == 0)
            g2 = i;
    }
    /* ∂E/∂W_ij[1][2] = x_1 · g′(z_2) · Σ_k W_jk[2][k]·δ_k, columns */
    ck_assert_int_eq(engine_chain_of(e, g1, 1, 1, &c), 0);
    ck_assert_str_eq(c.name, "∂E/∂W_ij[1][2]");
    ck_assert_int_eq(c.factors, 3);
    ck_assert_str_eq(c.factor[c.top[0]].name, "x_1");
    ck_assert_str_eq(c.factor[c.top[1]].name, "g′(z_2)");
    const engine_factor *sum = &c.factor[c.top[2]];
    ck_assert_str_eq(sum->name, "Σ_k W_jk[2][k]·δ_k");
    ck_assert_int_eq(sum->terms, 2);
    ck_assert_str_eq(c.factor[c.term[sum->first_term].first_factor].name, "W_jk[2][1]");
    ck_assert_str_eq(c.factor[c.term[sum->first_term].first_factor + 1].name, "δ_1");
    /* by hand: x_1 = 1, z_2 = −0.25, σ′(−0.25) = σ(−0.25)·σ(0.25); ∂E/∂h_2 =
     * −0.5·δ_1 + 0.4·δ_2 with δ = y − t, y = W_jkᵀ·σ(z_j) */
    double h[3], z[3] = {0.45, -0.25, 0.55};
    for (int j = 0; j < 3; j++)
        h[j] = 1 / (1 + exp(-z[j]));
    double y1 = 0.7 * h[0] - 0.5 * h[1] + 0.3 * h[2], y2 = -0.2 * h[0] + 0.4 * h[1] + 0.8 * h[2];
    double d1 = y1 - 1, d2 = y2, gp = h[1] * (1 - h[1]);
    ck_assert_double_eq(c.factor[c.top[0]].value, 1.0);
    ck_assert_double_eq_tol(c.factor[c.top[1]].value, gp, 1e-15);
    ck_assert_double_eq_tol(sum->value, -0.5 * d1 + 0.4 * d2, 1e-15);
    ck_assert_double_eq_tol(c.value, gp * (-0.5 * d1 + 0.4 * d2), 1e-15);
    expect_chain_consistent(&c);
    char buf[512];
    engine_chain_text(&c, 4, 0, buf, sizeof buf);
    ck_assert_str_eq(buf, "∂E/∂W_ij[1][2] = x_1·g′(z_2)·Σ_k W_jk[2][k]·δ_k");
    engine_chain_text(&c, 4, 1, buf, sizeof buf);
    ck_assert_str_eq(buf, "1.0000×0.2461×((−0.5000)×(−0.6012) + 0.4000×0.5603) = 0.1292");

    /* depth 0: the outer product's element; depth 2: δ_k opened up */
    ck_assert_int_eq(engine_chain_of(e, g1, 1, 0, &c), 0);
    ck_assert_int_eq(c.factors, 2);
    ck_assert_str_eq(c.factor[c.top[1]].name, "δ_2");
    expect_chain_consistent(&c);
    ck_assert_int_eq(engine_chain_of(e, g1, 1, 2, &c), 0);
    ck_assert_int_eq(c.depth, 2);
    sum = &c.factor[c.top[2]];
    ck_assert_int_eq(c.term[sum->first_term].factors, 3); /* W, g′(z_1), (y_1 − t_1) */
    ck_assert_str_eq(c.factor[c.term[sum->first_term].first_factor + 2].name, "(y_1 − t_1)");
    expect_chain_consistent(&c);

    /* the output layer: h_1 · g′(z_2) · (y_2 − t_2) */
    ck_assert_int_eq(engine_chain_of(e, g2, 1, 1, &c), 0);
    engine_chain_text(&c, 4, 0, buf, sizeof buf);
    ck_assert_str_eq(buf, "∂E/∂W_jk[1][2] = h_1·g′(z_2)·(y_2 − t_2)");
    expect_chain_consistent(&c);

    /* rows convention: the same element stands at [2][1], W_jk transposed */
    engine_set_convention(e, CONV_ROWS);
    ck_assert_int_eq(engine_chain_of(e, g1, 2, 1, &c), 0);
    engine_chain_text(&c, 4, 0, buf, sizeof buf);
    ck_assert_str_eq(buf, "∂E/∂W_ij[2][1] = x_1·g′(z_2)·Σ_k W_jk[k][2]·δ_k");
    ck_assert_str_eq(c.factor[c.term[c.factor[c.top[2]].first_term].first_factor].name,
                     "W_jk[1][2]");
    ck_assert_double_eq_tol(c.value, gp * (-0.5 * d1 + 0.4 * d2), 1e-15);

    /* only gradient steps have a chain */
    ck_assert_int_eq(engine_chain_of(e, 0, 0, 1, &c), -1);
    ck_assert_int_eq(engine_chain_of(e, g1, 6, 1, &c), -1);
    engine_free(e);
    engine_net_free(&n);
}
END_TEST

/* Every element of every gradient, at every depth, in deep and wide
 * networks: the product is the element; a pool too small keeps δ whole. */
START_TEST(test_chain_everywhere)
{
    static engine_chain c;
    static const engine_act hidden[] = {ACT_SIGMOID, ACT_TANH, ACT_RELU, ACT_LEAKY_RELU, ACT_LINEAR};
    for (int v = 0; v < 4; v++) {
        int L = 4;
        int width[5] = {3, 5, 4, 6, v % 2 ? 3 : 2};
        engine_act act[4] = {hidden[v], hidden[v + 1], hidden[(v + 2) % 5], v % 2 ? ACT_SOFTMAX : ACT_SIGMOID};
        engine_net n;
        net_make(&n, L, width, act, v % 2 ? LOSS_CROSS_ENTROPY : LOSS_MSE, MODE_ONLINE, v < 2,
                 1, 1, 0.1);
        engine_rng r;
        engine_rng_seed(&r, 40 + v);
        for (int l = 0; l < L; l++)
            for (int k = 0; k < width[l] * width[l + 1]; k++)
                n.weights[l][k] = 2 * engine_rng_uniform(&r) - 1;
        for (int k = 0; k < 3; k++)
            n.inputs[k] = engine_rng_uniform(&r);
        n.targets[v % 2 ? 1 : 0] = 1;
        engine *e = engine_new(&n, (engine_conv)(v / 2));
        int chains = 0, collapsed = 0;
        for (int i = 0; i < engine_step_count(e); i++) {
            const engine_step *s = engine_step_at(e, i);
            if (s->kind != STEP_GRADIENT && s->kind != STEP_BIAS_GRAD)
                continue;
            for (int k = 0; k < s->result.rows * s->result.cols; k++)
                for (int depth = 0; depth <= L; depth++) {
                    ck_assert_int_eq(engine_chain_of(e, i, k, depth, &c), 0);
                    ck_assert_double_eq(c.value, s->result.v[k]);
                    expect_chain_consistent(&c);
                    collapsed += c.collapsed;
                    chains++;
                }
        }
        ck_assert_int_gt(chains, 300);
        engine_free(e);
        engine_net_free(&n);
        (void)collapsed;
    }
    /* 8 layers of 64: a full expansion cannot fit, and says so */
    int wide[9] = {64, 64, 64, 64, 64, 64, 64, 64, 2};
    engine_act acts[8] = {ACT_TANH, ACT_TANH, ACT_TANH, ACT_TANH, ACT_TANH, ACT_TANH, ACT_TANH, ACT_LINEAR};
    engine_net n;
    net_make(&n, 8, wide, acts, LOSS_MSE, MODE_ONLINE, 0, 0, 1, 0.1);
    for (int l = 0; l < 8; l++)
        for (int k = 0; k < wide[l] * wide[l + 1]; k++)
            n.weights[l][k] = 0.01 * ((k * 7 + l) % 11) - 0.05;
    for (int k = 0; k < 64; k++)
        n.inputs[k] = 0.1;
    engine *e = engine_new(&n, CONV_COLUMNS);
    ck_assert_int_eq(engine_seek(e, "backward.1.gradient"), 1);
    ck_assert_int_eq(engine_chain_of(e, engine_step_index(e), 5, 8, &c), 0);
    ck_assert_int_eq(c.collapsed, 1);
    expect_chain_consistent(&c);
    ck_assert_int_eq(engine_chain_of(e, engine_step_index(e), 5, 1, &c), 0);
    ck_assert_int_eq(c.collapsed, 0);
    ck_assert_int_eq(c.factor[c.top[2]].terms, 64);
    expect_chain_consistent(&c);
    engine_free(e);
    engine_net_free(&n);
}
END_TEST

/* ------------------------------------------------------ at the edges */

/* A one-layer net from input width 1: weights w (width out), one sample. */
static void net_one(engine_net *n, engine_act act, engine_loss loss, int out, const double *w,
                    double x, const double *t)
{
    int width[2] = {1, out};
    net_make(n, 1, width, &act, loss, MODE_ONLINE, 0, 0, 1, 0.5);
    for (int k = 0; k < out; k++) {
        n->weights[0][k] = w[k];
        n->targets[k] = t[k];
    }
    n->inputs[0] = x;
}

/* Softmax with cross-entropy where a probability underflows to 0: δ is
 * y − t and the loss comes from the sums, so both stay exact. */
START_TEST(test_softmax_underflow)
{
    engine_net n;
    net_one(&n, ACT_SOFTMAX, LOSS_CROSS_ENTROPY, 2, (double[]){800, 0}, 1, (double[]){1, 0});
    engine *e = engine_new(&n, CONV_COLUMNS);
    const engine_step *y = step_by_id(e, "forward.1.activation");
    ck_assert_double_eq(y->result.v[1], 0.0); /* e^−800 rounds to 0 */
    expect_values(e, "loss", (double[]){0}, 1);
    expect_values(e, "backward.1.delta", (double[]){-1, 0}, 2); /* −t/y: 0 where t = 0 */
    expect_values(e, "backward.1.activation", (double[]){0, 0}, 2);
    expect_values(e, "update.1", (double[]){800, 0}, 2);
    ck_assert_int_eq(step_by_id(e, "backward.1.activation")->op, OP_SOFTMAX_CE);
    ck_assert_int_eq(step_by_id(e, "loss")->op, OP_LOSS_SOFTMAX_CE);
    for (int i = 0; i < engine_step_count(e); i++)
        ck_assert_msg(!engine_step_at(e, i)->nonfinite, "%s", engine_step_at(e, i)->id);
    engine_free(e);
    engine_net_free(&n);

    /* the other class: E = 800 exactly, δ = (1, −1); −t/y is −inf there, marked */
    net_one(&n, ACT_SOFTMAX, LOSS_CROSS_ENTROPY, 2, (double[]){800, 0}, 1, (double[]){0, 1});
    e = engine_new(&n, CONV_COLUMNS);
    expect_values(e, "loss", (double[]){800}, 1);
    expect_values(e, "backward.1.activation", (double[]){1, -1}, 2);
    expect_values(e, "update.1", (double[]){799.5, 0.5}, 2);
    const engine_step *d = step_by_id(e, "backward.1.delta");
    ck_assert_int_eq(d->nonfinite, 1);
    ck_assert_double_eq(d->result.v[0], 0.0);
    ck_assert(isinf(d->result.v[1]) && d->result.v[1] < 0);
    char buf[160];
    engine_step_explain(d, 1, 4, buf, sizeof buf, NULL, 0);
    ck_assert_str_eq(buf, "∂E/∂y_2 = −t_2 / y_2 = −1.0000 / 0.0000 = −inf (y_2 rounded to 0)");
    engine_step_explain(d, 0, 4, buf, sizeof buf, NULL, 0);
    ck_assert_str_eq(buf, "∂E/∂y_1 = −t_1 / y_1 = 0, because t_1 = 0");
    ck_assert_double_eq(engine_net_mean_loss(&n), 800.0);
    engine_free(e);
    engine_net_free(&n);
}
END_TEST

/* NaN goes through relu and leaky relu instead of becoming 0 or a number. */
START_TEST(test_nan_through_relu)
{
    static const int w[] = {1, 1, 1};
    for (int k = 0; k < 2; k++) {
        engine_act a[2] = {ACT_LINEAR, k ? ACT_LEAKY_RELU : ACT_RELU};
        engine_net n;
        net_make(&n, 2, w, a, LOSS_MSE, MODE_ONLINE, 0, 0, 1, 0.5);
        n.weights[0][0] = 1e300;
        n.weights[1][0] = 0;
        n.inputs[0] = 1e300;
        n.targets[0] = 1;
        engine *e = engine_new(&n, CONV_COLUMNS);
        /* z = 1e600 = inf, then 0·inf = NaN */
        ck_assert(isinf(step_by_id(e, "forward.1.sum")->result.v[0]));
        ck_assert(isnan(step_by_id(e, "forward.2.sum")->result.v[0]));
        ck_assert(isnan(step_by_id(e, "forward.2.activation")->result.v[0]));
        ck_assert(isnan(engine_pass_loss(e)));
        ck_assert(isnan(engine_net_mean_loss(&n)));
        double loss[10];
        ck_assert_int_eq(engine_train(e, 10, loss), 0);
        ck_assert(isnan(loss[9]));
        engine_free(e);
        /* every weight NaN: the loss says so */
        n.weights[0][0] = n.weights[1][0] = NAN;
        n.inputs[0] = 1;
        ck_assert(isnan(engine_net_mean_loss(&n)));
        engine_net_free(&n);
    }
}
END_TEST

/* Saturated units keep the relative accuracy of their gradients.
 * References evaluated with 50 digits (mpmath): for w = 20, x = 1, t = 0,
 * ∂E/∂w = σ(20)·σ′(20) = 2.0611536096934951e-9 and tanh(20)·tanh′(20) =
 * 1.6993417021166356e-17. */
START_TEST(test_saturated_gradients)
{
    static const struct {
        engine_act act;
        double w, grad;
    } c[] = {
        {ACT_SIGMOID, 20, 2.0611536096934951e-9},
        {ACT_SIGMOID, 40, 4.2483542552915889e-18},
        {ACT_TANH, 20, 1.6993417021166356e-17},
    };
    for (size_t k = 0; k < sizeof c / sizeof c[0]; k++) {
        engine_net n;
        net_one(&n, c[k].act, LOSS_MSE, 1, &c[k].w, 1, (double[]){0});
        engine *e = engine_new(&n, CONV_COLUMNS);
        double g = step_by_id(e, "backward.1.gradient")->result.v[0];
        ck_assert_msg(rel_err(g, c[k].grad) < 4e-16, "%s at %g: %.17g", engine_act_name(c[k].act),
                      c[k].w, g);
        engine_free(e);
        engine_net_free(&n);
    }
}
END_TEST

/* ------------------------------------------------ net, rng, validate */

START_TEST(test_validate)
{
    engine_net n;
    net_question(&n, 0, MODE_ONLINE, 1);
    ck_assert_ptr_null(engine_net_validate(&n));
    n.act[0] = ACT_SOFTMAX;
    ck_assert_str_eq(engine_net_validate(&n), "softmax is allowed on the output layer only");
    n.act[0] = ACT_SIGMOID;
    n.loss = LOSS_CROSS_ENTROPY;
    ck_assert_str_eq(engine_net_validate(&n), "cross_entropy needs a softmax output layer");
    n.act[1] = ACT_SOFTMAX;
    ck_assert_ptr_null(engine_net_validate(&n));
    n.loss = LOSS_MSE;
    ck_assert_str_eq(engine_net_validate(&n), "softmax output needs the cross_entropy loss");
    n.act[1] = ACT_LINEAR;
    n.learning_rate = 0;
    ck_assert_str_eq(engine_net_validate(&n),
                     "the learning rate must be a finite number greater than 0");
    ck_assert_ptr_null(engine_new(&n, CONV_COLUMNS));
    n.learning_rate = 0.5;
    n.width[1] = 65;
    ck_assert_str_eq(engine_net_validate(&n), "every layer must have 1 to 64 units");
    n.width[1] = 3;
    n.samples = 1001;
    ck_assert_str_eq(engine_net_validate(&n), "there must be 1 to 1000 samples");
    n.samples = 1;
    ck_assert_int_eq(engine_net_params(&n), 12);
    engine_net_free(&n);
    ck_assert_ptr_null(n.weights[0]);
    ck_assert_ptr_null(n.inputs);
    engine_net bad = {.layers = 9};
    ck_assert_str_eq(engine_net_validate(&bad), "the number of weight layers must be 1 to 8");
    ck_assert_int_eq(engine_net_alloc(&bad), -1);
    ck_assert_str_eq(engine_act_name(ACT_LEAKY_RELU), "leaky_relu");
    ck_assert_str_eq(engine_loss_name(LOSS_CROSS_ENTROPY), "cross_entropy");
    ck_assert_str_eq(engine_conv_name(CONV_ROWS), "rows");
    ck_assert_str_eq(engine_mode_name(MODE_BATCH), "batch");
    ck_assert_str_eq(engine_phase_name(PHASE_UPDATE), "update");
}
END_TEST

START_TEST(test_rng)
{
    engine_rng a, b;
    engine_rng_seed(&a, 7);
    engine_rng_seed(&b, 7);
    double sum = 0, lo = 1, hi = 0;
    for (int k = 0; k < 100000; k++) {
        double u = engine_rng_uniform(&a);
        ck_assert(u == engine_rng_uniform(&b));
        ck_assert(u >= 0 && u < 1);
        sum += u;
        lo = fmin(lo, u);
        hi = fmax(hi, u);
    }
    /* mean of 1e5 uniforms: 0.5 ± 0.0046 at five standard deviations */
    ck_assert_double_eq_tol(sum / 100000, 0.5, 0.0046);
    ck_assert(lo < 0.001 && hi > 0.999);
    engine_rng_seed(&b, 8);
    engine_rng_seed(&a, 7);
    ck_assert(engine_rng_uniform(&a) != engine_rng_uniform(&b));

    /* Glorot: within ±sqrt(6/(2+3)) and filling the range */
    engine_net n;
    net_question(&n, 0, MODE_ONLINE, 1);
    engine_rng_seed(&a, 1);
    engine_glorot(&n, 1, &a);
    double limit = sqrt(6.0 / 5.0), span = 0;
    for (int k = 0; k < 6; k++) {
        ck_assert(fabs(n.weights[0][k]) <= limit);
        span = fmax(span, fabs(n.weights[0][k]));
    }
    ck_assert(span > 0.1);
    ck_assert_double_eq(n.weights[1][0], 0.7); /* other layers untouched */
    engine_net_free(&n);
}
END_TEST

START_TEST(test_replace)
{
    engine_net n, m;
    net_question(&n, 0, MODE_ONLINE, 1);
    net_mazur(&m);
    engine *e = engine_new(&n, CONV_ROWS);
    engine_next_sample(e);
    ck_assert_int_eq(engine_replace(e, &m), 0);
    ck_assert_int_eq(engine_epoch(e), 1);
    ck_assert_int_eq(engine_history_depth(e), 0);
    ck_assert_int_eq(engine_convention(e), CONV_ROWS);
    ck_assert_double_eq_tol(engine_pass_loss(e), 0.298371109, 1e-8);
    ck_assert_int_eq(engine_network(e)->width[1], 2);
    m.learning_rate = -1;
    ck_assert_int_eq(engine_replace(e, &m), -1);
    ck_assert_double_eq_tol(engine_pass_loss(e), 0.298371109, 1e-8);
    engine_free(e);
    engine_net_free(&n);
    engine_net_free(&m);
}
END_TEST

Suite *engine_suite(void)
{
    Suite *s = suite_create("engine");
    TCase *tc = tcase_create("worked examples");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_mazur);
    tcase_add_test(tc, test_hand);
    tcase_add_test(tc, test_question_shapes);
    tcase_add_test(tc, test_explain);
    tcase_add_test(tc, test_ids);
    tcase_add_test(tc, test_names_deep);
    suite_add_tcase(s, tc);

    tc = tcase_create("gradients");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_gradients_all);
    tcase_add_test(tc, test_gradcheck_rows);
    tcase_add_test(tc, test_kink);
    suite_add_tcase(s, tc);

    tc = tcase_create("conventions");
    tcase_add_test(tc, test_rows_columns);
    suite_add_tcase(s, tc);

    tc = tcase_create("history and training");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_back_and_forth);
    tcase_add_test(tc, test_history_bounded);
    tcase_add_test(tc, test_train_matches_stepping);
    tcase_add_test(tc, test_train_bits_every_kind);
    tcase_add_test(tc, test_train_nonfinite_epoch);
    tcase_add_test(tc, test_update_step_is_next_state);
    tcase_add_test(tc, test_loss_after);
    tcase_add_test(tc, test_nonfinite);
    suite_add_tcase(s, tc);

    tc = tcase_create("chain rule");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_chain_question);
    tcase_add_test(tc, test_chain_everywhere);
    suite_add_tcase(s, tc);

    tc = tcase_create("edges");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_softmax_underflow);
    tcase_add_test(tc, test_nan_through_relu);
    tcase_add_test(tc, test_saturated_gradients);
    suite_add_tcase(s, tc);

    tc = tcase_create("network");
    tcase_add_test(tc, test_validate);
    tcase_add_test(tc, test_rng);
    tcase_add_test(tc, test_replace);
    suite_add_tcase(s, tc);
    return s;
}

/* check_ops.c - the tables of activations, losses, operations and kinds of
 * step, row by row; and the property every picture rests on: each step of
 * every bundled lesson and of hundreds of random ones is its op applied to
 * its own operands, drawn with its op's glyphs. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "lesson.h"
#include "ops.h"

static double rel_err(double a, double b)
{
    if (a == b || (isnan(a) && isnan(b)))
        return 0.0;
    double m = fmax(fabs(a), fabs(b));
    return fabs(a - b) / m;
}

/* ------------------------------------------------------------ activations */

START_TEST(act_rows_whole)
{
    int softmax = 0;
    for (int a = 0; a < ACT_COUNT; a++) {
        const ops_act_row *r = ops_act((engine_act)a);
        ck_assert_msg(r->name && *r->name && strcmp(r->name, "?") != 0, "activation %d", a);
        ck_assert_str_eq(engine_act_name((engine_act)a), r->name);
        ck_assert_ptr_nonnull(r->title);
        ck_assert_ptr_nonnull(r->symbol);
        ck_assert_ptr_nonnull(r->symbol_ascii);
        ck_assert_ptr_nonnull(r->slope_words);
        ck_assert(r->forward != NULL);
        for (const char *p = r->symbol_ascii; *p; p++)
            ck_assert_msg((unsigned char)*p < 0x80, "%s: ASCII symbol", r->name);
        /* element-wise rows have both f and f′; the Jacobian row neither */
        ck_assert_int_eq(r->f != NULL, r->df != NULL);
        ck_assert_int_eq(r->f != NULL, r->slope != NULL);
        softmax += r->f == NULL;
        for (int b = 0; b < a; b++)
            ck_assert_str_ne(r->name, ops_act((engine_act)b)->name);
    }
    ck_assert_int_eq(softmax, 1);
    ck_assert_str_eq(ops_act(ACT_COUNT)->name, "?");
    ck_assert(ops_act((engine_act)-1)->forward == NULL);
}
END_TEST

/* Every element-wise activation: the layer form is the scalar form bit for
 * bit, the slope from z and a is f′ from z alone, f′ agrees with a central
 * difference of f, and NaN goes through both. */
START_TEST(act_elementwise)
{
    static const double zs[] = {-3.5, -1.25, -0.3, -1e-3, 2e-3, 0.3, 0.75, 2.5, 6.0};
    enum { N = sizeof zs / sizeof zs[0] };
    int checked = 0;
    for (int a = 0; a < ACT_COUNT; a++) {
        const ops_act_row *r = ops_act((engine_act)a);
        if (!r->f)
            continue;
        double out[N], gp[N];
        r->forward(zs, out, N);
        r->slope(zs, out, gp, N);
        for (int k = 0; k < N; k++) {
            ck_assert_msg(out[k] == r->f(zs[k]), "%s forward at %g", r->name, zs[k]);
            ck_assert_msg(gp[k] == r->df(zs[k]), "%s slope at %g", r->name, zs[k]);
            /* central difference, h = 1e-6: truncation |f‴|h²/6 < 1e-12
             * and rounding ε/h ≈ 2e-10 for these |f| ≤ 6 */
            double h = 1e-6;
            if (r->kink && fabs(zs[k]) <= h)
                continue;
            double num = (r->f(zs[k] + h) - r->f(zs[k] - h)) / (2 * h);
            ck_assert_msg(fabs(num - r->df(zs[k])) < 1e-8, "%s′(%g) = %.12g, numeric %.12g",
                          r->name, zs[k], r->df(zs[k]), num);
        }
        ck_assert_msg(isnan(r->f(NAN)), "%s(NaN) is not NaN", r->name);
        if (a != ACT_LINEAR)
            ck_assert_msg(isnan(r->df(NAN)), "%s′(NaN) is not NaN", r->name);
        checked++;
    }
    ck_assert_int_eq(checked, ACT_COUNT - 1);
    /* the kinks: relu and leaky relu take the slope of their left side at 0 */
    ck_assert_int_eq(ops_act(ACT_RELU)->kink, 1);
    ck_assert_int_eq(ops_act(ACT_LEAKY_RELU)->kink, 1);
    ck_assert_double_eq(ops_act(ACT_RELU)->df(0.0), 0.0);
    ck_assert_double_eq(ops_act(ACT_LEAKY_RELU)->df(0.0), 0.01);
    ck_assert_double_eq(ops_act(ACT_LEAKY_RELU)->f(-2.0), -0.02);
    ck_assert_int_eq(ops_act(ACT_SIGMOID)->kink, 0);
}
END_TEST

/* Saturated units keep their relative accuracy.  References: the exact
 * e^−|z| / (1 + e^−|z|)² and 4e^−2|z| / (1 + e^−2|z|)², evaluated with 60
 * digits (mpmath) and rounded to 17. */
START_TEST(act_saturated)
{
    static const struct {
        double z, sig, dsig;
    } s[] = {
        {20, 0.99999999793884638, 2.0611536139418493e-9},
        {37, 0.99999999999999991, 8.5330476257440643e-17},
        {40, 1.0, 4.248354255291589e-18},
        {100, 1.0, 3.720075976020836e-44},
        {700, 1.0, 9.8596765437597709e-305},
        {-20, 2.0611536181902036e-9, 2.0611536139418493e-9},
        {-100, 3.720075976020836e-44, 3.720075976020836e-44},
        {-700, 9.8596765437597709e-305, 9.8596765437597709e-305},
        {0.3, 0.57444251681165898, 0.24445831169074587},
        {2.5, 0.92414181997875645, 0.070103716545108157},
        {-3.5, 0.029312230751356319, 0.02845302387973556},
    };
    const ops_act_row *sg = ops_act(ACT_SIGMOID), *th = ops_act(ACT_TANH);
    for (size_t k = 0; k < sizeof s / sizeof s[0]; k++) {
        /* a few units in the last place: exp, a sum, a division */
        ck_assert_msg(rel_err(sg->f(s[k].z), s[k].sig) < 4e-16, "σ(%g) = %.17g", s[k].z,
                      sg->f(s[k].z));
        ck_assert_msg(rel_err(sg->df(s[k].z), s[k].dsig) < 1e-15, "σ′(%g) = %.17g", s[k].z,
                      sg->df(s[k].z));
    }
    static const struct {
        double z, d;
    } t[] = {
        {0.3, 0.91513696182662921},  {2, 0.070650824853164466},
        {10, 8.2446144557673974e-9}, {20, 1.6993417021166356e-17},
        {300, 1.0601586212017243e-260}, {-20, 1.6993417021166356e-17},
    };
    for (size_t k = 0; k < sizeof t / sizeof t[0]; k++)
        ck_assert_msg(rel_err(th->df(t[k].z), t[k].d) < 1e-15, "tanh′(%g) = %.17g", t[k].z,
                      th->df(t[k].z));
}
END_TEST

START_TEST(act_softmax)
{
    const ops_act_row *r = ops_act(ACT_SOFTMAX);
    ck_assert_int_eq(r->output_only, 1);
    double z[3] = {0.8, -0.4, 1.6}, y[3], shifted[3] = {1000.8, 999.6, 1001.6}, y2[3];
    r->forward(z, y, 3);
    r->forward(shifted, y2, 3);
    /* by hand: e^0.8, e^−0.4, e^1.6 over their sum */
    double s = exp(0.8) + exp(-0.4) + exp(1.6);
    ck_assert_double_eq_tol(y[0], exp(0.8) / s, 1e-16);
    ck_assert_double_eq_tol(y[1] + y[0] + y[2], 1.0, 1e-15);
    for (int k = 0; k < 3; k++)
        ck_assert_double_eq_tol(y2[k], y[k], 1e-13); /* 1000 + z in doubles: 1e-13 of z */
    for (int a = 0; a < ACT_COUNT; a++)
        ck_assert_int_eq(ops_act((engine_act)a)->output_only, a == ACT_SOFTMAX);
}
END_TEST

/* ----------------------------------------------------------------- losses */

START_TEST(loss_rows_whole)
{
    for (int l = 0; l < LOSS_COUNT; l++) {
        const ops_loss_row *r = ops_loss((engine_loss)l);
        ck_assert_str_eq(engine_loss_name((engine_loss)l), r->name);
        ck_assert(r->value != NULL);
        ck_assert(r->grad != NULL);
        ck_assert_ptr_nonnull(r->explains);
        ck_assert_int_lt(r->value_op, OP_COUNT);
        ck_assert_int_lt(r->grad_op, OP_COUNT);
        ck_assert_uint_ne(r->follows, 0);
        if (r->fused != ACT_COUNT) {
            ck_assert(r->follows & (1u << r->fused));
            ck_assert(r->fused_value != NULL);
            ck_assert(r->fused_delta != NULL);
        }
        /* the rule the engine enforces is the row's: exactly the activations
         * it follows are accepted at the output */
        for (int a = 0; a < ACT_COUNT; a++) {
            engine_net n;
            memset(&n, 0, sizeof n);
            n.layers = 1;
            n.width[0] = n.width[1] = 2;
            n.act[0] = (engine_act)a;
            n.loss = (engine_loss)l;
            n.learning_rate = 0.1;
            n.samples = 1;
            const char *why = engine_net_validate(&n);
            ck_assert_msg((why == NULL) == !!(r->follows & (1u << a)), "%s after %s: %s",
                          r->name, ops_act((engine_act)a)->name, why ? why : "accepted");
        }
    }
}
END_TEST

START_TEST(loss_values)
{
    const ops_loss_row *mse = ops_loss(LOSS_MSE), *ce = ops_loss(LOSS_CROSS_ENTROPY);
    double y[2] = {0.75, -0.5}, t[2] = {1.0, 0.5}, g[3];
    /* ½((−0.25)² + (−1)²) = 0.53125, exactly */
    ck_assert_double_eq(mse->value(y, t, 2), 0.53125);
    mse->grad(y, t, g, 2);
    ck_assert_double_eq(g[0], -0.25);
    ck_assert_double_eq(g[1], -1.0);
    /* −t/y, and 0 where t = 0 even when y is 0 */
    double p[3] = {0.5, 0.0, 0.25}, oh[3] = {0, 0, 1};
    ce->grad(p, oh, g, 3);
    ck_assert_double_eq(g[0], 0.0);
    ck_assert_double_eq(g[1], 0.0);
    ck_assert_double_eq(g[2], -4.0);
    ck_assert_double_eq_tol(ce->value(p, oh, 3), log(4.0), 1e-15);

    /* from the logits: the cases where the probabilities underflow */
    double z[2] = {800, 0}, t1[2] = {1, 0}, t2[2] = {0, 1};
    ck_assert_double_eq(ce->fused_value(z, t1, 2), 0.0);
    ck_assert_double_eq(ce->fused_value(z, t2, 2), 800.0);
    ck_assert_double_eq(ops_loss_value(LOSS_CROSS_ENTROPY, ACT_SOFTMAX, z, NULL, t2, 2), 800.0);
    /* a tiny loss keeps its digits: log(1 + e^−40) = 4.2483542552915890e-18 */
    double z40[2] = {40, 0};
    ck_assert(rel_err(ce->fused_value(z40, t1, 2), 4.248354255291589e-18) < 1e-15);
    double zn[2] = {NAN, 0};
    ck_assert(isnan(ce->fused_value(zn, t1, 2)));
    /* where nothing underflows it is −Σ t·log softmax(z) */
    double zz[3] = {0.3, -1.2, 0.9}, tt[3] = {0.2, 0.5, 0.3}, yy[3];
    ops_act(ACT_SOFTMAX)->forward(zz, yy, 3);
    ck_assert(rel_err(ce->fused_value(zz, tt, 3), ce->value(yy, tt, 3)) < 1e-15);
    ck_assert_int_eq(ops_loss_fused(LOSS_CROSS_ENTROPY, ACT_SOFTMAX), 1);
    ck_assert_int_eq(ops_loss_fused(LOSS_MSE, ACT_SIGMOID), 0);
}
END_TEST

/* ------------------------------------------------------------- operations */

/* Counts the {k} slots in a template; slot_count[4] is {r}. */
static void slots_of(const char *tpl, int *slot_count)
{
    memset(slot_count, 0, 5 * sizeof *slot_count);
    for (const char *p = strchr(tpl, '{'); p; p = strchr(p + 1, '{')) {
        if (p[1] >= '0' && p[1] <= '3' && p[2] == '}')
            slot_count[p[1] - '0']++;
        if (strncmp(p, "{f0}", 4) == 0) /* the activation of operand 0 */
            slot_count[0]++;
        if (p[1] == 'r' && p[2] == '}')
            slot_count[4]++;
    }
}

static int is_ascii(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s >= 0x80)
            return 0;
    return 1;
}

START_TEST(op_rows_whole)
{
    for (int o = 0; o < OP_COUNT; o++) {
        const ops_op_row *r = ops_op((engine_op)o);
        ck_assert_msg(r->name && strcmp(r->name, "?") != 0, "op %d", o);
        ck_assert_int_ge(r->operands, 1);
        ck_assert_int_le(r->operands, ENGINE_MAX_OPERANDS);
        ck_assert(r->apply != NULL);
        ck_assert_ptr_nonnull(r->explains);
        ck_assert_ptr_nonnull(r->quiz);
        const char *tpl[] = {r->formula, r->picture, r->picture_ascii, r->shapes, r->shapes_ascii};
        for (int k = 0; k < 5; k++) {
            int n[5];
            slots_of(tpl[k], n);
            /* each operand exactly once, the result once, nothing else */
            for (int s = 0; s < 4; s++)
                ck_assert_msg(n[s] == (s < r->operands), "%s template %d: {%d} %d times",
                              r->name, k, s, n[s]);
            ck_assert_int_eq(n[4], 1);
        }
        /* ASCII: no product written as x, no ⊙ or × left */
        ck_assert_msg(is_ascii(r->picture_ascii) && is_ascii(r->shapes_ascii), "%s", r->name);
        for (int k = 2; k <= 4; k += 2) {
            const char *p = tpl[k];
            for (const char *x = strchr(p, 'x'); x; x = strchr(x + 1, 'x'))
                ck_assert_msg(x > p && x[-1] != ' ', "%s: x as an operator in %s", r->name, p);
        }
        for (int b = 0; b < o; b++)
            ck_assert_str_ne(r->name, ops_op((engine_op)b)->name);
    }
}
END_TEST

/* Every op's name is documented in the lesson guide. */
START_TEST(ops_documented)
{
    FILE *f = fopen("lessons/README.md", "r");
    ck_assert_ptr_nonnull(f);
    static char doc[1 << 17];
    size_t n = fread(doc, 1, sizeof doc - 1, f);
    doc[n] = '\0';
    fclose(f);
    for (int o = 0; o < OP_COUNT; o++) {
        char want[40];
        snprintf(want, sizeof want, "`%s`", ops_op((engine_op)o)->name);
        ck_assert_msg(strstr(doc, want) != NULL, "lessons/README.md does not document %s", want);
    }
}
END_TEST

START_TEST(kind_rows_whole)
{
    for (int k = 0; k < STEP_KIND_COUNT; k++) {
        const ops_kind_row *r = ops_kind((engine_step_kind)k);
        ck_assert_msg(strcmp(r->id, "?") != 0, "kind %d", k);
        ck_assert_ptr_nonnull(r->title);
        ck_assert_int_lt(r->phase, PHASE_COUNT);
        ck_assert_int_eq(strchr(r->id, '*') == NULL, k == STEP_LOSS);
        for (int b = 0; b < k; b++)
            ck_assert_str_ne(r->id, ops_kind((engine_step_kind)b)->id);
    }
}
END_TEST

/* ---------------------------------------------------- the property itself */

/* Steps checked by the property, for the tests' own accounting. */
static long steps_checked;
/* Ops seen, so the test knows what it covered. */
static int op_seen[OP_COUNT];

/* One step is its op applied to its own operands, and its texts and
 * picture are its op's row's. */
static void check_step(const engine_step *s, const char *where)
{
    const ops_op_row *row = ops_op(s->op);
    ck_assert_msg((unsigned)s->op < OP_COUNT, "%s %s: no op", where, s->id);
    ck_assert_msg(s->n_operands == row->operands, "%s %s: %d operands for %s", where, s->id,
                  s->n_operands, row->name);
    int n = s->result.rows * s->result.cols;
    double *out = malloc((size_t)n * sizeof *out);
    ck_assert_ptr_nonnull(out);
    ops_step_apply(s, out);
    for (int k = 0; k < n; k++) {
        double want = s->result.v[k];
        int same = out[k] == want || (isnan(out[k]) && isnan(want)) ||
                   rel_err(out[k], want) <= 1e-12;
        ck_assert_msg(same, "%s %s (%s) [%d]: %.17g recomputed as %.17g", where, s->id,
                      row->name, k, want, out[k]);
    }
    free(out);
    char text[256];
    ops_step_text(s, OPS_FORMULA, text, sizeof text);
    ck_assert_str_eq(s->formula, text);
    ops_step_text(s, OPS_SHAPES, text, sizeof text);
    ck_assert_str_eq(s->shapes, text);
    /* the picture: every operand once, the result last, glyphs from the
     * row (the pieces put back together give the row's template) */
    for (int ascii = 0; ascii < 2; ascii++) {
        ops_piece pc[OPS_MAX_PIECES];
        int np = ops_step_picture(s, ascii, pc, OPS_MAX_PIECES), seen[ENGINE_MAX_OPERANDS] = {0};
        ck_assert_int_gt(np, 0);
        ck_assert_int_eq(pc[np - 1].tensor, OPS_RESULT);
        char joined[256] = "";
        for (int k = 0; k < np; k++) {
            if (pc[k].tensor >= 0) {
                seen[pc[k].tensor]++;
                snprintf(joined + strlen(joined), sizeof joined - strlen(joined), "{%d} ",
                         pc[k].tensor);
            } else if (pc[k].tensor == OPS_RESULT) {
                snprintf(joined + strlen(joined), sizeof joined - strlen(joined), "{r} ");
            } else {
                ck_assert_msg(ascii == 0 || is_ascii(pc[k].text), "%s: %s", s->id, pc[k].text);
                snprintf(joined + strlen(joined), sizeof joined - strlen(joined), "%s ",
                         pc[k].text);
            }
        }
        for (int k = 0; k < s->n_operands; k++)
            ck_assert_int_eq(seen[k], 1);
        /* the row's template with its words filled in, spaces aside */
        const char *tpl = ascii ? row->picture_ascii : row->picture;
        char a[256] = "", b[256] = "";
        int ai = 0, bi = 0;
        for (const char *p = joined; *p && ai < 255; p++)
            if (*p != ' ')
                a[ai++] = *p;
        a[ai] = '\0';
        for (const char *p = tpl; *p && bi < 250; p++) {
            if (*p == ' ')
                continue;
            if (strncmp(p, "{i1}", 4) == 0) {
                const char *us = strrchr(s->operand[1].name, '_');
                b[bi++] = us ? us[1] : '?';
                p += 3;
            } else if (strncmp(p, "{f}", 3) == 0) {
                const char *f = ascii ? ops_act(s->act)->symbol_ascii : ops_act(s->act)->symbol;
                for (; *f && bi < 250; f++)
                    if (*f != ' ')
                        b[bi++] = *f;
                p += 2;
            } else {
                b[bi++] = *p;
            }
        }
        b[bi] = '\0';
        ck_assert_msg(strcmp(a, b) == 0, "%s %s: picture %s, row %s", where, s->id, a, b);
    }
    op_seen[s->op]++;
    steps_checked++;
}

/* The chain rule under every element of a gradient step: the product of
 * its factors is the element (two multiplications in another order). */
static long chains_checked;
static void check_chains(const engine *e, int index, const char *where)
{
    static engine_chain c;
    const engine_step *s = engine_step_at(e, index);
    if (s->kind != STEP_GRADIENT)
        return;
    for (int k = 0; k < s->result.rows * s->result.cols; k++) {
        ck_assert_int_eq(engine_chain_of(e, index, k, 1, &c), 0);
        double p = engine_chain_product(&c);
        ck_assert_msg(p == c.value || rel_err(p, c.value) <= 4e-16 || fabs(p - c.value) < 1e-300,
                      "%s %s [%d]: factors give %.17g, the element is %.17g", where, s->id, k, p,
                      c.value);
        ck_assert(c.value == s->result.v[k] || (isnan(c.value) && isnan(s->result.v[k])));
        chains_checked++;
    }
}

/* Checks every step of every pass of `epochs` epochs of net, in both
 * conventions. */
static void check_net(const engine_net *net, int epochs, const char *where)
{
    for (int c = 0; c < CONV_COUNT; c++) {
        engine *e = engine_new(net, (engine_conv)c);
        ck_assert_msg(e != NULL, "%s: %s", where, engine_net_validate(net));
        for (int pass = 0; pass < epochs * net->samples; pass++) {
            for (int i = 0; i < engine_step_count(e); i++) {
                check_step(engine_step_at(e, i), where);
                check_chains(e, i, where);
            }
            engine_next_sample(e);
        }
        engine_free(e);
    }
}

START_TEST(property_bundled)
{
    static const char *const files[] = {
        "lessons/01-question.yaml",  "lessons/02-two-by-one.yaml", "lessons/03-rows-or-columns.yaml",
        "lessons/04-mazur.yaml",     "lessons/05-biases.yaml",     "lessons/06-xor.yaml",
        "lessons/07-deeper.yaml",    "lessons/08-softmax.yaml",    "lessons/09-batch-online.yaml",
        "lessons/10-vanishing.yaml", "lessons/11-learning-rate.yaml",
    };
    steps_checked = chains_checked = 0;
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        lesson l;
        lesson_error err;
        ck_assert_msg(lesson_load_file(files[i], &l, &err) == 0, "%s", err.message);
        check_net(&l.net, 2, files[i]);
        lesson_free(&l);
    }
    ck_assert_int_gt(steps_checked, 1000);
    ck_assert_int_gt(chains_checked, 1000);
}
END_TEST

/* A random lesson: 1 to 8 weight layers of 1 to 5 units, any activation
 * (softmax only at the output, with cross-entropy), biases or not, online
 * or batch, 1 to 3 samples; weights and inputs of either sign up to 2. */
static void random_net(engine_net *n, engine_rng *r, int index)
{
    memset(n, 0, sizeof n[0]);
    n->layers = 1 + (int)(engine_rng_uniform(r) * ENGINE_MAX_LAYERS);
    for (int l = 0; l <= n->layers; l++)
        n->width[l] = 1 + (int)(engine_rng_uniform(r) * 5);
    engine_act hidden[ACT_COUNT];
    int kinds = 0;
    for (int a = 0; a < ACT_COUNT; a++)
        if (!ops_act((engine_act)a)->output_only)
            hidden[kinds++] = (engine_act)a;
    for (int l = 0; l < n->layers; l++)
        n->act[l] = hidden[(index + l) % kinds]; /* every kind in turn */
    int softmax = index % 3 == 0;
    if (softmax) {
        n->act[n->layers - 1] = ACT_SOFTMAX;
        n->loss = LOSS_CROSS_ENTROPY;
        if (n->width[n->layers] < 2)
            n->width[n->layers] = 2;
    }
    n->convention = CONV_COLUMNS;
    n->mode = index % 2 ? MODE_BATCH : MODE_ONLINE;
    n->has_bias = index % 4 < 2;
    n->train_bias = index % 8 != 1;
    n->learning_rate = 0.05 + engine_rng_uniform(r);
    n->samples = 1 + (int)(engine_rng_uniform(r) * 3);
    ck_assert_int_eq(engine_net_alloc(n), 0);
    for (int l = 0; l < n->layers; l++) {
        for (int k = 0; k < n->width[l] * n->width[l + 1]; k++)
            n->weights[l][k] = 4 * engine_rng_uniform(r) - 2;
        for (int j = 0; n->has_bias && j < n->width[l + 1]; j++)
            n->biases[l][j] = 2 * engine_rng_uniform(r) - 1;
    }
    int L = n->layers;
    for (int s = 0; s < n->samples; s++) {
        for (int i = 0; i < n->width[0]; i++)
            n->inputs[s * n->width[0] + i] = 4 * engine_rng_uniform(r) - 2;
        double sum = 0;
        for (int k = 0; k < n->width[L]; k++) {
            double t = engine_rng_uniform(r);
            /* cross-entropy: a one-hot or a soft target */
            if (softmax && index % 2)
                t = k == s % n->width[L];
            n->targets[s * n->width[L] + k] = t;
            sum += t;
        }
        for (int k = 0; softmax && k < n->width[L]; k++)
            n->targets[s * n->width[L] + k] /= sum;
    }
    ck_assert_ptr_null(engine_net_validate(n));
}

START_TEST(property_random)
{
    engine_rng r;
    engine_rng_seed(&r, 20240601);
    memset(op_seen, 0, sizeof op_seen);
    steps_checked = 0;
    int acts[ACT_COUNT] = {0}, depth[ENGINE_MAX_LAYERS + 1] = {0};
    for (int i = 0; i < 240; i++) {
        engine_net n;
        random_net(&n, &r, i);
        char where[32];
        snprintf(where, sizeof where, "random lesson %d", i);
        check_net(&n, 1, where);
        for (int l = 0; l < n.layers; l++)
            acts[n.act[l]]++;
        depth[n.layers]++;
        engine_net_free(&n);
    }
    for (int a = 0; a < ACT_COUNT; a++)
        ck_assert_msg(acts[a] > 0, "no %s layer", ops_act((engine_act)a)->name);
    for (int l = 1; l <= ENGINE_MAX_LAYERS; l++)
        ck_assert_msg(depth[l] > 0, "no lesson with %d weight layers", l);
    /* every op the engine can build came up; softmax_back and loss_ce need
     * a softmax without cross-entropy, which lessons cannot have */
    for (int o = 0; o < OP_COUNT; o++)
        if (o != OP_SOFTMAX_BACK && o != OP_LOSS_CE)
            ck_assert_msg(op_seen[o] > 0, "op %s never built", ops_op((engine_op)o)->name);
    ck_assert_int_gt(steps_checked, 20000);
}
END_TEST

/* The two ops no lesson reaches, applied to operands made by hand. */
START_TEST(ops_by_hand)
{
    double g[3] = {0.5, -1.0, 2.0}, y[3] = {0.2, 0.3, 0.5}, dot = 0.2 * 0.5 - 0.3 + 1.0, out[3];
    engine_step s;
    memset(&s, 0, sizeof s);
    s.op = OP_SOFTMAX_BACK;
    s.n_operands = 3;
    s.operand[0] = (engine_tensor){"g", 1, 3, 1, g};
    s.operand[1] = (engine_tensor){"y", 1, 3, 1, y};
    s.operand[2] = (engine_tensor){"s", 0, 1, 1, &dot};
    s.result = (engine_tensor){"δ", 1, 3, 1, out};
    double got[3];
    ops_step_apply(&s, got);
    for (int k = 0; k < 3; k++)
        ck_assert_double_eq_tol(got[k], y[k] * (g[k] - 0.8), 1e-16);
    double t[3] = {0, 0, 1}, e;
    s.op = OP_LOSS_CE;
    s.n_operands = 2;
    s.operand[1] = (engine_tensor){"t", 1, 3, 1, t};
    s.operand[0] = (engine_tensor){"y", 1, 3, 1, y};
    s.result = (engine_tensor){"E", 0, 1, 1, &e};
    ops_step_apply(&s, got);
    ck_assert_double_eq_tol(got[0], -log(0.5), 1e-16);
    /* scale_cols: column c times v_c */
    double A[6] = {1, 2, 3, 4, 5, 6}, v[3] = {10, 100, 1000}, R[6];
    s.op = OP_SCALE_COLS;
    s.operand[0] = (engine_tensor){"A", 2, 2, 3, A};
    s.operand[1] = (engine_tensor){"v", 1, 3, 1, v};
    s.result = (engine_tensor){"R", 2, 2, 3, R};
    ops_step_apply(&s, R);
    ck_assert_double_eq(R[0], 10);
    ck_assert_double_eq(R[4], 500);
    ck_assert_double_eq(R[5], 6000);
    char text[96];
    ops_step_text(&s, OPS_SHAPES, text, sizeof text);
    ck_assert_str_eq(text, "(2×3), column ? × (3) → (2×3)");
    ops_step_text(&s, OPS_SHAPES_ASCII, text, sizeof text);
    ck_assert_str_eq(text, "(2x3), column ? * (3) -> (2x3)");
}
END_TEST

Suite *ops_suite(void)
{
    Suite *s = suite_create("ops");
    TCase *tc = tcase_create("tables");
    tcase_add_test(tc, act_rows_whole);
    tcase_add_test(tc, act_elementwise);
    tcase_add_test(tc, act_saturated);
    tcase_add_test(tc, act_softmax);
    tcase_add_test(tc, loss_rows_whole);
    tcase_add_test(tc, loss_values);
    tcase_add_test(tc, op_rows_whole);
    tcase_add_test(tc, ops_documented);
    tcase_add_test(tc, kind_rows_whole);
    tcase_add_test(tc, ops_by_hand);
    suite_add_tcase(s, tc);
    tc = tcase_create("property");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, property_bundled);
    tcase_add_test(tc, property_random);
    suite_add_tcase(s, tc);
    return s;
}

/* check_gradcheck.c - the gradient check gives no false verdict: correct
 * gradients pass on every bundled lesson, Mazur's example, saturated units
 * and tiny gradients; a gradient wrong by 1e-6 of itself fails wherever it
 * is at least 1e-4; a value that is not finite fails; kinks and negligible
 * rows say why they are exempt; and the check can be done in slices. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "lesson.h"
#include "ops.h"

static const char *const bundled[] = {
    "lessons/01-question.yaml",  "lessons/02-two-by-one.yaml", "lessons/03-rows-or-columns.yaml",
    "lessons/04-mazur.yaml",     "lessons/05-biases.yaml",     "lessons/06-xor.yaml",
    "lessons/07-deeper.yaml",    "lessons/08-softmax.yaml",    "lessons/09-batch-online.yaml",
    "lessons/10-vanishing.yaml", "lessons/11-learning-rate.yaml",
};

/* Runs the whole check of net; returns the rows (malloc'd) and their count. */
static engine_check *check_all(const engine_net *net, int *count)
{
    engine *e = engine_new(net, CONV_COLUMNS);
    ck_assert_ptr_nonnull(e);
    int P = engine_net_params(net);
    engine_check *rows = calloc((size_t)P, sizeof *rows);
    ck_assert_ptr_nonnull(rows);
    ck_assert_int_eq(engine_gradcheck(e, rows, P), P);
    engine_free(e);
    *count = P;
    return rows;
}

/* No row fails; every row at least 1e-4 in size fails once its backprop
 * gradient is made wrong by 1e-6 of itself, either way.  Returns how many
 * rows that was, so a caller can refuse a vacuous pass. */
static int expect_sharp(const engine_check *rows, int n, const char *where)
{
    int sharp = 0;
    for (int k = 0; k < n; k++) {
        const engine_check *r = &rows[k];
        char why[160];
        engine_check_reason(r, why, sizeof why);
        ck_assert_msg(!engine_check_failed(r), "%s row %d (layer %d, %d, %d): %s, %s: %.17g vs %.17g",
                      where, k, r->layer, r->row, r->col, engine_check_status_name(r->status), why,
                      r->analytic, r->numeric);
        ck_assert_msg(r->status != CHECK_PENDING, "%s row %d not judged", where, k);
        if (fabs(r->analytic) < 1e-4 || r->status == CHECK_KINK)
            continue;
        for (int sign = -1; sign <= 1; sign += 2) {
            engine_check w = *r;
            w.analytic *= 1 + sign * 1e-6;
            engine_check_judge(&w);
            ck_assert_msg(w.status == CHECK_WRONG && engine_check_failed(&w),
                          "%s row %d: %.17g off by 1e-6 passes (tolerance %.3g)", where, k,
                          r->analytic, w.tolerance);
        }
        sharp++;
    }
    return sharp;
}

START_TEST(bundled_lessons_pass_and_are_sharp)
{
    int sharp = 0;
    for (size_t i = 0; i < sizeof bundled / sizeof bundled[0]; i++) {
        lesson l;
        lesson_error err;
        ck_assert_msg(lesson_load_file(bundled[i], &l, &err) == 0, "%s", err.message);
        int n;
        engine_check *rows = check_all(&l.net, &n);
        sharp += expect_sharp(rows, n, bundled[i]);
        free(rows);
        lesson_free(&l);
    }
    ck_assert_int_gt(sharp, 150);
}
END_TEST

/* Mazur's example: ∂E/∂w5 = 0.082167041 published (columns: W_jk[1][1],
 * the 9th row after W_ij's four and b_j's two). */
START_TEST(mazur_passes)
{
    lesson l;
    lesson_error err;
    ck_assert_msg(lesson_load_file("lessons/04-mazur.yaml", &l, &err) == 0, "%s", err.message);
    int n;
    engine_check *rows = check_all(&l.net, &n);
    ck_assert_int_eq(n, 12);
    ck_assert_int_eq(rows[6].layer, 2);
    ck_assert_double_eq_tol(rows[6].analytic, 0.082167041, 5e-10);
    ck_assert_double_eq_tol(rows[6].numeric, 0.082167041, 5e-10);
    ck_assert_int_eq(expect_sharp(rows, n, "mazur"), 12);
    free(rows);
    lesson_free(&l);
}
END_TEST

/* One sigmoid or tanh unit, w·1 → y, target 0: saturated for large w.
 * At w = 20 the gradient is 2.06e-9 and a central difference with a fixed
 * h = 1e-5 is off by 5e-3 of it; the check must call it good. */
START_TEST(saturated_units_pass)
{
    static const double ws[] = {5, 20, 37, 40, -40, 100};
    for (int act = 0; act < 2; act++)
        for (size_t k = 0; k < sizeof ws / sizeof ws[0]; k++) {
            engine_net n;
            memset(&n, 0, sizeof n);
            n.layers = 1;
            n.width[0] = n.width[1] = 1;
            n.act[0] = act ? ACT_TANH : ACT_SIGMOID;
            n.learning_rate = 0.5;
            n.samples = 1;
            ck_assert_int_eq(engine_net_alloc(&n), 0);
            n.weights[0][0] = ws[k];
            n.inputs[0] = 1;
            int rows;
            engine_check *r = check_all(&n, &rows);
            char where[48];
            snprintf(where, sizeof where, "%s at w = %g", engine_act_name(n.act[0]), ws[k]);
            expect_sharp(r, rows, where);
            if (!act && ws[k] == 20) {
                /* E ≈ ½ rounds at 5.6e-17: no difference of E resolves
                 * this slope better than about 1e-15, 5e-7 of it */
                ck_assert_int_eq(r[0].status, CHECK_GOOD);
                ck_assert(r[0].rel_error < 2e-6);
                ck_assert(fabs(r[0].analytic - r[0].numeric) <= r[0].tolerance);
            }
            free(r);
            engine_net_free(&n);
        }
}
END_TEST

/* A gradient of 1e-8 beside ones of 1e-1 (an input of 1e-7 feeds it):
 * judged against what the difference resolves there, it passes. */
START_TEST(tiny_gradients_pass)
{
    engine_net n;
    memset(&n, 0, sizeof n);
    n.layers = 2;
    n.width[0] = 2;
    n.width[1] = 2;
    n.width[2] = 2;
    n.act[0] = n.act[1] = ACT_SIGMOID;
    n.learning_rate = 0.5;
    n.samples = 1;
    ck_assert_int_eq(engine_net_alloc(&n), 0);
    const double w1[] = {0.15, 0.25, 0.2, 0.3}, w2[] = {0.4, 0.5, 0.45, 0.55};
    memcpy(n.weights[0], w1, sizeof w1);
    memcpy(n.weights[1], w2, sizeof w2);
    n.inputs[0] = 0.05;
    n.inputs[1] = 1e-7;
    n.targets[0] = 0.01;
    n.targets[1] = 0.99;
    int rows;
    engine_check *r = check_all(&n, &rows);
    expect_sharp(r, rows, "tiny");
    /* W_ij[2][1] = x_2·δ_1 ≈ 1e-7 × 9e-3 */
    ck_assert(fabs(r[2].analytic) < 1e-8 && fabs(r[2].analytic) > 1e-10);
    ck_assert_int_eq(r[2].status, CHECK_GOOD);
    free(r);
    engine_net_free(&n);
}
END_TEST

/* Not finite is a failure, never "good". */
START_TEST(nonfinite_fails)
{
    engine_net n;
    memset(&n, 0, sizeof n);
    n.layers = 2;
    n.width[0] = n.width[1] = n.width[2] = 1;
    n.act[0] = ACT_LINEAR;
    n.act[1] = ACT_RELU;
    n.learning_rate = 0.5;
    n.samples = 1;
    ck_assert_int_eq(engine_net_alloc(&n), 0);
    n.weights[0][0] = 1e300;
    n.inputs[0] = 1e300;
    n.targets[0] = 1;
    int rows;
    engine_check *r = check_all(&n, &rows);
    for (int k = 0; k < rows; k++) {
        ck_assert_int_eq(r[k].status, CHECK_NONFINITE);
        ck_assert(engine_check_failed(&r[k]));
        char why[128];
        engine_check_reason(&r[k], why, sizeof why);
        ck_assert_str_eq(why, "the backprop gradient is not a finite number");
    }
    /* judged by hand: a NaN numeric value beside a finite one fails too */
    engine_check c = {.analytic = 0.5, .numeric = NAN, .error = 0, .floor = 1e-12};
    engine_check_judge(&c);
    ck_assert_int_eq(c.status, CHECK_NONFINITE);
    ck_assert_str_eq(engine_check_status_name(c.status), "non-finite");
    free(r);
    engine_net_free(&n);
}
END_TEST

/* The verdict is one rule: what is tolerated decides the label and the
 * failure alike, and negligible rows say why. */
START_TEST(one_rule)
{
    engine_check c = {.analytic = 1.0, .numeric = 1.0 + 5e-9, .error = 1e-12, .floor = 1e-13};
    engine_check_judge(&c);
    /* 10·1e-12 + 2·1e-13 + 0 + 1e-8·(1 + 5e-9) */
    ck_assert_double_eq_tol(c.tolerance, 1e-11 + 2e-13 + 1e-8, 1e-16);
    ck_assert_int_eq(c.status, CHECK_GOOD);
    ck_assert(!engine_check_failed(&c));
    c.numeric = 1.0 + 2e-8;
    engine_check_judge(&c);
    ck_assert_int_eq(c.status, CHECK_WRONG);
    ck_assert(engine_check_failed(&c));
    char why[160];
    engine_check_reason(&c, why, sizeof why);
    ck_assert_str_eq(why, "they differ by 2.0e-08, more than the 1.0e-08 the difference can be off by");
    engine_check t = {.analytic = 3e-18, .numeric = 0, .error = 0, .floor = 1e-13};
    engine_check_judge(&t);
    ck_assert_int_eq(t.status, CHECK_NEGLIGIBLE);
    ck_assert(engine_check_negligible(&t) && !engine_check_failed(&t));
    engine_check_reason(&t, why, sizeof why);
    ck_assert_str_eq(why, "both below 1.0e-13, what the loss's rounding lets a difference see");
    engine_check k = {.status = CHECK_KINK, .analytic = 1, .numeric = NAN};
    engine_check_judge(&k);
    ck_assert_int_eq(k.status, CHECK_KINK);
    ck_assert(!engine_check_failed(&k));
}
END_TEST

/* In slices: one evaluation at a time, the same rows in the end. */
START_TEST(in_slices)
{
    lesson l;
    lesson_error err;
    ck_assert_msg(lesson_load_file("lessons/07-deeper.yaml", &l, &err) == 0, "%s", err.message);
    engine *e = engine_new(&l.net, CONV_COLUMNS);
    int P = engine_net_params(&l.net);
    engine_check *whole = calloc((size_t)P, sizeof *whole);
    ck_assert_int_eq(engine_gradcheck(e, whole, P), P);
    engine_checker *c = engine_check_begin(e);
    ck_assert_ptr_nonnull(c);
    ck_assert_int_eq(engine_check_total(c), P);
    ck_assert_int_eq(engine_check_done(c), 0);
    long evals = engine_check_evaluations(c);
    int last = 0, slices = 0;
    while (engine_check_done(c) < P) {
        int done = engine_check_run(c, 1);
        ck_assert_int_eq(engine_check_evaluations(c), evals + 1); /* one forward pass each */
        evals++;
        ck_assert_int_ge(done, last);
        last = done;
        slices++;
    }
    ck_assert_int_gt(slices, 2 * P);
    ck_assert_int_eq(engine_check_run(c, 10), P);
    ck_assert_mem_eq(engine_check_rows(c), whole, (size_t)P * sizeof *whole);
    ck_assert_int_eq(engine_check_failures(c), 0);
    engine_check_end(c);
    /* by parameters, too */
    c = engine_check_begin(e);
    ck_assert_int_eq(engine_check_next(c, 5), 5);
    ck_assert_int_eq(engine_check_next(c, 1000), P);
    ck_assert_mem_eq(engine_check_rows(c), whole, (size_t)P * sizeof *whole);
    engine_check_end(c);
    free(whole);
    engine_free(e);
    lesson_free(&l);
}
END_TEST

/* Random networks of ordinary scale (weights within ±2), every
 * activation: no false verdict, and sharp wherever |g| ≥ 1e-4. */
START_TEST(random_networks)
{
    engine_rng r;
    engine_rng_seed(&r, 99);
    int sharp = 0;
    for (int i = 0; i < 120; i++) {
        engine_net n;
        memset(&n, 0, sizeof n);
        n.layers = 1 + i % 4;
        for (int l = 0; l <= n.layers; l++)
            n.width[l] = 1 + (int)(engine_rng_uniform(&r) * 4);
        engine_act hidden[ACT_COUNT];
        int kinds = 0;
        for (int a = 0; a < ACT_COUNT; a++)
            if (!ops_act((engine_act)a)->output_only)
                hidden[kinds++] = (engine_act)a;
        for (int l = 0; l < n.layers; l++)
            n.act[l] = hidden[(i + l) % kinds];
        if (i % 3 == 0) {
            n.act[n.layers - 1] = ACT_SOFTMAX;
            n.loss = LOSS_CROSS_ENTROPY;
            if (n.width[n.layers] < 2)
                n.width[n.layers] = 2;
        }
        n.has_bias = i % 2;
        n.train_bias = 1;
        n.learning_rate = 0.1;
        n.samples = 1 + i % 3;
        ck_assert_int_eq(engine_net_alloc(&n), 0);
        for (int l = 0; l < n.layers; l++) {
            for (int k = 0; k < n.width[l] * n.width[l + 1]; k++)
                n.weights[l][k] = 4 * engine_rng_uniform(&r) - 2;
            for (int j = 0; n.has_bias && j < n.width[l + 1]; j++)
                n.biases[l][j] = engine_rng_uniform(&r) - 0.5;
        }
        int L = n.layers;
        for (int s = 0; s < n.samples; s++) {
            for (int k = 0; k < n.width[0]; k++)
                n.inputs[s * n.width[0] + k] = 2 * engine_rng_uniform(&r) - 1;
            for (int k = 0; k < n.width[L]; k++)
                n.targets[s * n.width[L] + k] = n.loss == LOSS_CROSS_ENTROPY
                                                    ? (k == s % n.width[L])
                                                    : 2 * engine_rng_uniform(&r) - 1;
        }
        ck_assert_ptr_null(engine_net_validate(&n));
        int rows;
        engine_check *c = check_all(&n, &rows);
        char where[32];
        snprintf(where, sizeof where, "random %d", i);
        sharp += expect_sharp(c, rows, where);
        free(c);
        engine_net_free(&n);
    }
    ck_assert_int_gt(sharp, 1000);
}
END_TEST

Suite *gradcheck_suite(void)
{
    Suite *s = suite_create("gradcheck");
    TCase *tc = tcase_create("verdicts");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, bundled_lessons_pass_and_are_sharp);
    tcase_add_test(tc, mazur_passes);
    tcase_add_test(tc, saturated_units_pass);
    tcase_add_test(tc, tiny_gradients_pass);
    tcase_add_test(tc, nonfinite_fails);
    tcase_add_test(tc, one_rule);
    tcase_add_test(tc, in_slices);
    tcase_add_test(tc, random_networks);
    suite_add_tcase(s, tc);
    return s;
}

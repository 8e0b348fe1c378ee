/* check_narrate.c - the built-in narration names the convention and the
 * shapes that the step really has, in both conventions; notes name live
 * values through placeholders, and the bundled lessons' notes quote no
 * number the engine does not produce at their step. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "narrate.h"
#include "ops.h"

/* The question's 2-3-2 network: sigmoid hidden layer, linear output. */
static engine_net question_net(void)
{
    engine_net net;
    memset(&net, 0, sizeof net);
    net.layers = 2;
    net.width[0] = 2;
    net.width[1] = 3;
    net.width[2] = 2;
    net.act[0] = ACT_SIGMOID;
    net.act[1] = ACT_LINEAR;
    net.loss = LOSS_MSE;
    net.learning_rate = 0.5;
    net.samples = 1;
    return net;
}

static char text[4096];

/* Narrates the step of kind k at layer N of a pass over net (weights and
 * samples zero) shown in convention c; "" when the pass has no such step. */
static const char *narrate(const engine_net *shape, engine_step_kind k, int N, engine_conv c)
{
    engine_net net = *shape;
    ck_assert_int_eq(engine_net_alloc(&net), 0);
    for (int s = 0; s < net.samples; s++)
        if (net.loss == LOSS_CROSS_ENTROPY)
            net.targets[s * net.width[net.layers]] = 1;
    engine *e = engine_new(&net, c);
    ck_assert_ptr_nonnull(e);
    /* the last pass of the epoch holds every kind of step */
    for (int s = 1; s < net.samples; s++)
        engine_next_sample(e);
    text[0] = '\0';
    for (int i = 0; i < engine_step_count(e); i++) {
        const engine_step *s = engine_step_at(e, i);
        if (s->kind == k && s->layer == N) {
            size_t n = narrate_step(s, &net, text, sizeof text);
            ck_assert_uint_eq(n, strlen(text));
            break;
        }
    }
    engine_free(e);
    engine_net_free(&net);
    return text;
}

#define HAS(hay, needle) ck_assert_msg(strstr((hay), (needle)) != NULL, \
    "missing \"%s\" in: %s", (needle), (hay))
#define LACKS(hay, needle) ck_assert_msg(strstr((hay), (needle)) == NULL, \
    "unexpected \"%s\" in: %s", (needle), (hay))

START_TEST(copy_columns_and_rows)
{
    engine_net net = question_net();
    const char *t = narrate(&net, STEP_GRAD_COPY, 2, CONV_COLUMNS);
    ck_assert_str_eq(t, "Make a new matrix the shape of W_jk (3×2) and copy δ_k into every "
                        "row. Columns convention: each neuron's weights towards the "
                        "previous layer stand in a column, so a column of G_jk belongs to "
                        "one output unit.");
    t = narrate(&net, STEP_GRAD_COPY, 2, CONV_ROWS);
    ck_assert_str_eq(t, "Make a new matrix the shape of W_jk (2×3) and copy δ_k into every "
                        "column. Rows convention: each neuron's weights towards the "
                        "previous layer stand in a row, so a row of G_jk belongs to one "
                        "output unit.");
    t = narrate(&net, STEP_GRAD_COPY, 1, CONV_COLUMNS);
    HAS(t, "W_ij (2×3)");
    HAS(t, "δ_j into every row");
    HAS(t, "hidden unit");
}
END_TEST

START_TEST(gradient_explains_its_shape)
{
    engine_net net = question_net();
    const char *t = narrate(&net, STEP_GRADIENT, 1, CONV_COLUMNS);
    HAS(t, "G_ij is 2×3, exactly the shape of W_ij");
    HAS(t, "Scale row i by x_i, the output of unit i below: row i becomes x_i·δ_jᵀ");
    HAS(t, "The 2 comes from x_i (one per input), the 3 from δ_j (one per unit)");
    HAS(t, "columns convention");
    HAS(t, "2×3 = 6 of them");
    HAS(t, "A 2×1 result would be wrong");
    HAS(t, "\n\n"); /* two paragraphs */
    t = narrate(&net, STEP_GRADIENT, 1, CONV_ROWS);
    HAS(t, "G_ij is 3×2, exactly the shape of W_ij");
    HAS(t, "Scale column i by x_i");
    HAS(t, "The 2 comes from x_i (one per input), the 3 from δ_j (one per unit)");
    HAS(t, "3×2 = 6 of them");
    HAS(t, "rows convention");
    t = narrate(&net, STEP_GRADIENT, 2, CONV_COLUMNS);
    HAS(t, "G_jk is 3×2, exactly the shape of W_jk");
    HAS(t, "by h_j");
}
END_TEST

START_TEST(sum_and_send)
{
    engine_net net = question_net();
    const char *t = narrate(&net, STEP_SUM, 1, CONV_COLUMNS);
    HAS(t, "z = W_ijᵀ·x_i");
    HAS(t, "W_ij is 2×3");
    HAS(t, "(3×2)·(2) gives a 3-vector");
    HAS(t, "columns convention");
    t = narrate(&net, STEP_SUM, 1, CONV_ROWS);
    HAS(t, "z = W_ij·x_i");
    HAS(t, "W_ij is 3×2");
    HAS(t, "(3×2)·(2) gives a 3-vector");
    HAS(t, "rows convention");
    LACKS(t, "bias");
    net.has_bias = 1;
    t = narrate(&net, STEP_SUM, 2, CONV_COLUMNS);
    HAS(t, "(2×3)·(3) gives a 2-vector");
    HAS(t, "bias");

    t = narrate(&net, STEP_SEND, 2, CONV_COLUMNS);
    HAS(t, "W_jk·δ_k is (3×2)·(2), a 3-vector");
    HAS(t, "Columns convention: row j of W_jk holds the weights leaving h_j");
    HAS(t, "what arrives at the layer below");
    t = narrate(&net, STEP_SEND, 2, CONV_ROWS);
    HAS(t, "W_jkᵀ·δ_k is (3×2)·(2), a 3-vector");
    HAS(t, "Rows convention: column j of W_jk holds the weights leaving h_j");
    t = narrate(&net, STEP_SEND, 1, CONV_COLUMNS);
    HAS(t, "with respect to the input x_i");
}
END_TEST

START_TEST(every_kind_names_convention)
{
    engine_net net = question_net();
    net.has_bias = 1;
    net.train_bias = 1;
    net.mode = MODE_BATCH;
    net.samples = 4;
    ck_assert_int_eq(engine_net_alloc(&net), 0);
    for (int c = 0; c < CONV_COUNT; c++) {
        engine *e = engine_new(&net, (engine_conv)c);
        ck_assert_ptr_nonnull(e);
        for (int s = 1; s < net.samples; s++)
            engine_next_sample(e); /* the last pass holds every kind of step */
        int seen[STEP_KIND_COUNT] = {0};
        for (int i = 0; i < engine_step_count(e); i++) {
            const engine_step *st = engine_step_at(e, i);
            const char *t = text;
            ck_assert_uint_eq(narrate_step(st, &net, text, sizeof text), strlen(text));
            seen[st->kind]++;
            ck_assert_msg(strlen(t) > 40, "%s: too short: %s", st->id, t);
            HAS(t, c == CONV_COLUMNS ? "olumns" : "ows"); /* either case */
            /* 2 to 5 sentences, for a student. */
            int dots = 0;
            for (const char *p = t; *p; p++)
                dots += (*p == '.' && (p[1] == ' ' || p[1] == '\0' || p[1] == '\n'));
            ck_assert_msg(dots >= 2 && dots <= 5, "%s: %d sentences: %s", st->id, dots, t);
        }
        for (int k = 0; k < STEP_KIND_COUNT; k++)
            ck_assert_msg(seen[k] > 0, "no step of kind %d", k);
        engine_free(e);
    }
    engine_net_free(&net);
}
END_TEST

START_TEST(vector_steps_name_shapes)
{
    engine_net net = question_net();
    const char *t = narrate(&net, STEP_DELTA, 2, CONV_COLUMNS);
    HAS(t, "∂E/∂y_k = y − t");
    HAS(t, "2-vector");
    t = narrate(&net, STEP_DELTA, 1, CONV_ROWS);
    ck_assert_str_eq(t, ""); /* what arrives at the hidden layer is the send's result */
    t = narrate(&net, STEP_DERIVATIVE, 2, CONV_COLUMNS);
    HAS(t, "g′ = 1");
    t = narrate(&net, STEP_DERIVATIVE, 1, CONV_COLUMNS);
    HAS(t, "δ_j = ∂E/∂h_j ⊙ g′(z), a 3-vector");
    HAS(t, "g′(z) = σ(z)·(1 − σ(z))");
    HAS(t, "sigmoid");
    t = narrate(&net, STEP_ACTIVATION, 1, CONV_COLUMNS);
    HAS(t, "3-vector");
    t = narrate(&net, STEP_UPDATE, 1, CONV_ROWS);
    HAS(t, "W_ij − 0.5·G_ij. Both are 3×2 in the rows convention");
    net.samples = 4;
    net.mode = MODE_BATCH;
    t = narrate(&net, STEP_BATCH_MEAN, 2, CONV_COLUMNS);
    HAS(t, "the 4 samples are averaged, G = (1/4)");
    HAS(t, "3×2");
    net.has_bias = 1;
    net.train_bias = 0;
    t = narrate(&net, STEP_BIAS_GRAD, 2, CONV_COLUMNS);
    HAS(t, "not used");
}
END_TEST

/* Every multi-byte sequence in s is complete. */
static int utf8_whole(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        int len = *p < 0x80 ? 1 : *p >= 0xF0 ? 4 : *p >= 0xE0 ? 3 : 2;
        for (int i = 1; i < len; i++)
            if ((p[i] & 0xC0) != 0x80)
                return 0;
        p += len;
    }
    return 1;
}

START_TEST(deep_names_and_truncation)
{
    engine_net net = question_net();
    net.layers = 3;
    net.width[3] = 4;
    net.act[2] = ACT_SOFTMAX;
    net.loss = LOSS_CROSS_ENTROPY;
    const char *t = narrate(&net, STEP_GRAD_COPY, 3, CONV_COLUMNS);
    HAS(t, "W_kl (2×4)");
    t = narrate(&net, STEP_GRADIENT, 2, CONV_COLUMNS);
    HAS(t, "by h¹_j");
    t = narrate(&net, STEP_DERIVATIVE, 3, CONV_COLUMNS);
    HAS(t, "Jacobian");
    HAS(t, "δ_l = y − t");
    t = narrate(&net, STEP_DELTA, 3, CONV_COLUMNS);
    HAS(t, "−t/y, 0 where the target is 0");
    /* A small buffer: NUL-terminated, never half a UTF-8 character. */
    engine_step s;
    memset(&s, 0, sizeof s);
    s.kind = STEP_SUM;
    s.layer = 1;
    char small[40];
    for (size_t size = 1; size <= sizeof small; size++) {
        size_t n = narrate_step(&s, &net, small, size);
        ck_assert_uint_lt(n, size);
        ck_assert_uint_eq(n, strlen(small));
        ck_assert_msg(utf8_whole(small), "size %zu: a character was cut", size);
    }
    ck_assert_uint_eq(narrate_step(&s, &net, small, 0), 0);
}
END_TEST


/* ------------------------------------------------------------ live values */

static engine *engine_of(const lesson *l)
{
    engine *e = engine_new(&l->net, l->net.convention);
    ck_assert_ptr_nonnull(e);
    return e;
}

static int step_index(const engine *e, const char *id)
{
    for (int i = 0; i < engine_step_count(e); i++)
        if (strcmp(engine_step_at(e, i)->id, id) == 0)
            return i;
    ck_abort_msg("no step %s", id);
    return -1;
}

/* The question's z_j = W_ijᵀ·x = (0.45, −0.25, 0.55) by hand. */
START_TEST(placeholders)
{
    lesson l;
    lesson_error err;
    ck_assert_msg(lesson_load_default(&l, &err) == 0, "%s", err.message);
    engine *e = engine_of(&l);
    int s = step_index(e, "forward.1.sum");
    char buf[512];
    narrate_fill("z_2 = {z_j[2]}; z = {z_j}; W_ij[2][1] = {W_ij[2][1]}", e, s, 4, buf, sizeof buf);
    ck_assert_str_eq(buf, "z_2 = −0.2500; z = (0.4500, −0.2500, 0.5500); W_ij[2][1] = 0.5000");
    narrate_fill("{W_ij}", e, s, 1, buf, sizeof buf);
    ck_assert_str_eq(buf, "((0.2, −0.4, 0.6), (0.5, 0.3, −0.1))");
    /* at least N decimals, braces, and a name the step does not have */
    narrate_fill("{z_j[1]:6} {{not}} {nothing[1]} {z_j[4]} {E}", e, s, 2, buf, sizeof buf);
    ck_assert_str_eq(buf, "0.450000 {not} {nothing[1]} {z_j[4]} 0.34");
    char why[256];
    ck_assert_int_eq(narrate_check("{z_j[1]} {loss_after} {eta} {epoch}", e, s, why, sizeof why), 0);
    ck_assert_int_eq(narrate_check("fine {z_j[9]} {x}", e, s, why, sizeof why), -1);
    ck_assert_msg(strstr(why, "{z_j[9]} names no value of step forward.1.sum;") == why, "%s", why);
    /* the lesson-level values: E at the start, and after the updates */
    int u2 = step_index(e, "update.2"), u1 = step_index(e, "update.1");
    narrate_fill("{loss} {loss_after} {loss_after_pass} {mean_loss} {eta}", e, u2, 4, buf, sizeof buf);
    char want[256];
    snprintf(want, sizeof want, "0.3377 %.4f %.4f 0.3377 0.5000", engine_loss_after(e, u2),
             engine_loss_after(e, u1));
    ck_assert_str_eq(buf, want);
    engine_free(e);
    lesson_free(&l);
}
END_TEST

/* After an edit the note tells today's numbers: Mazur with x_2 = 0.2. */
START_TEST(notes_follow_edits)
{
    lesson l;
    lesson_error err;
    ck_assert_msg(lesson_load_file("lessons/04-mazur.yaml", &l, &err) == 0, "%s", err.message);
    engine *e = engine_of(&l);
    char before[2048], after[2048];
    narrate_source src;
    narrate_text(&l, e, step_index(e, "loss"), 9, before, sizeof before, &src);
    ck_assert_int_eq(src, NARRATE_NOTE);
    ck_assert_ptr_nonnull(strstr(before, "0.298371109"));
    l.net.inputs[1] = 0.2;
    ck_assert_int_eq(engine_replace(e, &l.net), 0);
    narrate_text(&l, e, step_index(e, "loss"), 9, after, sizeof after, NULL);
    ck_assert_ptr_null(strstr(after, "0.298371109"));
    char now[32];
    snprintf(now, sizeof now, "%.9f", engine_pass_loss(e));
    ck_assert_msg(strstr(after, now) != NULL, "%s lacks %s", after, now);
    /* shown in the other convention, the built-in words */
    engine_set_convention(e, CONV_ROWS);
    narrate_text(&l, e, step_index(e, "loss"), 9, after, sizeof after, &src);
    ck_assert_int_eq(src, NARRATE_BUILT_IN);
    ck_assert_ptr_nonnull(strstr(after, "rows here"));
    engine_free(e);
    lesson_free(&l);
}
END_TEST

/* The softmax note on sample 2 gives sample 2's numbers. */
START_TEST(notes_follow_samples)
{
    lesson l;
    lesson_error err;
    ck_assert_msg(lesson_load_file("lessons/08-softmax.yaml", &l, &err) == 0, "%s", err.message);
    engine *e = engine_of(&l);
    engine_next_sample(e);
    ck_assert_int_eq(engine_sample(e), 2);
    char buf[2048], y[32];
    int s = step_index(e, "forward.2.activation");
    narrate_text(&l, e, s, 4, buf, sizeof buf, NULL);
    const engine_step *st = engine_step_at(e, s);
    snprintf(y, sizeof y, "%.4f", st->result.v[1]);
    ck_assert_msg(strstr(buf, y) != NULL, "%s lacks sample 2's y_2 = %s", buf, y);
    ck_assert_ptr_null(strstr(buf, "0.5632")); /* sample 1's y_1 */
    engine_free(e);
    lesson_free(&l);
}
END_TEST

/* Does value v, written with the literal's number of decimals, read lit? */
static int reads_as(double v, const char *lit, size_t len)
{
    char want[64], got[64];
    snprintf(want, sizeof want, "%.*s", (int)len, lit);
    const char *dot = strchr(want, '.');
    int decimals = dot ? (int)strlen(dot + 1) : 0;
    snprintf(got, sizeof got, "%.*f", decimals, fabs(v));
    return strcmp(got, want) == 0;
}

/* 1 when some value step `i` of e shows, or its pass's losses or η,
 * reads as the literal. */
static int produced(const engine *e, int i, const char *lit, size_t len)
{
    const engine_step *s = engine_step_at(e, i);
    for (int k = -1; k < s->n_operands; k++) {
        const engine_tensor *t = k < 0 ? &s->result : &s->operand[k];
        for (int m = 0; m < t->rows * t->cols; m++)
            if (reads_as(t->v[m], lit, len))
                return 1;
    }
    int last = engine_step_count(e) - 1;
    double specials[] = {engine_pass_loss(e), engine_loss_after(e, i), engine_loss_after(e, last),
                         engine_mean_loss_after(e, -1), engine_mean_loss_after(e, last),
                         engine_network(e)->learning_rate};
    for (size_t k = 0; k < sizeof specials / sizeof specials[0]; k++)
        if (reads_as(specials[k], lit, len))
            return 1;
    return 0;
}

static const char *const bundled[] = {
    "lessons/01-question.yaml",  "lessons/02-two-by-one.yaml", "lessons/03-rows-or-columns.yaml",
    "lessons/04-mazur.yaml",     "lessons/05-biases.yaml",     "lessons/06-xor.yaml",
    "lessons/07-deeper.yaml",    "lessons/08-softmax.yaml",    "lessons/09-batch-online.yaml",
    "lessons/10-vanishing.yaml", "lessons/11-learning-rate.yaml",
};

/* Every note of every bundled lesson, wherever it is shown in the first
 * epoch (every sample, every layer a pattern covers): each placeholder
 * names a value, and each number written out with a decimal point is one
 * the engine shows at that step.  Whole numbers (sizes, counts) are free. */
START_TEST(bundled_notes_quote_live_numbers)
{
    int notes = 0, shown = 0;
    char why[512];
    for (size_t f = 0; f < sizeof bundled / sizeof bundled[0]; f++) {
        lesson l;
        lesson_error err;
        ck_assert_msg(lesson_load_file(bundled[f], &l, &err) == 0, "%s", err.message);
        engine *e = engine_of(&l);
        for (int pass = 0; pass < l.net.samples; pass++) {
            for (int i = 0; i < engine_step_count(e); i++) {
                const char *note = lesson_note_for(&l, engine_step_at(e, i)->id);
                if (!note)
                    continue;
                shown++;
                ck_assert_msg(narrate_check(note, e, i, why, sizeof why) == 0, "%s, sample %d: %s",
                              bundled[f], pass + 1, why);
                for (const char *p = note; *p; p++) {
                    if (*p == '{') { /* a placeholder: skip it */
                        const char *close = strchr(p, '}');
                        p = close ? close : p;
                        continue;
                    }
                    if (!(*p >= '0' && *p <= '9') || (p > note && ((p[-1] >= '0' && p[-1] <= '9') || p[-1] == '.')))
                        continue;
                    size_t len = strspn(p, "0123456789");
                    if (p[len] != '.' || !(p[len + 1] >= '0' && p[len + 1] <= '9'))
                        continue;
                    len += 1 + strspn(p + len + 1, "0123456789");
                    ck_assert_msg(produced(e, i, p, len),
                                  "%s: the note of %s quotes %.*s, which that step does not "
                                  "show on sample %d: write a placeholder instead",
                                  bundled[f], engine_step_at(e, i)->id, (int)len, p, pass + 1);
                    p += len - 1;
                }
            }
            engine_next_sample(e);
        }
        notes += l.n_notes;
        engine_free(e);
        lesson_free(&l);
    }
    ck_assert_int_gt(notes, 150);
    ck_assert_int_gt(shown, 250);
}
END_TEST

Suite *narrate_suite(void)
{
    Suite *s = suite_create("narrate");
    TCase *tc = tcase_create("narrate");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, copy_columns_and_rows);
    tcase_add_test(tc, gradient_explains_its_shape);
    tcase_add_test(tc, sum_and_send);
    tcase_add_test(tc, every_kind_names_convention);
    tcase_add_test(tc, vector_steps_name_shapes);
    tcase_add_test(tc, deep_names_and_truncation);
    suite_add_tcase(s, tc);
    tc = tcase_create("live values");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, placeholders);
    tcase_add_test(tc, notes_follow_edits);
    tcase_add_test(tc, notes_follow_samples);
    tcase_add_test(tc, bundled_notes_quote_live_numbers);
    suite_add_tcase(s, tc);
    return s;
}

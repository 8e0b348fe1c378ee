/* check_quiz.c - the quiz's answer checking: every accepted spelling of a
 * shape and a number, the tolerance edges, the hints, tries and the score. */
#include <check.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "engine.h"
#include "lesson.h"
#include "quiz.h"

/* A tensor with a name and shape; values are not needed for shapes. */
static engine_tensor tensor(const char *name, int rank, int rows, int cols)
{
    engine_tensor t;
    memset(&t, 0, sizeof t);
    snprintf(t.name, sizeof t.name, "%s", name);
    t.rank = rank;
    t.rows = rows;
    t.cols = cols;
    return t;
}

/* True when text parses as a shape that matches t. */
static int shape_ok(const char *text, const engine_tensor *t)
{
    quiz_shape a;
    if (quiz_parse_shape(text, &a) != 0)
        return 0;
    return quiz_shape_matches(&a, t);
}

START_TEST(shape_matrix_spellings)
{
    engine_tensor w = tensor("W_jk", 2, 3, 2);
    const char *ok[] = {"3x2", "3×2", "3 x 2", "(3, 2)", "(3,2)", "[3, 2]", "3X2",
                        "3*2", "  3x2  ", "(3×2)", "[3,2]", "3, 2", "( 3 , 2 )"};
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++)
        ck_assert_msg(shape_ok(ok[i], &w), "'%s' should be 3x2", ok[i]);
    const char *wrong[] = {"2x3", "3", "3x1", "(2, 3)", "6", "3x3"};
    for (size_t i = 0; i < sizeof wrong / sizeof *wrong; i++)
        ck_assert_msg(!shape_ok(wrong[i], &w), "'%s' should not be 3x2", wrong[i]);
}
END_TEST

START_TEST(shape_vector_and_scalar)
{
    engine_tensor v = tensor("z_j", 1, 3, 1);
    const char *ok[] = {"3", "(3)", "[3]", "3x1", "3×1", "(3, 1)"};
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++)
        ck_assert_msg(shape_ok(ok[i], &v), "'%s' should be the 3-vector", ok[i]);
    /* Vectors are columns in both conventions: a row is a different shape. */
    ck_assert(!shape_ok("1x3", &v));
    ck_assert(!shape_ok("(1, 3)", &v));
    ck_assert(!shape_ok("scalar", &v));

    engine_tensor e = tensor("E", 0, 1, 1);
    const char *sc[] = {"1", "()", "scalar", "1x1", "SCALAR", "[]", "( )", "(1)"};
    for (size_t i = 0; i < sizeof sc / sizeof *sc; i++)
        ck_assert_msg(shape_ok(sc[i], &e), "'%s' should be a scalar", sc[i]);
    ck_assert(!shape_ok("2", &e));
    ck_assert(!shape_ok("1x2", &e));
}
END_TEST

START_TEST(shape_parse_values)
{
    quiz_shape a;
    ck_assert_int_eq(quiz_parse_shape("(3, 2)", &a), 0);
    ck_assert_int_eq(a.rank, 2);
    ck_assert_int_eq(a.rows, 3);
    ck_assert_int_eq(a.cols, 2);
    ck_assert_int_eq(quiz_parse_shape("[7]", &a), 0);
    ck_assert_int_eq(a.rank, 1);
    ck_assert_int_eq(a.rows, 7);
    ck_assert_int_eq(a.cols, 1);
    ck_assert_int_eq(quiz_parse_shape("()", &a), 0);
    ck_assert_int_eq(a.rank, 0);
    ck_assert_int_eq(quiz_parse_shape("64x64", &a), 0);
    ck_assert_int_eq(a.rows * a.cols, 4096);
}
END_TEST

START_TEST(shape_rejects)
{
    const char *bad[] = {"", "   ", "x", "3x", "x2", "(3, 2", "3, 2)", "(3, 2]", "3x2x1",
                         "0x2", "2x0", "-3", "3.5", "abc", "100000", "3 2", "(", "[(3)]",
                         "3xx2", "scalars", "3÷2", "3\xc3"};
    quiz_shape a;
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        ck_assert_msg(quiz_parse_shape(bad[i], &a) == -1, "'%s' should not read", bad[i]);
}
END_TEST

/* Parses text and checks the number within a ulp-sized margin. */
static void value_is(const char *text, double want)
{
    double v = 12345;
    ck_assert_msg(quiz_parse_value(text, &v) == 0, "'%s' should read", text);
    ck_assert_msg(fabs(v - want) <= 1e-15 * fmax(1, fabs(want)), "'%s' read as %.17g", text, v);
}

START_TEST(value_spellings)
{
    value_is("0.25", 0.25);
    value_is("-1.5", -1.5);
    value_is("\xe2\x88\x92" "1.5", -1.5); /* U+2212 minus */
    value_is("3e-4", 3e-4);
    value_is("3E-4", 3e-4);
    value_is("2.5e+3", 2500);
    value_is("1.5×10^-3", 1.5e-3);
    value_is("1.5x10^\xe2\x88\x92" "3", 1.5e-3);
    value_is("-2*10^2", -200);
    value_is(".5", 0.5);
    value_is("5.", 5);
    value_is("+2", 2);
    value_is("  -0.1296  ", -0.1296);
    value_is("0", 0);
}
END_TEST

START_TEST(value_rejects)
{
    const char *bad[] = {"", "  ", "abc", "1,5", "inf", "nan", "-inf", "0x10", "e5", "1e",
                         "--1", "1 2", "1.2.3", ".", "-", "1e999", "10^3", "1.5×10", "½"};
    double v;
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        ck_assert_msg(quiz_parse_value(bad[i], &v) == -1, "'%s' should not read", bad[i]);
}
END_TEST

START_TEST(value_tolerance_edges)
{
    /* 1% relative decides for large numbers. */
    ck_assert(quiz_value_close(100, 100.99));
    ck_assert(quiz_value_close(100, 99.01));
    ck_assert(!quiz_value_close(100, 101.01));
    ck_assert(!quiz_value_close(100, 98.99));
    /* -0.1296: 1% is 0.001296, more than the absolute 1e-3. */
    ck_assert(quiz_value_close(-0.1296, -0.1308));
    ck_assert(!quiz_value_close(-0.1296, -0.1310));
    /* 0.05: 1% is 0.0005, so the absolute 1e-3 decides. */
    ck_assert(quiz_value_close(0.05, 0.0509));
    ck_assert(quiz_value_close(0.05, 0.0491));
    ck_assert(!quiz_value_close(0.05, 0.0512));
    ck_assert(quiz_value_close(0, 0.00099));
    ck_assert(!quiz_value_close(0, 0.0011));
    ck_assert(!quiz_value_close(0.5, -0.5));
    ck_assert(!quiz_value_close(1e6, -1e6));
}
END_TEST

/* A step built by hand with the given result and operands. */
static engine_step hand_step(engine_step_kind kind, engine_conv conv, int layer,
                             engine_tensor result, int n, const engine_tensor *ops)
{
    engine_step s;
    memset(&s, 0, sizeof s);
    snprintf(s.id, sizeof s.id, "hand");
    s.kind = kind;
    s.convention = conv;
    s.layer = layer;
    s.result = result;
    s.n_operands = n;
    for (int i = 0; i < n; i++)
        s.operand[i] = ops[i];
    return s;
}

static void hint_is(const engine_step *s, const char *want)
{
    char buf[QUIZ_TEXT_SIZE];
    quiz_shape_hint(s, buf, sizeof buf);
    ck_assert_str_eq(buf, want);
}

START_TEST(hint_gradient_columns_and_rows)
{
    engine_tensor ops[2] = {tensor("δ_k", 1, 2, 1), tensor("h_j", 1, 3, 1)};
    engine_step s = hand_step(STEP_GRADIENT, CONV_COLUMNS, 2, tensor("G_jk", 2, 3, 2), 2, ops);
    hint_is(&s, "G_jk has one row per unit of the layer below (h_j: 3) and one column per "
                "unit of this layer (δ_k: 2), the shape of W_jk");
    s = hand_step(STEP_GRADIENT, CONV_ROWS, 2, tensor("G_jk", 2, 2, 3), 2, ops);
    hint_is(&s, "G_jk has one row per unit of this layer (δ_k: 2) and one column per "
                "unit of the layer below (h_j: 3), the shape of W_jk");
    /* The copy beat has only δ: the names come from the layer's letters. */
    engine_tensor d = tensor("δ_j", 1, 3, 1);
    s = hand_step(STEP_GRAD_COPY, CONV_COLUMNS, 1, tensor("Δ_ij", 2, 2, 3), 1, &d);
    hint_is(&s, "Δ_ij has one row per unit of the layer below (2) and one "
                "column per unit of this layer (δ_j: 3), the shape of W_ij");
}
END_TEST

START_TEST(hint_sum_and_send)
{
    engine_tensor sum_c[2] = {tensor("W_ij", 2, 2, 3), tensor("x_i", 1, 2, 1)};
    engine_step s = hand_step(STEP_SUM, CONV_COLUMNS, 1, tensor("z_j", 1, 3, 1), 2, sum_c);
    hint_is(&s, "W_ijᵀ·x_i: the rows of the result come from the columns of W_ij (3)");
    engine_tensor sum_r[2] = {tensor("W_ij", 2, 3, 2), tensor("x_i", 1, 2, 1)};
    s = hand_step(STEP_SUM, CONV_ROWS, 1, tensor("z_j", 1, 3, 1), 2, sum_r);
    hint_is(&s, "W_ij·x_i: the rows of the result come from the rows of W_ij (3)");

    engine_tensor send_c[2] = {tensor("W_jk", 2, 3, 2), tensor("δ_k", 1, 2, 1)};
    s = hand_step(STEP_SEND, CONV_COLUMNS, 2, tensor("∂E/∂h_j", 1, 3, 1), 2, send_c);
    hint_is(&s, "W_jk·δ_k: (3×2)·(2) gives one number per row of W_jk (3)");
    engine_tensor send_r[2] = {tensor("W_jk", 2, 2, 3), tensor("δ_k", 1, 2, 1)};
    s = hand_step(STEP_SEND, CONV_ROWS, 2, tensor("∂E/∂h_j", 1, 3, 1), 2, send_r);
    hint_is(&s, "W_jkᵀ·δ_k: (2×3)ᵀ·(2) gives one number per column of W_jk (3)");
}
END_TEST

START_TEST(hint_elementwise_and_others)
{
    engine_tensor der[2] = {tensor("∂E/∂h_j", 1, 3, 1), tensor("g′(z_j)", 1, 3, 1)};
    engine_step s = hand_step(STEP_DERIVATIVE, CONV_COLUMNS, 1, tensor("δ_j", 1, 3, 1), 2, der);
    hint_is(&s, "⊙ keeps the shape of its operands: ∂E/∂h_j is 3");
    engine_tensor z = tensor("z_j", 1, 3, 1);
    s = hand_step(STEP_ACTIVATION, CONV_COLUMNS, 1, tensor("h_j", 1, 3, 1), 1, &z);
    hint_is(&s, "g works on each element of z_j by itself, so the result keeps its shape (3)");
    engine_tensor yt[2] = {tensor("y_k", 1, 2, 1), tensor("t_k", 1, 2, 1)};
    s = hand_step(STEP_LOSS, CONV_COLUMNS, 0, tensor("E", 0, 1, 1), 2, yt);
    hint_is(&s, "the loss adds up the errors of every output: one number for the sample");
    engine_tensor upd[2] = {tensor("W_jk", 2, 3, 2), tensor("G_jk", 2, 3, 2)};
    s = hand_step(STEP_UPDATE, CONV_COLUMNS, 2, tensor("W_jk", 2, 3, 2), 2, upd);
    hint_is(&s, "W_jk − η·G_jk subtracts element by element, so the result keeps the "
                "shape of W_jk (3×2)");
    engine_tensor sent = tensor("∂E/∂h_j", 1, 3, 1);
    s = hand_step(STEP_DELTA, CONV_ROWS, 1, tensor("∂E/∂h_j", 1, 3, 1), 1, &sent);
    hint_is(&s, "a derivative has the shape of what it is taken with respect to: h_j has one "
                "number per unit of this layer (3)");
    /* No operands at all: the hint still says something true. */
    s = hand_step(STEP_SUM, CONV_COLUMNS, 1, tensor("z_j", 1, 3, 1), 0, NULL);
    hint_is(&s, "look at the operands' shapes:");
}
END_TEST

/* The default lesson's engine, sitting at step id. */
static engine *question_at(lesson *l, const char *id)
{
    lesson_error err;
    ck_assert_msg(lesson_load_default(l, &err) == 0, "%s", err.message);
    engine *e = engine_new(&l->net, l->net.convention);
    ck_assert_ptr_nonnull(e);
    ck_assert_msg(engine_seek(e, id), "no step %s", id);
    return e;
}

/* δ_1 of the question's network, by hand: forward, error, back through
 * W_jk and the sigmoid's slope. */
static double question_delta_j(int j)
{
    const double x[2] = {1.0, 0.5}, t[2] = {1.0, 0.0};
    const double wij[2][3] = {{0.2, -0.4, 0.6}, {0.5, 0.3, -0.1}};
    const double wjk[3][2] = {{0.7, -0.2}, {-0.5, 0.4}, {0.3, 0.8}};
    double h[3], y[2] = {0, 0};
    for (int b = 0; b < 3; b++)
        h[b] = 1 / (1 + exp(-(x[0] * wij[0][b] + x[1] * wij[1][b])));
    for (int k = 0; k < 2; k++)
        for (int b = 0; b < 3; b++)
            y[k] += h[b] * wjk[b][k];
    double back = wjk[j][0] * (y[0] - t[0]) + wjk[j][1] * (y[1] - t[1]);
    return back * h[j] * (1 - h[j]);
}

START_TEST(quiz_wrong_then_right_on_the_question)
{
    lesson l;
    engine *e = question_at(&l, "backward.1.gradient");
    const engine_step *s = engine_current(e);
    ck_assert_int_eq(s->result.rows, 2);
    ck_assert_int_eq(s->result.cols, 3);
    quiz q;
    char msg[QUIZ_TEXT_SIZE];
    quiz_init(&q);
    quiz_begin(&q, s, 3); /* G[2][1] = x_2 · δ_1 */
    ck_assert_int_eq(q.stage, QUIZ_ASK_SHAPE);
    /* The question's own mistake: 2x1. */
    ck_assert_int_eq(quiz_answer(&q, s, "2x1", msg, sizeof msg), QUIZ_RETRY);
    ck_assert_str_eq(msg, "Not quite. Hint: G_ij has one row per unit of the layer below "
                          "(x_i: 2) and one column per unit of this layer (δ_j: 3), the "
                          "shape of W_ij.");
    ck_assert_int_eq(quiz_answer(&q, s, "2 by 3", msg, sizeof msg), QUIZ_UNREADABLE);
    ck_assert_str_eq(msg, "Write a shape such as 3x2, (3, 2) or 3 for a vector; a scalar as 1 or ().");
    ck_assert_int_eq(q.tries, 1);
    ck_assert_int_eq(quiz_answer(&q, s, "(2, 3)", msg, sizeof msg), QUIZ_RIGHT);
    ck_assert_str_eq(msg, "Right: G_ij is 2×3.");
    ck_assert_int_eq(q.stage, QUIZ_ASK_VALUE);

    double want = 0.5 * question_delta_j(0);
    ck_assert_double_eq_tol(s->result.v[3], want, 1e-12);
    ck_assert_int_eq(quiz_answer(&q, s, "0.5", msg, sizeof msg), QUIZ_RETRY);
    ck_assert_str_eq(msg, "Not quite. Hint: G[2][1] = Δ[2][1] · x_2: multiply those two.");
    char answer[64];
    snprintf(answer, sizeof answer, "%.4f", want * 1.009); /* within 1% */
    ck_assert_int_eq(quiz_answer(&q, s, answer, msg, sizeof msg), QUIZ_RIGHT);
    ck_assert_str_eq(msg, "Right: G[2][1] = −0.06335.");
    ck_assert_int_eq(q.stage, QUIZ_FINISHED);
    ck_assert_int_eq(quiz_answer(&q, s, "1", msg, sizeof msg), QUIZ_UNREADABLE);
    /* both right, but neither at the first try: no score */
    ck_assert_int_eq(q.asked, 2);
    ck_assert_int_eq(q.correct, 0);
    ck_assert_int_eq(q.tally[QUIZ_KIND_SHAPE].asked, 1);
    ck_assert_int_eq(q.tally[QUIZ_KIND_SHAPE].first_try, 0);
    ck_assert_int_eq(q.tally[QUIZ_KIND_SHAPE].second, 1);
    ck_assert_int_eq(q.tally[QUIZ_KIND_VALUE].second, 1);
    quiz_summary(&q, msg, sizeof msg);
    ck_assert_str_eq(msg, "Score: 0 of 2 right at the first try: shapes of results 0 of 1, "
                          "values 0 of 1.\nNothing missed.\n");
    engine_free(e);
    lesson_free(&l);
}
END_TEST

START_TEST(quiz_two_misses_show_the_answer)
{
    lesson l;
    engine *e = question_at(&l, "backward.2.send");
    const engine_step *s = engine_current(e);
    quiz q;
    char msg[QUIZ_TEXT_SIZE], sum[1024];
    quiz_init(&q);
    quiz_begin(&q, s, 99); /* clamped to the last element */
    ck_assert_int_eq(q.focus, 2);
    ck_assert_int_eq(quiz_answer(&q, s, "1x3", msg, sizeof msg), QUIZ_RETRY);
    ck_assert_str_eq(msg, "Not quite: a vector is a column here (n or n×1), 1×3 is a row. "
                          "Hint: W_jk·δ_k: (3×2)·(2) gives one number per row of W_jk (3).");
    ck_assert_int_eq(quiz_answer(&q, s, "2", msg, sizeof msg), QUIZ_SHOWN);
    ck_assert_str_eq(msg, "∂E/∂h_j is 3: W_jk·δ_k: (3×2)·(2) gives one number per row of W_jk (3).");
    ck_assert_int_eq(q.stage, QUIZ_ASK_VALUE);
    ck_assert_int_eq(quiz_answer(&q, s, "7", msg, sizeof msg), QUIZ_RETRY);
    ck_assert_int_eq(quiz_answer(&q, s, "−7", msg, sizeof msg), QUIZ_SHOWN);
    ck_assert_int_eq(q.asked, 2);
    ck_assert_int_eq(q.correct, 0);
    ck_assert_int_eq(q.n_missed, 2);
    ck_assert_str_eq(q.missed[0].step_id, "backward.2.send");
    quiz_summary(&q, sum, sizeof sum);
    ck_assert_str_eq(sum, "Score: 0 of 2 right at the first try: shapes of results 0 of 1, "
                          "values 0 of 1.\nMissed:\n"
                          "  backward.2.send: shape of ∂E/∂h_j: 3\n"
                          "  backward.2.send: ∂E/∂h_3 = 0.2679\n");
    engine_free(e);
    lesson_free(&l);
}
END_TEST

/* quiz_skip gives up one question: missed at once (no wrong answers fed),
 * the answer shown as a second miss would show it, then the next question;
 * with nothing open it says so. */
START_TEST(quiz_skip_counts_a_miss)
{
    lesson l;
    engine *e = question_at(&l, "backward.2.send");
    const engine_step *s = engine_current(e);
    quiz q;
    char msg[QUIZ_TEXT_SIZE], sum[1024];
    quiz_init(&q);
    quiz_begin(&q, s, 2);
    ck_assert_int_eq(quiz_skip(&q, s, msg, sizeof msg), QUIZ_SHOWN);
    ck_assert_str_eq(msg, "∂E/∂h_j is 3: W_jk·δ_k: (3×2)·(2) gives one number per row of W_jk (3).");
    ck_assert_int_eq(q.stage, QUIZ_ASK_VALUE);
    ck_assert_int_eq(q.tries, 0);
    /* One wrong value first, then the skip: still one miss, same answer. */
    ck_assert_int_eq(quiz_answer(&q, s, "7", msg, sizeof msg), QUIZ_RETRY);
    ck_assert_int_eq(quiz_skip(&q, s, msg, sizeof msg), QUIZ_SHOWN);
    ck_assert_int_eq(q.stage, QUIZ_FINISHED);
    ck_assert_int_eq(q.asked, 2);
    ck_assert_int_eq(q.correct, 0);
    ck_assert_int_eq(quiz_skip(&q, s, msg, sizeof msg), QUIZ_UNREADABLE);
    ck_assert_str_eq(msg, "No question is open.");
    quiz_summary(&q, sum, sizeof sum);
    ck_assert_str_eq(sum, "Score: 0 of 2 right at the first try: shapes of results 0 of 1, "
                          "values 0 of 1.\nMissed:\n"
                          "  backward.2.send: shape of ∂E/∂h_j: 3\n"
                          "  backward.2.send: ∂E/∂h_3 = 0.2679\n");
    engine_free(e);
    lesson_free(&l);
}
END_TEST

START_TEST(quiz_misses_are_bounded)
{
    lesson l;
    engine *e = question_at(&l, "loss");
    const engine_step *s = engine_current(e);
    quiz q;
    char msg[QUIZ_TEXT_SIZE];
    quiz_init(&q);
    for (int i = 0; i < QUIZ_MAX_MISSED + 3; i++) {
        quiz_begin(&q, s, 0);
        quiz_answer(&q, s, "2", msg, sizeof msg);
        ck_assert_int_eq(quiz_answer(&q, s, "3", msg, sizeof msg), QUIZ_SHOWN);
        ck_assert_str_eq(msg, "E is a scalar: the loss adds up the errors of every output: "
                              "one number for the sample.");
    }
    ck_assert_int_eq(q.n_missed, QUIZ_MAX_MISSED);
    ck_assert_int_eq(q.lost_misses, 3);
    static char sum[16384];
    quiz_summary(&q, sum, sizeof sum);
    ck_assert_ptr_nonnull(strstr(sum, "  and 3 more\n"));
    engine_free(e);
    lesson_free(&l);
}
END_TEST

/* Only a first answer scores; a later right one is counted apart. */
START_TEST(quiz_first_tries_score)
{
    lesson l;
    engine *e = question_at(&l, "forward.1.sum");
    const engine_step *s = engine_current(e);
    quiz q;
    char msg[QUIZ_TEXT_SIZE], num[64];
    quiz_init(&q);
    quiz_begin(&q, s, 0);
    ck_assert_int_eq(quiz_answer(&q, s, "3", msg, sizeof msg), QUIZ_RIGHT);
    snprintf(num, sizeof num, "%.6g", s->result.v[0]);
    ck_assert_int_eq(quiz_answer(&q, s, num, msg, sizeof msg), QUIZ_RIGHT);
    ck_assert_int_eq(q.stage, QUIZ_FINISHED);
    ck_assert_int_eq(q.correct, 2);
    /* the next step: the shape wrong then right, the value skipped */
    engine_next(e);
    s = engine_current(e);
    quiz_begin(&q, s, 0);
    ck_assert_int_eq(quiz_answer(&q, s, "3x3", msg, sizeof msg), QUIZ_RETRY);
    ck_assert_int_eq(quiz_answer(&q, s, "3", msg, sizeof msg), QUIZ_RIGHT);
    ck_assert_int_eq(quiz_skip(&q, s, msg, sizeof msg), QUIZ_SHOWN);
    ck_assert_int_eq(q.asked, 4);
    ck_assert_int_eq(q.correct, 2);
    const quiz_tally *sh = &q.tally[QUIZ_KIND_SHAPE], *va = &q.tally[QUIZ_KIND_VALUE];
    ck_assert_int_eq(sh->asked, 2);
    ck_assert_int_eq(sh->first_try, 1);
    ck_assert_int_eq(sh->second, 1);
    ck_assert_int_eq(sh->shown, 0);
    ck_assert_int_eq(va->asked, 2);
    ck_assert_int_eq(va->first_try, 1);
    ck_assert_int_eq(va->shown, 1);
    ck_assert_int_eq(q.tally[QUIZ_KIND_FORMULA].asked, 0);
    char sum[1024];
    quiz_summary(&q, sum, sizeof sum);
    ck_assert_str_eq(sum, "Score: 2 of 4 right at the first try: shapes of results 1 of 2, "
                          "values 1 of 2.\nMissed:\n"
                          "  forward.1.activation: h_1 = 0.6106\n");
    ck_assert_str_eq(quiz_kind_name(QUIZ_KIND_SHAPE), "shapes of results");
    ck_assert_str_eq(quiz_kind_name(QUIZ_KIND_VALUE), "values");
    ck_assert_str_eq(quiz_kind_name(QUIZ_KIND_FORMULA), "shapes of formulas");
    ck_assert_str_eq(quiz_kind_name(QUIZ_KIND_COUNT), "?");
    engine_free(e);
    lesson_free(&l);
}
END_TEST

/* The question's own formula on W_ij's gradient step: read the way its
 * shapes fit it gives 2×1, where ∂E/∂W_ij is 2×3. */
START_TEST(quiz_formula_of_the_question)
{
    lesson l;
    engine *e = question_at(&l, "backward.1.gradient");
    const engine_step *s = engine_current(e);
    quiz q;
    char msg[QUIZ_TEXT_SIZE], text[QUIZ_TEXT_SIZE], num[64];
    quiz_init(&q);
    quiz_open(&q, s, 3, &l.net);
    ck_assert_int_eq(q.has_formula, 1);
    quiz_question(&q, s, text, sizeof text);
    ck_assert_str_eq(text, "What shape is G_ij?");
    quiz_caption(&q, s, text, sizeof text);
    ck_assert_str_eq(text, "shape of G_ij? ");
    ck_assert_int_eq(quiz_answer(&q, s, "2x3", msg, sizeof msg), QUIZ_RIGHT);
    quiz_question(&q, s, text, sizeof text);
    ck_assert_str_eq(text, "What is G[2][1]?");
    quiz_caption(&q, s, text, sizeof text);
    ck_assert_str_eq(text, "G[2][1] = ? ");
    snprintf(num, sizeof num, "%.6g", 0.5 * question_delta_j(0));
    ck_assert_int_eq(quiz_answer(&q, s, num, msg, sizeof msg), QUIZ_RIGHT);
    ck_assert_int_eq(q.stage, QUIZ_ASK_FORMULA);
    quiz_question(&q, s, text, sizeof text);
    ck_assert_str_eq(text, "A student wrote ∂E/∂W_ij = W_jk * g'(W_ij * x) * x * err. Taking "
                           "each product the way its shapes fit, what shape does it give?");
    quiz_caption(&q, s, text, sizeof text);
    ck_assert_str_eq(text, "shape of W_jk * g'(W_ij * x) * x * err? ");
    ck_assert_int_eq(quiz_answer(&q, s, "two by one", msg, sizeof msg), QUIZ_UNREADABLE);
    ck_assert_int_eq(q.tries, 0);
    ck_assert_int_eq(quiz_answer(&q, s, "2x3", msg, sizeof msg), QUIZ_RETRY);
    ck_assert_str_eq(msg, "Not quite. Hint: work from the inside out and take each product "
                          "the way its shapes fit; W_ij * x fits only as W_ijᵀ * x → 3.");
    /* a vector of 2 is 2×1 */
    ck_assert_int_eq(quiz_answer(&q, s, "2", msg, sizeof msg), QUIZ_RIGHT);
    ck_assert_str_eq(msg, "Right: taken the way its shapes fit, ((W_jkᵀ * g'(W_ijᵀ * x)) ⊙ x) "
                          "⊙ err, it gives 2×1. But ∂E/∂W_ij has one entry per weight, 2×3, the "
                          "shape of W_ij, so this cannot be it: ∂E/∂W_ij = x_i · δ_jᵀ, an outer "
                          "product.");
    ck_assert_int_eq(q.stage, QUIZ_FINISHED);
    quiz_question(&q, s, text, sizeof text);
    ck_assert_str_eq(text, "");
    ck_assert_int_eq(q.asked, 3);
    ck_assert_int_eq(q.correct, 2);
    ck_assert_int_eq(q.tally[QUIZ_KIND_FORMULA].asked, 1);
    ck_assert_int_eq(q.tally[QUIZ_KIND_FORMULA].first_try, 0);
    ck_assert_int_eq(q.tally[QUIZ_KIND_FORMULA].second, 1);
    quiz_summary(&q, msg, sizeof msg);
    ck_assert_str_eq(msg, "Score: 2 of 3 right at the first try: shapes of results 1 of 1, "
                          "values 1 of 1, shapes of formulas 0 of 1.\nNothing missed.\n");
    /* quiz_begin asks no formula */
    quiz_begin(&q, s, 0);
    ck_assert_int_eq(q.has_formula, 0);
    engine_free(e);
    lesson_free(&l);
}
END_TEST

/* In the rows convention the formula still gives 2×1 and ∂E/∂W_ij is
 * 3×2; on W_jk's step δ_k * h_j, read as δ_k·h_jᵀ, is exactly right. */
START_TEST(quiz_formula_rows)
{
    lesson l;
    lesson_error err;
    ck_assert_int_eq(lesson_load_default(&l, &err), 0);
    engine *e = engine_new(&l.net, CONV_ROWS);
    ck_assert_ptr_nonnull(e);
    ck_assert(engine_seek(e, "backward.1.gradient"));
    const engine_step *s = engine_current(e);
    quiz q;
    char msg[QUIZ_TEXT_SIZE];
    quiz_init(&q);
    quiz_open(&q, s, 0, &l.net);
    ck_assert_int_eq(quiz_skip(&q, s, msg, sizeof msg), QUIZ_SHOWN);
    ck_assert_int_eq(quiz_skip(&q, s, msg, sizeof msg), QUIZ_SHOWN);
    ck_assert_int_eq(q.stage, QUIZ_ASK_FORMULA);
    ck_assert_int_eq(quiz_answer(&q, s, "3x2", msg, sizeof msg), QUIZ_RETRY);
    ck_assert_str_eq(msg, "Not quite. Hint: work from the inside out and take each product "
                          "the way its shapes fit; W_jk * g'(W_ij * x) * x fits only as "
                          "(W_jk * g'(W_ij * x)) ⊙ x → 2.");
    ck_assert_int_eq(quiz_answer(&q, s, "1x2", msg, sizeof msg), QUIZ_SHOWN);
    ck_assert_str_eq(msg, "It gives 2×1, taken the way its shapes fit: ((W_jk * g'(W_ij * x)) ⊙ "
                          "x) ⊙ err. But ∂E/∂W_ij has one entry per weight, 3×2, the shape of "
                          "W_ij, so this cannot be it: ∂E/∂W_ij = δ_j · x_iᵀ, an outer product.");
    ck_assert_int_eq(q.n_missed, 3);
    ck_assert_int_eq(q.missed[2].kind, QUIZ_KIND_FORMULA);
    ck_assert_str_eq(q.missed[2].what, "W_jk * g'(W_ij * x) * x * err gives 2×1");
    ck_assert(engine_seek(e, "backward.2.gradient"));
    s = engine_current(e);
    quiz_open(&q, s, 0, &l.net);
    quiz_skip(&q, s, msg, sizeof msg);
    quiz_skip(&q, s, msg, sizeof msg);
    ck_assert_int_eq(q.stage, QUIZ_ASK_FORMULA);
    ck_assert_str_eq(q.formula.expr, "δ_k * h_j");
    ck_assert_int_eq(quiz_answer(&q, s, "(2, 3)", msg, sizeof msg), QUIZ_RIGHT);
    ck_assert_str_eq(msg, "Right: taken the way its shapes fit, δ_k * h_jᵀ, it gives 2×3. That "
                          "is the shape of W_jk, as ∂E/∂W_jk must be: ∂E/∂W_jk = δ_k · h_jᵀ.");
    engine_free(e);
    lesson_free(&l);
}
END_TEST

START_TEST(quiz_formulas_by_layer)
{
    lesson l;
    lesson_error err;
    ck_assert_int_eq(lesson_load_default(&l, &err), 0);
    quiz_formula f;
    ck_assert_int_eq(quiz_formula_for(&l.net, CONV_COLUMNS, 1, &f), 1);
    ck_assert_str_eq(f.expr, "W_jk * g'(W_ij * x) * x * err");
    ck_assert_str_eq(f.claim, "∂E/∂W_ij");
    ck_assert_str_eq(f.of, "W_ij");
    ck_assert_int_eq(f.read, 1);
    ck_assert(f.rows == 2 && f.cols == 1 && !f.scalar);
    ck_assert(f.want_rows == 2 && f.want_cols == 3);
    ck_assert_str_eq(f.read_as, "((W_jkᵀ * g'(W_ijᵀ * x)) ⊙ x) ⊙ err");
    ck_assert_str_eq(f.first, "W_ij * x fits only as W_ijᵀ * x → 3");
    ck_assert_str_eq(f.build, "x_i · δ_jᵀ");
    /* the top layer in columns: δ_k * h_j read as δ_k·h_jᵀ, 2×3, the
     * transpose of the 3×2 G_jk */
    ck_assert_int_eq(quiz_formula_for(&l.net, CONV_COLUMNS, 2, &f), 1);
    ck_assert_str_eq(f.expr, "δ_k * h_j");
    ck_assert(f.rows == 2 && f.cols == 3 && f.want_rows == 3 && f.want_cols == 2);
    ck_assert_str_eq(f.build, "h_j · δ_kᵀ");
    ck_assert_int_eq(quiz_formula_for(&l.net, CONV_COLUMNS, 0, &f), 0);
    ck_assert_int_eq(quiz_formula_for(&l.net, CONV_COLUMNS, 3, &f), 0);
    ck_assert_int_eq(quiz_formula_for(NULL, CONV_COLUMNS, 1, &f), 0);
    lesson_free(&l);
    /* a deeper network: δ times the layer below, in the screen's names;
     * with one shape on both sides the product is read element by element */
    ck_assert_int_eq(lesson_load_file("lessons/07-deeper.yaml", &l, &err), 0);
    ck_assert_int_eq(l.net.layers, 3);
    ck_assert_int_eq(quiz_formula_for(&l.net, CONV_COLUMNS, 2, &f), 1);
    ck_assert_str_eq(f.expr, "δ_k * h¹_j");
    ck_assert_int_eq(l.net.width[1], l.net.width[2]);
    ck_assert_str_eq(f.read_as, "δ_k ⊙ h¹_j");
    ck_assert(f.rows == l.net.width[2] && f.cols == 1);
    ck_assert_str_eq(f.build, "h¹_j · δ_kᵀ");
    lesson_free(&l);
    /* one output: the question's chain meets a 1×1 err that no reading
     * fits after a 3×2, so δ_j * x is asked instead */
    ck_assert_int_eq(lesson_load_file("lessons/11-learning-rate.yaml", &l, &err), 0);
    ck_assert_int_eq(l.net.width[2], 1);
    ck_assert_int_eq(quiz_formula_for(&l.net, CONV_COLUMNS, 1, &f), 1);
    ck_assert_str_eq(f.expr, "δ_j * x");
    ck_assert_str_eq(f.read_as, "δ_j * xᵀ");
    ck_assert(f.rows == 3 && f.cols == 2 && f.want_rows == 2 && f.want_cols == 3);
    lesson_free(&l);
}
END_TEST

/* What an open question hides is exactly the network vector that holds
 * the result's numbers, checked against the engine's own vectors. */
START_TEST(quiz_hides_what_the_diagram_would_tell)
{
    lesson l;
    lesson_error err;
    ck_assert_int_eq(lesson_load_default(&l, &err), 0);
    for (int c = 0; c < CONV_COUNT; c++) {
        engine *e = engine_new(&l.net, (engine_conv)c);
        int with_values = 0;
        for (int i = 0; i < engine_step_count(e); i++) {
            const engine_step *s = engine_step_at(e, i);
            quiz q;
            quiz_hidden h;
            quiz_init(&q);
            quiz_hiding(&q, s, &h);
            ck_assert_int_eq(h.result, 0); /* nothing open */
            quiz_open(&q, s, 0, &l.net);
            quiz_hiding(&q, s, &h);
            ck_assert_int_eq(h.result, 1);
            if (h.values) {
                with_values++;
                const double *v = engine_values(e, h.kind, h.layer);
                ck_assert_ptr_nonnull(v);
                ck_assert_int_eq(s->result.rank, 1);
                ck_assert_int_eq(s->result.rows, l.net.width[h.layer]);
                for (int k = 0; k < s->result.rows; k++)
                    ck_assert_msg(v[k] == s->result.v[k], "%s[%d]", s->id, k);
            } else {
                /* no vector of the diagram holds these numbers unshown */
                ck_assert_msg(s->kind != STEP_SUM && s->kind != STEP_ACTIVATION &&
                              s->kind != STEP_DELTA && s->kind != STEP_DERIVATIVE &&
                              s->kind != STEP_SEND, "%s", s->id);
            }
            /* by the formula question the step is shown */
            char msg[QUIZ_TEXT_SIZE];
            quiz_skip(&q, s, msg, sizeof msg);
            quiz_skip(&q, s, msg, sizeof msg);
            quiz_hiding(&q, s, &h);
            ck_assert_int_eq(h.result, 0);
            ck_assert_int_eq(h.values, 0);
        }
        /* two sums, two activations, the output's ∂E/∂y, two δ, two sends */
        ck_assert_int_eq(with_values, 9);
        engine_free(e);
    }
    lesson_free(&l);
}
END_TEST

/* Softmax's δ is told by the step's activation, not by its text. */
START_TEST(hint_softmax_by_activation)
{
    lesson l;
    lesson_error err;
    ck_assert_int_eq(lesson_load_file("lessons/08-softmax.yaml", &l, &err), 0);
    engine *e = engine_new(&l.net, l.net.convention);
    ck_assert(engine_seek(e, "backward.2.activation"));
    const engine_step *s = engine_current(e);
    ck_assert_int_eq(s->act, ACT_SOFTMAX);
    char hint[QUIZ_TEXT_SIZE];
    quiz_value_hint(s, 0, hint, sizeof hint);
    /* after a softmax, cross-entropy's δ is y − t exactly (op softmax_ce) */
    ck_assert_str_eq(hint, "δ_1 = y_1 − t_1: work out that difference");
    ck_assert(engine_seek(e, "backward.1.activation"));
    quiz_value_hint(engine_current(e), 0, hint, sizeof hint);
    ck_assert_str_eq(hint, "δ_1 = ∂E/∂h_1 · g′(z_1): multiply those two");
    engine_free(e);
    lesson_free(&l);
}
END_TEST

/* Every step of every bundled lesson, in both conventions: the shape hint
 * names a rule, the value hint keeps back the final number, and the true
 * shape and value are accepted. */
START_TEST(every_step_of_every_lesson)
{
    DIR *d = opendir("lessons");
    ck_assert_msg(d != NULL, "run the tests from the top folder");
    struct dirent *ent;
    int lessons = 0, steps = 0, formulas = 0;
    while ((ent = readdir(d)) != NULL) {
        size_t len = strlen(ent->d_name);
        if (len < 6 || strcmp(ent->d_name + len - 5, ".yaml") != 0)
            continue;
        char path[512];
        snprintf(path, sizeof path, "lessons/%s", ent->d_name);
        lesson l;
        lesson_error err;
        ck_assert_msg(lesson_load_file(path, &l, &err) == 0, "%s", err.message);
        lessons++;
        for (int c = 0; c < CONV_COUNT; c++) {
            engine *e = engine_new(&l.net, (engine_conv)c);
            ck_assert_ptr_nonnull(e);
            for (int i = 0; i < engine_step_count(e); i++, steps++) {
                const engine_step *s = engine_step_at(e, i);
                char hint[QUIZ_TEXT_SIZE], full[512], right[64], msg[QUIZ_TEXT_SIZE];
                quiz_shape_hint(s, hint, sizeof hint);
                ck_assert_msg(strncmp(hint, "look at", 7) != 0, "%s %s: %s", path, s->id, hint);
                int last = s->result.rank == 0 ? 0 : s->result.rows * s->result.cols - 1;
                quiz_value_hint(s, last, hint, sizeof hint);
                engine_step_explain(s, last, 4, full, sizeof full, NULL, 0);
                const char *tail = full, *eq;
                while ((eq = strstr(tail, " = ")) != NULL)
                    tail = eq + 3;
                if (tail != full)
                    ck_assert_msg(strstr(hint, tail - 3) == NULL, "%s %s: hint '%s' tells '%s'",
                                  path, s->id, hint, tail);
                quiz q;
                char text[QUIZ_TEXT_SIZE];
                quiz_init(&q);
                quiz_open(&q, s, last, &l.net);
                ck_assert_msg(q.has_formula == (s->kind == STEP_GRADIENT), "%s %s", path, s->id);
                snprintf(right, sizeof right, "%dx%d", s->result.rank ? s->result.rows : 1,
                         s->result.rank == 2 ? s->result.cols : 1);
                ck_assert_int_eq(quiz_answer(&q, s, right, msg, sizeof msg), QUIZ_RIGHT);
                if (q.stage == QUIZ_ASK_VALUE) {
                    snprintf(right, sizeof right, "%.6g", s->result.v[last]);
                    ck_assert_msg(quiz_answer(&q, s, right, msg, sizeof msg) == QUIZ_RIGHT,
                                  "%s %s: %s", path, s->id, msg);
                }
                if (q.stage == QUIZ_ASK_FORMULA) {
                    /* the formula's shape, worked out again from its reading */
                    quiz_question(&q, s, text, sizeof text);
                    ck_assert_ptr_nonnull(strstr(text, q.formula.expr));
                    snprintf(right, sizeof right, "%dx%d", q.formula.rows, q.formula.cols);
                    ck_assert_msg(quiz_answer(&q, s, right, msg, sizeof msg) == QUIZ_RIGHT,
                                  "%s %s: %s", path, s->id, msg);
                    ck_assert_ptr_nonnull(strstr(msg, q.formula.build));
                    formulas++;
                }
                ck_assert_int_eq(q.stage, QUIZ_FINISHED);
                ck_assert_int_eq(q.correct, q.asked);
            }
            engine_free(e);
        }
        lesson_free(&l);
    }
    closedir(d);
    ck_assert_int_ge(lessons, 1);
    ck_assert_int_ge(steps, 2 * 16);
    ck_assert_int_ge(formulas, 2 * 2 * lessons);
}
END_TEST

Suite *quiz_suite(void)
{
    Suite *s = suite_create("quiz");
    TCase *t = tcase_create("answers");
    tcase_add_test(t, shape_matrix_spellings);
    tcase_add_test(t, shape_vector_and_scalar);
    tcase_add_test(t, shape_parse_values);
    tcase_add_test(t, shape_rejects);
    tcase_add_test(t, value_spellings);
    tcase_add_test(t, value_rejects);
    tcase_add_test(t, value_tolerance_edges);
    suite_add_tcase(s, t);
    t = tcase_create("hints");
    tcase_add_test(t, hint_gradient_columns_and_rows);
    tcase_add_test(t, hint_sum_and_send);
    tcase_add_test(t, hint_elementwise_and_others);
    tcase_add_test(t, hint_softmax_by_activation);
    suite_add_tcase(s, t);
    t = tcase_create("flow");
    tcase_set_timeout(t, 120); /* every step of every lesson, slow under the sanitizers */
    tcase_add_test(t, quiz_wrong_then_right_on_the_question);
    tcase_add_test(t, quiz_two_misses_show_the_answer);
    tcase_add_test(t, quiz_skip_counts_a_miss);
    tcase_add_test(t, quiz_misses_are_bounded);
    tcase_add_test(t, quiz_first_tries_score);
    tcase_add_test(t, quiz_formula_of_the_question);
    tcase_add_test(t, quiz_formula_rows);
    tcase_add_test(t, quiz_formulas_by_layer);
    tcase_add_test(t, quiz_hides_what_the_diagram_would_tell);
    tcase_add_test(t, every_step_of_every_lesson);
    suite_add_tcase(s, t);
    return s;
}

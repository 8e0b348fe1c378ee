/* check_shape.c - the shape checker: shapes worked out by hand for the
 * question's 2-3-2 network (W_ij 2×3, W_jk 3×2 in the columns convention)
 * and a 2-4-3-2 one, exact messages, columns, and hostile input. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "shape.h"

static engine_net net_of(int layers, const int *width)
{
    engine_net n;
    memset(&n, 0, sizeof n);
    n.layers = layers;
    for (int k = 0; k <= layers; k++)
        n.width[k] = width[k];
    return n;
}

static const int w232[] = {2, 3, 2};
static const int w2432[] = {2, 4, 3, 2};

/* Checks expr on net and expects it to fit as rows×cols. */
static void expect_fit(const engine_net *net, engine_conv conv, const char *expr,
                       int rows, int cols)
{
    shape_result r;
    ck_assert_int_eq(shape_check(expr, net, conv, &r), 0);
    ck_assert_msg(r.status == SHAPE_FIT, "%s: status %d: %s", expr, r.status, r.message);
    ck_assert_msg(r.rows == rows && r.cols == cols && !r.scalar,
                  "%s: %d×%d, expected %d×%d", expr, r.rows, r.cols, rows, cols);
    ck_assert_int_eq(r.error_column, 0);
    ck_assert_int_gt(r.n_lines, 0);
    shape_result_free(&r);
}

/* Expects a parse error at column col with exactly this message. */
static void expect_parse_error(const engine_net *net, const char *expr, int col, const char *msg)
{
    shape_result r;
    ck_assert_int_eq(shape_check(expr, net, CONV_COLUMNS, &r), 0);
    ck_assert_msg(r.status == SHAPE_PARSE_ERROR, "%s: status %d", expr, r.status);
    ck_assert_int_eq(r.error_column, col);
    ck_assert_str_eq(r.message, msg);
    ck_assert_int_eq(r.n_lines, 0);
    shape_result_free(&r);
}

/* Runs shape_run into a string; returns its exit status. */
static int run(const char *expr, engine_conv conv, int ascii, char **text)
{
    size_t size;
    FILE *f = open_memstream(text, &size);
    ck_assert_ptr_nonnull(f);
    int rc = shape_run(f, expr, NULL, conv, ascii);
    ck_assert_int_eq(fclose(f), 0);
    return rc;
}

START_TEST(test_question_formula)
{
    engine_net n = net_of(2, w232);
    shape_result r;
    ck_assert_int_eq(shape_check("W_jk * g'(W_ij * x) * x * err", &n, CONV_COLUMNS, &r), 0);
    ck_assert_int_eq(r.status, SHAPE_MISMATCH);
    /* W_jk, W_ij and x have shapes; W_ij * x is where it stops */
    ck_assert_int_eq(r.n_lines, 4);
    ck_assert_str_eq(r.lines[0].text, "W_jk");
    ck_assert_int_eq(r.lines[0].rows, 3);
    ck_assert_int_eq(r.lines[0].cols, 2);
    ck_assert_str_eq(r.lines[1].text, "W_ij");
    ck_assert_int_eq(r.lines[1].rows, 2);
    ck_assert_int_eq(r.lines[1].cols, 3);
    ck_assert_int_eq(r.lines[1].column, 11);
    ck_assert_str_eq(r.lines[2].text, "x");
    ck_assert_int_eq(r.lines[2].rows, 2);
    ck_assert_int_eq(r.lines[2].cols, 1);
    ck_assert_str_eq(r.lines[3].text, "W_ij * x");
    ck_assert_int_eq(r.lines[3].ok, 0);
    ck_assert_str_eq(r.lines[3].note, "(2×3)·(2×1): 3 ≠ 2");
    ck_assert_int_eq(r.error_column, 16); /* the * between W_ij and x */
    ck_assert_int_eq(r.error_start, 11);
    ck_assert_int_eq(r.error_length, 8);
    ck_assert_str_eq(r.message,
        "cannot multiply W_ij (2×3) by x (2×1): a matrix product (a×b)·(c×d) needs b = c, "
        "the columns on the left as many as the rows on the right, and here b = 3, c = 2. "
        "In the columns convention W_ij is 2×3, a row for each of the 2 units of layer i and "
        "a column for each of the 3 of layer j, so W_ij * … takes a vector of layer j "
        "(3 entries, such as h_j or δ_j), and x has 2. "
        "The shapes fit as W_ijᵀ * x: (3×2)·(2×1) → 3×1.");
    shape_result_free(&r);
    ck_assert_int_eq(r.n_lines, 0);
    ck_assert_ptr_null(r.lines);
}
END_TEST

START_TEST(test_question_formula_next_mistake)
{
    /* with the forward product fixed, W_jk meets a vector of layer j */
    engine_net n = net_of(2, w232);
    shape_result r;
    shape_check("W_jk * g'(W_ijᵀ * x) * x * err", &n, CONV_COLUMNS, &r);
    ck_assert_int_eq(r.status, SHAPE_MISMATCH);
    ck_assert_int_eq(r.error_column, 6);
    ck_assert_str_eq(r.lines[r.n_lines - 1].text, "W_jk * g'(W_ijᵀ * x)");
    ck_assert_str_eq(r.lines[r.n_lines - 1].note, "(3×2)·(3×1): 2 ≠ 3");
    ck_assert_str_eq(r.message,
        "cannot multiply W_jk (3×2) by g'(W_ijᵀ * x) (3×1): a matrix product (a×b)·(c×d) "
        "needs b = c, the columns on the left as many as the rows on the right, and here "
        "b = 2, c = 3. In the columns convention W_jk is 3×2, a row for each of the 3 units "
        "of layer j and a column for each of the 2 of layer k, so W_jk * … takes a vector of "
        "layer k (2 entries, such as δ_k or err), and g'(W_ijᵀ * x) has 3. The shapes fit as "
        "W_jkᵀ * g'(W_ijᵀ * x): (2×3)·(3×1) → 2×1.");
    shape_result_free(&r);
}
END_TEST

START_TEST(test_correct_gradients)
{
    engine_net n = net_of(2, w232);
    shape_result r;
    const char *expr = "x * ((W_jk * err) ⊙ g'(W_ijᵀ * x))ᵀ";
    shape_check(expr, &n, CONV_COLUMNS, &r);
    ck_assert_int_eq(r.status, SHAPE_FIT);
    ck_assert_int_eq(r.rows, 2);
    ck_assert_int_eq(r.cols, 3);
    /* every sub-expression, in evaluation order, with its hand-worked shape */
    static const struct {
        const char *text;
        int rows, cols, column;
    } want[] = {
        {"x", 2, 1, 1},
        {"W_jk", 3, 2, 7},
        {"err", 2, 1, 14},
        {"W_jk * err", 3, 1, 7},
        {"W_ij", 2, 3, 24},
        {"W_ijᵀ", 3, 2, 24},
        {"x", 2, 1, 32},
        {"W_ijᵀ * x", 3, 1, 24},
        {"g'(W_ijᵀ * x)", 3, 1, 21},
        {"(W_jk * err) ⊙ g'(W_ijᵀ * x)", 3, 1, 6},
        {"((W_jk * err) ⊙ g'(W_ijᵀ * x))ᵀ", 1, 3, 5},
        {"x * ((W_jk * err) ⊙ g'(W_ijᵀ * x))ᵀ", 2, 3, 1},
    };
    ck_assert_int_eq(r.n_lines, (int)(sizeof want / sizeof want[0]));
    for (int k = 0; k < r.n_lines; k++) {
        ck_assert_str_eq(r.lines[k].text, want[k].text);
        ck_assert_int_eq(r.lines[k].rows, want[k].rows);
        ck_assert_int_eq(r.lines[k].cols, want[k].cols);
        ck_assert_int_eq(r.lines[k].column, want[k].column);
        ck_assert_int_eq(r.lines[k].ok, 1);
    }
    shape_result_free(&r);
    /* the W_jk gradient is h·δ_kᵀ, the shape of W_jk */
    expect_fit(&n, CONV_COLUMNS, "h * errᵀ", 3, 2);
    expect_fit(&n, CONV_COLUMNS, "h_j * δ_kᵀ", 3, 2);
    /* the sum and what is sent down */
    expect_fit(&n, CONV_COLUMNS, "W_ijᵀ * x", 3, 1);
    expect_fit(&n, CONV_COLUMNS, "W_jk * δ_k", 3, 1);
    /* an update: W − η G keeps W's shape; = checks both sides */
    expect_fit(&n, CONV_COLUMNS, "W_ij - η * x * δ_jᵀ", 2, 3);
    expect_fit(&n, CONV_COLUMNS, "G_ij = x * δ_jᵀ", 2, 3);
    expect_fit(&n, CONV_COLUMNS, "W_jk = W_jk − 0.5 * G_jk", 3, 2);
    /* the sigmoid's derivative written out; 1 − h is 1 minus every element */
    expect_fit(&n, CONV_COLUMNS, "h ⊙ (1 − h)", 3, 1);
    expect_fit(&n, CONV_COLUMNS, "y - t", 2, 1);
    expect_fit(&n, CONV_COLUMNS, "b_j + W_ijᵀ * x", 3, 1);
}
END_TEST

START_TEST(test_scalars)
{
    engine_net n = net_of(2, w232);
    shape_result r;
    shape_check("η * 2.5e-1 - eta", &n, CONV_COLUMNS, &r);
    ck_assert_int_eq(r.status, SHAPE_FIT);
    ck_assert_int_eq(r.scalar, 1);
    ck_assert_int_eq(r.rows, 1);
    ck_assert_int_eq(r.cols, 1);
    shape_result_free(&r);
    expect_fit(&n, CONV_COLUMNS, "-η * G_ij", 2, 3);
    expect_fit(&n, CONV_COLUMNS, "G_ij * .5", 2, 3);
    expect_fit(&n, CONV_COLUMNS, "2 ⊙ err", 2, 1);
    /* a scalar is not a matrix for = */
    shape_check("E = err", &n, CONV_COLUMNS, &r);
    ck_assert_int_eq(r.status, SHAPE_MISMATCH);
    shape_result_free(&r);
    /* but a 1×1 inner product may equal one */
    expect_fit(&n, CONV_COLUMNS, "E = 0.5 * errᵀ * err", 1, 1);
}
END_TEST

START_TEST(test_spellings)
{
    engine_net n = net_of(2, w232);
    /* each group spells the same expression, so the same shape */
    static const struct {
        const char *expr;
        int rows, cols;
    } same[] = {
        {"δ_j", 3, 1}, {"d_j", 3, 1}, {"delta_j", 3, 1}, {"δ1", 3, 1}, {"d¹", 3, 1},
        {"δ", 2, 1}, {"d", 2, 1}, {"δ_k", 2, 1}, {"err", 2, 1}, {"err_k", 2, 1},
        {"g′(z_j)", 3, 1}, {"g'(z_j)", 3, 1}, {"g’(z_j)", 3, 1}, {"g(z_j)", 3, 1},
        {"z", 2, 1}, {"z2", 2, 1}, {"z₂", 2, 1},
        {"xᵀ", 1, 2}, {"x'", 1, 2}, {"x′", 1, 2}, {"x.T", 1, 2}, {"x^T", 1, 2},
        {"x''", 2, 1}, {"x_i", 2, 1},
        {"W_jk * err", 3, 1}, {"W_jk · err", 3, 1}, {"W_jk ⋅ err", 3, 1}, {"W_jk*err", 3, 1},
        {"W2 * err", 3, 1}, {"W² * err", 3, 1}, {"W_2 * err", 3, 1},
        {"h ⊙ h", 3, 1}, {"h .* h", 3, 1}, {"h∘h", 3, 1},
        {"h¹", 3, 1}, {"h1", 3, 1}, {"h_j", 3, 1}, {"h", 3, 1}, {"h_1", 3, 1},
        {"y − t", 2, 1}, {"y - t", 2, 1}, {"y_k -\tt_k", 2, 1},
        {"(((x)))", 2, 1}, {"+x", 2, 1}, {"- -x", 2, 1},
        {"W_ij.T", 3, 2}, {"(W_ij)ᵀ", 3, 2}, {"W_ijᵀᵀ", 2, 3},
    };
    for (size_t k = 0; k < sizeof same / sizeof same[0]; k++)
        expect_fit(&n, CONV_COLUMNS, same[k].expr, same[k].rows, same[k].cols);
}
END_TEST

START_TEST(test_rows_convention)
{
    /* as in the engine: W is outputs × inputs (W_ij 3×2), vectors stay
     * columns, z = W·a, sent down Wᵀ·δ, gradient δ·aᵀ */
    engine_net n = net_of(2, w232);
    expect_fit(&n, CONV_ROWS, "W_ij", 3, 2);
    expect_fit(&n, CONV_ROWS, "W_jk", 2, 3);
    expect_fit(&n, CONV_ROWS, "G_ij", 3, 2);
    expect_fit(&n, CONV_ROWS, "x", 2, 1);
    expect_fit(&n, CONV_ROWS, "h_j", 3, 1);
    expect_fit(&n, CONV_ROWS, "err", 2, 1);
    expect_fit(&n, CONV_ROWS, "b_j", 3, 1);
    expect_fit(&n, CONV_ROWS, "W_ij * x", 3, 1);
    expect_fit(&n, CONV_ROWS, "W_jk * g(W_ij * x)", 2, 1);
    expect_fit(&n, CONV_ROWS, "W_jkᵀ * err", 3, 1);
    expect_fit(&n, CONV_ROWS, "W_jkᵀ * δ_k", 3, 1);
    expect_fit(&n, CONV_ROWS, "err * h_jᵀ", 2, 3);
    expect_fit(&n, CONV_ROWS, "err * hᵀ", 2, 3);
    expect_fit(&n, CONV_ROWS, "δ_j * xᵀ", 3, 2);
    expect_fit(&n, CONV_ROWS, "G_ij = ((W_jkᵀ * err) ⊙ g'(W_ij * x)) * xᵀ", 3, 2);
    expect_fit(&n, CONV_ROWS, "W_jk = W_jk − η * δ_k * hᵀ", 2, 3);
    shape_result r;
    shape_check("W_jk * err", &n, CONV_ROWS, &r);
    ck_assert_int_eq(r.status, SHAPE_MISMATCH);
    ck_assert_int_eq(r.error_column, 6);
    ck_assert_str_eq(r.lines[r.n_lines - 1].text, "W_jk * err");
    ck_assert_str_eq(r.lines[r.n_lines - 1].note, "(2×3)·(2×1): 3 ≠ 2");
    ck_assert_str_eq(r.message,
        "cannot multiply W_jk (2×3) by err (2×1): a matrix product (a×b)·(c×d) needs b = c, "
        "the columns on the left as many as the rows on the right, and here b = 3, c = 2. "
        "In the rows convention W_jk is 2×3, a row for each of the 2 units of layer k and a "
        "column for each of the 3 of layer j, so W_jk * … takes a vector of layer j "
        "(3 entries, such as h_j or δ_j), and err has 2. "
        "The shapes fit as W_jkᵀ * err: (3×2)·(2×1) → 3×1.");
    shape_result_free(&r);
    /* the columns convention's forward product does not fit in rows */
    shape_check("W_ijᵀ * x", &n, CONV_ROWS, &r);
    ck_assert_int_eq(r.status, SHAPE_MISMATCH);
    ck_assert_str_eq(r.lines[r.n_lines - 1].note, "(2×3)·(2×1): 3 ≠ 2");
    ck_assert_str_eq(r.message,
        "cannot multiply W_ijᵀ (2×3) by x (2×1): a matrix product (a×b)·(c×d) needs b = c, "
        "the columns on the left as many as the rows on the right, and here b = 3, c = 2. "
        "In the rows convention W_ij is 3×2, a row for each of the 3 units of layer j and a "
        "column for each of the 2 of layer i, so W_ijᵀ * … takes a vector of layer j "
        "(3 entries, such as h_j or δ_j), and x has 2. "
        "The shapes fit as W_ij * x: (3×2)·(2×1) → 3×1.");
    shape_result_free(&r);
    /* the columns convention's gradient has the transposed shape */
    shape_check("G_ij = x * δ_jᵀ", &n, CONV_ROWS, &r);
    ck_assert_int_eq(r.status, SHAPE_MISMATCH);
    ck_assert_str_eq(r.lines[r.n_lines - 1].note, "3×2 = 2×3: the shapes differ");
    shape_result_free(&r);
    /* a row vector times W: the hint puts the column on the right */
    shape_check("xᵀ * W_ij", &n, CONV_ROWS, &r);
    ck_assert_int_eq(r.status, SHAPE_MISMATCH);
    ck_assert_str_eq(r.lines[r.n_lines - 1].note, "(1×2)·(3×2): 2 ≠ 3");
    ck_assert_ptr_nonnull(strstr(r.message, "The shapes fit as W_ij * x: (3×2)·(2×1) → 3×1."));
    shape_result_free(&r);
}
END_TEST

START_TEST(test_deeper_network)
{
    engine_net n = net_of(3, w2432);
    expect_fit(&n, CONV_COLUMNS, "W_kl", 3, 2);
    expect_fit(&n, CONV_COLUMNS, "W3", 3, 2);
    expect_fit(&n, CONV_COLUMNS, "h_k * δ_lᵀ", 3, 2);
    expect_fit(&n, CONV_COLUMNS, "h² * δᵀ", 3, 2);
    expect_fit(&n, CONV_COLUMNS, "(W_jk * δ_k) ⊙ g'(z_j)", 4, 1);
    expect_fit(&n, CONV_COLUMNS, "x * δ_jᵀ", 2, 4);
    expect_parse_error(&n, "h", 1,
        "h alone is ambiguous with 2 hidden layers, expected h_j … h_k (or h1 … h2)");
    expect_parse_error(&n, "W * x", 1,
        "W alone is ambiguous with 3 weight layers, expected W_ij … W_kl");
    expect_parse_error(&n, "W_lm", 1,
        "this network has no W_lm: its weights are W_ij … W_kl (3 weight layers)");
    expect_parse_error(&n, "h_l", 1,
        "h_l: the output layer's g(z) is y; the hidden layers are h_j … h_k");
    /* one weight layer: bare W is fine, h does not exist */
    static const int w21[] = {2, 1};
    engine_net one = net_of(1, w21);
    expect_fit(&one, CONV_COLUMNS, "x * δᵀ", 2, 1);
    expect_fit(&one, CONV_COLUMNS, "W", 2, 1);
    expect_parse_error(&one, "h", 1,
        "this network has no hidden layer, so no h; expected x, y, t, z, δ or err");
}
END_TEST

START_TEST(test_mismatch_messages)
{
    engine_net n = net_of(2, w232);
    static const struct {
        const char *expr;
        int column;
        const char *note, *message;
    } cases[] = {
        {"h ⊙ err", 3, "3×1 ⊙ 2×1: the shapes differ",
         "cannot multiply h (3×1) and err (2×1) element by element: ⊙ needs two operands "
         "of the same shape."},
        {"h .* hᵀ", 3, "3×1 ⊙ 1×3: the shapes differ",
         "cannot multiply h (3×1) and hᵀ (1×3) element by element: .* needs two operands "
         "of the same shape. The shapes fit as h ⊙ h → 3×1. For a matrix product write "
         "h * hᵀ → 3×3."},
        {"h + err", 3, "3×1 + 2×1: the shapes differ",
         "cannot add h (3×1) and err (2×1): + needs two operands of the same shape."},
        {"h - errᵀ", 3, "3×1 − 1×2: the shapes differ",
         "cannot subtract errᵀ (1×2) from h (3×1): − needs two operands of the same shape."},
        {"W_ij = x", 6, "2×3 = 2×1: the shapes differ",
         "the two sides of = have different shapes: W_ij is 2×3, x is 2×1; a gradient or "
         "an update has the shape of the thing it is for."},
        {"err * x", 5, "(2×1)·(2×1): 1 ≠ 2",
         "cannot multiply err (2×1) by x (2×1): a matrix product (a×b)·(c×d) needs b = c, "
         "the columns on the left as many as the rows on the right, and here b = 1, c = 2. "
         "The shapes fit as err ⊙ x (element by element) → 2×1, or as err * xᵀ: "
         "(2×1)·(1×2) → 2×2."},
        /* the 2×1 of the question: W_jk·δ_k done, then times x again */
        {"(W_jk * err) * x", 14, "(3×1)·(2×1): 1 ≠ 2",
         "cannot multiply W_jk * err (3×1) by x (2×1): a matrix product (a×b)·(c×d) needs "
         "b = c, the columns on the left as many as the rows on the right, and here b = 1, "
         "c = 2. The shapes fit as (W_jk * err) * xᵀ: (3×1)·(1×2) → 3×2, or as "
         "x * (W_jk * err)ᵀ: (2×1)·(1×3) → 2×3."},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        shape_result r;
        shape_check(cases[k].expr, &n, CONV_COLUMNS, &r);
        ck_assert_msg(r.status == SHAPE_MISMATCH, "%s", cases[k].expr);
        ck_assert_int_eq(r.error_column, cases[k].column);
        ck_assert_str_eq(r.lines[r.n_lines - 1].note, cases[k].note);
        ck_assert_int_eq(r.lines[r.n_lines - 1].ok, 0);
        ck_assert_str_eq(r.message, cases[k].message);
        shape_result_free(&r);
    }
}
END_TEST

START_TEST(test_parse_errors)
{
    engine_net n = net_of(2, w232);
    static const struct {
        const char *expr;
        int column;
        const char *message;
    } cases[] = {
        {"", 1, "the expression is empty, expected an operand: a name such as W_ij, x or "
                "err, a number, g′(…) or ("},
        {"W_ij * * x", 8, "unexpected '*', expected an operand: a name such as W_ij, x or "
                          "err, a number, g′(…) or ("},
        {"(x", 3, "unexpected end of the expression, expected ) to close the ( at column 1"},
        {"g'(x * (h", 10, "unexpected end of the expression, expected ) to close the ( at column 8"},
        {"x)", 2, "unexpected ), no ( is open"},
        {"x y", 3, "'y' follows x with no operator, expected *, ·, ⊙, .*, + or − between them"},
        {"2x", 2, "'x' follows 2 with no operator, expected *, ·, ⊙, .*, + or − between them"},
        {"g'x", 3, "unexpected 'x', expected ( after g′: g is the activation, written g(…), "
                   "and g′(…) its derivative"},
        {"x = y = t", 7, "unexpected second =, expected one = at most"},
        {"W_ik", 1, "W_ik does not join neighbouring layers, expected W_ij … W_jk"},
        {"W_ji", 1, "W_ji does not join neighbouring layers, expected W_ij … W_jk"},
        {"W_kl", 1, "this network has no W_kl: its weights are W_ij … W_jk (2 weight layers)"},
        {"W_j", 1, "W_j needs two layer letters, expected W_ij … W_jk"},
        {"h_k", 1, "h_k: the output layer's g(z) is y; the hidden layer is h_j"},
        {"h_i", 1, "h_i: layer i is the input, x; the hidden layer is h_j"},
        {"y_j", 1, "y_j: y belongs to the output layer k, expected y or y_k"},
        {"x_j", 1, "x_j: x is the input, layer i, expected x or x_i"},
        {"z_i", 1, "this network has no z_i: z exists for layers j … k"},
        {"δj", 1, "δj: δ does not take the suffix j"},
        {"η_j", 1, "η_j: η does not take the suffix _j"},
        {"x * foo", 5, "unknown name foo, expected W_ij … W_jk, x, h, z, δ, y, t, err, b, η "
                       "or a number"},
        {"W_ijT * x", 1, "unknown name W_ijT, expected W_ijᵀ, W_ij' or W_ij.T for a transpose"},
        {"x.y", 2, "unexpected '.', expected .T (transpose), .* (element by element) or a number"},
        {"x ^ 2", 3, "unexpected '^', expected ^T for a transpose"},
        {"2 × x", 3, "unexpected '×', expected * or · for a matrix product, ⊙ or .* for "
                     "element by element"},
        {"x # y", 3, "unexpected '#', expected names, numbers, operators (* · ⊙ .* + −), "
                     "transposes (ᵀ ' .T) and parentheses"},
        /* columns count characters: ⊙ and ᵀ are one column each, three bytes */
        {"hᵀ ⊙ ⊙ h", 6, "unexpected '⊙', expected an operand: a name such as W_ij, x or "
                        "err, a number, g′(…) or ("},
        {"δ_j ⊙ §", 7, "unexpected character U+00A7, expected names, numbers, operators "
                       "(* · ⊙ .* + −), transposes (ᵀ ' .T) and parentheses"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++)
        expect_parse_error(&n, cases[k].expr, cases[k].column, cases[k].message);
}
END_TEST

START_TEST(test_weird_bytes)
{
    engine_net n = net_of(2, w232);
    expect_parse_error(&n, "x \xff", 3, "invalid UTF-8 (byte 0xFF), expected text in UTF-8");
    expect_parse_error(&n, "δ\xce", 2, "invalid UTF-8 (byte 0xCE), expected text in UTF-8");
    expect_parse_error(&n, "\xc0\xaf", 1, "invalid UTF-8 (byte 0xC0), expected text in UTF-8");
    expect_parse_error(&n, "x*\xed\xa0\x80", 3, "invalid UTF-8 (byte 0xED), expected text in UTF-8");
    expect_parse_error(&n, "\xf4\x90\x80\x80", 1, "invalid UTF-8 (byte 0xF4), expected text in UTF-8");
    expect_parse_error(&n, "x\x01", 2, "control character U+0001, expected an expression on one line");
    expect_parse_error(&n, "x\n+ h", 2, "control character U+000A, expected an expression on one line");
    expect_parse_error(&n, "x\xc2\x85", 2, "control character U+0085, expected an expression on one line");
    /* NULL is the empty expression */
    shape_result r;
    shape_check(NULL, &n, CONV_COLUMNS, &r);
    ck_assert_int_eq(r.status, SHAPE_PARSE_ERROR);
    ck_assert_int_eq(r.error_column, 1);
    shape_result_free(&r);
    /* deterministic random bytes: never a crash, always a valid answer */
    unsigned long long s = 88172645463325252ULL;
    char buf[64];
    for (int k = 0; k < 20000; k++) {
        int len = (int)(k % 63);
        for (int b = 0; b < len; b++) {
            s ^= s << 13; s ^= s >> 7; s ^= s << 17;
            /* mostly the characters the checker reads, some raw bytes */
            static const char alphabet[] = "W_ijkx hyzdterg'()*+-.T=1\xe2\x8a\x99\xe1\xb5\x80";
            buf[b] = (s >> 40) % 4 ? alphabet[(s >> 8) % (sizeof alphabet - 1)] : (char)(s >> 24);
            if (buf[b] == '\0')
                buf[b] = 'x';
        }
        buf[len] = '\0';
        ck_assert_int_eq(shape_check(buf, &n, (engine_conv)(k & 1), &r), 0);
        ck_assert(r.status == SHAPE_FIT || r.status == SHAPE_MISMATCH ||
                  r.status == SHAPE_PARSE_ERROR);
        if (r.status != SHAPE_FIT)
            ck_assert(r.error_column >= 1 && r.error_column <= len + 1);
        shape_result_free(&r);
    }
}
END_TEST

START_TEST(test_limits)
{
    engine_net n = net_of(2, w232);
    char *big = malloc(4100);
    ck_assert_ptr_nonnull(big);
    /* 1000 characters are fine: "x+" 499 times and "xx"... */
    int len = 0;
    for (int k = 0; k < 499; k++) {
        big[len++] = 'x';
        big[len++] = '+';
    }
    big[len++] = 'x';
    big[len++] = ' ';
    big[len] = '\0';
    ck_assert_int_eq(len, 1000);
    expect_fit(&n, CONV_COLUMNS, big, 2, 1);
    big[len++] = 'x';
    big[len] = '\0';
    expect_parse_error(&n, big, 1001, "the expression is longer than 1000 characters");
    /* a number running past the limit */
    memset(big, '7', 1500);
    big[1500] = '\0';
    expect_parse_error(&n, big, 1001, "the expression is longer than 1000 characters");
    /* 1000 three-byte characters are 1000 columns, not 3000 */
    len = 0;
    strcpy(big, "x");
    len = 1;
    for (int k = 0; k < 999; k++) {
        memcpy(big + len, "ᵀ", 3);
        len += 3;
    }
    big[len] = '\0';
    expect_fit(&n, CONV_COLUMNS, big, 1, 2);
    /* 64 levels of nesting are fine, 65 are not */
    len = 0;
    for (int k = 0; k < 64; k++)
        big[len++] = '(';
    big[len++] = 'x';
    for (int k = 0; k < 64; k++)
        big[len++] = ')';
    big[len] = '\0';
    expect_fit(&n, CONV_COLUMNS, big, 2, 1);
    len = 0;
    for (int k = 0; k < 32; k++) {
        memcpy(big + len, "g'(", 3);
        len += 3;
    }
    for (int k = 0; k < 33; k++)
        big[len++] = '(';
    big[len++] = 'x';
    big[len] = '\0';
    expect_parse_error(&n, big, 32 * 3 + 33, "nested deeper than 64 levels of ( and g′(");
    /* 1000 characters of minus signs and of transposes, no deep recursion */
    memset(big, '-', 999);
    big[999] = 'h';
    big[1000] = '\0';
    expect_fit(&n, CONV_COLUMNS, big, 3, 1);
    free(big);
}
END_TEST

START_TEST(test_run_output)
{
    char *text;
    ck_assert_int_eq(run("h * errᵀ", CONV_COLUMNS, 0, &text), 0);
    ck_assert_str_eq(text,
        "h         3×1\n"
        "err       2×1\n"
        "errᵀ      1×2\n"
        "h * errᵀ  3×2\n"
        "→ 3×2\n");
    free(text);
    ck_assert_int_eq(run("h * errᵀ", CONV_COLUMNS, 1, &text), 0);
    ck_assert_str_eq(text,
        "h         3x1\n"
        "err       2x1\n"
        "err'      1x2\n"
        "h * err'  3x2\n"
        "-> 3x2\n");
    free(text);
    ck_assert_int_eq(run("η * δ", CONV_ROWS, 0, &text), 0);
    ck_assert_str_eq(text, "η      scalar\nδ      2×1\nη * δ  2×1\n→ 2×1\n");
    free(text);
    ck_assert_int_eq(run("W_ij * x", CONV_ROWS, 0, &text), 0);
    ck_assert_str_eq(text, "W_ij      3×2\nx         2×1\nW_ij * x  3×1\n→ 3×1\n");
    free(text);
    ck_assert_int_eq(run("W_ij ⊙ x", CONV_COLUMNS, 0, &text), 1);
    ck_assert_str_eq(text,
        "W_ij      2×3\n"
        "x         2×1\n"
        "W_ij ⊙ x  does not fit: 2×3 ⊙ 2×1: the shapes differ\n"
        "  W_ij ⊙ x\n"
        "  ~~~~~^~~\n"
        "→ no shape: column 6: cannot multiply W_ij (2×3) and x (2×1) element by element: "
        "⊙ needs two operands of the same shape.\n");
    free(text);
    ck_assert_int_eq(run("W_ij ⊙ x", CONV_COLUMNS, 1, &text), 1);
    ck_assert_str_eq(text,
        "W_ij       2x3\n"
        "x          2x1\n"
        "W_ij .* x  does not fit: 2x3 .* 2x1: the shapes differ\n"
        "  W_ij .* x\n"
        "  ~~~~~^~~~\n"
        "-> no shape: column 6: cannot multiply W_ij (2x3) and x (2x1) element by element: "
        ".* needs two operands of the same shape.\n");
    free(text);
    ck_assert_int_eq(run("δ ⊙ ⊙ x", CONV_COLUMNS, 0, &text), 2);
    ck_assert_str_eq(text,
        "  δ ⊙ ⊙ x\n"
        "      ^\n"
        "column 5: unexpected '⊙', expected an operand: a name such as W_ij, x or err, "
        "a number, g′(…) or (\n");
    free(text);
    ck_assert_int_eq(run("δ ⊙ ⊙ x", CONV_COLUMNS, 1, &text), 2);
    ck_assert_str_eq(text,
        "  d .* .* x\n"
        "       ^~\n"
        "column 5: unexpected '.*', expected an operand: a name such as W_ij, x or err, "
        "a number, g'(...) or (\n");
    free(text);
    /* raw bytes are never echoed to the terminal */
    ck_assert_int_eq(run("x \x1b[2J\xff", CONV_COLUMNS, 0, &text), 2);
    ck_assert_str_eq(text,
        "  x ?[2J?\n"
        "    ^\n"
        "column 3: control character U+001B, expected an expression on one line\n");
    free(text);
}
END_TEST

START_TEST(test_run_question)
{
    char *text;
    ck_assert_int_eq(run("W_jk * g'(W_ij * x) * x * err", CONV_COLUMNS, 0, &text), 1);
    const char *head =
        "W_jk      3×2\n"
        "W_ij      2×3\n"
        "x         2×1\n"
        "W_ij * x  does not fit: (2×3)·(2×1): 3 ≠ 2\n"
        "  W_jk * g'(W_ij * x) * x * err\n"
        "            ~~~~~^~~\n"
        "→ no shape: column 16: cannot multiply W_ij (2×3) by x (2×1): ";
    ck_assert_int_eq(strncmp(text, head, strlen(head)), 0);
    /* one line at the end */
    const char *rest = text + strlen(head);
    ck_assert_ptr_eq(strchr(rest, '\n'), text + strlen(text) - 1);
    free(text);
    ck_assert_int_eq(run("x * ((W_jk * err) ⊙ g'(W_ijᵀ * x))ᵀ", CONV_COLUMNS, 0, &text), 0);
    const char *tail = "\n→ 2×3\n";
    ck_assert_str_eq(text + strlen(text) - strlen(tail), tail);
    free(text);
}
END_TEST

Suite *shape_suite(void)
{
    Suite *s = suite_create("shape");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_question_formula);
    tcase_add_test(tc, test_question_formula_next_mistake);
    tcase_add_test(tc, test_correct_gradients);
    tcase_add_test(tc, test_scalars);
    tcase_add_test(tc, test_spellings);
    tcase_add_test(tc, test_rows_convention);
    tcase_add_test(tc, test_deeper_network);
    tcase_add_test(tc, test_mismatch_messages);
    tcase_add_test(tc, test_parse_errors);
    tcase_add_test(tc, test_weird_bytes);
    tcase_add_test(tc, test_limits);
    tcase_add_test(tc, test_run_output);
    tcase_add_test(tc, test_run_question);
    suite_add_tcase(s, tc);
    return s;
}

/* check_shape.c - the shape checker: shapes worked out by hand for the
 * question's 2-3-2 network (W_ij 2×3, W_jk 3×2 in the columns convention,
 * 3×2 and 2×3 in rows) and a 2-4-3-2 one, the readings it takes where a
 * product does not fit, the verdict on a gradient, exact messages and
 * rows, and hostile input. */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lesson.h"
#include "shape.h"

static engine_net net_of(int layers, const int *width)
{
    engine_net n;
    memset(&n, 0, sizeof n);
    n.layers = layers;
    for (int k = 0; k <= layers; k++)
        n.width[k] = width[k];
    n.act[0] = ACT_SIGMOID;
    n.act[layers - 1] = ACT_LINEAR;
    return n;
}

static const int w232[] = {2, 3, 2};
static const int w2432[] = {2, 4, 3, 2};

/* Checks expr on net, bare names meaning `layer`, and expects it to fit
 * as rows×cols. */
static void expect_fit_at(const engine_net *net, engine_conv conv, int layer, const char *expr,
                          int rows, int cols)
{
    shape_result r;
    ck_assert_int_eq(shape_check_at(expr, net, conv, layer, &r), 0);
    ck_assert_msg(r.status == SHAPE_FIT, "%s: status %d: %s", expr, r.status, r.message);
    ck_assert_msg(r.rows == rows && r.cols == cols && !r.scalar,
                  "%s: %d×%d, expected %d×%d", expr, r.rows, r.cols, rows, cols);
    ck_assert_int_eq(r.error_column, 0);
    ck_assert_int_eq(r.reached, 1);
    ck_assert_int_eq(r.n_readings, 0);
    ck_assert_int_gt(r.n_lines, 0);
    ck_assert_str_eq(r.message, "");
    shape_result_free(&r);
}

static void expect_fit(const engine_net *net, engine_conv conv, const char *expr, int rows,
                       int cols)
{
    expect_fit_at(net, conv, 0, expr, rows, cols);
}

/* Expects a parse error at column col with exactly this message. */
static void expect_parse_error_at(const engine_net *net, int layer, const char *expr, int col,
                                  const char *msg)
{
    shape_result r;
    ck_assert_int_eq(shape_check_at(expr, net, CONV_COLUMNS, layer, &r), 0);
    ck_assert_msg(r.status == SHAPE_PARSE_ERROR, "%s: status %d", expr, r.status);
    ck_assert_int_eq(r.error_column, col);
    ck_assert_str_eq(r.message, msg);
    ck_assert_int_eq(r.n_lines, 0);
    ck_assert_int_eq(r.reached, 0);
    shape_result_free(&r);
}

static void expect_parse_error(const engine_net *net, const char *expr, int col, const char *msg)
{
    expect_parse_error_at(net, 0, expr, col, msg);
}

/* Runs shape_run_at on lesson l (NULL: the question's network) into a
 * string; returns its exit status. */
static int run_on(const lesson *l, const char *expr, engine_conv conv, int layer, int ascii,
                  char **text)
{
    size_t size;
    FILE *f = open_memstream(text, &size);
    ck_assert_ptr_nonnull(f);
    int rc = shape_run_at(f, expr, l, conv, layer, ascii);
    ck_assert_int_eq(fclose(f), 0);
    return rc;
}

static int run(const char *expr, engine_conv conv, int ascii, char **text)
{
    return run_on(NULL, expr, conv, 0, ascii, text);
}

/* The last line of text, without its newline. */
static const char *last_line(const char *text, char *buf, size_t size)
{
    size_t n = strlen(text);
    ck_assert_int_gt((int)n, 0);
    ck_assert_int_eq(text[n - 1], '\n');
    const char *p = text + n - 1;
    while (p > text && p[-1] != '\n')
        p--;
    snprintf(buf, size, "%.*s", (int)(text + n - 1 - p), p);
    return buf;
}

/* The question's formula as the student wrote it, with its left side. */
static const char student[] = "∂E/∂W_ij = W_jk * g'(W_ij * x) * x * err";

/* ------------------------------------------------------ the question */

START_TEST(test_question_formula)
{
    /* columns: W_ij * x only fits as W_ijᵀ * x (3), W_jk * g′(…) only as
     * W_jkᵀ * g′(…) (2), and the two vectors of 2 that follow only element
     * by element: 2×1 where ∂E/∂W_ij is 2×3 */
    engine_net n = net_of(2, w232);
    shape_result r;
    ck_assert_int_eq(shape_check(student, &n, CONV_COLUMNS, &r), 0);
    ck_assert_int_eq(r.status, SHAPE_MISMATCH);
    ck_assert_int_eq(r.reached, 1);
    ck_assert_int_eq(r.rows, 2);
    ck_assert_int_eq(r.cols, 1);
    ck_assert_int_eq(r.scalar, 0);
    ck_assert_int_eq(r.n_readings, 4);
    ck_assert_int_eq(r.gradient, 1);
    ck_assert_int_eq(r.want_rows, 2);
    ck_assert_int_eq(r.want_cols, 3);
    ck_assert_str_eq(r.target, "∂E/∂W_ij");
    ck_assert_str_eq(r.of, "W_ij");
    ck_assert_str_eq(r.unit, "weight");
    ck_assert_int_eq(r.error_column, 27); /* the * between W_ij and x */
    ck_assert_int_eq(r.error_start, 22);
    ck_assert_int_eq(r.error_length, 8);
    ck_assert_int_eq(r.eq_column, 10);
    ck_assert_str_eq(r.read_as, "((W_jkᵀ * g'(W_ijᵀ * x)) ⊙ x) ⊙ err");
    static const struct {
        const char *text;
        int rows, cols, ok, column, op_column;
        const char *note, *reading;
    } want[] = {
        {"∂E/∂W_ij", 2, 3, 1, 1, 0, "", ""},
        {"W_jk", 3, 2, 1, 12, 0, "", ""},
        {"W_ij", 2, 3, 1, 22, 0, "", ""},
        {"x", 2, 1, 1, 29, 0, "", ""},
        {"W_ij * x", 3, 1, 0, 22, 27, "(2×3)·(2×1): 3 ≠ 2", "W_ijᵀ * x"},
        {"g'(W_ij * x)", 3, 1, 1, 19, 0, "", ""},
        {"W_jk * g'(W_ij * x)", 2, 1, 0, 12, 17, "(3×2)·(3×1): 2 ≠ 3", "W_jkᵀ * g'(W_ijᵀ * x)"},
        {"x", 2, 1, 1, 34, 0, "", ""},
        {"W_jk * g'(W_ij * x) * x", 2, 1, 0, 12, 32, "(2×1)·(2×1): 1 ≠ 2", "(…) ⊙ x"},
        {"err", 2, 1, 1, 38, 0, "", ""},
        {"W_jk * g'(W_ij * x) * x * err", 2, 1, 0, 12, 36, "(2×1)·(2×1): 1 ≠ 2", "(…) ⊙ err"},
    };
    ck_assert_int_eq(r.n_lines, (int)(sizeof want / sizeof want[0]));
    for (int k = 0; k < r.n_lines; k++) {
        const shape_line *ln = &r.lines[k];
        ck_assert_str_eq(ln->text, want[k].text);
        ck_assert_msg(ln->rows == want[k].rows && ln->cols == want[k].cols,
                      "%s: %d×%d", ln->text, ln->rows, ln->cols);
        ck_assert_int_eq(ln->ok, want[k].ok);
        ck_assert_int_eq(ln->reached, 1);
        ck_assert_int_eq(ln->column, want[k].column);
        ck_assert_int_eq(ln->op_column, want[k].op_column);
        ck_assert_str_eq(ln->note, want[k].note);
        ck_assert_str_eq(ln->reading, want[k].reading);
    }
    ck_assert_str_eq(r.message,
        "cannot multiply W_ij (2×3) by x (2×1): a matrix product (a×b)·(c×d) needs b = c, "
        "the columns on the left as many as the rows on the right, and here b = 3, c = 2. "
        "In the columns convention W_ij is 2×3, a row for each of the 2 units of layer i and "
        "a column for each of the 3 of layer j, so W_ij * … takes a vector of layer j "
        "(3 entries, such as h_j or δ_j), and x has 2. It fits read as W_ijᵀ * x → 3×1.");
    ck_assert_str_eq(r.advice,
        "∂E/∂W_ij has one entry per weight: the weight joining unit a of layer i to unit b of "
        "layer j gets x_i[a] · δ_j[b], what that weight carried times the δ of the unit it "
        "feeds. So it has the shape of W_ij, 2×3: 2 rows from x_i, one per input, and 3 "
        "columns from δ_j, one per unit of layer j. All of them at once are the outer product "
        "∂E/∂W_ij = x_i · δ_jᵀ, (2×1)·(1×3) → 2×3, with δ_j = (W_jk · δ_k) ⊙ g′(z_j). A matrix "
        "or element-wise product with x_i pairs its entries off with another vector's and "
        "leaves a vector, one number per unit; only the outer product keeps a number for "
        "every pair.");
    shape_result_free(&r);
    ck_assert_int_eq(r.n_lines, 0);
    ck_assert_ptr_null(r.lines);
    ck_assert_ptr_null(r.read_as);
    ck_assert_ptr_null(r.expr);
}
END_TEST

/* The whole derivation of the student's formula as `backstep --shape`
 * prints it, in both conventions. */
START_TEST(test_question_formula_text)
{
    char *text;
    ck_assert_int_eq(run(student, CONV_COLUMNS, 0, &text), 1);
    ck_assert_str_eq(text,
        "∂E/∂W_ij                         2×3\n"
        "W_jk                             3×2\n"
        "W_ij                             2×3\n"
        "x                                2\n"
        "W_ij * x                         does not fit: (2×3)·(2×1): 3 ≠ 2\n"
        "  read as W_ijᵀ * x              3\n"
        "g'(W_ij * x)                     3\n"
        "W_jk * g'(W_ij * x)              does not fit: (3×2)·(3×1): 2 ≠ 3\n"
        "  read as W_jkᵀ * g'(W_ijᵀ * x)  2\n"
        "x                                2\n"
        "W_jk * g'(W_ij * x) * x          does not fit: (2×1)·(2×1): 1 ≠ 2\n"
        "  read as (…) ⊙ x                2\n"
        "err                              2\n"
        "W_jk * g'(W_ij * x) * x * err    does not fit: (2×1)·(2×1): 1 ≠ 2\n"
        "  read as (…) ⊙ err              2\n"
        "  ∂E/∂W_ij = W_jk * g'(W_ij * x) * x * err\n"
        "           ^      ^    ~~~~~^~~  ^   ^\n"
        "column 27: cannot multiply W_ij (2×3) by x (2×1): a matrix product (a×b)·(c×d) needs "
        "b = c, the columns on the left as many as the rows on the right, and here b = 3, c = "
        "2. In the columns convention W_ij is 2×3, a row for each of the 2 units of layer i "
        "and a column for each of the 3 of layer j, so W_ij * … takes a vector of layer j (3 "
        "entries, such as h_j or δ_j), and x has 2. It fits read as W_ijᵀ * x → 3×1.\n"
        "4 operations do not fit as written. Read the way their shapes fit, as the rows "
        "\"read as\" show, the right side is ((W_jkᵀ * g'(W_ijᵀ * x)) ⊙ x) ⊙ err → 2×1.\n"
        "∂E/∂W_ij has one entry per weight: the weight joining unit a of layer i to unit b of "
        "layer j gets x_i[a] · δ_j[b], what that weight carried times the δ of the unit it "
        "feeds. So it has the shape of W_ij, 2×3: 2 rows from x_i, one per input, and 3 "
        "columns from δ_j, one per unit of layer j. All of them at once are the outer product "
        "∂E/∂W_ij = x_i · δ_jᵀ, (2×1)·(1×3) → 2×3, with δ_j = (W_jk · δ_k) ⊙ g′(z_j). A "
        "matrix or element-wise product with x_i pairs its entries off with another vector's "
        "and leaves a vector, one number per unit; only the outer product keeps a number for "
        "every pair.\n"
        "→ 2×1 as read above, but ∂E/∂W_ij has one entry per weight: 2×3, the shape of W_ij.\n"
);
    free(text);
    /* rows: W_ij is 3×2 and W_jk 2×3, so W_ij * x and W_jk * g′(…) fit as
     * written; the products with x and err are still read element by
     * element, and 2×1 is still not the 3×2 of ∂E/∂W_ij */
    ck_assert_int_eq(run(student, CONV_ROWS, 0, &text), 1);
    ck_assert_str_eq(text,
        "∂E/∂W_ij                             3×2\n"
        "W_jk                                 2×3\n"
        "W_ij                                 3×2\n"
        "x                                    2\n"
        "W_ij * x                             3\n"
        "g'(W_ij * x)                         3\n"
        "W_jk * g'(W_ij * x)                  2\n"
        "x                                    2\n"
        "W_jk * g'(W_ij * x) * x              does not fit: (2×1)·(2×1): 1 ≠ 2\n"
        "  read as (W_jk * g'(W_ij * x)) ⊙ x  2\n"
        "err                                  2\n"
        "W_jk * g'(W_ij * x) * x * err        does not fit: (2×1)·(2×1): 1 ≠ 2\n"
        "  read as (…) ⊙ err                  2\n"
        "  ∂E/∂W_ij = W_jk * g'(W_ij * x) * x * err\n"
        "           ^ ~~~~~~~~~~~~~~~~~~~~^~~ ^\n"
        "column 32: cannot multiply W_jk * g'(W_ij * x) (2×1) by x (2×1): a matrix product "
        "(a×b)·(c×d) needs b = c, the columns on the left as many as the rows on the right, "
        "and here b = 1, c = 2. It fits read as (W_jk * g'(W_ij * x)) ⊙ x → 2×1, element by "
        "element.\n"
        "2 operations do not fit as written. Read the way their shapes fit, as the rows "
        "\"read as\" show, the right side is ((W_jk * g'(W_ij * x)) ⊙ x) ⊙ err → 2×1.\n"
        "∂E/∂W_ij has one entry per weight: the weight joining unit a of layer i to unit b of "
        "layer j gets x_i[a] · δ_j[b], what that weight carried times the δ of the unit it "
        "feeds. So it has the shape of W_ij, 3×2: 3 rows from δ_j, one per unit of layer j, "
        "and 2 columns from x_i, one per input. All of them at once are the outer product "
        "∂E/∂W_ij = δ_j · x_iᵀ, (3×1)·(1×2) → 3×2, with δ_j = (W_jkᵀ · δ_k) ⊙ g′(z_j). A "
        "matrix or element-wise product with x_i pairs its entries off with another vector's "
        "and leaves a vector, one number per unit; only the outer product keeps a number for "
        "every pair.\n"
        "→ 2×1 as read above, but ∂E/∂W_ij has one entry per weight: 3×2, the shape of W_ij.\n"
);
    free(text);
}
END_TEST

/* The five commands the checker is built for, on the question's lesson as
 * `backstep --shape` loads it, in both conventions: exit status and the
 * last line. */
START_TEST(test_done_when)
{
    lesson l;
    lesson_error err;
    ck_assert_msg(lesson_load_default(&l, &err) == 0, "%s", err.message);
    static const struct {
        const char *expr;
        engine_conv conv;
        int rc;
        const char *last;
    } cases[] = {
        {"∂E/∂W_ij = W_jk * g'(W_ij * x) * x * err", CONV_COLUMNS, 1,
         "→ 2×1 as read above, but ∂E/∂W_ij has one entry per weight: 2×3, the shape of W_ij."},
        {"∂E/∂W_ij = W_jk * g'(W_ij * x) * x * err", CONV_ROWS, 1,
         "→ 2×1 as read above, but ∂E/∂W_ij has one entry per weight: 3×2, the shape of W_ij."},
        {"dW_ij = x * ((W_jk * err) ⊙ g'(W_ijᵀ * x))ᵀ", CONV_COLUMNS, 0,
         "→ 2×3, the shape of W_ij, one entry per weight."},
        /* written for columns, read in rows: two products need a transpose
         * and the outer product comes out 2×3 where rows need 3×2 */
        {"dW_ij = x * ((W_jk * err) ⊙ g'(W_ijᵀ * x))ᵀ", CONV_ROWS, 1,
         "→ 2×3 as read above, but dW_ij has one entry per weight: 3×2, the shape of W_ij."},
        {"dW_ij = ((W_jkᵀ * err) ⊙ g'(W_ij * x)) * xᵀ", CONV_ROWS, 0,
         "→ 3×2, the shape of W_ij, one entry per weight."},
        {"G_jk = h_j @ δ_kᵀ", CONV_COLUMNS, 0, "→ 3×2, the shape of W_jk, one entry per weight."},
        {"G_jk = h_j @ δ_kᵀ", CONV_ROWS, 1,
         "→ 3×2, but G_jk has one entry per weight: 2×3, the shape of W_jk."},
        {"G_jk = δ_k @ h_jᵀ", CONV_ROWS, 0, "→ 2×3, the shape of W_jk, one entry per weight."},
        {"outer(h_j, δ_k)", CONV_COLUMNS, 0, "→ 3×2"},
        {"outer(h_j, δ_k)", CONV_ROWS, 0, "→ 3×2"},
        {"h_j ⊗ δ_k", CONV_COLUMNS, 0, "→ 3×2"},
        {"G_jk = outer(h_j, δ_k)", CONV_COLUMNS, 0,
         "→ 3×2, the shape of W_jk, one entry per weight."},
        {"G_jk = outer(δ_k, h_j)", CONV_ROWS, 0,
         "→ 2×3, the shape of W_jk, one entry per weight."},
    };
    char *text, last[1024];
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        int rc = run_on(&l, cases[k].expr, cases[k].conv, 0, 0, &text);
        ck_assert_msg(rc == cases[k].rc, "%s: %d\n%s", cases[k].expr, rc, text);
        ck_assert_str_eq(last_line(text, last, sizeof last), cases[k].last);
        free(text);
    }
    /* a bare b in a lesson without biases: refused, whatever the layer */
    static const char no_b[] =
        "  b\n"
        "  ^\n"
        "column 1: this lesson has no biases, so there is no b; the names here are x_i (2), "
        "h_j (3), y_k (2), t_k and err (2); z_j, z_k, δ_j, δ_k; W_ij (%s), W_jk (%s), their "
        "gradients G_ij … G_jk, η and E.\n";
    char want[1024];
    for (int c = 0; c < CONV_COUNT; c++) {
        for (int layer = 0; layer <= 2; layer++) {
            ck_assert_int_eq(run_on(&l, "b", (engine_conv)c, layer, 0, &text), 2);
            snprintf(want, sizeof want, no_b, c == CONV_ROWS ? "3×2" : "2×3",
                     c == CONV_ROWS ? "2×3" : "3×2");
            ck_assert_str_eq(text, want);
            free(text);
        }
    }
    ck_assert_int_eq(run_on(&l, "b_j + z_j", CONV_COLUMNS, 1, 0, &text), 2);
    ck_assert_ptr_nonnull(strstr(text, "column 1: this lesson has no biases, so there is no b_j;"));
    free(text);
    lesson_free(&l);
}
END_TEST

/* A gradient on the left of = is checked against the shape of what it is
 * the gradient of, and the advice builds it for the convention in force. */
START_TEST(test_gradient_verdicts)
{
    engine_net n = net_of(2, w232);
    shape_result r;
    /* the right shape, but only once x * δ_j is read as x * δ_jᵀ */
    shape_check("∂E/∂W_ij = x * δ_j", &n, CONV_COLUMNS, &r);
    ck_assert_int_eq(r.status, SHAPE_MISMATCH);
    ck_assert_int_eq(r.reached, 1);
    ck_assert_int_eq(r.rows, 2);
    ck_assert_int_eq(r.cols, 3);
    ck_assert_int_eq(r.eq_column, 0);
    ck_assert_str_eq(r.lines[r.n_lines - 1].reading, "x * δ_jᵀ");
    shape_result_free(&r);
    char *text, last[1024];
    ck_assert_int_eq(run("∂E/∂W_ij = x * δ_j", CONV_COLUMNS, 0, &text), 1);
    ck_assert_str_eq(last_line(text, last, sizeof last),
                     "→ 2×3 as read above, the shape of W_ij, but as written the shapes do not "
                     "fit (column 14).");
    free(text);
    /* fits as written, the wrong shape: the reason is the verdict alone */
    ck_assert_int_eq(run("dE/dW_jk = h_j * δ_kᵀ", CONV_ROWS, 0, &text), 1);
    ck_assert_str_eq(text,
        "dE/dW_jk    2×3\n"
        "h_j         3\n"
        "δ_k         2\n"
        "δ_kᵀ        1×2\n"
        "h_j * δ_kᵀ  3×2\n"
        "  dE/dW_jk = h_j * δ_kᵀ\n"
        "  ~~~~~~~~~^~~~~~~~~~~~\n"
        "dE/dW_jk has one entry per weight: the weight joining unit a of layer j to unit b of "
        "layer k gets h_j[a] · δ_k[b], what that weight carried times the δ of the unit it "
        "feeds. So it has the shape of W_jk, 2×3: 2 rows from δ_k, one per unit of layer k, "
        "and 3 columns from h_j, one per unit of layer j. All of them at once are the outer "
        "product dE/dW_jk = δ_k · h_jᵀ, (2×1)·(1×3) → 2×3, with δ_k = err = y_k − t_k, since "
        "the output is linear. A matrix or element-wise product with h_j pairs its entries "
        "off with another vector's and leaves a vector, one number per unit; only the outer "
        "product keeps a number for every pair.\n"
        "→ 3×2, but dE/dW_jk has one entry per weight: 2×3, the shape of W_jk.\n");
    free(text);
    /* biases and layers: one entry per bias or unit */
    engine_net b = n;
    b.has_bias = 1;
    ck_assert_int_eq(shape_check("∂E/∂b_j = W_jk * δ_k", &b, CONV_COLUMNS, &r), 0);
    ck_assert_int_eq(r.status, SHAPE_FIT);
    ck_assert_str_eq(r.of, "b_j");
    ck_assert_str_eq(r.unit, "bias");
    shape_result_free(&r);
    ck_assert_int_eq(shape_check("db_k = δ_j", &b, CONV_COLUMNS, &r), 0);
    ck_assert_int_eq(r.status, SHAPE_MISMATCH);
    ck_assert_str_eq(r.message, "db_k has one entry per bias, 2×1, the shape of b_k, but the "
                                "right side is 3×1.");
    ck_assert_str_eq(r.advice, "db_k has one entry per bias of layer k, 2: a bias adds to one "
                               "unit's sum, so its gradient is that unit's δ, and db_k = δ_k, "
                               "with δ_k = err = y_k − t_k, since the output is linear.");
    shape_result_free(&r);
    ck_assert_int_eq(shape_check("∂E/∂h_j = W_jkᵀ * δ_k", &n, CONV_COLUMNS, &r), 0);
    ck_assert_int_eq(r.status, SHAPE_MISMATCH);
    ck_assert_str_eq(r.of, "h_j");
    ck_assert_str_eq(r.unit, "unit");
    ck_assert_str_eq(r.advice, "∂E/∂h_j has one entry per unit of layer j, 3: it is what the "
                               "layer above sends down, ∂E/∂h_j = W_jk · δ_k.");
    shape_result_free(&r);
    ck_assert_int_eq(shape_check("dx = W_ij * δ_j", &n, CONV_COLUMNS, &r), 0);
    ck_assert_int_eq(r.status, SHAPE_FIT);
    ck_assert_str_eq(r.of, "x_i");
    ck_assert_str_eq(r.unit, "input");
    shape_result_free(&r);
    /* a hidden layer's δ in the advice comes down through the weights above */
    engine_net d = net_of(3, w2432);
    ck_assert_int_eq(shape_check("G_jk = δ_k * h¹_j", &d, CONV_ROWS, &r), 0);
    ck_assert_ptr_nonnull(strstr(r.advice, "G_jk = δ_k · h¹_jᵀ, (3×1)·(1×4) → 3×4, with "
                                           "δ_k = (W_klᵀ · δ_l) ⊙ g′(z_k)."));
    shape_result_free(&r);
    /* softmax with cross-entropy: δ at the output is y − t */
    d.act[2] = ACT_SOFTMAX;
    d.loss = LOSS_CROSS_ENTROPY;
    ck_assert_int_eq(shape_check("G_kl = h²_k * δ_l", &d, CONV_COLUMNS, &r), 0);
    ck_assert_ptr_nonnull(strstr(r.advice, "G_kl = h²_k · δ_lᵀ, (3×1)·(1×2) → 3×2, with "
                                           "δ_l = y_l − t_l for softmax with cross-entropy."));
    shape_result_free(&r);
    /* outer products by name */
    char buf[64];
    shape_outer_product(&n, CONV_COLUMNS, 1, buf, sizeof buf);
    ck_assert_str_eq(buf, "x_i · δ_jᵀ");
    shape_outer_product(&n, CONV_ROWS, 1, buf, sizeof buf);
    ck_assert_str_eq(buf, "δ_j · x_iᵀ");
    shape_outer_product(&d, CONV_COLUMNS, 3, buf, sizeof buf);
    ck_assert_str_eq(buf, "h²_k · δ_lᵀ");
    shape_outer_product(&d, CONV_COLUMNS, 4, buf, sizeof buf);
    ck_assert_str_eq(buf, "");
}
END_TEST

/* Where a product does not fit, the reading a student most likely meant:
 * element by element for two operands of one shape, else a transpose that
 * keeps vectors standing as columns. */
START_TEST(test_readings)
{
    engine_net n = net_of(2, w232);
    static const struct {
        const char *expr;
        engine_conv conv;
        const char *reading;
        int rows, cols;
    } cases[] = {
        {"err * x", CONV_COLUMNS, "err ⊙ x", 2, 1},
        {"W_ij * x", CONV_COLUMNS, "W_ijᵀ * x", 3, 1},
        {"x * W_ij", CONV_COLUMNS, "W_ijᵀ * x", 3, 1},
        {"x * δ_j", CONV_COLUMNS, "x * δ_jᵀ", 2, 3},
        {"δ_j * x", CONV_ROWS, "δ_j * xᵀ", 3, 2},
        {"W_ijᵀ * x", CONV_ROWS, "W_ij * x", 3, 1},
        {"W_jk · err", CONV_ROWS, "W_jkᵀ · err", 3, 1},
        {"h .* hᵀ", CONV_COLUMNS, "h .* h", 3, 1},
        {"W_ij ⊙ x", CONV_ROWS, "W_ij * x", 3, 1},
        {"h + hᵀ", CONV_COLUMNS, "h + h", 3, 1},
        {"x @ W_jk", CONV_COLUMNS, "W_jk @ x", 3, 1},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        shape_result r;
        shape_check(cases[k].expr, &n, cases[k].conv, &r);
        ck_assert_msg(r.status == SHAPE_MISMATCH && r.reached, "%s", cases[k].expr);
        ck_assert_int_eq(r.n_readings, 1);
        const shape_line *ln = &r.lines[r.n_lines - 1];
        ck_assert_int_eq(ln->ok, 0);
        ck_assert_str_eq(ln->reading, cases[k].reading);
        ck_assert_msg(r.rows == cases[k].rows && r.cols == cases[k].cols, "%s: %d×%d",
                      cases[k].expr, r.rows, r.cols);
        shape_result_free(&r);
    }
    /* no reading fits: the derivation stops there */
    shape_result r;
    shape_check("W_jk * (h + err) * x", &n, CONV_COLUMNS, &r);
    ck_assert_int_eq(r.status, SHAPE_MISMATCH);
    ck_assert_int_eq(r.reached, 0);
    ck_assert_int_eq(r.n_lines, 4);
    ck_assert_str_eq(r.lines[3].text, "h + err");
    ck_assert_int_eq(r.lines[3].reached, 0);
    ck_assert_int_eq(r.lines[3].rows, 0);
    ck_assert_str_eq(r.lines[3].reading, "");
    ck_assert_ptr_null(r.read_as);
    shape_result_free(&r);
    /* readings nest: the whole expression as read */
    shape_check("(W_jk * err) * x", &n, CONV_COLUMNS, &r);
    ck_assert_str_eq(r.lines[r.n_lines - 1].reading, "(W_jk * err) * xᵀ");
    ck_assert_int_eq(r.rows, 3);
    ck_assert_int_eq(r.cols, 2);
    shape_result_free(&r);
    shape_check("g'(W_ij * x) ⊙ (W_jk * err) + W_ij * x", &n, CONV_COLUMNS, &r);
    ck_assert_int_eq(r.n_readings, 2);
    ck_assert_str_eq(r.read_as, "g'(W_ijᵀ * x) ⊙ (W_jk * err) + W_ijᵀ * x");
    shape_result_free(&r);
}
END_TEST

/* --------------------------------------------------------- shapes that fit */

START_TEST(test_correct_gradients)
{
    engine_net n = net_of(2, w232);
    shape_result r;
    const char *expr = "x * ((W_jk * err) ⊙ g'(W_ijᵀ * x))ᵀ";
    shape_check(expr, &n, CONV_COLUMNS, &r);
    ck_assert_int_eq(r.status, SHAPE_FIT);
    ck_assert_int_eq(r.rows, 2);
    ck_assert_int_eq(r.cols, 3);
    ck_assert_ptr_null(r.read_as);
    ck_assert_str_eq(r.advice, "");
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
        ck_assert_int_eq(r.lines[k].op_column, 0);
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
    engine_net b = n;
    b.has_bias = 1;
    expect_fit(&b, CONV_COLUMNS, "b_j + W_ijᵀ * x", 3, 1);
    expect_fit(&b, CONV_COLUMNS, "∂E/∂b_k = δ_k", 2, 1);
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
    ck_assert_int_eq(r.reached, 0);
    ck_assert_int_eq(r.eq_column, 3);
    shape_result_free(&r);
    /* but a 1×1 inner product may equal one */
    expect_fit(&n, CONV_COLUMNS, "E = 0.5 * errᵀ * err", 1, 1);
}
END_TEST

START_TEST(test_spellings)
{
    engine_net n = net_of(2, w232);
    n.has_bias = 1;
    /* each group spells the same expression, so the same shape */
    static const struct {
        const char *expr;
        int rows, cols;
    } same[] = {
        {"δ_j", 3, 1}, {"d_j", 3, 1}, {"delta_j", 3, 1}, {"δ1", 3, 1}, {"d¹", 3, 1},
        {"δ_k", 2, 1}, {"err", 2, 1}, {"err_k", 2, 1}, {"y_k", 2, 1}, {"t_k", 2, 1},
        {"g′(z_j)", 3, 1}, {"g'(z_j)", 3, 1}, {"g’(z_j)", 3, 1}, {"g(z_j)", 3, 1},
        {"σ′(z_j)", 3, 1}, {"σ(z_j)", 3, 1},
        {"z_k", 2, 1}, {"z2", 2, 1}, {"z₂", 2, 1}, {"b_j", 3, 1}, {"b2", 2, 1},
        {"xᵀ", 1, 2}, {"x'", 1, 2}, {"x′", 1, 2}, {"x.T", 1, 2}, {"x^T", 1, 2}, {"xT", 1, 2},
        {"x''", 2, 1}, {"x_i", 2, 1}, {"x_0", 2, 1}, {"δ_kT", 1, 2},
        {"W_jk * err", 3, 1}, {"W_jk · err", 3, 1}, {"W_jk ⋅ err", 3, 1}, {"W_jk*err", 3, 1},
        {"W_jk @ err", 3, 1},
        {"W2 * err", 3, 1}, {"W² * err", 3, 1}, {"W_2 * err", 3, 1}, {"W₂ * err", 3, 1},
        {"h ⊙ h", 3, 1}, {"h .* h", 3, 1}, {"h∘h", 3, 1}, {"h (.) h", 3, 1},
        {"h¹", 3, 1}, {"h1", 3, 1}, {"h_j", 3, 1}, {"h", 3, 1}, {"h_1", 3, 1}, {"h¹_j", 3, 1},
        {"y − t", 2, 1}, {"y - t", 2, 1}, {"y_k -\tt_k", 2, 1},
        {"(((x)))", 2, 1}, {"+x", 2, 1}, {"- -x", 2, 1},
        {"W_ij.T", 3, 2}, {"(W_ij)ᵀ", 3, 2}, {"W_ijᵀᵀ", 2, 3}, {"W_ijT", 3, 2},
        /* outer products */
        {"outer(h_j, δ_k)", 3, 2}, {"outer(x,δ_j)", 2, 3}, {"h_j ⊗ δ_k", 3, 2},
        {"x ⊗ δ_jᵀ", 2, 3}, {"outer(x, δ_j)ᵀ", 3, 2}, {"h_j @ δ_kᵀ", 3, 2},
        /* gradients: the shape of what they are of */
        {"∂E/∂W_ij", 2, 3}, {"dE/dW_ij", 2, 3}, {"dE / dW_ij", 2, 3}, {"∂E / ∂W_jk", 3, 2},
        {"dW_ij", 2, 3}, {"dW1", 2, 3}, {"dW²", 3, 2}, {"G1", 2, 3}, {"G_jk", 3, 2},
        {"∂E/∂h_j", 3, 1}, {"dh_j", 3, 1}, {"∂E/∂y_k", 2, 1}, {"dy", 2, 1}, {"dz_k", 2, 1},
        {"∂E/∂x", 2, 1}, {"dx_i", 2, 1}, {"∂E/∂b_j", 3, 1}, {"db_k", 2, 1},
        {"∂E/∂W_ijᵀ", 3, 2}, {"dW_ijT", 3, 2},
    };
    for (size_t k = 0; k < sizeof same / sizeof same[0]; k++)
        expect_fit(&n, CONV_COLUMNS, same[k].expr, same[k].rows, same[k].cols);
}
END_TEST

/* Bare δ, z and b mean the layer the caller names (the step in view) and
 * are refused, naming the choices, when it names none. */
START_TEST(test_layer_of_the_step)
{
    engine_net n = net_of(2, w232);
    n.has_bias = 1;
    static const char *const bare[] = {"δ", "d", "delta", "z", "b"};
    for (size_t k = 0; k < sizeof bare / sizeof bare[0]; k++) {
        expect_fit_at(&n, CONV_COLUMNS, 1, bare[k], 3, 1);
        expect_fit_at(&n, CONV_ROWS, 2, bare[k], 2, 1);
    }
    expect_fit_at(&n, CONV_COLUMNS, 1, "W_jk * δ_k ⊙ g'(z) + b", 3, 1);
    expect_fit_at(&n, CONV_COLUMNS, 2, "h * δᵀ", 3, 2);
    expect_fit_at(&n, CONV_COLUMNS, 1, "G_ij = x * δᵀ", 2, 3);
    /* an explicit layer is taken as written */
    expect_fit_at(&n, CONV_COLUMNS, 1, "δ_k", 2, 1);
    expect_parse_error_at(&n, 0, "η * δ", 5,
        "δ alone does not say which layer, and no step in view says it; this network has "
        "δ_j (3) and δ_k (2).");
    expect_parse_error_at(&n, 0, "d", 1,
        "d alone does not say which layer, and no step in view says it; this network has "
        "δ_j (3) and δ_k (2).");
    expect_parse_error_at(&n, 3, "z", 1,
        "z alone does not say which layer, and no step in view says it; this network has "
        "z_j (3) and z_k (2).");
    expect_parse_error_at(&n, 0, "x + b", 5,
        "b alone does not say which layer, and no step in view says it; this network has "
        "b_j (3) and b_k (2).");
    expect_parse_error_at(&n, 1, "z_9", 1, "this network has no z_9; it has z_j (3) and z_k (2).");
    /* a deeper network lists every layer */
    engine_net d = net_of(3, w2432);
    expect_parse_error_at(&d, 0, "δ", 1,
        "δ alone does not say which layer, and no step in view says it; this network has "
        "δ_j (4), δ_k (3) and δ_l (2).");
    expect_fit_at(&d, CONV_COLUMNS, 2, "δ", 3, 1);
}
END_TEST

START_TEST(test_rows_convention)
{
    /* as in the engine: W is outputs × inputs (W_ij 3×2), vectors stay
     * columns, z = W·a, sent down Wᵀ·δ, gradient δ·aᵀ */
    engine_net n = net_of(2, w232);
    n.has_bias = 1;
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
    expect_fit(&n, CONV_ROWS, "∂E/∂W_jk = outer(δ_k, h_j)", 2, 3);
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
        "It fits read as W_jkᵀ * err → 3×1.");
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
        "It fits read as W_ij * x → 3×1.");
    shape_result_free(&r);
    /* the columns convention's gradient has the transposed shape */
    shape_check("G_ij = x * δ_jᵀ", &n, CONV_ROWS, &r);
    ck_assert_int_eq(r.status, SHAPE_MISMATCH);
    ck_assert_int_eq(r.reached, 1);
    ck_assert_int_eq(r.eq_column, 6);
    ck_assert_str_eq(r.message, "G_ij has one entry per weight, 3×2, the shape of W_ij, but "
                                "the right side is 2×3.");
    shape_result_free(&r);
    /* a row vector times W: the reading puts the column on the right */
    shape_check("xᵀ * W_ij", &n, CONV_ROWS, &r);
    ck_assert_int_eq(r.status, SHAPE_MISMATCH);
    ck_assert_str_eq(r.lines[r.n_lines - 1].note, "(1×2)·(3×2): 2 ≠ 3");
    ck_assert_str_eq(r.lines[r.n_lines - 1].reading, "W_ij * x");
    ck_assert_int_eq(r.rows, 3);
    ck_assert_int_eq(r.cols, 1);
    shape_result_free(&r);
}
END_TEST

START_TEST(test_deeper_network)
{
    engine_net n = net_of(3, w2432);
    expect_fit(&n, CONV_COLUMNS, "W_kl", 3, 2);
    expect_fit(&n, CONV_COLUMNS, "W3", 3, 2);
    expect_fit(&n, CONV_COLUMNS, "h_k * δ_lᵀ", 3, 2);
    expect_fit(&n, CONV_COLUMNS, "h²_k * δ_lᵀ", 3, 2);
    expect_fit(&n, CONV_COLUMNS, "h¹_j", 4, 1);
    expect_fit(&n, CONV_COLUMNS, "h² * δ_lᵀ", 3, 2);
    expect_fit(&n, CONV_COLUMNS, "(W_jk * δ_k) ⊙ g'(z_j)", 4, 1);
    expect_fit(&n, CONV_COLUMNS, "x * δ_jᵀ", 2, 4);
    expect_parse_error(&n, "h", 1,
        "h alone does not say which layer, with 2 hidden layers; the hidden layers are "
        "h¹_j … h²_k.");
    expect_parse_error(&n, "W * x", 1,
        "W alone does not say which weights, with 3 weight layers; expected W_ij … W_kl.");
    expect_parse_error(&n, "W_lm", 1,
        "this network has no W_lm: its weights are W_ij … W_kl (3 weight layers).");
    expect_parse_error(&n, "h_l", 1,
        "h_l: the output layer's g(z) is y_l; the hidden layers are h¹_j … h²_k.");
    expect_parse_error(&n, "h¹_k", 1, "h¹_k: h does not take the suffix ¹_k.");
    /* one weight layer: bare W is fine, h does not exist */
    static const int w21[] = {2, 1};
    engine_net one = net_of(1, w21);
    expect_fit_at(&one, CONV_COLUMNS, 1, "x * δᵀ", 2, 1);
    expect_fit(&one, CONV_COLUMNS, "W", 2, 1);
    expect_parse_error(&one, "h", 1,
        "this network has no hidden layer, so no h; expected x_i, y_j, t_j, z_j, δ_j or err.");
}
END_TEST

START_TEST(test_mismatch_messages)
{
    engine_net n = net_of(2, w232);
    static const struct {
        const char *expr;
        int column, reached;
        const char *note, *message;
    } cases[] = {
        {"h ⊙ err", 3, 0, "3×1 ⊙ 2×1: the shapes differ",
         "cannot multiply h (3×1) and err (2×1) element by element: ⊙ needs two operands "
         "of the same shape."},
        {"h .* hᵀ", 3, 1, "3×1 ⊙ 1×3: the shapes differ",
         "cannot multiply h (3×1) and hᵀ (1×3) element by element: .* needs two operands "
         "of the same shape. It fits read as h .* h → 3×1, or as h * hᵀ → 3×3."},
        {"h + err", 3, 0, "3×1 + 2×1: the shapes differ",
         "cannot add h (3×1) and err (2×1): + needs two operands of the same shape."},
        {"h - errᵀ", 3, 0, "3×1 − 1×2: the shapes differ",
         "cannot subtract errᵀ (1×2) from h (3×1): − needs two operands of the same shape."},
        {"err * x", 5, 1, "(2×1)·(2×1): 1 ≠ 2",
         "cannot multiply err (2×1) by x (2×1): a matrix product (a×b)·(c×d) needs b = c, "
         "the columns on the left as many as the rows on the right, and here b = 1, c = 2. "
         "It fits read as err ⊙ x → 2×1, element by element, or as err * xᵀ → 2×2."},
        /* the 2×1 of the question: W_jk·δ_k done, then times x again */
        {"(W_jk * err) * x", 14, 1, "(3×1)·(2×1): 1 ≠ 2",
         "cannot multiply W_jk * err (3×1) by x (2×1): a matrix product (a×b)·(c×d) needs "
         "b = c, the columns on the left as many as the rows on the right, and here b = 1, "
         "c = 2. It fits read as (W_jk * err) * xᵀ → 3×2, or as x * (W_jk * err)ᵀ → 2×3."},
        {"outer(W_ij, x)", 1, 0, "outer(2×3, 2×1): not two vectors",
         "cannot take the outer product of W_ij (2×3) and x (2×1): outer(a, b) and a ⊗ b "
         "make a·bᵀ from two vectors."},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        shape_result r;
        shape_check(cases[k].expr, &n, CONV_COLUMNS, &r);
        ck_assert_msg(r.status == SHAPE_MISMATCH, "%s", cases[k].expr);
        ck_assert_int_eq(r.error_column, cases[k].column);
        ck_assert_int_eq(r.reached, cases[k].reached);
        ck_assert_str_eq(r.lines[r.n_lines - 1].note, cases[k].note);
        ck_assert_int_eq(r.lines[r.n_lines - 1].ok, 0);
        ck_assert_int_eq(r.lines[r.n_lines - 1].reached, cases[k].reached);
        ck_assert_str_eq(r.message, cases[k].message);
        shape_result_free(&r);
    }
    /* an = whose sides differ, with no gradient on the left */
    shape_result r;
    shape_check("W_ij = x", &n, CONV_COLUMNS, &r);
    ck_assert_int_eq(r.status, SHAPE_MISMATCH);
    ck_assert_int_eq(r.reached, 0);
    ck_assert_int_eq(r.gradient, 0);
    ck_assert_int_eq(r.eq_column, 6);
    ck_assert_int_eq(r.error_column, 6);
    ck_assert_int_eq(r.n_lines, 2);
    ck_assert_str_eq(r.message, "the two sides of = have different shapes: W_ij is 2×3, x is "
                                "2×1; a gradient or an update has the shape of the thing it is "
                                "for.");
    shape_result_free(&r);
}
END_TEST

/* ------------------------------------------------------ what is refused */

#define OPERAND "expected an operand: a name such as W_ij, x_i or δ_k, a number, g′(…), " \
                "outer(…, …) or an opening parenthesis."
#define ANY "expected names, numbers, products (* · @ ⊙ .* ⊗), + and −, transposes " \
            "(ᵀ ^T .T '), commas and parentheses."
#define NAMES "x_i (2), h_j (3), y_k (2), t_k and err (2); z_j, z_k, δ_j, δ_k; W_ij (2×3), " \
              "W_jk (3×2), their gradients G_ij … G_jk, η and E"

START_TEST(test_parse_errors)
{
    engine_net n = net_of(2, w232);
    static const struct {
        const char *expr;
        int column;
        const char *message;
    } cases[] = {
        {"", 1, "the expression is empty; " OPERAND},
        {"W_ij * * x", 8, "unexpected '*'; " OPERAND},
        {"(x", 3, "unexpected end of the expression; expected ) to close the ( at column 1."},
        {"g'(x * (h", 10, "unexpected end of the expression; expected ) to close the ( at "
                          "column 8."},
        {"x)", 2, "unexpected ); no ( is open."},
        {"x y", 3, "'y' follows x with no operator; expected *, ·, @, ⊙, .*, ⊗, + or − "
                   "between them."},
        {"2x", 2, "'x' follows 2 with no operator; expected *, ·, @, ⊙, .*, ⊗, + or − "
                  "between them."},
        {"g'x", 3, "unexpected 'x'; expected ( after g′: g is the activation, written g(…), "
                   "and g′(…) its derivative."},
        {"x = y = t", 7, "unexpected second =; expected one = at most."},
        {"W_ik", 1, "W_ik does not join neighbouring layers; expected W_ij … W_jk."},
        {"W_ji", 1, "W_ji does not join neighbouring layers; expected W_ij … W_jk."},
        {"W_kl", 1, "this network has no W_kl: its weights are W_ij … W_jk (2 weight layers)."},
        {"W_j", 1, "W_j needs two layer letters; expected W_ij … W_jk."},
        {"W", 1, "W alone does not say which weights, with 2 weight layers; expected "
                 "W_ij … W_jk."},
        {"h_k", 1, "h_k: the output layer's g(z) is y_k; the hidden layer is h_j."},
        {"h_i", 1, "h_i: layer i is the input, x_i; the hidden layer is h_j."},
        {"y_j", 1, "y_j: y belongs to the output layer k; expected y or y_k."},
        {"x_j", 1, "x_j: x is the input, layer i; expected x or x_i."},
        {"z_i", 1, "this network has no z_i; it has z_j (3) and z_k (2)."},
        {"δj", 1, "δj: δ does not take the suffix j."},
        {"η_j", 1, "η_j: η does not take the suffix _j."},
        {"x * foo", 5, "unknown name foo; the names here are " NAMES "."},
        {"b_j", 1, "this lesson has no biases, so there is no b_j; the names here are "
                   NAMES "."},
        {"x.y", 2, "unexpected '.'; expected .T (transpose), .* (element by element) or a "
                   "number."},
        {"x ^ 2", 3, "unexpected '^'; expected ^T for a transpose."},
        {"2 × x", 3, "unexpected '×'; expected * or · for a matrix product, ⊙ or .* for "
                     "element by element."},
        {"x # y", 3, "unexpected '#'; " ANY},
        /* columns count characters: ⊙ and ᵀ are one column each, three bytes */
        {"hᵀ ⊙ ⊙ h", 6, "unexpected '⊙'; " OPERAND},
        {"δ_j ⊙ §", 7, "unexpected character U+00A7; " ANY},
        {"outer x", 7, "unexpected 'x'; expected ( after outer: outer(a, b) is the outer "
                       "product a·bᵀ of two vectors."},
        {"outer(x)", 8, "unexpected ')'; expected a comma after the first vector of the "
                        "outer( at column 6."},
        {"outer(x, h", 11, "unexpected end of the expression; expected ) to close the outer( "
                           "at column 6."},
        {"x, h", 2, "unexpected ','; a comma only separates the two vectors of outer(a, b)."},
        {"∂E/∂ x", 5, "expected a name after ∂E/∂, such as ∂E/∂W_ij."},
        {"∂x", 1, "unexpected '∂'; expected ∂E/∂ and a name, such as ∂E/∂W_ij."},
        {"∂E/∂t_k = y", 1, "∂E/∂t_k is not a gradient backstep works out; expected the "
                           "gradient of a weight, a bias or a layer, such as ∂E/∂W_ij, "
                           "∂E/∂b_j or ∂E/∂h_j."},
        {"dE/ddW_ij", 1, "dE/ddW_ij names a gradient twice; write dE/dW_ij or dW_ij."},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++)
        expect_parse_error(&n, cases[k].expr, cases[k].column, cases[k].message);
}
END_TEST

START_TEST(test_weird_bytes)
{
    engine_net n = net_of(2, w232);
    expect_parse_error(&n, "x \xff", 3, "invalid UTF-8 (byte 0xFF); expected text in UTF-8.");
    expect_parse_error(&n, "δ\xce", 2, "invalid UTF-8 (byte 0xCE); expected text in UTF-8.");
    expect_parse_error(&n, "\xc0\xaf", 1, "invalid UTF-8 (byte 0xC0); expected text in UTF-8.");
    expect_parse_error(&n, "x*\xed\xa0\x80", 3, "invalid UTF-8 (byte 0xED); expected text in "
                                                "UTF-8.");
    expect_parse_error(&n, "\xf4\x90\x80\x80", 1, "invalid UTF-8 (byte 0xF4); expected text in "
                                                  "UTF-8.");
    expect_parse_error(&n, "x\x01", 2, "control character U+0001; expected an expression on "
                                       "one line.");
    expect_parse_error(&n, "x\n+ h", 2, "control character U+000A; expected an expression on "
                                        "one line.");
    expect_parse_error(&n, "x\xc2\x85", 2, "control character U+0085; expected an expression "
                                           "on one line.");
    /* NULL is the empty expression */
    shape_result r;
    shape_check(NULL, &n, CONV_COLUMNS, &r);
    ck_assert_int_eq(r.status, SHAPE_PARSE_ERROR);
    ck_assert_int_eq(r.error_column, 1);
    shape_result_free(&r);
    /* deterministic random bytes: never a crash, always a valid answer,
     * and rows that end in a verdict */
    unsigned long long s = 88172645463325252ULL;
    char buf[64];
    for (int k = 0; k < 20000; k++) {
        int len = (int)(k % 63);
        for (int b = 0; b < len; b++) {
            s ^= s << 13; s ^= s >> 7; s ^= s << 17;
            /* mostly the characters the checker reads, some raw bytes */
            static const char alphabet[] = "W_ijkx hyzdterg'()*+-.T=1,@\xe2\x8a\x99\xe1\xb5\x80"
                                           "\xe2\x88\x82" "E/outer";
            buf[b] = (s >> 40) % 4 ? alphabet[(s >> 8) % (sizeof alphabet - 1)] : (char)(s >> 24);
            if (buf[b] == '\0')
                buf[b] = 'x';
        }
        buf[len] = '\0';
        ck_assert_int_eq(shape_check_at(buf, &n, (engine_conv)(k & 1), k % 3, &r), 0);
        ck_assert(r.status == SHAPE_FIT || r.status == SHAPE_MISMATCH ||
                  r.status == SHAPE_PARSE_ERROR);
        if (r.status != SHAPE_FIT)
            ck_assert(r.error_column >= 1 && r.error_column <= len + 1);
        if (r.status == SHAPE_MISMATCH)
            ck_assert(r.message[0] != '\0');
        shape_rows rows;
        ck_assert_int_eq(shape_render(&r, k & 2, &rows), 0);
        ck_assert_int_gt(rows.n, 0);
        ck_assert_int_eq(rows.rows[rows.n - 1].kind, SHAPE_ROW_VERDICT);
        shape_rows_free(&rows);
        shape_result_free(&r);
    }
}
END_TEST

START_TEST(test_limits)
{
    engine_net n = net_of(2, w232);
    char *big = malloc(4100);
    ck_assert_ptr_nonnull(big);
    /* 1000 characters are fine: "x+" 499 times and "x " */
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
    expect_parse_error(&n, big, 1001, "the expression is longer than 1000 characters.");
    /* a number running past the limit */
    memset(big, '7', 1500);
    big[1500] = '\0';
    expect_parse_error(&n, big, 1001, "the expression is longer than 1000 characters.");
    /* a name whose glued T would be the 1001st character */
    memset(big, ' ', 998);
    memcpy(big + 998, "xT", 3);
    expect_fit(&n, CONV_COLUMNS, big, 1, 2);
    memset(big, ' ', 999);
    memcpy(big + 999, "xT", 3);
    expect_parse_error(&n, big, 1001, "the expression is longer than 1000 characters.");
    /* 1000 three-byte characters are 1000 columns, not 3000 */
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
    expect_parse_error(&n, big, 32 * 3 + 33, "nested deeper than 64 levels of (, g′( and outer(.");
    len = 0;
    for (int k = 0; k < 65; k++) {
        memcpy(big + len, "outer(", 6);
        len += 6;
    }
    big[len] = '\0';
    expect_parse_error(&n, big, 64 * 6 + 6, "nested deeper than 64 levels of (, g′( and outer(.");
    /* 1000 characters of minus signs, no deep recursion */
    memset(big, '-', 999);
    big[999] = 'h';
    big[1000] = '\0';
    expect_fit(&n, CONV_COLUMNS, big, 3, 1);
    /* an early error in a long expression: the echo stops after 1001
     * characters, the marks under the error */
    memset(big, 'x', 1100);
    big[1] = '\n';
    big[1100] = '\0';
    expect_parse_error(&n, big, 2, "control character U+000A; expected an expression on one "
                                   "line.");
    shape_result pe;
    shape_rows echo;
    shape_check(big, &n, CONV_COLUMNS, &pe);
    ck_assert_int_eq(shape_render(&pe, 0, &echo), 0);
    ck_assert_int_eq(echo.n, 3);
    ck_assert_int_eq((int)strlen(echo.rows[0].text), 2 + 1001);
    ck_assert_str_eq(echo.rows[1].text, "   ^");
    shape_rows_free(&echo);
    shape_result_free(&pe);
    /* 333 misfits in a row, each read element by element */
    len = 0;
    big[len++] = 'x';
    for (int k = 0; k < 333; k++) {
        memcpy(big + len, "*x", 2);
        len += 2;
    }
    big[len] = '\0';
    shape_result r;
    ck_assert_int_eq(shape_check(big, &n, CONV_COLUMNS, &r), 0);
    ck_assert_int_eq(r.status, SHAPE_MISMATCH);
    ck_assert_int_eq(r.reached, 1);
    ck_assert_int_eq(r.n_readings, 333);
    ck_assert_int_eq(r.rows, 2);
    ck_assert_int_eq(r.cols, 1);
    shape_rows rows;
    ck_assert_int_eq(shape_render(&r, 0, &rows), 0);
    ck_assert_int_eq(rows.rows[rows.n - 1].kind, SHAPE_ROW_VERDICT);
    shape_rows_free(&rows);
    shape_result_free(&r);
    free(big);
}
END_TEST

/* ----------------------------------------------------------- the output */

START_TEST(test_run_output)
{
    char *text;
    ck_assert_int_eq(run("h * errᵀ", CONV_COLUMNS, 0, &text), 0);
    ck_assert_str_eq(text,
        "h         3\n"
        "err       2\n"
        "errᵀ      1×2\n"
        "h * errᵀ  3×2\n"
        "→ 3×2\n");
    free(text);
    /* ASCII as text_ascii writes it, which the checker reads back */
    ck_assert_int_eq(run("h * errᵀ", CONV_COLUMNS, 1, &text), 0);
    ck_assert_str_eq(text,
        "h          3\n"
        "err        2\n"
        "err^T      1x2\n"
        "h * err^T  3x2\n"
        "-> 3x2\n");
    free(text);
    ck_assert_int_eq(run("η * δ_k", CONV_ROWS, 0, &text), 0);
    ck_assert_str_eq(text, "η        scalar\nδ_k      2\nη * δ_k  2\n→ 2×1\n");
    free(text);
    ck_assert_int_eq(run("W_ij * x", CONV_ROWS, 0, &text), 0);
    ck_assert_str_eq(text, "W_ij      3×2\nx         2\nW_ij * x  3\n→ 3×1\n");
    free(text);
    ck_assert_int_eq(run("W_ij ⊙ x", CONV_COLUMNS, 0, &text), 1);
    ck_assert_str_eq(text,
        "W_ij      2×3\n"
        "x         2\n"
        "W_ij ⊙ x  does not fit: 2×3 ⊙ 2×1: the shapes differ\n"
        "  W_ij ⊙ x\n"
        "  ~~~~~^~~\n"
        "→ no shape: column 6: cannot multiply W_ij (2×3) and x (2×1) element by element: "
        "⊙ needs two operands of the same shape.\n");
    free(text);
    ck_assert_int_eq(run("W_ij ⊙ x", CONV_COLUMNS, 1, &text), 1);
    ck_assert_str_eq(text,
        "W_ij        2x3\n"
        "x           2\n"
        "W_ij (.) x  does not fit: 2x3 (.) 2x1: the shapes differ\n"
        "  W_ij (.) x\n"
        "  ~~~~~^~~~~\n"
        "-> no shape: column 6: cannot multiply W_ij (2x3) and x (2x1) element by element: "
        "(.) needs two operands of the same shape.\n");
    free(text);
    /* read the way it fits: one reading, the whole expression */
    ck_assert_int_eq(run("W_ij ⊙ x", CONV_ROWS, 0, &text), 1);
    ck_assert_str_eq(text,
        "W_ij                3×2\n"
        "x                   2\n"
        "W_ij ⊙ x            does not fit: 3×2 ⊙ 2×1: the shapes differ\n"
        "  read as W_ij * x  3\n"
        "  W_ij ⊙ x\n"
        "  ~~~~~^~~\n"
        "column 6: cannot multiply W_ij (3×2) and x (2×1) element by element: ⊙ needs two "
        "operands of the same shape. It fits read as W_ij * x → 3×1.\n"
        "→ 3×1 as read above; as written the shapes do not fit (column 6).\n");
    free(text);
    ck_assert_int_eq(run("h ⊙ ⊙ x", CONV_COLUMNS, 0, &text), 2);
    ck_assert_str_eq(text,
        "  h ⊙ ⊙ x\n"
        "      ^\n"
        "column 5: unexpected '⊙'; " OPERAND "\n");
    free(text);
    ck_assert_int_eq(run("h ⊙ ⊙ x", CONV_COLUMNS, 1, &text), 2);
    ck_assert_str_eq(text,
        "  h (.) (.) x\n"
        "        ^~~\n"
        "column 5: unexpected '(.)'; expected an operand: a name such as W_ij, x_i or d_k, a "
        "number, g'(...), outer(..., ...) or an opening parenthesis.\n");
    free(text);
    /* raw bytes are never echoed to the terminal */
    ck_assert_int_eq(run("x \x1b[2J\xff", CONV_COLUMNS, 0, &text), 2);
    ck_assert_str_eq(text,
        "  x ?[2J?\n"
        "    ^\n"
        "column 3: control character U+001B; expected an expression on one line.\n");
    free(text);
    /* nor characters that could be wide, invisible or reorder the line */
    ck_assert_int_eq(run("x + 漢 \u202e", CONV_COLUMNS, 0, &text), 2);
    ck_assert_str_eq(text,
        "  x + ? ?\n"
        "      ^\n"
        "column 5: unexpected character U+6F22; " ANY "\n");
    free(text);
}
END_TEST

/* The rows a screen gets: whole lines, kinds to colour and wrap them by,
 * the verdict last. */
START_TEST(test_render_rows)
{
    engine_net n = net_of(2, w232);
    shape_result r;
    shape_check(student, &n, CONV_COLUMNS, &r);
    shape_rows rows;
    ck_assert_int_eq(shape_render(&r, 0, &rows), 0);
    static const shape_row_kind kinds[] = {
        SHAPE_ROW_STEP, SHAPE_ROW_STEP, SHAPE_ROW_STEP, SHAPE_ROW_STEP,
        SHAPE_ROW_STEP, SHAPE_ROW_READING, SHAPE_ROW_STEP, SHAPE_ROW_STEP, SHAPE_ROW_READING,
        SHAPE_ROW_STEP, SHAPE_ROW_STEP, SHAPE_ROW_READING, SHAPE_ROW_STEP, SHAPE_ROW_STEP,
        SHAPE_ROW_READING, SHAPE_ROW_SOURCE, SHAPE_ROW_MARK, SHAPE_ROW_REASON,
        SHAPE_ROW_REASON, SHAPE_ROW_REASON, SHAPE_ROW_VERDICT,
    };
    static const int ok[] = {1, 1, 1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 1, 0, 0, 0, 0, 0};
    ck_assert_int_eq(rows.n, (int)(sizeof kinds / sizeof kinds[0]));
    for (int k = 0; k < rows.n; k++) {
        ck_assert_msg(rows.rows[k].kind == kinds[k], "row %d: kind %d", k, rows.rows[k].kind);
        ck_assert_msg(rows.rows[k].ok == ok[k], "row %d: ok %d", k, rows.rows[k].ok);
        ck_assert_ptr_null(strchr(rows.rows[k].text, '\n'));
    }
    ck_assert_str_eq(rows.rows[rows.n - 1].text, "→ 2×1 as read above, but ∂E/∂W_ij has one "
                                                 "entry per weight: 2×3, the shape of W_ij.");
    /* the advice is one whole row, however wide: the screen wraps it */
    ck_assert_str_eq(rows.rows[rows.n - 2].text, r.advice);
    shape_rows_free(&rows);
    ck_assert_int_eq(rows.n, 0);
    ck_assert_ptr_null(rows.rows);
    /* in ASCII every byte is ASCII, and the verdict keeps both shapes */
    ck_assert_int_eq(shape_render(&r, 1, &rows), 0);
    for (int k = 0; k < rows.n; k++)
        for (const unsigned char *c = (const unsigned char *)rows.rows[k].text; *c; c++)
            ck_assert_msg(*c >= 0x20 && *c < 0x7f, "row %d: byte 0x%02x", k, *c);
    ck_assert_str_eq(rows.rows[rows.n - 1].text, "-> 2x1 as read above, but dE/dW_ij has one "
                                                 "entry per weight: 2x3, the shape of W_ij.");
    shape_rows_free(&rows);
    shape_result_free(&r);
}
END_TEST

/* Every input the fuzzer ever found, through every entry point, in both
 * conventions, with and without a layer, in UTF-8 and ASCII (the
 * sanitizer and valgrind runs of the suite make this test bite). */
START_TEST(test_fuzz_regressions)
{
    lesson l;
    lesson_error err;
    ck_assert_int_eq(lesson_load_default(&l, &err), 0);
    DIR *d = opendir("tests/fuzz/regress");
    ck_assert_msg(d != NULL, "run the tests from the top folder");
    struct dirent *de;
    int files = 0;
    static char buf[1 << 17];
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        char path[512];
        snprintf(path, sizeof path, "tests/fuzz/regress/%s", de->d_name);
        FILE *f = fopen(path, "rb");
        ck_assert_msg(f != NULL, "%s", path);
        size_t len = fread(buf, 1, sizeof buf - 1, f);
        fclose(f);
        buf[len] = '\0';
        files++;
        for (int c = 0; c < CONV_COUNT; c++) {
            for (int layer = 0; layer <= 2; layer += 2) {
                shape_result r;
                ck_assert_int_eq(shape_check_at(buf, &l.net, (engine_conv)c, layer, &r), 0);
                for (int ascii = 0; ascii <= 1; ascii++) {
                    shape_rows rows;
                    ck_assert_int_eq(shape_render(&r, ascii, &rows), 0);
                    ck_assert_int_eq(rows.rows[rows.n - 1].kind, SHAPE_ROW_VERDICT);
                    shape_rows_free(&rows);
                    FILE *out = fopen("/dev/null", "w");
                    ck_assert_ptr_nonnull(out);
                    int rc = shape_run_at(out, buf, &l, (engine_conv)c, layer, ascii);
                    ck_assert_int_eq(rc, r.status == SHAPE_FIT ? 0 : r.status == SHAPE_MISMATCH ? 1 : 2);
                    fclose(out);
                }
                shape_result_free(&r);
            }
        }
    }
    closedir(d);
    ck_assert_int_ge(files, 9);
    lesson_free(&l);
}
END_TEST

Suite *shape_suite(void)
{
    Suite *s = suite_create("shape");
    TCase *tc = tcase_create("question");
    tcase_add_test(tc, test_question_formula);
    tcase_add_test(tc, test_question_formula_text);
    tcase_add_test(tc, test_done_when);
    tcase_add_test(tc, test_gradient_verdicts);
    tcase_add_test(tc, test_readings);
    suite_add_tcase(s, tc);
    tc = tcase_create("core");
    tcase_set_timeout(tc, 120); /* 20000 random expressions, slow under the sanitizers */
    tcase_add_test(tc, test_correct_gradients);
    tcase_add_test(tc, test_scalars);
    tcase_add_test(tc, test_spellings);
    tcase_add_test(tc, test_layer_of_the_step);
    tcase_add_test(tc, test_rows_convention);
    tcase_add_test(tc, test_deeper_network);
    tcase_add_test(tc, test_mismatch_messages);
    tcase_add_test(tc, test_parse_errors);
    tcase_add_test(tc, test_weird_bytes);
    tcase_add_test(tc, test_limits);
    tcase_add_test(tc, test_run_output);
    tcase_add_test(tc, test_render_rows);
    tcase_add_test(tc, test_fuzz_regressions);
    suite_add_tcase(s, tc);
    return s;
}

/* check_print.c - the headless outputs: JSON parsed back and checked
 * against the engine, a hand calculation and Mazur's published example;
 * the text handout's shapes; nothing from a lesson reaches a terminal raw. */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <math.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "engine.h"
#include "lesson.h"
#include "ops.h"
#include "print.h"
#include "text.h"

/* Output captured in memory. */
typedef struct {
    char *text;
    size_t len;
    int rc;
} captured;

static captured run_walkthrough(const lesson *l, print_format f, int conv, int ascii)
{
    captured c = {NULL, 0, 0};
    FILE *out = open_memstream(&c.text, &c.len);
    ck_assert_ptr_nonnull(out);
    print_options opt = {f, conv, ascii, 0};
    c.rc = print_walkthrough(out, l, &opt);
    fclose(out);
    return c;
}

static void load_default(lesson *l)
{
    lesson_error err;
    ck_assert_msg(lesson_load_default(l, &err) == 0, "%s", err.message);
}

static void load_text(lesson *l, const char *yaml)
{
    lesson_error err;
    ck_assert_msg(lesson_load_string("test.yaml", yaml, strlen(yaml), l, &err) == 0, "%s",
                  err.message);
}

static json_t *parse(const captured *c)
{
    json_error_t jerr;
    json_t *root = json_loadb(c->text, c->len, 0, &jerr);
    ck_assert_msg(root != NULL, "JSON does not parse: %s at line %d", jerr.text, jerr.line);
    return root;
}

/* Step with this id in the first sample's pass, or NULL. */
static json_t *step_by_id(json_t *root, const char *id)
{
    json_t *steps = json_object_get(root, "steps"), *s;
    size_t i;
    json_array_foreach(steps, i, s) {
        if (strcmp(json_string_value(json_object_get(s, "id")), id) == 0)
            return s;
    }
    return NULL;
}

static double num(json_t *v)
{
    ck_assert_msg(json_is_number(v), "not a number");
    return json_number_value(v);
}

/* Checks a tensor's shape and that its values nest accordingly. */
static void check_tensor(json_t *t, const engine_tensor *want)
{
    ck_assert_str_eq(json_string_value(json_object_get(t, "name")), want->name);
    json_t *shape = json_object_get(t, "shape"), *v = json_object_get(t, "values");
    ck_assert_uint_eq(json_array_size(shape), (size_t)want->rank);
    if (want->rank == 0) {
        ck_assert_double_eq_tol(num(v), want->v[0], 1e-15);
    } else if (want->rank == 1) {
        ck_assert_int_eq(json_integer_value(json_array_get(shape, 0)), want->rows * want->cols);
        ck_assert_uint_eq(json_array_size(v), (size_t)(want->rows * want->cols));
        for (int i = 0; i < want->rows * want->cols; i++)
            ck_assert_double_eq_tol(num(json_array_get(v, i)), want->v[i], 1e-15);
    } else {
        ck_assert_int_eq(json_integer_value(json_array_get(shape, 0)), want->rows);
        ck_assert_int_eq(json_integer_value(json_array_get(shape, 1)), want->cols);
        ck_assert_uint_eq(json_array_size(v), (size_t)want->rows);
        for (int r = 0; r < want->rows; r++) {
            json_t *row = json_array_get(v, r);
            ck_assert_uint_eq(json_array_size(row), (size_t)want->cols);
            for (int c = 0; c < want->cols; c++)
                ck_assert_double_eq_tol(num(json_array_get(row, c)),
                                        want->v[r * want->cols + c], 1e-15);
        }
    }
}

START_TEST(json_matches_engine)
{
    lesson l;
    load_default(&l);
    captured c = run_walkthrough(&l, PRINT_JSON, -1, 0);
    ck_assert_int_eq(c.rc, 0);
    json_t *root = parse(&c);
    json_t *les = json_object_get(root, "lesson");
    ck_assert_str_eq(json_string_value(json_object_get(les, "title")),
                     "The 2-3-2 network from the question");
    ck_assert_str_eq(json_string_value(json_object_get(les, "convention")), "columns");
    ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(les, "description")),
                                 "Two inputs, three sigmoid hidden units"));
    /* Each step carries the narration the handout prints: the lesson's own
     * note for the gradient's second beat. */
    json_t *g = step_by_id(root, "backward.2.gradient");
    ck_assert_ptr_nonnull(g);
    ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(g, "note")),
                                 "Beat two: scale row j by the hidden output h_j"));
    ck_assert_str_eq(json_string_value(json_object_get(les, "loss")), "mse");
    ck_assert_str_eq(json_string_value(json_object_get(les, "mode")), "online");
    ck_assert_double_eq_tol(num(json_object_get(les, "learning_rate")), 0.5, 1e-15);
    json_t *layers = json_object_get(les, "layers");
    ck_assert_uint_eq(json_array_size(layers), 3);
    ck_assert_int_eq(json_integer_value(json_array_get(layers, 1)), 3);
    ck_assert_str_eq(json_string_value(json_array_get(json_object_get(les, "activations"), 0)),
                     "sigmoid");

    /* Every step, operand and result equals what the engine holds. */
    engine *e = engine_new(&l.net, CONV_COLUMNS);
    ck_assert_ptr_nonnull(e);
    json_t *steps = json_object_get(root, "steps");
    ck_assert_uint_eq(json_array_size(steps), (size_t)engine_step_count(e));
    ck_assert_double_eq_tol(num(json_object_get(root, "loss_before")),
                            engine_net_mean_loss(engine_network(e)), 1e-15);
    for (int i = 0; i < engine_step_count(e); i++) {
        const engine_step *s = engine_step_at(e, i);
        json_t *js = json_array_get(steps, i);
        ck_assert_int_eq(json_integer_value(json_object_get(js, "index")), i);
        ck_assert_str_eq(json_string_value(json_object_get(js, "id")), s->id);
        ck_assert_str_eq(json_string_value(json_object_get(js, "phase")),
                         engine_phase_name(s->phase));
        ck_assert_int_eq(json_integer_value(json_object_get(js, "layer")), s->layer);
        ck_assert_int_eq(json_integer_value(json_object_get(js, "epoch")), 1);
        ck_assert_int_eq(json_integer_value(json_object_get(js, "sample")), 1);
        ck_assert_str_eq(json_string_value(json_object_get(js, "formula")), s->formula);
        ck_assert_str_eq(json_string_value(json_object_get(js, "op")), ops_op(s->op)->name);
        json_t *act = json_object_get(js, "activation");
        if (s->op == OP_ACT)
            ck_assert_str_eq(json_string_value(act), engine_act_name(s->act));
        else
            ck_assert_ptr_null(act);
        ck_assert_str_eq(json_string_value(json_object_get(js, "shapes")), s->shapes);
        json_t *ops = json_object_get(js, "operands");
        ck_assert_uint_eq(json_array_size(ops), (size_t)s->n_operands);
        for (int k = 0; k < s->n_operands; k++)
            check_tensor(json_array_get(ops, k), &s->operand[k]);
        check_tensor(json_object_get(js, "result"), &s->result);
        /* gradient steps: one chain per element, whose factors multiply to it */
        json_t *chain = json_object_get(js, "chain");
        if (s->kind != STEP_GRADIENT) {
            ck_assert_ptr_null(chain);
            continue;
        }
        ck_assert_uint_eq(json_array_size(chain), (size_t)(s->result.rows * s->result.cols));
        size_t k;
        json_t *entry;
        json_array_foreach(chain, k, entry) {
            json_t *index = json_object_get(entry, "index");
            ck_assert_int_eq(json_integer_value(json_array_get(index, 0)), (int)k / s->result.cols);
            ck_assert_int_eq(json_integer_value(json_array_get(index, 1)), (int)k % s->result.cols);
            double v = num(json_object_get(entry, "value")), prod = 1;
            ck_assert_double_eq(v, s->result.v[k]);
            size_t f;
            json_t *factor;
            json_array_foreach(json_object_get(entry, "factors"), f, factor) {
                prod *= num(json_object_get(factor, "value"));
                json_t *terms = json_object_get(factor, "terms");
                if (!terms)
                    continue;
                double sum = 0;
                size_t t;
                json_t *term;
                json_array_foreach(terms, t, term) sum += num(json_object_get(term, "value"));
                ck_assert_double_eq(sum, num(json_object_get(factor, "value")));
            }
            ck_assert_double_eq_tol(prod, v, 1e-15 * fabs(v));
        }
    }
    /* the student's example, by name */
    json_t *e12 = json_array_get(json_object_get(step_by_id(root, "backward.1.gradient"), "chain"), 1);
    json_t *fs = json_object_get(e12, "factors");
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(fs, 0), "name")), "x_1");
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(fs, 1), "name")), "g′(z_2)");
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(fs, 2), "name")),
                     "Σ_k W_jk[2][k]·δ_k");
    ck_assert_uint_eq(json_array_size(json_object_get(json_array_get(fs, 2), "terms")), 2);
    engine_next_sample(e);
    ck_assert_double_eq_tol(num(json_object_get(root, "loss_after")),
                            engine_net_mean_loss(engine_network(e)), 1e-15);
    engine_free(e);

    /* By hand: z_j = W_ijᵀ·x with x = (1, 0.5):
     * 0.2 + 0.25 = 0.45, −0.4 + 0.15 = −0.25, 0.6 − 0.05 = 0.55. */
    json_t *sum = step_by_id(root, "forward.1.sum");
    ck_assert_ptr_nonnull(sum);
    json_t *z = json_object_get(json_object_get(sum, "result"), "values");
    ck_assert_uint_eq(json_array_size(z), 3);
    ck_assert_double_eq_tol(num(json_array_get(z, 0)), 0.45, 1e-15);
    ck_assert_double_eq_tol(num(json_array_get(z, 1)), -0.25, 1e-15);
    ck_assert_double_eq_tol(num(json_array_get(z, 2)), 0.55, 1e-15);

    /* The gradients have the shapes of their weights: 3×2 and 2×3. */
    json_t *g2 = json_object_get(json_object_get(step_by_id(root, "backward.2.gradient"),
                                                 "result"), "shape");
    ck_assert_int_eq(json_integer_value(json_array_get(g2, 0)), 3);
    ck_assert_int_eq(json_integer_value(json_array_get(g2, 1)), 2);
    json_t *g1 = json_object_get(json_object_get(step_by_id(root, "backward.1.gradient"),
                                                 "result"), "shape");
    ck_assert_int_eq(json_integer_value(json_array_get(g1, 0)), 2);
    ck_assert_int_eq(json_integer_value(json_array_get(g1, 1)), 3);
    /* The loss is a scalar: shape [] and a plain number. */
    json_t *loss = json_object_get(step_by_id(root, "loss"), "result");
    ck_assert_uint_eq(json_array_size(json_object_get(loss, "shape")), 0);
    ck_assert(json_is_number(json_object_get(loss, "values")));

    json_decref(root);
    free(c.text);
    lesson_free(&l);
}
END_TEST

START_TEST(json_rows_transposes)
{
    lesson l;
    load_default(&l);
    captured c = run_walkthrough(&l, PRINT_JSON, CONV_ROWS, 0);
    json_t *root = parse(&c);
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(root, "lesson"),
                                                       "convention")), "rows");
    json_t *g1 = json_object_get(json_object_get(step_by_id(root, "backward.1.gradient"),
                                                 "result"), "shape");
    ck_assert_int_eq(json_integer_value(json_array_get(g1, 0)), 3);
    ck_assert_int_eq(json_integer_value(json_array_get(g1, 1)), 2);
    json_decref(root);
    free(c.text);
    lesson_free(&l);
}
END_TEST

static const char mazur_yaml[] =
    "title: Mazur\n"
    "layers: [2, 2, 2]\n"
    "activations: [sigmoid, sigmoid]\n"
    "learning_rate: 0.5\n"
    "weights:\n"
    "  - [[0.15, 0.25], [0.20, 0.30]]\n"
    "  - [[0.40, 0.50], [0.45, 0.55]]\n"
    "biases:\n"
    "  - [0.35, 0.35]\n"
    "  - [0.60, 0.60]\n"
    "train_biases: false\n"
    "samples:\n"
    "  - input: [0.05, 0.10]\n"
    "    target: [0.01, 0.99]\n";

START_TEST(mazur_published_numbers)
{
    lesson l;
    load_text(&l, mazur_yaml);
    captured c = run_walkthrough(&l, PRINT_JSON, -1, 0);
    json_t *root = parse(&c);
    /* Published to 9 places: half a unit of the last place. */
    ck_assert_double_eq_tol(num(json_object_get(root, "loss_before")), 0.298371109, 1e-9);
    /* The correct value, not the published 0.291027924 of half-updated weights. */
    ck_assert_double_eq_tol(num(json_object_get(root, "loss_after")), 0.291027774, 1e-9);
    json_decref(root);
    free(c.text);

    c.text = NULL;
    FILE *out = open_memstream(&c.text, &c.len);
    print_options opt = {PRINT_JSON, -1, 0, 0};
    ck_assert_int_eq(print_train(out, &l, 1, &opt), 0);
    fclose(out);
    root = parse(&c);
    ck_assert_int_eq(json_integer_value(json_object_get(root, "epochs")), 1);
    ck_assert_double_eq_tol(num(json_object_get(root, "loss")), 0.291027774, 1e-9);
    json_t *w = json_object_get(root, "weights");
    json_t *wij = json_array_get(w, 0), *wjk = json_array_get(w, 1);
#define W(m, r, c) num(json_array_get(json_array_get((m), (r)), (c)))
    /* Published to 8 or 9 places; tolerance half a unit of the last. */
    ck_assert_double_eq_tol(W(wjk, 0, 0), 0.35891648, 5e-9);  /* w5 */
    ck_assert_double_eq_tol(W(wjk, 1, 0), 0.408666186, 5e-10); /* w6 */
    ck_assert_double_eq_tol(W(wjk, 0, 1), 0.511301270, 5e-10); /* w7 */
    ck_assert_double_eq_tol(W(wjk, 1, 1), 0.561370121, 5e-10); /* w8 */
    ck_assert_double_eq_tol(W(wij, 0, 0), 0.149780716, 5e-10); /* w1 */
    ck_assert_double_eq_tol(W(wij, 1, 0), 0.19956143, 5e-9);   /* w2 */
    ck_assert_double_eq_tol(W(wij, 0, 1), 0.24975114, 5e-9);   /* w3 */
    ck_assert_double_eq_tol(W(wij, 1, 1), 0.29950229, 5e-9);   /* w4 */
#undef W
    /* Frozen biases come back unchanged. */
    json_t *b = json_object_get(root, "biases");
    ck_assert_double_eq_tol(num(json_array_get(json_array_get(b, 1), 0)), 0.60, 1e-15);
    json_decref(root);
    free(c.text);
    lesson_free(&l);
}
END_TEST

START_TEST(train_json_no_biases_is_null)
{
    lesson l;
    load_default(&l);
    captured c = {NULL, 0, 0};
    FILE *out = open_memstream(&c.text, &c.len);
    print_options opt = {PRINT_JSON, -1, 0, 0};
    ck_assert_int_eq(print_train(out, &l, 50, &opt), 0);
    fclose(out);
    json_t *root = parse(&c);
    ck_assert(json_is_null(json_object_get(root, "biases")));
    ck_assert_int_eq(json_integer_value(json_object_get(root, "epochs")), 50);
    /* Weights in the lesson's (columns) convention: W_ij is 2×3. */
    json_t *wij = json_array_get(json_object_get(root, "weights"), 0);
    ck_assert_uint_eq(json_array_size(wij), 2);
    ck_assert_uint_eq(json_array_size(json_array_get(wij, 0)), 3);
    ck_assert_str_eq(json_string_value(json_object_get(root, "convention")), "columns");
    double w12 = num(json_array_get(json_array_get(wij, 0), 1));
    /* --convention rows: the same numbers, W_ij written 3×2 */
    free(c.text);
    c.text = NULL;
    out = open_memstream(&c.text, &c.len);
    opt.convention = CONV_ROWS;
    ck_assert_int_eq(print_train(out, &l, 50, &opt), 0);
    fclose(out);
    json_t *rows = parse(&c);
    ck_assert_str_eq(json_string_value(json_object_get(rows, "convention")), "rows");
    json_t *wr = json_array_get(json_object_get(rows, "weights"), 0);
    ck_assert_uint_eq(json_array_size(wr), 3);
    ck_assert_uint_eq(json_array_size(json_array_get(wr, 0)), 2);
    ck_assert_double_eq(num(json_array_get(json_array_get(wr, 1), 0)), w12);
    json_decref(rows);
    /* Training lowers the loss of this one-sample lesson. */
    ck_assert_double_lt(num(json_object_get(root, "loss")), engine_net_mean_loss(&l.net));
    json_decref(root);
    free(c.text);
    lesson_free(&l);
}
END_TEST

START_TEST(train_reports_nonfinite)
{
    /* One weight, x = 10, η = 10: w ← w − η·(w·x)·x = −999·w.  After 51
     * updates z = w·x = 999^51·10 ≈ 1e154 and E = z²/2 ≈ 1e308 is still
     * finite; after 52 z² overflows, so epoch 53 is the first that sees inf. */
    static const char yaml[] = "title: big\nlayers: [1, 1]\nactivations: [linear]\n"
                               "learning_rate: 10\nweights:\n  - [[1]]\n"
                               "samples:\n  - input: [10]\n    target: [0]\n";
    lesson l;
    load_text(&l, yaml);
    captured c = {NULL, 0, 0};
    FILE *out = open_memstream(&c.text, &c.len);
    print_options opt = {PRINT_TEXT, -1, 0, 0};
    ck_assert_int_eq(print_train(out, &l, 100, &opt), 0);
    fclose(out);
    ck_assert_str_eq(c.text, "epochs: 100\nloss: inf\nvalues stopped being finite in epoch 53\n");
    free(c.text);
    c.text = NULL;
    out = open_memstream(&c.text, &c.len);
    opt.format = PRINT_JSON;
    ck_assert_int_eq(print_train(out, &l, 100, &opt), 0);
    fclose(out);
    json_t *root = parse(&c);
    ck_assert(json_is_null(json_object_get(root, "loss")));
    ck_assert_int_eq(json_integer_value(json_object_get(root, "nonfinite_epoch")), 53);
    json_decref(root);
    free(c.text);
    /* Two epochs are fine: w = 999², E = (999²·10)²/2. */
    c.text = NULL;
    out = open_memstream(&c.text, &c.len);
    ck_assert_int_eq(print_train(out, &l, 2, &opt), 0);
    fclose(out);
    root = parse(&c);
    ck_assert_ptr_null(json_object_get(root, "nonfinite_epoch"));
    double z = 999.0 * 999.0 * 10.0;
    ck_assert_double_eq_tol(num(json_object_get(root, "loss")), z * z / 2, z * z / 2 * 1e-12);
    json_decref(root);
    free(c.text);
    lesson_free(&l);
}
END_TEST

START_TEST(text_shows_gradient_shapes)
{
    lesson l;
    load_default(&l);
    captured c = run_walkthrough(&l, PRINT_TEXT, -1, 0);
    ck_assert_int_eq(c.rc, 0);
    ck_assert_ptr_nonnull(strstr(c.text, "The 2-3-2 network from the question\n"));
    ck_assert_ptr_nonnull(strstr(c.text, "G_jk  3×2\n"));
    ck_assert_ptr_nonnull(strstr(c.text, "G_ij  2×3\n"));
    ck_assert_ptr_nonnull(strstr(c.text, "  W_ij  2×3  "));
    ck_assert_ptr_nonnull(strstr(c.text, "backward.2.gradient.copy"));
    /* The lesson's own note for the update (a wildcard pattern) is used. */
    ck_assert_ptr_nonnull(strstr(c.text, "Subtract η times the gradient"));
    /* the picture from the op's row: W_ij ᵀ· x_i = z_j, vectors as columns,
     * z_j by hand (0.2 + 0.25, −0.4 + 0.15, 0.6 − 0.05) */
    ck_assert_ptr_nonnull(strstr(c.text,
        "  W_ij  2×3                        x_i  (2)        z_j  (3)\n"
        "  [  0.2000 -0.4000  0.6000 ]      [  1.0000 ]     [  0.4500 ]\n"
        "  [  0.5000  0.3000 -0.1000 ]  ᵀ·  [  0.5000 ]  =  [ -0.2500 ]\n"
        "                                                   [  0.5500 ]\n"));
    ck_assert_ptr_nonnull(strstr(c.text,
        "  arithmetic: z_1 = W[1][1]·x_1 + W[2][1]·x_2 = 0.2000×1.0000 +\n"
        "              0.5000×0.5000 = 0.4500\n"));
    /* row scaling drawn as what it is, never ⊙ between different shapes */
    ck_assert_ptr_nonnull(strstr(c.text, "  [ -0.6012  0.5603 ]  row j ×  [  0.4378 ]  =  [ -0.2632  0.2453 ]\n"));
    ck_assert_ptr_nonnull(strstr(c.text, "  chain rule: ∂E/∂W_ij[1][1] = x_1·g′(z_1)·Σ_k W_jk[1][k]·δ_k\n"));
    free(c.text);

    c = run_walkthrough(&l, PRINT_TEXT, -1, 1);
    ck_assert_ptr_nonnull(strstr(c.text, "G_jk  3x2\n"));
    for (size_t i = 0; i < c.len; i++)
        ck_assert_msg((unsigned char)c.text[i] < 0x80, "non-ASCII byte at %zu", i);
    free(c.text);

    c = run_walkthrough(&l, PRINT_MARKDOWN, CONV_ROWS, 0);
    ck_assert_ptr_nonnull(strstr(c.text, "# The 2-3-2 network from the question\n"));
    ck_assert_ptr_nonnull(strstr(c.text, "G_ij  3×2\n"));
    ck_assert_ptr_nonnull(strstr(c.text, "```\n"));
    free(c.text);
    lesson_free(&l);
}
END_TEST

START_TEST(text_wraps_narration)
{
    /* Mazur's network without notes: every note is built-in narration,
     * wrapped at 74 columns after a 2-column indent. */
    lesson l;
    load_text(&l, mazur_yaml);
    captured c = run_walkthrough(&l, PRINT_TEXT, -1, 0);
    ck_assert_ptr_nonnull(strstr(c.text, "\n  Make a new matrix the shape of W_jk (2×2) and copy δ_k into every row.\n"));
    int lines = 0;
    for (char *line = strtok(c.text, "\n"); line; line = strtok(NULL, "\n")) {
        if (!strchr(line, '['))
            ck_assert_msg(text_width(line) <= 76, "too wide: %s", line);
        lines++;
    }
    ck_assert_int_gt(lines, 100);
    free(c.text);
    lesson_free(&l);
}
END_TEST

START_TEST(escape_never_reaches_output)
{
    static const char yaml[] =
        "title: \"T\\e[2J\\u009b31m\"\n"
        "layers: [1, 1]\n"
        "activations: [linear]\n"
        "samples:\n"
        "  - input: [1]\n"
        "    target: [0]\n"
        "notes:\n"
        "  loss: \"evil \\e]0;pwned\\a note\"\n";
    lesson l;
    load_text(&l, yaml);
    for (int f = 0; f < PRINT_FORMAT_COUNT; f++) {
        captured c = run_walkthrough(&l, (print_format)f, -1, 0);
        ck_assert_int_eq(c.rc, 0);
        for (size_t i = 0; i < c.len; i++) {
            unsigned char b = (unsigned char)c.text[i];
            ck_assert_msg(b != 0x1b && b != 0x07, "format %d: control byte at %zu", f, i);
            ck_assert_msg(!(b == 0xc2 && (unsigned char)c.text[i + 1] < 0xa0),
                          "format %d: C1 control at %zu", f, i);
        }
        if (f == PRINT_TEXT) {
            ck_assert_ptr_nonnull(strstr(c.text, "evil ^[]0;pwned^G note"));
            ck_assert_ptr_nonnull(strstr(c.text, "T^[[2J<U+009B>31m"));
        }
        free(c.text);
    }
    lesson_free(&l);
}
END_TEST

START_TEST(gradcheck_table)
{
    lesson l;
    load_default(&l);
    captured c = {NULL, 0, 0};
    FILE *out = open_memstream(&c.text, &c.len);
    print_options opt = {PRINT_TEXT, -1, 0, 0};
    ck_assert_int_eq(print_gradcheck(out, &l, &opt), 0);
    fclose(out);
    ck_assert_ptr_nonnull(strstr(c.text, "W_ij[2][3]"));
    ck_assert_ptr_nonnull(strstr(c.text, "W_jk[3][2]"));
    ck_assert_ptr_nonnull(strstr(c.text, "\n12 parameters: passed\n"));
    ck_assert_ptr_null(strstr(c.text, "WRONG"));
    free(c.text);
    lesson_free(&l);

    /* a network whose values are not finite: every row fails, exit 1 */
    static const char nan_yaml[] = "title: t\nlayers: [1, 1, 1]\nactivations: [linear, relu]\n"
                                   "weights: [[[1e300]], [[0]]]\n"
                                   "samples:\n  - input: [1e300]\n    target: [1]\n";
    load_text(&l, nan_yaml);
    c.text = NULL;
    out = open_memstream(&c.text, &c.len);
    ck_assert_int_eq(print_gradcheck(out, &l, &opt), 1);
    fclose(out);
    ck_assert_ptr_nonnull(strstr(c.text, "W_ij[1][1] non-finite: the backprop gradient is not a finite number\n"));
    ck_assert_ptr_nonnull(strstr(c.text, "2 parameters: FAILED (2 wrong: 0 differ by more than the numeric derivative's error, 2 not finite)\n"));
    free(c.text);
    c.text = NULL;
    out = open_memstream(&c.text, &c.len);
    opt.format = PRINT_JSON;
    ck_assert_int_eq(print_gradcheck(out, &l, &opt), 1);
    fclose(out);
    json_t *root = parse(&c);
    ck_assert(json_is_false(json_object_get(root, "passed")));
    json_t *row = json_array_get(json_object_get(root, "parameters"), 0);
    ck_assert_str_eq(json_string_value(json_object_get(row, "status")), "non-finite");
    ck_assert(json_is_null(json_object_get(row, "analytic")));
    json_decref(root);
    free(c.text);
    lesson_free(&l);
}
END_TEST

START_TEST(format_names)
{
    ck_assert_int_eq(print_format_parse("text"), PRINT_TEXT);
    ck_assert_int_eq(print_format_parse("markdown"), PRINT_MARKDOWN);
    ck_assert_int_eq(print_format_parse("json"), PRINT_JSON);
    ck_assert_int_eq(print_format_parse("xml"), -1);
    ck_assert_int_eq(print_format_parse(NULL), -1);
    ck_assert_str_eq(print_format_name(PRINT_MARKDOWN), "markdown");
}
END_TEST

/* A lesson's expressions: the question's formula does not fit, the
 * outer product x·δ_jᵀ is 2×3 (shapes worked out by hand). */
START_TEST(expressions_in_every_format)
{
    static const char yaml[] =
        "title: t\nlayers: [2, 3, 2]\nactivations: [sigmoid, linear]\n"
        "samples:\n  - input: [1, 0.5]\n    target: [1, 0]\n"
        "expressions:\n"
        "  - caption: the question's formula\n"
        "    expr: \"W_jk * g'(W_ij * x) * x * err\"\n"
        "  - caption: the gradient for W_ij\n"
        "    expr: \"x * ((W_jk * err) .* g'(W_ij' * x))'\"\n";
    lesson l;
    lesson_error err;
    ck_assert_int_eq(lesson_load_string("x.yaml", yaml, sizeof yaml - 1, &l, &err), 0);
    captured c = run_walkthrough(&l, PRINT_JSON, -1, 0);
    ck_assert_int_eq(c.rc, 0);
    json_t *root = parse(&c);
    json_t *ex = json_object_get(root, "expressions");
    ck_assert_int_eq((int)json_array_size(ex), 2);
    json_t *bad = json_array_get(ex, 0), *good = json_array_get(ex, 1);
    ck_assert_str_eq(json_string_value(json_object_get(bad, "status")), "mismatch");
    ck_assert(json_is_null(json_object_get(bad, "shape")));
    ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(bad, "message")),
                                 "cannot multiply W_ij (2×3) by x (2×1)"));
    ck_assert_str_eq(json_string_value(json_object_get(good, "status")), "fit");
    json_t *shape = json_object_get(good, "shape");
    ck_assert_int_eq((int)json_integer_value(json_array_get(shape, 0)), 2);
    ck_assert_int_eq((int)json_integer_value(json_array_get(shape, 1)), 3);
    json_decref(root);
    free(c.text);

    c = run_walkthrough(&l, PRINT_TEXT, -1, 0);
    ck_assert_ptr_nonnull(strstr(c.text, "Shapes first\n"));
    ck_assert_ptr_nonnull(strstr(c.text, "the question's formula\n"));
    ck_assert_ptr_nonnull(strstr(c.text, "→ 2×3\n"));
    free(c.text);
    c = run_walkthrough(&l, PRINT_MARKDOWN, -1, 1);
    ck_assert_ptr_nonnull(strstr(c.text, "**the gradient for W_ij**\n\n```\n"));
    ck_assert_ptr_nonnull(strstr(c.text, "-> 2x3\n"));
    free(c.text);
    lesson_free(&l);
}
END_TEST

/* A gradient of 3.6e-18 against a central difference of exactly 0 is
 * negligible on both sides: reported as such, and not a failure. */
START_TEST(gradcheck_negligible_is_not_wrong)
{
    lesson l;
    lesson_error err;
    ck_assert_msg(lesson_load_file("tests/lessons/negligible.yaml", &l, &err) == 0, "%s",
                  err.message);
    engine *e = engine_new(&l.net, l.net.convention);
    engine_check rows[16];
    int n = engine_gradcheck(e, rows, 16);
    int negligible = 0;
    for (int i = 0; i < n; i++)
        if (engine_check_negligible(&rows[i])) {
            negligible++;
            ck_assert(fabs(rows[i].analytic) < 1e-9 && fabs(rows[i].numeric) < 1e-9);
        }
    ck_assert_int_eq(negligible, 1);
    engine_free(e);
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    print_options opt = {PRINT_TEXT, -1, 0, 0};
    ck_assert_int_eq(print_gradcheck(out, &l, &opt), 0);
    fclose(out);
    ck_assert_ptr_nonnull(strstr(text, "  negligible\n"));
    ck_assert_ptr_nonnull(strstr(text, "W_jk[2][1] negligible: both below "));
    ck_assert_ptr_nonnull(strstr(text, "11 parameters: passed (1 exempt: 0 at a kink, 1 negligible)\n"));
    ck_assert_ptr_null(strstr(text, "WRONG"));
    free(text);
    lesson_free(&l);
}
END_TEST

/* Re-dumps JSON text with jansson's own layout (the flags backstep has
 * always used); NULL when it does not parse. */
static char *jansson_layout(const captured *c)
{
    json_error_t jerr;
    json_t *root = json_loadb(c->text, c->len, 0, &jerr);
    ck_assert_msg(root != NULL, "line %d: %s", jerr.line, jerr.text);
    char *again = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
                                       JSON_REAL_PRECISION(17));
    json_decref(root);
    ck_assert_ptr_nonnull(again);
    return again;
}

/* Asserts that c holds exactly what jansson writes for the same values,
 * followed by a newline; names the first byte that differs. */
static void assert_jansson_layout(const captured *c, const char *what)
{
    char *again = jansson_layout(c);
    size_t n = strlen(again), k = 0;
    while (k < n && k < c->len && again[k] == c->text[k])
        k++;
    ck_assert_msg(c->len == n + 1 && k == n && c->text[n] == '\n',
                  "%s: differs from jansson at byte %zu: \"%.40s\" where jansson has \"%.40s\"",
                  what, k, c->text + k, again + k);
    free(again);
}

/* The JSON is written as it goes, and laid out byte for byte as jansson
 * lays out the same values: every bundled lesson and the test lessons with
 * escapes, bidi text and a BOM, in both conventions (ASCII in one), for the
 * walkthrough, training and the gradient check; and the numbers at the
 * edges of a double (the smallest subnormal, the largest double, −0, whole
 * numbers, exponents of one to three digits). */
START_TEST(json_laid_out_as_jansson)
{
    static const char *const files[] = {
        "lessons/01-question.yaml",     "lessons/02-two-by-one.yaml",
        "lessons/03-rows-or-columns.yaml", "lessons/04-mazur.yaml",
        "lessons/05-biases.yaml",       "lessons/06-xor.yaml",
        "lessons/07-deeper.yaml",       "lessons/08-softmax.yaml",
        "lessons/09-batch-online.yaml", "lessons/10-vanishing.yaml",
        "lessons/11-learning-rate.yaml", "tests/lessons/escapes.yaml",
        "tests/lessons/bidi.yaml",
        "tests/lessons/bom-crlf.yaml",  "tests/lessons/negligible.yaml",
    };
    for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
        lesson l;
        lesson_error err;
        ck_assert_msg(lesson_load_file(files[f], &l, &err) == 0, "%s", err.message);
        for (int conv = 0; conv < CONV_COUNT; conv++) {
            char what[96];
            snprintf(what, sizeof what, "%s, %s", files[f], engine_conv_name(conv));
            captured c = run_walkthrough(&l, PRINT_JSON, conv, conv);
            ck_assert_int_eq(c.rc, 0);
            assert_jansson_layout(&c, what);
            free(c.text);
            print_options opt = {PRINT_JSON, conv, 0, 0};
            c = (captured){NULL, 0, 0};
            FILE *out = open_memstream(&c.text, &c.len);
            ck_assert_int_eq(print_train(out, &l, 3, &opt), 0);
            fclose(out);
            assert_jansson_layout(&c, what);
            free(c.text);
            c = (captured){NULL, 0, 0};
            out = open_memstream(&c.text, &c.len);
            print_gradcheck(out, &l, &opt);
            fclose(out);
            assert_jansson_layout(&c, what);
            free(c.text);
        }
        lesson_free(&l);
    }
    /* numbers at the edges, through --train's weights (no update: η·0) */
    static const char yaml[] = "title: edges\nlayers: [1, 9]\nactivations: [linear]\n"
                               "learning_rate: 1e-300\nweights:\n"
                               "  - [[4.9e-324, 1.7976931348623157e308, -0.0, 3, -2.5e-7,"
                               " 1e21, 0.1, 123456789012345678, 1e-100]]\n"
                               "samples:\n  - input: [0]\n    target: [0, 0, 0, 0, 0, 0, 0, 0, 0]\n";
    lesson l;
    load_text(&l, yaml);
    print_options opt = {PRINT_JSON, -1, 0, 0};
    captured c = {NULL, 0, 0};
    FILE *out = open_memstream(&c.text, &c.len);
    ck_assert_int_eq(print_train(out, &l, 1, &opt), 0);
    fclose(out);
    assert_jansson_layout(&c, "edges");
    ck_assert_ptr_nonnull(strstr(c.text, "\n      [\n        4.9406564584124654e-324,\n"
                                         "        1.7976931348623157e308,\n        -0.0,\n"
                                         "        3.0,\n        -2.4999999999999999e-7,\n"
                                         "        1e21,\n        0.10000000000000001,\n"
                                         "        1.2345678901234568e17,\n"
                                         "        1e-100\n      ]\n"));
    free(c.text);
    lesson_free(&l);
}
END_TEST

extern char **environ;

/* Writes the largest lesson backstep loads: nine layers of 64 units (eight
 * 64×64 weight layers, tanh and a linear output), weights with two
 * decimals, 1000 samples of 64 inputs and 64 targets with one decimal:
 * just under the 1 MiB a lesson may have. */
static void write_largest(FILE *f)
{
    uint64_t x = 88172645463325252u; /* xorshift64: any numbers will do */
#define NEXT() (x ^= x << 13, x ^= x >> 7, x ^= x << 17, (double)(x >> 11) * 0x1.0p-53)
    fputs("title: largest\nlayers: [64, 64, 64, 64, 64, 64, 64, 64, 64]\n"
          "activations: [tanh, tanh, tanh, tanh, tanh, tanh, tanh, linear]\n"
          "learning_rate: 0.01\nweights:\n", f);
    for (int l = 0; l < 8; l++)
        for (int i = 0; i < 64; i++)
            for (int j = 0; j < 64; j++)
                fprintf(f, "%s%.2f%s", j ? ", " : i ? "     [" : "  - [[", 0.4 * NEXT() - 0.2,
                        j < 63 ? "" : i < 63 ? "],\n" : "]]\n");
    fputs("samples:\n", f);
    for (int s = 0; s < 1000; s++)
        for (int k = 0; k < 128; k++)
            fprintf(f, "%s%.1f%s", k == 0 ? "  - input: [" : k == 64 ? "    target: [" : ", ",
                    2 * NEXT() - 1, k == 63 || k == 127 ? "]\n" : "");
#undef NEXT
}

/* The high-water mark of the resident memory of the running process pid
 * in KiB (VmHWM, which belongs to the program it executes, not to the
 * copy of the test that forked it), or -1 once it is gone. */
static long vm_hwm(pid_t pid)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    long kib = -1;
    if (f == NULL)
        return -1;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "VmHWM: %ld kB", &kib) == 1)
            break;
    fclose(f);
    return kib;
}

/* Runs ./backstep (or $BACKSTEP_BIN) with args, reading its output as it
 * comes without keeping it; returns the exit status and fills the bytes
 * written, the last bytes of them and the program's peak RSS in KiB, read
 * while it writes: the rusage of a child also counts the pages of the
 * process that forked it (under valgrind or a sanitizer, hundreds of MiB). */
static int run_counted(const char *const *args, long long *bytes, char *tail, size_t tail_size,
                       long *peak_kib)
{
    const char *bin = getenv("BACKSTEP_BIN") ? getenv("BACKSTEP_BIN") : "./backstep";
    char *argv[12];
    int n = 0;
    argv[n++] = (char *)bin;
    for (; args[n - 1] && n < 11; n++)
        argv[n] = (char *)args[n - 1];
    argv[n] = NULL;
    int fd[2];
    ck_assert_int_eq(pipe(fd), 0);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fd[1], 1);
    posix_spawn_file_actions_addclose(&fa, fd[0]);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    pid_t pid;
    ck_assert_int_eq(posix_spawn(&pid, bin, &fa, NULL, argv, environ), 0);
    posix_spawn_file_actions_destroy(&fa);
    close(fd[1]);
    static char buf[1 << 16];
    ssize_t got;
    size_t kept = 0;
    *bytes = 0;
    long peak = -1;
    while ((got = read(fd[0], buf, sizeof buf)) > 0) {
        *bytes += got;
        long now = vm_hwm(pid);
        peak = now > peak ? now : peak;
        size_t take = (size_t)got < tail_size - 1 ? (size_t)got : tail_size - 1;
        if (kept + take > tail_size - 1) {
            size_t drop = kept + take - (tail_size - 1);
            memmove(tail, tail + drop, kept - drop);
            kept -= drop;
        }
        memcpy(tail + kept, buf + got - take, take);
        kept += take;
    }
    tail[kept] = '\0';
    close(fd[0]);
    int st;
    struct rusage ru;
    ck_assert_int_eq(wait4(pid, &st, 0, &ru), pid);
    *peak_kib = peak >= 0 ? peak : ru.ru_maxrss;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Peak memory of --print for the largest lesson, in every format, stays
 * under a fixed bound however many samples it walks through: the output
 * is written as it is made, one step at a time.  Two samples of JSON are
 * some 1.5 GB (every gradient step carries the chain rule of each of its
 * 4096 elements); when the JSON was built whole first, one sample took
 * 2.8 GiB of memory.  Under AddressSanitizer, whose quarantine keeps
 * freed memory and whose shadow grows with it, the program peaks at
 * 80 MiB: there the bound is 128 MiB (the plain build's stays 64 MiB). */
#if defined(__SANITIZE_ADDRESS__)
#define PRINT_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PRINT_SANITIZED 1
#endif
#endif
#ifdef PRINT_SANITIZED
enum { PRINT_PEAK_KIB = 128 * 1024 };
#else
enum { PRINT_PEAK_KIB = 64 * 1024 };
#endif

START_TEST(print_memory_bounded)
{
    char path[] = "/tmp/backstep-largest-XXXXXX.yaml";
    int fd = mkstemps(path, 5);
    ck_assert_int_ge(fd, 0);
    FILE *f = fdopen(fd, "w");
    ck_assert_ptr_nonnull(f);
    write_largest(f);
    ck_assert_int_lt(ftell(f), 1 << 20);
    fclose(f);
    static const struct {
        const char *format, *end;
        long long min_bytes;
    } runs[] = {
        {"json", "\n  ]\n}\n", 1000000000},
        {"text", "Mean loss after the epoch: ", 4000000},
        {"markdown", "- Mean loss after the epoch: ", 4000000},
    };
    for (size_t k = 0; k < sizeof runs / sizeof runs[0]; k++) {
        const char *args[] = {"--print", "--format", runs[k].format, "--samples", "2", path, NULL};
        long long bytes;
        char tail[96];
        long kib;
        int status = run_counted(args, &bytes, tail, sizeof tail, &kib);
        ck_assert_msg(status == 0, "%s: exit status %d", runs[k].format, status);
        ck_assert_msg(bytes >= runs[k].min_bytes, "%s: only %lld bytes", runs[k].format, bytes);
        ck_assert_msg(strstr(tail, runs[k].end), "%s ends \"%s\"", runs[k].format, tail);
        ck_assert_msg(kib < PRINT_PEAK_KIB, "%s: peak RSS %ld KiB, bound %d KiB", runs[k].format,
                      kib, PRINT_PEAK_KIB);
    }
    unlink(path);
}
END_TEST

static int by_path(const void *a, const void *b)
{
    return strcmp(a, b);
}

/* The bundled lessons, every .yaml file of lessons/, sorted; returns how many. */
static int bundled_lessons(char paths[][64], int max)
{
    DIR *d = opendir("lessons");
    ck_assert_ptr_nonnull(d);
    int n = 0;
    struct dirent *ent;
    while ((ent = readdir(d)) != NULL) {
        size_t len = strlen(ent->d_name);
        if (len <= 5 || strcmp(ent->d_name + len - 5, ".yaml") != 0)
            continue;
        ck_assert_int_lt(n, max);
        ck_assert_int_lt(snprintf(paths[n], 64, "lessons/%s", ent->d_name), 64);
        n++;
    }
    closedir(d);
    qsort(paths, (size_t)n, sizeof paths[0], by_path);
    ck_assert_int_ge(n, 11);
    return n;
}

enum { BUNDLED_MAX = 64 };

/* After a write fails, stdio drops its buffer and keeps no reason.  Each
 * output, on a full disk, still leaves its caller's last fflush a byte to
 * fail on with ENOSPC (from which main says "No space left on device"),
 * and never takes the failure for running out of memory (status 2).
 * negligible.yaml's text walkthrough ended exactly where a failed write
 * dropped the rest, so the reason was lost ("Input/output error"). */
START_TEST(write_error_left_for_caller)
{
    char paths[BUNDLED_MAX + 1][64];
    int n = bundled_lessons(paths, BUNDLED_MAX);
    snprintf(paths[n++], 64, "tests/lessons/negligible.yaml");
    for (int i = 0; i < n; i++) {
        lesson l;
        lesson_error err;
        ck_assert_msg(lesson_load_file(paths[i], &l, &err) == 0, "%s", err.message);
        for (int f = 0; f < PRINT_FORMAT_COUNT; f++)
            for (int what = 0; what < 3; what++) {
                print_options opt = {(print_format)f, -1, 0, 0};
                FILE *out = fopen("/dev/full", "w");
                ck_assert_ptr_nonnull(out);
                int rc = what == 0   ? print_walkthrough(out, &l, &opt)
                         : what == 1 ? print_train(out, &l, 3, &opt)
                                     : print_gradcheck(out, &l, &opt);
                ck_assert_msg(rc == 0 || (what == 2 && rc == 1), "%s %s output %d: status %d",
                              paths[i], print_format_name((print_format)f), what, rc);
                errno = 0;
                int flushed = fflush(out);
                int why = errno;
                ck_assert_msg(flushed == EOF && why == ENOSPC,
                              "%s %s output %d: last fflush %d, errno %d (%s)", paths[i],
                              print_format_name((print_format)f), what, flushed, why,
                              strerror(why));
                fclose(out);
            }
        lesson_free(&l);
    }
}
END_TEST

/* The same as the user meets it: ./backstep on /dev/full says main's write
 * error, with its reason, and exits 2. */
START_TEST(write_error_said_with_reason)
{
    static const char *const cases[][6] = {
        {"--print", "tests/lessons/negligible.yaml", NULL},
        {"--print", "--format", "json", "lessons/07-deeper.yaml", NULL},
        {"--print", "--format", "markdown", "--ascii", "lessons/08-softmax.yaml", NULL},
        {"--gradcheck", "tests/lessons/negligible.yaml", NULL},
    };
    const char *bin = getenv("BACKSTEP_BIN") ? getenv("BACKSTEP_BIN") : "./backstep";
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        char *argv[8];
        int n = 0;
        argv[n++] = (char *)bin;
        for (; cases[k][n - 1]; n++)
            argv[n] = (char *)cases[k][n - 1];
        argv[n] = NULL;
        int fd[2];
        ck_assert_int_eq(pipe(fd), 0);
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_addopen(&fa, 1, "/dev/full", O_WRONLY, 0);
        posix_spawn_file_actions_adddup2(&fa, fd[1], 2);
        posix_spawn_file_actions_addclose(&fa, fd[0]);
        posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
        pid_t pid;
        ck_assert_int_eq(posix_spawn(&pid, bin, &fa, NULL, argv, environ), 0);
        posix_spawn_file_actions_destroy(&fa);
        close(fd[1]);
        char said[512];
        size_t len = 0;
        ssize_t got;
        while ((got = read(fd[0], said + len, sizeof said - 1 - len)) > 0)
            len += (size_t)got;
        said[len] = '\0';
        close(fd[0]);
        int st;
        ck_assert_int_eq(waitpid(pid, &st, 0), pid);
        ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 2, "%s %s: status %d", cases[k][0],
                      cases[k][1], st);
        ck_assert_str_eq(said, "backstep: write error on standard output: No space left on device\n");
    }
}
END_TEST

/* With --ascii, the handouts are ASCII to the last byte: every bundled
 * lesson's walkthrough, gradient check and training, as text and as
 * Markdown (a Markdown step heading once carried a raw U+00B7). */
START_TEST(ascii_handouts_are_ascii)
{
    char paths[BUNDLED_MAX][64];
    int n = bundled_lessons(paths, BUNDLED_MAX);
    for (int i = 0; i < n; i++) {
        lesson l;
        lesson_error err;
        ck_assert_msg(lesson_load_file(paths[i], &l, &err) == 0, "%s", err.message);
        static const print_format formats[] = {PRINT_TEXT, PRINT_MARKDOWN};
        for (int f = 0; f < 2; f++)
            for (int what = 0; what < 3; what++) {
                print_options opt = {formats[f], -1, 1, 0};
                captured c = {NULL, 0, 0};
                FILE *out = open_memstream(&c.text, &c.len);
                ck_assert_ptr_nonnull(out);
                c.rc = what == 0   ? print_walkthrough(out, &l, &opt)
                       : what == 1 ? print_train(out, &l, 3, &opt)
                                   : print_gradcheck(out, &l, &opt);
                fclose(out);
                ck_assert_int_ne(c.rc, 2);
                ck_assert_uint_gt(c.len, 0);
                for (size_t b = 0; b < c.len; b++)
                    ck_assert_msg((unsigned char)c.text[b] < 0x80,
                                  "%s %s output %d: byte 0x%02x at %zu: \"%.40s\"", paths[i],
                                  print_format_name(formats[f]), what,
                                  (unsigned char)c.text[b], b, c.text + (b > 20 ? b - 20 : 0));
                free(c.text);
            }
        lesson_free(&l);
    }
}
END_TEST

/* Writes a lesson whose gradient check takes a few seconds: 8-16-16-2
 * (416 weights), 800 samples, numbers from a fixed xorshift. */
static void write_slow_check(FILE *f)
{
    uint64_t x = 2463534242u;
#define NEXT() (x ^= x << 13, x ^= x >> 7, x ^= x << 17, (double)(x >> 11) * 0x1.0p-53)
    static const int width[] = {8, 16, 16, 2};
    fputs("title: slow check\nlayers: [8, 16, 16, 2]\nactivations: [tanh, tanh, linear]\n"
          "learning_rate: 0.01\nweights:\n", f);
    for (int l = 0; l < 3; l++)
        for (int i = 0; i < width[l]; i++)
            for (int j = 0; j < width[l + 1]; j++)
                fprintf(f, "%s%.2f%s", j ? ", " : i ? "     [" : "  - [[", NEXT() - 0.5,
                        j < width[l + 1] - 1 ? "" : i < width[l] - 1 ? "],\n" : "]]\n");
    fputs("samples:\n", f);
    for (int s = 0; s < 800; s++)
        for (int k = 0; k < 10; k++)
            fprintf(f, "%s%.1f%s", k == 0 ? "  - input: [" : k == 8 ? "    target: [" : ", ",
                    2 * NEXT() - 1, k == 7 || k == 9 ? "]\n" : "");
#undef NEXT
}

/* Runs ./backstep --gradcheck path with stdout on /dev/null and stderr on
 * a pipe, or on a terminal (a pseudo-terminal) when tty; fills what it
 * wrote on stderr and its wall time; returns the exit status. */
static int run_gradcheck(const char *path, int tty, char *said, size_t size, double *seconds)
{
    const char *bin = getenv("BACKSTEP_BIN") ? getenv("BACKSTEP_BIN") : "./backstep";
    char *argv[] = {(char *)bin, "--gradcheck", (char *)path, NULL};
    int rd, wr;
    if (tty) {
        rd = posix_openpt(O_RDWR | O_NOCTTY);
        ck_assert_int_ge(rd, 0);
        ck_assert_int_eq(grantpt(rd), 0);
        ck_assert_int_eq(unlockpt(rd), 0);
        wr = open(ptsname(rd), O_RDWR | O_NOCTTY);
    } else {
        int fd[2];
        ck_assert_int_eq(pipe(fd), 0);
        rd = fd[0];
        wr = fd[1];
    }
    ck_assert_int_ge(wr, 0);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, wr, 2);
    posix_spawn_file_actions_addclose(&fa, rd);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pid_t pid;
    ck_assert_int_eq(posix_spawn(&pid, bin, &fa, NULL, argv, environ), 0);
    posix_spawn_file_actions_destroy(&fa);
    close(wr);
    size_t len = 0;
    ssize_t got;
    /* a terminal's reading end says EIO once the program has closed it */
    while ((got = read(rd, said + len, size - 1 - len)) > 0)
        len += (size_t)got;
    said[len] = '\0';
    close(rd);
    int st;
    ck_assert_int_eq(waitpid(pid, &st, 0), pid);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    *seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Checks that every report in said is "gradient check: D of 416
 * parameters, about ... left" with D rising; returns how many there are. */
static int check_reports(const char *said, const char *sep)
{
    int reports = 0, last = 0;
    for (const char *p = strstr(said, "gradient check: "); p; p = strstr(p + 1, "gradient check: ")) {
        int done, total, used = 0;
        ck_assert_msg(sscanf(p, "gradient check: %d of %d parameters, about %*[^l]left%n", &done,
                             &total, &used) == 2 && used > 0,
                      "report \"%.60s\"", p);
        ck_assert_int_eq(total, 416);
        ck_assert_int_ge(done, last);
        ck_assert_int_lt(done, total);
        ck_assert_msg(strncmp(p + used, sep, strlen(sep)) == 0, "after a report: \"%.10s\"",
                      p + used);
        last = done;
        reports++;
    }
    return reports;
}

/* A check of more than a second says how far it has come on stderr: in
 * place on a terminal, erased at the end; in a log, a line at a time.  A
 * check within the first second says nothing. */
START_TEST(gradcheck_progress)
{
    char path[] = "/tmp/backstep-slow-XXXXXX.yaml";
    int fd = mkstemps(path, 5);
    ck_assert_int_ge(fd, 0);
    FILE *f = fdopen(fd, "w");
    ck_assert_ptr_nonnull(f);
    write_slow_check(f);
    fclose(f);
    static char said[1 << 14];
    double seconds;

    /* in a log: whole lines, at least the one after the first second */
    ck_assert_int_eq(run_gradcheck(path, 0, said, sizeof said, &seconds), 0);
    ck_assert_msg(seconds > 1.2, "the check took %.2f s, too short to report: enlarge it",
                  seconds);
    ck_assert_ptr_null(strchr(said, '\r'));
    ck_assert_int_ge(check_reports(said, "\n"), 1);
    ck_assert_msg(strncmp(said, "gradient check: ", 16) == 0, "said \"%.40s\"", said);
    ck_assert_int_eq(said[strlen(said) - 1], '\n');

    /* on a terminal: each report starts with \r, no newline, and the line
     * is blanked and the cursor back at its start when the check ends */
    ck_assert_int_eq(run_gradcheck(path, 1, said, sizeof said, &seconds), 0);
    ck_assert_msg(seconds > 1.2, "the check took %.2f s, too short to report", seconds);
    ck_assert_ptr_null(strchr(said, '\n'));
    ck_assert_msg(strncmp(said, "\rgradient check: ", 17) == 0, "said \"%.40s\"", said);
    ck_assert_int_ge(check_reports(said, ""), 1);
    const char *tail = strrchr(said, '\r');
    ck_assert_ptr_nonnull(tail);
    ck_assert_int_eq(tail[1], '\0');
    const char *blank = tail - 1;
    while (blank > said && *blank == ' ')
        blank--;
    ck_assert_int_eq(*blank, '\r');
    ck_assert_int_ge(tail - blank - 1, (int)strlen("gradient check: 1 of 416 parameters"));
    unlink(path);

    /* the largest bundled lesson's check ends at once, in silence */
    ck_assert_int_eq(run_gradcheck("lessons/10-vanishing.yaml", 1, said, sizeof said, &seconds),
                     0);
    ck_assert_str_eq(said, "");
}
END_TEST

Suite *print_suite(void)
{
    Suite *s = suite_create("print");
    TCase *tc = tcase_create("print");
    tcase_add_test(tc, json_matches_engine);
    tcase_add_test(tc, json_rows_transposes);
    tcase_add_test(tc, mazur_published_numbers);
    tcase_add_test(tc, train_json_no_biases_is_null);
    tcase_add_test(tc, train_reports_nonfinite);
    tcase_add_test(tc, text_shows_gradient_shapes);
    tcase_add_test(tc, text_wraps_narration);
    tcase_add_test(tc, escape_never_reaches_output);
    tcase_add_test(tc, gradcheck_table);
    tcase_add_test(tc, format_names);
    tcase_add_test(tc, expressions_in_every_format);
    tcase_add_test(tc, gradcheck_negligible_is_not_wrong);
    tcase_add_test(tc, json_laid_out_as_jansson);
    tcase_add_test(tc, write_error_left_for_caller);
    tcase_add_test(tc, write_error_said_with_reason);
    tcase_add_test(tc, ascii_handouts_are_ascii);
    suite_add_tcase(s, tc);

    tc = tcase_create("progress");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, gradcheck_progress);
    suite_add_tcase(s, tc);

    tc = tcase_create("memory");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, print_memory_bounded);
    suite_add_tcase(s, tc);
    return s;
}

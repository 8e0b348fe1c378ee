/* check_lesson.c - the lesson loader: values, defaults, conventions, notes,
 * lookup, and the exact message of every kind of malformed lesson. */
#include <check.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lesson.h"
#include "utf8.h"

#define TMP "tests/tmp"

/* Loads text as "x.yaml" and expects success. */
static void load_ok(const char *text, lesson *l)
{
    lesson_error err;
    int rc = lesson_load_string("x.yaml", text, strlen(text), l, &err);
    ck_assert_msg(rc == 0, "unexpected error: %s", err.message);
}

/* Loads text as "x.yaml" and expects exactly the message want. */
static void load_fails(const char *text, size_t len, const char *want)
{
    lesson l;
    lesson_error err;
    int rc = lesson_load_string("x.yaml", text, len, &l, &err);
    ck_assert_int_eq(rc, -1);
    ck_assert_str_eq(err.message, want);
    /* a failed load leaves nothing behind to free */
    ck_assert_ptr_null(l.path);
    ck_assert_ptr_null(l.net.weights[0]);
    ck_assert_int_eq(l.n_notes, 0);
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* Loads a file, expects want, and that it took under a second. */
static void file_fails(const char *path, const char *want)
{
    lesson l;
    lesson_error err;
    double t0 = now();
    int rc = lesson_load_file(path, &l, &err);
    double dt = now() - t0;
    ck_assert_int_eq(rc, -1);
    ck_assert_str_eq(err.message, want);
    ck_assert_msg(dt < 1.0, "%s took %.3f s", path, dt);
    ck_assert_ptr_null(l.title);
}

#define NET "title: \"t\"\nlayers: [2, 3, 2]\nactivations: [sigmoid, linear]\n"
#define SAMPLE "samples:\n  - input: [1.0, 0.5]\n    target: [1.0, 0.0]\n"

START_TEST(test_default)
{
    lesson l;
    lesson_error err;
    ck_assert_int_eq(lesson_load_default(&l, &err), 0);
    ck_assert_str_eq(l.path, "(built-in)");
    ck_assert_str_eq(l.name, "default");
    ck_assert_str_eq(l.title, "The 2-3-2 network from the question");
    ck_assert_ptr_nonnull(l.description);
    ck_assert_int_eq(l.net.layers, 2);
    ck_assert_int_eq(l.net.width[0], 2);
    ck_assert_int_eq(l.net.width[1], 3);
    ck_assert_int_eq(l.net.width[2], 2);
    ck_assert_int_eq(l.net.act[0], ACT_SIGMOID);
    ck_assert_int_eq(l.net.act[1], ACT_LINEAR);
    ck_assert_int_eq(l.net.loss, LOSS_MSE);
    ck_assert_int_eq(l.net.convention, CONV_COLUMNS);
    ck_assert_int_eq(l.net.mode, MODE_ONLINE);
    ck_assert_double_eq(l.net.learning_rate, 0.5);
    ck_assert_int_eq(l.net.has_bias, 0);
    ck_assert_ptr_null(l.net.biases[0]);
    /* W_ij is 2x3 as written: w[i*3 + j] */
    static const double w1[] = {0.2, -0.4, 0.6, 0.5, 0.3, -0.1};
    static const double w2[] = {0.7, -0.2, -0.5, 0.4, 0.3, 0.8};
    for (int i = 0; i < 6; i++) {
        ck_assert_double_eq(l.net.weights[0][i], w1[i]);
        ck_assert_double_eq(l.net.weights[1][i], w2[i]);
    }
    ck_assert_int_eq(l.net.samples, 1);
    ck_assert_double_eq(l.net.inputs[0], 1.0);
    ck_assert_double_eq(l.net.inputs[1], 0.5);
    ck_assert_double_eq(l.net.targets[0], 1.0);
    ck_assert_double_eq(l.net.targets[1], 0.0);
    ck_assert_int_eq(l.n_notes, 15);
    const char *n = lesson_note_for(&l, "update.2");
    ck_assert_ptr_nonnull(n);
    ck_assert_ptr_eq(n, lesson_note_for(&l, "update.1"));
    ck_assert(strncmp(n, "Subtract η times the gradient.", strlen("Subtract η times the gradient.")) == 0);
    ck_assert_ptr_null(lesson_note_for(&l, "update.1.bias"));
    lesson_free(&l);
    ck_assert_ptr_null(l.title);
    ck_assert_ptr_null(l.net.weights[0]);
}
END_TEST

/* The same network written in both conventions gives the same numbers. */
START_TEST(test_rows_transposed)
{
    static const char cols[] = NET "weights:\n"
        "  - [[1, 2, 3], [4, 5, 6]]\n"
        "  - [[7, 8], [9, 10], [11, 12]]\n" SAMPLE;
    static const char rows[] = NET "convention: rows\nweights:\n"
        "  - [[1, 4], [2, 5], [3, 6]]\n"
        "  - [[7, 9, 11], [8, 10, 12]]\n" SAMPLE;
    lesson a, b;
    load_ok(cols, &a);
    load_ok(rows, &b);
    ck_assert_int_eq(a.net.convention, CONV_COLUMNS);
    ck_assert_int_eq(b.net.convention, CONV_ROWS);
    for (int i = 0; i < 6; i++) {
        ck_assert_double_eq(a.net.weights[0][i], (double)(i + 1));
        ck_assert_double_eq(a.net.weights[1][i], (double)(i + 7));
        ck_assert_double_eq(b.net.weights[0][i], a.net.weights[0][i]);
        ck_assert_double_eq(b.net.weights[1][i], a.net.weights[1][i]);
    }
    lesson_free(&a);
    lesson_free(&b);
}
END_TEST

START_TEST(test_numbers)
{
    static const char text[] = "title: \"n\"\nlayers: [2, 2]\nactivations: [linear]\n"
        "learning_rate: 2.5e-1\nseed: -42\n"
        "weights:\n  - [[1e-3, -2.5E+2], [.5, 7.]]\n"
        "samples:\n  - input: [6, -3]\n    target: [+1, 0.5]\n"
        "  - input: [1e-400, -0]\n    target: [123456789012, 0.1]\n";
    lesson l;
    load_ok(text, &l);
    ck_assert_double_eq(l.net.learning_rate, 0.25);
    ck_assert_int_eq(l.seed, -42);
    ck_assert_double_eq(l.net.weights[0][0], 1e-3);
    ck_assert_double_eq(l.net.weights[0][1], -250.0);
    ck_assert_double_eq(l.net.weights[0][2], 0.5);
    ck_assert_double_eq(l.net.weights[0][3], 7.0);
    ck_assert_double_eq(l.net.inputs[0], 6.0);
    ck_assert_double_eq(l.net.inputs[1], -3.0);
    ck_assert_double_eq(l.net.targets[0], 1.0);
    ck_assert_double_eq(l.net.targets[1], 0.5);
    /* an underflow reads as the nearest double (0), not an error */
    ck_assert_double_eq_tol(l.net.inputs[2], 0.0, 1e-300);
    ck_assert_double_eq(l.net.targets[2], 123456789012.0);
    ck_assert_double_eq(l.net.targets[3], 0.1);
    lesson_free(&l);
}
END_TEST

START_TEST(test_defaults)
{
    lesson l;
    load_ok(NET SAMPLE, &l);
    ck_assert_str_eq(l.name, "x");
    ck_assert_ptr_null(l.description);
    ck_assert_int_eq(l.seed, 0);
    ck_assert_int_eq(l.net.loss, LOSS_MSE);
    ck_assert_int_eq(l.net.convention, CONV_COLUMNS);
    ck_assert_int_eq(l.net.mode, MODE_ONLINE);
    ck_assert_double_eq(l.net.learning_rate, 0.1);
    ck_assert_int_eq(l.net.has_bias, 0);
    ck_assert_int_eq(l.net.train_bias, 1);
    ck_assert_int_eq(l.n_notes, 0);
    ck_assert_int_eq(l.n_expressions, 0);
    ck_assert_ptr_null(lesson_note_for(&l, "loss"));
    lesson_free(&l);
}
END_TEST

/* Without weights: Glorot uniform from the lesson's seed, layer 1 first. */
START_TEST(test_glorot)
{
    static const char text[] = "title: \"g\"\nlayers: [2, 3, 2]\nactivations: [tanh, sigmoid]\n"
        "seed: 7\n" SAMPLE;
    lesson l, again;
    load_ok(text, &l);
    load_ok(text, &again);
    engine_net ref = l.net;
    double w1[6], w2[6];
    ref.weights[0] = w1;
    ref.weights[1] = w2;
    engine_rng rng;
    engine_rng_seed(&rng, 7);
    engine_glorot(&ref, 1, &rng);
    engine_glorot(&ref, 2, &rng);
    double bound1 = sqrt(6.0 / 5.0), bound2 = sqrt(6.0 / 5.0);
    int nonzero = 0;
    for (int i = 0; i < 6; i++) {
        ck_assert_double_eq(l.net.weights[0][i], w1[i]);
        ck_assert_double_eq(l.net.weights[1][i], w2[i]);
        ck_assert_double_eq(again.net.weights[0][i], w1[i]);
        ck_assert(fabs(w1[i]) <= bound1 && fabs(w2[i]) <= bound2);
        nonzero += w1[i] != 0.0;
    }
    ck_assert_int_eq(nonzero, 6);
    lesson_free(&l);
    lesson_free(&again);
}
END_TEST

START_TEST(test_biases)
{
    lesson l;
    load_ok(NET "biases: zero\ntrain_biases: false\n" SAMPLE, &l);
    ck_assert_int_eq(l.net.has_bias, 1);
    ck_assert_int_eq(l.net.train_bias, 0);
    ck_assert_double_eq(l.net.biases[0][2], 0.0);
    ck_assert_double_eq(l.net.biases[1][1], 0.0);
    lesson_free(&l);
    load_ok(NET "biases:\n  - [0.35, 0.35, -1]\n  - [0.6, 2]\n" SAMPLE, &l);
    ck_assert_int_eq(l.net.has_bias, 1);
    ck_assert_int_eq(l.net.train_bias, 1);
    ck_assert_double_eq(l.net.biases[0][0], 0.35);
    ck_assert_double_eq(l.net.biases[0][2], -1.0);
    ck_assert_double_eq(l.net.biases[1][0], 0.6);
    ck_assert_double_eq(l.net.biases[1][1], 2.0);
    lesson_free(&l);
}
END_TEST

START_TEST(test_notes)
{
    static const char text[] = NET SAMPLE "notes:\n"
        "  backward.*.gradient: wild\n"
        "  backward.2.gradient: exact\n"
        "  update.*: step\n"
        "  update.*.bias: bias step\n"
        "  batch.2.mean.bias: mean\n"
        "  loss: \"E\"\n";
    lesson l;
    load_ok(text, &l);
    ck_assert_int_eq(l.n_notes, 6);
    ck_assert_str_eq(l.notes[0].pattern, "backward.*.gradient");
    ck_assert_str_eq(lesson_note_for(&l, "backward.2.gradient"), "exact");
    ck_assert_str_eq(lesson_note_for(&l, "backward.1.gradient"), "wild");
    ck_assert_ptr_null(lesson_note_for(&l, "backward.1.gradient.copy"));
    ck_assert_str_eq(lesson_note_for(&l, "update.2"), "step");
    ck_assert_str_eq(lesson_note_for(&l, "update.12"), "step");
    ck_assert_str_eq(lesson_note_for(&l, "update.1.bias"), "bias step");
    ck_assert_ptr_null(lesson_note_for(&l, "update."));
    ck_assert_ptr_null(lesson_note_for(&l, "update.x"));
    ck_assert_str_eq(lesson_note_for(&l, "batch.2.mean.bias"), "mean");
    ck_assert_ptr_null(lesson_note_for(&l, "batch.1.mean.bias"));
    ck_assert_str_eq(lesson_note_for(&l, "loss"), "E");
    ck_assert_ptr_null(lesson_note_for(&l, NULL));
    lesson_free(&l);
}
END_TEST

START_TEST(test_expressions)
{
    static const char text[] = NET SAMPLE "expressions:\n"
        "  - caption: \"the question's formula\"\n    expr: \"W_jk * g'(W_ij * x) * x\"\n"
        "  - {caption: outer, expr: \"x * delta_j^T\"}\n";
    lesson l;
    load_ok(text, &l);
    ck_assert_int_eq(l.n_expressions, 2);
    ck_assert_str_eq(l.expressions[0].caption, "the question's formula");
    ck_assert_str_eq(l.expressions[0].expr, "W_jk * g'(W_ij * x) * x");
    ck_assert_str_eq(l.expressions[1].caption, "outer");
    ck_assert_str_eq(l.expressions[1].expr, "x * delta_j^T");
    lesson_free(&l);
}
END_TEST

/* The complete example in lessons/README.md loads as documented. */
START_TEST(test_readme_example)
{
    FILE *f = fopen("lessons/README.md", "r");
    ck_assert_ptr_nonnull(f);
    static char doc[32768];
    size_t n = fread(doc, 1, sizeof doc - 1, f);
    fclose(f);
    doc[n] = '\0';
    char *start = strstr(doc, "```yaml\n");
    ck_assert_ptr_nonnull(start);
    start += strlen("```yaml\n");
    char *end = strstr(start, "```");
    ck_assert_ptr_nonnull(end);
    lesson l;
    lesson_error err;
    int rc = lesson_load_string("README.md", start, (size_t)(end - start), &l, &err);
    ck_assert_msg(rc == 0, "%s", err.message);
    ck_assert_int_eq(l.net.has_bias, 1);
    ck_assert_double_eq(l.net.biases[1][0], 0.60);
    ck_assert_double_eq(l.net.weights[1][5], 0.65);
    ck_assert_str_eq(lesson_note_for(&l, "backward.2.gradient"),
                     "An exact step id wins over a pattern with *.\n");
    ck_assert_int_eq(l.n_expressions, 1);
    lesson_free(&l);
}
END_TEST

/* Messages for small inputs, loaded from memory as "x.yaml". */
static const struct {
    const char *text;
    const char *message;
} string_errors[] = {
    {"", "x.yaml:1:1: the lesson is empty, expected a mapping with title, layers, "
         "activations and samples"},
    {"~\n", "x.yaml:1:1: the lesson is empty, expected a mapping with title, layers, "
            "activations and samples"},
    {"# nothing\n[1, 2]\n", "x.yaml:1:1: the lesson is empty, expected a mapping with title, "
                            "layers, activations and samples"},
    {"\n\ntitle: t\n", "x.yaml:3:1: missing key 'layers' (the widths from input to output, "
                       "such as [2, 3, 2])"},
    {"title: t\nlayers: [2, 2]\n",
     "x.yaml:1:1: missing key 'activations' (one per weight layer, such as [sigmoid, linear])"},
    {"title: t\nlayers:\n\t- 2\n", "x.yaml:3:1: tab character, indent with spaces"},
    {"title: \"a\tb\"\n", "x.yaml:1:10: tab character, indent with spaces"},
    {"title: \"é\tb\"\n", "x.yaml:1:10: tab character, indent with spaces"},
    {NET SAMPLE "learning_rat: 1\n",
     "x.yaml:7:1: unknown key 'learning_rat' (did you mean 'learning_rate'?)"},
    {NET SAMPLE "Title: t\n", "x.yaml:7:1: unknown key 'Title' (did you mean 'title'?)"},
    {NET SAMPLE "weights:\n  - [[0.1, 0.2], [0.3, 0.4]]\n  - [[1, 2], [3, 4], [5, 6]]\n",
     "x.yaml:8:5: weights[0] must be 2×3 (layers 2 → 3, columns convention), found 2×2"},
    {NET SAMPLE "weights:\n  - [[1, 2, 3], [4, 5, 6]]\n  - [[1, 2], [3, 4], [5, 6], [7, 8]]\n",
     "x.yaml:9:5: weights[1] must be 3×2 (layers 3 → 2, columns convention), found 4×2"},
    {NET SAMPLE "weights:\n  - []\n  - [[1, 2], [3, 4], [5, 6]]\n",
     "x.yaml:8:5: weights[0] must be 2×3 (layers 2 → 3, columns convention), found 0×0"},
    {NET SAMPLE "weights: [[1, 2, 3], [4, 5, 6]]\n",
     "x.yaml:7:12: weights[0][0] must be a row of 3 numbers, found 1"},
    {NET SAMPLE "weights:\n  - [1, 2, 3]\n  - [[1, 2], [3, 4], [5, 6]]\n",
     "x.yaml:8:6: weights[0][0] must be a row of 3 numbers, found 1"},
    {NET SAMPLE "weights:\n  - [[1, 2, 3], [4, 5, x]]\n  - [[1, 2], [3, 4], [5, 6]]\n",
     "x.yaml:8:24: weights[0][1][2] must be a number, found 'x'"},
    {NET SAMPLE "weights: 3\n", "x.yaml:7:10: weights must be a list of 2 matrices, found 3"},
    {"title: t\nlayers: [2, 3, 2]\nactivations: [sigmod, linear]\n" SAMPLE,
     "x.yaml:3:15: unknown activation 'sigmod' (did you mean 'sigmoid'?)"},
    {"title: t\nlayers: [2, 3, 2]\nactivations: [sigmoid, ]\n" SAMPLE,
     "x.yaml:3:14: activations must have one entry per weight layer (2), found 1"},
    {"title: t\nlayers: [2, 3, 2]\nactivations: [sigmoid, {a: 1}]\n" SAMPLE,
     "x.yaml:3:24: activations[1] must be linear, sigmoid, tanh, relu, leaky_relu or softmax, "
     "found a mapping"},
    {"title: t\nlayers: [2, 3, 2]\nactivations: sigmoid\n" SAMPLE,
     "x.yaml:3:14: activations must be a list of 2 activations such as [sigmoid, linear], "
     "found 'sigmoid'"},
    {"title: t\nlayers: 3\n", "x.yaml:1:1: missing key 'activations' (one per weight layer, "
                              "such as [sigmoid, linear])"},
    {"title: t\nlayers: 3\nactivations: []\n" SAMPLE,
     "x.yaml:2:9: layers must be a list of widths such as [2, 3, 2], found 3"},
    {"title: t\nlayers: [2]\nactivations: []\n" SAMPLE,
     "x.yaml:2:9: layers must have 2 to 9 widths (1 to 8 weight layers), found 1"},
    {"title: t\nlayers: [2, 0]\nactivations: [linear]\n" SAMPLE,
     "x.yaml:2:13: layers[1] must be a width from 1 to 64, found 0"},
    {"title: t\nlayers: [2, 65]\nactivations: [linear]\n" SAMPLE,
     "x.yaml:2:13: layers[1] must be a width from 1 to 64, found 65"},
    {"title: t\nlayers: [2, \"3\"]\nactivations: [linear]\n" SAMPLE,
     "x.yaml:2:13: layers[1] must be a width from 1 to 64, found \"3\" (in quotes)"},
    {"title: t\nlayers: [2, 99999999999999999999999]\nactivations: [linear]\n" SAMPLE,
     "x.yaml:2:13: layers[1] must be a width from 1 to 64, found 99999999999999999999999"},
    {"title: t\ntitle: u\n", "x.yaml:2:1: duplicate key 'title', first given at line 1"},
    {NET "samples:\n  - {input: [1, 2], input: [1, 2]}\n",
     "x.yaml:5:21: duplicate key 'input', first given at line 5"},
    {"title: &t t\n", "x.yaml:1:8: anchor '&t': anchors and aliases are not allowed, "
                      "write the values out"},
    {"title: *t\n", "x.yaml:1:8: alias '*t': anchors and aliases are not allowed, "
                    "write the values out"},
    {"title: !!str t\n", "x.yaml:1:8: tag '!!str': tags are not allowed, write plain values"},
    {"title: !mine t\n", "x.yaml:1:8: tag '!mine': tags are not allowed, write plain values"},
    {"title: ! t\n", "x.yaml:1:8: tag '!': tags are not allowed, write plain values"},
    {"layers: ! [2, 2]\n", "x.yaml:1:9: tag '!': tags are not allowed, write plain values"},
    {NET SAMPLE "notes: {loss: a, \"loss\\0\": b}\n",
     "x.yaml:7:18: duplicate key 'loss\\x00', first given at line 7"},
    {NET SAMPLE "notes:\n  \"loss\\0x\": b\n  loss: a\n",
     "x.yaml:8:3: 'loss\\x00x' holds a NUL character (\\0), which no value of a lesson may "
     "hold"},
    {"\"title\\0\": t\n",
     "x.yaml:1:1: 'title\\x00' holds a NUL character (\\0), which no value of a lesson may hold"},
    {"\xef\xbb\xbftitle: \"t\x01\"\n",
     "x.yaml:1:10: control characters are not allowed, expected UTF-8 text"},
    {"title: t\r\rtitle: u\r", "x.yaml:3:1: duplicate key 'title', first given at line 1"},
    {"a: 1\xc2\x85" "b: \x01\n",
     "x.yaml:2:4: control characters are not allowed, expected UTF-8 text"},
    {"\xff\xfe", "x.yaml:1:1: the file is UTF-16 (little-endian, with a byte order mark) text, "
                   "expected UTF-8: save it as UTF-8"},
    {NET SAMPLE "title\xe2\x80\xae: x\n",
     "x.yaml:7:1: unknown key 'title\\u202e', expected one of title, description, layers, "
     "activations, loss, convention, mode, learning_rate, seed, weights, biases, train_biases, "
     "samples, notes, expressions"},
    {"? [a]\n: 1\n", "x.yaml:1:3: a key must be plain text, found a list"},
    {"title: t\n---\ntitle: u\n", "x.yaml:2:1: a second document, expected one lesson per file"},
    {"title: [1, 2\n", "x.yaml:2:1: did not find expected ',' or ']', while parsing a flow "
                       "sequence that starts at 1:8"},
    {"title: t\n  layers: [2]\n", "x.yaml:2:9: a ':' is not allowed here: put text that "
                                  "holds ': ' in quotes, or check the indentation"},
    /* A missing ':' is reported where its key starts, not on the next line. */
    {"title: t\nloss mse\nmode: online\n",
     "x.yaml:2:1: expected 'key: value' here, found no ':' after the key"},
    {"samples:\n  - input: [1]\n    target: [1]\n   - input: [2]\n",
     "x.yaml:4:4: expected another '- item' lined up with the list that starts at 2:3: "
     "check the indentation"},
    {"title: t\nsamples:\n  - input: [1]\n   target: [1]\n",
     "x.yaml:4:4: expected another '- item' lined up with the list that starts at 3:3: "
     "check the indentation"},
    {"title: \"t\xff\"\n", "x.yaml:1:10: invalid leading UTF-8 octet, expected UTF-8 text"},
    {"title: t\x1b[31m\n", "x.yaml:1:9: control characters are not allowed, expected UTF-8 text"},
    {NET SAMPLE "\"\\e[2J\\x9b\": 1\n",
     "x.yaml:7:1: unknown key '\\x1b[2J\\x9b', expected one of title, description, layers, "
     "activations, loss, convention, mode, learning_rate, seed, weights, biases, train_biases, "
     "samples, notes, expressions"},
    {NET SAMPLE "description: \"" "0123456789012345678901234567890123456789" "0123456789\"\n"
     "description: x\n",
     "x.yaml:8:1: duplicate key 'description', first given at line 7"},
    {NET SAMPLE "learning_rate: \"" "αβγδεζηθικλμνξοπρστυφχψω" "\"\n",
     "x.yaml:7:16: learning_rate must be a number without quotes, found "
     "\"αβγδεζηθικλμνξοπρστυ…\""},
    {NET SAMPLE "learning_rate: 0\n",
     "x.yaml:7:16: learning_rate must be greater than 0, found 0"},
    {NET SAMPLE "learning_rate: -1e-9\n",
     "x.yaml:7:16: learning_rate must be greater than 0, found -1e-9"},
    {NET SAMPLE "learning_rate: -.INF\n",
     "x.yaml:7:16: learning_rate must be a finite number, found '-.INF'"},
    {NET SAMPLE "learning_rate: nan\n",
     "x.yaml:7:16: learning_rate must be a finite number, found 'nan'"},
    {NET SAMPLE "learning_rate: -1e309\n",
     "x.yaml:7:16: learning_rate must be a finite number, found -1e309 (too large for a double)"},
    {NET SAMPLE "learning_rate: 1_000\n",
     "x.yaml:7:16: learning_rate must be a number, found 1_000"},
    {NET SAMPLE "learning_rate: 1.5.2\n",
     "x.yaml:7:16: learning_rate must be a number, found 1.5.2"},
    {NET SAMPLE "learning_rate:\n",
     "x.yaml:7:15: learning_rate must be a number, found nothing"},
    {NET SAMPLE "seed: 99999999999999999999\n",
     "x.yaml:7:7: seed must be a whole number, found 99999999999999999999"},
    {NET SAMPLE "loss: cross_entropy\n",
     "x.yaml:7:7: loss cross_entropy needs softmax in the output layer, found linear"},
    {"title: t\nlayers: [2, 3, 2]\nactivations: [sigmoid, softmax]\nloss: mse\n" SAMPLE,
     "x.yaml:3:24: activations[1]: softmax needs loss: cross_entropy, found mse"},
    {"title: t\nlayers: [2, 3, 2]\nactivations: [softmax, softmax]\nloss: cross_entropy\n" SAMPLE,
     "x.yaml:3:15: activations[0]: softmax is allowed only in the output layer (layer 2), "
     "found it in layer 1"},
    {NET SAMPLE "loss: hinge\n", "x.yaml:7:7: unknown loss 'hinge', expected mse or cross_entropy"},
    {NET SAMPLE "convention: row\n",
     "x.yaml:7:13: unknown convention 'row' (did you mean 'rows'?)"},
    {NET SAMPLE "convention: diagonal\n",
     "x.yaml:7:13: unknown convention 'diagonal', expected columns or rows"},
    {NET SAMPLE "mode: onlin\n", "x.yaml:7:7: unknown mode 'onlin' (did you mean 'online'?)"},
    {NET SAMPLE "mode: [online]\n", "x.yaml:7:7: mode must be online or batch, found a list"},
    {NET SAMPLE "train_biases: yes\n",
     "x.yaml:7:15: train_biases must be true or false, found 'yes'"},
    {NET SAMPLE "biases: [[1, 2, 3], [4, 5, 6]]\n",
     "x.yaml:7:21: biases[1] must have 2 numbers (layer 2 has 2 units), found 3"},
    {NET SAMPLE "biases: [[1, 2, 3], 4]\n",
     "x.yaml:7:21: biases[1] must be a list of 2 numbers, found 4"},
    {NET SAMPLE "description: [a]\n", "x.yaml:7:14: description must be text, found a list"},
    {NET SAMPLE "title: \n", "x.yaml:7:1: duplicate key 'title', first given at line 1"},
    {"title:\nlayers: [2, 2]\nactivations: [linear]\n" SAMPLE,
     "x.yaml:1:7: title must be text, found nothing"},
    {NET "samples: {input: [1, 2]}\n",
     "x.yaml:4:10: samples must be a list of {input, target}, found a mapping"},
    {NET "samples: [[1, 2]]\n",
     "x.yaml:4:11: samples[0] must be a mapping {input, target}, found a list"},
    {NET "samples:\n  - target: [1, 2]\n",
     "x.yaml:5:5: samples[0] is missing 'input' (a list of 2 numbers)"},
    {NET "samples:\n  - input: [1, 2, 3]\n    target: [1, 2]\n",
     "x.yaml:5:12: samples[0].input must have 2 numbers (one per input), found 3"},
    {NET SAMPLE "notes: [a]\n", "x.yaml:7:8: notes must be a mapping from step ids to text, "
                                "found a list"},
    {NET SAMPLE "notes:\n  los: E\n",
     "x.yaml:8:3: unknown step 'los' in notes (did you mean 'loss'?)"},
    {NET SAMPLE "notes:\n  backward.2.gradient.cpy: x\n",
     "x.yaml:8:3: unknown step 'backward.2.gradient.cpy' in notes "
     "(did you mean 'backward.2.gradient.copy'?)"},
    {NET SAMPLE "notes:\n  sideways: x\n",
     "x.yaml:8:3: unknown step 'sideways' in notes, expected an id such as forward.1.sum, "
     "loss, backward.*.gradient or update.2"},
    {NET SAMPLE "notes:\n  forward.one.sum: x\n",
     "x.yaml:8:3: unknown step 'forward.one.sum' in notes, expected an id such as "
     "forward.1.sum, loss, backward.*.gradient or update.2"},
    {NET SAMPLE "notes:\n  update.0: x\n",
     "x.yaml:8:3: notes: step 'update.0' names layer 0, expected a layer from 1 to 2 or *"},
    {NET SAMPLE "notes:\n  update.*: [x]\n",
     "x.yaml:8:13: notes.update.* must be text, found a list"},
    {NET SAMPLE "expressions: {caption: a}\n",
     "x.yaml:7:14: expressions must be a list of {caption, expr}, found a mapping"},
    {NET SAMPLE "expressions:\n  - {caption: a, expression: b}\n",
     "x.yaml:8:18: unknown key 'expression' in expressions[0], expected one of caption, "
     "expr"},
    {NET SAMPLE "expressions:\n  - {caption: a, exp: b}\n",
     "x.yaml:8:18: unknown key 'exp' in expressions[0] (did you mean 'expr'?)"},
    {NET SAMPLE "expressions:\n  - {expr: b}\n",
     "x.yaml:8:5: expressions[0] is missing 'caption' (a caption, as text)"},
    {NET SAMPLE "description: [[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]\n" /* 16 levels: fine */
     "title: u\n", "x.yaml:8:1: duplicate key 'title', first given at line 1"},
    {NET SAMPLE "description: [[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]\n",
     "x.yaml:7:29: nested deeper than 16 levels, expected at most 16"},
};

START_TEST(test_string_error)
{
    load_fails(string_errors[_i].text, strlen(string_errors[_i].text), string_errors[_i].message);
}
END_TEST

/* The malformed corpus in tests/bad/, one message each. */
static const struct {
    const char *file;
    const char *message;
} corpus[] = {
    {"activation-count.yaml",
     "tests/bad/activation-count.yaml:3:14: activations must have one entry per weight layer (2), found 3"},
    {"alias-bomb.yaml",
     "tests/bad/alias-bomb.yaml:2:4: anchor '&a': anchors and aliases are not allowed, write the values out"},
    {"alias.yaml",
     "tests/bad/alias.yaml:5:5: anchor '&w': anchors and aliases are not allowed, write the values out"},
    {"bias-count.yaml",
     "tests/bad/bias-count.yaml:5:3: biases must have one vector per weight layer (2), found 1"},
    {"bias-length.yaml",
     "tests/bad/bias-length.yaml:6:5: biases[1] must have 2 numbers (layer 2 has 2 units), found 1"},
    {"bias-word.yaml",
     "tests/bad/bias-word.yaml:4:9: biases must be 'zero' or one list per weight layer, found 'zeros'"},
    {"bidi-key.yaml",
     "tests/bad/bidi-key.yaml:6:1: unknown key 'lear\\u202eetar_gnin', expected one of title, description, layers, activations, loss, convention, mode, learning_rate, seed, weights, biases, train_biases, samples, notes, expressions"},
    {"binary.yaml",
     "tests/bad/binary.yaml:2:1: control characters are not allowed, expected UTF-8 text"},
    {"bom-control.yaml",
     "tests/bad/bom-control.yaml:1:10: control characters are not allowed, expected UTF-8 text"},
    {"comments-only.yaml",
     "tests/bad/comments-only.yaml:1:1: the lesson is empty, expected a mapping with title, layers, activations and samples"},
    {"cr-only-control.yaml",
     "tests/bad/cr-only-control.yaml:5:39: control characters are not allowed, expected UTF-8 text"},
    {"cr-only-tab.yaml",
     "tests/bad/cr-only-tab.yaml:5:1: tab character, indent with spaces"},
    {"cr-only-value.yaml",
     "tests/bad/cr-only-value.yaml:5:16: learning_rate must be a number, found 'fast'"},
    {"crlf-tab.yaml",
     "tests/bad/crlf-tab.yaml:5:1: tab character, indent with spaces"},
    {"cross-entropy-sigmoid.yaml",
     "tests/bad/cross-entropy-sigmoid.yaml:4:7: loss cross_entropy needs softmax in the output layer, found linear"},
    {"deep-17.yaml",
     "tests/bad/deep-17.yaml:7:29: nested deeper than 16 levels, expected at most 16"},
    {"duplicate-key-nul.yaml",
     "tests/bad/duplicate-key-nul.yaml:7:18: duplicate key 'loss\\x00', first given at line 7"},
    {"duplicate-key.yaml",
     "tests/bad/duplicate-key.yaml:4:1: duplicate key 'layers', first given at line 2"},
    {"empty.yaml",
     "tests/bad/empty.yaml:1:1: the lesson is empty, expected a mapping with title, layers, activations and samples"},
    {"escape-quoted.yaml",
     "tests/bad/escape-quoted.yaml:7:5: unknown key '\\x1b]0;pwned\\x07\\x85' in samples[0], expected one of input, target"},
    {"expression-missing.yaml",
     "tests/bad/expression-missing.yaml:8:5: expressions[0] is missing 'expr' (the expression, as text)"},
    {"layers-fraction.yaml",
     "tests/bad/layers-fraction.yaml:2:13: layers[1] must be a width from 1 to 64, found 2.5"},
    {"lr-hex.yaml",
     "tests/bad/lr-hex.yaml:4:16: learning_rate must be a number, found 0x1p-3"},
    {"lr-inf.yaml",
     "tests/bad/lr-inf.yaml:4:16: learning_rate must be a finite number, found '.inf'"},
    {"lr-negative.yaml",
     "tests/bad/lr-negative.yaml:4:16: learning_rate must be greater than 0, found -0.5"},
    {"lr-overflow.yaml",
     "tests/bad/lr-overflow.yaml:4:16: learning_rate must be a finite number, found 1e400 (too large for a double)"},
    {"lr-zero.yaml",
     "tests/bad/lr-zero.yaml:4:16: learning_rate must be greater than 0, found 0"},
    {"missing-samples.yaml",
     "tests/bad/missing-samples.yaml:1:1: missing key 'samples' (a list of {input, target})"},
    {"missing-title.yaml",
     "tests/bad/missing-title.yaml:1:1: missing key 'title' (the lesson's title, as text)"},
    {"nan.yaml",
     "tests/bad/nan.yaml:5:13: samples[0].input[0] must be a finite number, found '.nan'"},
    {"not-a-mapping.yaml",
     "tests/bad/not-a-mapping.yaml:1:1: the lesson is empty, expected a mapping with title, layers, activations and samples"},
    {"not-a-number.yaml",
     "tests/bad/not-a-number.yaml:5:13: samples[0].input[0] must be a number, found 'one'"},
    {"note-layer.yaml",
     "tests/bad/note-layer.yaml:8:3: notes: step 'forward.3.sum' names layer 3, expected a layer from 1 to 2 or *"},
    {"note-delta-hidden.yaml",
     "tests/bad/note-delta-hidden.yaml:9:3: notes: step 'backward.1.delta' names layer 1, expected backward.2.delta (the loss's gradient is a step of the output layer 2 only) or backward.*.delta"},
    {"note-misspelt.yaml",
     "tests/bad/note-misspelt.yaml:8:3: unknown step 'backward.*.gradiant' in notes (did you mean 'backward.*.gradient'?)"},
    {"nul-title.yaml",
     "tests/bad/nul-title.yaml:1:8: 'a\\x00b' holds a NUL character (\\0), which no value of a lesson may hold"},
    {"overflow.yaml",
     "tests/bad/overflow.yaml:6:14: samples[0].target[0] must be a finite number, found 1e999 (too large for a double)"},
    {"quoted-number.yaml",
     "tests/bad/quoted-number.yaml:5:13: samples[0].input[0] must be a number without quotes, found \"1.0\""},
    {"rows-shape.yaml",
     "tests/bad/rows-shape.yaml:6:5: weights[0] must be 3×2 (layers 2 → 3, rows convention), found 2×3"},
    {"sample-key.yaml",
     "tests/bad/sample-key.yaml:5:5: unknown key 'inputs' in samples[0] (did you mean 'input'?)"},
    {"sample-missing-target.yaml",
     "tests/bad/sample-missing-target.yaml:5:5: samples[0] is missing 'target' (a list of 2 numbers)"},
    {"samples-empty.yaml",
     "tests/bad/samples-empty.yaml:4:10: samples must have 1 to 1000 entries, found 0"},
    {"scalar.yaml",
     "tests/bad/scalar.yaml:1:1: the lesson is empty, expected a mapping with title, layers, activations and samples"},
    {"second-document.yaml",
     "tests/bad/second-document.yaml:7:1: a second document, expected one lesson per file"},
    {"seed-fraction.yaml",
     "tests/bad/seed-fraction.yaml:4:7: seed must be a whole number, found 1.5"},
    {"softmax-hidden.yaml",
     "tests/bad/softmax-hidden.yaml:3:15: activations[0]: softmax is allowed only in the output layer (layer 2), found it in layer 1"},
    {"softmax-mse.yaml",
     "tests/bad/softmax-mse.yaml:3:24: activations[1]: softmax needs loss: cross_entropy, found mse"},
    {"tab.yaml",
     "tests/bad/tab.yaml:4:1: tab character, indent with spaces"},
    {"tag-non-specific.yaml",
     "tests/bad/tag-non-specific.yaml:1:8: tag '!': tags are not allowed, write plain values"},
    {"tag.yaml",
     "tests/bad/tag.yaml:1:8: tag '!!str': tags are not allowed, write plain values"},
    {"target-length.yaml",
     "tests/bad/target-length.yaml:6:13: samples[0].target must have 2 numbers (one per output), found 1"},
    {"title-list.yaml",
     "tests/bad/title-list.yaml:1:8: title must be text, found a list"},
    {"too-many-layers.yaml",
     "tests/bad/too-many-layers.yaml:2:9: layers must have 2 to 9 widths (1 to 8 weight layers), found 10"},
    {"train-biases.yaml",
     "tests/bad/train-biases.yaml:4:15: train_biases must be true or false, found 'maybe'"},
    {"unclosed-bracket.yaml",
     "tests/bad/unclosed-bracket.yaml:3:12: did not find expected ',' or ']', while parsing a flow sequence that starts at 2:9"},
    {"unclosed-quote.yaml",
     "tests/bad/unclosed-quote.yaml:3:1: found unexpected end of stream, while scanning a quoted scalar that starts at 1:8"},
    {"unknown-activation-far.yaml",
     "tests/bad/unknown-activation-far.yaml:3:15: unknown activation 'swish', expected linear, sigmoid, tanh, relu, leaky_relu or softmax"},
    {"unknown-activation.yaml",
     "tests/bad/unknown-activation.yaml:3:15: unknown activation 'sigmod' (did you mean 'sigmoid'?)"},
    {"unknown-convention.yaml",
     "tests/bad/unknown-convention.yaml:4:13: unknown convention 'colums' (did you mean 'columns'?)"},
    {"unknown-key-far.yaml",
     "tests/bad/unknown-key-far.yaml:4:1: unknown key 'colour', expected one of title, description, layers, activations, loss, convention, mode, learning_rate, seed, weights, biases, train_biases, samples, notes, expressions"},
    {"unknown-key.yaml",
     "tests/bad/unknown-key.yaml:4:1: unknown key 'learning_rat' (did you mean 'learning_rate'?)"},
    {"unknown-loss.yaml",
     "tests/bad/unknown-loss.yaml:4:7: unknown loss 'mae' (did you mean 'mse'?)"},
    {"unknown-mode.yaml",
     "tests/bad/unknown-mode.yaml:4:7: unknown mode 'batches' (did you mean 'batch'?)"},
    {"utf16-be-bom.yaml",
     "tests/bad/utf16-be-bom.yaml:1:1: the file is UTF-16 (big-endian, with a byte order mark) text, expected UTF-8: save it as UTF-8"},
    {"utf16-be.yaml",
     "tests/bad/utf16-be.yaml:1:1: the file is UTF-16 (big-endian) text, expected UTF-8: save it as UTF-8"},
    {"utf16-le-bom.yaml",
     "tests/bad/utf16-le-bom.yaml:1:1: the file is UTF-16 (little-endian, with a byte order mark) text, expected UTF-8: save it as UTF-8"},
    {"utf16-le.yaml",
     "tests/bad/utf16-le.yaml:1:1: the file is UTF-16 (little-endian) text, expected UTF-8: save it as UTF-8"},
    {"utf32-be.yaml",
     "tests/bad/utf32-be.yaml:1:1: the file is UTF-32 (big-endian) text, expected UTF-8: save it as UTF-8"},
    {"utf32-le-bom.yaml",
     "tests/bad/utf32-le-bom.yaml:1:1: the file is UTF-32 (little-endian, with a byte order mark) text, expected UTF-8: save it as UTF-8"},
    {"weights-count.yaml",
     "tests/bad/weights-count.yaml:5:3: weights must have one matrix per weight layer (2), found 1"},
    {"weights-ragged.yaml",
     "tests/bad/weights-ragged.yaml:6:6: weights[0][1] must have 3 numbers like weights[0][0], found 2"},
    {"weights-shape.yaml",
     "tests/bad/weights-shape.yaml:5:5: weights[0] must be 2×3 (layers 2 → 3, columns convention), found 2×2"},
    {"width-1000.yaml",
     "tests/bad/width-1000.yaml:2:13: layers[1] must be a width from 1 to 64, found 1000"},
};

START_TEST(test_corpus)
{
    char path[256];
    snprintf(path, sizeof path, "tests/bad/%s", corpus[_i].file);
    file_fails(path, corpus[_i].message);
}
END_TEST

/* The corpus holds at least 30 files, and every one of them is in the table. */
START_TEST(test_corpus_complete)
{
    int n = (int)(sizeof corpus / sizeof corpus[0]);
    ck_assert_int_ge(n, 30);
    FILE *ls = popen("ls tests/bad", "r");
    ck_assert_ptr_nonnull(ls);
    char line[256];
    int files = 0;
    while (fgets(line, sizeof line, ls)) {
        line[strcspn(line, "\n")] = '\0';
        int found = 0;
        for (int i = 0; i < n && !found; i++)
            found = strcmp(line, corpus[i].file) == 0;
        ck_assert_msg(found, "tests/bad/%s has no expected message", line);
        files++;
    }
    pclose(ls);
    ck_assert_int_eq(files, n);
}
END_TEST

static void write_file(const char *path, const char *head, char fill, size_t count,
                       const char *tail)
{
    FILE *f = fopen(path, "w");
    ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
    fputs(head, f);
    for (size_t i = 0; i < count; i++)
        fputc(fill, f);
    fputs(tail, f);
    ck_assert_int_eq(fclose(f), 0);
}

static void make_tmp(void)
{
    mkdir(TMP, 0755);
}

/* 100,000 levels of [[[[ stop at the 17th, quickly. */
START_TEST(test_deep_nesting)
{
    make_tmp();
    write_file(TMP "/deep.yaml", "", '[', 100000, "\n");
    file_fails(TMP "/deep.yaml", TMP "/deep.yaml:1:17: nested deeper than 16 levels, "
                                 "expected at most 16");
    write_file(TMP "/deep-block.yaml", "", '-', 0, "");
    FILE *f = fopen(TMP "/deep-block.yaml", "w");
    ck_assert_ptr_nonnull(f);
    for (int i = 0; i < 20; i++)
        fprintf(f, "%*s- \n", 2 * i, "");
    fclose(f);
    file_fails(TMP "/deep-block.yaml", TMP "/deep-block.yaml:17:33: nested deeper than 16 "
                                       "levels, expected at most 16");
    unlink(TMP "/deep.yaml");
    unlink(TMP "/deep-block.yaml");
}
END_TEST

/* A 20 MB file is refused from its size, before it is read. */
START_TEST(test_huge_file)
{
    make_tmp();
    write_file(TMP "/huge.yaml", "title: \"", 'x', 20u << 20, "\"\n");
    file_fails(TMP "/huge.yaml", TMP "/huge.yaml: file larger than 1 MiB, expected a lesson "
                                 "of at most 1048576 bytes");
    unlink(TMP "/huge.yaml");
    /* exactly at the limit is read (and then judged on its content) */
    make_tmp();
    write_file(TMP "/limit.yaml", "title: \"", 'x', LESSON_MAX_BYTES - 10, "\"\n");
    file_fails(TMP "/limit.yaml", TMP "/limit.yaml:1:1: missing key 'layers' (the widths from "
                                  "input to output, such as [2, 3, 2])");
    unlink(TMP "/limit.yaml");
    size_t big = LESSON_MAX_BYTES + 1;
    char *text = malloc(big);
    ck_assert_ptr_nonnull(text);
    memset(text, ' ', big);
    load_fails(text, big, "x.yaml: file larger than 1 MiB, expected a lesson of at most "
                          "1048576 bytes");
    free(text);
}
END_TEST

/* A list of more than MAX_ITEMS entries stops while parsing. */
START_TEST(test_long_list)
{
    size_t n = 5000, len = 0;
    char *text = malloc(64 + 3 * n);
    ck_assert_ptr_nonnull(text);
    len += (size_t)sprintf(text, "description: [");
    for (size_t i = 0; i < n; i++)
        len += (size_t)sprintf(text + len, "1,");
    len += (size_t)sprintf(text + len, "1]\n");
    load_fails(text, len, "x.yaml:1:8207: more than 4096 entries in one list, no lesson needs "
                          "that many");
    free(text);
}
END_TEST

START_TEST(test_too_many_samples)
{
    size_t n = 1001, len = 0;
    char *text = malloc(256 + 40 * n);
    ck_assert_ptr_nonnull(text);
    len += (size_t)sprintf(text, NET "samples:\n");
    for (size_t i = 0; i < n; i++)
        len += (size_t)sprintf(text + len, "  - {input: [1, 2], target: [3, 4]}\n");
    load_fails(text, len, "x.yaml:5:3: samples must have 1 to 1000 entries, found 1001");
    /* 1000 is the limit, and it loads */
    lesson l;
    lesson_error err;
    len -= strlen("  - {input: [1, 2], target: [3, 4]}\n");
    ck_assert_int_eq(lesson_load_string("x.yaml", text, len, &l, &err), 0);
    ck_assert_int_eq(l.net.samples, 1000);
    ck_assert_double_eq(l.net.targets[2 * 999 + 1], 4.0);
    lesson_free(&l);
    free(text);
}
END_TEST

START_TEST(test_file_errors)
{
    file_fails("tests/bad", "tests/bad: Is a directory");
    file_fails("tests/no-such-lesson.yaml", "tests/no-such-lesson.yaml: No such file or directory");
    file_fails("tests/bad/empty.yaml/x.yaml", "tests/bad/empty.yaml/x.yaml: Not a directory");
    make_tmp();
    write_file(TMP "/locked.yaml", NET SAMPLE, ' ', 0, "");
    ck_assert_int_eq(chmod(TMP "/locked.yaml", 0), 0);
    if (geteuid() != 0) {
        file_fails(TMP "/locked.yaml", TMP "/locked.yaml: Permission denied");
    } else {
        /* root reads a mode-000 file anyway: the refusal cannot be shown here */
        lesson l;
        lesson_error err;
        ck_assert_int_eq(lesson_load_file(TMP "/locked.yaml", &l, &err), 0);
        lesson_free(&l);
    }
    unlink(TMP "/locked.yaml");
    /* a FIFO nobody writes to reads as empty instead of hanging */
    unlink(TMP "/fifo.yaml");
    ck_assert_int_eq(mkfifo(TMP "/fifo.yaml", 0600), 0);
    file_fails(TMP "/fifo.yaml", TMP "/fifo.yaml:1:1: the lesson is empty, expected a mapping "
                                 "with title, layers, activations and samples");
    unlink(TMP "/fifo.yaml");
}
END_TEST

/* A file and the same text from memory give the same lesson; names lose
 * their number and extension. */
START_TEST(test_file_matches_string)
{
    make_tmp();
    write_file(TMP "/06-xor-like.yaml", NET "weights: [[[1, 2, 3], [4, 5, 6]], "
               "[[1, 2], [3, 4], [5, 6]]]\n" SAMPLE, ' ', 0, "");
    lesson a, b;
    lesson_error err;
    ck_assert_int_eq(lesson_load_file(TMP "/06-xor-like.yaml", &a, &err), 0);
    ck_assert_str_eq(a.path, TMP "/06-xor-like.yaml");
    ck_assert_str_eq(a.name, "xor-like");
    load_ok(NET "weights: [[[1, 2, 3], [4, 5, 6]], [[1, 2], [3, 4], [5, 6]]]\n" SAMPLE, &b);
    ck_assert_mem_eq(a.net.weights[1], b.net.weights[1], 6 * sizeof(double));
    ck_assert_str_eq(a.title, b.title);
    lesson_free(&a);
    lesson_free(&b);
    unlink(TMP "/06-xor-like.yaml");
}
END_TEST

START_TEST(test_resolve)
{
    char path[512], cwd[256], xdg[300];
    const char *const *dirs;
    ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));
    snprintf(xdg, sizeof xdg, "%s/" TMP "/xdg", cwd);
    make_tmp();
    mkdir(TMP "/xdg", 0755);
    mkdir(TMP "/xdg/backstep", 0755);
    mkdir(TMP "/xdg/backstep/lessons", 0755);
    write_file(TMP "/xdg/backstep/lessons/06-xor.yaml", NET SAMPLE, ' ', 0, "");
    write_file(TMP "/xdg/backstep/lessons/12-xor-deep.yaml", NET SAMPLE, ' ', 0, "");
    write_file(TMP "/xdg/backstep/lessons/notes.txt", "", ' ', 0, "");
    ck_assert_int_eq(setenv("XDG_DATA_HOME", xdg, 1), 0);
    dirs = lesson_dirs();
    ck_assert_ptr_nonnull(dirs[0]);
    ck_assert_ptr_nonnull(dirs[1]);
    ck_assert_ptr_nonnull(dirs[2]);
    ck_assert_ptr_null(dirs[3]);
    ck_assert(strlen(dirs[0]) > 8 && strcmp(dirs[0] + strlen(dirs[0]) - 8, "/lessons") == 0);
    ck_assert_str_eq(dirs[1], BACKSTEP_LESSONDIR);
    char want[512];
    snprintf(want, sizeof want, "%s/backstep/lessons", xdg);
    ck_assert_str_eq(dirs[2], want);
    snprintf(want, sizeof want, "%s/backstep/lessons/06-xor.yaml", xdg);
    static const char *const names[] = {"xor", "xor.yaml", "06-xor.yaml", "06-xor", "06", "6"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        ck_assert_msg(lesson_resolve(names[i], path, sizeof path) == 0, "%s", names[i]);
        ck_assert_str_eq(path, want);
    }
    ck_assert_int_eq(lesson_resolve("12", path, sizeof path), 0);
    ck_assert(strstr(path, "12-xor-deep.yaml") != NULL);
    ck_assert_int_eq(lesson_resolve("xor-deep", path, sizeof path), 0);
    ck_assert(strstr(path, "12-xor-deep.yaml") != NULL);
    ck_assert_int_eq(lesson_resolve("7", path, sizeof path), -1);
    ck_assert_int_eq(lesson_resolve("notes", path, sizeof path), -1);
    ck_assert_int_eq(lesson_resolve("nothing-like-this", path, sizeof path), -1);
    ck_assert_int_eq(lesson_resolve("", path, sizeof path), -1);
    ck_assert_int_eq(lesson_resolve("no/such/dir.yaml", path, sizeof path), -1);
    /* an existing path wins, whatever its name */
    ck_assert_int_eq(lesson_resolve("tests/bad/empty.yaml", path, sizeof path), 0);
    ck_assert_str_eq(path, "tests/bad/empty.yaml");
    ck_assert_int_eq(lesson_resolve("tests/bad/empty.yaml", path, 5), -1);
    /* a relative XDG_DATA_HOME is ignored: HOME's default is used */
    ck_assert_int_eq(setenv("XDG_DATA_HOME", "relative", 1), 0);
    ck_assert_int_eq(setenv("HOME", "/home/someone", 1), 0);
    dirs = lesson_dirs();
    ck_assert_str_eq(dirs[2], "/home/someone/.local/share/backstep/lessons");
    unsetenv("XDG_DATA_HOME");
    unlink(TMP "/xdg/backstep/lessons/06-xor.yaml");
    unlink(TMP "/xdg/backstep/lessons/12-xor-deep.yaml");
    unlink(TMP "/xdg/backstep/lessons/notes.txt");
    rmdir(TMP "/xdg/backstep/lessons");
    rmdir(TMP "/xdg/backstep");
    rmdir(TMP "/xdg");
}
END_TEST

/* A message is never cut inside a character and always keeps LINE:COLUMN
 * and the reason whole: a long file name loses its middle instead. */
START_TEST(test_long_names_keep_position)
{
    char path[2048] = "";
    for (int i = 0; i < 120; i++)
        strcat(path, "δδδ/"); /* 7 bytes each: 840 bytes of folders */
    strcat(path, "lesson.yaml");
    static const char text[] = NET SAMPLE "colour: red\n";
    lesson l;
    lesson_error err;
    ck_assert_int_eq(lesson_load_string(path, text, strlen(text), &l, &err), -1);
    const char *tail = "/lesson.yaml:7:1: unknown key 'colour', expected one of title, "
                       "description, layers, activations, loss, convention, mode, learning_rate, "
                       "seed, weights, biases, train_biases, samples, notes, expressions";
    size_t n = strlen(err.message);
    ck_assert_uint_lt(n, LESSON_ERROR_SIZE);
    ck_assert_msg(n > strlen(tail) && strcmp(err.message + n - strlen(tail), tail) == 0, "%s",
                  err.message);
    ck_assert_int_eq(strncmp(err.message, "δδδ/", strlen("δδδ/")), 0);
    ck_assert_ptr_nonnull(strstr(err.message, "…"));
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        int k = utf8_decode(err.message + i, n - i, &cp);
        ck_assert_msg(k > 0, "cut inside a character at byte %zu", i);
        i += (size_t)k;
    }
    /* A file-level error keeps its reason whole too. */
    char missing[2048];
    snprintf(missing, sizeof missing, "%s", path);
    ck_assert_int_eq(lesson_load_file(missing, &l, &err), -1);
    n = strlen(err.message);
    tail = "/lesson.yaml: No such file or directory";
    ck_assert_msg(strcmp(err.message + n - strlen(tail), tail) == 0, "%s", err.message);
    /* A name with control characters is quoted like ls; the quotes are
     * never cut either. */
    ck_assert_int_eq(lesson_load_string("evil\x1b]0;x\a.yaml", text, strlen(text), &l, &err), -1);
    ck_assert_str_eq(err.message, "'evil'$'\\033'']0;x'$'\\a''.yaml':7:1: unknown key 'colour', "
                                  "expected one of title, description, layers, activations, loss, "
                                  "convention, mode, learning_rate, seed, weights, biases, "
                                  "train_biases, samples, notes, expressions");
}
END_TEST

/* Where the numbers stand in the text, and the file as it was read. */
START_TEST(test_source_spans)
{
    static const char text[] = "\xef\xbb\xbf# é\r\ntitle: \"δ\"\r\nlayers: [2, 1]\r\n"
                               "activations: [linear]\r\nlearning_rate: 2.5e-1\r\n"
                               "convention: rows\r\nweights: [[[ 0.5 , -7 ]]]\r\n"
                               "biases: zero\r\nsamples: [{input: [1, +2], target: [3]}]\r\n";
    lesson l;
    lesson_error err;
    ck_assert_msg(lesson_load_string("x.yaml", text, sizeof text - 1, &l, &err) == 0, "%s",
                  err.message);
    const lesson_source *src = &l.source;
    ck_assert_uint_eq(src->len, sizeof text - 1);
    ck_assert_mem_eq(src->text, text, sizeof text - 1);
#define AT(sp) ((int)(sp).len), src->text + (sp).start
    char buf[64];
    snprintf(buf, sizeof buf, "%.*s", AT(src->learning_rate));
    ck_assert_str_eq(buf, "2.5e-1");
    snprintf(buf, sizeof buf, "%.*s|%.*s", AT(src->weights[0][0]), AT(src->weights[0][1]));
    ck_assert_str_eq(buf, "0.5|-7");
    snprintf(buf, sizeof buf, "%.*s", AT(src->biases_word));
    ck_assert_str_eq(buf, "zero");
    ck_assert_ptr_null(src->biases[0]);
    snprintf(buf, sizeof buf, "%.*s|%.*s|%.*s", AT(src->inputs[0]), AT(src->inputs[1]),
             AT(src->targets[0]));
    ck_assert_str_eq(buf, "1|+2|3");
#undef AT
    ck_assert_uint_eq(src->insert_at, (size_t)(strstr(text, "samples:") - text));
    ck_assert_int_eq(src->indent, 0);
    ck_assert_int_eq(src->flow, 0);
    ck_assert_int_eq(l.stamp.known, 0);
    lesson_free(&l);
    /* From a file: its stamp. */
    make_tmp();
    write_file(TMP "/stamp.yaml", NET SAMPLE, ' ', 0, "");
    ck_assert_int_eq(lesson_load_file(TMP "/stamp.yaml", &l, &err), 0);
    struct stat st;
    ck_assert_int_eq(stat(TMP "/stamp.yaml", &st), 0);
    ck_assert_int_eq(l.stamp.known, 1);
    ck_assert_int_eq(l.stamp.size, st.st_size);
    ck_assert(l.stamp.ino == (unsigned long long)st.st_ino);
    ck_assert_int_eq(l.stamp.mtime_sec, (long long)st.st_mtim.tv_sec);
    ck_assert(l.stamp.hash != 0);
    lesson_free(&l);
    unlink(TMP "/stamp.yaml");
}
END_TEST

Suite *lesson_suite(void)
{
    Suite *s = suite_create("lesson");
    TCase *tc = tcase_create("load");
    tcase_add_test(tc, test_default);
    tcase_add_test(tc, test_rows_transposed);
    tcase_add_test(tc, test_numbers);
    tcase_add_test(tc, test_defaults);
    tcase_add_test(tc, test_glorot);
    tcase_add_test(tc, test_biases);
    tcase_add_test(tc, test_notes);
    tcase_add_test(tc, test_expressions);
    tcase_add_test(tc, test_file_matches_string);
    tcase_add_test(tc, test_readme_example);
    suite_add_tcase(s, tc);
    tc = tcase_create("errors");
    tcase_set_timeout(tc, 30);
    tcase_add_loop_test(tc, test_string_error, 0,
                        (int)(sizeof string_errors / sizeof string_errors[0]));
    tcase_add_loop_test(tc, test_corpus, 0, (int)(sizeof corpus / sizeof corpus[0]));
    tcase_add_test(tc, test_corpus_complete);
    tcase_add_test(tc, test_deep_nesting);
    tcase_add_test(tc, test_huge_file);
    tcase_add_test(tc, test_long_list);
    tcase_add_test(tc, test_too_many_samples);
    tcase_add_test(tc, test_file_errors);
    tcase_add_test(tc, test_long_names_keep_position);
    suite_add_tcase(s, tc);
    tc = tcase_create("source");
    tcase_add_test(tc, test_source_spans);
    suite_add_tcase(s, tc);
    tc = tcase_create("resolve");
    tcase_add_test(tc, test_resolve);
    suite_add_tcase(s, tc);
    return s;
}

/* shape.h - the shape checker: reads an expression over a lesson's names,
 * works out the shape of every sub-expression, and says where and why the
 * shapes stop fitting.  No curses.
 *
 * Names are the screen's, for a network with widths w[0] .. w[L] (the
 * letters i, j, k, … of engine_layer_letter() name layers 0 .. L):
 *   x_i                 the input, w[0]                (also x, x0)
 *   h_j, h¹_j …         a hidden layer's output g(z)    (also h1, h_1; bare h
 *                       only when there is one hidden layer)
 *   y_k, t_k, err       the output g(z), the target and y − t, w[L]
 *   z_j, δ_j, b_j       a layer's sums, δ = ∂E/∂z and biases (δ also d or
 *                       delta; b only in a lesson with biases).  Bare z, δ
 *                       and b mean the layer the caller names (the step in
 *                       view) and are refused when it names none.
 *   W_ij, W_jk …        weights between neighbouring layers (also W1, W¹)
 *   G_ij …              their gradients, the same shape
 *   ∂E/∂X, dE/dX, dX    the gradient of X (W, b, h, x, y or z): X's shape
 *   η, eta, E, numbers  scalars, which scale anything
 * Operators: g′(…) (g'(…), g’(…)) and g(…) keep the shape; postfix ᵀ, ^T,
 * .T, ' or ′ transposes (and a T glued to a name, as --ascii writes it);
 * *, ·, ⋅ or @ is the matrix product; ⊙, ∘, .* or (.) the element-wise one;
 * outer(a, b) and a ⊗ b the outer product a·bᵀ of two vectors; + and −;
 * unary −; parentheses; one top-level = whose sides must have one shape.
 * The products share one precedence, above + and −, and group from the
 * left.
 *
 * Shapes: vectors are columns n×1 in both conventions (the screen writes
 * them "n").  In the columns convention W_ij and G_ij are w[0]×w[1]
 * (inputs × outputs): z_j = W_ijᵀ·x, sent down W_jk·δ_k, G_ij = x·δ_jᵀ.  In
 * the rows convention, as in engine.h, only the weights and their
 * gradients turn round, w[1]×w[0]: z_j = W_ij·x, sent down W_jkᵀ·δ_k,
 * G_ij = δ_j·xᵀ.
 *
 * Readings: when a product does not fit as written, the checker takes the
 * reading whose shapes fit that a student most likely meant (element by
 * element for two operands of one shape, else a transposed operand,
 * keeping vectors standing as columns), records it, and carries on, so the
 * derivation reaches the shape the student got.  Only when no reading fits
 * does it stop. */
#ifndef BACKSTEP_SHAPE_H
#define BACKSTEP_SHAPE_H

#include <stdio.h>
#include "engine.h"
#include "lesson.h"

enum {
    SHAPE_MAX_CHARS = 1000,   /* longer expressions are refused */
    SHAPE_MAX_DEPTH = 64,     /* deepest nesting of (, g′( and outer( */
    SHAPE_MESSAGE_SIZE = 1024,
    SHAPE_NOTE_SIZE = 96,
    SHAPE_READING_SIZE = 256,
    SHAPE_NAME_SIZE = 64,
};

/* How a check ended. */
typedef enum {
    SHAPE_FIT,         /* every sub-expression has a shape as written */
    SHAPE_MISMATCH,    /* parsed, but shapes do not fit (see reached) */
    SHAPE_PARSE_ERROR, /* not an expression over this network's names */
} shape_status;

/* One sub-expression, in evaluation order. */
typedef struct {
    char *text;    /* as typed (tabs become spaces), UTF-8 */
    int column;    /* 1-based character column where it starts */
    int rows, cols;/* its shape: as read when !ok; 0, 0 when !reached */
    int scalar;    /* a number, η or E: rows = cols = 1, scales anything */
    int ok;        /* 1 when it fits as written */
    int reached;   /* 0 on the one line where no reading fits either */
    char note[SHAPE_NOTE_SIZE];       /* why not, when !ok: "(2×3)·(2×1): 3 ≠ 2" */
    char reading[SHAPE_READING_SIZE]; /* the reading taken, when !ok && reached: "W_ijᵀ * x" */
    int op_column; /* when !ok, the column of the operator that does not fit; else 0 */
} shape_line;

/* What the checker found.  Owns its lines; free with shape_result_free. */
typedef struct {
    shape_status status;
    int rows, cols, scalar;  /* the shape of the right side: as written when FIT, as read when reached */
    int reached;             /* 1 when there is a shape: FIT, or every misfit had a reading */
    int n_readings;          /* products read other than written */
    int gradient;            /* the left side of = names a gradient (∂E/∂W_ij, dW_ij, G_ij, …) */
    int want_rows, want_cols;/* the shape that gradient has */
    char target[SHAPE_NAME_SIZE]; /* the left side as typed, e.g. "∂E/∂W_ij" */
    char of[SHAPE_NAME_SIZE];     /* what it is the gradient of, as the screen names it: "W_ij" */
    char unit[16];           /* what it has one entry per: "weight", "bias", "unit" */
    int error_column;        /* 1-based character column of the first problem; 0 when FIT */
    int error_start, error_length; /* characters of the first sub-expression at fault */
    int eq_column;           /* column of the = whose sides differ; 0 when none */
    int n_lines;
    shape_line *lines;       /* empty after a parse error */
    char message[SHAPE_MESSAGE_SIZE]; /* the first problem, whole sentences, without the column */
    char advice[SHAPE_MESSAGE_SIZE];  /* for a gradient that does not fit: how it is built */
    char *expr;              /* a copy of the expression */
    char *read_as;           /* with readings and a shape: the right side as read, whole */
} shape_result;

/* Checks expr against net's widths in convention conv; `layer` (1..L) is
 * the layer bare δ, z and b mean, the layer of the step in view, or 0 to
 * refuse them.  Fills out (which needs no initialisation).  Returns 0, or
 * -1 when out of memory (out then holds a PARSE_ERROR saying so).  Never
 * reads past SHAPE_MAX_CHARS characters or recurses deeper than
 * SHAPE_MAX_DEPTH levels. */
int shape_check_at(const char *expr, const engine_net *net, engine_conv conv, int layer,
                   shape_result *out);
/* shape_check_at with no layer: bare δ, z and b are refused. */
int shape_check(const char *expr, const engine_net *net, engine_conv conv, shape_result *out);
/* Frees what a result owns and empties it. */
void shape_result_free(shape_result *r);
/* Writes a shape as "2×3" (or "2x3" when ascii), "scalar" for a scalar. */
void shape_format(int rows, int cols, int scalar, int ascii, char *buf, size_t size);

/* Writes how the gradient of weight layer `layer` (1..L) of net is built
 * in convention conv, in the screen's names: "x_i · δ_jᵀ" (columns) or
 * "δ_j · x_iᵀ" (rows); "" when layer is out of range. */
void shape_outer_product(const engine_net *net, engine_conv conv, int layer, char *buf,
                         size_t size);

/* What a row of the derivation is, so a screen can colour and wrap it. */
typedef enum {
    SHAPE_ROW_STEP,    /* a sub-expression and its shape, or why it does not fit */
    SHAPE_ROW_READING, /* "  read as W_ijᵀ * x   3": the reading taken for the row above */
    SHAPE_ROW_SOURCE,  /* the expression again, above the marks */
    SHAPE_ROW_MARK,    /* ~ and ^ under the parts that do not fit */
    SHAPE_ROW_REASON,  /* a paragraph (why, how a gradient is built): wrap it */
    SHAPE_ROW_VERDICT, /* the last row: "→ shape", or why there is none: wrap it */
    SHAPE_ROW_KIND_COUNT
} shape_row_kind;

/* One row of the derivation, whole: a screen scrolls and wraps, never cuts. */
typedef struct {
    shape_row_kind kind;
    int ok;      /* 0 on what does not fit (STEP, MARK, REASON, VERDICT) */
    char *text;  /* one line, no newline; ASCII only when rendered with ascii */
} shape_row;

/* The rows of one derivation.  Owns them; free with shape_rows_free. */
typedef struct {
    int n;
    shape_row *rows;
} shape_rows;

/* Lays out result r as rows: the derivation (sub-expressions in a column,
 * shapes aligned beside them), the readings taken, the expression with its
 * marks, the reasons, and last the verdict; `ascii` turns every symbol into
 * ASCII (text_ascii).  Returns 0, or -1 when out of memory (out empty). */
int shape_render(const shape_result *r, int ascii, shape_rows *out);
/* Frees the rows and empties them. */
void shape_rows_free(shape_rows *rows);

/* Checks expr and prints its rows, one a line: `backstep --shape EXPR
 * [LESSON]`.  l may be NULL for the question's 2-3-2 network; `layer` as
 * for shape_check_at.  Returns 0 when the shapes fit (and a gradient has
 * its weight's shape), 1 when they don't, 2 when expr cannot be read. */
int shape_run_at(FILE *out, const char *expr, const lesson *l, engine_conv conv, int layer,
                 int ascii);
/* shape_run_at with no layer, as the command line checks. */
int shape_run(FILE *out, const char *expr, const lesson *l, engine_conv conv, int ascii);

#endif

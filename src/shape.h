/* shape.h - the shape checker: reads an expression over a lesson's names
 * and works out the shape of every sub-expression, or where and why the
 * shapes stop fitting.  No curses.
 *
 * Names, for a network with widths w[0] .. w[L] (letters "ijklmnopq" name
 * layers 0 .. L, so i is the input layer):
 *   W_ij, W_jk, ... (or W1, W¹, W_1 ...)  weights between neighbouring layers
 *   G_ij, ...                             their gradients, the same shape
 *   x (x_i)      the input, w[0]
 *   h (h_j, h1, h¹ ...)  a hidden layer's output g(z); bare h only when there
 *                is exactly one hidden layer
 *   z, δ (also d, delta)  z_j (W_ijᵀ·x in columns, W_ij·x in rows) and
 *                δ_j = ∂E/∂z_j of a layer; bare z
 *                and δ mean the output layer's
 *   y, t         the output g(z) and the target, w[L]
 *   err          y − t, the incoming gradient ∂E/∂y of squared error, w[L]
 *   b_j, ...     a layer's biases, the shape of its z
 *   η, eta, E, numbers   scalars
 * Operators: g′(…) or g'(…) element-wise derivative, g(…) activation (both
 * keep the shape); postfix ᵀ, ', ′ or .T transpose; * or · matrix product;
 * ⊙, ∘ or .* element-wise product; + and − (or -); unary −; parentheses;
 * one top-level = whose sides must have the same shape.  *, · and ⊙ share
 * one precedence, above + and −, and group from the left.
 *
 * Shapes: vectors (x, h, y, t, z, δ, err, b) are columns n×1 in both
 * conventions.  In the columns convention W_ij and G_ij are w[0]×w[1]
 * (inputs × outputs): z_j = W_ijᵀ·x, sent down W_jk·δ_k, G_ij = x·δ_jᵀ.  In
 * the rows convention, as in engine.h, only the weights and their gradients
 * are transposed, w[1]×w[0] (outputs × inputs): z_j = W_ij·x, sent down
 * W_jkᵀ·δ_k, G_ij = δ_j·xᵀ.  A scalar scales anything, with any operator:
 * `1 − h` means 1 minus every element. */
#ifndef BACKSTEP_SHAPE_H
#define BACKSTEP_SHAPE_H

#include <stdio.h>
#include "engine.h"
#include "lesson.h"

enum {
    SHAPE_MAX_CHARS = 1000,   /* longer expressions are refused */
    SHAPE_MAX_DEPTH = 64,     /* deepest nesting of ( and g′( */
    SHAPE_MESSAGE_SIZE = 1024,
    SHAPE_NOTE_SIZE = 96,
};

/* How a check ended. */
typedef enum {
    SHAPE_FIT,         /* every sub-expression has a shape */
    SHAPE_MISMATCH,    /* parsed, but two shapes do not fit */
    SHAPE_PARSE_ERROR, /* not an expression over this network's names */
} shape_status;

/* One sub-expression, in evaluation order. */
typedef struct {
    char *text;    /* as typed (tabs become spaces), UTF-8 */
    int column;    /* 1-based character column where it starts */
    int rows, cols;/* its shape; 0, 0 on the line that does not fit */
    int scalar;    /* a number, η or E: rows = cols = 1, scales anything */
    int ok;        /* 0 only on the last line of a mismatch */
    char note[SHAPE_NOTE_SIZE]; /* short reason when !ok, e.g. "(2×3)·(2×1): 3 ≠ 2" */
} shape_line;

/* What the checker found.  Owns its lines; free with shape_result_free. */
typedef struct {
    shape_status status;
    int rows, cols, scalar;  /* the whole expression's shape when FIT */
    int error_column;        /* 1-based character column of the problem; 0 when FIT */
    int error_start, error_length; /* characters of the sub-expression at fault (mismatch) */
    int n_lines;
    shape_line *lines;       /* empty after a parse error */
    char message[SHAPE_MESSAGE_SIZE]; /* the full reason, UTF-8, without the column */
} shape_result;

/* Checks expr against the widths of net in convention conv and fills out
 * (which needs no initialisation).  Returns 0, or -1 when out of memory
 * (out then holds a PARSE_ERROR saying so).  Never reads past 1000
 * characters or recurses deeper than SHAPE_MAX_DEPTH levels. */
int shape_check(const char *expr, const engine_net *net, engine_conv conv,
                shape_result *out);
/* Frees the lines of a result and empties it. */
void shape_result_free(shape_result *r);
/* Writes a shape as "2×3" (or "2x3" when ascii), "scalar" for a scalar. */
void shape_format(int rows, int cols, int scalar, int ascii, char *buf, size_t size);

/* `backstep --shape EXPR [LESSON]`: prints the derivation, one
 * sub-expression and its shape per line, then one line "→ 2×3" or the
 * reason there is none.  l may be NULL for the question's 2-3-2 network.
 * ascii replaces every non-ASCII symbol.  Returns 0 when the shapes fit,
 * 1 when they don't, 2 when expr cannot be parsed. */
int shape_run(FILE *out, const char *expr, const lesson *l, engine_conv conv, int ascii);

#endif

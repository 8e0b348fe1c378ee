/* ops.h - one row per activation, per loss, per operation and per kind of
 * step: the arithmetic and, beside it, everything that shows it (name,
 * symbol, glyphs of the picture and of the shapes line in UTF-8 and ASCII,
 * formula, words, the quiz's question), so that a picture cannot drift
 * from the number it shows.  Part of the engine: no I/O, links with -lm.
 *
 * Templates use {0} … {3} for the operands, {r} for the result, {f} for
 * the activation's symbol, {f0} for the activation applied to operand 0
 * (a bare name when the layer is linear), {i1} for the index letter of
 * operand 1 (h_j → j), {rows} and {cols} for the result's size. */
#ifndef BACKSTEP_OPS_H
#define BACKSTEP_OPS_H

#include <stddef.h>
#include "engine.h"

/* One activation. */
typedef struct {
    const char *name;         /* as lessons spell it: "leaky_relu" */
    const char *title;        /* in step titles: "leaky relu" */
    const char *symbol;       /* in formulas: "σ"; "" for linear */
    const char *symbol_ascii; /* "sigma" */
    const char *slope_words;  /* g′ for the narration: "σ(z)·(1 − σ(z))" */
    double (*f)(double z);    /* the value; NULL when it is not element-wise (softmax) */
    double (*df)(double z);   /* the slope from z alone; NULL for softmax */
    /* The whole layer: a = g(z). */
    void (*forward)(const double *restrict z, double *restrict a, int n);
    /* The slopes g′(z) of the whole layer, from z and a = g(z) (the same
     * bits as df(z)); NULL when the layer needs its Jacobian (softmax). */
    void (*slope)(const double *restrict z, const double *restrict a, double *restrict gp, int n);
    int kink;                 /* g′ jumps at z = 0 */
    int output_only;          /* allowed on the output layer only */
} ops_act_row;

/* One loss. */
typedef struct {
    const char *name;       /* as lessons spell it: "cross_entropy" */
    const char *title;      /* "cross-entropy" */
    const char *explains;   /* a sentence for the narration of the loss step */
    engine_op value_op;     /* the loss step */
    engine_op grad_op;      /* ∂E/∂y, the first backward step */
    unsigned follows;       /* bit (1u << act) for each activation the output may have */
    engine_act fused;       /* with this output activation δ is made by fused_delta_op
                               and E by fused_value_op, exactly; ACT_COUNT when none */
    engine_op fused_value_op, fused_delta_op;
    /* E from the outputs y (or the logits z when fused) and the targets t. */
    double (*value)(const double *y, const double *t, int n);
    double (*fused_value)(const double *z, const double *t, int n);
    /* δ of the output layer when fused, from y and t. */
    void (*fused_delta)(const double *restrict y, const double *restrict t, double *restrict d,
                        int n);
    /* ∂E/∂y. */
    void (*grad)(const double *restrict y, const double *restrict t, double *restrict g, int n);
    /* One element of ∂E/∂y, and of the fused δ, as a factor of the chain
     * rule, with {y} and {t} for that output's names: "({y} − {t})". */
    const char *grad_chain, *fused_chain;
} ops_loss_row;

/* One operation. */
typedef struct {
    const char *name;          /* the JSON "op": "matvec_t" */
    int operands;              /* how many it takes */
    const char *formula;       /* "{r} = {0}ᵀ·{1} + {2}" */
    const char *picture;       /* blocks and glyphs: "{0} ᵀ· {1} + {2} = {r}" */
    const char *picture_ascii; /* "{0} ^T* {1} + {2} = {r}" */
    const char *shapes;        /* "{0}ᵀ·{1} + {2} → {r}" */
    const char *shapes_ascii;
    const char *explains;      /* what it does, one sentence for a student */
    const char *quiz;          /* what the quiz asks to do with the symbols */
    /* The result from the step's own operands, into out (rows × cols). */
    void (*apply)(const engine_step *s, double *out);
} ops_op_row;

/* One kind of step. */
typedef struct {
    const char *id;          /* "backward.*.gradient": * is the layer; "loss" */
    engine_phase phase;
    const char *title;       /* template of names: "Gradient for {W}, beat 2: …" */
    const char *title_input; /* for layer 1 when it reads differently, else NULL */
} ops_kind_row;

/* The rows; an enum value out of range gets a row of "?" that does nothing. */
const ops_act_row *ops_act(engine_act a);
const ops_loss_row *ops_loss(engine_loss l);
const ops_op_row *ops_op(engine_op op);
const ops_kind_row *ops_kind(engine_step_kind k);

/* The loss of one sample from the output layer's sums z and values y. */
double ops_loss_value(engine_loss loss, engine_act out, const double *z, const double *y,
                      const double *t, int n);
/* 1 when under this loss and output activation δ comes straight from y − t. */
int ops_loss_fused(engine_loss loss, engine_act out);

/* Recomputes step s's result from its own operands by its op into out
 * (result.rows × result.cols values): what the property test compares. */
void ops_step_apply(const engine_step *s, double *out);

/* Which text of a step a template is rendered into. */
typedef enum {
    OPS_FORMULA,       /* names, UTF-8 */
    OPS_SHAPES,        /* shapes, UTF-8: "(3×2)ᵀ·(2) → (3)" */
    OPS_SHAPES_ASCII,  /* shapes, ASCII: "(3x2)^T*(2) -> (3)" */
} ops_text;
/* Writes the step's formula or shapes line from its op's row; returns the
 * length.  Never cuts a UTF-8 character. */
size_t ops_step_text(const engine_step *s, ops_text which, char *buf, size_t size);

/* One piece of a step's picture, left to right: a tensor or a glyph. */
enum { OPS_RESULT = -1, OPS_GLYPH = -2, OPS_MAX_PIECES = 12 };
typedef struct {
    int tensor;    /* operand 0..n-1, OPS_RESULT, or OPS_GLYPH */
    char text[40]; /* the glyph, when tensor is OPS_GLYPH */
} ops_piece;
/* Lays out the picture of step s from its op's row: tensor blocks and the
 * glyphs between them, e.g. W_ij "ᵀ·" x_i "=" z_j.  Returns the number of
 * pieces (at most max). */
int ops_step_picture(const engine_step *s, int ascii, ops_piece *out, int max);

#endif

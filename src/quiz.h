/* quiz.h - checks a student's answers about a step before its result is
 * shown: the result's shape, the value of one element and, on a gradient
 * step, the shape a formula for that gradient gives (the question's own
 * formula among them).  No curses and no printing: every verdict comes back
 * as text for the screen, and the score as data.
 *
 * Shapes are compared as rows x cols in the step's convention.  A vector is
 * a column (n x 1) in both conventions, because both multiply a matrix by a
 * column: z = Wᵀ·a (columns) and z = W·a (rows).  So a 3-vector may be
 * written "3", "(3)", "[3]" or "3x1"; "1x3" is a row and is wrong.  A scalar
 * is "1", "()", "scalar" or "1x1".
 *
 * The score counts a question right only when its first answer is. */
#ifndef BACKSTEP_QUIZ_H
#define BACKSTEP_QUIZ_H

#include <stddef.h>
#include "engine.h"

enum {
    QUIZ_TRIES = 2,       /* wrong answers before the answer is shown */
    QUIZ_MAX_MISSED = 64, /* misses remembered for the summary */
    QUIZ_TEXT_SIZE = 512, /* bytes for one verdict, hint or answer */
    QUIZ_EXPR_SIZE = 160, /* bytes for a formula asked about */
};

/* A shape as the student wrote it, already turned into rows x cols. */
typedef struct {
    int rank;       /* 0 scalar, 1 vector (one number written), 2 rows x cols */
    int rows, cols; /* vector n: n x 1; scalar: 1 x 1 */
} quiz_shape;

/* Reads a shape answer.  Returns 0, or -1 when it is not a shape at all. */
int quiz_parse_shape(const char *text, quiz_shape *out);
/* 1 when the answer names the tensor's shape (see the rules above). */
int quiz_shape_matches(const quiz_shape *answer, const engine_tensor *t);
/* Reads a number: decimals, '-' or U+2212 minus, "1e-3" or "1×10^-3".
 * Returns 0, or -1 when it is not a number. */
int quiz_parse_value(const char *text, double *out);
/* 1 when given is within 1% of expected or within 1e-3 of it. */
int quiz_value_close(double expected, double given);

/* Writes a hint for a wrong shape that points at the rule that decides the
 * rows and the columns of step s's result, built from its operands. */
void quiz_shape_hint(const engine_step *s, char *buf, size_t size);
/* Writes a hint for a wrong value of result element `index`: the formula
 * that makes it, without the numbers' final result. */
void quiz_value_hint(const engine_step *s, int index, char *buf, size_t size);

/* The kinds of question; the summary counts each kind apart. */
typedef enum {
    QUIZ_KIND_SHAPE,   /* the shape of a step's result */
    QUIZ_KIND_VALUE,   /* the value of one element of it */
    QUIZ_KIND_FORMULA, /* the shape a formula gives */
    QUIZ_KIND_COUNT
} quiz_kind;
/* The kind's name in the summary: "shapes of results", "values", …. */
const char *quiz_kind_name(quiz_kind k);

/* A question about the shape a formula gives, worked out by the shape
 * checker; plain data. */
typedef struct {
    char expr[QUIZ_EXPR_SIZE];   /* "W_jk * g'(W_ij * x) * x * err" */
    char claim[32];              /* what it is written for: "∂E/∂W_ij" */
    char of[32];                 /* the weight that gradient is for: "W_ij" */
    int read;                    /* 1 when it fits only read the way its shapes fit */
    int rows, cols, scalar;      /* the shape it gives (as read) */
    int want_rows, want_cols;    /* the shape of the gradient it is written for */
    char read_as[QUIZ_EXPR_SIZE * 2]; /* read, when read: "((W_jkᵀ * g'(W_ijᵀ * x)) ⊙ x) ⊙ err" */
    char first[QUIZ_EXPR_SIZE];  /* the first reading: "W_ij * x fits only as W_ijᵀ * x → 3" */
    char build[64];              /* how the gradient is built: "x_i · δ_jᵀ" */
} quiz_formula;

/* The formula asked about on the gradient step of weight layer `layer`
 * (1..L) of net in convention conv: for W_ij of a network with one hidden
 * layer, the question's own W_jk * g'(W_ij * x) * x * err; for every other
 * weight layer δ times the activation below (δ_k * h_j), which fits only
 * as an outer product.  Returns 1 and fills out, or 0 when there is none
 * (layer out of range, or no reading of it fits). */
int quiz_formula_for(const engine_net *net, engine_conv conv, int layer, quiz_formula *out);

/* Which question a quiz is asking. */
typedef enum {
    QUIZ_ASK_SHAPE,   /* the result's shape */
    QUIZ_ASK_VALUE,   /* the focused element's value */
    QUIZ_ASK_FORMULA, /* the shape of the step's formula (gradient steps) */
    QUIZ_FINISHED,    /* all answered or shown: reveal the step */
} quiz_stage;

/* What became of one answer. */
typedef enum {
    QUIZ_UNREADABLE, /* not a shape or number: no try used, say how to write it */
    QUIZ_RIGHT,      /* right; the quiz moves on */
    QUIZ_RETRY,      /* wrong, a hint is given, another try is left */
    QUIZ_SHOWN,      /* wrong again; the right answer is given and the quiz moves on */
} quiz_verdict;

/* One question the student did not get within the tries. */
typedef struct {
    char step_id[32];  /* e.g. "backward.1.gradient" */
    quiz_kind kind;
    char what[QUIZ_EXPR_SIZE + 32]; /* "shape of G_ij: 2×3", "G[2][1] = -0.1296" */
} quiz_miss;

/* How one kind of question went. */
typedef struct {
    int asked;     /* questions finished */
    int first_try; /* of those, right at the first answer: the score */
    int second;    /* right at a later answer: not scored */
    int shown;     /* not got: the answer was shown (or skipped) */
} quiz_tally;

/* A quiz over a pass; plain data, no allocation. */
typedef struct {
    quiz_stage stage;
    char step_id[32]; /* the step being asked about */
    int focus;        /* row-major index of the element asked for */
    int tries;        /* wrong answers to the current question */
    int asked;        /* questions finished, every kind */
    int correct;      /* of those, right at the first answer */
    quiz_tally tally[QUIZ_KIND_COUNT]; /* the same, per kind */
    int has_formula;  /* the step's questions end with `formula` */
    quiz_formula formula;
    int n_missed;     /* misses remembered (at most QUIZ_MAX_MISSED) */
    int lost_misses;  /* misses beyond QUIZ_MAX_MISSED, counted only */
    quiz_miss missed[QUIZ_MAX_MISSED];
} quiz;

/* Empties the score and the list of misses. */
void quiz_init(quiz *q);
/* Starts the questions about step s: its shape, then the value of result
 * element `focus` (clamped into range) when it is finite, then, when net
 * is given and s is a gradient step, the shape of quiz_formula_for's
 * formula.  The score and misses carry on. */
void quiz_open(quiz *q, const engine_step *s, int focus, const engine_net *net);
/* quiz_open without the formula question. */
void quiz_begin(quiz *q, const engine_step *s, int focus);
/* The question now open about step s as a sentence for the screen
 * ("What shape is G_ij?"); "" when none is. */
void quiz_question(const quiz *q, const engine_step *s, char *buf, size_t size);
/* The same, short, as a prompt's caption: "shape of G_ij? ", "G[2][1] = ? ". */
void quiz_caption(const quiz *q, const engine_step *s, char *buf, size_t size);
/* Checks an answer to the current question about step s (the same step
 * given to quiz_open) and writes what to tell the student into msg. */
quiz_verdict quiz_answer(quiz *q, const engine_step *s, const char *text,
                         char *msg, size_t size);
/* Gives up the current question about step s: it counts as missed, and
 * msg gets the answer as a second wrong answer would show it.  Returns
 * QUIZ_SHOWN, or QUIZ_UNREADABLE when no question is open. */
quiz_verdict quiz_skip(quiz *q, const engine_step *s, char *msg, size_t size);

/* What the open question keeps secret, so that no other part of the
 * screen gives it away: the step's result, and the network vector that
 * holds the same numbers (the diagram's z, a, incoming gradient or δ of one
 * layer).  Nothing while a formula is asked: the step is shown by then. */
typedef struct {
    int result;              /* hide the step's result */
    int values;              /* hide the diagram's vector `kind` of `layer` too */
    engine_values_kind kind;
    int layer;               /* 0 (input) .. L */
} quiz_hidden;
/* Fills out for the question now open about step s. */
void quiz_hiding(const quiz *q, const engine_step *s, quiz_hidden *out);

/* Writes the summary for leaving the quiz: the score (right at the first
 * try), one line per kind of question asked, then every miss, one a line. */
void quiz_summary(const quiz *q, char *buf, size_t size);

#endif

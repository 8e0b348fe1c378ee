/* quiz.h - checks a student's answers about a step before its result is
 * shown: first the result's shape, then the value of one element.  No curses
 * and no printing: every verdict comes back as text for the screen.
 *
 * Shapes are compared as rows x cols in the step's convention.  A vector is
 * a column (n x 1) in both conventions, because both multiply a matrix by a
 * column: z = Wᵀ·a (columns) and z = W·a (rows).  So a 3-vector may be
 * written "3", "(3)", "[3]" or "3x1"; "1x3" is a row and is wrong.  A scalar
 * is "1", "()", "scalar" or "1x1". */
#ifndef BACKSTEP_QUIZ_H
#define BACKSTEP_QUIZ_H

#include <stddef.h>
#include "engine.h"

enum {
    QUIZ_TRIES = 2,       /* wrong answers before the answer is shown */
    QUIZ_MAX_MISSED = 64, /* misses remembered for the summary */
    QUIZ_TEXT_SIZE = 256, /* bytes for one verdict, hint or answer */
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

/* Which question a quiz is asking. */
typedef enum {
    QUIZ_ASK_SHAPE, /* the result's shape */
    QUIZ_ASK_VALUE, /* the focused element's value */
    QUIZ_FINISHED,  /* both answered or shown: reveal the step */
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
    char step_id[32]; /* e.g. "backward.1.gradient" */
    char what[96];    /* e.g. "shape of G_ij: 2×3" or "G[2][1] = -0.1296" */
} quiz_miss;

/* A quiz over a pass; plain data, no allocation. */
typedef struct {
    quiz_stage stage;
    char step_id[32]; /* the step being asked about */
    int focus;        /* row-major index of the element asked for */
    int tries;        /* wrong answers to the current question */
    int asked;        /* questions finished (shape and value count apart) */
    int correct;      /* of those, answered right within QUIZ_TRIES */
    int n_missed;     /* misses remembered (at most QUIZ_MAX_MISSED) */
    int lost_misses;  /* misses beyond QUIZ_MAX_MISSED, counted only */
    quiz_miss missed[QUIZ_MAX_MISSED];
} quiz;

/* Empties the score and the list of misses. */
void quiz_init(quiz *q);
/* Starts the questions about step s; focus is the result element asked for
 * (clamped into range). */
void quiz_begin(quiz *q, const engine_step *s, int focus);
/* Checks an answer to the current question about step s (the same step
 * given to quiz_begin) and writes what to tell the student into msg. */
quiz_verdict quiz_answer(quiz *q, const engine_step *s, const char *text,
                         char *msg, size_t size);
/* Gives up the current question about step s: it counts as missed, and
 * msg gets the answer as a second wrong answer would show it.  Returns
 * QUIZ_SHOWN, or QUIZ_UNREADABLE when no question is open. */
quiz_verdict quiz_skip(quiz *q, const engine_step *s, char *msg, size_t size);
/* Writes the end-of-pass summary: the score and every miss, one per line. */
void quiz_summary(const quiz *q, char *buf, size_t size);

#endif

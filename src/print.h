/* print.h - the headless outputs: the walkthrough of one epoch as a text or
 * Markdown handout or as JSON, training, and the gradient check table.
 * No curses.  Every lesson string goes through text_sanitize (and
 * text_ascii when asked), so nothing in a lesson can drive a terminal. */
#ifndef BACKSTEP_PRINT_H
#define BACKSTEP_PRINT_H

#include <stdio.h>
#include "lesson.h"

/* What the output looks like. */
typedef enum {
    PRINT_TEXT,     /* a worked example for a teacher to hand out */
    PRINT_MARKDOWN, /* the same, as Markdown */
    PRINT_JSON,     /* machine-readable, full precision */
    PRINT_FORMAT_COUNT
} print_format;

/* How to print. */
typedef struct {
    print_format format;
    int convention;  /* -1 = the lesson's, else an engine_conv */
    int ascii;       /* ASCII only: δ→d, ×→x, ... */
    int decimals;    /* places in text and Markdown; 0 means 4 */
} print_options;

/* Format names as --format spells them: "text", "markdown", "json". */
const char *print_format_name(print_format f);
/* The format called name, or -1. */
int print_format_parse(const char *name);

/* Writes the walkthrough of one epoch (every sample's pass, every step).
 * In JSON "index" is the step's 0-based position in its pass, a value that
 * is not finite is null, and "lesson"."convention" is the one the steps are
 * shown in.  Returns 0, or 2 after a message on stderr when out of memory
 * (before anything is written). */
int print_walkthrough(FILE *out, const lesson *l, const print_options *opt);

/* Trains `epochs` epochs and writes the final mean loss (and, in JSON,
 * {"epochs", "loss", "convention", "weights", "biases"} with weights in
 * the convention asked for (the lesson's by default), biases null when
 * there are none, plus "nonfinite_epoch" when values stopped being
 * finite).  Returns 0, or 2 when out of memory. */
int print_train(FILE *out, const lesson *l, long epochs, const print_options *opt);

/* Writes the gradient check of the lesson's starting weights: a table of
 * every parameter with its verdict (engine_check_judge, one rule for the
 * label and the exit status), then why each row that is not "good" got its
 * verdict.  In JSON: {"parameters": [{layer, parameter, analytic, numeric,
 * rel_error, error, tolerance, step, status, reason}], "passed"}.  A check
 * longer than a second tells its progress on stderr.  Returns 0
 * when no row fails, 1 when one does, 2 when out of memory. */
int print_gradcheck(FILE *out, const lesson *l, const print_options *opt);

#endif

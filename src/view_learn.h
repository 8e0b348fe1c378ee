/* view_learn.h - the state of the learning tools on the screen: the quiz,
 * the shape checker (key :), a lesson's expressions and the lesson browser
 * (key o).  Plain data kept inside view_state; the functions that work on
 * it are declared in view.h and live in view_quiz.c, view_shape.c and
 * view_browse.c.  No curses.
 *
 * A lesson's `expressions:` are shown as their own short phase, "shapes",
 * before the first step of the first pass: the wrong formula, then the
 * right ones, each with its caption and derivation.  → steps through them
 * into the forward pass, ← from the first step comes back to them. */
#ifndef BACKSTEP_VIEW_LEARN_H
#define BACKSTEP_VIEW_LEARN_H

#include "catalog.h"
#include "lesson.h"
#include "prompt.h"
#include "quiz.h"
#include "shape.h"

/* Which of these tools owns the body of the screen. */
typedef enum {
    VIEW_LEARN_NONE,
    VIEW_LEARN_SHAPE,  /* the shape checker's prompt and derivation */
    VIEW_LEARN_BROWSE, /* the lesson browser */
} view_learn_tool;

/* What a key given to a tool asks of the caller (tui.c). */
typedef enum {
    VIEW_LEARN_DONE, /* handled; redraw */
    VIEW_LEARN_OPEN, /* open the lesson at view_learn.open_path */
} view_learn_request;

enum { VIEW_LEARN_ERROR_SIZE = 640, VIEW_LEARN_PATH_SIZE = 4096 };

/* Everything the tools remember between keys. */
typedef struct {
    view_learn_tool tool;
    const lesson *lesson; /* the lesson on screen, for expressions */
    prompt input;         /* the open prompt: quiz answer or expression */
    /* quiz */
    int quiz_on;          /* quiz mode */
    quiz quiz;            /* score and misses of the pass */
    int quiz_step;        /* engine step index asked about; -1 none */
    int quiz_reached;     /* highest step index answered in this pass; -1 none */
    long quiz_pass;       /* epoch and sample of the pass quizzed */
    char quiz_msg[QUIZ_TEXT_SIZE];  /* verdict or hint of the last answer */
    /* shape checker and expressions */
    int shape_done;       /* shape holds a result */
    shape_result shape;   /* the last check */
    char shape_expr[PROMPT_TEXT_BYTES]; /* the expression checked */
    int expr;             /* 1 + index of the lesson expression shown; 0 none */
    /* lesson browser */
    int browse_loaded;    /* cat holds a scan */
    catalog cat;
    int browse_sel;       /* selected entry */
    char browse_error[VIEW_LEARN_ERROR_SIZE]; /* why the last open failed */
    char open_path[VIEW_LEARN_PATH_SIZE];     /* the lesson to open (VIEW_LEARN_OPEN) */
} view_learn;

#endif

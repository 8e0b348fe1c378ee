/* view.h - lays out one screen of backstep for a given size and UI state
 * into a grid of cells (UTF-8 text plus an attribute class).  No curses:
 * tui.c puts the cells on the terminal, the tests read them back. */
#ifndef BACKSTEP_VIEW_H
#define BACKSTEP_VIEW_H

#include <stddef.h>

#include "engine.h"
#include "keys.h"
#include "lesson.h"
#include "view_learn.h"

enum {
    VIEW_MIN_WIDTH = 80,   /* below this the screen asks for more room */
    VIEW_MIN_HEIGHT = 24,
    VIEW_MAX_WIDTH = 250,  /* larger terminals keep the extra room blank */
    VIEW_MAX_HEIGHT = 80,
    VIEW_CELL_BYTES = 16,  /* one character with combining marks, UTF-8 */
};

/* What a cell means; tui.c maps each class to colors or to bold, underline
 * and reverse in monochrome. */
typedef enum {
    VIEW_NORMAL,
    VIEW_TITLE,    /* header and pane titles */
    VIEW_FORWARD,  /* the forward pass: phase tag, current layer, flow */
    VIEW_BACKWARD, /* the backward pass and the update */
    VIEW_POSITIVE, /* a number >= 0 */
    VIEW_NEGATIVE, /* a number < 0 */
    VIEW_FOCUS,    /* the focused element of the result */
    VIEW_USED,     /* operand elements the focused element was made from */
    VIEW_WARNING,  /* inf, nan */
    VIEW_DIM,      /* values not computed yet, elision marks */
    VIEW_KEYBAR,   /* the key bar at the bottom */
    VIEW_BORDER,   /* rules and boxes */
    VIEW_ATTR_COUNT
} view_attr;

/* One terminal cell. */
typedef struct {
    char ch[VIEW_CELL_BYTES]; /* one character, UTF-8; "" = right half of a wide one */
    unsigned char attr;       /* a view_attr */
} view_cell;

/* A laid-out screen of width x height cells, row-major. */
typedef struct {
    int width, height;
    view_cell *cells; /* VIEW_MAX_WIDTH * VIEW_MAX_HEIGHT, allocated once */
    int cursor_row, cursor_col; /* where the terminal cursor shows (a prompt); -1 hidden */
} view_frame;

/* What the user changed on the screen, apart from the engine. */
typedef struct {
    int decimals;  /* 2, 4 or 6 */
    int focus;     /* row-major index into the current step's result */
    int help;      /* the help overlay is open */
    int help_scroll; /* first line of the help shown when it does not fit */
    int intro;     /* the lesson's description shows until the user moves */
    int ascii;     /* ASCII boxes and text_ascii on all text */
    int autoplay;  /* stepping on a timer */
    int delay_ms;  /* autoplay: time between steps */
    view_learn learn; /* quiz, shape checker, expressions, browser (view_learn.h) */
    struct view_lab *lab; /* training, gradient check, editing (view_lab.h); may be NULL */
} view_state;

/* Defaults: 4 decimals, focus on the first element, autoplay off at 1 s. */
void view_state_init(view_state *st, int ascii);
/* Allocates a frame big enough for any size; NULL when out of memory. */
view_frame *view_frame_new(void);
/* Frees a frame (NULL is fine). */
void view_frame_free(view_frame *f);
/* Lays out the screen for a terminal of width x height (clamped to the
 * maximum; below the minimum only the "needs at least" message). */
void view_layout(view_frame *f, int width, int height, const engine *e,
                 const lesson *l, const view_state *st);
/* Applies a key's action to the state and the engine.  Returns 1 when the
 * user asked to quit, else 0. */
int view_apply(view_state *st, engine *e, keys_action a);
/* The KEYS_WHEN_* bits that hold now, for the key bar. */
unsigned view_context(const view_state *st, const engine *e);
/* How many times the loss after an update has been computed; it is
 * computed once per step, not per key (for the tests). */
long view_loss_after_count(void);
/* The text of row `row` without trailing blanks, UTF-8; returns its length. */
size_t view_row_text(const view_frame *f, int row, char *buf, size_t size);
/* Finds text on one row; returns the column (cells) or -1.  *row gets the
 * row; search starts at row 0. */
int view_find(const view_frame *f, const char *text, int *row);


/* ---- drawing for the tool screens (view_quiz.c, view_check.c, ...) ---- */

/* Puts text at row/col, not past column end; returns the column after it. */
int view_put(view_frame *f, int ascii, int row, int col, int end, const char *s, int attr);
/* Draws an open prompt at row from col to end: the whole caption (attr),
 * then the input field after it, scrolled so the cursor stays in view
 * when the field is narrow; places the terminal cursor.  The text is drawn
 * with text_ascii.  Returns the field's first column. */
int view_prompt(view_frame *f, int ascii, int text_ascii, int row, int col, int end,
                const prompt *p, int attr);
/* Blanks a stretch of a row with an attribute. */
void view_fill(view_frame *f, int row, int col, int end, int attr);
/* A pane's title rule across the row, with optional text on the right. */
void view_rule(view_frame *f, int ascii, int row, const char *title, const char *right);
/* Word-wraps text into rows top .. top+rows-1, columns left .. right-1. */
void view_wrap(view_frame *f, int ascii, int top, int rows, int left, int right,
               const char *text);
/* Columns text_number(v, decimals) takes, counted without printing when
 * the digits are clear (the matrix columns are measured with it). */
int view_number_width(double v, int decimals);
/* Columns text takes as drawn (after the ASCII fallback when asked). */
int view_width(int ascii, const char *s);

/* ---- the learning tools (view_quiz.c, view_shape.c, view_browse.c) ---- */

/* Points the tools at a (new) lesson: the quiz starts over, the lesson's
 * expressions phase is shown first, the shape checker and browser close. */
void view_learn_attach(view_state *st, const lesson *l);
/* Frees what the tools hold (the last check, the browser's catalog). */
void view_learn_free(view_state *st);
/* 1 when a tool takes raw keys now (a prompt or the browser is open). */
int view_learn_grab(const view_state *st);
/* Gives a raw key code to the tool that grabs keys. */
view_learn_request view_learn_key(view_state *st, engine *e, int code);
/* Handles a table action that belongs to a tool (z, :, o) or that the
 * expressions phase takes over (→ ←); returns 1 when handled. */
int view_learn_apply(view_state *st, engine *e, keys_action a);
/* After the engine moved: starts the questions about a step not yet
 * answered in quiz mode. */
void view_quiz_sync(view_state *st, const engine *e);
/* Quiz mode on or off (z; Esc ends it); on, the current step is asked
 * about at once unless it was answered already. */
void view_quiz_toggle(view_state *st, const engine *e);
/* 1 while the current step's result must stay hidden (quiz unanswered). */
int view_quiz_hiding(const view_state *st, const engine *e);
/* The quiz score for the header, "quiz 3/4", or "" when not quizzing. */
void view_quiz_score(const view_state *st, char *buf, size_t size);
/* Lays out the quiz pane (question, hint, prompt; the summary at the end of
 * the pass) in rows top ..; returns 0 when not quizzing (nothing drawn). */
int view_quiz_layout(view_frame *f, int ascii, int top, int rows, const view_state *st,
                     const engine *e);
/* Lays out the body (rows top .. top+rows-1) for the shape checker, the
 * browser or a lesson expression; returns 0 when none is showing. */
int view_learn_layout(view_frame *f, int ascii, int top, int rows, const engine *e,
                      const view_state *st);
/* Shows why the browser's chosen lesson did not open (FILE:LINE:COLUMN). */
void view_browse_failed(view_state *st, const char *message);

#endif

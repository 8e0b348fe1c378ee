/* draw.h - the pieces the modes compose their screens of, one file each,
 * named after what it draws: the header, the network diagram, the matrices,
 * the step pane, the update's before and after, the narration, the pass
 * pane, the key bar, the help and the shape checker's derivations.  They
 * read the shared state (mode.h) and draw into a frame (frame.h); none of
 * them calls a mode.  No curses. */
#ifndef BACKSTEP_DRAW_H
#define BACKSTEP_DRAW_H

#include <stdint.h>

#include "engine.h"
#include "frame.h"
#include "keys.h"
#include "mode.h"
#include "plot.h"

enum {
    DRAW_HELP_LINES = 200,        /* lines of the help at most */
    DRAW_DERIVATION_BYTES = 16384, /* a derivation as --shape prints it */
};

/* One line of the help: a group's heading, a key's first line, or the
 * wrapped rest of its explanation. */
typedef struct {
    const char *keys;   /* the keys, on an entry's first line; else NULL */
    char text[256];
    int heading;        /* a group's heading */
} draw_help_line;

enum {
    DRAW_MAX_STEPS = 256, /* steps of a pass whose measures are kept */
    DRAW_STEP_LOOKS = 4,  /* ways a step's picture can look, each narrower (draw_step.c) */
    DRAW_FOCUS_LINES = 6, /* lines of the focused element: arithmetic, chain rule (4), where */
    DRAW_LINE_BYTES = 8192, /* one of them */
};

/* draw_step.c: the rows every step of the pass wants, kept until the
 * pass's contents, the width, the decimals or the ASCII choice change. */
typedef struct {
    int valid, width, ascii, decimals, steps, most;
    uint64_t hash; /* of the steps' kinds, ops, titles, shapes, names and values */
    short rows[DRAW_MAX_STEPS];  /* the step pane, whichever element is focused */
    short least[DRAW_MAX_STEPS]; /* the same in the narrowest look */
} draw_pass_memo;

/* draw_update.c: the sample's loss after the updates so far, per step. */
typedef struct {
    const engine *e;
    int epoch, sample, index, layers, valid;
    double before, first, value;
    long computed; /* how many times it was computed (for the tests) */
} draw_after_memo;

/* Memos and scratch of the drawing, one per screen (the dispatcher
 * allocates it zeroed): what is costly to measure is remembered, and large
 * buffers are not on the stack. */
struct draw_cache {
    draw_pass_memo pass;
    draw_after_memo after;
    engine_chain chain;  /* the focused element's chain rule (draw_step.c) */
    int windowed;        /* the step pane shows a window of a block */
    int decimals;        /* and the decimals of its numbers */
    char lines[DRAW_FOCUS_LINES][DRAW_LINE_BYTES]; /* the focused element's lines */
    int text_lines;      /* the text pane last drawn: lines of its text (draw_narration.c) */
    int text_view;       /* and how many of them it shows at once */
    double change[ENGINE_MAX_WIDTH * ENGINE_MAX_WIDTH]; /* −η·G */
    draw_help_line help[DRAW_HELP_LINES];               /* draw_help.c */
    char derivation[DRAW_DERIVATION_BYTES];             /* draw_derivation.c */
    char text[FRAME_TEXT_BYTES];                        /* draw_narration.c */
    char plot[PLOT_MAX_ROWS][PLOT_MAX_COLS * PLOT_CELL_BYTES + 1]; /* the loss plot's rows */
};

/* ---- draw_header.c ---- */

/* Rows the header needs for the pass on screen: 2, or 3 when a step's
 * title does not fit beside the phase and step number. */
int draw_header_rows(const frame *f, const mode_ctx *c);
/* The header rows: the lesson's title, the quiz score, epoch, sample and
 * loss; the phase, the step (or the lesson's shapes) and its whole title,
 * going on to the third row when `rows` is 3. */
void draw_header(frame *f, const mode_ctx *c, int rows);
/* What the step's rule says on its right: the convention (and autoplay's
 * pace), or the first step whose values stopped being finite (*warning
 * set). */
void draw_header_right(const mode_ctx *c, char *buf, size_t size, int *warning);

/* ---- draw_diagram.c ---- */

/* Rows the diagram takes for this network, labels included: nodes on
 * adjacent rows, or a row apart when spaced. */
int draw_diagram_rows(const engine *e, int spaced);
/* The network as columns of nodes with what the pass has computed up to
 * the current step, joined by buses, in rows top .. top+rows-1; its layout
 * depends on the network, the pass, the width and `rows` only. */
void draw_diagram(frame *f, const mode_ctx *c, int top, int rows);
/* What the nodes hold, for the diagram's rule: "values: activations",
 * "values: δ_k, ∂E/∂h_j". */
void draw_diagram_legend(const mode_ctx *c, char *buf, size_t size);

/* ---- draw_matrix.c ---- */

/* One bracketed matrix or vector and the window of it on screen. */
typedef struct {
    const engine_tensor *t;
    int is_result;
    int r0, rn;                 /* first row shown, rows shown */
    int c0, cn;                 /* first column shown, columns shown */
    int colw[ENGINE_MAX_WIDTH]; /* width of each shown column's numbers */
    int width;                  /* cells the block takes */
    int narrow;                 /* numbers without the blank kept for a plus sign */
    int more_up, more_down, more_left, more_right;
    char label[96];             /* "W_jk  3×2" */
    int label_width;            /* its columns; 0 until measured */
} draw_block;

/* Picks the window of a block around element `index` (row-major; -1 none)
 * with at most max_rows rows and max_cols columns, and measures it. */
void draw_block_fit(const frame *f, draw_block *b, int index, int max_rows, int max_cols,
                    int decimals);
/* The same with every column's width given (widths[c] for column c, as a
 * fit of the whole block at these decimals measured them; NULL: measured),
 * and the label measured only while label_width is 0 (a zeroed block), so
 * that refitting a block to narrower windows does not measure it again. */
void draw_block_window(const frame *f, draw_block *b, int index, int max_rows, int max_cols,
                       int decimals, const int *widths);
/* Rows a block takes on screen, elision marks included (not its label). */
int draw_block_rows(const draw_block *b);
/* Draws a block with its label at row top, column x: the focused element
 * of a result, and the operand elements it used (uses of operand
 * op_index), marked; hide keeps a result's numbers and shape hidden. */
void draw_matrix(frame *f, const draw_block *b, int top, int x, int decimals, int focus,
                const engine_use *uses, int n_uses, int op_index, int flow, int hide);

/* ---- draw_step.c ---- */

/* Rows the step pane wants for step `index` of the pass at the frame's
 * width, with element `focus` focused (-1: whichever element needs the
 * most), the chain rule expanded `depth` layers, the picture in look
 * `look` (0: the screen's decimals .. DRAW_STEP_LOOKS-1: the narrowest). */
int draw_step_rows(const frame *f, const mode_ctx *c, int index, int focus, int depth, int look);
/* draw_step_rows in every look, rows[look]; a look the picture settles
 * past (its blocks too wide for it) is measured once with the next. */
void draw_step_looks(const frame *f, const mode_ctx *c, int index, int focus, int depth,
                     int rows[DRAW_STEP_LOOKS]);
/* The rows every step of the pass wants, any element focused, depth 1,
 * in the first and in the narrowest look (remembered in the cache). */
const draw_pass_memo *draw_pass_measure(const frame *f, const mode_ctx *c);
/* The step pane in rows top .. top+rows-1: the formula and shapes, the
 * picture of the step's op in the first look that fits the rows, the
 * focused element's arithmetic and, under a gradient, its chain rule
 * expanded `depth` layers. */
void draw_step(frame *f, const mode_ctx *c, int top, int rows, int depth);
/* 1 when the last step pane drawn shows only a window of a block. */
int draw_step_windowed(const mode_ctx *c);
/* The decimals of the numbers in the last step pane drawn. */
int draw_step_decimals(const mode_ctx *c);

/* ---- draw_formula.c ---- */

/* 1 when the current step is a weight's gradient with a formula to read
 * shape by shape (not during a quiz). */
int draw_formula_available(const mode_ctx *c);
/* The formula panel in rows top .. top+rows-1: the question's formula read
 * product by product the way its shapes fit, to the shape it gives; the
 * outer product that gives the gradient's shape, with the pass's numbers;
 * and why they differ. */
void draw_formula(frame *f, const mode_ctx *c, int top, int rows);

/* ---- draw_update.c ---- */

/* Rows the update's before-and-after wants on an update step: its three
 * blocks side by side and the loss line when `full` (0 when they do not
 * fit whole), else the loss line alone (1); 0 on other steps. */
int draw_update_rows(const frame *f, const mode_ctx *c, int full);
/* The update's before-and-after from row top: when `full`, old values,
 * −η·G and new values side by side under their rule; then the sample's
 * loss before and after.  Returns the rows used. */
int draw_update(frame *f, const mode_ctx *c, int top, int full);
/* The loss line, short, for a rule: "loss of sample 1: 0.3377 → 0.0901,
 * downhill". */
void draw_update_loss(const mode_ctx *c, char *buf, size_t size);
/* How many times the loss after an update has been computed: once per
 * step, not per key (for the tests). */
long draw_update_count(const draw_cache *cache);

/* ---- draw_narration.c ---- */

/* The right edge of running text: lines longer than about 100 columns are
 * hard to read on a projector. */
int draw_text_right(const frame *f);
/* The "Why" pane: the current step's narration, the lesson's note or the
 * built-in one, in rows top .. top+rows-1 (its rule included), from line
 * `first` of it (clamped); returns the lines the whole text takes. */
int draw_narration(frame *f, const mode_ctx *c, int top, int rows, int first);
/* The "About this lesson" pane: the lesson's description, likewise. */
int draw_about(frame *f, const mode_ctx *c, int top, int rows, int first);

/* ---- draw_pass.c ---- */

/* Columns the pass pane takes on a screen this size; 0 when it does not show. */
int draw_pass_width(int width, int height);
/* Every step of the pass with its shape equation, the current one marked,
 * in columns left .. the frame's width, rows top .. bottom-1. */
void draw_pass(frame *f, const mode_ctx *c, int left, int top, int bottom);

/* ---- draw_keybar.c ---- */

/* The KEYS_WHEN_* bits of the stepping screen now. */
unsigned draw_step_context(const mode_ctx *c);
/* The key bar on row `row`: the labels of maps[0 .. n_maps-1] in `context`. */
void draw_keybar(frame *f, int row, const keys_map *maps, int n_maps, unsigned context);
/* The key bar text after `lead` (e.g. "rows 1-12 of 12"), for the screens
 * that draw their own bottom row. */
void draw_keybar_after(frame *f, int row, const char *lead, keys_map map, unsigned context);
/* The last edit's or save's outcome over the bottom row, when there is one. */
void draw_message(frame *f, const mode_ctx *c);
/* An open prompt on the bottom row, in place of the key bar. */
void draw_question(frame *f, const prompt *p);

/* ---- draw_help.c ---- */

/* The help over the screen: the keys of maps[0 .. n_maps-1], grouped, from
 * line `scroll` on; two columns when the screen is wide, else one that
 * scrolls. */
void draw_help(frame *f, const mode_ctx *c, const keys_map *maps, int n_maps, int scroll);
/* The furthest the help of these maps can scroll on the smallest screen. */
int draw_help_scroll_max(const mode_ctx *c, const keys_map *maps, int n_maps);

/* ---- draw_derivation.c ---- */

/* The derivation of expr as the shape checker renders it (bare δ, z and b
 * the step in view's layer), one line a row from `row` up to `end`, from
 * line `scroll` on, reasons and verdict wrapped, a mark where more is
 * above or below; returns how many lines it has in all. */
int draw_derivation(frame *f, const mode_ctx *c, int row, int end, const char *expr, int scroll);
/* The lines draw_derivation lays expr out in on a frame `width` columns wide. */
int draw_derivation_rows(const mode_ctx *c, int width, const char *expr);

#endif

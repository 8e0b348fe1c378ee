/* frame.h - what every mode draws with: a grid of cells (UTF-8 text plus an
 * attribute class), text and rules put into it, numbers formatted the one
 * way the screen shows them, and the frame read back as text.  No curses:
 * tui.c puts the cells on the terminal, the tests read them back. */
#ifndef BACKSTEP_FRAME_H
#define BACKSTEP_FRAME_H

#include <stddef.h>

#include "prompt.h"

enum {
    FRAME_MIN_WIDTH = 80,  /* below this the screen asks for more room */
    FRAME_MIN_HEIGHT = 24,
    FRAME_MAX_WIDTH = 250, /* larger terminals keep the extra room blank */
    FRAME_MAX_HEIGHT = 80,
    FRAME_CELL_BYTES = 16, /* one character with combining marks, UTF-8 */
    FRAME_NUM_BYTES = 40,  /* one number as frame_number writes it */
    FRAME_TEXT_BYTES = 8192, /* the longest text one call draws (narration) */
};

/* What a cell means; tui.c maps each class to colours or to bold, underline
 * and reverse in monochrome. */
typedef enum {
    FRAME_NORMAL,
    FRAME_TITLE,    /* header and pane titles */
    FRAME_FORWARD,  /* the forward pass: phase tag, current layer, flow */
    FRAME_BACKWARD, /* the backward pass and the update */
    FRAME_POSITIVE, /* a number >= 0 */
    FRAME_NEGATIVE, /* a number < 0 */
    FRAME_FOCUS,    /* the focused element of the result */
    FRAME_USED,     /* operand elements the focused element was made from */
    FRAME_WARNING,  /* inf, nan */
    FRAME_DIM,      /* values not computed yet, elision marks */
    FRAME_KEYBAR,   /* the key bar at the bottom */
    FRAME_BORDER,   /* rules and boxes */
    FRAME_ATTR_COUNT
} frame_attr;

/* One terminal cell. */
typedef struct {
    char ch[FRAME_CELL_BYTES]; /* one character, UTF-8; "" = right half of a wide one */
    unsigned char attr;        /* a frame_attr */
} frame_cell;

/* Where the pane under the step pane is (the narration): a mode laid out
 * above the stepping screen may draw its own pane there instead. */
typedef struct {
    int top, rows; /* rows top .. top+rows-1; rows 0 when there is none */
    int cols;      /* columns 0 .. cols-1 */
} frame_pane;

/* A laid-out screen of width x height cells, row-major. */
typedef struct {
    int width, height;
    frame_cell *cells;          /* FRAME_MAX_WIDTH * FRAME_MAX_HEIGHT, allocated once */
    int cursor_row, cursor_col; /* where the terminal cursor shows (a prompt); -1 hidden */
    int ascii;                  /* text is drawn in ASCII (frame_begin sets it) */
    int cols;                   /* drawing stops at this column: the width, or less
                                   while a pane narrower than the screen is laid out */
    frame_pane pane;            /* the narration pane of the stepping screen */
    frame_cell *blank;          /* one blank row, copied over each row to clear it */
} frame;

/* Allocates a frame big enough for any size; NULL when out of memory. */
frame *frame_new(void);
/* Frees a frame (NULL is fine). */
void frame_free(frame *f);
/* Starts a new screen of width x height (clamped to 1 .. the maximum),
 * blank, cursor hidden, drawing in ASCII when ascii is set. */
void frame_begin(frame *f, int width, int height, int ascii);
/* Blanks rows top .. top+rows-1 across the whole width. */
void frame_clear_rows(frame *f, int top, int rows);
/* The cell at row, col (inside the frame). */
frame_cell *frame_at(frame *f, int row, int col);

/* Text as it will be drawn: the frame's ASCII spelling when it draws ASCII,
 * else s itself.  buf holds the ASCII form. */
const char *frame_shown(const frame *f, const char *s, char *buf, size_t size);
/* The mark between items of a line: "·", or "-" in ASCII (where "·"
 * would fold to "*", a product). */
const char *frame_sep(const frame *f);
/* Columns text takes as drawn. */
int frame_width(const frame *f, const char *s);
/* Puts text at row/col, not past column end (nor f->cols), in ASCII when
 * the frame draws ASCII; newlines and tabs show as blanks, combining marks
 * join the character before.  Returns the column after the text. */
int frame_put(frame *f, int row, int col, int end, const char *s, int attr);
/* frame_put without the ASCII spelling: for text already converted, and
 * for what the user typed. */
int frame_put_raw(frame *f, int row, int col, int end, const char *s, int attr);
/* Blanks a stretch of a row and paints it with an attribute. */
void frame_fill(frame *f, int row, int col, int end, int attr);
/* Puts one box-drawing character, or its ASCII stand-in. */
void frame_box(frame *f, int row, int col, const char *uni, char ascii, int attr);
/* A pane's title rule across the row: "── Title ───── right ──". */
void frame_rule(frame *f, int row, const char *title, const char *right);
/* Word-wraps text into rows top .. top+rows-1, columns left .. right-1;
 * blank lines separate paragraphs (a blank row between them), single
 * newlines are spaces; text that does not fit ends in "…". */
void frame_wrap(frame *f, int top, int rows, int left, int right, const char *text);
/* Lines the text takes word-wrapped `width` columns wide, as frame_wrap
 * breaks it (blank rows between paragraphs included). */
int frame_wrap_lines(const frame *f, int width, const char *text);
/* Draws lines first .. first+rows-1 of the wrapped text in rows top ..
 * top+rows-1, nothing cut: the rest is for a pane that scrolls.  Returns
 * the lines the whole text takes. */
int frame_wrap_from(frame *f, int top, int rows, int left, int right, const char *text,
                    int first);
/* Draws an open prompt at row from col to end: the whole caption (attr),
 * then the input field after it, scrolled so the cursor stays in view when
 * the field is narrow; places the terminal cursor.  The typed text is
 * drawn as typed when raw_text is set (an expression), else like all text.
 * Returns the field's first column. */
int frame_prompt(frame *f, int row, int col, int end, const prompt *p, int attr,
                 int raw_text);
/* "backstep needs at least 80×24 (this terminal is W×H)", centred. */
void frame_too_small(frame *f, int real_width, int real_height);

/* Formats v as every number on the screen is shown: `decimals` places, a
 * blank or minus for the sign (text_number). */
void frame_number(double v, int decimals, char *buf, size_t size);
/* frame_number without the blank that stands for a plus sign. */
void frame_number_bare(double v, int decimals, char *buf, size_t size);
/* Columns frame_number(v, decimals) takes, counted without printing when
 * the digits are clear (the matrix columns are measured with it). */
int frame_number_width(double v, int decimals);
/* The widest frame_number_width of n numbers v[0], v[stride], …: what a
 * matrix column needs, from the numbers' sizes alone when they are all
 * small.  0 when n is 0. */
int frame_column_width(const double *v, int n, size_t stride, int decimals);
/* The attribute of a number: positive, negative, or a warning when not finite. */
int frame_number_attr(double v);

/* How many of the blank rows above a pane whose rule is on row `top` it
 * may take, at most `want`: one blank row stays between it and what is
 * above, and rows 0-1 (the header) are never taken. */
int frame_blank_above(const frame *f, int top, int want);

/* The text of row `row` without trailing blanks, UTF-8; returns its length. */
size_t frame_row_text(const frame *f, int row, char *buf, size_t size);
/* Finds text on one row; returns the column (cells) or -1.  *row (when not
 * NULL) gets the row; the search starts at row 0. */
int frame_find(const frame *f, const char *text, int *row);

#endif

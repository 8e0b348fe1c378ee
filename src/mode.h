/* mode.h - the interface every mode of the screen implements, and the state
 * they share.
 *
 * A mode is what the screen is doing: stepping through the pass (the mode
 * at the bottom, always there), the quiz over it, the shape checker,
 * training and its plot, the gradient check, the questions of editing and
 * saving, the lesson browser, the help.  Each is one file, mode_NAME.c,
 * that fills in one mode_ops.  The dispatcher (screen.c) keeps the modes on
 * a stack: a key goes to the top mode, which handles it or passes it down;
 * the frame is laid out from the bottom up, each mode drawing over the ones
 * below.  A mode never calls another mode: what they share is the
 * mode_ctx below and the drawing they all use (frame.h, draw.h).  No
 * curses. */
#ifndef BACKSTEP_MODE_H
#define BACKSTEP_MODE_H

#include "engine.h"
#include "frame.h"
#include "keys.h"
#include "lesson.h"

enum {
    MODE_MESSAGE_BYTES = 640,  /* a message on the bottom row */
    MODE_PATH_BYTES = 4096,    /* a file name */
    MODE_SCORE_BYTES = 32,     /* "quiz 3/4" */
    MODE_MAX_MAPS = 8,         /* key maps that answer keys at one time */
};

typedef struct draw_cache draw_cache; /* memos and scratch of the drawing (draw.h) */

/* What every mode sees, and what one mode may change for the others to
 * read: the lesson and engine on screen and the settings of the screen.
 * Owned by the dispatcher. */
typedef struct {
    lesson *lesson;        /* the lesson on screen */
    engine *engine;        /* its network, stepping through a pass */
    unsigned lesson_count; /* lessons opened so far: a mode that keeps something
                              per lesson sees a new one by this number */
    double now;            /* monotonic seconds, set before every key, tick and layout */
    int wake_ms;           /* during the ticks: the longest the screen may wait for a
                              key before the next tick, in ms; a mode lowers it */
    int ascii;             /* draw with ASCII only */
    int decimals;          /* 2, 4 or 6 */
    int theme;             /* the colour theme, a theme_id: the theme key changes it,
                              the terminal (tui.c) applies it */
    int focus;             /* row-major index into the current step's result */
    int autoplay;          /* stepping on a timer */
    int delay_ms;          /* autoplay: time between steps */
    int modified;          /* the network has edits not saved yet */
    int undoable;          /* edits that u can take back */
    int tour;              /* 1 + index of the lesson expression shown in the
                              "shapes" phase before the pass; 0 in the pass */
    int tour_scroll;       /* first line of its derivation on screen */
    int width, height;     /* the terminal's size (screen_resize); 0 before it is known */
    /* what the quiz asks of the stepping screen */
    int quiz_on;           /* a quiz is on: the update's before-and-after gives way */
    int hide_result;       /* the current step's result stays hidden */
    int hide_values;       /* and so does the diagram's vector hide_kind of hide_layer,
                              which holds the same numbers */
    engine_values_kind hide_kind;
    int hide_layer;
    int answered;          /* quiz: steps after this index keep their shapes hidden; -1 none */
    char score[MODE_SCORE_BYTES]; /* shown in the header before the epoch; "" none */
    /* messages between the modes and the dispatcher */
    char message[MODE_MESSAGE_BYTES]; /* the outcome of an edit or a save, on the
                                         bottom row until the next key */
    int message_bad;                  /* the message is an error */
    char open_path[MODE_PATH_BYTES];  /* MODE_LESSON: the lesson to open */
    char open_error[MODE_MESSAGE_BYTES]; /* why the last lesson asked for did not open */
    keys_map maps[MODE_MAX_MAPS]; /* the key maps that answer keys now, top first */
    int n_maps;
    draw_cache *cache;     /* memos and scratch of the drawing; drawing may fill them */
} mode_ctx;

/* What a mode answers when it is opened or given a key. */
typedef enum {
    MODE_DONE,   /* handled (opened: it is on the stack now) */
    MODE_PASS,   /* not this mode's key: the dispatcher offers it on */
    MODE_CLOSE,  /* handled, and the mode leaves the stack (opened: there is
                    nothing to show; ctx->message may say why) */
    MODE_QUIT,   /* leave backstep */
    MODE_LESSON, /* open the lesson at ctx->open_path in place of this one */
} mode_reply;

/* One mode: its key map and its functions.  Optional ones may be NULL. */
typedef struct {
    keys_map map;   /* which mode: its rows in the key table */
    int passes;     /* the keys it passes go on to the mode below it */
    /* Its state, allocated and zeroed; NULL when out of memory. */
    void *(*create)(void);
    /* Frees the state (NULL is fine). */
    void (*destroy)(void *self);
    /* Put on the stack by a key whose action is `why` (KEYS_NONE for the
     * modes a lesson starts with). */
    mode_reply (*open)(mode_ctx *c, void *self, keys_action why);
    /* A key code (a character or KEYS_K_*) while the mode is on the stack. */
    mode_reply (*key)(mode_ctx *c, void *self, int code);
    /* Optional: called after every key and whenever time passes without
     * one, bottom mode first: catches up with what changed below, or does
     * one slice (about 20 ms) of long work.  Returns 1 while work remains. */
    int (*tick)(mode_ctx *c, void *self);
    /* Optional: 1 when the layout draws every cell, so the modes below need
     * not be laid out. */
    int (*covers)(const void *self);
    /* Draws the mode into the frame, over what the modes below drew. */
    void (*layout)(const mode_ctx *c, const void *self, frame *f);
    /* Optional: taken off the stack. */
    void (*close)(mode_ctx *c, void *self);
} mode_ops;

/* Shows the selection of an open prompt whose text is drawn from column
 * `field` of the cursor's row (frame_prompt returns it): the selected text
 * reversed like the focus, so the user sees that typing replaces it. */
static inline void mode_show_selection(frame *f, const prompt *p, int field)
{
    if (!p->open || !p->selected || f->cursor_row < 0)
        return;
    for (int col = field; col < f->cursor_col && col < f->width; col++)
        if (col >= 0)
            frame_at(f, f->cursor_row, col)->attr = FRAME_FOCUS;
}

/* mode_show_selection for a prompt that draw_question put on the bottom
 * row, its caption from column 1. */
static inline void mode_show_question_selection(frame *f, const prompt *p)
{
    mode_show_selection(f, p, 1 + frame_width(f, p->caption));
}

/* The modes, one per file. */
extern const mode_ops mode_step;   /* mode_step.c: stepping, and the lesson's shapes tour */
extern const mode_ops mode_quiz;   /* mode_quiz.c */
extern const mode_ops mode_shape;  /* mode_shape.c: the shape checker */
extern const mode_ops mode_train;  /* mode_train.c: training and its loss plot */
extern const mode_ops mode_check;  /* mode_check.c: the gradient check */
extern const mode_ops mode_edit;   /* mode_edit.c: editing, saving, leaving */
extern const mode_ops mode_browse; /* mode_browse.c: the lesson browser */
extern const mode_ops mode_help;   /* mode_help.c */
extern const mode_ops mode_blank;  /* mode_blank.c: the blanked screen */

#endif

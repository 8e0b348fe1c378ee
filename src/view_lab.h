/* view_lab.h - the screen's workbench around the stepping view: training
 * with a loss plot (view_train.c), the gradient check (view_check.c), and
 * editing, saving and the question before leaving (view_edit.c).  No curses:
 * keys come in as keys.h codes, screens go out as view_frame cells. */
#ifndef BACKSTEP_VIEW_LAB_H
#define BACKSTEP_VIEW_LAB_H

#include "engine.h"
#include "lesson.h"
#include "prompt.h"
#include "save.h"
#include "view.h"

enum {
    VIEW_TRAIN_DEFAULT = 1000, /* epochs offered by t */
    VIEW_TRAIN_MAX = 1000000,  /* most epochs one t may ask for */
    VIEW_PATH_BYTES = 4096,
};

/* What the workbench shows. */
typedef enum {
    LAB_NONE,     /* plain stepping */
    LAB_ASK,      /* a prompt on the bottom row (see view_lab.ask) */
    LAB_TRAINING, /* training in chunks; Esc stops between chunks */
    LAB_PLOT,     /* the loss plot of the last training */
    LAB_CHECK,    /* the gradient check table */
} view_lab_mode;

/* Which question the prompt asks. */
typedef enum {
    ASK_EPOCHS,
    ASK_VALUE,   /* a new value for the edit target */
    ASK_PATH,    /* where to save */
    ASK_DISCARD, /* "discard unsaved edits? (y/n)" */
    ASK_OVERWRITE, /* "overwrite FILE? (y/n)" before saving over another file */
} view_lab_ask;

/* What an edit changes. */
typedef enum { EDIT_INPUT, EDIT_TARGET, EDIT_WEIGHT, EDIT_BIAS, EDIT_RATE } view_edit_kind;

/* The workbench's state: one per screen, owned by the caller. */
typedef struct view_lab {
    view_lab_mode mode;
    view_lab_ask ask;
    prompt in;
    const lesson *les;           /* words and path for saving; not owned */
    /* training */
    double *loss;                /* mean loss per epoch, loss_cap of them */
    long loss_cap;
    long epochs;                 /* asked for */
    long done;                   /* trained so far */
    long chunk;                  /* epochs per chunk, tuned to about 20 ms */
    long bad_epoch;              /* 0-based epoch where values stopped being finite, or -1 */
    double started;              /* monotonic seconds when training began */
    int interrupted;             /* Esc stopped it */
    int log;                     /* the plot's axis is log10 */
    double loss_before;          /* mean loss over the samples, fixed weights, before */
    double loss_after;           /* the same after the epochs trained so far */
    /* gradient check */
    engine_check *rows;
    int n_rows, rows_cap;
    int scroll;                  /* first table row shown */
    /* editing and saving */
    view_edit_kind edit_kind;
    int edit_layer;              /* weights and biases: weight layer 1..L */
    int edit_index;              /* index into the edited canonical array */
    char edit_name[48];          /* "W_jk[2][1]", shown in the prompt */
    int modified;                /* edits not saved yet */
    char message[SAVE_ERROR_SIZE]; /* the last save's or edit's outcome */
    int message_bad;             /* message is an error */
    char path[VIEW_PATH_BYTES];  /* where w saves */
} view_lab;

/* Sets up the workbench for lesson l (not owned). */
void view_lab_init(view_lab *b, const lesson *l);
/* Frees what the workbench allocated. */
void view_lab_free(view_lab *b);
/* Offers a key code first.  Returns 1 when used (*quit set when the user
 * confirmed leaving), 0 to let the key table have it. */
int view_lab_key(view_state *st, engine *e, int code, int *quit);
/* Lays out a whole workbench screen (plot, progress, check table) and
 * returns 1, or 0 when the stepping screen shows. */
int view_lab_layout(view_frame *f, const engine *e, const view_state *st);
/* Draws the prompt or the last message over the stepping screen's key bar. */
void view_lab_overlay(view_frame *f, const view_state *st);
/* Whether training is under way: the caller keeps calling view_train_run. */
int view_lab_training(const view_lab *b);

/* Begins training n epochs.  0, or -1 when out of memory. */
int view_train_start(view_lab *b, long n);
/* Trains one chunk of epochs; returns 1 while more remain. */
int view_train_run(view_lab *b, engine *e);
/* Lays out the loss plot, or the progress while training. */
void view_train_layout(view_frame *f, const view_lab *b, const engine *e, int ascii);

/* Runs the gradient check of the engine's current network.  0 or -1. */
int view_check_open(view_lab *b, const engine *e);
/* Lays out the gradient check table. */
void view_check_layout(view_frame *f, const view_lab *b, const engine *e, int ascii);

/* Chooses the edit target from the focused element of the current step:
 * an input, target, weight or bias; otherwise the learning rate. */
void view_edit_target(view_lab *b, const engine *e, const view_state *st);
/* Puts the value in `text` into the edit target on a copy of the network and
 * restarts from it.  0, or -1 with the reason in b->message. */
int view_edit_apply(view_lab *b, engine *e, const char *text);

#endif

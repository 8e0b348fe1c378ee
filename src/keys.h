/* keys.h - the one table of keys: what each key does, its label on the key
 * bar and its line in the help overlay.  No curses: tui.c translates the
 * terminal's special keys into the KEYS_K_* codes below. */
#ifndef BACKSTEP_KEYS_H
#define BACKSTEP_KEYS_H

#include <stddef.h>

/* Special keys, above every Unicode code point so plain characters keep
 * their own value. */
enum {
    KEYS_K_RIGHT = 0x110000,
    KEYS_K_LEFT,
    KEYS_K_UP,
    KEYS_K_DOWN,
    KEYS_K_HOME,
    KEYS_K_END,
    KEYS_K_BACKSPACE,
    KEYS_K_TAB,
    KEYS_K_BACKTAB,
    KEYS_K_ESC,
    KEYS_K_DELETE, /* the Delete key, for text prompts */
    KEYS_K_ENTER,  /* Enter / Return */
    KEYS_K_PGUP,   /* Page Up: scrolls the help overlay */
    KEYS_K_PGDN,   /* Page Down */
};

/* What a key asks for. */
typedef enum {
    KEYS_NONE,
    KEYS_NEXT,        /* next step */
    KEYS_PREV,        /* previous step */
    KEYS_FIRST,       /* first step of the pass */
    KEYS_LAST,        /* last step of the pass */
    KEYS_PHASE_NEXT,  /* first step of the next phase */
    KEYS_PHASE_PREV,  /* first step of the previous phase */
    KEYS_FOCUS_NEXT,  /* focus the next element of the result */
    KEYS_FOCUS_PREV,  /* focus the previous element of the result */
    KEYS_CONVENTION,  /* switch rows/columns */
    KEYS_AUTOPLAY,    /* start or stop stepping on a timer */
    KEYS_FASTER,      /* autoplay faster */
    KEYS_SLOWER,      /* autoplay slower */
    KEYS_RESET,       /* back to the lesson's start */
    KEYS_SAMPLE,      /* next sample or epoch */
    KEYS_PRECISION,   /* cycle 2/4/6 decimals */
    KEYS_HELP,        /* show or hide the help overlay */
    KEYS_QUIT,        /* leave backstep */
    KEYS_TRAIN,       /* train some epochs and plot the loss */
    KEYS_GRADCHECK,   /* analytic against numeric gradients */
    KEYS_LOG_SCALE,   /* loss plot: linear or log axis */
    KEYS_EDIT,        /* change the focused number or the learning rate */
    KEYS_SAVE,        /* write the network as a lesson file */
    KEYS_QUIZ,        /* quiz mode on or off */
    KEYS_SHAPE,       /* the shape checker's prompt */
    KEYS_BROWSE,      /* the lesson browser */
    KEYS_QUIZ_SKIP,   /* give up the quiz question (counted as missed) */
    KEYS_PAGE_UP,     /* help overlay: a page up */
    KEYS_PAGE_DOWN,   /* help overlay: a page down */
    KEYS_QUIZ_END,    /* Esc: closes the help, else ends the quiz, else quits */
    KEYS_ACTION_COUNT
} keys_action;

/* When a key matters; the key bar shows an entry only when its bits are all
 * in the current context. */
enum {
    KEYS_WHEN_ALWAYS = 0,
    KEYS_WHEN_FOCUS = 1 << 0,    /* the result has more than one element */
    KEYS_WHEN_AUTOPLAY = 1 << 1, /* autoplay is running */
    KEYS_WHEN_HELP = 1 << 2,     /* the help overlay is open */
    KEYS_WHEN_QUIZ = 1 << 3,     /* a quiz question waits for an answer; entries
                                    with this bit answer only then (keys_lookup_quiz) */
};

/* The help overlay's headings, in order. */
typedef enum {
    KEYS_GROUP_STEPPING,
    KEYS_GROUP_FOCUS,
    KEYS_GROUP_TOOLS,   /* views & tools */
    KEYS_GROUP_DISPLAY,
    KEYS_GROUP_QUIT,
    KEYS_GROUP_COUNT
} keys_group;

enum { KEYS_PER_ACTION = 5 };

/* One row of the table. */
typedef struct {
    int code[KEYS_PER_ACTION]; /* characters or KEYS_K_*; 0 ends the list */
    keys_action action;
    const char *keys;  /* how the help overlay names the keys, UTF-8 */
    const char *label; /* key bar entry, "→ next"; NULL to leave it off */
    const char *help;  /* one line for the help overlay */
    unsigned when;     /* KEYS_WHEN_* bits for the key bar */
    int in_help;       /* still works while the help overlay is open */
    keys_group group;  /* the help overlay's heading */
} keys_entry;

/* The table, in help-overlay order. */
const keys_entry *keys_table(size_t *count);
/* The action of a key code, or KEYS_NONE; with the help overlay open only
 * the entries marked in_help answer. */
keys_action keys_lookup(int code, int help_open);
/* The action of a key code while a quiz question's prompt is open: only
 * the entries marked KEYS_WHEN_QUIZ answer, every other key is typing. */
keys_action keys_lookup_quiz(int code);
/* The heading of a group in the help overlay, "stepping". */
const char *keys_group_name(keys_group g);
/* Writes the key bar for a context (KEYS_WHEN_* bits) into buf, entries
 * separated by two spaces, cut at whole entries to fit `cols` columns.
 * Returns the length. */
size_t keys_bar(unsigned context, int cols, char *buf, size_t size);

#endif

/* keys.h - the one table of keys: for every mode of the screen, each key,
 * what it does, its label on the key bar and its line in the help.  The
 * dispatcher (screen.c), the modes, the prompt, the key bar, the help and
 * the README's and the man page's key lists all read it, so none of them
 * can disagree.  No curses: tui.c translates the terminal's special keys
 * into the KEYS_K_* codes below. */
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
    KEYS_K_DELETE, /* the Delete key */
    KEYS_K_ENTER,  /* Enter / Return */
    KEYS_K_PGUP,   /* Page Up */
    KEYS_K_PGDN,   /* Page Down */
    KEYS_K_SDOWN,  /* Shift-↓ */
    KEYS_K_SUP,    /* Shift-↑ */
    KEYS_K_F5,     /* F5, which presentation clickers send to start the show */
};

/* Control characters the prompt answers to. */
enum { KEYS_CTRL_A = 1, KEYS_CTRL_D = 4, KEYS_CTRL_E = 5, KEYS_CTRL_U = 21 };

/* The key maps: one per mode of the screen, the global one for what the
 * stepping screen passes on, and the typing keys every prompt shares. */
typedef enum {
    KEYS_MAP_GLOBAL, /* keys the stepping screen passes on: the tools, help, quit;
                        as a row's `opens`: the row opens nothing */
    KEYS_MAP_STEP,   /* stepping through the pass (mode_step.c) */
    KEYS_MAP_QUIZ,   /* the quiz (mode_quiz.c) */
    KEYS_MAP_SHAPE,  /* the shape checker (mode_shape.c) */
    KEYS_MAP_TRAIN,  /* training and its loss plot (mode_train.c) */
    KEYS_MAP_CHECK,  /* the gradient check (mode_check.c) */
    KEYS_MAP_EDIT,   /* editing and saving: the questions on the bottom row (mode_edit.c) */
    KEYS_MAP_BROWSE, /* the lesson browser (mode_browse.c) */
    KEYS_MAP_HELP,   /* the help (mode_help.c) */
    KEYS_MAP_BLANK,  /* the blanked screen (mode_blank.c): any key brings it back */
    KEYS_MAP_TEXT,   /* typing in any prompt (prompt.c) */
    KEYS_MAP_COUNT
} keys_map;

/* What a key asks for. */
typedef enum {
    KEYS_NONE,
    /* stepping */
    KEYS_NEXT,       /* next step */
    KEYS_PREV,       /* previous step */
    KEYS_FIRST,      /* first step of the pass */
    KEYS_LAST,       /* last step of the pass */
    KEYS_PHASE_NEXT, /* first step of the next phase */
    KEYS_PHASE_PREV, /* first step of the previous phase */
    KEYS_FOCUS_NEXT, /* focus the next element of the result */
    KEYS_FOCUS_PREV, /* focus the previous element of the result */
    KEYS_CONVENTION, /* switch rows/columns */
    KEYS_AUTOPLAY,   /* start or stop stepping on a timer */
    KEYS_FASTER,     /* autoplay faster */
    KEYS_SLOWER,     /* autoplay slower */
    KEYS_RESET,      /* back to the lesson's start, asking about its own values */
    KEYS_SAMPLE,     /* next sample or epoch */
    KEYS_PRECISION,  /* cycle 2/4/6 decimals */
    KEYS_CHAIN,      /* the chain rule's δ expanded one layer further */
    KEYS_FORMULA,    /* the question's formula shape by shape, beside the gradient's */
    KEYS_THEME,      /* cycle the colour themes: dark, light, mono */
    /* opening a mode */
    KEYS_TRAIN,      /* train some epochs and plot the loss */
    KEYS_GRADCHECK,  /* analytic against numeric gradients */
    KEYS_EDIT,       /* change the focused number or the learning rate */
    KEYS_SAVE,       /* write the network as a lesson file */
    KEYS_QUIZ,       /* quiz mode on or off */
    KEYS_SHAPE,      /* the shape checker's prompt */
    KEYS_BROWSE,     /* the lesson browser */
    KEYS_HELP,       /* the help */
    KEYS_QUIT,       /* leave backstep (asking first about unsaved edits) */
    KEYS_UNDO,       /* take the last edit back */
    KEYS_REDO,       /* make the edit taken back again */
    KEYS_BLANK,      /* blank the screen, as slide software does */
    /* inside the modes */
    KEYS_QUIZ_SKIP,  /* give up the quiz question (counted as missed) */
    KEYS_QUIZ_END,   /* end the quiz */
    KEYS_LOG_SCALE,  /* loss plot: linear or log axis */
    KEYS_STOP,       /* stop the work under way */
    KEYS_DOWN,       /* a row or line down */
    KEYS_UP,         /* a row or line up */
    KEYS_TOP,        /* the first row */
    KEYS_BOTTOM,     /* the last row */
    KEYS_PAGE_DOWN,  /* a page down */
    KEYS_PAGE_UP,    /* a page up */
    KEYS_CHOOSE,     /* take the selected row */
    KEYS_BACK,       /* close the mode (the stepping screen: only say how to quit) */
    KEYS_YES,        /* yes to a question */
    KEYS_NO,         /* no to a question */
    /* typing */
    KEYS_ENTER,        /* finish the line */
    KEYS_CANCEL,       /* give the line up */
    KEYS_CURSOR_LEFT,  /* the cursor a character left */
    KEYS_CURSOR_RIGHT, /* the cursor a character right */
    KEYS_LINE_START,   /* the cursor to the start */
    KEYS_LINE_END,     /* the cursor to the end */
    KEYS_DELETE_BACK,  /* delete before the cursor */
    KEYS_DELETE,       /* delete under the cursor */
    KEYS_CLEAR_LINE,   /* empty the line */
    KEYS_ACTION_COUNT
} keys_action;

/* Conditions, as bits: when a row shows on the key bar (all of its `when`
 * bits hold) and when it acts at all (all of its `only` bits hold). */
enum {
    KEYS_WHEN_FOCUS = 1 << 0,    /* the result has more than one element */
    KEYS_WHEN_AUTOPLAY = 1 << 1, /* autoplay is running */
    KEYS_WHEN_ASKING = 1 << 2,   /* a quiz question waits for its answer */
    KEYS_WHEN_RUNNING = 1 << 3,  /* training is under way */
    KEYS_WHEN_PLOTTED = 1 << 4,  /* training is over: its plot shows */
    KEYS_WHEN_EDITED = 1 << 5,   /* there is an edit to take back */
    KEYS_WHEN_MORE = 1 << 6,     /* the text does not fit: it scrolls */
    KEYS_WHEN_DONE = 1 << 7,     /* the gradient check is over: its table is whole */
    KEYS_WHEN_CHAIN = 1 << 8,    /* the focused chain rule can be expanded further */
    KEYS_WHEN_FORMULA = 1 << 9,  /* the step is a weight's gradient: its formula panel */
    KEYS_WHEN_PANEL = 1 << 10,   /* the formula panel is open */
    KEYS_WHEN_SUMMARY = 1 << 11, /* the quiz's summary shows, on leaving it */
};

/* The headings of the help, in order. */
typedef enum {
    KEYS_GROUP_STEPPING,
    KEYS_GROUP_FOCUS,
    KEYS_GROUP_DISPLAY,
    KEYS_GROUP_TOOLS,  /* views & tools */
    KEYS_GROUP_QUIT,   /* help & quit */
    KEYS_GROUP_QUIZ,
    KEYS_GROUP_SHAPE,
    KEYS_GROUP_TRAIN,
    KEYS_GROUP_CHECK,
    KEYS_GROUP_EDIT,
    KEYS_GROUP_BROWSE,
    KEYS_GROUP_HELP,
    KEYS_GROUP_TEXT,
    KEYS_GROUP_COUNT
} keys_group;

enum { KEYS_PER_ACTION = 5 };

/* One row of the table. */
typedef struct {
    keys_map map;              /* the mode whose key it is */
    int code[KEYS_PER_ACTION]; /* characters or KEYS_K_*; 0 ends the list */
    keys_action action;
    const char *keys;  /* how the help names the keys, UTF-8 */
    const char *label; /* key bar entry, "→ next"; NULL to leave it off */
    const char *help;  /* one line for the help */
    unsigned when;     /* KEYS_WHEN_* bits for the key bar */
    unsigned only;     /* KEYS_WHEN_* bits without which the key does nothing */
    int keep;          /* keeps its place on a narrow key bar (the ways out) */
    keys_group group;  /* the help's heading */
    keys_map opens;    /* the mode the key opens (screen.c); KEYS_MAP_GLOBAL: none */
} keys_entry;

/* The table, in key bar order. */
const keys_entry *keys_table(size_t *count);
/* The row of map that a key code answers to when `context` (KEYS_WHEN_*
 * bits) holds, or NULL. */
const keys_entry *keys_find(keys_map map, int code, unsigned context);
/* The action of that row, or KEYS_NONE. */
keys_action keys_lookup(keys_map map, int code, unsigned context);
/* The heading of a group in the help, "stepping". */
const char *keys_group_name(keys_group g);
/* What a map's keys are for, as the key lists of the README and the man
 * page title them: "stepping", "the quiz". */
const char *keys_map_name(keys_map m);
/* Writes the key bar of the rows of maps[0 .. n_maps-1] whose conditions
 * hold in `context`, in table order, separated by `sep`, cut at whole
 * entries to fit `cols` columns (the rows to keep keep their place).
 * Returns the length. */
size_t keys_bar(const keys_map *maps, int n_maps, unsigned context, int cols, const char *sep,
                char *buf, size_t size);

#endif

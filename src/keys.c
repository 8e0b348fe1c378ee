/* keys.c - the one table that drives key dispatch, the key bars, the help
 * and the key lists of the documentation, so none of them can disagree. */
#include "keys.h"

#include <string.h>

#include "text.h"

/* Short names for the columns that most rows leave at zero. */
#define ENTER '\r', '\n', KEYS_K_ENTER
#define NONE KEYS_MAP_GLOBAL

static const keys_entry table[] = {
    /* the stepping screen, and what it passes on (global), in key bar order */
    {KEYS_MAP_STEP, {KEYS_K_RIGHT, 'l', 'n', ' ', KEYS_K_PGDN}, KEYS_NEXT, "→ l n Space PgDn",
     "→ next", "next step; past the end, update and next sample", 0, 0, 0,
     KEYS_GROUP_STEPPING, NONE},
    {KEYS_MAP_STEP, {KEYS_K_LEFT, 'h', 'p', KEYS_K_BACKSPACE, KEYS_K_PGUP}, KEYS_PREV,
     "← h p Backspace PgUp", "← prev", "previous step, back to the identical screen", 0, 0, 0,
     KEYS_GROUP_STEPPING, NONE},
    {KEYS_MAP_STEP, {KEYS_K_HOME, 'g', KEYS_K_F5}, KEYS_FIRST, "Home g F5", NULL,
     "start of the pass (on the lesson's first pass, its opening tour of shapes)", 0, 0, 0,
     KEYS_GROUP_STEPPING, NONE},
    {KEYS_MAP_STEP, {KEYS_K_END, 'G'}, KEYS_LAST, "End G", NULL, "last step of the pass", 0, 0,
     0, KEYS_GROUP_STEPPING, NONE},
    {KEYS_MAP_STEP, {KEYS_K_TAB}, KEYS_PHASE_NEXT, "Tab", "Tab phase",
     "first step of the next phase", 0, 0, 0, KEYS_GROUP_STEPPING, NONE},
    {KEYS_MAP_STEP, {KEYS_K_BACKTAB}, KEYS_PHASE_PREV, "Shift-Tab", NULL,
     "first step of the previous phase", 0, 0, 0, KEYS_GROUP_STEPPING, NONE},
    {KEYS_MAP_STEP, {KEYS_K_DOWN, 'j', ']'}, KEYS_FOCUS_NEXT, "↓ j ]", "↑↓ element",
     "next element of the result, with its arithmetic", KEYS_WHEN_FOCUS, 0, 0,
     KEYS_GROUP_FOCUS, NONE},
    {KEYS_MAP_STEP, {KEYS_K_UP, 'k', '['}, KEYS_FOCUS_PREV, "↑ k [", NULL,
     "previous element of the result", KEYS_WHEN_FOCUS, 0, 0, KEYS_GROUP_FOCUS, NONE},
    {KEYS_MAP_STEP, {'c'}, KEYS_CONVENTION, "c", "c rows/cols",
     "switch rows/columns: every shape turns around", 0, 0, 0, KEYS_GROUP_DISPLAY, NONE},
    {KEYS_MAP_STEP, {'a'}, KEYS_AUTOPLAY, "a", "a play",
     "autoplay: step on a timer (a again stops it)", 0, 0, 0, KEYS_GROUP_STEPPING, NONE},
    {KEYS_MAP_STEP, {'+', '='}, KEYS_FASTER, "+", "+/- speed", "autoplay faster",
     KEYS_WHEN_AUTOPLAY, 0, 0, KEYS_GROUP_STEPPING, NONE},
    {KEYS_MAP_STEP, {'-', '_'}, KEYS_SLOWER, "-", NULL, "autoplay slower", KEYS_WHEN_AUTOPLAY,
     0, 0, KEYS_GROUP_STEPPING, NONE},
    {KEYS_MAP_STEP, {'N'}, KEYS_SAMPLE, "N", "N sample",
     "finish this pass, go to the next sample or epoch", 0, 0, 0, KEYS_GROUP_STEPPING, NONE},
    {KEYS_MAP_STEP, {'f'}, KEYS_PRECISION, "f", NULL, "precision: 2, 4 or 6 decimals", 0, 0, 0,
     KEYS_GROUP_DISPLAY, NONE},
    {KEYS_MAP_STEP, {'T'}, KEYS_THEME, "T", NULL,
     "colours: a dark, light or monochrome theme, for the terminal's background", 0, 0, 0,
     KEYS_GROUP_DISPLAY, NONE},
    {KEYS_MAP_STEP, {'J', KEYS_K_SDOWN}, KEYS_DOWN, "J Shift-↓", "J/K more",
     "the text under the step (Why, About, the quiz): a line further", KEYS_WHEN_MORE, 0, 1,
     KEYS_GROUP_DISPLAY, NONE},
    {KEYS_MAP_STEP, {'K', KEYS_K_SUP}, KEYS_UP, "K Shift-↑", NULL,
     "the text under the step: a line back", 0, 0, 0, KEYS_GROUP_DISPLAY, NONE},
    {KEYS_MAP_STEP, {'d'}, KEYS_CHAIN, "d", "d expand",
     "chain rule of the focused element: δ of the layer above expanded one layer further "
     "(at the deepest, back to one)",
     KEYS_WHEN_CHAIN, 0, 1, KEYS_GROUP_FOCUS, NONE},
    {KEYS_MAP_STEP, {'s'}, KEYS_FORMULA, "s", "s your formula",
     "on a weight's gradient: the question's formula read shape by shape beside the outer "
     "product (s again, or Esc, goes back)",
     KEYS_WHEN_FORMULA, 0, 0, KEYS_GROUP_DISPLAY, NONE},
    {KEYS_MAP_STEP, {KEYS_K_ESC}, KEYS_FORMULA, "Esc", NULL, "close the formula panel",
     KEYS_WHEN_PANEL, KEYS_WHEN_PANEL, 0, KEYS_GROUP_DISPLAY, NONE},
    {KEYS_MAP_GLOBAL, {'r'}, KEYS_RESET, "r", NULL,
     "back to the true start of the lesson (asks whether to restore its own values after edits)",
     0, 0, 0, KEYS_GROUP_STEPPING, KEYS_MAP_EDIT},
    {KEYS_MAP_GLOBAL, {'b', '.'}, KEYS_BLANK, "b .", NULL,
     "blank the screen, as slide software does; any key brings it back", 0, 0, 0,
     KEYS_GROUP_DISPLAY, KEYS_MAP_BLANK},
    {KEYS_MAP_GLOBAL, {'t'}, KEYS_TRAIN, "t", "t train",
     "train some epochs, plot the loss, go on from the trained weights", 0, 0, 0,
     KEYS_GROUP_TOOLS, KEYS_MAP_TRAIN},
    {KEYS_MAP_GLOBAL, {'v'}, KEYS_GRADCHECK, "v", "v check",
     "gradient check: backprop beside central differences", 0, 0, 0, KEYS_GROUP_TOOLS,
     KEYS_MAP_CHECK},
    {KEYS_MAP_GLOBAL, {'e'}, KEYS_EDIT, "e", "e edit",
     "edit the focused input, target, weight or bias (else the learning rate)", 0, 0, 0,
     KEYS_GROUP_TOOLS, KEYS_MAP_EDIT},
    {KEYS_MAP_GLOBAL, {'u'}, KEYS_UNDO, "u", "u undo",
     "undo the last edit: the network exactly as it was before it", KEYS_WHEN_EDITED, 0, 1,
     KEYS_GROUP_TOOLS, KEYS_MAP_EDIT},
    {KEYS_MAP_GLOBAL, {'U'}, KEYS_REDO, "U", NULL, "redo the edit undone last", 0, 0, 0,
     KEYS_GROUP_TOOLS, KEYS_MAP_EDIT},
    {KEYS_MAP_GLOBAL, {'w'}, KEYS_SAVE, "w", NULL,
     "save the network as a lesson file (a bundled lesson as a copy in this folder)", 0, 0, 0,
     KEYS_GROUP_TOOLS, KEYS_MAP_EDIT},
    {KEYS_MAP_GLOBAL, {'z'}, KEYS_QUIZ, "z", "z quiz",
     "quiz: answer each step's shape and a value before it is shown (z again ends it)", 0, 0,
     0, KEYS_GROUP_TOOLS, KEYS_MAP_QUIZ},
    {KEYS_MAP_GLOBAL, {':'}, KEYS_SHAPE, ":", ": shapes",
     "shape checker: type an expression, see every sub-expression's shape", 0, 0, 0,
     KEYS_GROUP_TOOLS, KEYS_MAP_SHAPE},
    {KEYS_MAP_GLOBAL, {'o'}, KEYS_BROWSE, "o", "o open",
     "open a lesson: the bundled ones, yours and this folder's", 0, 0, 0, KEYS_GROUP_TOOLS,
     KEYS_MAP_BROWSE},
    {KEYS_MAP_GLOBAL, {'?'}, KEYS_HELP, "?", "? help", "this help: the keys of the screen you are on",
     0, 0, 1, KEYS_GROUP_QUIT, KEYS_MAP_HELP},
    {KEYS_MAP_GLOBAL, {'q'}, KEYS_QUIT, "q", "q quit",
     "quit (asking first when there are unsaved edits)", 0, 0, 1, KEYS_GROUP_QUIT,
     KEYS_MAP_EDIT},
    {KEYS_MAP_GLOBAL, {KEYS_K_ESC}, KEYS_BACK, "Esc", NULL,
     "closes whatever is open (a prompt, the help, a tool); here it only says that q quits",
     0, 0, 0, KEYS_GROUP_QUIT, NONE},

    /* the quiz, above the stepping screen */
    {KEYS_MAP_QUIZ, {ENTER}, KEYS_ENTER, "Enter", NULL,
     "answer the question: a shape such as 3x2 (or 3 for a vector), then a number",
     KEYS_WHEN_ASKING, KEYS_WHEN_ASKING, 0, KEYS_GROUP_QUIZ, NONE},
    {KEYS_MAP_QUIZ, {KEYS_K_TAB}, KEYS_QUIZ_SKIP, "Tab", "Tab skip",
     "skip the question, counted as missed", KEYS_WHEN_ASKING, KEYS_WHEN_ASKING, 0,
     KEYS_GROUP_QUIZ, NONE},
    {KEYS_MAP_QUIZ, {KEYS_K_ESC}, KEYS_QUIZ_END, "Esc", NULL,
     "end the quiz with its summary (backstep stays); so does z between questions", 0, 0, 0,
     KEYS_GROUP_QUIZ, NONE},
    {KEYS_MAP_QUIZ, {KEYS_K_DOWN, KEYS_K_SDOWN}, KEYS_DOWN, "↓ Shift-↓", NULL,
     "while a question waits: its text a line further, when it does not fit (between "
     "questions J and K scroll it)",
     0, KEYS_WHEN_ASKING, 0, KEYS_GROUP_QUIZ, NONE},
    {KEYS_MAP_QUIZ, {KEYS_K_UP, KEYS_K_SUP}, KEYS_UP, "↑ Shift-↑", NULL,
     "while a question waits: its text a line back", 0, KEYS_WHEN_ASKING, 0, KEYS_GROUP_QUIZ,
     NONE},
    {KEYS_MAP_QUIZ, {KEYS_K_DOWN, 'j'}, KEYS_DOWN, "↓ j", "↑↓ scroll",
     "the summary on leaving: a line down", KEYS_WHEN_SUMMARY | KEYS_WHEN_MORE,
     KEYS_WHEN_SUMMARY, 0, KEYS_GROUP_QUIZ, NONE},
    {KEYS_MAP_QUIZ, {KEYS_K_UP, 'k'}, KEYS_UP, "↑ k", NULL, "the summary: a line up", 0,
     KEYS_WHEN_SUMMARY, 0, KEYS_GROUP_QUIZ, NONE},
    {KEYS_MAP_QUIZ, {KEYS_K_PGDN, ' '}, KEYS_PAGE_DOWN, "PgDn Space", "PgUp/PgDn page",
     "the summary: a page down", KEYS_WHEN_SUMMARY | KEYS_WHEN_MORE, KEYS_WHEN_SUMMARY, 0,
     KEYS_GROUP_QUIZ, NONE},
    {KEYS_MAP_QUIZ, {KEYS_K_PGUP}, KEYS_PAGE_UP, "PgUp", NULL, "the summary: a page up", 0,
     KEYS_WHEN_SUMMARY, 0, KEYS_GROUP_QUIZ, NONE},
    {KEYS_MAP_QUIZ, {KEYS_K_HOME, 'g'}, KEYS_TOP, "Home g", NULL, "the summary: its first line",
     0, KEYS_WHEN_SUMMARY, 0, KEYS_GROUP_QUIZ, NONE},
    {KEYS_MAP_QUIZ, {KEYS_K_END, 'G'}, KEYS_BOTTOM, "End G", NULL, "the summary: its last line",
     0, KEYS_WHEN_SUMMARY, 0, KEYS_GROUP_QUIZ, NONE},
    {KEYS_MAP_QUIZ, {ENTER, 'q'}, KEYS_BACK, "Enter q", "Esc/Enter back to the steps",
     "the summary: back to the steps, as does any key that does not scroll it (? and b . "
     "open the help and blank the screen over it)",
     KEYS_WHEN_SUMMARY, KEYS_WHEN_SUMMARY, 1, KEYS_GROUP_QUIZ, NONE},

    /* the shape checker */
    {KEYS_MAP_SHAPE, {ENTER}, KEYS_ENTER, "Enter", "Enter check",
     "work out the shape of every part of the expression", 0, 0, 0, KEYS_GROUP_SHAPE, NONE},
    {KEYS_MAP_SHAPE, {KEYS_K_DOWN}, KEYS_DOWN, "↓", "↑↓ scroll",
     "scroll the derivation down a line", KEYS_WHEN_MORE, 0, 0, KEYS_GROUP_SHAPE, NONE},
    {KEYS_MAP_SHAPE, {KEYS_K_UP}, KEYS_UP, "↑", NULL, "scroll the derivation up a line", 0, 0, 0,
     KEYS_GROUP_SHAPE, NONE},
    {KEYS_MAP_SHAPE, {KEYS_K_PGDN}, KEYS_PAGE_DOWN, "PgDn", NULL, "the derivation a page down",
     0, 0, 0, KEYS_GROUP_SHAPE, NONE},
    {KEYS_MAP_SHAPE, {KEYS_K_PGUP}, KEYS_PAGE_UP, "PgUp", NULL, "the derivation a page up", 0,
     0, 0, KEYS_GROUP_SHAPE, NONE},
    {KEYS_MAP_SHAPE, {KEYS_K_ESC}, KEYS_BACK, "Esc", "Esc close", "close the shape checker", 0,
     0, 1, KEYS_GROUP_SHAPE, NONE},

    /* training and its plot */
    {KEYS_MAP_TRAIN, {KEYS_K_ESC}, KEYS_STOP, "Esc", "Esc stops after this chunk",
     "while training: stop after the chunk under way", KEYS_WHEN_RUNNING, KEYS_WHEN_RUNNING,
     0, KEYS_GROUP_TRAIN, NONE},
    {KEYS_MAP_TRAIN, {'L'}, KEYS_LOG_SCALE, "L", "L linear/log",
     "loss plot: linear or log scale", KEYS_WHEN_PLOTTED, KEYS_WHEN_PLOTTED, 0,
     KEYS_GROUP_TRAIN, NONE},
    {KEYS_MAP_TRAIN, {KEYS_K_ESC, ENTER, 'q'}, KEYS_BACK, "Esc Enter q",
     "Esc/Enter back to the steps, from the trained weights",
     "back to the steps, which go on from the trained weights", KEYS_WHEN_PLOTTED,
     KEYS_WHEN_PLOTTED, 1, KEYS_GROUP_TRAIN, NONE},
    {KEYS_MAP_TRAIN, {'b', '.'}, KEYS_BLANK, "b .", NULL,
     "blank the screen; any key brings it back", 0, 0, 0, KEYS_GROUP_TRAIN, KEYS_MAP_BLANK},
    {KEYS_MAP_TRAIN, {'?'}, KEYS_HELP, "?", NULL, "this help", 0, 0, 0, KEYS_GROUP_TRAIN,
     KEYS_MAP_HELP},

    /* the gradient check */
    {KEYS_MAP_CHECK, {KEYS_K_DOWN, 'j'}, KEYS_DOWN, "↓ j", "↑↓ scroll", "scroll down a row", 0,
     0, 0, KEYS_GROUP_CHECK, NONE},
    {KEYS_MAP_CHECK, {KEYS_K_UP, 'k'}, KEYS_UP, "↑ k", NULL, "scroll up a row", 0, 0, 0,
     KEYS_GROUP_CHECK, NONE},
    {KEYS_MAP_CHECK, {KEYS_K_PGDN, ' '}, KEYS_PAGE_DOWN, "PgDn Space", NULL, "a page down", 0,
     0, 0, KEYS_GROUP_CHECK, NONE},
    {KEYS_MAP_CHECK, {KEYS_K_PGUP}, KEYS_PAGE_UP, "PgUp", NULL, "a page up", 0, 0, 0,
     KEYS_GROUP_CHECK, NONE},
    {KEYS_MAP_CHECK, {KEYS_K_HOME, 'g'}, KEYS_TOP, "Home g", NULL, "back to the first row", 0,
     0, 0, KEYS_GROUP_CHECK, NONE},
    {KEYS_MAP_CHECK, {KEYS_K_END, 'G'}, KEYS_BOTTOM, "End G", NULL, "the last row", 0, 0, 0,
     KEYS_GROUP_CHECK, NONE},
    {KEYS_MAP_CHECK, {KEYS_K_ESC}, KEYS_STOP, "Esc", "Esc stops",
     "while checking: stop, keeping the rows checked so far", KEYS_WHEN_RUNNING,
     KEYS_WHEN_RUNNING, 1, KEYS_GROUP_CHECK, NONE},
    {KEYS_MAP_CHECK, {KEYS_K_ESC, ENTER, 'q'}, KEYS_BACK, "Esc Enter q",
     "Esc/Enter back to the steps", "back to the steps", KEYS_WHEN_DONE, KEYS_WHEN_DONE, 1,
     KEYS_GROUP_CHECK, NONE},
    {KEYS_MAP_CHECK, {'b', '.'}, KEYS_BLANK, "b .", NULL,
     "blank the screen; any key brings it back", 0, 0, 0, KEYS_GROUP_CHECK, KEYS_MAP_BLANK},
    {KEYS_MAP_CHECK, {'?'}, KEYS_HELP, "?", NULL, "this help", 0, 0, 0, KEYS_GROUP_CHECK,
     KEYS_MAP_HELP},

    /* editing and saving: the questions on the bottom row */
    {KEYS_MAP_EDIT, {'y', 'Y'}, KEYS_YES, "y", NULL,
     "yes: discard the unsaved edits, restore the lesson's values, or replace the file", 0, 0,
     0, KEYS_GROUP_EDIT, NONE},
    {KEYS_MAP_EDIT, {'n', 'N', KEYS_K_ESC}, KEYS_NO, "n Esc", NULL,
     "no (so does any other key): nothing is lost or written", 0, 0, 0, KEYS_GROUP_EDIT, NONE},

    /* the lesson browser */
    {KEYS_MAP_BROWSE, {KEYS_K_DOWN, 'j'}, KEYS_DOWN, "↓ j", "↑↓ choose", "next lesson", 0, 0,
     0, KEYS_GROUP_BROWSE, NONE},
    {KEYS_MAP_BROWSE, {KEYS_K_UP, 'k'}, KEYS_UP, "↑ k", NULL, "previous lesson", 0, 0, 0,
     KEYS_GROUP_BROWSE, NONE},
    {KEYS_MAP_BROWSE, {KEYS_K_HOME, 'g'}, KEYS_TOP, "Home g", NULL, "first lesson", 0, 0, 0,
     KEYS_GROUP_BROWSE, NONE},
    {KEYS_MAP_BROWSE, {KEYS_K_END, 'G'}, KEYS_BOTTOM, "End G", NULL, "last lesson", 0, 0, 0,
     KEYS_GROUP_BROWSE, NONE},
    {KEYS_MAP_BROWSE, {KEYS_K_PGDN, ' '}, KEYS_PAGE_DOWN, "PgDn Space", NULL, "a page down", 0,
     0, 0, KEYS_GROUP_BROWSE, NONE},
    {KEYS_MAP_BROWSE, {KEYS_K_PGUP}, KEYS_PAGE_UP, "PgUp", NULL, "a page up", 0, 0, 0,
     KEYS_GROUP_BROWSE, NONE},
    {KEYS_MAP_BROWSE, {ENTER, KEYS_K_RIGHT}, KEYS_CHOOSE, "Enter →", "Enter open",
     "open the lesson (asking first when there are unsaved edits), or show why it does not load",
     0, 0, 0, KEYS_GROUP_BROWSE, NONE},
    {KEYS_MAP_BROWSE, {KEYS_K_ESC, 'q', 'o'}, KEYS_BACK, "Esc q o", "Esc back",
     "back to the lesson on screen", 0, 0, 1, KEYS_GROUP_BROWSE, NONE},
    {KEYS_MAP_BROWSE, {'b', '.'}, KEYS_BLANK, "b .", NULL,
     "blank the screen; any key brings it back", 0, 0, 0, KEYS_GROUP_BROWSE, KEYS_MAP_BLANK},
    {KEYS_MAP_BROWSE, {'?'}, KEYS_HELP, "?", NULL, "this help", 0, 0, 0, KEYS_GROUP_BROWSE,
     KEYS_MAP_HELP},

    /* the help */
    {KEYS_MAP_HELP, {KEYS_K_DOWN, 'j', ']'}, KEYS_DOWN, "↓ j", "↑↓ scroll",
     "scroll down a line", 0, 0, 0, KEYS_GROUP_HELP, NONE},
    {KEYS_MAP_HELP, {KEYS_K_UP, 'k', '['}, KEYS_UP, "↑ k", NULL, "scroll up a line", 0, 0, 0,
     KEYS_GROUP_HELP, NONE},
    {KEYS_MAP_HELP, {KEYS_K_PGDN, ' '}, KEYS_PAGE_DOWN, "PgDn Space", "PgUp/PgDn page",
     "a page down", 0, 0, 0, KEYS_GROUP_HELP, NONE},
    {KEYS_MAP_HELP, {KEYS_K_PGUP}, KEYS_PAGE_UP, "PgUp", NULL, "a page up", 0, 0, 0,
     KEYS_GROUP_HELP, NONE},
    {KEYS_MAP_HELP, {'?', 'q', KEYS_K_ESC}, KEYS_BACK, "? q Esc", "? q close",
     "close this help", 0, 0, 1, KEYS_GROUP_HELP, NONE},
    {KEYS_MAP_HELP, {'b', '.'}, KEYS_BLANK, "b .", NULL,
     "blank the screen; any key brings the help back", 0, 0, 0, KEYS_GROUP_HELP,
     KEYS_MAP_BLANK},

    /* typing in a prompt */
    {KEYS_MAP_TEXT, {ENTER}, KEYS_ENTER, "Enter", NULL, "done: use what was typed", 0, 0, 0,
     KEYS_GROUP_TEXT, NONE},
    {KEYS_MAP_TEXT, {KEYS_K_ESC}, KEYS_CANCEL, "Esc", NULL, "give up: nothing changes", 0, 0, 0,
     KEYS_GROUP_TEXT, NONE},
    {KEYS_MAP_TEXT, {KEYS_K_LEFT}, KEYS_CURSOR_LEFT, "←", NULL, "cursor a character left", 0,
     0, 0, KEYS_GROUP_TEXT, NONE},
    {KEYS_MAP_TEXT, {KEYS_K_RIGHT}, KEYS_CURSOR_RIGHT, "→", NULL, "cursor a character right",
     0, 0, 0, KEYS_GROUP_TEXT, NONE},
    {KEYS_MAP_TEXT, {KEYS_K_HOME, KEYS_CTRL_A}, KEYS_LINE_START, "Home Ctrl-A", NULL,
     "cursor to the start of the line", 0, 0, 0, KEYS_GROUP_TEXT, NONE},
    {KEYS_MAP_TEXT, {KEYS_K_END, KEYS_CTRL_E}, KEYS_LINE_END, "End Ctrl-E", NULL,
     "cursor to the end of the line", 0, 0, 0, KEYS_GROUP_TEXT, NONE},
    {KEYS_MAP_TEXT, {KEYS_K_BACKSPACE}, KEYS_DELETE_BACK, "Backspace", NULL,
     "delete the character before the cursor", 0, 0, 0, KEYS_GROUP_TEXT, NONE},
    {KEYS_MAP_TEXT, {KEYS_K_DELETE, KEYS_CTRL_D}, KEYS_DELETE, "Delete Ctrl-D", NULL,
     "delete the character under the cursor", 0, 0, 0, KEYS_GROUP_TEXT, NONE},
    {KEYS_MAP_TEXT, {KEYS_CTRL_U}, KEYS_CLEAR_LINE, "Ctrl-U", NULL, "empty the line", 0, 0, 0,
     KEYS_GROUP_TEXT, NONE},
};

#undef ENTER
#undef NONE

enum { ROWS = sizeof table / sizeof table[0] };

const keys_entry *keys_table(size_t *count)
{
    *count = ROWS;
    return table;
}

const keys_entry *keys_find(keys_map map, int code, unsigned context)
{
    if (code == 0)
        return NULL;
    for (size_t i = 0; i < ROWS; i++) {
        if (table[i].map != map || (table[i].only & context) != table[i].only)
            continue;
        for (int k = 0; k < KEYS_PER_ACTION && table[i].code[k]; k++)
            if (table[i].code[k] == code)
                return &table[i];
    }
    return NULL;
}

keys_action keys_lookup(keys_map map, int code, unsigned context)
{
    const keys_entry *k = keys_find(map, code, context);
    return k ? k->action : KEYS_NONE;
}

const char *keys_group_name(keys_group g)
{
    static const char *const names[KEYS_GROUP_COUNT] = {
        [KEYS_GROUP_STEPPING] = "stepping",      [KEYS_GROUP_FOCUS] = "focus",
        [KEYS_GROUP_DISPLAY] = "display",        [KEYS_GROUP_TOOLS] = "views & tools",
        [KEYS_GROUP_QUIT] = "help & quit",       [KEYS_GROUP_QUIZ] = "quiz",
        [KEYS_GROUP_SHAPE] = "shape checker",    [KEYS_GROUP_TRAIN] = "training",
        [KEYS_GROUP_CHECK] = "gradient check",   [KEYS_GROUP_EDIT] = "questions",
        [KEYS_GROUP_BROWSE] = "lesson browser",  [KEYS_GROUP_HELP] = "this help",
        [KEYS_GROUP_TEXT] = "typing",
    };
    return g >= 0 && g < KEYS_GROUP_COUNT && names[g] ? names[g] : "";
}

const char *keys_map_name(keys_map m)
{
    static const char *const names[KEYS_MAP_COUNT] = {
        [KEYS_MAP_GLOBAL] = "on the stepping screen and in the quiz",
        [KEYS_MAP_STEP] = "stepping",
        [KEYS_MAP_QUIZ] = "the quiz (z)",
        [KEYS_MAP_SHAPE] = "the shape checker (:)",
        [KEYS_MAP_TRAIN] = "training and its loss plot (t)",
        [KEYS_MAP_CHECK] = "the gradient check (v)",
        [KEYS_MAP_EDIT] = ("the questions before replacing a file, restoring the lesson's values "
                           "or leaving with edits not saved"),
        [KEYS_MAP_BROWSE] = "the lesson browser (o)",
        [KEYS_MAP_HELP] = "the help (?)",
        [KEYS_MAP_BLANK] = "the blanked screen (b)",
        [KEYS_MAP_TEXT] = "typing in a prompt",
    };
    return m >= 0 && m < KEYS_MAP_COUNT && names[m] ? names[m] : "";
}

/* Whether row k goes on a key bar of these maps in this context. */
static int on_bar(const keys_entry *k, const keys_map *maps, int n_maps, unsigned context)
{
    if (!k->label || (k->when & context) != k->when || (k->only & context) != k->only)
        return 0;
    for (int i = 0; i < n_maps; i++)
        if (maps[i] == k->map)
            return 1;
    return 0;
}

size_t keys_bar(const keys_map *maps, int n_maps, unsigned context, int cols, const char *sep,
                char *buf, size_t size)
{
    int sepw = text_width(sep);
    size_t sepb = strlen(sep);
    int reserved = 0;
    if (size == 0)
        return 0;
    buf[0] = '\0';
    /* The ways out always keep their place. */
    for (size_t i = 0; i < ROWS; i++)
        if (on_bar(&table[i], maps, n_maps, context) && table[i].keep)
            reserved += text_width(table[i].label) + sepw;
    size_t len = 0;
    int used = 0;
    for (size_t i = 0; i < ROWS; i++) {
        const keys_entry *k = &table[i];
        if (!on_bar(k, maps, n_maps, context))
            continue;
        int w = text_width(k->label) + (len ? sepw : 0);
        size_t b = strlen(k->label) + (len ? sepb : 0);
        int room = cols - (k->keep ? 0 : reserved);
        if (used + w > room || len + b + 1 > size)
            continue;
        if (k->keep)
            reserved -= text_width(k->label) + sepw;
        if (len) {
            memcpy(buf + len, sep, sepb);
            len += sepb;
        }
        memcpy(buf + len, k->label, strlen(k->label) + 1);
        len += strlen(k->label);
        used += w;
    }
    return len;
}

/* keys.c - the one table that drives key dispatch, the key bar and the help
 * overlay, so the three can never disagree. */
#include "keys.h"

#include <string.h>

#include "text.h"

static const keys_entry table[] = {
    {{KEYS_K_RIGHT, 'l', 'n', ' '}, KEYS_NEXT, "→ l n Space", "→ next",
     "next step; past the end, update and next sample", KEYS_WHEN_ALWAYS, 0, KEYS_GROUP_STEPPING},
    {{KEYS_K_LEFT, 'h', 'p', KEYS_K_BACKSPACE}, KEYS_PREV, "← h p Backspace", "← prev",
     "previous step, back to the identical screen", KEYS_WHEN_ALWAYS, 0, KEYS_GROUP_STEPPING},
    {{KEYS_K_HOME, 'g'}, KEYS_FIRST, "Home g", NULL,
     "first step of the pass", KEYS_WHEN_ALWAYS, 0, KEYS_GROUP_STEPPING},
    {{KEYS_K_END, 'G'}, KEYS_LAST, "End G", NULL,
     "last step of the pass", KEYS_WHEN_ALWAYS, 0, KEYS_GROUP_STEPPING},
    {{KEYS_K_TAB}, KEYS_PHASE_NEXT, "Tab", "Tab phase",
     "first step of the next phase", KEYS_WHEN_ALWAYS, 0, KEYS_GROUP_STEPPING},
    {{KEYS_K_BACKTAB}, KEYS_PHASE_PREV, "Shift-Tab", NULL,
     "first step of the previous phase", KEYS_WHEN_ALWAYS, 0, KEYS_GROUP_STEPPING},
    {{KEYS_K_DOWN, 'j', ']'}, KEYS_FOCUS_NEXT, "↓ j ]", "↑↓ element",
     "next element of the result, with its arithmetic (in this help: scrolls)", KEYS_WHEN_FOCUS, 1,
     KEYS_GROUP_FOCUS},
    {{KEYS_K_UP, 'k', '['}, KEYS_FOCUS_PREV, "↑ k [", NULL,
     "previous element of the result", KEYS_WHEN_FOCUS, 1, KEYS_GROUP_FOCUS},
    {{'c'}, KEYS_CONVENTION, "c", "c rows/cols",
     "switch rows/columns: every shape turns around", KEYS_WHEN_ALWAYS, 0, KEYS_GROUP_DISPLAY},
    {{'a'}, KEYS_AUTOPLAY, "a", "a play",
     "autoplay: step on a timer (a again stops it)", KEYS_WHEN_ALWAYS, 0, KEYS_GROUP_STEPPING},
    {{'+', '='}, KEYS_FASTER, "+", "+/- speed",
     "autoplay faster", KEYS_WHEN_AUTOPLAY, 0, KEYS_GROUP_STEPPING},
    {{'-', '_'}, KEYS_SLOWER, "-", NULL,
     "autoplay slower", KEYS_WHEN_AUTOPLAY, 0, KEYS_GROUP_STEPPING},
    {{'r'}, KEYS_RESET, "r", NULL,
     "reset to the lesson's start", KEYS_WHEN_ALWAYS, 0, KEYS_GROUP_STEPPING},
    {{'N'}, KEYS_SAMPLE, "N", "N sample",
     "finish this pass, go to the next sample or epoch", KEYS_WHEN_ALWAYS, 0,
     KEYS_GROUP_STEPPING},
    {{'f'}, KEYS_PRECISION, "f", NULL,
     "precision: 2, 4 or 6 decimals", KEYS_WHEN_ALWAYS, 0, KEYS_GROUP_DISPLAY},
    {{'t'}, KEYS_TRAIN, "t", "t train",
     "train some epochs, plot the loss, go on from the trained weights", KEYS_WHEN_ALWAYS, 0,
     KEYS_GROUP_TOOLS},
    {{'L'}, KEYS_LOG_SCALE, "L", NULL,
     "loss plot: linear or log scale", KEYS_WHEN_ALWAYS, 0, KEYS_GROUP_TOOLS},
    {{'v'}, KEYS_GRADCHECK, "v", "v check",
     "gradient check: backprop beside central differences", KEYS_WHEN_ALWAYS, 0,
     KEYS_GROUP_TOOLS},
    {{'e'}, KEYS_EDIT, "e", "e edit",
     "edit the focused input, target, weight or bias (else the learning rate)",
     KEYS_WHEN_ALWAYS, 0, KEYS_GROUP_TOOLS},
    {{'w'}, KEYS_SAVE, "w", NULL,
     "save the network as a lesson file", KEYS_WHEN_ALWAYS, 0, KEYS_GROUP_TOOLS},
    {{'z'}, KEYS_QUIZ, "z", "z quiz",
     "quiz: answer each step's shape and a value before it is shown", KEYS_WHEN_ALWAYS, 0,
     KEYS_GROUP_TOOLS},
    {{KEYS_K_TAB}, KEYS_QUIZ_SKIP, "Tab (quiz)", "Tab skip",
     "quiz: skip the question, counted as missed", KEYS_WHEN_QUIZ, 0, KEYS_GROUP_TOOLS},
    /* Esc ends a quiz rather than leaving backstep; with no quiz on it
     * quits like q.  This row comes before the quit row, so it hears Esc. */
    {{KEYS_K_ESC}, KEYS_QUIZ_END, "Esc (quiz)", NULL,
     "quiz: end the quiz (Esc quits only when no quiz is on)", KEYS_WHEN_ALWAYS, 1,
     KEYS_GROUP_TOOLS},
    {{':'}, KEYS_SHAPE, ":", ": shapes",
     "shape checker: type an expression, see every sub-expression's shape", KEYS_WHEN_ALWAYS,
     0, KEYS_GROUP_TOOLS},
    {{'o'}, KEYS_BROWSE, "o", "o open",
     "open a lesson: the bundled ones, yours and this folder's", KEYS_WHEN_ALWAYS, 0,
     KEYS_GROUP_TOOLS},
    {{'?'}, KEYS_HELP, "?", "? help",
     "show or hide this help", KEYS_WHEN_ALWAYS, 1, KEYS_GROUP_DISPLAY},
    {{KEYS_K_PGDN}, KEYS_PAGE_DOWN, "PgDn", NULL,
     "this help: a page down", KEYS_WHEN_ALWAYS, 1, KEYS_GROUP_DISPLAY},
    {{KEYS_K_PGUP}, KEYS_PAGE_UP, "PgUp", NULL,
     "this help: a page up", KEYS_WHEN_ALWAYS, 1, KEYS_GROUP_DISPLAY},
    {{'q', KEYS_K_ESC}, KEYS_QUIT, "q Esc", "q quit",
     "quit (first closes this help)", KEYS_WHEN_ALWAYS, 1, KEYS_GROUP_QUIT},
};

const keys_entry *keys_table(size_t *count)
{
    *count = sizeof table / sizeof table[0];
    return table;
}

keys_action keys_lookup(int code, int help_open)
{
    if (code == 0)
        return KEYS_NONE;
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        if ((help_open && !table[i].in_help) || (table[i].when & KEYS_WHEN_QUIZ))
            continue;
        for (int k = 0; k < KEYS_PER_ACTION && table[i].code[k]; k++)
            if (table[i].code[k] == code)
                return table[i].action;
    }
    return KEYS_NONE;
}

keys_action keys_lookup_quiz(int code)
{
    for (size_t i = 0; code && i < sizeof table / sizeof table[0]; i++) {
        if (!(table[i].when & KEYS_WHEN_QUIZ))
            continue;
        for (int k = 0; k < KEYS_PER_ACTION && table[i].code[k]; k++)
            if (table[i].code[k] == code)
                return table[i].action;
    }
    return KEYS_NONE;
}

const char *keys_group_name(keys_group g)
{
    static const char *const names[KEYS_GROUP_COUNT] = {
        "stepping", "focus", "views & tools", "display", "quit",
    };
    return g >= 0 && g < KEYS_GROUP_COUNT ? names[g] : "";
}

/* Whether entry k goes on the key bar in this context. */
static int on_bar(const keys_entry *k, unsigned context)
{
    if (!k->label || (k->when & context) != k->when)
        return 0;
    /* While a quiz question waits, every other key is typing. */
    if (context & KEYS_WHEN_QUIZ)
        return (k->when & KEYS_WHEN_QUIZ) != 0;
    return !(context & KEYS_WHEN_HELP) || (k->in_help && k->when == KEYS_WHEN_ALWAYS);
}

size_t keys_bar(unsigned context, int cols, char *buf, size_t size)
{
    size_t n = sizeof table / sizeof table[0];
    int reserved = 0;
    if (size == 0)
        return 0;
    buf[0] = '\0';
    /* The ways out (help, quit) always keep their place. */
    for (size_t i = 0; i < n; i++)
        if (on_bar(&table[i], context) && table[i].in_help)
            reserved += text_width(table[i].label) + 2;
    size_t len = 0;
    int used = 0;
    for (size_t i = 0; i < n; i++) {
        const keys_entry *k = &table[i];
        if (!on_bar(k, context))
            continue;
        int w = text_width(k->label) + (len ? 2 : 0);
        size_t b = strlen(k->label) + (len ? 2 : 0);
        int room = cols - (k->in_help ? 0 : reserved);
        if (used + w > room || len + b + 1 > size)
            continue;
        if (k->in_help)
            reserved -= text_width(k->label) + 2;
        if (len) {
            memcpy(buf + len, "  ", 2);
            len += 2;
        }
        memcpy(buf + len, k->label, strlen(k->label) + 1);
        len += strlen(k->label);
        used += w;
    }
    return len;
}

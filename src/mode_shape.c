/* mode_shape.c - the shape checker (key :): an expression typed at a prompt,
 * and below it the shape of every part of it, as the checker renders it;
 * bare δ, z and b mean the layer of the step in view.  A long derivation
 * scrolls (↑ ↓ PgUp PgDn) with a mark saying how much more there is.  The
 * expression stays in the prompt, selected, for the next try, and for the
 * next time the checker opens on the same lesson. */
#include <stdio.h>
#include <stdlib.h>

#include "draw.h"
#include "mode.h"
#include "prompt.h"

enum {
    TOP = 2,          /* the checker's rule; the header stays above it */
    DERIVATION = 6,   /* rows from TOP to the derivation: rule, help, prompt, its rule */
    PAGE = 10,        /* lines a page key scrolls */
};

/* The checker between keys. */
typedef struct {
    prompt input;                 /* the expression being typed */
    char expr[PROMPT_TEXT_BYTES]; /* the expression checked last */
    int done;                     /* expr has been checked */
    int scroll;                   /* first line of its derivation on screen */
    unsigned lesson;              /* the lesson it was checked on (mode_ctx.lesson_count) */
} shape_mode;

static void *shape_create(void)
{
    return calloc(1, sizeof(shape_mode));
}

static void shape_destroy(void *self)
{
    free(self);
}

static mode_reply shape_open(mode_ctx *c, void *self, keys_action why)
{
    shape_mode *m = self;
    (void)why;
    if (m->lesson != c->lesson_count) {
        m->done = 0;
        m->expr[0] = '\0';
        m->lesson = c->lesson_count;
    }
    m->scroll = 0;
    prompt_open(&m->input, ": ", m->expr, PROMPT_MAX_CHARS);
    return MODE_DONE;
}

/* The furthest the derivation scrolls on the terminal now. */
static int scroll_max(const mode_ctx *c, const shape_mode *m)
{
    if (!m->done)
        return 0;
    int w = c->width ? c->width : FRAME_MIN_WIDTH, h = c->height ? c->height : FRAME_MIN_HEIGHT;
    int rows = h - 1 - (TOP + DERIVATION) - 2; /* two rows say how much more there is */
    int most = draw_derivation_rows(c, w, m->expr) - rows;
    return most > 0 ? most : 0;
}

static mode_reply shape_key(mode_ctx *c, void *self, int code)
{
    shape_mode *m = self;
    int by = 0;
    switch (keys_lookup(KEYS_MAP_SHAPE, code, 0)) {
    case KEYS_BACK:
        prompt_close(&m->input);
        return MODE_CLOSE;
    case KEYS_ENTER:
        snprintf(m->expr, sizeof m->expr, "%s", prompt_text(&m->input));
        m->done = 1;
        m->scroll = 0;
        /* The expression stays in the prompt for the next try. */
        prompt_open(&m->input, ": ", m->expr, PROMPT_MAX_CHARS);
        return MODE_DONE;
    case KEYS_DOWN:
        by = 1;
        break;
    case KEYS_UP:
        by = -1;
        break;
    case KEYS_PAGE_DOWN:
        by = PAGE;
        break;
    case KEYS_PAGE_UP:
        by = -PAGE;
        break;
    default:
        prompt_key(&m->input, code);
        return MODE_DONE;
    }
    int most = scroll_max(c, m);
    m->scroll += by;
    m->scroll = m->scroll > most ? most : m->scroll;
    m->scroll = m->scroll < 0 ? 0 : m->scroll;
    return MODE_DONE;
}

/* The prompt on top, the last derivation below, over the stepping screen's
 * body (its header stays). */
static void shape_layout(const mode_ctx *c, const void *self, frame *f)
{
    const shape_mode *m = self;
    int w = f->cols, end = f->height - 1;
    frame_clear_rows(f, TOP, end - TOP);
    char right[64];
    snprintf(right, sizeof right, "%s convention", engine_conv_name(engine_convention(c->engine)));
    frame_rule(f, TOP, "Shape checker", right);
    const char *help = "Enter checks, Esc closes. Names: W_ij W_jk x h y t z δ err; "
                       "g'(…) ᵀ * ⊙ outer(a, b) + −; a bare z, δ or b is the step's layer.";
    frame_wrap(f, TOP + 1, 2, 2, w - 2, help);
    int r = TOP + 3;
    int field = frame_prompt(f, r, 2, w - 1, &m->input, FRAME_FORWARD, 1);
    mode_show_selection(f, &m->input, field);
    unsigned more = 0;
    if (m->done) {
        frame_rule(f, r + 2, "Derivation", NULL);
        int n = draw_derivation(f, c, r + 3, end, m->expr, m->scroll);
        more = n > end - (r + 3) ? KEYS_WHEN_MORE : 0;
    }
    keys_map map = KEYS_MAP_SHAPE;
    draw_keybar(f, f->height - 1, &map, 1, more);
}

const mode_ops mode_shape = {
    .map = KEYS_MAP_SHAPE,
    .passes = 0,
    .create = shape_create,
    .destroy = shape_destroy,
    .open = shape_open,
    .key = shape_key,
    .layout = shape_layout,
};

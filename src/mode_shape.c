/* mode_shape.c - the shape checker (key :): an expression typed at a prompt,
 * and below it the shape of every part of it, as --shape derives them.
 * The expression stays in the prompt for the next try, and for the next
 * time the checker opens on the same lesson. */
#include <stdio.h>
#include <stdlib.h>

#include "draw.h"
#include "mode.h"
#include "prompt.h"

/* The checker between keys. */
typedef struct {
    prompt input;                 /* the expression being typed */
    char expr[PROMPT_TEXT_BYTES]; /* the expression checked last */
    int done;                     /* expr has been checked */
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
    prompt_open(&m->input, ": ", m->expr, PROMPT_MAX_CHARS);
    return MODE_DONE;
}

static mode_reply shape_key(mode_ctx *c, void *self, int code)
{
    shape_mode *m = self;
    (void)c;
    switch (keys_lookup(KEYS_MAP_SHAPE, code, 0)) {
    case KEYS_BACK:
        prompt_close(&m->input);
        return MODE_CLOSE;
    case KEYS_ENTER:
        snprintf(m->expr, sizeof m->expr, "%s", prompt_text(&m->input));
        m->done = 1;
        /* The expression stays in the prompt for the next try. */
        prompt_open(&m->input, ": ", m->expr, PROMPT_MAX_CHARS);
        return MODE_DONE;
    default:
        prompt_key(&m->input, code);
        return MODE_DONE;
    }
}

/* The prompt on top, the last derivation below, over the stepping screen's
 * body (its header stays). */
static void shape_layout(const mode_ctx *c, const void *self, frame *f)
{
    const shape_mode *m = self;
    int w = f->cols, top = 2, end = f->height - 1;
    frame_clear_rows(f, top, end - top);
    char right[64];
    snprintf(right, sizeof right, "%s convention", engine_conv_name(engine_convention(c->engine)));
    frame_rule(f, top, "Shape checker", right);
    const char *help =
        "Enter checks · Esc closes · names: W_ij W_jk x h y t z δ err g'(…) ᵀ * ⊙ + −";
    frame_wrap(f, top + 1, 2, 2, w - 2, help);
    int r = top + 3;
    frame_prompt(f, r, 2, w - 1, &m->input, FRAME_FORWARD, 1);
    if (m->done) {
        frame_rule(f, r + 2, "Derivation", NULL);
        draw_derivation(f, c, r + 3, end, m->expr);
    }
    keys_map map = KEYS_MAP_SHAPE;
    draw_keybar(f, f->height - 1, &map, 1, 0);
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

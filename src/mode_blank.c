/* mode_blank.c - the blanked screen (keys b and .): nothing on the
 * terminal, as slide software blacks out the projector between slides.
 * Any key brings the screen back and does nothing else, so a presenter's
 * next click never steps unseen. */
#include <stdlib.h>

#include "mode.h"

/* Blanking keeps no state; one byte to have something to allocate. */
typedef struct {
    char unused;
} blank_mode;

static void *blank_create(void)
{
    return calloc(1, sizeof(blank_mode));
}

static void blank_destroy(void *self)
{
    free(self);
}

static mode_reply blank_open(mode_ctx *c, void *self, keys_action why)
{
    (void)c;
    (void)self;
    (void)why;
    return MODE_DONE;
}

/* Every key unblanks; none acts beyond that. */
static mode_reply blank_key(mode_ctx *c, void *self, int code)
{
    (void)c;
    (void)self;
    (void)code;
    return MODE_CLOSE;
}

static int blank_covers(const void *self)
{
    (void)self;
    return 1;
}

static void blank_layout(const mode_ctx *c, const void *self, frame *f)
{
    (void)c;
    (void)self;
    frame_clear_rows(f, 0, f->height);
    f->cursor_row = f->cursor_col = -1;
}

const mode_ops mode_blank = {
    .map = KEYS_MAP_BLANK,
    .passes = 0,
    .create = blank_create,
    .destroy = blank_destroy,
    .open = blank_open,
    .key = blank_key,
    .covers = blank_covers,
    .layout = blank_layout,
};

/* draw_keybar.c - the bottom row: the keys that matter now, as the key
 * table labels them, the outcome of the last edit or save, or a question. */
#include <stdio.h>

#include "draw.h"
#include "text.h"

enum { LINE_BYTES = 1024 };

unsigned draw_step_context(const mode_ctx *c)
{
    unsigned bits = 0;
    const engine_step *s = engine_current(c->engine);
    if (s && s->result.rows * s->result.cols > 1)
        bits |= KEYS_WHEN_FOCUS;
    if (c->autoplay)
        bits |= KEYS_WHEN_AUTOPLAY;
    if (c->undoable)
        bits |= KEYS_WHEN_EDITED;
    return bits;
}

/* The bar's text after `lead` at column 1 of row, in the key bar's colours.
 * ASCII spellings are wider ("->" for "→"): the table is asked for less
 * until the bar fits. */
static void put_bar(frame *f, int row, const char *lead, const keys_map *maps, int n_maps,
                    unsigned context)
{
    char bar[LINE_BYTES] = "", line[2 * LINE_BYTES]; /* no room: the lead alone */
    int w = f->cols;
    int leadw = lead ? frame_width(f, lead) + 2 : 0;
    frame_fill(f, row, 0, w, FRAME_KEYBAR);
    for (int cols = w - 2 - leadw; cols > 0; cols -= 2) {
        keys_bar(maps, n_maps, context, cols, "  ", bar, sizeof bar);
        if (frame_width(f, bar) <= w - 2 - leadw)
            break;
    }
    snprintf(line, sizeof line, "%s%s%s", lead ? lead : "", lead && bar[0] ? "  " : "", bar);
    frame_put(f, row, 1, w, line, FRAME_KEYBAR);
}

void draw_keybar(frame *f, int row, const keys_map *maps, int n_maps, unsigned context)
{
    put_bar(f, row, NULL, maps, n_maps, context);
}

void draw_keybar_after(frame *f, int row, const char *lead, keys_map map, unsigned context)
{
    put_bar(f, row, lead, &map, 1, context);
}

void draw_message(frame *f, const mode_ctx *c)
{
    if (!c->message[0])
        return;
    char text[MODE_MESSAGE_BYTES];
    int row = f->height - 1, attr = c->message_bad ? FRAME_WARNING : FRAME_KEYBAR;
    text_sanitize(c->message, text, sizeof text);
    frame_fill(f, row, 0, f->cols, attr);
    frame_put(f, row, 1, f->cols, text, attr);
}

void draw_question(frame *f, const prompt *p)
{
    int row = f->height - 1;
    frame_fill(f, row, 0, f->cols, FRAME_NORMAL);
    frame_prompt(f, row, 1, f->cols, p, FRAME_TITLE, 0);
}

/* draw_narration.c - the running text under the step: "Why", the words for
 * the current step (the lesson's own note, or the built-in narration), and
 * "About this lesson", the lesson's description before the first move. */
#include <stdio.h>

#include "draw.h"
#include "narrate.h"
#include "text.h"

int draw_text_right(const frame *f)
{
    return f->cols - 2 < 102 ? f->cols - 2 : 102;
}

/* The words for step s: the lesson's note (in its own convention) with
 * live numbers, else the built-in narration; made safe to show. */
static void step_words(const mode_ctx *c, char *buf, size_t size)
{
    char raw[sizeof c->cache->text];
    narrate_text(c->lesson, c->engine, engine_step_index(c->engine), c->decimals, raw, sizeof raw,
                 NULL);
    text_sanitize(raw, buf, size);
}

void draw_narration(frame *f, const mode_ctx *c, int top, int rows)
{
    char *text = c->cache->text;
    frame_rule(f, top, "Why", NULL);
    step_words(c, text, sizeof c->cache->text);
    frame_wrap(f, top + 1, rows - 1, 2, draw_text_right(f), text);
}

void draw_about(frame *f, const mode_ctx *c, int top, int rows)
{
    char *text = c->cache->text;
    text_sanitize(c->lesson && c->lesson->description ? c->lesson->description : "", text,
                  sizeof c->cache->text);
    frame_rule(f, top, "About this lesson", "→ starts");
    frame_wrap(f, top + 1, rows - 1, 2, draw_text_right(f), text);
}

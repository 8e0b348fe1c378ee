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

/* The words for step s: the lesson's note for it, or the built-in
 * narration.  Lesson notes are written in the lesson's own convention;
 * after a switch the built-in narration names the one in force.
 *
 * This rule belongs in narrate.c, where --print finds the same words; when
 * narrate.c offers it, this function is the one place to swap for it. */
static void step_words(const lesson *l, const engine *e, const engine_step *s, char *buf,
                       size_t size)
{
    const char *note = NULL;
    if (l && engine_convention(e) == l->net.convention)
        note = lesson_note_for(l, s->id);
    if (note)
        text_sanitize(note, buf, size);
    else
        narrate_step(s, engine_network(e), buf, size);
}

void draw_narration(frame *f, const mode_ctx *c, int top, int rows)
{
    char *text = c->cache->text;
    frame_rule(f, top, "Why", NULL);
    step_words(c->lesson, c->engine, engine_current(c->engine), text, sizeof c->cache->text);
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

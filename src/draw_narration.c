/* draw_narration.c - the running text under the step: "Why", the words for
 * the current step (the lesson's own note, or the built-in narration), and
 * "About this lesson", the lesson's description before the first move.
 * Both are panes that scroll: nothing is cut, the rule says which lines
 * are in view and that J and K show the rest. */
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

/* A pane of running text under its rule, from line `first` (clamped);
 * the rule's right side says which lines show when not all do.  Returns
 * the lines the text takes, and keeps the pane's measures in the cache
 * for the keys that scroll it. */
static int text_pane(frame *f, const mode_ctx *c, int top, int rows, int first,
                     const char *title, const char *right, const char *text)
{
    int left = 2, end = draw_text_right(f);
    int lines = frame_wrap_lines(f, end - left, text);
    /* Text that does not fit takes the blank rows above its rule (the step
     * pane keeps the pass's tallest height), one blank row staying. */
    int up = frame_blank_above(f, top, lines - (rows - 1));
    top -= up;
    rows += up;
    int view = rows - 1;
    if (view < 1)
        view = 0;
    int last = lines - view > 0 ? lines - view : 0;
    first = first < 0 ? 0 : first > last ? last : first;
    char side[128];
    if (lines > view && view > 0)
        snprintf(side, sizeof side, "%s%slines %d-%d of %d, J/K", right ? right : "",
                 right ? "  " : "", first + 1, first + view, lines);
    else
        snprintf(side, sizeof side, "%s", right ? right : "");
    frame_rule(f, top, title, side[0] ? side : NULL);
    if (view > 0)
        frame_wrap_from(f, top + 1, view, left, end, text, first);
    c->cache->text_lines = lines;
    c->cache->text_view = view;
    return lines;
}

int draw_narration(frame *f, const mode_ctx *c, int top, int rows, int first)
{
    char *text = c->cache->text;
    step_words(c, text, sizeof c->cache->text);
    return text_pane(f, c, top, rows, first, "Why", NULL, text);
}

int draw_about(frame *f, const mode_ctx *c, int top, int rows, int first)
{
    char *text = c->cache->text;
    text_sanitize(c->lesson && c->lesson->description ? c->lesson->description : "", text,
                  sizeof c->cache->text);
    return text_pane(f, c, top, rows, first, "About this lesson", "→ starts", text);
}

/* draw_pass.c - the pass pane of wide screens: every step of the pass with
 * its shape equation, the current one marked, so the whole pass stays in
 * view beside the step. */
#include <stdio.h>

#include "draw.h"
#include "text.h"

enum { PASS_MIN_WIDTH = 140, PASS_MIN_HEIGHT = 40, LINE_BYTES = 1024 };

int draw_pass_width(int w, int h)
{
    if (w < PASS_MIN_WIDTH || h < PASS_MIN_HEIGHT)
        return 0;
    int pw = w / 3;
    return pw > 64 ? 64 : pw;
}

void draw_pass(frame *f, const mode_ctx *c, int left, int top, int bottom)
{
    const engine *e = c->engine;
    int w = f->cols, n = engine_step_count(e), cur = engine_step_index(e);
    for (int r = top; r < bottom; r++)
        frame_box(f, r, left, "│", '|', FRAME_BORDER);
    char title[32];
    snprintf(title, sizeof title, " Pass %s %d steps ", frame_sep(f), n);
    frame_put(f, top, left + 2, w, title, FRAME_TITLE);
    int rows = bottom - top - 1, first = 0;
    if (n > rows) {
        first = cur - rows / 2;
        first = first < 0 ? 0 : first > n - rows ? n - rows : first;
    }
    for (int i = first; i < n && i - first < rows; i++) {
        const engine_step *o = engine_step_at(e, i);
        int row = top + 1 + (i - first);
        int attr = i == cur ? FRAME_FOCUS : FRAME_NORMAL;
        char line[LINE_BYTES], shp[128];
        text_sanitize(o->shapes, shp, sizeof shp);
        /* In a quiz the shapes of steps not answered yet stay hidden. */
        if (c->quiz_on && i > c->answered)
            snprintf(shp, sizeof shp, "?");
        snprintf(line, sizeof line, "%2d %-26s", i + 1, o->id);
        if (i == cur)
            frame_fill(f, row, left + 1, w, FRAME_FOCUS);
        int col = frame_put(f, row, left + 2, w, line,
                            i == cur                      ? FRAME_FOCUS
                            : o->phase == PHASE_FORWARD ? FRAME_FORWARD
                                                        : FRAME_BACKWARD);
        frame_put(f, row, col + 1, w - 1, shp, attr);
    }
    if (first > 0)
        frame_put(f, top, w - 3, w, "↑", FRAME_DIM);
    if (first + rows < n)
        frame_put(f, bottom - 1, w - 3, w, "↓", FRAME_DIM);
}

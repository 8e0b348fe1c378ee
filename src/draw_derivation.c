/* draw_derivation.c - the shape checker's derivation of an expression, as
 * shape_render lays it out: the sub-expressions and their shapes, the
 * readings taken, the expression with its marks, then the reasons and the
 * verdict, which wrap.  Bare δ, z and b mean the layer of the step in view.
 * What does not fit scrolls, with a mark saying how much more there is;
 * nothing is cut. */
#include <stdio.h>
#include <string.h>

#include "draw.h"
#include "shape.h"
#include "text.h"

enum { MAX_LINES = 512 };

/* One row on screen: a stretch of the cache's derivation buffer. */
typedef struct {
    int start, len;
    int attr;
} line;

/* The layer bare δ, z and b mean: the step in view's (the output layer's
 * for the loss). */
static int layer_in_view(const mode_ctx *c)
{
    const engine_step *s = engine_current(c->engine);
    const engine_net *net = engine_network(c->engine);
    if (!s || !net)
        return 0;
    return s->layer > 0 ? s->layer : net->layers;
}

/* The colour of a row of the derivation. */
static int row_attr(const shape_row *r, int fits)
{
    switch (r->kind) {
    case SHAPE_ROW_STEP: return r->ok ? FRAME_NORMAL : FRAME_WARNING;
    case SHAPE_ROW_READING: return FRAME_USED;
    case SHAPE_ROW_SOURCE: return FRAME_NORMAL;
    case SHAPE_ROW_MARK: return FRAME_WARNING;
    case SHAPE_ROW_REASON: return r->ok ? FRAME_NORMAL : FRAME_WARNING;
    case SHAPE_ROW_VERDICT: return fits ? FRAME_FORWARD : FRAME_WARNING;
    case SHAPE_ROW_KIND_COUNT: return FRAME_NORMAL;
    }
    return FRAME_NORMAL;
}

/* Appends a row to the lines: whole, or word-wrapped to `cols` columns
 * when it is a paragraph.  Returns the bytes of buf used. */
static int add_row(const frame *f, const char *text, int wrap, int cols, int attr, char *buf,
                   int used, int size, line *lines, int *n)
{
    const char *p = text;
    do {
        size_t take = strlen(p);
        if (wrap && frame_width(f, p) > cols) {
            size_t fit = text_fit(p, cols), cut = fit;
            while (cut > 0 && p[cut] != ' ')
                cut--;
            take = cut > 0 ? cut : fit > 0 ? fit : 1;
        }
        if (*n >= MAX_LINES || used + (int)take + 1 > size)
            return used;
        memcpy(buf + used, p, take);
        buf[used + take] = '\0';
        lines[(*n)++] = (line){used, (int)take, attr};
        used += (int)take + 1;
        p += take;
        while (wrap && *p == ' ')
            p++;
    } while (*p);
    return used;
}

/* Lays out the derivation of expr for `cols` columns into the cache's
 * buffer; returns how many lines there are. */
static int derive(const frame *f, const mode_ctx *c, int cols, const char *expr, line *lines)
{
    char *buf = c->cache->derivation;
    int n = 0, used = 0;
    shape_result r;
    shape_rows rows;
    const engine_net *net = engine_network(c->engine);
    if (shape_check_at(expr, net, engine_convention(c->engine), layer_in_view(c), &r) < 0 ||
        shape_render(&r, c->ascii, &rows) < 0) {
        shape_result_free(&r);
        add_row(f, "out of memory", 0, cols, FRAME_WARNING, buf, 0, DRAW_DERIVATION_BYTES,
                lines, &n);
        return n;
    }
    int fits = r.status == SHAPE_FIT && (!r.gradient || (r.rows == r.want_rows &&
                                                         r.cols == r.want_cols));
    for (int k = 0; k < rows.n; k++) {
        const shape_row *x = &rows.rows[k];
        int wrap = x->kind == SHAPE_ROW_REASON || x->kind == SHAPE_ROW_VERDICT;
        used = add_row(f, x->text, wrap, cols, row_attr(x, fits), buf, used,
                       DRAW_DERIVATION_BYTES, lines, &n);
    }
    shape_rows_free(&rows);
    shape_result_free(&r);
    return n;
}

int draw_derivation_rows(const mode_ctx *c, int width, const char *expr)
{
    static line lines[MAX_LINES];
    frame probe = {0};
    probe.ascii = c->ascii;
    return derive(&probe, c, width - 4, expr, lines);
}

int draw_derivation(frame *f, const mode_ctx *c, int row, int end, const char *expr, int scroll)
{
    static line lines[MAX_LINES];
    int w = f->cols, n = derive(f, c, w - 4, expr, lines), rows = end - row;
    if (rows < 3) {
        rows = rows < 0 ? 0 : rows;
        scroll = 0;
    } else if (n > rows) {
        /* A row for each mark: how much more there is above and below. */
        rows -= 2;
        scroll = scroll > n - rows ? n - rows : scroll;
        scroll = scroll < 0 ? 0 : scroll;
    } else {
        scroll = 0;
    }
    if (n > end - row && rows > 0) {
        char more[64];
        more[0] = '\0';
        if (scroll)
            snprintf(more, sizeof more, "↑ %d more above", scroll);
        frame_put(f, row++, 2, w - 1, more, FRAME_DIM);
        more[0] = '\0';
        if (n - scroll - rows > 0)
            snprintf(more, sizeof more, "↓ %d more below (↓ scrolls)", n - scroll - rows);
        frame_put(f, row + rows, 2, w - 1, more, FRAME_DIM);
    }
    const char *buf = c->cache->derivation;
    for (int i = 0; i < rows && scroll + i < n; i++) {
        const line *x = &lines[scroll + i];
        char shown[FRAME_TEXT_BYTES];
        /* Already in ASCII when the frame draws ASCII: put as rendered,
         * every byte from a lesson made visible. */
        text_sanitize(buf + x->start, shown, sizeof shown);
        frame_put_raw(f, row + i, 2, w - 1, shown, x->attr);
    }
    return n;
}

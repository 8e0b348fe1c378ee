/* draw_formula.c - the formula panel of a weight's gradient step: the
 * question's formula (or, for the other layers, δ times the layer below)
 * read product by product the way its shapes fit, as the shape checker
 * reads it, arriving at its shape (2×1 for the question); beside it the
 * construction that gives the gradient's shape, the outer product with the
 * pass's own numbers; and why the two differ: a gradient has one entry per
 * weight. */
#include <stdio.h>
#include <string.h>

#include "draw.h"
#include "quiz.h"
#include "shape.h"
#include "text.h"

enum { LINE_BYTES = 1024, MARGIN = 2 };

int draw_formula_available(const mode_ctx *c)
{
    const engine_step *s = engine_current(c->engine);
    quiz_formula q;
    if (!s || s->kind != STEP_GRADIENT || c->quiz_on)
        return 0;
    return quiz_formula_for(engine_network(c->engine), engine_convention(c->engine), s->layer,
                            &q);
}

/* "2×1", "2×3": the panel writes a vector as the column it is, the way
 * the question counts its shapes. */
static void shape_text(int rows, int cols, int scalar, char *buf, size_t size)
{
    shape_format(rows, cols, scalar, 0, buf, size);
}

/* The formula's derivation, one row per product as written, the reading
 * taken when it does not fit, its shape; then the verdict.  Returns the
 * row after it. */
static int put_reading(frame *f, const mode_ctx *c, const quiz_formula *q, int layer, int row,
                       int end)
{
    int w = f->cols;
    shape_result r;
    if (shape_check_at(q->expr, engine_network(c->engine), engine_convention(c->engine), layer,
                       &r) != 0) {
        frame_put(f, row, MARGIN, w, "out of memory", FRAME_WARNING);
        return row + 1;
    }
    /* Column widths: the products as written, then as read. */
    int ww = text_width("as written"), rw = text_width("as its shapes fit");
    for (int k = 0; k < r.n_lines; k++) {
        const shape_line *ln = &r.lines[k];
        if (!strchr(ln->text, ' ') && !strchr(ln->text, '('))
            continue; /* a name: its shape is on the screen already */
        ww = frame_width(f, ln->text) > ww ? frame_width(f, ln->text) : ww;
        if (!ln->ok && ln->reached)
            rw = frame_width(f, ln->reading) > rw ? frame_width(f, ln->reading) : rw;
    }
    int x1 = MARGIN + 2, x2 = x1 + ww + 3, x3 = x2 + rw + 3;
    if (x3 + 6 > w) {
        x3 = w - 8;
        x2 = x1 + ww + 2 < x3 - 8 ? x1 + ww + 2 : x3 - 8;
    }
    if (row < end) {
        frame_put(f, row, x1, w, "as written", FRAME_DIM);
        frame_put(f, row, x2, w, "as its shapes fit", FRAME_DIM);
        frame_put(f, row, x3, w, "shape", FRAME_DIM);
        row++;
    }
    for (int k = 0; k < r.n_lines && row < end; k++) {
        const shape_line *ln = &r.lines[k];
        if (!strchr(ln->text, ' ') && !strchr(ln->text, '('))
            continue;
        char shp[32];
        shape_text(ln->rows, ln->cols, ln->scalar, shp, sizeof shp);
        frame_put(f, row, x1, x2 - 1, ln->text, ln->ok ? FRAME_NORMAL : FRAME_NEGATIVE);
        if (!ln->ok && ln->reached)
            frame_put(f, row, x2, x3 - 1, ln->reading, FRAME_NORMAL);
        frame_put(f, row, x3, w, ln->reached ? shp : "no shape", FRAME_TITLE);
        row++;
    }
    if (row < end) {
        char got[32], want[32], line[LINE_BYTES];
        shape_text(r.rows, r.cols, r.scalar, got, sizeof got);
        shape_format(q->want_rows, q->want_cols, 0, 0, want, sizeof want);
        int entries = r.scalar ? 1 : r.rows * r.cols;
        if (!r.reached)
            snprintf(line, sizeof line, "→ no shape at all: %s has %d weights (%s)", q->of,
                     q->want_rows * q->want_cols, want);
        else if (r.rows == q->want_rows && r.cols == q->want_cols && !r.scalar)
            snprintf(line, sizeof line, "→ %s%s: one number per weight of %s (%s)", got,
                     r.status == SHAPE_FIT ? "" : " as read", q->of, want);
        else
            snprintf(line, sizeof line, "→ %s%s: %d number%s, where %s has %d weights (%s)", got,
                     r.status == SHAPE_FIT ? "" : " as read", entries, entries == 1 ? "" : "s",
                     q->of, q->want_rows * q->want_cols, want);
        frame_put(f, row, MARGIN, w, line, FRAME_WARNING);
        row++;
    }
    shape_result_free(&r);
    return row;
}

/* The outer product with the pass's numbers: a · δᵀ (columns) or δ · aᵀ
 * (rows) = G.  Returns the row after it. */
static int put_outer(frame *f, const mode_ctx *c, int row, int end)
{
    const engine *e = c->engine;
    const engine_step *s = engine_current(e);
    const engine_net *net = engine_network(e);
    int l = s->layer, w = f->cols, cols = s->convention == CONV_COLUMNS;
    engine_tensor a = s->operand[1], d = {{0}, 1, net->width[l], 1, NULL}, lay[2], g = s->result;
    d.v = engine_values(e, VALUES_DELTA, l);
    snprintf(d.name, sizeof d.name, "δ_%c", engine_layer_letter(l));
    if (!d.v || a.rank != 1)
        return row;
    /* The column first, the other one lying as a row. */
    lay[0] = cols ? a : d;
    lay[1] = cols ? d : a;
    lay[1].rank = 2;
    lay[1].cols = lay[1].rows;
    lay[1].rows = 1;
    text_append(lay[1].name, sizeof lay[1].name, "ᵀ");
    draw_block b[3];
    const engine_tensor *t[3] = {&lay[0], &lay[1], &g};
    int decimals = c->decimals, two_rows = 0;
    for (int attempt = 0; attempt < 3; attempt++) {
        int total = 0;
        for (int i = 0; i < 3; i++) {
            b[i].t = t[i];
            b[i].is_result = i == 2;
            b[i].narrow = 0;
            draw_block_fit(f, &b[i], -1, ENGINE_MAX_WIDTH, ENGINE_MAX_WIDTH, decimals);
            total += b[i].width + (i < 2 ? 5 : 0);
        }
        if (total <= w - 2 * MARGIN)
            break;
        if (attempt == 0 && decimals > 2)
            decimals = 2;
        else
            two_rows = 1;
    }
    int h = draw_block_rows(&b[0]) > draw_block_rows(&b[2]) ? draw_block_rows(&b[0])
                                                             : draw_block_rows(&b[2]);
    if (row + 1 + h > end)
        return row;
    int x = MARGIN, mid = row + 1 + (h - 1) / 2;
    draw_matrix(f, &b[0], row, x, decimals, -1, NULL, 0, 0, FRAME_BACKWARD, 0);
    x += b[0].width;
    frame_put(f, mid, x + 2, w, "·", FRAME_NORMAL);
    x += 5;
    draw_matrix(f, &b[1], mid - 1, x, decimals, -1, NULL, 0, 1, FRAME_BACKWARD, 0);
    x += b[1].width;
    if (two_rows) {
        row += 1 + h;
        if (row + 1 + draw_block_rows(&b[2]) > end)
            return row;
        x = MARGIN;
        mid = row + 1 + (draw_block_rows(&b[2]) - 1) / 2;
        frame_put(f, mid, x, w, "=", FRAME_BACKWARD);
        x += 3;
    } else {
        frame_put(f, mid, x + 2, w, "=", FRAME_BACKWARD);
        x += 5;
    }
    draw_matrix(f, &b[2], row, x, decimals, -1, NULL, 0, 2, FRAME_BACKWARD, 0);
    return row + 1 + (two_rows ? draw_block_rows(&b[2]) : h);
}

void draw_formula(frame *f, const mode_ctx *c, int top, int rows)
{
    const engine *e = c->engine;
    const engine_step *s = engine_current(e);
    const engine_net *net = engine_network(e);
    int w = f->cols, end = top + rows, l = s->layer, right = draw_text_right(f);
    int cols = s->convention == CONV_COLUMNS;
    quiz_formula q;
    char line[LINE_BYTES], build[96], want[32];
    for (int r = top; r < end; r++)
        frame_fill(f, r, 0, w, FRAME_NORMAL);
    if (!quiz_formula_for(net, engine_convention(e), l, &q))
        return;
    shape_format(q.want_rows, q.want_cols, 0, 0, want, sizeof want);
    shape_outer_product(net, engine_convention(e), l, build, sizeof build);
    int question = net->layers == 2 && l == 1;

    int row = top;
    frame_rule(f, row++, "Your formula, shape by shape", "s or Esc: back to the step");
    snprintf(line, sizeof line, "%s for %s, each product read where it fits:",
             question ? "The question's formula" : "δ times the layer below, a first guess",
             q.claim);
    int lines = frame_wrap_lines(f, right - MARGIN, line);
    frame_wrap(f, row, lines < end - row ? lines : end - row, MARGIN, right, line);
    row += lines;
    int col = frame_put(f, row, MARGIN, w, q.expr, FRAME_TITLE);
    (void)col;
    row++;
    row = put_reading(f, c, &q, l, row, end);

    if (row < end) {
        char title[128];
        snprintf(title, sizeof title, "How %s is built: one entry per weight", q.claim);
        frame_rule(f, row++, title, engine_conv_name(engine_convention(e)));
    }
    if (row < end) {
        snprintf(line, sizeof line, "G_%c%c = %s   → %s, the shape of %s", engine_layer_letter(l - 1),
                 engine_layer_letter(l), build, want, q.of);
        frame_put(f, row++, MARGIN, w, line, FRAME_TITLE);
    }
    row = put_outer(f, c, row, end);

    if (row + 2 <= end) {
        char below[ENGINE_NAME_SIZE], delta[16], a_words[64], d_words[64];
        snprintf(below, sizeof below, "%s", s->operand[1].name);
        snprintf(delta, sizeof delta, "δ_%c", engine_layer_letter(l));
        if (l == 1)
            snprintf(a_words, sizeof a_words, "one per input");
        else
            snprintf(a_words, sizeof a_words, "one per unit of layer %c",
                     engine_layer_letter(l - 1));
        snprintf(d_words, sizeof d_words, "one per %s unit", l == net->layers ? "output" : "hidden");
        int na = net->width[l - 1], nd = net->width[l];
        char text[2 * LINE_BYTES];
        snprintf(text, sizeof text,
                 "A gradient has one entry per weight, so %s has the shape of %s, %s: the %d "
                 "comes from %s (%s), the %d from %s (%s). Taking %s in by a dot or "
                 "element-wise product collapses the dimension that the outer product keeps.",
                 q.claim, q.of, want, cols ? na : nd, cols ? below : delta,
                 cols ? a_words : d_words, cols ? nd : na, cols ? delta : below,
                 cols ? d_words : a_words, below);
        frame_rule(f, row++, "Why", NULL);
        char clean[2 * LINE_BYTES];
        text_sanitize(text, clean, sizeof clean);
        frame_wrap(f, row, end - row, MARGIN, right, clean);
    }
}

/* draw_step.c - the step pane: the step's formula and shape equation, its
 * picture, and the focused element's arithmetic with, under a gradient,
 * the scalar chain rule that made it.
 *
 * The picture is the step's op row (ops_step_picture): the operand and
 * result blocks and the glyphs between them, exactly as the op computes
 * them, so the screen cannot draw an operator the number did not use.  It
 * never cuts a matrix: when the pieces do not fit on one line they go on
 * as many lines as they need (the glyph that joins two lines begins the
 * second); a block wider than the pane is shown with 2 decimals, then
 * without the blank kept for a plus sign; only a block wider than the
 * pane even then (a 64-wide layer) is shown as a window of itself, the
 * pane's rule saying which rows and columns are in view. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "draw.h"
#include "ops.h"
#include "text.h"

enum {
    LINE_BYTES = DRAW_LINE_BYTES,
    MAX_USES = 64,
    FOCUS_LINES = DRAW_FOCUS_LINES,
    MARGIN = 2,        /* columns left and right of the pane's text */
    MEASURE_ALL = 36,  /* results this small have every element measured */
};

/* ---- the picture ---- */

/* How the picture of one step is laid out. */
typedef struct {
    const engine_step *s;
    int decimals;                   /* of the numbers in the blocks */
    int narrow;                     /* no blank kept for a plus sign */
    int gap;                        /* columns between two pieces */
    int windowed;                   /* a block shows a window of itself */
    int np;
    ops_piece pc[OPS_MAX_PIECES];
    draw_block blk[OPS_MAX_PIECES]; /* the tensor pieces' blocks */
    int width[OPS_MAX_PIECES];      /* columns of each piece */
    int lines;
    int start[OPS_MAX_PIECES + 1];  /* pieces of line l: start[l] .. start[l+1]-1 */
    int height[OPS_MAX_PIECES];     /* number rows of line l */
    int rows;                       /* rows of the picture, labels included */
} picture;

static const engine_tensor *piece_tensor(const engine_step *s, const ops_piece *p)
{
    return p->tensor >= 0 ? &s->operand[p->tensor] : &s->result;
}

/* The element of the piece's tensor its window centres on: the focus in
 * the result, the first element the focus used in an operand. */
static int piece_index(const ops_piece *p, int focus, const engine_use *uses, int n_uses)
{
    if (p->tensor == OPS_RESULT)
        return focus;
    for (int u = 0; u < n_uses; u++)
        if (uses[u].operand == p->tensor)
            return uses[u].index;
    return -1;
}

/* Breaks the pieces into lines no wider than `width`: as many as fit on a
 * line, and a line never ends on a glyph (it begins the next).  Returns 0
 * when a piece alone is wider. */
static int break_lines(picture *p, int width)
{
    p->lines = 0;
    p->rows = 0;
    int k = 0;
    while (k < p->np) {
        int from = k, x = 0;
        while (k < p->np && (k == from || x + p->gap + p->width[k] <= width)) {
            x += (k > from ? p->gap : 0) + p->width[k];
            k++;
        }
        if (x > width)
            return 0;
        while (k - from > 1 && k < p->np && p->pc[k - 1].tensor == OPS_GLYPH)
            k--;
        int h = 1;
        for (int i = from; i < k; i++)
            if (p->pc[i].tensor != OPS_GLYPH && draw_block_rows(&p->blk[i]) > h)
                h = draw_block_rows(&p->blk[i]);
        p->start[p->lines] = from;
        p->height[p->lines] = h;
        p->lines++;
        p->rows += 1 + h;
    }
    p->start[p->lines] = p->np;
    return 1;
}

/* Measures the blocks at the picture's decimals and format, each window at
 * most max_rows × max_cols. */
static void fit_blocks(const frame *f, picture *p, int focus, const engine_use *uses, int n_uses,
                       int max_rows, int max_cols, int (*widths)[ENGINE_MAX_WIDTH])
{
    p->windowed = 0;
    for (int k = 0; k < p->np; k++) {
        if (p->pc[k].tensor == OPS_GLYPH) {
            p->width[k] = frame_width(f, p->pc[k].text);
            continue;
        }
        draw_block *b = &p->blk[k];
        b->t = piece_tensor(p->s, &p->pc[k]);
        b->is_result = p->pc[k].tensor == OPS_RESULT;
        b->narrow = p->narrow;
        draw_block_window(f, b, piece_index(&p->pc[k], focus, uses, n_uses), max_rows,
                          max_cols, p->decimals, widths ? widths[k] : NULL);
        p->windowed |= b->more_up || b->more_down || b->more_left || b->more_right;
        p->width[k] = b->width;
    }
}

/* The ways a picture can be drawn, each narrower (and so often on fewer
 * lines) than the one before: the pane's decimals, two columns between
 * the pieces, then one; 2 decimals; 2 decimals without the blank kept for
 * a plus sign. */
static const struct {
    int decimals, narrow, gap; /* decimals -1: the pane's */
} looks[DRAW_STEP_LOOKS] = {{-1, 0, 2}, {-1, 0, 1}, {2, 0, 2}, {2, 1, 1}};

/* Lays out step s's picture `width` columns wide, looking as looks[look]
 * says or, when a block is too wide for that, the next look that fits; in
 * at most max_rows rows (0: any) or, failing all, as windows of fewer
 * columns, then fewer rows.  Returns the look it settled on, the last
 * when windowed: planned from any look up to that one, the picture is
 * the same. */
static int plan_picture(const frame *f, const engine_step *s, int decimals, int focus,
                         const engine_use *uses, int n_uses, int width, int max_rows, int look,
                         picture *p)
{
    memset(p, 0, sizeof *p);
    p->s = s;
    p->np = ops_step_picture(s, f->ascii, p->pc, OPS_MAX_PIECES);
    for (int t = look; t < DRAW_STEP_LOOKS; t++) {
        p->decimals = looks[t].decimals < 0 || decimals < looks[t].decimals ? decimals
                                                                            : looks[t].decimals;
        p->narrow = looks[t].narrow;
        p->gap = looks[t].gap;
        fit_blocks(f, p, focus, uses, n_uses, ENGINE_MAX_WIDTH, ENGINE_MAX_WIDTH, NULL);
        if (break_lines(p, width) && (max_rows <= 0 || p->rows <= max_rows))
            return t;
    }
    /* Too wide even so: windows of fewer columns, then of fewer rows, each
     * column as wide as the last look's whole blocks measured it. */
    int widths[OPS_MAX_PIECES][ENGINE_MAX_WIDTH];
    for (int k = 0; k < p->np; k++)
        memcpy(widths[k], p->blk[k].colw, sizeof widths[k]);
    int max_cols = ENGINE_MAX_WIDTH, rows_cap = ENGINE_MAX_WIDTH;
    for (int guard = 0; guard < 4 * ENGINE_MAX_WIDTH; guard++) {
        fit_blocks(f, p, focus, uses, n_uses, rows_cap, max_cols,
                   look < DRAW_STEP_LOOKS ? widths : NULL);
        int fits = break_lines(p, width);
        if (fits && (max_rows <= 0 || p->rows <= max_rows))
            break;
        if (!fits && max_cols > 1) {
            max_cols--;
            continue;
        }
        if (rows_cap <= 1)
            break;
        rows_cap--;
    }
    return DRAW_STEP_LOOKS - 1;
}

/* Draws the planned picture from row top; returns the rows it took. */
static int put_picture(frame *f, const picture *p, int top, int focus,
                       const engine_use *uses, int n_uses, int flow, int hide)
{
    int row = top;
    for (int l = 0; l < p->lines; l++) {
        int h = p->height[l], mid = (h - 1) / 2, x = MARGIN;
        for (int k = p->start[l]; k < p->start[l + 1]; k++) {
            if (k > p->start[l])
                x += p->gap;
            if (p->pc[k].tensor == OPS_GLYPH) {
                /* The glyph before the result is the pass's colour. */
                int before_result = k + 1 < p->np && p->pc[k + 1].tensor == OPS_RESULT;
                frame_put(f, row + 1 + mid, x, f->cols, p->pc[k].text,
                          before_result ? flow : FRAME_NORMAL);
            } else {
                const draw_block *b = &p->blk[k];
                int at = draw_block_rows(b) == 1 ? row + mid : row;
                draw_matrix(f, b, at, x, p->decimals, focus, uses, n_uses, p->pc[k].tensor, flow,
                            hide);
            }
            x += p->width[k];
        }
        row += 1 + h;
    }
    return row - top;
}

/* ---- the focused element ---- */

/* The name of layer l's vector as the chain rule's factors spell it
 * (x_i, h_j, h¹_j, y_k): the factor's name with its index made the
 * layer's letter. */
static void vector_of(const char *factor, int l, char *buf, size_t size)
{
    const char *us = strrchr(factor, '_');
    int n = us ? (int)(us - factor) : (int)strlen(factor);
    snprintf(buf, size, "%.*s_%c", n, factor, engine_layer_letter(l));
}

/* "with δ_k = g′(z_k)·(y_k − t_k)": what each expanded δ stands for, from
 * layer l + 1 up, `levels` layers. */
static void chain_where(const engine_net *n, engine_conv conv, int l, int levels, char *buf,
                        size_t size)
{
    buf[0] = '\0';
    for (int up = l + 1; up <= n->layers && up <= l + levels; up++) {
        char me = engine_layer_letter(up), y[16], t[16], part[160];
        snprintf(y, sizeof y, "y_%c", me);
        snprintf(t, sizeof t, "t_%c", me);
        const ops_loss_row *loss = ops_loss(n->loss);
        int fused = up == n->layers && ops_loss_fused(n->loss, n->act[up - 1]);
        if (!fused && !ops_act(n->act[up - 1])->slope)
            break; /* a softmax without its loss stays δ */
        char rest[96];
        if (fused || up == n->layers) {
            const char *tpl = fused ? loss->fused_chain : loss->grad_chain;
            size_t len = 0;
            rest[0] = '\0';
            for (const char *q = tpl; *q && len + 8 < sizeof rest;) {
                const char *v = strncmp(q, "{y}", 3) == 0 ? y : strncmp(q, "{t}", 3) == 0 ? t : NULL;
                if (v) {
                    len += (size_t)snprintf(rest + len, sizeof rest - len, "%s", v);
                    q += 3;
                } else {
                    rest[len++] = *q++;
                    rest[len] = '\0';
                }
            }
        } else {
            char hi = engine_layer_letter(up + 1);
            if (conv == CONV_COLUMNS)
                snprintf(rest, sizeof rest, "Σ_%c W_%c%c[%c][%c]·δ_%c", hi, me, hi, me, hi, hi);
            else
                snprintf(rest, sizeof rest, "Σ_%c W_%c%c[%c][%c]·δ_%c", hi, me, hi, hi, me, hi);
        }
        if (fused)
            snprintf(part, sizeof part, "δ_%c = %s", me, rest);
        else
            snprintf(part, sizeof part, "δ_%c = g′(z_%c)·%s", me, me, rest);
        text_append(buf, size, "%s%s", buf[0] ? ", " : "with ", part);
    }
}

/* The lines under the picture for element `focus` of step `index` (its
 * arithmetic; under a gradient, the chain rule: names, numbers, what each
 * factor is in the matrices, what the expanded δ stand for), each with
 * the indent of its continuation rows; measuring, the arithmetic's digits
 * are 0s, as wide as the numbers and far cheaper.  Returns how many lines
 * there are. */
static int focus_texts(const mode_ctx *c, int index, int focus, int decimals, int depth,
                       int measure, char texts[][DRAW_LINE_BYTES], int *indent)
{
    const engine *e = c->engine;
    const engine_step *s = engine_step_at(e, index);
    int n = 0, nres = s->result.rows * s->result.cols;
    if (nres <= 0 || focus < 0 || focus >= nres)
        return 0;
    char *arith = texts[n];
    strcpy(arith, "▸ ");
    if (measure)
        engine_step_explain_measure(s, focus, decimals, arith + strlen(arith), LINE_BYTES - 8);
    else
        engine_step_explain(s, focus, decimals, arith + strlen(arith), LINE_BYTES - 8, NULL, 0);
    indent[n++] = MARGIN + 4;
    engine_chain *ch = &c->cache->chain;
    if ((s->kind != STEP_GRADIENT && s->kind != STEP_BIAS_GRAD) ||
        engine_chain_of(e, index, focus, depth, ch) != 0)
        return n;
    static const char label[] = "  chain rule: ";
    int li = 4; /* the rows after the first, under "chain" */
    snprintf(texts[n], LINE_BYTES, "%s", label);
    engine_chain_text(ch, decimals, 0, texts[n] + strlen(texts[n]), LINE_BYTES - sizeof label);
    indent[n++] = MARGIN + li;
    snprintf(texts[n], LINE_BYTES, "%*s= ", li, "");
    engine_chain_text(ch, decimals, 1, texts[n] + strlen(texts[n]), LINE_BYTES - 64);
    indent[n++] = MARGIN + li + 2;
    const engine_net *net = engine_network(e);
    char delta[16];
    snprintf(delta, sizeof delta, "δ_%c", engine_layer_letter(s->layer));
    if (s->kind == STEP_GRADIENT && ch->factors > 1) {
        /* G = a·δᵀ (columns) or δ·aᵀ (rows): the first factor is a's. */
        const char *a = ch->factor[ch->top[0]].name;
        char vec[ENGINE_NAME_SIZE + 8];
        vector_of(a, s->layer - 1, vec, sizeof vec);
        int cols = s->convention == CONV_COLUMNS;
        int ai = cols ? ch->row : ch->col, di = cols ? ch->col : ch->row;
        snprintf(texts[n], LINE_BYTES, "%*s%s is %s[%d] (%s %d); the rest is %s[%d] (%s %d)", li,
                 "", a, vec, ai + 1, cols ? "row" : "column", ai + 1, delta, di + 1,
                 cols ? "column" : "row", di + 1);
        indent[n++] = MARGIN + li;
    } else if (s->kind == STEP_BIAS_GRAD) {
        snprintf(texts[n], LINE_BYTES, "%*sall of it is %s[%d]", li, "", delta, ch->col + 1);
        indent[n++] = MARGIN + li;
    }
    if (ch->depth > 1) {
        snprintf(texts[n], LINE_BYTES, "%*s", li, "");
        chain_where(net, s->convention, s->layer, ch->depth - 1, texts[n] + li, LINE_BYTES - 64);
        indent[n++] = MARGIN + li + 5;
    }
    return n;
}

/* Breaks text (as drawn) into rows `width` wide from column MARGIN: at the
 * last space that fits, preferring one before " = " or " + " in the row's
 * second half; continuation rows start at column indent.  Draws them from
 * row `row` into out when it is not NULL; returns the rows. */
static int wrap_formula(const frame *f, frame *out, int row, int width, const char *text,
                        int indent, int attr)
{
    char buf[LINE_BYTES];
    const char *p = frame_shown(f, text, buf, sizeof buf);
    int rows = 0, col = MARGIN;
    if (indent >= MARGIN + width / 2)
        indent = MARGIN + 4;
    while (*p) {
        int room = MARGIN + width - col;
        /* the rest fits when it fits whole, counted no further than room */
        size_t len = strlen(p), fit = text_fit(p, room), cut = 0, pref = 0;
        if (fit == len || (fit == 0 && text_width(p) <= room)) {
            if (out)
                frame_put_raw(out, row + rows, col, MARGIN + width, p, attr);
            return rows + 1;
        }
        for (size_t i = 1; i < fit && i < len; i++) {
            if (p[i] != ' ')
                continue;
            cut = i;
            if (i + 2 < len && (p[i + 1] == '=' || p[i + 1] == '+') && p[i + 2] == ' ' &&
                2 * i >= fit)
                pref = i;
        }
        if (pref)
            cut = pref;
        if (cut == 0)
            cut = fit > 0 ? fit : 1; /* no space: break inside */
        if (out) {
            char part[LINE_BYTES];
            memcpy(part, p, cut);
            part[cut] = '\0';
            frame_put_raw(out, row + rows, col, MARGIN + width, part, attr);
        }
        rows++;
        p += cut;
        while (*p == ' ')
            p++;
        col = indent;
    }
    return rows;
}

/* ---- the pane ---- */

/* The formula, then the shapes on the same row when they fit. */
static void head_texts(const frame *f, const engine_step *s, int hide, char *formula, size_t fs,
                       char *shapes, size_t ss)
{
    char raw[256];
    text_sanitize(s->formula, formula, fs);
    ops_step_text(s, f->ascii ? OPS_SHAPES_ASCII : OPS_SHAPES, raw, sizeof raw);
    char clean[256];
    text_sanitize(raw, clean, sizeof clean);
    char *arrow = strstr(clean, f->ascii ? "->" : "→");
    if (hide && arrow)
        snprintf(arrow, sizeof clean - (size_t)(arrow - clean), "%s ?", f->ascii ? "->" : "→");
    snprintf(shapes, ss, "shapes  %s", clean);
}

/* Rows of the formula and shapes: 1 when both fit on one row. */
static int head_rows(const frame *f, const engine_step *s, int width)
{
    char formula[256], shapes[300];
    head_texts(f, s, 0, formula, sizeof formula, shapes, sizeof shapes);
    int w = frame_width(f, formula) + 4 + frame_width(f, shapes);
    if (s->nonfinite)
        w += 2 + frame_width(f, "the result holds inf or nan");
    return w <= width ? 1 : 2 + (s->nonfinite && frame_width(f, shapes) + 30 > width);
}

/* Rows the focused element's lines take `width` wide. */
static int focus_rows(const frame *f, const mode_ctx *c, int index, int focus, int decimals,
                      int depth, int width)
{
    char (*texts)[DRAW_LINE_BYTES] = c->cache->lines;
    int indent[FOCUS_LINES];
    int n = focus_texts(c, index, focus, decimals, depth, 1, texts, indent), rows = 0;
    for (int i = 0; i < n; i++)
        rows += wrap_formula(f, NULL, 0, width, texts[i], indent[i], FRAME_NORMAL);
    return rows;
}

/* draw_step_rows, and in *settled the look it settled on: every look from
 * `look` up to that one has the same rows. */
static int step_rows(const frame *f, const mode_ctx *c, int index, int focus, int depth, int look,
                     int *settled)
{
    const engine_step *s = engine_step_at(c->engine, index);
    *settled = DRAW_STEP_LOOKS - 1;
    if (!s)
        return 0;
    int width = f->cols - 2 * MARGIN, nres = s->result.rows * s->result.cols;
    picture pic, *p = &pic;
    *settled = plan_picture(f, s, c->decimals, focus >= 0 ? focus : 0, NULL, 0, width, 0, look, p);
    int most = 0;
    if (focus >= 0) {
        most = focus_rows(f, c, index, focus, p->decimals, depth, width);
    } else {
        /* Any element: all of a small result, else the first one and a row
         * to spare for wider numbers. */
        int all = nres <= MEASURE_ALL;
        for (int i = 0; i < (all ? nres : 1); i++) {
            int r = focus_rows(f, c, index, i, p->decimals, depth, width) + !all;
            most = r > most ? r : most;
        }
    }
    return head_rows(f, s, width) + p->rows + most;
}

int draw_step_rows(const frame *f, const mode_ctx *c, int index, int focus, int depth, int look)
{
    int settled;
    return step_rows(f, c, index, focus, depth, look, &settled);
}

void draw_step_looks(const frame *f, const mode_ctx *c, int index, int focus, int depth,
                     int rows[DRAW_STEP_LOOKS])
{
    for (int k = 0; k < DRAW_STEP_LOOKS;) {
        int settled, r = step_rows(f, c, index, focus, depth, k, &settled);
        for (; k <= settled; k++)
            rows[k] = r;
    }
}

void draw_step(frame *f, const mode_ctx *c, int top, int rows, int depth)
{
    const engine *e = c->engine;
    const engine_step *s = engine_current(e);
    int index = engine_step_index(e);
    int w = f->cols, width = w - 2 * MARGIN, hide = c->hide_result, end = top + rows;
    int flow = s->phase == PHASE_FORWARD ? FRAME_FORWARD : FRAME_BACKWARD;
    int nres = s->result.rows * s->result.cols;
    int focus = c->focus < nres ? c->focus : 0;

    engine_use uses[MAX_USES];
    int n_uses = 0;
    if (nres > 0 && !hide) {
        char *scratch = c->cache->text;
        n_uses = engine_step_explain(s, focus, c->decimals, scratch, sizeof c->cache->text, uses,
                                     MAX_USES);
        if (n_uses > MAX_USES)
            n_uses = MAX_USES;
    }

    /* The first look whose picture and lines fit the rows; failing all,
     * the last, its blocks windowed to the rows the lines leave. */
    char (*texts)[DRAW_LINE_BYTES] = c->cache->lines;
    int indent[FOCUS_LINES], n = 0;
    int head = head_rows(f, s, width);
    picture pic, *p = &pic;
    for (int look = 0; look < DRAW_STEP_LOOKS; look++) {
        plan_picture(f, s, c->decimals, focus, uses, n_uses, width, 0, look, p);
        n = hide ? 0 : focus_texts(c, index, focus, p->decimals, depth, 0, texts, indent);
        int frows = 0;
        for (int i = 0; i < n; i++)
            frows += wrap_formula(f, NULL, 0, width, texts[i], indent[i], FRAME_NORMAL);
        if (head + p->rows + frows <= rows)
            break;
        if (look == DRAW_STEP_LOOKS - 1)
            plan_picture(f, s, c->decimals, focus, uses, n_uses, width,
                         rows - head - frows > 2 ? rows - head - frows : 2, look, p);
    }

    char formula[256], shapes[300];
    head_texts(f, s, hide, formula, sizeof formula, shapes, sizeof shapes);
    int row = top;
    int col = frame_put(f, row, MARGIN, w, formula, FRAME_NORMAL);
    if (head == 1) {
        col = frame_put(f, row, col + 4, w, shapes, FRAME_TITLE);
    } else {
        row++;
        col = frame_put(f, row, MARGIN, w, shapes, FRAME_TITLE);
    }
    if (s->nonfinite) {
        const char *warn = "the result holds inf or nan";
        if (col + 2 + frame_width(f, warn) > w)
            col = MARGIN - 2, row++;
        frame_put(f, row, col + 2, w, warn, FRAME_WARNING);
    }
    row++;
    c->cache->windowed = p->windowed;
    c->cache->decimals = p->decimals;
    row += put_picture(f, p, row, focus, uses, n_uses, flow, hide);
    for (int i = 0; i < n && row < end; i++) {
        int r = wrap_formula(f, NULL, 0, width, texts[i], indent[i], FRAME_NORMAL);
        if (row + r > end)
            break;
        wrap_formula(f, f, row, width, texts[i], indent[i], FRAME_NORMAL);
        if (i == 0)
            frame_put(f, row, MARGIN, w, "▸", flow);
        else if (i == 1)
            frame_put(f, row, MARGIN + 2, w, "chain rule:", FRAME_TITLE);
        row += r;
    }
}

int draw_step_windowed(const mode_ctx *c)
{
    return c->cache->windowed;
}

int draw_step_decimals(const mode_ctx *c)
{
    return c->cache->decimals;
}

/* ---- the pass ---- */

/* Mixes n bytes into a 64-bit FNV-1a hash. */
static uint64_t hash_bytes(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 0x100000001b3ULL;
    return h;
}

/* A hash of everything the pane's measures read from the steps of the
 * pass: kinds, conventions, tensor names, shapes and the bits of every
 * value. */
static uint64_t pass_hash(const engine *e)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    int n = engine_step_count(e);
    for (int i = 0; i < n; i++) {
        const engine_step *o = engine_step_at(e, i);
        if (!o)
            continue;
        int head[4] = {(int)o->kind, (int)o->convention, o->n_operands, (int)o->op};
        h = hash_bytes(h, head, sizeof head);
        h = hash_bytes(h, o->title, strlen(o->title));
        for (int k = 0; k <= o->n_operands; k++) {
            const engine_tensor *t = k < o->n_operands ? &o->operand[k] : &o->result;
            int dims[3] = {t->rank, t->rows, t->cols};
            h = hash_bytes(h, dims, sizeof dims);
            h = hash_bytes(h, t->name, strlen(t->name));
            size_t nv = (size_t)t->rows * (size_t)t->cols;
            for (size_t v = 0; v < nv; v++) {
                uint64_t bits;
                memcpy(&bits, &t->v[v], sizeof bits);
                h = (h ^ bits) * 0x100000001b3ULL;
                h ^= h >> 29;
            }
        }
    }
    return h;
}

const draw_pass_memo *draw_pass_measure(const frame *f, const mode_ctx *c)
{
    /* Measuring every step is the costliest part of a frame, so the answer
     * is kept until the pass's contents, the width, the decimals or the
     * ASCII choice change. */
    const engine *e = c->engine;
    int n = engine_step_count(e);
    uint64_t h = pass_hash(e);
    draw_pass_memo *memo = &c->cache->pass;
    if (memo->valid && memo->width == f->cols && memo->ascii == f->ascii &&
        memo->decimals == c->decimals && memo->steps == n && memo->hash == h)
        return memo;
    memo->most = 0;
    for (int i = 0; i < n && i < DRAW_MAX_STEPS; i++) {
        /* A wide step settles on the last look: its least rows are these. */
        int settled, rows = step_rows(f, c, i, -1, 1, 0, &settled);
        memo->rows[i] = (short)rows;
        memo->least[i] = (short)(settled >= DRAW_STEP_LOOKS - 1
                                     ? rows
                                     : step_rows(f, c, i, -1, 1, DRAW_STEP_LOOKS - 1, &settled));
        memo->most = memo->rows[i] > memo->most ? memo->rows[i] : memo->most;
    }
    memo->valid = 1;
    memo->width = f->cols;
    memo->ascii = f->ascii;
    memo->decimals = c->decimals;
    memo->steps = n;
    memo->hash = h;
    return memo;
}

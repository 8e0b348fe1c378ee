/* draw_step.c - the step pane: the step's formula, its operands and result
 * as matrices joined by the operators that make it, the shape equation,
 * and the arithmetic that made the focused element.  The pane keeps one
 * height across a pass, so stepping does not move the panes about. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "draw.h"
#include "text.h"

enum {
    LINE_BYTES = 1024,
    MAX_BLOCKS = ENGINE_MAX_OPERANDS + 1,
    MAX_USES = 64,
};

/* What stands between the blocks of a step. */
static const char *step_operator(const engine_step *s, int i)
{
    switch (s->kind) {
    /* W is drawn as stored: where the step uses its transpose the
     * operator says so, so (2×3)·(2) is never what the screen shows. */
    case STEP_SUM:
        return i == 0 ? (s->convention == CONV_COLUMNS ? "ᵀ·" : "·") : "+";
    case STEP_DERIVATIVE:
    case STEP_GRADIENT:
        return "⊙";
    case STEP_SEND:
        return s->convention == CONV_ROWS ? "ᵀ·" : "·";
    case STEP_DELTA:
        return "−";
    case STEP_BATCH_MEAN:
    case STEP_MEAN_BIAS:
        return "/";
    case STEP_UPDATE:
    case STEP_UPDATE_BIAS:
        return i == 0 ? "−" : "·";
    case STEP_ACTIVATION:
    case STEP_LOSS:
    case STEP_GRAD_COPY:
    case STEP_BIAS_GRAD:
    case STEP_KIND_COUNT:
        return " ";
    }
    return " ";
}

/* What stands before the result. */
static const char *result_operator(const engine_step *s)
{
    switch (s->kind) {
    case STEP_GRAD_COPY:
    case STEP_ACTIVATION:
    case STEP_BIAS_GRAD:
        return "→";
    case STEP_SUM:
    case STEP_LOSS:
    case STEP_DELTA:
    case STEP_DERIVATIVE:
    case STEP_GRADIENT:
    case STEP_SEND:
    case STEP_BATCH_MEAN:
    case STEP_MEAN_BIAS:
    case STEP_UPDATE:
    case STEP_UPDATE_BIAS:
    case STEP_KIND_COUNT:
        return "=";
    }
    return "=";
}

/* The focused element's arithmetic, broken before an " = " or " + " when
 * it is wider than the pane and there is a row to spare. */
static void put_arithmetic(frame *f, int row, int rows, const char *arith, int flow)
{
    char buf[LINE_BYTES];
    int w = f->cols;
    const char *p = frame_shown(f, arith, buf, sizeof buf);
    int col = frame_put(f, row, 2, w, "▸ ", flow);
    for (int line = 0; line < rows && *p; line++) {
        int room = w - 1 - col;
        if (text_width(p) <= room) {
            frame_put_raw(f, row + line, col, w - 1, p, FRAME_NORMAL);
            return;
        }
        size_t fit = text_fit(p, room), cut = 0;
        for (size_t i = 1; i + 2 < fit; i++)
            if (p[i] == ' ' && (p[i + 1] == '=' || p[i + 1] == '+') && p[i + 2] == ' ')
                cut = i;
        if (cut == 0 || line == rows - 1) {
            char part[LINE_BYTES];
            size_t n = text_fit(p, room - 1);
            memcpy(part, p, n);
            part[n] = '\0';
            col = frame_put_raw(f, row + line, col, w, part, FRAME_NORMAL);
            frame_put(f, row + line, col, w, "…", FRAME_DIM);
            return;
        }
        char part[LINE_BYTES];
        memcpy(part, p, cut);
        part[cut] = '\0';
        frame_put_raw(f, row + line, col, w - 1, part, FRAME_NORMAL);
        p += cut + 1;
        col = 6;
    }
}

/* Places the blocks of step s (operands, then the result): on one line
 * when they fit, else on two lines when allow_two, else with fewer columns
 * shown.  *split gets the first block of the second line (the block count
 * when there is one line).  Returns the rows the blocks take, labels
 * included. */
static int plan_blocks(const frame *f, const engine_step *s, int decimals, int focus,
                       const engine_use *uses, int n_uses, int max_rows, int allow_two,
                       draw_block *blocks, int *split)
{
    int w = f->cols;
    int nb = s->n_operands + 1;
    int max_cols = ENGINE_MAX_WIDTH;
    int opw[MAX_BLOCKS] = {0};
    for (int i = 0; i < nb - 1; i++)
        opw[i] = frame_width(f, i < nb - 2 ? step_operator(s, i) : result_operator(s)) + 4;
    *split = nb;
    for (int pass = 0; pass < 8; pass++) {
        int total = 0;
        for (int i = 0; i < nb; i++) {
            draw_block *b = &blocks[i];
            b->t = i < s->n_operands ? &s->operand[i] : &s->result;
            b->is_result = i == s->n_operands;
            int index = b->is_result ? focus : -1;
            for (int u = 0; u < n_uses && !b->is_result; u++)
                if (uses[u].operand == i) {
                    index = uses[u].index;
                    break;
                }
            draw_block_fit(f, b, index, max_rows, max_cols, decimals);
            total += b->width + (i < nb - 1 ? opw[i] : 0);
        }
        if (total <= w - 4)
            break;
        if (pass == 0 && allow_two && nb > 1) {
            /* Fill the first line as far as it goes; the rest on the second. */
            int x = 0, k = 0;
            while (k < nb && x + blocks[k].width <= w - 4) {
                x += blocks[k].width + (k < nb - 1 ? opw[k] : 0);
                k++;
            }
            int rest = k > 0 ? opw[k - 1] - 2 : 0;
            for (int i = k; i < nb; i++)
                rest += blocks[i].width + (i < nb - 1 ? opw[i] : 0);
            if (k > 0 && k < nb && rest <= w - 4) {
                *split = k;
                break;
            }
        }
        if (max_cols == 1)
            break;
        /* Too wide: show fewer columns in every matrix. */
        int widest = 1;
        for (int i = 0; i < nb; i++)
            widest = blocks[i].cn > widest ? blocks[i].cn : widest;
        max_cols = widest > 2 ? widest - 1 - (widest > 8) * (widest / 3) : 1;
    }
    int area = 0;
    for (int part = 0; part < 2; part++) {
        int from = part == 0 ? 0 : *split, to = part == 0 ? *split : nb, m = 0;
        if (from >= to)
            break;
        for (int i = from; i < to; i++)
            m = draw_block_rows(&blocks[i]) > m ? draw_block_rows(&blocks[i]) : m;
        area += 1 + m;
    }
    return area;
}

void draw_step(frame *f, const mode_ctx *c, int top, int rows)
{
    const engine_step *s = engine_current(c->engine);
    int w = f->cols, hide = c->hide_result;
    char line[LINE_BYTES], clean[LINE_BYTES];
    int flow = s->phase == PHASE_FORWARD ? FRAME_FORWARD : FRAME_BACKWARD;
    int nres = s->result.rows * s->result.cols;
    int focus = c->focus < nres ? c->focus : 0;

    text_sanitize(s->formula, clean, sizeof clean);
    frame_put(f, top, 2, w, clean, FRAME_NORMAL);

    engine_use uses[MAX_USES];
    char arith[LINE_BYTES];
    int n_uses = 0;
    arith[0] = '\0';
    if (nres > 0) {
        n_uses = engine_step_explain(s, focus, c->decimals, arith, sizeof arith, uses, MAX_USES);
        if (n_uses > MAX_USES)
            n_uses = MAX_USES;
    }

    draw_block blocks[MAX_BLOCKS];
    int nb = s->n_operands + 1, split = nb;
    int room = rows - 4; /* formula, shapes and two rows of arithmetic */
    int area = plan_blocks(f, s, c->decimals, focus, uses, n_uses, ENGINE_MAX_WIDTH, 1, blocks,
                           &split);
    if (area > room)
        area = plan_blocks(f, s, c->decimals, focus, uses, n_uses, ENGINE_MAX_WIDTH, 0, blocks,
                           &split);
    if (area > room)
        area = plan_blocks(f, s, c->decimals, focus, uses, n_uses, room > 2 ? room - 1 : 1, 0,
                           blocks, &split);

    int btop = top + 1;
    for (int part = 0; part < 2; part++) {
        int from = part == 0 ? 0 : split, to = part == 0 ? split : nb;
        if (from >= to)
            break;
        int mrows = 0;
        for (int i = from; i < to; i++)
            mrows = draw_block_rows(&blocks[i]) > mrows ? draw_block_rows(&blocks[i]) : mrows;
        int x = 2;
        if (part == 1) {
            /* The second line starts with the operator that joins it. */
            const char *op = from < nb - 1 ? step_operator(s, from - 1) : result_operator(s);
            frame_put(f, btop + 1 + (mrows - 1) / 2, x, w, op,
                      from < nb - 1 ? FRAME_NORMAL : flow);
            x += frame_width(f, op) + 2;
        }
        for (int i = from; i < to; i++) {
            draw_block *b = &blocks[i];
            if (x + b->width > w) {
                frame_put(f, btop + 1, w - 2, w, "…", FRAME_DIM);
                break;
            }
            draw_matrix(f, b, btop, x, c->decimals, focus, uses, n_uses, i, flow, hide);
            x += b->width;
            if (i < to - 1) {
                const char *op = i < nb - 2 ? step_operator(s, i) : result_operator(s);
                frame_put(f, btop + 1 + (mrows - 1) / 2, x + 2, w, op,
                          i < nb - 2 ? FRAME_NORMAL : flow);
                x += frame_width(f, op) + 4;
            }
        }
        btop += 1 + mrows;
    }

    int row = top + 1 + area;
    char shp[256];
    text_sanitize(s->shapes, shp, sizeof shp);
    char *arrow = strstr(shp, "→");
    if (hide && arrow)
        snprintf(arrow, sizeof shp - (size_t)(arrow - shp), "→ ?");
    snprintf(line, sizeof line, "shapes  %s", shp);
    frame_put(f, row, 2, w, line, FRAME_TITLE);
    if (s->nonfinite)
        frame_put(f, row, 4 + frame_width(f, line), w, "the result holds inf or nan",
                  FRAME_WARNING);
    row++;
    if (arith[0] && row < top + rows && !hide)
        put_arithmetic(f, row, top + rows - row, arith, flow);
}

int draw_step_rows(const frame *f, const engine_step *s, int decimals)
{
    draw_block blocks[MAX_BLOCKS];
    int split;
    return 4 + plan_blocks(f, s, decimals, 0, NULL, 0, ENGINE_MAX_WIDTH, 1, blocks, &split);
}

/* Mixes n bytes into a 64-bit FNV-1a hash. */
static uint64_t hash_bytes(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 0x100000001b3ULL;
    return h;
}

/* A hash of everything draw_step_rows reads from the steps of the pass:
 * kinds, conventions, tensor names, shapes and the bits of every value. */
static uint64_t pass_hash(const engine *e)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    int n = engine_step_count(e);
    for (int i = 0; i < n; i++) {
        const engine_step *o = engine_step_at(e, i);
        if (!o)
            continue;
        int head[3] = {(int)o->kind, (int)o->convention, o->n_operands};
        h = hash_bytes(h, head, sizeof head);
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

int draw_step_rows_most(const frame *f, const mode_ctx *c)
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
        return memo->most;
    int most = 0;
    for (int i = 0; i < n; i++) {
        const engine_step *o = engine_step_at(e, i);
        int want = o ? draw_step_rows(f, o, c->decimals) : 0;
        most = want > most ? want : most;
    }
    memo->valid = 1;
    memo->width = f->cols;
    memo->ascii = f->ascii;
    memo->decimals = c->decimals;
    memo->steps = n;
    memo->most = most;
    memo->hash = h;
    return most;
}

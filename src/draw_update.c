/* draw_update.c - the update's before and after, below its step pane: the
 * old weights, the change −η·G and the new weights side by side, and the
 * loss of the same sample before and after the update. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "draw.h"
#include "text.h"

enum { LINE_BYTES = 1024 };

/* The loss of this pass's sample once the updates up to the current step
 * are applied (the engine's answer), remembered per step so keys that do
 * not move the step (focus, help, precision) cost nothing. */
static double loss_after(draw_cache *cache, const engine *e)
{
    draw_after_memo *memo = &cache->after;
    const engine_step *s = engine_current(e);
    const engine_net *net = engine_network(e);
    int index = engine_step_index(e);
    double first = s->result.v ? s->result.v[0] : 0;
    if (memo->valid && memo->e == e && memo->epoch == engine_epoch(e) &&
        memo->sample == engine_sample(e) && memo->index == index &&
        memo->layers == net->layers && memo->before == engine_pass_loss(e) &&
        memo->first == first)
        return memo->value;
    memo->e = e;
    memo->epoch = engine_epoch(e);
    memo->sample = engine_sample(e);
    memo->index = index;
    memo->layers = net->layers;
    memo->before = engine_pass_loss(e);
    memo->first = first;
    memo->value = engine_loss_after(e, index);
    memo->valid = 1;
    memo->computed++;
    return memo->value;
}

long draw_update_count(const draw_cache *cache)
{
    return cache->after.computed;
}

/* Lays the three blocks out side by side (old, −η·G, new) with their
 * labels, the change into c's cache; returns their width, or 0 when they
 * do not fit whole in `width` columns. */
static int plan_blocks(const frame *f, const mode_ctx *c, const engine_step *s, draw_block *bl,
                       engine_tensor *t, int width)
{
    int n = s->result.rows * s->result.cols;
    if (s->n_operands < 3)
        return 0;
    double eta = s->operand[1].v[0];
    double *change = c->cache->change;
    for (int k = 0; k < n; k++)
        change[k] = -(eta * s->operand[2].v[k]);
    t[0] = s->operand[0];
    t[1] = s->result;
    t[2] = s->result;
    char g[ENGINE_NAME_SIZE * 2];
    text_sanitize(s->operand[2].name, g, sizeof g);
    snprintf(t[1].name, sizeof t[1].name, "−η·%.*s", (int)sizeof t[1].name - 8, g);
    t[1].v = change;
    static const char *const label_of[3] = {"before ", "change ", "after "};
    int focus = c->focus < n ? c->focus : 0, total = 0;
    for (int i = 0; i < 3; i++) {
        bl[i].t = &t[i];
        bl[i].is_result = i == 2;
        bl[i].narrow = 0;
        draw_block_fit(f, &bl[i], focus, ENGINE_MAX_WIDTH, ENGINE_MAX_WIDTH, c->decimals);
        char lab[sizeof bl[i].label];
        memcpy(lab, bl[i].label, sizeof lab);
        snprintf(bl[i].label, sizeof bl[i].label, "%s%.*s", label_of[i],
                 (int)(sizeof lab - 10), lab);
        int lw = frame_width(f, bl[i].label);
        bl[i].width = bl[i].width > lw ? bl[i].width : lw;
        total += bl[i].width + (i < 2 ? 5 : 0);
    }
    return total <= width ? total : 0;
}

int draw_update_rows(const frame *f, const mode_ctx *c, int full)
{
    const engine_step *s = engine_current(c->engine);
    if (s->kind != STEP_UPDATE && s->kind != STEP_UPDATE_BIAS)
        return 0;
    if (!full)
        return 1;
    draw_block bl[3];
    engine_tensor t[3];
    if (!plan_blocks(f, c, s, bl, t, f->cols - 4))
        return 0;
    return 3 + draw_block_rows(&bl[0]);
}

int draw_update(frame *f, const mode_ctx *c, int top, int full)
{
    const engine *e = c->engine;
    const engine_step *s = engine_current(e);
    int w = f->cols, row = top;
    if (full) {
        draw_block bl[3];
        engine_tensor t[3];
        int n = s->result.rows * s->result.cols, focus = c->focus < n ? c->focus : 0;
        if (plan_blocks(f, c, s, bl, t, w - 4)) {
            engine_use uses[2] = {{0, focus}, {1, focus}};
            frame_rule(f, top, "Before and after", NULL);
            int x = 2, mrows = draw_block_rows(&bl[0]);
            for (int i = 0; i < 3; i++) {
                draw_matrix(f, &bl[i], top + 1, x, c->decimals, focus, uses, 2, i, FRAME_BACKWARD,
                            0);
                x += bl[i].width;
                if (i < 2) {
                    frame_put(f, top + 2 + (mrows - 1) / 2, x + 2, w, i == 0 ? "+" : "=",
                              i == 0 ? FRAME_NORMAL : FRAME_BACKWARD);
                    x += 5;
                }
            }
            row = top + 2 + mrows;
        }
    }
    double before = engine_pass_loss(e), after = loss_after(c->cache, e);
    char b[FRAME_NUM_BYTES], a[FRAME_NUM_BYTES], d[FRAME_NUM_BYTES], line[LINE_BYTES];
    frame_number_bare(before, c->decimals, b, sizeof b);
    frame_number_bare(after, c->decimals, a, sizeof a);
    frame_number_bare(after - before, c->decimals, d, sizeof d);
    snprintf(line, sizeof line, "loss of sample %d:  before %s  →  after %s  (change %s)",
             engine_sample(e), b, a, d);
    int col = frame_put(f, row, 2, w, line, FRAME_TITLE);
    const char *verdict = !isfinite(after)   ? ""
                          : after < before ? "downhill"
                                           : "not lower: η too large?";
    if (col + 2 + frame_width(f, verdict) <= w)
        frame_put(f, row, col + 2, w, verdict, after < before ? FRAME_DIM : FRAME_WARNING);
    return row + 1 - top;
}

void draw_update_loss(const mode_ctx *c, char *buf, size_t size)
{
    const engine *e = c->engine;
    double before = engine_pass_loss(e), after = loss_after(c->cache, e);
    char b[FRAME_NUM_BYTES], a[FRAME_NUM_BYTES];
    frame_number_bare(before, c->decimals, b, sizeof b);
    frame_number_bare(after, c->decimals, a, sizeof a);
    snprintf(buf, size, "loss of sample %d: %s → %s%s", engine_sample(e), b, a,
             isfinite(after) && after < before ? ", downhill" : "");
}

/* mode_step.c - stepping through the pass, the mode at the bottom of the
 * stack: the keys that move the engine and the focus, autoplay, and the
 * stepping screen (header, network, step, before and after, narration,
 * the pass pane of wide screens, key bar).
 *
 * A lesson's `expressions:` come first, as their own short phase, "shapes":
 * the wrong formula, then the right ones, each with its caption and
 * derivation.  → steps through them into the forward pass, ← from the first
 * step of the lesson comes back to them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "mode.h"
#include "text.h"
#include "theme.h"

/* What stepping remembers between keys. */
typedef struct {
    int intro;        /* the lesson's description shows until the user moves */
    double last_step; /* when autoplay last stepped, or a key last came */
} step_mode;

static const keys_map bar_maps[] = {KEYS_MAP_STEP, KEYS_MAP_GLOBAL};

static void *step_create(void)
{
    return calloc(1, sizeof(step_mode));
}

static void step_destroy(void *self)
{
    free(self);
}

/* A (new) lesson: its shapes phase first, its description until the first move. */
static mode_reply step_open(mode_ctx *c, void *self, keys_action why)
{
    step_mode *m = self;
    (void)why;
    const lesson *l = c->lesson;
    c->tour = l && l->n_expressions > 0 ? 1 : 0;
    m->intro = l && l->description && l->description[0];
    m->last_step = c->now;
    return MODE_DONE;
}

static int result_size(const engine *e)
{
    const engine_step *s = engine_current(e);
    return s ? s->result.rows * s->result.cols : 0;
}

/* The lesson's shapes phase: → and ← walk its expressions, Tab leaves;
 * ← from the lesson's first step comes back.  Returns 1 when it took the
 * action. */
static int tour_apply(mode_ctx *c, keys_action a)
{
    const engine *e = c->engine;
    int n = c->lesson ? c->lesson->n_expressions : 0;
    if (c->tour && (a == KEYS_FOCUS_NEXT || a == KEYS_FOCUS_PREV)) {
        /* ↓ ↑ scroll a derivation longer than the screen (the layout
         * gives it the rows below its first ten). */
        const lesson_expression *x = &c->lesson->expressions[c->tour - 1];
        int w = c->width ? c->width : FRAME_MIN_WIDTH, h = c->height ? c->height : FRAME_MIN_HEIGHT;
        int most = draw_derivation_rows(c, w, x->expr ? x->expr : "") - (h - 12);
        c->tour_scroll += a == KEYS_FOCUS_NEXT ? 1 : -1;
        c->tour_scroll = c->tour_scroll > most ? most : c->tour_scroll;
        c->tour_scroll = c->tour_scroll < 0 ? 0 : c->tour_scroll;
        return 1;
    }
    c->tour_scroll = 0;
    if (c->tour) {
        if (a == KEYS_NEXT || a == KEYS_PHASE_NEXT) {
            c->tour = a == KEYS_NEXT && c->tour < n ? c->tour + 1 : 0;
            return 1;
        }
        if (a == KEYS_PREV || a == KEYS_FIRST || a == KEYS_PHASE_PREV) {
            c->tour = a == KEYS_PREV && c->tour > 1 ? c->tour - 1 : 1;
            return 1;
        }
        if (a == KEYS_RESET || a == KEYS_SAMPLE || a == KEYS_LAST)
            c->tour = 0;
        return 0;
    }
    int first_pass = engine_epoch(e) <= 1 && engine_sample(e) <= 1;
    if (n > 0 && (a == KEYS_PREV || a == KEYS_PHASE_PREV) && engine_step_index(e) == 0 &&
        first_pass) {
        c->tour = n;
        return 1;
    }
    /* The start of the lesson's first pass is its opening tour. */
    if (n > 0 && a == KEYS_FIRST && first_pass) {
        engine_goto(c->engine, 0);
        c->focus = 0;
        c->tour = 1;
        return 1;
    }
    return 0;
}

/* The first step of the next phase, or of the next pass after the last. */
static void phase_next(engine *e)
{
    const engine_step *s = engine_current(e);
    int i = engine_step_index(e), n = engine_step_count(e);
    while (i < n && engine_step_at(e, i)->phase == s->phase)
        i++;
    if (i < n) {
        engine_goto(e, i);
    } else {
        engine_goto(e, n - 1);
        engine_next(e);
    }
}

/* The first step of this phase, or of the one before when already there. */
static void phase_prev(engine *e)
{
    int i = engine_step_index(e);
    engine_phase p = engine_current(e)->phase;
    while (i > 0 && engine_step_at(e, i - 1)->phase == p)
        i--;
    if (i > 0) {
        p = engine_step_at(e, i - 1)->phase;
        while (i > 0 && engine_step_at(e, i - 1)->phase == p)
            i--;
    }
    engine_goto(e, i);
}

/* Carries out a stepping action. */
static void apply(mode_ctx *c, step_mode *m, keys_action a)
{
    engine *e = c->engine;
    /* Esc has nothing to close here: it only says how to leave. */
    if (a == KEYS_BACK) {
        snprintf(c->message, sizeof c->message, "q quits");
        c->message_bad = 0;
        return;
    }
    /* The lesson's description gives way to the step's narration once the
     * user moves. */
    if (a != KEYS_PRECISION && a != KEYS_CONVENTION && a != KEYS_THEME && a != KEYS_NONE &&
        !c->tour)
        m->intro = 0;
    if (tour_apply(c, a))
        return;
    const engine_step *s = engine_current(e);
    int before = result_size(e);
    int n = engine_step_count(e);
    switch (a) {
    case KEYS_NEXT:
        engine_next(e);
        break;
    case KEYS_PREV:
        engine_prev(e);
        break;
    case KEYS_FIRST:
        engine_goto(e, 0);
        break;
    case KEYS_LAST:
        engine_goto(e, n - 1);
        break;
    case KEYS_PHASE_NEXT:
        phase_next(e);
        break;
    case KEYS_PHASE_PREV:
        phase_prev(e);
        break;
    case KEYS_SAMPLE:
        engine_next_sample(e);
        break;
    case KEYS_FOCUS_NEXT:
        if (c->focus + 1 < before)
            c->focus++;
        return;
    case KEYS_FOCUS_PREV:
        if (c->focus > 0)
            c->focus--;
        return;
    case KEYS_CONVENTION: {
        int r = s->result.rows, cols = s->result.cols;
        int fr = c->focus / cols, fc = c->focus % cols;
        engine_set_convention(e, engine_convention(e) == CONV_COLUMNS ? CONV_ROWS : CONV_COLUMNS);
        const engine_step *t = engine_current(e);
        /* The focused element stays the same number, now transposed. */
        if (t && t->result.rows == cols && t->result.cols == r && r > 1 && cols > 1)
            c->focus = fc * r + fr;
        return;
    }
    case KEYS_AUTOPLAY:
        c->autoplay = !c->autoplay;
        return;
    case KEYS_FASTER:
        if (c->delay_ms > 125)
            c->delay_ms /= 2;
        return;
    case KEYS_SLOWER:
        if (c->delay_ms < 8000)
            c->delay_ms *= 2;
        return;
    case KEYS_RESET:
        engine_reset(e);
        c->focus = 0;
        c->autoplay = 0;
        return;
    case KEYS_PRECISION:
        c->decimals = c->decimals >= 6 ? 2 : c->decimals + 2;
        return;
    case KEYS_THEME:
        c->theme = (c->theme + 1) % THEME_COUNT;
        snprintf(c->message, sizeof c->message, "colours: the %s theme (T changes it)",
                 theme_name((theme_id)c->theme));
        c->message_bad = 0;
        return;
    default:
        return;
    }
    /* The step moved: keep the focus when the result has the same size
     * (the two beats of a gradient), else start at its first element. */
    if (result_size(e) != before || c->focus >= result_size(e))
        c->focus = 0;
}

static mode_reply step_key(mode_ctx *c, void *self, int code)
{
    step_mode *m = self;
    keys_action a = keys_lookup(KEYS_MAP_STEP, code, 0);
    m->last_step = c->now; /* autoplay waits its delay after a key */
    /* Esc reaches the bottom of the stack only when nothing is open. */
    if (a == KEYS_NONE && keys_lookup(KEYS_MAP_GLOBAL, code, 0) == KEYS_BACK)
        a = KEYS_BACK;
    if (a == KEYS_NONE)
        return MODE_PASS;
    apply(c, m, a);
    return MODE_DONE;
}

/* Autoplay: a step when the delay has passed since the last one. */
static int step_tick(mode_ctx *c, void *self)
{
    step_mode *m = self;
    if (!c->autoplay)
        return 0;
    double due = m->last_step + c->delay_ms / 1000.0;
    if (c->now + 0.001 < due) {
        int ms = (int)((due - c->now) * 1000.0) + 1;
        c->wake_ms = ms < c->wake_ms ? ms : c->wake_ms;
        return 0;
    }
    apply(c, m, KEYS_NEXT);
    m->last_step = c->now;
    c->wake_ms = c->delay_ms < c->wake_ms ? c->delay_ms : c->wake_ms;
    return 1;
}

/* One of the lesson's expressions, with its caption and derivation, in
 * rows top .. top+rows-1. */
static void layout_tour(const mode_ctx *c, frame *f, int top, int rows)
{
    const lesson_expression *x = &c->lesson->expressions[c->tour - 1];
    int w = f->cols, end = top + rows, right = draw_text_right(f);
    char title[64], count[64], cap[1024], expr[1024];
    snprintf(title, sizeof title, "Shapes %d/%d", c->tour, c->lesson->n_expressions);
    snprintf(count, sizeof count, "%s convention · → next, Tab skips to the pass",
             engine_conv_name(engine_convention(c->engine)));
    frame_rule(f, top, title, count);
    text_sanitize(x->caption ? x->caption : "", cap, sizeof cap);
    frame_wrap(f, top + 1, 2, 2, right, cap);
    text_sanitize(x->expr ? x->expr : "", expr, sizeof expr);
    int col = frame_put(f, top + 4, 2, w, "expression  ", FRAME_TITLE);
    frame_put(f, top + 4, col, w - 1, expr, FRAME_NORMAL);
    frame_rule(f, top + 6, "Derivation", NULL);
    draw_derivation(f, c, top + 7, end, x->expr ? x->expr : "", c->tour_scroll);
}

/* Rows of the step pane: what the current step wants, grown to what the
 * widest step of the pass wants when there is room, so the panes stay put
 * across the pass; an update gives its spare rows to its before-and-after. */
static int step_pane_rows(const mode_ctx *c, const frame *f, int avail, int *diag, int update)
{
    const engine_step *s = engine_current(c->engine);
    int step = draw_step_rows(f, s, c->decimals);
    int narr_min = 4;
    if (*diag + step + narr_min > avail) {
        int room = avail - narr_min;
        int d_cap = room / 3 > 3 ? room / 3 : 3;
        if (*diag > d_cap)
            *diag = d_cap;
        if (step > room - *diag)
            step = room - *diag;
    }
    int most = draw_step_rows_most(f, c);
    if (most > step && *diag + most + narr_min <= avail)
        step = most;
    else if (most > step)
        step = avail - narr_min - *diag > step ? avail - narr_min - *diag : step;
    if (update) {
        int own = draw_step_rows(f, s, c->decimals);
        int ba = draw_update_rows(s);
        int spare = avail - *diag - own - 1;
        if (spare < ba && step > own)
            step = own;
        else if (step > own && spare >= ba)
            step = avail - *diag - ba - 1 - 2 > own ? step : own;
    }
    return step;
}

static void step_layout(const mode_ctx *c, const void *self, frame *f)
{
    const step_mode *m = self;
    const engine *e = c->engine;
    const engine_step *s = engine_current(e);
    if (!s || !engine_network(e))
        return;
    int h = f->height;
    if (c->tour && c->lesson && c->tour <= c->lesson->n_expressions) {
        layout_tour(c, f, 2, h - 3);
        draw_header(f, c);
        draw_keybar(f, h - 1, bar_maps, 2, draw_step_context(c));
        draw_message(f, c);
        return;
    }
    /* Wide and tall screens keep the whole pass in view on the right: the
     * panes are laid out narrower. */
    int full = f->cols, pass_w = draw_pass_width(f->width, h);
    f->cols = full - pass_w;

    /* Rows: header 2, three rules, key bar 1; the rest is shared. */
    int avail = h - 6;
    int diag = draw_diagram_rows(e, h);
    int update = (s->kind == STEP_UPDATE || s->kind == STEP_UPDATE_BIAS) && !c->hide_result &&
                 !c->quiz_on;
    int step = step_pane_rows(c, f, avail, &diag, update);

    int row = 2;
    frame_rule(f, row++, "Network",
               s->phase == PHASE_FORWARD || s->kind == STEP_LOSS ? "values: activations"
                                                                : "values: δ");
    draw_diagram(f, c, row, diag);
    row += diag;
    char sid[48];
    snprintf(sid, sizeof sid, "Step %s", s->id);
    frame_rule(f, row++, sid, NULL);
    draw_step(f, c, row, step);
    row += step;
    if (update)
        row += draw_update(f, c, row, h - 1 - row);
    if (h - 1 - row >= 2) {
        if (m->intro && c->lesson && c->lesson->description && engine_step_index(e) == 0)
            draw_about(f, c, row, h - 1 - row);
        else
            draw_narration(f, c, row, h - 1 - row);
    }
    f->pane = (frame_pane){row, h - 1 - row, f->cols};
    f->cols = full;
    draw_header(f, c);
    if (pass_w)
        draw_pass(f, c, full - pass_w, 2, h - 1);
    draw_keybar(f, h - 1, bar_maps, 2, draw_step_context(c));
    draw_message(f, c);
}

const mode_ops mode_step = {
    .map = KEYS_MAP_STEP,
    .passes = 1,
    .create = step_create,
    .destroy = step_destroy,
    .open = step_open,
    .key = step_key,
    .tick = step_tick,
    .layout = step_layout,
};

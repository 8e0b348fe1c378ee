/* mode_step.c - stepping through the pass, the mode at the bottom of the
 * stack: the keys that move the engine and the focus, autoplay, and the
 * stepping screen (header, network, step, before and after, narration,
 * the pass pane of wide screens, key bar); on a weight's gradient, the
 * formula panel (s); the text under the step scrolls (J, K), and the
 * focused element's chain rule expands (d).
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
    /* What the keys changed on one step only; another step starts afresh. */
    int epoch, sample, index; /* the step they belong to */
    int scroll;       /* the first line of the text under the step */
    int depth;        /* layers of δ the chain rule shows expanded, from 1 */
    int formula;      /* the formula panel is open */
} step_mode;

/* The per-step state as it stands for the step on screen: the defaults
 * when it was kept for another step. */
static step_mode step_state(const step_mode *m, const engine *e)
{
    step_mode v = *m;
    if (m->epoch != engine_epoch(e) || m->sample != engine_sample(e) ||
        m->index != engine_step_index(e) || m->depth < 1) {
        v.scroll = 0;
        v.depth = 1;
        v.formula = 0;
    }
    return v;
}

/* Makes the per-step state the current step's. */
static void step_own(step_mode *m, const engine *e)
{
    *m = step_state(m, e);
    m->epoch = engine_epoch(e);
    m->sample = engine_sample(e);
    m->index = engine_step_index(e);
}

/* Layers of δ the chain rule of the current step can show expanded: up to
 * the output; 0 when the step has no chain rule. */
static int chain_depth_max(const engine *e)
{
    const engine_step *s = engine_current(e);
    if (!s || (s->kind != STEP_GRADIENT && s->kind != STEP_BIAS_GRAD))
        return 0;
    return engine_network(e)->layers - s->layer + 1;
}

/* The KEYS_WHEN_* bits of the stepping screen with the step's own state. */
static unsigned step_context(const mode_ctx *c, const step_mode *v)
{
    unsigned bits = draw_step_context(c);
    if (c->cache->text_lines > c->cache->text_view && !v->formula && !c->tour)
        bits |= KEYS_WHEN_MORE;
    if (chain_depth_max(c->engine) > 1 && !v->formula && !c->hide_result)
        bits |= KEYS_WHEN_CHAIN;
    if (!c->tour && draw_formula_available(c))
        bits |= v->formula ? KEYS_WHEN_PANEL : KEYS_WHEN_FORMULA;
    return bits;
}

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
        a != KEYS_DOWN && a != KEYS_UP && !c->tour)
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
    case KEYS_DOWN:
        step_own(m, e);
        if (m->scroll < c->cache->text_lines - c->cache->text_view)
            m->scroll++;
        return;
    case KEYS_UP:
        step_own(m, e);
        if (m->scroll > 0)
            m->scroll--;
        return;
    case KEYS_CHAIN:
        step_own(m, e);
        m->depth = m->depth < chain_depth_max(e) ? m->depth + 1 : 1;
        return;
    case KEYS_FORMULA:
        step_own(m, e);
        m->formula = !m->formula && draw_formula_available(c);
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
    keys_action a = keys_lookup(KEYS_MAP_STEP, code, step_context(c, m));
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

/* How the stepping screen fits a terminal, from 80×24 up.  From the top:
 * the header (2 rows, 3 when a step's title needs a row of its own), the
 * network, the step pane, the update's before-and-after (update steps),
 * the narration, the key bar.  Nothing in the step pane is ever cut: when
 * it does not all fit, the screen gives way in this order.
 *   1. The step's operands and result go on as many lines as they need,
 *      the glyph that joins two lines beginning the second (draw_step.c).
 *   2. A block wider than the pane shows its numbers with 2 decimals, then
 *      without the blank kept for a plus sign (draw_step.c).
 *   3. The update's before-and-after keeps only its line of the loss
 *      before and after: its three matrices are the step's own W, η·G and
 *      W⁺ once more.
 *   4. The network's nodes close up: a row apart only on tall screens.
 *   5. The narration shrinks to one line; its rule says which lines show
 *      and that J and K scroll the rest.
 *   6. The network hides.
 *   7. Only then does a block show a window of itself, the step's rule
 *      saying so; ↑↓ move the window with the focus.
 * 1, 2, 3 and 7 are decided per step, and move nothing else; 4 to 6 once
 * for the whole pass and size, from the step that needs the most rows, so
 * the network never jumps as you step.  The step pane keeps the pass's
 * tallest height when the narration keeps its 3 lines even so (the panes
 * stay put), else the step's own; so does the first step while the
 * lesson's description shows in the narration's place. */
enum {
    NARRATION_LINES = 3, /* lines of narration the layout keeps before giving way */
    QUIZ_LINES = 5,      /* the quiz's question, hint and prompt in the narration's place */
    SPACED_HEIGHT = 40,  /* from this height the network's nodes stand a row apart */
};

/* 1 for the steps that update the weights or biases. */
static int update_step(const engine_step *s)
{
    return s->kind == STEP_UPDATE || s->kind == STEP_UPDATE_BIAS;
}

/* The layout of the panes, for one step. */
typedef struct {
    int header;   /* rows of the header */
    int diagram;  /* rows of the network, labels included; 0: hidden */
    int pane;     /* rows of the step pane */
    int update;   /* before-and-after: 2 = whole, 1 = its loss line, 0 = none */
    int update_rows;
    int text;     /* rows of narration text under its rule (at least 1) */
} step_plan;

/* The lesson's description shows in the narration's place: on the first
 * step until the user moves. */
static int showing_about(const mode_ctx *c, const step_mode *m)
{
    return m->intro && c->lesson && c->lesson->description && engine_step_index(c->engine) == 0;
}

static step_plan plan_layout(const mode_ctx *c, frame *f, int full_width, int depth, int about)
{
    const engine *e = c->engine;
    const engine_step *s = engine_current(e);
    int h = f->height, index = engine_step_index(e), n = engine_step_count(e);
    step_plan p = {0};
    int cols = f->cols;
    f->cols = full_width;
    p.header = draw_header_rows(f, c);
    f->cols = cols;
    const draw_pass_memo *pm = draw_pass_measure(f, c);
    int own[DRAW_STEP_LOOKS];
    draw_step_looks(f, c, index, c->focus, depth, own);
    int mine = index < DRAW_MAX_STEPS && pm->rows[index] > own[0] ? pm->rows[index] : own[0];
    /* The pass's tallest step in its narrowest look decides the network. */
    int tallest = own[DRAW_STEP_LOOKS - 1];
    for (int i = 0; i < n && i < DRAW_MAX_STEPS; i++)
        tallest = pm->least[i] > tallest ? pm->least[i] : tallest;
    int want = c->quiz_on ? QUIZ_LINES : NARRATION_LINES;
    /* Header, the step's rule, the narration's rule, the key bar. */
    int fixed = p.header + 3;
    int spaced = draw_diagram_rows(e, 1), compact = draw_diagram_rows(e, 0);
    int least = want; /* narration lines the pass keeps */
    if (h >= SPACED_HEIGHT && fixed + 1 + spaced + tallest + want <= h)
        p.diagram = spaced;
    else if (fixed + 1 + compact + tallest + want <= h)
        p.diagram = compact;
    else if (fixed + 1 + compact + tallest + 1 <= h)
        p.diagram = compact, least = 1;
    else
        p.diagram = 0, least = 1;
    int avail = h - fixed - (p.diagram ? 1 + p.diagram : 0);
    int update = update_step(s) && !c->hide_result && !c->quiz_on;
    if (pm->most > mine && !update && !about && avail - pm->most >= want) {
        p.pane = pm->most; /* the pass's tallest pane: the panes stay put */
    } else {
        /* The first look that leaves the narration its lines, else one. */
        p.pane = own[DRAW_STEP_LOOKS - 1];
        for (int k = DRAW_STEP_LOOKS - 1; k >= 0; k--)
            if (avail - own[k] >= least)
                p.pane = k == 0 ? mine > own[0] && avail - mine >= least ? mine : own[0] : own[k];
        for (int k = 0; k < DRAW_STEP_LOOKS; k++)
            if (avail - own[k] >= want) {
                p.pane = own[k];
                break;
            }
    }
    if (update) {
        int whole = draw_update_rows(f, c, 1);
        if (whole && p.pane + whole + want <= avail)
            p.update = 2, p.update_rows = whole;
        else if (p.pane + 1 + least <= avail)
            p.update = 1, p.update_rows = 1;
    }
    if (p.pane > avail - p.update_rows - 1)
        p.pane = avail - p.update_rows - 1; /* 7: the blocks show windows */
    p.text = avail - p.pane - p.update_rows;
    return p;
}

/* One of the lesson's expressions, with its caption and derivation, in
 * rows top .. top+rows-1. */
static void layout_tour(const mode_ctx *c, frame *f, int top, int rows)
{
    const lesson_expression *x = &c->lesson->expressions[c->tour - 1];
    int w = f->cols, end = top + rows, right = draw_text_right(f);
    char title[64], count[64], cap[1024], expr[1024];
    snprintf(title, sizeof title, "Shapes %d/%d", c->tour, c->lesson->n_expressions);
    snprintf(count, sizeof count, "%s convention %s → next, Tab skips to the pass",
             engine_conv_name(engine_convention(c->engine)), frame_sep(f));
    frame_rule(f, top, title, count);
    text_sanitize(x->caption ? x->caption : "", cap, sizeof cap);
    frame_wrap(f, top + 1, 2, 2, right, cap);
    text_sanitize(x->expr ? x->expr : "", expr, sizeof expr);
    int col = frame_put(f, top + 4, 2, w, "expression  ", FRAME_TITLE);
    frame_put(f, top + 4, col, w - 1, expr, FRAME_NORMAL);
    frame_rule(f, top + 6, "Derivation", NULL);
    draw_derivation(f, c, top + 7, end, x->expr ? x->expr : "", c->tour_scroll);
}

static void step_layout(const mode_ctx *c, const void *self, frame *f)
{
    const step_mode *m = self;
    const engine *e = c->engine;
    const engine_step *s = engine_current(e);
    if (!s || !engine_network(e))
        return;
    step_mode v = step_state(m, e);
    int h = f->height;
    if (c->tour && c->lesson && c->tour <= c->lesson->n_expressions) {
        int header = draw_header_rows(f, c);
        layout_tour(c, f, header, h - 1 - header);
        draw_header(f, c, header);
        c->cache->text_lines = c->cache->text_view = 0;
        draw_keybar(f, h - 1, bar_maps, 2, step_context(c, &v));
        draw_message(f, c);
        return;
    }
    /* Wide and tall screens keep the whole pass in view on the right: the
     * panes are laid out narrower. */
    int full = f->cols, pass_w = draw_pass_width(f->width, h);
    f->cols = full - pass_w;
    step_plan p = plan_layout(c, f, full, v.depth, showing_about(c, m));
    int row = p.header;
    if (v.formula && draw_formula_available(c)) {
        draw_formula(f, c, row, h - 1 - row);
        c->cache->text_lines = c->cache->text_view = 0;
        f->pane = (frame_pane){0, 0, f->cols};
    } else {
        if (p.diagram) {
            char legend[160];
            draw_diagram_legend(c, legend, sizeof legend);
            frame_rule(f, row++, "Network", legend);
            draw_diagram(f, c, row, p.diagram);
            row += p.diagram;
        }
        int rule = row++;
        draw_step(f, c, row, p.pane, v.depth);
        char sid[48], right[160];
        int warning;
        snprintf(sid, sizeof sid, "Step %s", s->id);
        draw_header_right(c, right, sizeof right, &warning);
        char lead[96] = "";
        if (draw_step_windowed(c))
            snprintf(lead, sizeof lead, "a window: ↑↓ moves it, ");
        else if (draw_step_decimals(c) != c->decimals)
            snprintf(lead, sizeof lead, "%d decimals to fit, ", draw_step_decimals(c));
        else if (draw_formula_available(c))
            snprintf(lead, sizeof lead, "s: your formula, ");
        if (!warning && update_step(s) && !p.update) {
            /* 3: no row for the loss line, so the rule says it. */
            draw_update_loss(c, right, sizeof right);
        } else if (!warning && lead[0]) {
            char conv[sizeof right];
            memcpy(conv, right, sizeof conv);
            snprintf(right, sizeof right, "%s%.100s", lead, conv);
        }
        frame_rule(f, rule, sid, right);
        int at = f->cols - frame_width(f, right) - 3;
        if (warning && at > frame_width(f, sid) + 6)
            frame_put(f, rule, at, f->cols, right, FRAME_WARNING);
        row += p.pane;
        if (p.update)
            row += draw_update(f, c, row, p.update == 2);
        int rows = h - 1 - row;
        if (showing_about(c, m))
            draw_about(f, c, row, rows, v.scroll);
        else
            draw_narration(f, c, row, rows, v.scroll);
        f->pane = (frame_pane){row, rows, f->cols};
    }
    f->cols = full;
    draw_header(f, c, p.header);
    if (pass_w)
        draw_pass(f, c, full - pass_w, 2, h - 1);
    draw_keybar(f, h - 1, bar_maps, 2, step_context(c, &v));
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

/* draw_header.c - the header rows of the stepping screen: what lesson this
 * is and where the pass stands (epoch, sample, loss), then the phase, the
 * step and its whole title (on a third row when it needs one); and what
 * the step pane's rule says on its right: the convention in force, or
 * where values stopped being finite. */
#include <stdio.h>
#include <string.h>

#include "draw.h"
#include "text.h"

enum { LINE_BYTES = 1024 };

/* The first row: "backstep · TITLE [modified]   quiz 1/2  epoch 1  sample
 * 1/4  loss 0.3377". */
static void title_row(frame *f, const mode_ctx *c)
{
    const engine *e = c->engine;
    const lesson *l = c->lesson;
    int w = f->cols;
    char line[LINE_BYTES], title[LINE_BYTES], num[FRAME_NUM_BYTES];
    frame_fill(f, 0, 0, w, FRAME_TITLE);
    text_sanitize(l && l->title ? l->title : "backstep", title, sizeof title);
    const char *mark = c->modified ? " [modified]" : "";
    /* text_number pads a positive number with a blank for its sign, and
     * leaves "nan" and "inf" bare: here the gap is written out instead. */
    frame_number_bare(engine_pass_loss(e), c->decimals, num, sizeof num);
    const engine_net *net = engine_network(e);
    /* The quiz's score gives way to the title first: the quiz's own pane
     * shows it too. */
    int markw = frame_width(f, mark), rw = 0;
    for (int with_score = c->score[0] != '\0'; with_score >= 0; with_score--) {
        snprintf(line, sizeof line, "%s%sepoch %d  sample %d/%d  loss %s ",
                 with_score ? c->score : "", with_score ? "  " : "", engine_epoch(e),
                 engine_sample(e), net ? net->samples : 1, num);
        rw = frame_width(f, line);
        if (1 + frame_width(f, title) + markw + rw + 2 <= w)
            break;
    }
    int col = 1;
    /* The program's name gives way to the lesson's title when short of room. */
    if (1 + 11 + frame_width(f, title) + markw + rw + 2 <= w) {
        col = frame_put(f, 0, col, w, "backstep", FRAME_TITLE);
        col = frame_put(f, 0, col, w, f->ascii ? " - " : " · ", FRAME_TITLE);
    }
    /* A long title gives way with "…"; the [modified] mark always shows. */
    int room = w - rw - 2 - col - markw;
    if (frame_width(f, title) > room && room > 1) {
        char buf[LINE_BYTES];
        const char *cut = frame_shown(f, title, buf, sizeof buf); /* may be title itself */
        size_t n = text_fit(cut, room - frame_width(f, "…"));
        memmove(title, cut, n);
        memcpy(title + n, "…", sizeof "…");
    }
    col = frame_put(f, 0, col, w - rw - 1 - markw, title, FRAME_TITLE);
    frame_put(f, 0, col, w - rw - 1, mark, FRAME_WARNING);
    frame_put(f, 0, w - rw, w, line, FRAME_TITLE);
}

/* " BACKWARD  step 13/16  " or " SHAPES  shapes 1/5 · step 1/16  ". */
static void step_tag(const frame *f, const mode_ctx *c, char *tag, size_t ts, char *where,
                     size_t ws)
{
    const engine *e = c->engine;
    const lesson *l = c->lesson;
    int shapes = c->tour && l && c->tour <= l->n_expressions;
    snprintf(tag, ts, " %s ", shapes ? "shapes" : engine_phase_name(engine_current(e)->phase));
    for (char *p = tag; *p; p++)
        if (*p >= 'a' && *p <= 'z')
            *p = (char)(*p - 'a' + 'A');
    if (shapes)
        snprintf(where, ws, " shapes %d/%d %s step 1/%d  ", c->tour, l->n_expressions,
                 frame_sep(f), engine_step_count(e));
    else
        snprintf(where, ws, " step %d/%d  ", engine_step_index(e) + 1, engine_step_count(e));
}

/* Columns a step title may take on the second row of any step of the
 * pass: after the longest phase tag and step number. */
static int title_room(const frame *f, const mode_ctx *c)
{
    char where[64];
    int n = engine_step_count(c->engine);
    snprintf(where, sizeof where, " step %d/%d  ", n, n);
    return f->cols - frame_width(f, " BACKWARD ") - frame_width(f, where) - 1;
}

/* The step's title, one line, safe to show (the tour's has none: its
 * caption is on the pane). */
static void step_title(const mode_ctx *c, const engine_step *s, char *buf, size_t size)
{
    if (c->tour && c->lesson && c->tour <= c->lesson->n_expressions) {
        buf[0] = '\0';
        return;
    }
    text_sanitize(s->title, buf, size);
    for (char *p = buf; *p; p++)
        if (*p == '\n')
            *p = ' ';
}

int draw_header_rows(const frame *f, const mode_ctx *c)
{
    const engine *e = c->engine;
    int room = title_room(f, c);
    for (int i = 0; i < engine_step_count(e); i++) {
        char title[LINE_BYTES];
        step_title(c, engine_step_at(e, i), title, sizeof title);
        if (frame_width(f, title) > room)
            return 3;
    }
    return 2;
}

/* The second row: " FORWARD  step 1/17  Weighted sums into the hidden
 * layer", the title going on to the third row when there are three. */
static void step_row(frame *f, const mode_ctx *c, int rows)
{
    const engine *e = c->engine;
    const engine_step *s = engine_current(e);
    int w = f->cols;
    char tag[32], where[64], title[LINE_BYTES], shown[LINE_BYTES];
    int phase_attr = s->phase == PHASE_FORWARD ? FRAME_FORWARD : FRAME_BACKWARD;
    step_tag(f, c, tag, sizeof tag, where, sizeof where);
    int col = frame_put(f, 1, 0, w, tag, phase_attr);
    col = frame_put(f, 1, col, w, where, FRAME_TITLE);
    step_title(c, s, title, sizeof title);
    const char *t = frame_shown(f, title, shown, sizeof shown);
    int room = w - 1 - col;
    if (text_width(t) <= room || rows < 3) {
        frame_put_raw(f, 1, col, w - 1, t, FRAME_NORMAL);
        return;
    }
    /* Broken at the last space that fits, the rest under it. */
    size_t fit = text_fit(t, room), cut = fit;
    while (cut > 0 && t[cut] != ' ')
        cut--;
    if (cut == 0)
        cut = fit;
    char first[LINE_BYTES];
    memcpy(first, t, cut);
    first[cut] = '\0';
    frame_put_raw(f, 1, col, w - 1, first, FRAME_NORMAL);
    while (t[cut] == ' ')
        cut++;
    frame_put_raw(f, 2, col, w - 1, t + cut, FRAME_NORMAL);
}

void draw_header(frame *f, const mode_ctx *c, int rows)
{
    title_row(f, c);
    step_row(f, c, rows);
}

void draw_header_right(const mode_ctx *c, char *buf, size_t size, int *warning)
{
    const engine *e = c->engine;
    *warning = 0;
    /* Values that stopped being finite outrank the convention. */
    for (int i = 0; i < engine_step_count(e); i++) {
        const engine_step *o = engine_step_at(e, i);
        if (o && o->nonfinite) {
            snprintf(buf, size, "not finite from step %d (%s)", i + 1, o->id);
            *warning = 1;
            return;
        }
    }
    if (c->autoplay)
        snprintf(buf, size, "▶ %.2gs  %s", c->delay_ms / 1000.0,
                 engine_conv_name(engine_convention(e)));
    else
        snprintf(buf, size, "%s convention", engine_conv_name(engine_convention(e)));
}

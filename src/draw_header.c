/* draw_header.c - the two header rows of the stepping screen: what lesson
 * this is and where the pass stands (epoch, sample, loss), then the phase,
 * the step and its title, and the convention in force. */
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
    snprintf(line, sizeof line, "%s%sepoch %d  sample %d/%d  loss %s ", c->score,
             c->score[0] ? "  " : "", engine_epoch(e), engine_sample(e),
             net ? net->samples : 1, num);
    int rw = frame_width(f, line);
    int col = 1;
    /* The program's name gives way to the lesson's title when short of room. */
    int markw = frame_width(f, mark);
    if (1 + 11 + frame_width(f, title) + markw + rw + 2 <= w) {
        col = frame_put(f, 0, col, w, "backstep", FRAME_TITLE);
        col = frame_put(f, 0, col, w, " · ", FRAME_TITLE);
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

/* The second row: " FORWARD  step 1/17  Weighted sums …   columns convention". */
static void step_row(frame *f, const mode_ctx *c)
{
    const engine *e = c->engine;
    const engine_step *s = engine_current(e);
    const lesson *l = c->lesson;
    int w = f->cols;
    char line[LINE_BYTES], title[LINE_BYTES];
    int phase_attr = s->phase == PHASE_FORWARD ? FRAME_FORWARD : FRAME_BACKWARD;
    char tag[32];
    int shapes = c->tour && l && c->tour <= l->n_expressions;
    snprintf(tag, sizeof tag, " %s ", shapes ? "shapes" : engine_phase_name(s->phase));
    for (char *p = tag; *p; p++)
        if (*p >= 'a' && *p <= 'z')
            *p = (char)(*p - 'a' + 'A');
    int col = frame_put(f, 1, 0, w, tag, phase_attr);
    if (shapes)
        snprintf(line, sizeof line, " shapes %d/%d · step 1/%d  ", c->tour, l->n_expressions,
                 engine_step_count(e));
    else
        snprintf(line, sizeof line, " step %d/%d  ", engine_step_index(e) + 1,
                 engine_step_count(e));
    col = frame_put(f, 1, col, w, line, FRAME_TITLE);
    char right[96];
    if (c->autoplay)
        snprintf(right, sizeof right, "▶ %.2gs  %s", c->delay_ms / 1000.0,
                 engine_conv_name(engine_convention(e)));
    else
        snprintf(right, sizeof right, "%s convention", engine_conv_name(engine_convention(e)));
    /* Values that stopped being finite outrank the convention. */
    int right_attr = FRAME_DIM;
    for (int i = 0; i < engine_step_count(e); i++) {
        const engine_step *o = engine_step_at(e, i);
        if (o && o->nonfinite) {
            snprintf(right, sizeof right, "not finite from step %d (%s)", i + 1, o->id);
            right_attr = FRAME_WARNING;
            break;
        }
    }
    int rw = frame_width(f, right);
    const char *caption = shapes ? l->expressions[c->tour - 1].caption : NULL;
    text_sanitize(shapes ? (caption ? caption : "") : s->title, title, sizeof title);
    for (char *p = title; *p; p++)
        if (*p == '\n')
            *p = ' ';
    int room = w - rw - 3 - col;
    if (frame_width(f, title) > room) {
        char cut[LINE_BYTES];
        frame_shown(f, title, cut, sizeof cut);
        if (f->ascii)
            memcpy(title, cut, strlen(cut) + 1);
        size_t n = text_fit(title, room - frame_width(f, "…"));
        memcpy(title + n, "…", sizeof "…");
    }
    frame_put(f, 1, col, w - rw - 2, title, FRAME_NORMAL);
    frame_put(f, 1, w - rw - 1, w, right, right_attr);
}

void draw_header(frame *f, const mode_ctx *c)
{
    title_row(f, c);
    step_row(f, c);
}

/* screen.c - the dispatcher: the stack of modes, every key's way through
 * it, the modes' ticks, the layout from the bottom mode up, and opening
 * another lesson in place of this one.  See screen.h for the whole. */
#include "screen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "draw.h"

enum { IDLE_WAKE_MS = 250 }; /* the longest wait for a key when nothing is due */

/* Every mode there is; the dispatcher finds each by its key map. */
static const mode_ops *const all_modes[] = {
    &mode_step, &mode_quiz, &mode_shape, &mode_train,
    &mode_check, &mode_edit, &mode_browse, &mode_help, &mode_blank,
};

struct screen {
    mode_ctx ctx;
    const mode_ops *ops[KEYS_MAP_COUNT]; /* the mode of each map; NULL for global, text */
    void *state[KEYS_MAP_COUNT];         /* each mode's state */
    keys_map stack[KEYS_MAP_COUNT];      /* bottom first; the step mode at 0 */
    int depth;
    int width, height; /* the terminal's size (screen_resize); 0 before it is known */
};

/* Monotonic seconds. */
static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int on_stack(const screen *s, keys_map m)
{
    for (int i = 0; i < s->depth; i++)
        if (s->stack[i] == m)
            return 1;
    return 0;
}

/* The key maps that answer keys now, top first: each mode's down to one
 * that keeps the keys it does not use, and the global ones past the bottom. */
static void note_maps(screen *s)
{
    mode_ctx *c = &s->ctx;
    int cap = (int)(sizeof c->maps / sizeof c->maps[0]);
    c->n_maps = 0;
    for (int i = s->depth - 1; i >= 0 && c->n_maps < cap; i--) {
        c->maps[c->n_maps++] = s->stack[i];
        if (!s->ops[s->stack[i]]->passes)
            return;
    }
    if (c->n_maps < cap)
        c->maps[c->n_maps++] = KEYS_MAP_GLOBAL;
}

/* Takes the mode at stack level i off the stack. */
static void close_at(screen *s, int i)
{
    keys_map m = s->stack[i];
    if (s->ops[m]->close)
        s->ops[m]->close(&s->ctx, s->state[m]);
    memmove(&s->stack[i], &s->stack[i + 1], sizeof s->stack[0] * (size_t)(s->depth - i - 1));
    s->depth--;
    note_maps(s);
}

/* Opens mode m on top, for a key whose action is why.  Returns 1 when the
 * user asked to leave. */
static int push(screen *s, keys_map m, keys_action why)
{
    switch (s->ops[m]->open(&s->ctx, s->state[m], why)) {
    case MODE_DONE:
        s->stack[s->depth++] = m;
        note_maps(s);
        return 0;
    case MODE_QUIT:
        return 1;
    case MODE_PASS:
    case MODE_CLOSE:
    case MODE_LESSON:
        return 0;
    }
    return 0;
}

/* Every mode's tick, bottom first.  Returns 1 when the screen changed. */
static int tick_all(screen *s)
{
    int changed = 0;
    s->ctx.now = now();
    s->ctx.wake_ms = IDLE_WAKE_MS;
    for (int i = 0; i < s->depth; i++) {
        const mode_ops *o = s->ops[s->stack[i]];
        if (o->tick)
            changed |= o->tick(&s->ctx, s->state[s->stack[i]]);
    }
    return changed;
}

/* Opens the lesson at ctx.open_path in place of the one on screen; the
 * modes under the browser start again on it.  When it does not open,
 * ctx.open_error says why and nothing changes. */
static void open_lesson(screen *s)
{
    mode_ctx *c = &s->ctx;
    lesson next;
    lesson_error err;
    if (lesson_load_file(c->open_path, &next, &err) != 0) {
        snprintf(c->open_error, sizeof c->open_error, "%s", err.message);
        return;
    }
    engine *e = engine_new(&next.net, next.net.convention);
    if (!e) {
        lesson_free(&next);
        snprintf(c->open_error, sizeof c->open_error, "%s",
                 "out of memory: the lesson stays as it was");
        return;
    }
    int quiz = on_stack(s, KEYS_MAP_QUIZ);
    while (s->depth > 0)
        close_at(s, s->depth - 1);
    engine_free(c->engine);
    c->engine = e;
    lesson_free(c->lesson);
    *c->lesson = next;
    c->lesson_count++;
    c->focus = 0;
    c->autoplay = 0;
    c->modified = 0;
    c->undoable = 0;
    c->message[0] = '\0';
    c->open_error[0] = '\0';
    push(s, KEYS_MAP_STEP, KEYS_NONE);
    if (quiz)
        push(s, KEYS_MAP_QUIZ, KEYS_QUIZ); /* quiz mode stays; its score starts over */
}

/* What the dispatcher does with a mode's reply: the mode at level i
 * answered r.  Returns 1 when the user asked to leave. */
static int follow(screen *s, int i, mode_reply r)
{
    switch (r) {
    case MODE_DONE:
    case MODE_PASS:
        return 0;
    case MODE_CLOSE:
        if (i > 0) /* the stepping screen stays */
            close_at(s, i);
        return 0;
    case MODE_QUIT:
        return 1;
    case MODE_LESSON:
        open_lesson(s);
        return 0;
    }
    return 0;
}

/* A row that opens a mode: opens it, or closes it when it is open (z). */
static int open_row(screen *s, const keys_entry *row)
{
    for (int i = 0; i < s->depth; i++)
        if (s->stack[i] == row->opens) {
            close_at(s, i);
            return 0;
        }
    return push(s, row->opens, row->action);
}

/* Whether the terminal is too small to show anything but the request for
 * more room. */
static int too_small(const screen *s)
{
    return s->width > 0 && (s->width < FRAME_MIN_WIDTH || s->height < FRAME_MIN_HEIGHT);
}

void screen_resize(screen *s, int width, int height)
{
    s->width = s->ctx.width = width;
    s->height = s->ctx.height = height;
}

int screen_key(screen *s, int code)
{
    int quit = 0;
    /* Nothing acts unseen: on a terminal too small to show the screen only
     * q does, and only when it would lose nothing. */
    if (too_small(s))
        return keys_lookup(KEYS_MAP_GLOBAL, code, 0) == KEYS_QUIT && !s->ctx.modified;
    s->ctx.now = now();
    s->ctx.message[0] = '\0'; /* the last outcome shows until the next key */
    for (int i = s->depth - 1; i >= 0; i--) {
        keys_map m = s->stack[i];
        mode_reply r = s->ops[m]->key(&s->ctx, s->state[m], code);
        if (r != MODE_PASS) {
            quit = follow(s, i, r);
            break;
        }
        /* Not the mode's: one of its rows may open another mode (? in
         * the tools), or the mode below gets it, and past the bottom the
         * global rows. */
        const keys_entry *row = keys_find(m, code, 0);
        if (row && row->opens != KEYS_MAP_GLOBAL) {
            quit = open_row(s, row);
            break;
        }
        if (!s->ops[m]->passes)
            break;
        row = i == 0 ? keys_find(KEYS_MAP_GLOBAL, code, 0) : NULL;
        if (row && row->opens != KEYS_MAP_GLOBAL)
            quit = open_row(s, row);
    }
    if (!quit)
        tick_all(s);
    return quit;
}

int screen_tick(screen *s)
{
    return tick_all(s);
}

int screen_timeout(const screen *s)
{
    return s->ctx.wake_ms;
}

void screen_layout(const screen *s, frame *f, int width, int height)
{
    const mode_ctx *c = &s->ctx;
    frame_begin(f, width, height, c->ascii);
    if (width < FRAME_MIN_WIDTH || height < FRAME_MIN_HEIGHT) {
        frame_too_small(f, width, height);
        /* q does not leave then: say why, and what does. */
        if (c->modified && height >= 4) {
            static const char *const why[] = {"unsaved edits: q waits for a",
                                              "larger terminal, to ask first"};
            for (int i = 0; i < 2; i++) {
                int col = (width - frame_width(f, why[i])) / 2;
                frame_put(f, height / 2 + 2 + i, col < 0 ? 0 : col, width, why[i], FRAME_DIM);
            }
        }
        return;
    }
    if (!engine_current(c->engine) || !engine_network(c->engine))
        return;
    /* The topmost mode that covers the whole screen hides the ones below. */
    int from = 0;
    for (int i = s->depth - 1; i > 0 && from == 0; i--) {
        const mode_ops *o = s->ops[s->stack[i]];
        if (o->covers && o->covers(s->state[s->stack[i]]))
            from = i;
    }
    for (int i = from; i < s->depth; i++)
        s->ops[s->stack[i]]->layout(c, s->state[s->stack[i]], f);
}

screen *screen_new(lesson *l, const screen_options *opt)
{
    screen *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    mode_ctx *c = &s->ctx;
    engine_conv conv = opt->convention >= 0 && opt->convention < CONV_COUNT
                           ? (engine_conv)opt->convention
                           : l->net.convention;
    c->lesson = l;
    c->engine = engine_new(&l->net, conv);
    c->cache = calloc(1, sizeof *c->cache);
    c->ascii = opt->ascii;
    c->decimals = 4;
    c->delay_ms = 1000;
    c->answered = -1;
    c->lesson_count = 1;
    c->now = now();
    int ok = c->engine && c->cache;
    for (size_t i = 0; ok && i < sizeof all_modes / sizeof all_modes[0]; i++) {
        keys_map m = all_modes[i]->map;
        s->ops[m] = all_modes[i];
        s->state[m] = all_modes[i]->create();
        ok = s->state[m] != NULL;
    }
    if (!ok) {
        screen_free(s);
        return NULL;
    }
    push(s, KEYS_MAP_STEP, KEYS_NONE);
    if (opt->quiz)
        push(s, KEYS_MAP_QUIZ, KEYS_QUIZ);
    tick_all(s);
    return s;
}

void screen_free(screen *s)
{
    if (!s)
        return;
    while (s->depth > 0)
        close_at(s, s->depth - 1);
    for (int m = 0; m < KEYS_MAP_COUNT; m++)
        if (s->ops[m])
            s->ops[m]->destroy(s->state[m]);
    engine_free(s->ctx.engine);
    free(s->ctx.cache);
    free(s);
}

engine *screen_engine(screen *s)
{
    return s->ctx.engine;
}

mode_ctx *screen_ctx(screen *s)
{
    return &s->ctx;
}

keys_map screen_top(const screen *s)
{
    return s->depth > 0 ? s->stack[s->depth - 1] : KEYS_MAP_STEP;
}

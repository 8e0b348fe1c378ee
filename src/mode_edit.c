/* mode_edit.c - everything that changes the network or writes it, asked on
 * the bottom row over the stepping screen, so that no work is ever lost:
 * editing a number in place (e: the pass starts again from the edited
 * network), taking edits back and making them again (u, U), going back to
 * the lesson's start (r, asking whether to restore its own values), saving
 * it as a lesson (w) and the questions before a file is replaced or the
 * edits are left behind (q).
 *
 * Every change of the network is one entry of an edit stack holding the
 * network before and after it, whole, so u and U give it back bit for bit.
 * A value that does not read is refused with the reason and the prompt
 * stays open to try again; so does a file that cannot be written. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "draw.h"
#include "edits.h"
#include "mode.h"
#include "prompt.h"
#include "save.h"
#include "text.h"

enum {
    VALUE_CHARS = 40,           /* the longest value typed */
    QUOTED_BYTES = 320,         /* a file name as messages show it */
};

/* Which question the prompt asks. */
typedef enum {
    ASK_VALUE,     /* a new value for the edit target */
    ASK_PATH,      /* where to save */
    ASK_OVERWRITE, /* "overwrite FILE? (y/n)" before saving over another file */
    ASK_REPLACE,   /* "FILE is read-only: replace it? (y/n)", or changed on disk */
    ASK_DISCARD,   /* "discard unsaved edits? (y/n)" before leaving */
    ASK_RESTORE,   /* "restore the lesson's own values? (y/n)" after r */
} edit_ask;

/* What an edit changes. */
typedef enum { EDIT_INPUT, EDIT_TARGET, EDIT_WEIGHT, EDIT_BIAS, EDIT_RATE } edit_kind;

/* The questions between keys, and the edit stack. */
typedef struct {
    edit_ask ask;
    prompt in;
    edit_kind kind;             /* the edit target */
    int layer;                  /* weights and biases: weight layer 1..L */
    int index;                  /* index into the edited canonical array */
    char name[48];              /* "W_jk[2][1]", shown in the prompt */
    char reason[MODE_MESSAGE_BYTES]; /* why the last answer was refused; "" none */
    char path[MODE_PATH_BYTES]; /* where w saves, the file name's own bytes */
    char shown[PROMPT_TEXT_BYTES]; /* the prompt's text when it offered path: Enter on it
                                      saves to path itself, whatever bytes it holds */
    unsigned flags;             /* SAVE_REPLACE_* agreed to for this save */
    lesson_stamp stamp;         /* stamp_path as backstep last read or wrote it */
    char stamp_path[MODE_PATH_BYTES];
    unsigned lesson;            /* the lesson all this belongs to (mode_ctx.lesson_count) */
    edits stack;                /* every change of the network, for u and U */
} edit_mode;

static void *edit_create(void)
{
    return calloc(1, sizeof(edit_mode));
}

static void edit_destroy(void *self)
{
    edit_mode *m = self;
    if (m)
        edits_clear(&m->stack);
    free(m);
}

/* Says what became of an edit or a save on the bottom row. */
static void say(mode_ctx *c, int bad, const char *text)
{
    snprintf(c->message, sizeof c->message, "%s", text);
    c->message_bad = bad;
}

/* A file name as messages show it: quoted like ls when it holds controls. */
static void quoted(const mode_ctx *c, const char *path, char *buf, size_t size)
{
    text_quote_path(path, buf, size, c->ascii);
}

/* What the other modes see of the stack. */
static void publish(mode_ctx *c, const edit_mode *m)
{
    c->modified = edits_modified(&m->stack);
    c->undoable = m->stack.at;
}

/* Whether path is a file in one of the bundled lesson folders. */
static int bundled(const char *path)
{
    char real[PATH_MAX], dir[PATH_MAX];
    if (!path || !realpath(path, real))
        return 0;
    char *slash = strrchr(real, '/');
    if (!slash)
        return 0;
    *slash = '\0';
    for (const char *const *d = lesson_dirs(); *d; d++)
        if (realpath(*d, dir) && strcmp(dir, real[0] ? real : "/") == 0)
            return 1;
    return 0;
}

/* Whether a and b name the same existing file. */
static int same_file(const char *a, const char *b)
{
    struct stat x, y;
    return a && b && a[0] && b[0] && stat(a, &x) == 0 && stat(b, &y) == 0 &&
           x.st_dev == y.st_dev && x.st_ino == y.st_ino;
}

/* Where w offers to save lesson l: its own file, a copy in this folder of a
 * bundled one (which stays as shipped), or a new file here. */
static void default_path(const lesson *l, char *path, size_t size)
{
    const char *p = l && l->path && strcmp(l->path, "(built-in)") != 0 ? l->path : NULL;
    if (!p) {
        snprintf(path, size, "./backstep-lesson.yaml");
    } else if (bundled(p)) {
        const char *name = strrchr(p, '/') ? strrchr(p, '/') + 1 : p;
        size_t n = strlen(name);
        if (n > 5 && strcmp(name + n - 5, ".yaml") == 0)
            n -= 5;
        snprintf(path, size, "./%.*s.yaml", (int)(n < 4000 ? n : 4000), name);
    } else {
        snprintf(path, size, "%s", p);
    }
}

/* A new lesson on screen: nothing to undo, its own file's stamp. */
static void begin_lesson(mode_ctx *c, edit_mode *m)
{
    if (m->lesson == c->lesson_count)
        return;
    edits_clear(&m->stack);
    default_path(c->lesson, m->path, sizeof m->path);
    m->stamp = c->lesson ? c->lesson->stamp : (lesson_stamp){0};
    snprintf(m->stamp_path, sizeof m->stamp_path, "%s",
             c->lesson && c->lesson->stamp.known ? c->lesson->path : "");
    m->lesson = c->lesson_count;
}

/* ---- the edit stack ---- */

/* Makes `after` the network, remembering the one before as an edit that u
 * takes back.  Returns 0, or -1 when out of memory (nothing changed). */
static int change(mode_ctx *c, edit_mode *m, const engine_net *after, const char *what)
{
    if (edits_push(&m->stack, engine_network(c->engine), after, what) != 0)
        return -1;
    if (engine_replace(c->engine, after) != 0) {
        edits_undo(&m->stack);
        return -1;
    }
    c->focus = 0;
    publish(c, m);
    return 0;
}

/* u (undo set) or U: the network before the last edit in force, or after
 * the edit taken back last. */
static void step_edits(mode_ctx *c, edit_mode *m, int undo)
{
    char msg[MODE_MESSAGE_BYTES];
    const edits_entry *x = undo ? edits_undo(&m->stack) : edits_redo(&m->stack);
    if (!x) {
        say(c, 0, undo ? "nothing to undo" : "nothing to redo");
        return;
    }
    if (engine_replace(c->engine, undo ? &x->before : &x->after) != 0) {
        edits_unstep(&m->stack, undo);
        say(c, 1, "out of memory: the network stays as it is");
        return;
    }
    c->focus = 0;
    publish(c, m);
    snprintf(msg, sizeof msg, "%s: %s; the pass starts again%s", undo ? "undone" : "redone",
             x->what, undo ? " (U redoes it)" : "");
    say(c, 0, msg);
}

/* ---- e: one number ---- */

/* The operand of step s that is the network's input, or -1. */
static int input_operand(const engine *e, const engine_step *s)
{
    const double *x = engine_values(e, VALUES_ACTIVATION, 0);
    for (int k = 0; x && k < s->n_operands; k++)
        if (s->operand[k].v == x && s->operand[k].rank == 1)
            return k;
    return -1;
}

/* Chooses the edit target from the focused element of the current step:
 * an input, target, weight or bias; otherwise the learning rate. */
static void choose_target(edit_mode *m, const mode_ctx *c)
{
    const engine *e = c->engine;
    const engine_step *s = engine_current(e);
    const engine_net *net = engine_network(e);
    m->kind = EDIT_RATE;
    snprintf(m->name, sizeof m->name, "learning rate η");
    if (c->tour || !s || !net || c->focus < 0 || c->focus >= s->result.rows * s->result.cols)
        return;
    int l = s->layer, f = c->focus;
    if (s->kind == STEP_UPDATE) {
        /* The result is W⁺ in the step's convention; the canonical layout is
         * inputs × outputs. */
        int in = net->width[l - 1], out = net->width[l];
        int i = s->convention == CONV_COLUMNS ? f / out : f % in;
        int j = s->convention == CONV_COLUMNS ? f % out : f / in;
        m->kind = EDIT_WEIGHT;
        m->layer = l;
        m->index = i * out + j;
        int r = s->convention == CONV_COLUMNS ? i : j, k = s->convention == CONV_COLUMNS ? j : i;
        snprintf(m->name, sizeof m->name, "W_%c%c[%d][%d]", engine_layer_letter(l - 1),
                 engine_layer_letter(l), r + 1, k + 1);
    } else if (s->kind == STEP_UPDATE_BIAS && net->has_bias) {
        m->kind = EDIT_BIAS;
        m->layer = l;
        m->index = f;
        snprintf(m->name, sizeof m->name, "b_%c[%d]", engine_layer_letter(l), f + 1);
    } else if (input_operand(e, s) >= 0) {
        /* The input: the element the focused result used, or on a sum, which
         * uses them all, the one in line with the focus. */
        int k = input_operand(e, s), n_in = net->width[0], i = f % n_in;
        engine_use uses[ENGINE_MAX_WIDTH * 2];
        char arith[512];
        int n = engine_step_explain(s, f, 4, arith, sizeof arith, uses,
                                    (int)(sizeof uses / sizeof uses[0]));
        int found = 0, which = -1;
        for (int u = 0; u < n && u < (int)(sizeof uses / sizeof uses[0]); u++)
            if (uses[u].operand == k) {
                found++;
                which = uses[u].index;
            }
        if (found == 1)
            i = which % n_in;
        m->kind = EDIT_INPUT;
        m->index = (engine_sample(e) - 1) * n_in + i;
        char name[ENGINE_NAME_SIZE * 2];
        text_sanitize(s->operand[k].name, name, sizeof name);
        snprintf(m->name, sizeof m->name, "%.30s[%d]", name, i + 1);
    } else if (s->kind == STEP_LOSS || (s->kind == STEP_DELTA && l == net->layers)) {
        int L = net->layers;
        if (f < net->width[L]) {
            m->kind = EDIT_TARGET;
            m->index = (engine_sample(e) - 1) * net->width[L] + f;
            snprintf(m->name, sizeof m->name, "t_%c[%d]", engine_layer_letter(L), f + 1);
        }
    }
}

/* The edit target's cell in a network. */
static double *target_cell(const edit_mode *m, engine_net *n)
{
    switch (m->kind) {
    case EDIT_INPUT: return &n->inputs[m->index];
    case EDIT_TARGET: return &n->targets[m->index];
    case EDIT_WEIGHT: return &n->weights[m->layer - 1][m->index];
    case EDIT_BIAS: return &n->biases[m->layer - 1][m->index];
    case EDIT_RATE: return &n->learning_rate;
    }
    return &n->learning_rate;
}

/* Reads the value typed for the edit target: 0 with *v set, or -1 with
 * m->reason saying why it is refused. */
static int read_value(edit_mode *m, const char *text, double *v)
{
    const char *p = text;
    while (*p == ' ')
        p++;
    if (!*p) {
        snprintf(m->reason, sizeof m->reason,
                 "%s: type a number (Esc keeps it as it is)", m->name);
        return -1;
    }
    char *end;
    errno = 0;
    *v = strtod(p, &end);
    while (*end == ' ')
        end++;
    if (end == p || *end || errno == ERANGE || !isfinite(*v)) {
        char shown[VALUE_CHARS * 4 + 1];
        text_sanitize(text, shown, sizeof shown);
        snprintf(m->reason, sizeof m->reason, "%s: \"%s\" is not a finite number", m->name,
                 shown);
        return -1;
    }
    if (m->kind == EDIT_RATE && !(*v > 0)) {
        snprintf(m->reason, sizeof m->reason, "learning rate η: must be above 0");
        return -1;
    }
    return 0;
}

/* Puts value v into the edit target and starts the pass again from the
 * edited network.  0, or -1 with the reason said. */
static int apply_edit(mode_ctx *c, edit_mode *m, double v)
{
    char msg[MODE_MESSAGE_BYTES], num[48], what[EDITS_WHAT_SIZE];
    engine_net n;
    memset(&n, 0, sizeof n);
    if (engine_net_copy(&n, engine_network(c->engine)) != 0) {
        say(c, 1, "out of memory: nothing was changed");
        return -1;
    }
    double *cell = target_cell(m, &n);
    char was[SAVE_NUMBER_SIZE], now_[SAVE_NUMBER_SIZE];
    save_number(*cell, was, sizeof was);
    save_number(v, now_, sizeof now_);
    *cell = v;
    snprintf(what, sizeof what, "%s = %s (was %s)", m->name, now_, was);
    int rc = change(c, m, &n, what);
    engine_net_free(&n);
    if (rc != 0) {
        say(c, 1, "out of memory: nothing was changed");
        return -1;
    }
    text_number(v, 6, num, sizeof num);
    snprintf(msg, sizeof msg, "%s =%s; the pass starts again (u undoes it)", m->name, num);
    say(c, 0, msg);
    return 0;
}

/* ---- w: saving ---- */

/* The outcome of a save, as the report tells it. */
static void saved(mode_ctx *c, const char *path, const save_report *rep)
{
    char msg[MODE_MESSAGE_BYTES], name[QUOTED_BYTES];
    quoted(c, path, name, sizeof name);
    snprintf(msg, sizeof msg, "saved %s", name);
    if (rep->through_link) {
        char target[QUOTED_BYTES];
        quoted(c, rep->written, target, sizeof target);
        text_append(msg, sizeof msg, " through its link, to %s", target);
    }
    if (rep->in_place)
        text_append(msg, sizeof msg, "; its other hard links see the new text");
    if (rep->links_split)
        text_append(msg, sizeof msg, "; its other hard links keep the old text");
    if (rep->fresh)
        text_append(msg, sizeof msg, "; written whole, so comments were not kept");
    say(c, 0, msg);
}

/* Opens the prompt for a question. */
static void ask(edit_mode *m, edit_ask what, const char *caption, const char *initial)
{
    m->ask = what;
    prompt_open(&m->in, caption, initial,
                what == ASK_PATH ? PROMPT_MAX_CHARS : what == ASK_VALUE ? VALUE_CHARS : 1);
}

/* Saves the network at m->path: done, a question (read-only, changed on
 * disk), or the reason it failed with the path prompt open again. */
static mode_reply write_lesson(mode_ctx *c, edit_mode *m)
{
    char msg[SAVE_ERROR_SIZE], caption[PROMPT_CAPTION_BYTES];
    save_report rep;
    lesson_stamp fresh = {0};
    /* The stamp is the file's as backstep last read or wrote it; another
     * file has none yet. */
    int own = same_file(m->path, m->stamp_path);
    lesson_stamp *stamp = own ? &m->stamp : &fresh;
    int rc = save_write(m->path, engine_network(c->engine), c->lesson, stamp, m->flags, &rep,
                        msg, sizeof msg);
    switch (rc) {
    case SAVE_DONE:
        m->stamp = *stamp;
        snprintf(m->stamp_path, sizeof m->stamp_path, "%s", m->path);
        edits_saved(&m->stack);
        m->flags = 0;
        publish(c, m);
        saved(c, m->path, &rep);
        return MODE_CLOSE;
    case SAVE_READ_ONLY:
    case SAVE_CHANGED:
        snprintf(caption, sizeof caption, "%.100s: replace it? (y/n) ", msg);
        ask(m, ASK_REPLACE, caption, NULL);
        m->flags |= rc == SAVE_READ_ONLY ? SAVE_REPLACE_READ_ONLY : SAVE_REPLACE_CHANGED;
        return MODE_DONE;
    default:
        /* Another name may do: the prompt stays, with the reason. */
        snprintf(m->reason, sizeof m->reason, "%s", msg);
        m->flags = 0;
        m->ask = ASK_PATH;
        prompt_retry(&m->in);
        return MODE_DONE;
    }
}

/* The answer to "save as:". */
static mode_reply path_answered(mode_ctx *c, edit_mode *m)
{
    const char *text = prompt_text(&m->in);
    const char *p = text;
    while (*p == ' ')
        p++;
    if (!*p) {
        snprintf(m->reason, sizeof m->reason,
                 "a file name is needed to save (Esc leaves the edits unsaved)");
        prompt_retry(&m->in);
        return MODE_DONE;
    }
    /* The name offered, untouched, is the file's own bytes, controls and all. */
    if (strcmp(text, m->shown) != 0)
        snprintf(m->path, sizeof m->path, "%s", text);
    snprintf(m->shown, sizeof m->shown, "%s", text);
    m->flags = 0;
    struct stat sb;
    const char *from = c->lesson ? c->lesson->path : NULL;
    /* Replacing a file asks first, but for the lesson's own (not a bundled
     * one) and the file this lesson was last saved to. */
    if (stat(m->path, &sb) == 0 &&
        (bundled(m->path) || (!same_file(m->path, from) && !same_file(m->path, m->stamp_path)))) {
        char caption[PROMPT_CAPTION_BYTES], name[QUOTED_BYTES];
        quoted(c, m->path, name, sizeof name);
        snprintf(caption, sizeof caption, "overwrite %.96s? (y/n) ", name);
        ask(m, ASK_OVERWRITE, caption, NULL);
        return MODE_DONE;
    }
    return write_lesson(c, m);
}

/* ---- opening, keys, layout ---- */

/* r: the true start of the lesson; after edits, asks whether its own
 * values come back too. */
static mode_reply reset(mode_ctx *c, edit_mode *m)
{
    engine_reset(c->engine);
    c->focus = 0;
    c->autoplay = 0;
    c->tour = c->lesson && c->lesson->n_expressions > 0 ? 1 : 0;
    if (!c->lesson || edits_same_values(engine_network(c->engine), &c->lesson->net))
        return MODE_CLOSE; /* nothing to ask: the first step says where it is */
    ask(m, ASK_RESTORE, "back to the start; restore the lesson's own values too? (y/n) ", NULL);
    return MODE_DONE;
}

static mode_reply edit_open(mode_ctx *c, void *self, keys_action why)
{
    edit_mode *m = self;
    begin_lesson(c, m);
    m->reason[0] = '\0';
    switch (why) {
    case KEYS_QUIT:
        if (!c->modified)
            return MODE_QUIT;
        ask(m, ASK_DISCARD, "discard unsaved edits? (y/n) ", NULL);
        return MODE_DONE;
    case KEYS_UNDO:
    case KEYS_REDO:
        step_edits(c, m, why == KEYS_UNDO);
        return MODE_CLOSE;
    case KEYS_RESET:
        return reset(c, m);
    case KEYS_SAVE: {
        /* Offered with every byte visible; a control in it is shown, not obeyed. */
        char visible[MODE_PATH_BYTES];
        text_clean(m->path, visible, sizeof visible, 0);
        ask(m, ASK_PATH, "save as: ", visible);
        snprintf(m->shown, sizeof m->shown, "%s", prompt_text(&m->in));
        return MODE_DONE;
    }
    default:
        break;
    }
    choose_target(m, c);
    engine_net n = *engine_network(c->engine);
    double v = *target_cell(m, &n);
    char shown[48], num[SAVE_NUMBER_SIZE];
    text_number(v, 4, shown, sizeof shown);
    save_number(v, num, sizeof num); /* the shortest spelling that reads back the same */
    char caption[PROMPT_CAPTION_BYTES];
    snprintf(caption, sizeof caption, "%.48s = %s, new value: ", m->name,
             shown[0] == ' ' ? shown + 1 : shown);
    ask(m, ASK_VALUE, caption, num);
    return MODE_DONE;
}

/* The answer typed at a prompt. */
static mode_reply answered(mode_ctx *c, edit_mode *m)
{
    m->reason[0] = '\0';
    if (m->ask == ASK_PATH)
        return path_answered(c, m);
    double v;
    if (read_value(m, prompt_text(&m->in), &v) != 0) {
        prompt_retry(&m->in); /* try again: the text stays, selected */
        return MODE_DONE;
    }
    apply_edit(c, m, v);
    return MODE_CLOSE;
}

static mode_reply edit_key(mode_ctx *c, void *self, int code)
{
    edit_mode *m = self;
    int yes = keys_lookup(KEYS_MAP_EDIT, code, 0) == KEYS_YES;
    char msg[MODE_MESSAGE_BYTES], name[QUOTED_BYTES];
    switch (m->ask) {
    case ASK_DISCARD:
        return yes ? MODE_QUIT : MODE_CLOSE;
    case ASK_RESTORE:
        if (yes) {
            if (change(c, m, &c->lesson->net, "the lesson's own values") == 0)
                say(c, 0, "the lesson's own values are back (u undoes it)");
            else
                say(c, 1, "out of memory: the edited values stay");
            c->tour = c->lesson->n_expressions > 0 ? 1 : 0;
        } else {
            say(c, 0, "back to the lesson's start; the edited values stay");
        }
        return MODE_CLOSE;
    case ASK_OVERWRITE:
    case ASK_REPLACE:
        if (yes)
            return write_lesson(c, m);
        quoted(c, m->path, name, sizeof name);
        snprintf(msg, sizeof msg, "not saved: %s is left as it was", name);
        say(c, 0, msg);
        m->flags = 0;
        return MODE_CLOSE;
    case ASK_VALUE:
    case ASK_PATH:
        switch (prompt_key(&m->in, code)) {
        case PROMPT_ENTER:
            return answered(c, m);
        case PROMPT_ESCAPE:
            return MODE_CLOSE;
        case PROMPT_EDITING:
            return MODE_DONE;
        }
    }
    return MODE_DONE;
}

static void edit_layout(const mode_ctx *c, const void *self, frame *f)
{
    const edit_mode *m = self;
    (void)c;
    /* Why the last answer was refused, above the prompt that asks again. */
    if (m->reason[0]) {
        char text[MODE_MESSAGE_BYTES];
        int row = f->height - 2;
        text_sanitize(m->reason, text, sizeof text);
        frame_fill(f, row, 0, f->cols, FRAME_WARNING);
        frame_put(f, row, 1, f->cols, text, FRAME_WARNING);
    }
    draw_question(f, &m->in);
    mode_show_question_selection(f, &m->in);
}

static void edit_close(mode_ctx *c, void *self)
{
    edit_mode *m = self;
    (void)c;
    prompt_close(&m->in);
    m->reason[0] = '\0';
}

const mode_ops mode_edit = {
    .map = KEYS_MAP_EDIT,
    .passes = 0,
    .create = edit_create,
    .destroy = edit_destroy,
    .open = edit_open,
    .key = edit_key,
    .layout = edit_layout,
    .close = edit_close,
};

/* mode_edit.c - editing a number in place (key e: the pass starts again
 * from the edited network), saving the network as a lesson (key w), and the
 * questions that keep work from being lost: before a file is overwritten,
 * and before leaving with edits not saved (q, Esc).  Each asks on the
 * bottom row over the stepping screen. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "draw.h"
#include "mode.h"
#include "prompt.h"
#include "save.h"
#include "text.h"

/* Which question the prompt asks. */
typedef enum {
    ASK_VALUE,     /* a new value for the edit target */
    ASK_PATH,      /* where to save */
    ASK_OVERWRITE, /* "overwrite FILE? (y/n)" before saving over another file */
    ASK_DISCARD,   /* "discard unsaved edits? (y/n)" before leaving */
} edit_ask;

/* What an edit changes. */
typedef enum { EDIT_INPUT, EDIT_TARGET, EDIT_WEIGHT, EDIT_BIAS, EDIT_RATE } edit_kind;

/* The questions between keys. */
typedef struct {
    edit_ask ask;
    prompt in;
    edit_kind kind;             /* the edit target */
    int layer;                  /* weights and biases: weight layer 1..L */
    int index;                  /* index into the edited canonical array */
    char name[48];              /* "W_jk[2][1]", shown in the prompt */
    char path[MODE_PATH_BYTES]; /* where w saves */
    unsigned lesson;            /* the lesson path belongs to (mode_ctx.lesson_count) */
} edit_mode;

static void *edit_create(void)
{
    return calloc(1, sizeof(edit_mode));
}

static void edit_destroy(void *self)
{
    free(self);
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
    return a && b && stat(a, &x) == 0 && stat(b, &y) == 0 && x.st_dev == y.st_dev &&
           x.st_ino == y.st_ino;
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
    if (!s || !net || c->focus < 0 || c->focus >= s->result.rows * s->result.cols)
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

/* Says what became of an edit or a save on the bottom row. */
static void say(mode_ctx *c, int bad, const char *text)
{
    snprintf(c->message, sizeof c->message, "%s", text);
    c->message_bad = bad;
}

/* Puts the value in `text` into the edit target on a copy of the network
 * and starts the pass again from it.  0, or -1 with the reason said. */
static int apply_edit(mode_ctx *c, const edit_mode *m, const char *text)
{
    char msg[MODE_MESSAGE_BYTES];
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    while (*end == ' ')
        end++;
    if (end == text || *end || errno == ERANGE || !isfinite(v)) {
        snprintf(msg, sizeof msg, "%s: \"%.400s\" is not a finite number", m->name, text);
        say(c, 1, msg);
        return -1;
    }
    if (m->kind == EDIT_RATE && !(v > 0)) {
        say(c, 1, "learning rate η: must be above 0");
        return -1;
    }
    engine_net n;
    memset(&n, 0, sizeof n);
    if (engine_net_copy(&n, engine_network(c->engine)) != 0) {
        say(c, 1, "out of memory");
        return -1;
    }
    *target_cell(m, &n) = v;
    int rc = engine_replace(c->engine, &n);
    engine_net_free(&n);
    if (rc != 0) {
        say(c, 1, "out of memory");
        return -1;
    }
    char num[48];
    text_number(v, 6, num, sizeof num);
    snprintf(msg, sizeof msg, "%s =%s; the pass starts again", m->name, num);
    say(c, 0, msg);
    c->modified = 1;
    return 0;
}

/* Saves the network at m->path and says how it went. */
static void write_lesson(mode_ctx *c, const edit_mode *m)
{
    char msg[SAVE_ERROR_SIZE];
    if (save_lesson(m->path, engine_network(c->engine), c->lesson, msg, sizeof msg) == 0) {
        snprintf(c->message, sizeof c->message, "saved %.400s", m->path);
        c->message_bad = 0;
        c->modified = 0;
    } else {
        say(c, 1, msg);
    }
}

/* Opens the prompt for a question. */
static void ask(edit_mode *m, edit_ask what, const char *caption, const char *initial)
{
    m->ask = what;
    prompt_open(&m->in, caption, initial, what == ASK_PATH ? PROMPT_MAX_CHARS : 40);
}

static mode_reply edit_open(mode_ctx *c, void *self, keys_action why)
{
    edit_mode *m = self;
    if (m->lesson != c->lesson_count) {
        default_path(c->lesson, m->path, sizeof m->path);
        m->lesson = c->lesson_count;
    }
    if (why == KEYS_QUIT) {
        if (!c->modified)
            return MODE_QUIT;
        ask(m, ASK_DISCARD, "discard unsaved edits? (y/n) ", NULL);
        return MODE_DONE;
    }
    if (why == KEYS_SAVE) {
        ask(m, ASK_PATH, "save as: ", m->path);
        return MODE_DONE;
    }
    choose_target(m, c);
    engine_net n = *engine_network(c->engine);
    double v = *target_cell(m, &n);
    char shown[48], num[48];
    text_number(v, 4, shown, sizeof shown);
    /* The shortest spelling that reads back as the same number. */
    snprintf(num, sizeof num, "%.15g", v);
    if (strtod(num, NULL) != v)
        snprintf(num, sizeof num, "%.17g", v);
    char caption[PROMPT_CAPTION_BYTES];
    snprintf(caption, sizeof caption, "%.48s = %s, new value: ", m->name,
             shown[0] == ' ' ? shown + 1 : shown);
    ask(m, ASK_VALUE, caption, num);
    return MODE_DONE;
}

/* The answer typed at the prompt. */
static mode_reply answered(mode_ctx *c, edit_mode *m)
{
    const char *text = prompt_text(&m->in);
    if (m->ask == ASK_VALUE) {
        if (apply_edit(c, m, text) == 0)
            c->focus = 0;
        return MODE_CLOSE;
    }
    snprintf(m->path, sizeof m->path, "%s", text);
    struct stat sb;
    const char *from = c->lesson ? c->lesson->path : NULL;
    if (stat(m->path, &sb) == 0 && (bundled(m->path) || !same_file(m->path, from))) {
        char caption[PROMPT_CAPTION_BYTES];
        snprintf(caption, sizeof caption, "overwrite %.96s? (y/n) ", m->path);
        ask(m, ASK_OVERWRITE, caption, NULL);
        return MODE_DONE;
    }
    write_lesson(c, m);
    return MODE_CLOSE;
}

static mode_reply edit_key(mode_ctx *c, void *self, int code)
{
    edit_mode *m = self;
    int yes = keys_lookup(KEYS_MAP_EDIT, code, 0) == KEYS_YES;
    switch (m->ask) {
    case ASK_DISCARD:
        return yes ? MODE_QUIT : MODE_CLOSE;
    case ASK_OVERWRITE:
        if (yes) {
            write_lesson(c, m);
        } else {
            char msg[MODE_MESSAGE_BYTES];
            snprintf(msg, sizeof msg, "not saved: %.400s is left as it was", m->path);
            say(c, 0, msg);
        }
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
    draw_question(f, &m->in);
}

const mode_ops mode_edit = {
    .map = KEYS_MAP_EDIT,
    .passes = 0,
    .create = edit_create,
    .destroy = edit_destroy,
    .open = edit_open,
    .key = edit_key,
    .layout = edit_layout,
};

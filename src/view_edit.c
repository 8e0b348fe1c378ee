/* view_edit.c - the workbench's hub: its keys and prompts, editing a number
 * in place (the pass starts again from the edited network), saving it as a
 * lesson, and asking before unsaved edits are thrown away. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "text.h"
#include "view_lab.h"

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

void view_lab_init(view_lab *b, const lesson *l)
{
    memset(b, 0, sizeof *b);
    b->les = l;
    b->bad_epoch = -1;
    const char *p = l && l->path && strcmp(l->path, "(built-in)") != 0 ? l->path : NULL;
    if (!p) {
        snprintf(b->path, sizeof b->path, "./backstep-lesson.yaml");
    } else if (bundled(p)) {
        /* A bundled lesson stays as shipped: offer a copy in this folder. */
        const char *name = strrchr(p, '/') ? strrchr(p, '/') + 1 : p;
        size_t n = strlen(name);
        if (n > 5 && strcmp(name + n - 5, ".yaml") == 0)
            n -= 5;
        snprintf(b->path, sizeof b->path, "./%.*s.yaml", (int)(n < 4000 ? n : 4000), name);
    } else {
        snprintf(b->path, sizeof b->path, "%s", p);
    }
}

void view_lab_free(view_lab *b)
{
    free(b->loss);
    free(b->rows);
    b->loss = NULL;
    b->rows = NULL;
    b->loss_cap = 0;
    b->rows_cap = 0;
}

int view_lab_training(const view_lab *b)
{
    return b->mode == LAB_TRAINING;
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

void view_edit_target(view_lab *b, const engine *e, const view_state *st)
{
    const engine_step *s = engine_current(e);
    const engine_net *net = engine_network(e);
    static const char letters[] = "ijklmnopq";
    b->edit_kind = EDIT_RATE;
    snprintf(b->edit_name, sizeof b->edit_name, "learning rate η");
    if (!s || !net || st->focus < 0 || st->focus >= s->result.rows * s->result.cols)
        return;
    int l = s->layer, f = st->focus;
    if (s->kind == STEP_UPDATE) {
        /* The result is W⁺ in the step's convention; the canonical layout is
         * inputs × outputs. */
        int in = net->width[l - 1], out = net->width[l];
        int i = s->convention == CONV_COLUMNS ? f / out : f % in;
        int j = s->convention == CONV_COLUMNS ? f % out : f / in;
        b->edit_kind = EDIT_WEIGHT;
        b->edit_layer = l;
        b->edit_index = i * out + j;
        if (s->convention == CONV_COLUMNS)
            snprintf(b->edit_name, sizeof b->edit_name, "W_%c%c[%d][%d]", letters[l - 1],
                     letters[l], i + 1, j + 1);
        else
            snprintf(b->edit_name, sizeof b->edit_name, "W_%c%c[%d][%d]", letters[l - 1],
                     letters[l], j + 1, i + 1);
    } else if (s->kind == STEP_UPDATE_BIAS && net->has_bias) {
        b->edit_kind = EDIT_BIAS;
        b->edit_layer = l;
        b->edit_index = f;
        snprintf(b->edit_name, sizeof b->edit_name, "b_%c[%d]", letters[l], f + 1);
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
        b->edit_kind = EDIT_INPUT;
        b->edit_index = (engine_sample(e) - 1) * n_in + i;
        char name[ENGINE_NAME_SIZE * 2];
        text_sanitize(s->operand[k].name, name, sizeof name);
        snprintf(b->edit_name, sizeof b->edit_name, "%.30s[%d]", name, i + 1);
    } else if (s->kind == STEP_LOSS || (s->kind == STEP_DELTA && l == net->layers)) {
        int L = net->layers;
        if (f < net->width[L]) {
            b->edit_kind = EDIT_TARGET;
            b->edit_index = (engine_sample(e) - 1) * net->width[L] + f;
            snprintf(b->edit_name, sizeof b->edit_name, "t_%c[%d]", letters[L], f + 1);
        }
    }
}

/* The edit target's cell in a network. */
static double *target_cell(const view_lab *b, engine_net *n)
{
    switch (b->edit_kind) {
    case EDIT_INPUT: return &n->inputs[b->edit_index];
    case EDIT_TARGET: return &n->targets[b->edit_index];
    case EDIT_WEIGHT: return &n->weights[b->edit_layer - 1][b->edit_index];
    case EDIT_BIAS: return &n->biases[b->edit_layer - 1][b->edit_index];
    default: return &n->learning_rate;
    }
}

int view_edit_apply(view_lab *b, engine *e, const char *text)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    while (*end == ' ')
        end++;
    if (end == text || *end || errno == ERANGE || !isfinite(v)) {
        snprintf(b->message, sizeof b->message, "%s: \"%s\" is not a finite number", b->edit_name,
                 text);
        b->message_bad = 1;
        return -1;
    }
    if (b->edit_kind == EDIT_RATE && !(v > 0)) {
        snprintf(b->message, sizeof b->message, "learning rate η: must be above 0");
        b->message_bad = 1;
        return -1;
    }
    engine_net n;
    memset(&n, 0, sizeof n);
    if (engine_net_copy(&n, engine_network(e)) != 0) {
        snprintf(b->message, sizeof b->message, "out of memory");
        b->message_bad = 1;
        return -1;
    }
    *target_cell(b, &n) = v;
    int rc = engine_replace(e, &n);
    engine_net_free(&n);
    if (rc != 0) {
        snprintf(b->message, sizeof b->message, "out of memory");
        b->message_bad = 1;
        return -1;
    }
    char num[48];
    text_number(v, 6, num, sizeof num);
    snprintf(b->message, sizeof b->message, "%s =%s; the pass starts again", b->edit_name, num);
    b->message_bad = 0;
    b->modified = 1;
    return 0;
}

/* Opens the bottom-row prompt for a question. */
static void ask(view_lab *b, view_lab_ask what, const char *caption, const char *initial)
{
    b->mode = LAB_ASK;
    b->ask = what;
    b->message[0] = '\0';
    prompt_open(&b->in, caption, initial, what == ASK_PATH ? PROMPT_MAX_CHARS : 40);
}

/* Saves the network at b->path and says how it went. */
static void write_lesson(view_lab *b, engine *e)
{
    if (save_lesson(b->path, engine_network(e), b->les, b->message, sizeof b->message) == 0) {
        snprintf(b->message, sizeof b->message, "saved %.400s", b->path);
        b->message_bad = 0;
        b->modified = 0;
    } else {
        b->message_bad = 1;
    }
}

/* The prompt's answer. */
static int answered(view_state *st, engine *e, view_lab *b)
{
    const char *text = prompt_text(&b->in);
    b->mode = LAB_NONE;
    switch (b->ask) {
    case ASK_EPOCHS: {
        char *end;
        long n = strtol(text, &end, 10);
        if (end == text || *end || n < 1 || n > VIEW_TRAIN_MAX) {
            snprintf(b->message, sizeof b->message, "epochs: a whole number from 1 to %d",
                     VIEW_TRAIN_MAX);
            b->message_bad = 1;
        } else if (view_train_start(b, n) != 0) {
            snprintf(b->message, sizeof b->message, "out of memory");
            b->message_bad = 1;
        }
        return 0;
    }
    case ASK_VALUE:
        if (view_edit_apply(b, e, text) == 0)
            st->focus = 0;
        return 0;
    case ASK_PATH: {
        snprintf(b->path, sizeof b->path, "%s", text);
        struct stat sb;
        const char *from = b->les ? b->les->path : NULL;
        if (stat(b->path, &sb) == 0 && (bundled(b->path) || !same_file(b->path, from))) {
            char caption[PROMPT_CAPTION_BYTES];
            snprintf(caption, sizeof caption, "overwrite %.96s? (y/n) ", b->path);
            ask(b, ASK_OVERWRITE, caption, NULL);
            return 0;
        }
        write_lesson(b, e);
        return 0;
    }
    default:
        return 0;
    }
}

int view_lab_key(view_state *st, engine *e, int code, int *quit)
{
    view_lab *b = st->lab;
    *quit = 0;
    if (!b)
        return 0;
    int esc = code == KEYS_K_ESC, enter = code == '\r' || code == '\n' || code == KEYS_K_ENTER;
    switch (b->mode) {
    case LAB_ASK:
        if (b->ask == ASK_DISCARD) {
            b->mode = LAB_NONE;
            *quit = code == 'y' || code == 'Y';
            return 1;
        }
        if (b->ask == ASK_OVERWRITE) {
            b->mode = LAB_NONE;
            if (code == 'y' || code == 'Y') {
                write_lesson(b, e);
            } else {
                snprintf(b->message, sizeof b->message, "not saved: %.400s is left as it was",
                         b->path);
                b->message_bad = 0;
            }
            return 1;
        }
        switch (prompt_key(&b->in, code)) {
        case PROMPT_ENTER:
            return answered(st, e, b), 1;
        case PROMPT_ESCAPE:
            b->mode = LAB_NONE;
            return 1;
        default:
            return 1;
        }
    case LAB_TRAINING:
        if (esc) {
            b->interrupted = 1;
            b->mode = LAB_PLOT;
        }
        return 1;
    case LAB_PLOT:
        if (code == 'L')
            b->log = !b->log;
        else if (esc || enter || code == 'q')
            b->mode = LAB_NONE, st->focus = 0;
        return 1;
    case LAB_CHECK:
        if (code == KEYS_K_DOWN || code == 'j')
            b->scroll = b->scroll + 1 < b->n_rows ? b->scroll + 1 : b->scroll;
        else if (code == KEYS_K_UP || code == 'k')
            b->scroll = b->scroll > 0 ? b->scroll - 1 : 0;
        else if (code == KEYS_K_HOME || code == 'g')
            b->scroll = 0;
        else if (esc || enter || code == 'q')
            b->mode = LAB_NONE;
        return 1;
    default:
        break;
    }
    if (st->help)
        return 0;
    b->message[0] = '\0';
    char num[48];
    switch (keys_lookup(code, 0)) {
    case KEYS_TRAIN:
        snprintf(num, sizeof num, "%d", VIEW_TRAIN_DEFAULT);
        ask(b, ASK_EPOCHS, "train how many epochs? ", num);
        return 1;
    case KEYS_GRADCHECK:
        if (view_check_open(b, e) != 0) {
            snprintf(b->message, sizeof b->message, "out of memory");
            b->message_bad = 1;
        }
        return 1;
    case KEYS_EDIT: {
        view_edit_target(b, e, st);
        engine_net n = *engine_network(e);
        double v = *target_cell(b, &n);
        char shown[48];
        text_number(v, 4, shown, sizeof shown);
        /* The shortest spelling that reads back as the same number. */
        snprintf(num, sizeof num, "%.15g", v);
        if (strtod(num, NULL) != v)
            snprintf(num, sizeof num, "%.17g", v);
        char caption[PROMPT_CAPTION_BYTES];
        snprintf(caption, sizeof caption, "%.48s = %s, new value: ", b->edit_name,
                 shown[0] == ' ' ? shown + 1 : shown);
        ask(b, ASK_VALUE, caption, num);
        return 1;
    }
    case KEYS_SAVE:
        ask(b, ASK_PATH, "save as: ", b->path);
        return 1;
    case KEYS_QUIZ_END:
        if (st->learn.quiz_on)
            return 0; /* ends the quiz (view_apply); nothing is lost */
        /* fall through */
    case KEYS_QUIT:
        if (!b->modified)
            return 0;
        ask(b, ASK_DISCARD, "discard unsaved edits? (y/n) ", NULL);
        return 1;
    case KEYS_LOG_SCALE:
        return 1;
    default:
        return 0;
    }
}

int view_lab_layout(view_frame *f, const engine *e, const view_state *st)
{
    const view_lab *b = st->lab;
    if (b->mode == LAB_TRAINING || b->mode == LAB_PLOT) {
        view_train_layout(f, b, e, st->ascii);
        return 1;
    }
    if (b->mode == LAB_CHECK) {
        view_check_layout(f, b, e, st->ascii);
        return 1;
    }
    return 0;
}

void view_lab_overlay(view_frame *f, const view_state *st)
{
    const view_lab *b = st->lab;
    int row = f->height - 1, w = f->width;
    if (b->mode == LAB_ASK) {
        view_fill(f, row, 0, w, VIEW_NORMAL);
        view_prompt(f, st->ascii, st->ascii, row, 1, w, &b->in, VIEW_TITLE);
    } else if (b->message[0]) {
        char text[SAVE_ERROR_SIZE];
        text_sanitize(b->message, text, sizeof text);
        view_fill(f, row, 0, w, b->message_bad ? VIEW_WARNING : VIEW_KEYBAR);
        view_put(f, st->ascii, row, 1, w, text, b->message_bad ? VIEW_WARNING : VIEW_KEYBAR);
    }
}

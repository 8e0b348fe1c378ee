/* view_shape.c - the shape checker on the screen (key :), a lesson's
 * expressions as the "shapes" phase before the first pass, and the
 * dispatch of keys to the learning tools (quiz, shapes, browser). */
#include "view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

/* In view_quiz.c and view_browse.c. */
void view_quiz_toggle(view_state *st, const engine *e);
void view_quiz_key(view_state *st, const engine *e, int code);
void view_browse_open(view_state *st);
view_learn_request view_browse_key(view_state *st, int code);
void view_browse_layout(view_frame *f, int ascii, int top, int rows, const view_state *st);

enum { DERIVATION_BYTES = 16384 };

void view_learn_attach(view_state *st, const lesson *l)
{
    view_learn *t = &st->learn;
    if (t->shape_done)
        shape_result_free(&t->shape);
    t->shape_done = 0;
    t->shape_expr[0] = '\0';
    t->tool = VIEW_LEARN_NONE;
    t->lesson = l;
    t->input.open = 0;
    t->quiz_step = -1;
    t->quiz_reached = -1;
    t->quiz_pass = -1;
    t->quiz_msg[0] = '\0';
    quiz_init(&t->quiz);
    t->expr = l && l->n_expressions > 0 ? 1 : 0;
    st->intro = l && l->description && l->description[0];
    t->browse_error[0] = '\0';
}

void view_learn_free(view_state *st)
{
    view_learn *t = &st->learn;
    if (t->shape_done)
        shape_result_free(&t->shape);
    t->shape_done = 0;
    if (t->browse_loaded)
        catalog_free(&t->cat);
    t->browse_loaded = 0;
}

int view_learn_grab(const view_state *st)
{
    const view_learn *t = &st->learn;
    if (t->tool != VIEW_LEARN_NONE)
        return 1;
    return !t->expr && t->quiz_on && t->input.open;
}

/* Runs the checker on the prompt's text and keeps the result. */
static void check_now(view_learn *t, const engine *e)
{
    if (t->shape_done)
        shape_result_free(&t->shape);
    snprintf(t->shape_expr, sizeof t->shape_expr, "%s", prompt_text(&t->input));
    shape_check(t->shape_expr, engine_network(e), engine_convention(e), &t->shape);
    t->shape_done = 1;
}

view_learn_request view_learn_key(view_state *st, engine *e, int code)
{
    view_learn *t = &st->learn;
    switch (t->tool) {
    case VIEW_LEARN_SHAPE: {
        prompt_result r = prompt_key(&t->input, code);
        if (r == PROMPT_ESCAPE) {
            t->tool = VIEW_LEARN_NONE;
        } else if (r == PROMPT_ENTER) {
            check_now(t, e);
            /* The expression stays in the prompt for the next try. */
            prompt_open(&t->input, ": ", t->shape_expr, PROMPT_MAX_CHARS);
        }
        return VIEW_LEARN_DONE;
    }
    case VIEW_LEARN_BROWSE:
        return view_browse_key(st, code);
    default:
        view_quiz_key(st, e, code);
        return VIEW_LEARN_DONE;
    }
}

int view_learn_apply(view_state *st, engine *e, keys_action a)
{
    view_learn *t = &st->learn;
    int n = t->lesson ? t->lesson->n_expressions : 0;
    switch (a) {
    case KEYS_QUIZ:
        view_quiz_toggle(st, e);
        return 1;
    case KEYS_SHAPE:
        t->tool = VIEW_LEARN_SHAPE;
        prompt_open(&t->input, ": ", t->shape_expr, PROMPT_MAX_CHARS);
        return 1;
    case KEYS_BROWSE:
        view_browse_open(st);
        return 1;
    default:
        break;
    }
    if (t->expr) {
        /* The shapes phase: → and ← walk the expressions, Tab leaves. */
        if (a == KEYS_NEXT || a == KEYS_PHASE_NEXT) {
            t->expr = a == KEYS_NEXT && t->expr < n ? t->expr + 1 : 0;
            if (!t->expr)
                view_quiz_sync(st, e);
            return 1;
        }
        if (a == KEYS_PREV || a == KEYS_FIRST || a == KEYS_PHASE_PREV) {
            t->expr = a == KEYS_PREV && t->expr > 1 ? t->expr - 1 : 1;
            return 1;
        }
        if (a == KEYS_RESET || a == KEYS_SAMPLE || a == KEYS_LAST)
            t->expr = 0;
        return 0;
    }
    if (n > 0 && (a == KEYS_PREV || a == KEYS_PHASE_PREV) && engine_step_index(e) == 0 &&
        engine_epoch(e) <= 1 && engine_sample(e) <= 1) {
        t->expr = n;
        return 1;
    }
    return 0;
}

/* The derivation of expr as --shape prints it, one line a row from `row`,
 * with the checker's own marks; returns the row after it. */
static int put_derivation(view_frame *f, int ascii, int row, int end, const char *expr,
                          const view_learn *t, const engine *e)
{
    static char out[DERIVATION_BYTES];
    FILE *mem = fmemopen(out, sizeof out - 1, "w");
    if (!mem) {
        view_put(f, ascii, row, 2, f->width, "out of memory", VIEW_WARNING);
        return row + 1;
    }
    memset(out, 0, sizeof out);
    int status = shape_run(mem, expr, t->lesson, engine_convention(e), ascii);
    fclose(mem);
    int w = f->width;
    for (char *p = out; *p && row < end; row++) {
        char *nl = strchr(p, '\n');
        if (nl)
            *nl = '\0';
        int attr = VIEW_NORMAL;
        if (strstr(p, "→") == p || strncmp(p, "->", 2) == 0)
            attr = status == 0 ? VIEW_FORWARD : VIEW_WARNING;
        else if (status != 0 && (strchr(p, '^') || strstr(p, "✗") || strstr(p, "≠")))
            attr = VIEW_WARNING;
        if (attr != VIEW_NORMAL && strncmp(p, "  ", 2) != 0 && view_width(0, p) > w - 3) {
            /* The closing reason is a sentence: wrap it over every row
             * the lines still to come leave free. */
            int later = 0;
            for (const char *q = nl ? nl + 1 : ""; *q; q++)
                later += *q == '\n' || q[1] == '\0';
            int n = end - row - later;
            if (n < 3)
                n = end - row > 3 ? 3 : end - row;
            view_wrap(f, 0, row, n, 2, w - 2, p);
            /* Rows the text took: the free ones below stay plain. */
            while (n > 1) {
                const view_cell *x = &f->cells[(size_t)(row + n - 1) * (size_t)w];
                int c = 0;
                while (c < w && x[c].ch[0] == ' ')
                    c++;
                if (c < w)
                    break;
                n--;
            }
            for (int k = row; k < row + n; k++)
                for (int c = 0; c < w; c++)
                    f->cells[(size_t)k * (size_t)w + (size_t)c].attr = (unsigned char)attr;
            row += n - 1;
        } else {
            view_put(f, 0, row, 2, w - 1, p, attr);
        }
        if (!nl)
            break;
        p = nl + 1;
    }
    return row;
}

/* The shape checker: the prompt on top, the last derivation below. */
static void layout_checker(view_frame *f, int ascii, int top, int rows, const engine *e,
                           const view_learn *t)
{
    int w = f->width, end = top + rows;
    char right[64];
    snprintf(right, sizeof right, "%s convention", engine_conv_name(engine_convention(e)));
    view_rule(f, ascii, top, "Shape checker", right);
    const char *help = "Enter checks · Esc closes · names: W_ij W_jk x h y t z δ err g'(…) ᵀ * ⊙ + −";
    view_wrap(f, ascii, top + 1, 2, 2, w - 2, help);
    int r = top + 3;
    view_prompt(f, ascii, 0, r, 2, w - 1, &t->input, VIEW_FORWARD);
    if (t->shape_done) {
        view_rule(f, ascii, r + 2, "Derivation", NULL);
        put_derivation(f, ascii, r + 3, end, t->shape_expr, t, e);
    }
}

/* One of the lesson's expressions, with its caption and derivation. */
static void layout_expression(view_frame *f, int ascii, int top, int rows, const engine *e,
                              const view_learn *t)
{
    const lesson_expression *x = &t->lesson->expressions[t->expr - 1];
    int w = f->width, end = top + rows, right = w - 2 < 102 ? w - 2 : 102;
    char title[64], count[64], cap[1024], expr[1024];
    snprintf(title, sizeof title, "Shapes %d/%d", t->expr, t->lesson->n_expressions);
    snprintf(count, sizeof count, "%s convention · → next, Tab skips to the pass",
             engine_conv_name(engine_convention(e)));
    view_rule(f, ascii, top, title, count);
    text_sanitize(x->caption ? x->caption : "", cap, sizeof cap);
    view_wrap(f, ascii, top + 1, 2, 2, right, cap);
    text_sanitize(x->expr ? x->expr : "", expr, sizeof expr);
    int col = view_put(f, ascii, top + 4, 2, w, "expression  ", VIEW_TITLE);
    view_put(f, 0, top + 4, col, w - 1, expr, VIEW_NORMAL);
    view_rule(f, ascii, top + 6, "Derivation", NULL);
    put_derivation(f, ascii, top + 7, end, x->expr ? x->expr : "", t, e);
}

int view_learn_layout(view_frame *f, int ascii, int top, int rows, const engine *e,
                      const view_state *st)
{
    const view_learn *t = &st->learn;
    if (t->tool == VIEW_LEARN_SHAPE) {
        layout_checker(f, ascii, top, rows, e, t);
        return 1;
    }
    if (t->tool == VIEW_LEARN_BROWSE) {
        view_browse_layout(f, ascii, top, rows, st);
        return 1;
    }
    if (t->expr && t->lesson && t->expr <= t->lesson->n_expressions) {
        layout_expression(f, ascii, top, rows, e, t);
        return 1;
    }
    return 0;
}

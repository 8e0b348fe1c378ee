/* view_quiz.c - quiz mode on the screen: before a step's result is shown
 * the student types its shape and then the focused element's value; the
 * answers are judged by quiz.c, the result stays hidden until then. */
#include "view.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "text.h"

enum { QUESTION_BYTES = 256, ANSWER_CHARS = 40 };

/* One number for the pass being quizzed, so a new pass starts a new score. */
static long pass_of(const engine *e)
{
    return (long)engine_epoch(e) * 1000000L + engine_sample(e);
}

/* "G_ij[2][1]" or "h[2]": the element asked about, 1-based as on screen. */
static void element_name(const engine_step *s, int focus, char *buf, size_t size)
{
    char name[ENGINE_NAME_SIZE * 2];
    text_sanitize(s->result.name, name, sizeof name);
    int cols = s->result.cols > 0 ? s->result.cols : 1;
    if (s->result.rank == 0)
        snprintf(buf, size, "%s", name);
    else if (s->result.rank == 1)
        snprintf(buf, size, "%s[%d]", name, focus + 1);
    else
        snprintf(buf, size, "%s[%d][%d]", name, focus / cols + 1, focus % cols + 1);
}

static void ask(view_learn *q, const engine_step *s)
{
    char cap[QUESTION_BYTES], el[112];
    if (q->quiz.stage == QUIZ_ASK_SHAPE) {
        char name[ENGINE_NAME_SIZE * 2];
        text_sanitize(s->result.name, name, sizeof name);
        snprintf(cap, sizeof cap, "shape of %s? ", name);
    } else {
        element_name(s, q->quiz.focus, el, sizeof el);
        snprintf(cap, sizeof cap, "%s = ? ", el);
    }
    prompt_open(&q->input, cap, NULL, ANSWER_CHARS);
}

void view_quiz_sync(view_state *st, const engine *e)
{
    view_learn *q = &st->learn;
    if (!q->quiz_on)
        return;
    long pass = pass_of(e);
    if (pass != q->quiz_pass) {
        /* Each pass is scored on its own; its summary closes it. */
        q->quiz_pass = pass;
        q->quiz_reached = -1;
        q->quiz_step = -1;
        quiz_init(&q->quiz);
    }
    int idx = engine_step_index(e);
    const engine_step *s = engine_current(e);
    if (!s || idx <= q->quiz_reached || idx == q->quiz_step)
        return;
    quiz_begin(&q->quiz, s, st->focus);
    q->quiz_step = idx;
    q->quiz_msg[0] = '\0';
    ask(q, s);
}

int view_quiz_hiding(const view_state *st, const engine *e)
{
    const view_learn *q = &st->learn;
    return q->quiz_on && q->quiz_step == engine_step_index(e) && q->quiz_step > q->quiz_reached &&
           q->quiz.stage != QUIZ_FINISHED;
}

void view_quiz_score(const view_state *st, char *buf, size_t size)
{
    const view_learn *q = &st->learn;
    if (!q->quiz_on)
        snprintf(buf, size, "%s", "");
    else
        snprintf(buf, size, "quiz %d/%d", q->quiz.correct, q->quiz.asked);
}

/* Quiz mode on or off; on, the current step is asked about at once unless
 * it was answered already. */
void view_quiz_toggle(view_state *st, const engine *e)
{
    view_learn *q = &st->learn;
    q->quiz_on = !q->quiz_on;
    q->input.open = 0;
    q->quiz_step = -1;
    q->quiz_pass = -1;
    if (q->quiz_on)
        view_quiz_sync(st, e);
}

/* Gives up the current question (Tab): counted as missed, its answer shown. */
static void skip(view_learn *q, const engine_step *s)
{
    char msg[QUIZ_TEXT_SIZE];
    quiz_skip(&q->quiz, s, msg, sizeof msg);
    /* A long explanation is cut at the message's size. */
    if (snprintf(q->quiz_msg, sizeof q->quiz_msg, "Skipped, counted as missed. %s", msg) < 0)
        q->quiz_msg[0] = '\0';
}

/* A key while the quiz prompt is open. */
void view_quiz_key(view_state *st, const engine *e, int code)
{
    view_learn *q = &st->learn;
    if (keys_lookup_quiz(code) == KEYS_QUIZ_SKIP) {
        const engine_step *s = engine_current(e);
        if (!s)
            return;
        skip(q, s);
        if (q->quiz.stage == QUIZ_FINISHED) {
            prompt_close(&q->input);
            q->quiz_reached = engine_step_index(e);
            st->focus = q->quiz.focus;
        } else {
            ask(q, s);
        }
        return;
    }
    prompt_result r = prompt_key(&q->input, code);
    if (r == PROMPT_ESCAPE) {
        view_quiz_toggle(st, e);
        return;
    }
    if (r != PROMPT_ENTER)
        return;
    const engine_step *s = engine_current(e);
    char text[PROMPT_TEXT_BYTES];
    snprintf(text, sizeof text, "%s", prompt_text(&q->input));
    quiz_answer(&q->quiz, s, text, q->quiz_msg, sizeof q->quiz_msg);
    if (q->quiz.stage == QUIZ_FINISHED) {
        q->quiz_reached = engine_step_index(e);
        st->focus = q->quiz.focus;
        return;
    }
    ask(q, s);
}

int view_quiz_layout(view_frame *f, int ascii, int top, int rows, const view_state *st,
                     const engine *e)
{
    const view_learn *q = &st->learn;
    if (!q->quiz_on || rows < 2)
        return 0;
    int w = f->width, right = w - 2 < 102 ? w - 2 : 102;
    int idx = engine_step_index(e);
    int asking = q->input.open && q->quiz_step == idx;
    int last = idx == engine_step_count(e) - 1 && idx <= q->quiz_reached;
    char score[32];
    view_quiz_score(st, score, sizeof score);
    view_rule(f, ascii, top, "Quiz", score);
    int row = top + 1, end = top + rows;
    if (asking) {
        const char *what = q->quiz.stage == QUIZ_ASK_SHAPE
                               ? "What shape is this step's result?  (e.g. 3x2, or 3 for a vector)"
                               : "What is the value of this element of the result?";
        view_put(f, ascii, row++, 2, right, what, VIEW_TITLE);
        if (q->quiz_msg[0] && row < end - 1) {
            int n = end - 1 - row > 3 ? 3 : end - 1 - row;
            view_wrap(f, ascii, row, n, 2, right, q->quiz_msg);
            row += n;
        }
        int r = end - 1 > row ? row : end - 1;
        int col = view_prompt(f, ascii, ascii, r, 2, w - 1, &q->input, VIEW_FORWARD);
        const char *keys = "Enter answers · Tab skips · Esc ends the quiz";
        int kw = view_width(ascii, keys);
        if (col + prompt_cursor_column(&q->input) + 4 + kw < w)
            view_put(f, ascii, r, w - 2 - kw, w, keys, VIEW_DIM);
        return 1;
    }
    if (q->quiz_step != idx && !last)
        return 0;
    if (q->quiz_step == idx && q->quiz_msg[0]) {
        int n = end - row > 3 ? 3 : end - row;
        view_wrap(f, ascii, row, n, 2, right, q->quiz_msg);
        while (n > 1 && row < end) {
            char probe[8];
            if (view_row_text(f, row + n - 1, probe, sizeof probe) == 0)
                n--;
            else
                break;
        }
        row += n;
    }
    if (!last) {
        if (row < end)
            view_put(f, ascii, row, 2, right, "→ goes on to the next step.", VIEW_DIM);
        return 1;
    }
    /* The end of the pass: the score and every miss, one per line. */
    static char text[QUIZ_MAX_MISSED * 160 + 256];
    quiz_summary(&q->quiz, text, sizeof text);
    for (char *p = text; *p && row < end; row++) {
        char *nl = strchr(p, '\n');
        if (nl)
            *nl = '\0';
        view_put(f, ascii, row, 2, right, p, p == text ? VIEW_TITLE : VIEW_NORMAL);
        if (!nl)
            break;
        p = nl + 1;
    }
    return 1;
}

/* mode_quiz.c - the quiz, over the stepping screen: before a step's result
 * is shown the student types its shape and then the focused element's
 * value; quiz.c judges the answers.  While a question waits every key is
 * typing (Tab skips, Esc ends the quiz); otherwise keys go on to stepping,
 * and each step not answered yet is asked about when the pass reaches it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "mode.h"
#include "prompt.h"
#include "quiz.h"
#include "text.h"

enum { QUESTION_BYTES = 256, ANSWER_CHARS = 40 };

/* The quiz between keys. */
typedef struct {
    prompt input;              /* the answer being typed */
    quiz quiz;                 /* score and misses of the pass */
    int step;                  /* engine step index asked about; -1 none */
    int reached;               /* highest step index answered in this pass; -1 none */
    long pass;                 /* epoch and sample of the pass quizzed; -1 none */
    char msg[QUIZ_TEXT_SIZE];  /* verdict or hint of the last answer */
} quiz_mode;

static void *quiz_create(void)
{
    return calloc(1, sizeof(quiz_mode));
}

static void quiz_destroy(void *self)
{
    free(self);
}

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

/* Opens the prompt for the question the quiz is at. */
static void ask(quiz_mode *q, const engine_step *s)
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

/* Catches up with the engine: a new pass starts a new score, and a step
 * not answered yet is asked about.  Returns 1 when a question opened. */
static int sync(mode_ctx *c, quiz_mode *q)
{
    const engine *e = c->engine;
    long pass = pass_of(e);
    if (pass != q->pass) {
        /* Each pass is scored on its own; its summary closes it. */
        q->pass = pass;
        q->reached = -1;
        q->step = -1;
        quiz_init(&q->quiz);
    }
    int idx = engine_step_index(e);
    const engine_step *s = engine_current(e);
    if (!s || idx <= q->reached || idx == q->step)
        return 0;
    quiz_begin(&q->quiz, s, c->focus);
    q->step = idx;
    q->msg[0] = '\0';
    ask(q, s);
    return 1;
}

/* What the quiz asks of the stepping screen. */
static void publish(mode_ctx *c, const quiz_mode *q)
{
    int idx = engine_step_index(c->engine);
    c->quiz_on = 1;
    c->hide_result = q->step == idx && q->step > q->reached && q->quiz.stage != QUIZ_FINISHED;
    c->answered = q->reached;
    snprintf(c->score, sizeof c->score, "quiz %d/%d", q->quiz.correct, q->quiz.asked);
}

static mode_reply mode_quiz_open(mode_ctx *c, void *self, keys_action why)
{
    quiz_mode *q = self;
    (void)why;
    memset(q, 0, sizeof *q);
    q->step = -1;
    q->reached = -1;
    q->pass = -1;
    sync(c, q);
    publish(c, q);
    return MODE_DONE;
}

static void mode_quiz_close(mode_ctx *c, void *self)
{
    quiz_mode *q = self;
    prompt_close(&q->input);
    c->quiz_on = 0;
    c->hide_result = 0;
    c->answered = -1;
    c->score[0] = '\0';
}

/* The current question is over (answered, or its answer shown). */
static void finished(mode_ctx *c, quiz_mode *q)
{
    q->reached = engine_step_index(c->engine);
    c->focus = q->quiz.focus;
}

static mode_reply mode_quiz_key(mode_ctx *c, void *self, int code)
{
    quiz_mode *q = self;
    /* The lesson's shapes phase comes before any question. */
    if (c->tour)
        return MODE_PASS;
    int asking = q->input.open;
    const engine_step *s = engine_current(c->engine);
    switch (keys_lookup(KEYS_MAP_QUIZ, code, asking ? KEYS_WHEN_ASKING : 0)) {
    case KEYS_QUIZ_END:
        return MODE_CLOSE;
    case KEYS_QUIZ_SKIP: {
        /* Given up: counted as missed, its answer shown. */
        char msg[QUIZ_TEXT_SIZE];
        quiz_skip(&q->quiz, s, msg, sizeof msg);
        if (snprintf(q->msg, sizeof q->msg, "Skipped, counted as missed. %s", msg) < 0)
            q->msg[0] = '\0';
        if (q->quiz.stage == QUIZ_FINISHED) {
            prompt_close(&q->input);
            finished(c, q);
        } else {
            ask(q, s);
        }
        break;
    }
    case KEYS_ENTER: {
        char text[PROMPT_TEXT_BYTES];
        snprintf(text, sizeof text, "%s", prompt_text(&q->input));
        prompt_close(&q->input);
        quiz_answer(&q->quiz, s, text, q->msg, sizeof q->msg);
        if (q->quiz.stage == QUIZ_FINISHED)
            finished(c, q);
        else
            ask(q, s);
        break;
    }
    default:
        if (!asking)
            return MODE_PASS;
        prompt_key(&q->input, code);
        break;
    }
    publish(c, q);
    return MODE_DONE;
}

static int quiz_tick(mode_ctx *c, void *self)
{
    quiz_mode *q = self;
    int asked = sync(c, q);
    publish(c, q);
    return asked;
}

/* Whether columns 0 .. cols-1 of a row are blank. */
static int row_blank(frame *f, int row, int cols)
{
    for (int col = 0; col < cols; col++)
        if (strcmp(frame_at(f, row, col)->ch, " ") != 0)
            return 0;
    return 1;
}

/* The quiz pane in place of the narration: the question, the hint and the
 * prompt; the verdict after an answer; at the end of the pass the summary. */
static void mode_quiz_layout(const mode_ctx *c, const void *self, frame *f)
{
    const quiz_mode *q = self;
    const engine *e = c->engine;
    frame_pane pane = f->pane;
    if (c->tour || pane.rows < 2)
        return;
    int idx = engine_step_index(e);
    int asking = q->input.open && q->step == idx;
    int last = idx == engine_step_count(e) - 1 && idx <= q->reached;
    if (!asking && q->step != idx && !last)
        return; /* nothing to say: the narration stays */
    int full = f->cols;
    f->cols = pane.cols;
    for (int r = pane.top; r < pane.top + pane.rows; r++)
        frame_fill(f, r, 0, pane.cols, FRAME_NORMAL);
    int w = f->cols, right = draw_text_right(f);
    frame_rule(f, pane.top, "Quiz", c->score);
    int row = pane.top + 1, end = pane.top + pane.rows;
    if (asking) {
        const char *what = q->quiz.stage == QUIZ_ASK_SHAPE
                               ? "What shape is this step's result?  (e.g. 3x2, or 3 for a vector)"
                               : "What is the value of this element of the result?";
        frame_put(f, row++, 2, right, what, FRAME_TITLE);
        if (q->msg[0] && row < end - 1) {
            int n = end - 1 - row > 3 ? 3 : end - 1 - row;
            frame_wrap(f, row, n, 2, right, q->msg);
            row += n;
        }
        int r = end - 1 > row ? row : end - 1;
        int col = frame_prompt(f, r, 2, w - 1, &q->input, FRAME_FORWARD, 0);
        const char *keys = "Enter answers · Tab skips · Esc ends the quiz";
        int kw = frame_width(f, keys);
        if (col + prompt_cursor_column(&q->input) + 4 + kw < w)
            frame_put(f, r, w - 2 - kw, w, keys, FRAME_DIM);
        f->cols = full;
        /* While a question waits, every other key is typing. */
        keys_map map = KEYS_MAP_QUIZ;
        draw_keybar(f, f->height - 1, &map, 1, KEYS_WHEN_ASKING);
        draw_message(f, c);
        return;
    }
    if (q->step == idx && q->msg[0]) {
        int n = end - row > 3 ? 3 : end - row;
        frame_wrap(f, row, n, 2, right, q->msg);
        while (n > 1 && row + n - 1 < end && row_blank(f, row + n - 1, pane.cols))
            n--;
        row += n;
    }
    if (!last) {
        if (row < end)
            frame_put(f, row, 2, right, "→ goes on to the next step.", FRAME_DIM);
        f->cols = full;
        return;
    }
    /* The end of the pass: the score and every miss, one per line. */
    char text[QUIZ_MAX_MISSED * 160 + 256];
    quiz_summary(&q->quiz, text, sizeof text);
    for (char *p = text; *p && row < end; row++) {
        char *nl = strchr(p, '\n');
        if (nl)
            *nl = '\0';
        frame_put(f, row, 2, right, p, p == text ? FRAME_TITLE : FRAME_NORMAL);
        if (!nl)
            break;
        p = nl + 1;
    }
    f->cols = full;
}

const mode_ops mode_quiz = {
    .map = KEYS_MAP_QUIZ,
    .passes = 1,
    .create = quiz_create,
    .destroy = quiz_destroy,
    .open = mode_quiz_open,
    .key = mode_quiz_key,
    .tick = quiz_tick,
    .layout = mode_quiz_layout,
    .close = mode_quiz_close,
};

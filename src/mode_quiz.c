/* mode_quiz.c - the quiz, over the stepping screen: before a step's result
 * is shown the student types its shape, then the focused element's value,
 * and on a gradient step the shape a formula for it gives (the question's
 * own formula among them); quiz.c judges the answers and keeps the score,
 * which counts first tries only.  What a question keeps secret is hidden
 * everywhere on the screen: the result, the diagram's vector holding the
 * same numbers, the pass pane's shapes.  While a question waits every key
 * is typing (Tab skips, Esc ends the quiz); otherwise keys go on to
 * stepping, and each step not answered yet is asked about when the pass
 * reaches it.  Leaving the quiz (Esc, or z between questions) shows its
 * summary, right at the first try per kind of question, before the
 * stepping screen comes back. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "mode.h"
#include "prompt.h"
#include "quiz.h"
#include "text.h"

enum {
    ANSWER_CHARS = 40,
    CAPTION_COLS = 36, /* a longer caption (a formula) gives way to "shape? " */
    SUMMARY_BYTES = QUIZ_MAX_MISSED * 256 + 512,
};

/* The quiz between keys. */
typedef struct {
    prompt input;              /* the answer being typed */
    quiz quiz;                 /* score and misses since the quiz began */
    int step;                  /* engine step index asked about; -1 none */
    int reached;               /* highest step index answered in this pass; -1 none */
    long pass;                 /* epoch and sample of the pass quizzed; -1 none */
    int leaving;               /* the summary shows; the next key leaves */
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

/* One number for the pass being quizzed, so a new pass is asked anew. */
static long pass_of(const engine *e)
{
    return (long)engine_epoch(e) * 1000000L + engine_sample(e);
}

/* Opens the prompt for the question the quiz is at. */
static void ask(quiz_mode *q, const engine_step *s)
{
    char raw[QUIZ_TEXT_SIZE], cap[QUIZ_TEXT_SIZE];
    quiz_caption(&q->quiz, s, raw, sizeof raw);
    text_sanitize(raw, cap, sizeof cap);
    if (text_width(cap) > CAPTION_COLS)
        snprintf(cap, sizeof cap, "shape? "); /* the question above names the formula */
    prompt_open(&q->input, cap, NULL, ANSWER_CHARS);
}

/* Catches up with the engine: a step not answered yet in this pass is
 * asked about.  Returns 1 when a question opened. */
static int sync(mode_ctx *c, quiz_mode *q)
{
    const engine *e = c->engine;
    long pass = pass_of(e);
    if (pass != q->pass) {
        q->pass = pass;
        q->reached = -1;
        q->step = -1;
    }
    int idx = engine_step_index(e);
    const engine_step *s = engine_current(e);
    if (!s || c->tour || q->leaving || idx <= q->reached || idx == q->step)
        return 0;
    quiz_open(&q->quiz, s, c->focus, engine_network(e));
    q->step = idx;
    q->msg[0] = '\0';
    ask(q, s);
    return 1;
}

/* What the quiz asks of the stepping screen: what the open question keeps
 * secret stays hidden there too. */
static void publish(mode_ctx *c, const quiz_mode *q)
{
    int idx = engine_step_index(c->engine);
    quiz_hidden h = {0};
    if (q->step == idx && q->step > q->reached && !c->tour)
        quiz_hiding(&q->quiz, engine_current(c->engine), &h);
    c->quiz_on = 1;
    c->hide_result = h.result;
    c->hide_values = h.values;
    c->hide_kind = h.kind;
    c->hide_layer = h.layer;
    c->answered = q->reached;
    snprintf(c->score, sizeof c->score, "quiz %d/%d", q->quiz.correct, q->quiz.asked);
}

static mode_reply mode_quiz_open(mode_ctx *c, void *self, keys_action why)
{
    quiz_mode *q = self;
    (void)why;
    memset(q, 0, sizeof *q);
    quiz_init(&q->quiz);
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
    c->hide_values = 0;
    c->answered = -1;
    c->score[0] = '\0';
}

/* The current question is over (answered, or its answer shown). */
static void finished(mode_ctx *c, quiz_mode *q)
{
    q->reached = engine_step_index(c->engine);
    c->focus = q->quiz.focus;
}

/* Leaving: the summary first, when anything was asked. */
static mode_reply leave(quiz_mode *q)
{
    prompt_close(&q->input);
    if (q->quiz.asked == 0)
        return MODE_CLOSE;
    q->leaving = 1;
    return MODE_DONE;
}

static mode_reply mode_quiz_key(mode_ctx *c, void *self, int code)
{
    quiz_mode *q = self;
    if (q->leaving)
        return MODE_CLOSE; /* any key, once the summary has been seen */
    /* The lesson's shapes phase comes before any question. */
    if (c->tour)
        return MODE_PASS;
    int asking = q->input.open;
    const engine_step *s = engine_current(c->engine);
    switch (keys_lookup(KEYS_MAP_QUIZ, code, asking ? KEYS_WHEN_ASKING : 0)) {
    case KEYS_QUIZ_END:
        return leave(q);
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
        if (asking) {
            prompt_key(&q->input, code);
            break;
        }
        /* z between questions ends the quiz too, by way of its summary. */
        if (keys_lookup(KEYS_MAP_GLOBAL, code, 0) == KEYS_QUIZ)
            return leave(q);
        return MODE_PASS;
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

static int quiz_covers(const void *self)
{
    const quiz_mode *q = self;
    return q->leaving;
}

/* Whether columns 0 .. cols-1 of a row are blank. */
static int row_blank(frame *f, int row, int cols)
{
    for (int col = 0; col < cols; col++)
        if (strcmp(frame_at(f, row, col)->ch, " ") != 0)
            return 0;
    return 1;
}

/* Writes text (lines split at '\n') from row on, each line wrapped;
 * returns the row after it.  The first line in `first` attribute. */
static int put_lines(frame *f, int row, int end, int right, char *text, int first)
{
    for (char *p = text; *p && row < end;) {
        char *nl = strchr(p, '\n');
        if (nl)
            *nl = '\0';
        int n = text_width(p) > right - 2 ? 2 : 1;
        n = row + n > end ? end - row : n;
        frame_wrap(f, row, n, 2, right, p);
        if (p == text && first != FRAME_NORMAL)
            for (int r = row; r < row + n; r++)
                for (int col = 0; col < f->cols; col++)
                    if (frame_at(f, r, col)->ch[0] != ' ')
                        frame_at(f, r, col)->attr = (unsigned char)first;
        row += n;
        if (!nl)
            break;
        p = nl + 1;
    }
    return row;
}

/* Leaving: the whole summary over the screen, until a key. */
static void layout_summary(const mode_ctx *c, const quiz_mode *q, frame *f)
{
    char raw[SUMMARY_BYTES], text[SUMMARY_BYTES];
    int w = f->width, h = f->height;
    frame_clear_rows(f, 0, h);
    frame_fill(f, 0, 0, w, FRAME_TITLE);
    frame_put(f, 0, 1, w, "Quiz summary", FRAME_TITLE);
    frame_put(f, 1, 1, w, "a question scores only when its first answer is right", FRAME_DIM);
    frame_rule(f, 2, "How it went", c->score);
    quiz_summary(&q->quiz, raw, sizeof raw);
    text_sanitize(raw, text, sizeof text);
    /* The score's two rows and one a miss; what does not fit is counted. */
    int room = h - 1 - 3 - 2, lines = 0;
    char *cut = NULL;
    for (char *p = strchr(text, '\n'); p; p = strchr(p + 1, '\n'))
        if (++lines == room - 1)
            cut = p;
    if (cut && lines > room) {
        int more = lines - (room - 1);
        snprintf(cut, sizeof text - (size_t)(cut - text), "\n… and %d more", more);
    }
    f->cols = w;
    put_lines(f, 3, h - 1, draw_text_right(f), text, FRAME_TITLE);
    frame_fill(f, h - 1, 0, w, FRAME_KEYBAR);
    frame_put(f, h - 1, 1, w, "any key: back to the steps", FRAME_KEYBAR);
}

/* The quiz pane in place of the narration: the question, the hint and the
 * prompt; the verdict after an answer; at the end of the pass the summary. */
static void mode_quiz_layout(const mode_ctx *c, const void *self, frame *f)
{
    const quiz_mode *q = self;
    const engine *e = c->engine;
    if (q->leaving) {
        layout_summary(c, q, f);
        return;
    }
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
    char text[QUIZ_TEXT_SIZE * 2];
    if (asking) {
        const engine_step *s = engine_current(e);
        char raw[QUIZ_TEXT_SIZE];
        quiz_question(&q->quiz, s, raw, sizeof raw);
        text_sanitize(raw, text, sizeof text);
        if (q->quiz.stage == QUIZ_ASK_SHAPE)
            text_append(text, sizeof text, "  (e.g. 3x2, or 3 for a vector)");
        int room = end - 1 - row, n = text_width(text) > right - 2 && room > 1 ? 2 : 1;
        frame_wrap(f, row, n, 2, right, text);
        for (int r = row; r < row + n; r++)
            for (int col = 0; col < w; col++)
                if (frame_at(f, r, col)->ch[0] != ' ')
                    frame_at(f, r, col)->attr = FRAME_TITLE;
        row += n;
        if (q->msg[0] && row < end - 1) {
            text_sanitize(q->msg, text, sizeof text);
            n = end - 1 - row > 3 ? 3 : end - 1 - row;
            frame_wrap(f, row, n, 2, right, text);
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
        text_sanitize(q->msg, text, sizeof text);
        int n = end - row > 3 ? 3 : end - row;
        frame_wrap(f, row, n, 2, right, text);
        while (n > 1 && row + n - 1 < end && row_blank(f, row + n - 1, pane.cols))
            n--;
        row += n;
    }
    if (!last) {
        if (row < end)
            frame_put(f, row, 2, right, "→ goes on to the next step · Esc ends the quiz",
                      FRAME_DIM);
        f->cols = full;
        return;
    }
    /* The end of the pass: the score so far and every miss, one per line. */
    char summary[SUMMARY_BYTES], shown[SUMMARY_BYTES];
    quiz_summary(&q->quiz, summary, sizeof summary);
    text_sanitize(summary, shown, sizeof shown);
    put_lines(f, row, end, right, shown, FRAME_TITLE);
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
    .covers = quiz_covers,
    .layout = mode_quiz_layout,
    .close = mode_quiz_close,
};

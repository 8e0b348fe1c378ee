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
 * stepping screen comes back.  Nothing the student needs is cut: the
 * question, its hint and the summary are wrapped, and scroll (a mark where
 * more is above or below) when they do not fit. */
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
    MAX_PARAS = QUIZ_MAX_MISSED + 8, /* lines of the summary, and the pane's texts */
};

/* The quiz between keys. */
typedef struct {
    prompt input;              /* the answer being typed */
    quiz quiz;                 /* score and misses since the quiz began */
    int step;                  /* engine step index asked about; -1 none */
    int reached;               /* highest step index answered in this pass; -1 none */
    long pass;                 /* epoch and sample of the pass quizzed; -1 none */
    int leaving;               /* the summary shows; a key that does not scroll it leaves */
    int scroll;                /* first line shown of the summary, or of the pane's text */
    char msg[QUIZ_TEXT_SIZE];  /* verdict or hint of the last answer */
} quiz_mode;

/* One paragraph of what the quiz shows, wrapped on its own. */
typedef struct {
    const char *text;
    int attr;  /* FRAME_* of its letters */
    int left;  /* its first column */
} para;

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
    q->scroll = 0;
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
    q->scroll = 0;
    return MODE_DONE;
}

/* Whether columns 0 .. cols-1 of a row are blank. */
/* Whether the quiz's pane shows in the narration's place: at a step
 * asked about, and at the end of a pass whose steps were. */
static int pane_shows(const mode_ctx *c, const quiz_mode *q)
{
    const engine *e = c->engine;
    int idx = engine_step_index(e);
    int last = idx == engine_step_count(e) - 1 && idx <= q->reached;
    return !c->tour && (q->step == idx || last);
}

/* Lines the paragraphs take wrapped to end before column `right`. */
static int paras_lines(const frame *f, const para *p, int n, int right)
{
    int lines = 0;
    for (int i = 0; i < n; i++)
        lines += frame_wrap_lines(f, right - p[i].left, p[i].text);
    return lines;
}

/* Draws lines first .. first+rows-1 of the wrapped paragraphs in rows
 * top .. top+rows-1, each in its attribute; a mark in column `right` where
 * more is above or below.  Returns the lines they take in all. */
static int paras_draw(frame *f, const para *p, int n, int right, int top, int rows, int first)
{
    int at = 0;
    for (int i = 0; i < n; i++) {
        int from = first > at ? first - at : 0, row = top + at + from - first;
        int shown = top + rows - row;
        int lines = frame_wrap_lines(f, right - p[i].left, p[i].text);
        if (shown > 0 && from < lines) {
            frame_wrap_from(f, row, shown, p[i].left, right, p[i].text, from);
            int last = row + (lines - from < shown ? lines - from : shown);
            for (int r = row; p[i].attr != FRAME_NORMAL && r < last; r++)
                for (int col = p[i].left; col < right; col++)
                    if (frame_at(f, r, col)->ch[0] != ' ')
                        frame_at(f, r, col)->attr = (unsigned char)p[i].attr;
        }
        at += lines;
    }
    if (rows > 0 && first > 0)
        frame_put(f, top, right, right + 1, "↑", FRAME_DIM);
    if (rows > 0 && first + rows < at)
        frame_put(f, top + rows - 1, right, right + 1, "↓", FRAME_DIM);
    return at;
}

/* The first line to show of `lines` in `view` rows when asked for `first`. */
static int clamp_first(int first, int lines, int view)
{
    int most = lines > view ? lines - view : 0;
    return first < 0 ? 0 : first > most ? most : first;
}

/* What scroll keys ask of a text `view` lines high: the new first line. */
static int scrolled(keys_action a, int first, int view)
{
    switch (a) {
    case KEYS_DOWN: return first + 1;
    case KEYS_UP: return first - 1;
    case KEYS_PAGE_DOWN: return first + (view > 2 ? view - 1 : 1);
    case KEYS_PAGE_UP: return first - (view > 2 ? view - 1 : 1);
    case KEYS_TOP: return 0;
    case KEYS_BOTTOM: return 1 << 20;
    default: return first;
    }
}

/* The summary as paragraphs, split out of text in place: the score, then
 * "Missed:" and every miss under it, indented. */
static int summary_paras(char *text, para *p, int max)
{
    int n = 0;
    for (char *line = text; *line && n < max;) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        int attr = n == 0 ? FRAME_TITLE : FRAME_NORMAL, left = line[0] == ' ' ? 4 : 2;
        p[n++] = (para){line, attr, left};
        if (!nl)
            break;
        line = nl + 1;
    }
    return n;
}

/* The keys of the summary: scrolling, or leaving by any other key; the
 * help and blanking go on to the screen's own keys. */
static mode_reply summary_key(mode_ctx *c, quiz_mode *q, int code)
{
    keys_action a = keys_lookup(KEYS_MAP_QUIZ, code, KEYS_WHEN_SUMMARY);
    int view = c->cache->text_view;
    switch (a) {
    case KEYS_DOWN: case KEYS_UP: case KEYS_PAGE_DOWN: case KEYS_PAGE_UP: case KEYS_TOP:
    case KEYS_BOTTOM:
        q->scroll = clamp_first(scrolled(a, q->scroll, view), c->cache->text_lines, view);
        return MODE_DONE;
    default:
        break;
    }
    keys_action g = keys_lookup(KEYS_MAP_GLOBAL, code, 0);
    if (g == KEYS_HELP || g == KEYS_BLANK)
        return MODE_PASS;
    return MODE_CLOSE;
}

static mode_reply mode_quiz_key(mode_ctx *c, void *self, int code)
{
    quiz_mode *q = self;
    if (q->leaving)
        return summary_key(c, q, code);
    /* The lesson's shapes phase comes before any question. */
    if (c->tour)
        return MODE_PASS;
    int asking = q->input.open;
    const engine_step *s = engine_current(c->engine);
    keys_action a = keys_lookup(KEYS_MAP_QUIZ, code, asking ? KEYS_WHEN_ASKING : 0);
    /* Between questions the step's text keys (J, K) scroll the quiz's pane
     * when it shows in the text's place. */
    if (!asking && pane_shows(c, q))
        a = keys_lookup(KEYS_MAP_STEP, code, 0) == KEYS_DOWN  ? KEYS_DOWN
            : keys_lookup(KEYS_MAP_STEP, code, 0) == KEYS_UP ? KEYS_UP
                                                              : a;
    switch (a) {
    case KEYS_QUIZ_END:
        return leave(q);
    case KEYS_DOWN:
    case KEYS_UP:
        q->scroll = clamp_first(scrolled(a, q->scroll, c->cache->text_view),
                                c->cache->text_lines, c->cache->text_view);
        break;
    case KEYS_QUIZ_SKIP: {
        /* Given up: counted as missed, its answer shown. */
        char msg[QUIZ_TEXT_SIZE];
        quiz_skip(&q->quiz, s, msg, sizeof msg);
        if (snprintf(q->msg, sizeof q->msg, "Skipped, counted as missed. %s", msg) < 0)
            q->msg[0] = '\0';
        q->scroll = 0;
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
        q->scroll = 0;
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

/* The rule's right side: the score, and which lines show when not all do,
 * with the keys that scroll them. */
static void rule_side(const mode_ctx *c, int first, int view, int lines, const char *keys,
                      char *buf, size_t size)
{
    if (lines > view && view > 0)
        snprintf(buf, size, "%s  lines %d-%d of %d%s%s", c->score, first + 1, first + view,
                 lines, keys[0] ? ", " : "", keys);
    else
        snprintf(buf, size, "%s", c->score);
}

/* Leaving: the whole summary over the screen, scrolling when it does not
 * fit, until a key that does not scroll it. */
static void layout_summary(const mode_ctx *c, const quiz_mode *q, frame *f)
{
    char raw[SUMMARY_BYTES], text[SUMMARY_BYTES], side[128];
    para p[MAX_PARAS];
    int w = f->width, h = f->height;
    frame_clear_rows(f, 0, h);
    f->cols = w;
    frame_fill(f, 0, 0, w, FRAME_TITLE);
    frame_put(f, 0, 1, w, "Quiz summary", FRAME_TITLE);
    frame_put(f, 1, 1, w, "a question scores only when its first answer is right", FRAME_DIM);
    quiz_summary(&q->quiz, raw, sizeof raw);
    text_sanitize(raw, text, sizeof text);
    int n = summary_paras(text, p, MAX_PARAS);
    int right = draw_text_right(f), top = 3, view = h - 1 - top;
    int lines = paras_lines(f, p, n, right), first = clamp_first(q->scroll, lines, view);
    rule_side(c, first, view, lines, "", side, sizeof side);
    frame_rule(f, 2, "How it went", side);
    paras_draw(f, p, n, right, top, view, first);
    c->cache->text_lines = lines;
    c->cache->text_view = view;
    keys_map map = KEYS_MAP_QUIZ;
    draw_keybar(f, h - 1, &map, 1, KEYS_WHEN_SUMMARY | (lines > view ? KEYS_WHEN_MORE : 0));
}

/* The quiz pane in place of the narration: the question, the hint and the
 * prompt; the verdict after an answer; at the end of the pass the summary.
 * What does not fit scrolls, the prompt staying in view. */
static void mode_quiz_layout(const mode_ctx *c, const void *self, frame *f)
{
    const quiz_mode *q = self;
    const engine *e = c->engine;
    if (q->leaving) {
        layout_summary(c, q, f);
        return;
    }
    frame_pane pane = f->pane;
    if (pane.rows < 2 || !pane_shows(c, q))
        return; /* nothing to say: the narration stays */
    int idx = engine_step_index(e);
    int asking = q->input.open && q->step == idx;
    int last = idx == engine_step_count(e) - 1 && idx <= q->reached;
    int full = f->cols;
    f->cols = pane.cols;
    int w = f->cols, right = draw_text_right(f);
    int top = pane.top, end = pane.top + pane.rows;
    /* The paragraphs below point into these buffers until they are drawn,
     * so they live in this scope, not in the blocks that fill them. */
    // cppcheck-suppress variableScope
    char question[QUIZ_TEXT_SIZE * 2], msg[QUIZ_TEXT_SIZE * 2];
    // cppcheck-suppress variableScope
    char summary[SUMMARY_BYTES], shown[SUMMARY_BYTES], side[128];
    para p[MAX_PARAS];
    int n = 0;
    if (asking) {
        char raw[QUIZ_TEXT_SIZE];
        quiz_question(&q->quiz, engine_current(e), raw, sizeof raw);
        text_sanitize(raw, question, sizeof question);
        if (q->quiz.stage == QUIZ_ASK_SHAPE)
            text_append(question, sizeof question, "  (e.g. 3x2, or 3 for a vector)");
        p[n++] = (para){question, FRAME_TITLE, 2};
    }
    if (q->msg[0]) {
        text_sanitize(q->msg, msg, sizeof msg);
        p[n++] = (para){msg, FRAME_NORMAL, 2};
    }
    if (!asking && !last)
        p[n++] = (para){"→ goes on to the next step · Esc ends the quiz", FRAME_DIM, 2};
    if (!asking && last) {
        /* The end of the pass: the score so far and every miss, one per line. */
        quiz_summary(&q->quiz, summary, sizeof summary);
        text_sanitize(summary, shown, sizeof shown);
        n += summary_paras(shown, p + n, MAX_PARAS - n);
    }
    int lines = paras_lines(f, p, n, right);
    /* Text that does not fit takes the blank rows above the pane (the step
     * pane keeps the pass's tallest height, blank under a hidden result),
     * one blank row staying between them. */
    top -= frame_blank_above(f, top, lines - (end - top - 1 - asking));
    for (int r = top; r < end; r++)
        frame_fill(f, r, 0, w, FRAME_NORMAL);
    int row = top + 1;
    int view = end - row - asking; /* the prompt keeps its row */
    /* When the text does not fit above it, the prompt goes to the bottom
     * row in the key bar's place, and the text has that row too. */
    int bottom = asking && lines > view;
    view += bottom;
    view = view < 0 ? 0 : view;
    int first = clamp_first(q->scroll, lines, view);
    rule_side(c, first, view, lines, asking ? "↑↓" : "J/K", side, sizeof side);
    frame_rule(f, top, "Quiz", side);
    paras_draw(f, p, n, right, row, view, first);
    c->cache->text_lines = lines;
    c->cache->text_view = view;
    if (!asking) {
        f->cols = full;
        return;
    }
    const char *keys = "Enter answers · Tab skips · Esc ends the quiz";
    int kw = frame_width(f, keys);
    if (bottom) {
        f->cols = full;
        w = full;
        draw_question(f, &q->input);
        if (frame_width(f, q->input.caption) + prompt_cursor_column(&q->input) + 6 + kw < w)
            frame_put(f, f->height - 1, w - 2 - kw, w, keys, FRAME_DIM);
        draw_message(f, c);
        return;
    }
    int r = row + (lines < view ? lines : view);
    r = r < end ? r : end - 1;
    int col = frame_prompt(f, r, 2, w - 1, &q->input, FRAME_FORWARD, 0);
    if (col + prompt_cursor_column(&q->input) + 4 + kw < w)
        frame_put(f, r, w - 2 - kw, w, keys, FRAME_DIM);
    f->cols = full;
    /* While a question waits, every other key is typing. */
    keys_map map = KEYS_MAP_QUIZ;
    draw_keybar(f, f->height - 1, &map, 1, KEYS_WHEN_ASKING);
    draw_message(f, c);
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

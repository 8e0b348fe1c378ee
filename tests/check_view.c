/* check_view.c - the screen's modes without a terminal: the default
 * lesson's key steps at 80×24 and 120×40, shapes, focus, the convention
 * switch, the key table and the help of every mode, the tools (gradient
 * check, training, editing, saving, quiz, shape checker) driven by keys,
 * and the too-small message. */
#include <check.h>
#include <glob.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "draw.h"
#include "engine.h"
#include "frame.h"
#include "keys.h"
#include "lesson.h"
#include "narrate.h"
#include "ops.h"
#include "quiz.h"
#include "screen.h"
#include "shape.h"
#include "text.h"

static lesson les;
static screen *scr;
static engine *eng;
static mode_ctx *ctx;
static frame *frame_;

/* A screen on lesson l, drawn in ASCII when ascii is set. */
static screen *screen_on(lesson *l, int ascii)
{
    screen_options opt = {ascii, 0, -1};
    screen *s = screen_new(l, &opt);
    ck_assert_ptr_nonnull(s);
    return s;
}

/* Points the helpers below at screen s. */
static void use(screen *s)
{
    scr = s;
    eng = screen_engine(s);
    ctx = screen_ctx(s);
}

static void setup(void)
{
    lesson_error err;
    ck_assert_int_eq(lesson_load_default(&les, &err), 0);
    use(screen_on(&les, 0));
    frame_ = frame_new();
    ck_assert_ptr_nonnull(frame_);
    /* The lesson's description gives way to the narration after a move. */
    screen_key(scr, KEYS_K_RIGHT);
    screen_key(scr, KEYS_K_LEFT);
}

static void teardown(void)
{
    frame_free(frame_);
    screen_free(scr);
    lesson_free(&les);
}

/* The question's network by hand: z = W_ijᵀ x, h = sigmoid(z), y = W_jkᵀ h,
 * δ_k = y − t (linear output, mse). */
static void by_hand(double h[3], double d[2])
{
    static const double x[2] = {1.0, 0.5}, t[2] = {1.0, 0.0};
    static const double w1[2][3] = {{0.2, -0.4, 0.6}, {0.5, 0.3, -0.1}};
    static const double w2[3][2] = {{0.7, -0.2}, {-0.5, 0.4}, {0.3, 0.8}};
    for (int j = 0; j < 3; j++)
        h[j] = 1.0 / (1.0 + exp(-(x[0] * w1[0][j] + x[1] * w1[1][j])));
    for (int k = 0; k < 2; k++)
        d[k] = h[0] * w2[0][k] + h[1] * w2[1][k] + h[2] * w2[2][k] - t[k];
}

static void lay(int w, int h)
{
    screen_layout(scr, frame_, w, h);
}

static int has(const char *text)
{
    return frame_find(frame_, text, NULL) >= 0;
}

/* Gives the screen one key code; returns 1 when it asked to leave. */
static int key(int code)
{
    return screen_key(scr, code);
}

/* Gives the screen a string of keys, as typed ('\n' is Enter, 033 Esc),
 * and the time any work they start takes. */
static void type_keys(const char *keys)
{
    for (const char *p = keys; *p; p++) {
        key(*p == '\n' ? KEYS_K_ENTER : *p == 27 ? KEYS_K_ESC : (unsigned char)*p);
        while (screen_timeout(scr) == 0)
            screen_tick(scr);
    }
}

/* The text of a row of the frame. */
static const char *row_text(int row)
{
    static char line[FRAME_MAX_WIDTH * FRAME_CELL_BYTES];
    frame_row_text(frame_, row, line, sizeof line);
    return line;
}

static void go(const char *id)
{
    ck_assert_msg(engine_seek(eng, id), "no step %s", id);
}

/* The label a tensor gets on screen: "W_jk  3×2". */
static void label_of(const engine_tensor *t, char *buf, size_t size)
{
    char name[64];
    text_sanitize(t->name, name, sizeof name);
    if (t->rank == 0)
        snprintf(buf, size, "%s", name);
    else if (t->rank == 1)
        snprintf(buf, size, "%s  %d", name, t->rows);
    else
        snprintf(buf, size, "%s  %d×%d", name, t->rows, t->cols);
}

/* Collects the runs of cells with attribute `attr`, trimmed, into runs. */
static int runs_of(int attr, char runs[][64], int max)
{
    int n = 0;
    for (int r = 0; r < frame_->height; r++) {
        int in = 0;
        for (int c = 0; c <= frame_->width; c++) {
            const frame_cell *x = c < frame_->width ? &frame_->cells[r * frame_->width + c] : NULL;
            if (x && x->attr == attr) {
                if (!in && n < max) {
                    runs[n][0] = '\0';
                    in = 1;
                    n++;
                }
                if (in && strlen(runs[n - 1]) + strlen(x->ch) < 64 && x->ch[0] != ' ')
                    strcat(runs[n - 1], x->ch);
            } else {
                in = 0;
            }
        }
    }
    return n;
}

static void num(double v, char *buf, size_t size)
{
    char raw[32];
    text_number(v, 4, raw, sizeof raw);
    const char *p = raw;
    while (*p == ' ')
        p++;
    snprintf(buf, size, "%s", p);
}

/* Every operand and the result of every step are labelled with their shape,
 * and the shape equation is shown, at both sizes. */
START_TEST(every_step_labelled)
{
    static const int sizes[2][2] = {{80, 24}, {120, 40}};
    for (int z = 0; z < 2; z++) {
        for (int i = 0; i < engine_step_count(eng); i++) {
            engine_goto(eng, i);
            const engine_step *s = engine_current(eng);
            lay(sizes[z][0], sizes[z][1]);
            char want[128], sh[160];
            for (int o = 0; o < s->n_operands; o++) {
                label_of(&s->operand[o], want, sizeof want);
                ck_assert_msg(has(want), "%dx%d %s: no operand label '%s'", sizes[z][0],
                              sizes[z][1], s->id, want);
            }
            label_of(&s->result, want, sizeof want);
            ck_assert_msg(has(want), "%s: no result label '%s'", s->id, want);
            text_sanitize(s->shapes, want, sizeof want);
            snprintf(sh, sizeof sh, "shapes  %s", want);
            ck_assert_msg(has(sh), "%s: no '%s'", s->id, sh);
            snprintf(want, sizeof want, "step %d/%d", i + 1, engine_step_count(eng));
            ck_assert_msg(has(want), "%s: no '%s'", s->id, want);
            snprintf(want, sizeof want, "Step %s", s->id);
            ck_assert_msg(has(want), "no pane title '%s'", want);
        }
    }
}
END_TEST

START_TEST(gradient_shapes)
{
    char want[64];
    go("backward.2.gradient");
    lay(80, 24);
    const engine_step *s = engine_current(eng);
    ck_assert_int_eq(s->result.rows, 3);
    ck_assert_int_eq(s->result.cols, 2);
    label_of(&s->result, want, sizeof want);
    ck_assert_msg(strstr(want, "  3×2") != NULL, "%s", want);
    ck_assert(has(want));
    go("backward.1.gradient");
    lay(80, 24);
    s = engine_current(eng);
    label_of(&s->result, want, sizeof want);
    ck_assert_msg(strstr(want, "  2×3") != NULL, "%s", want);
    ck_assert(has(want));
    ck_assert(has("columns convention"));
}
END_TEST

/* c turns every shape around and the narration follows the convention. */
START_TEST(convention_switch)
{
    char before[64], after[64];
    go("backward.2.gradient");
    lay(120, 40);
    label_of(&engine_current(eng)->result, before, sizeof before);
    ck_assert(key('c') == 0);
    ck_assert_int_eq(engine_convention(eng), CONV_ROWS);
    lay(120, 40);
    const engine_step *s = engine_current(eng);
    ck_assert_str_eq(s->id, "backward.2.gradient");
    label_of(&s->result, after, sizeof after);
    ck_assert_msg(strstr(after, "  2×3") != NULL, "%s", after);
    ck_assert(has(after));
    ck_assert(!has(before));
    ck_assert(has("rows convention"));
    for (int o = 0; o < s->n_operands; o++) {
        if (s->operand[o].rank != 2)
            continue;
        label_of(&s->operand[o], after, sizeof after);
        ck_assert_msg(strstr(after, "  2×3") != NULL, "operand %s", after);
    }
    key('c');
    lay(120, 40);
    ck_assert(has(before));
}
END_TEST

/* ↓ walks the six elements of G_jk; each shows its arithmetic, the focused
 * number is the hand-computed h_j·δ_k and the two operand elements it used
 * are highlighted. */
START_TEST(focus_walk)
{
    double h[3], d[2];
    by_hand(h, d);
    go("backward.2.gradient");
    const engine_step *s = engine_current(eng);
    for (int i = 0; i < 6; i++) {
        int j = i / 2, k = i % 2;
        double g = h[j] * d[k];
        ck_assert_int_eq(ctx->focus, i);
        ck_assert_double_eq_tol(s->result.v[i], g, 1e-12);
        lay(80, 24);
        char runs[16][64], want[32], explain[512];
        int n = runs_of(FRAME_FOCUS, runs, 16);
        ck_assert_int_eq(n, 1);
        num(g, want, sizeof want);
        ck_assert_str_eq(runs[0], want);
        n = runs_of(FRAME_USED, runs, 16);
        ck_assert_int_eq(n, 2);
        char wd[32], wh[32];
        num(d[k], wd, sizeof wd);
        num(h[j], wh, sizeof wh);
        ck_assert_msg((strcmp(runs[0], wd) == 0 && strcmp(runs[1], wh) == 0) ||
                          (strcmp(runs[0], wh) == 0 && strcmp(runs[1], wd) == 0),
                      "used %s %s, want %s %s", runs[0], runs[1], wd, wh);
        engine_step_explain(s, i, 4, explain, sizeof explain, NULL, 0);
        char line[600];
        snprintf(line, sizeof line, "▸ %s", explain);
        line[text_fit(line, 77)] = '\0';
        ck_assert_msg(has(line), "no arithmetic '%s'", line);
        key(KEYS_K_DOWN);
    }
    ck_assert_int_eq(ctx->focus, 5); /* stays on the last element */
    key(KEYS_K_UP);
    ck_assert_int_eq(ctx->focus, 4);
}
END_TEST

/* The focused element stays the same number across the switch. */
START_TEST(focus_follows_transpose)
{
    go("backward.2.gradient");
    key(KEYS_K_DOWN); /* G[1][2] */
    double v = engine_current(eng)->result.v[ctx->focus];
    key('c');
    ck_assert_int_eq(ctx->focus, 3); /* row 2, column 1 of the 2×3 */
    ck_assert_double_eq(engine_current(eng)->result.v[ctx->focus], v);
}
END_TEST

/* Nodes show activations going forward and δ coming back. */
START_TEST(diagram_values)
{
    double h[3], d[2];
    by_hand(h, d);
    char want[64], n[32];
    go("forward.1.activation");
    lay(80, 24);
    for (int j = 0; j < 3; j++) {
        num(h[j], n, sizeof n);
        snprintf(want, sizeof want, "(%s%s)", h[j] < 0 ? "" : " ", n);
        ck_assert_msg(has(want), "no node %s", want);
    }
    ck_assert(has("values: activations"));
    go("backward.2.activation");
    lay(80, 24);
    ck_assert(has("values: δ"));
    for (int k = 0; k < 2; k++) {
        num(d[k], n, sizeof n);
        snprintf(want, sizeof want, "(%s%s)", d[k] < 0 ? "" : " ", n);
        ck_assert_msg(has(want), "no node %s", want);
    }
}
END_TEST

START_TEST(header)
{
    go("loss");
    lay(80, 24);
    char row[1024];
    frame_row_text(frame_, 0, row, sizeof row);
    ck_assert_msg(strncmp(row, " The 2-3-2 network from the question", 36) == 0, "%s", row);
    ck_assert_msg(strstr(row, "epoch 1  sample 1/1  loss"), "%s", row);
    frame_row_text(frame_, 1, row, sizeof row);
    ck_assert_msg(strncmp(row, " FORWARD  step 5/", 17) == 0, "%s", row);
}
END_TEST

/* ← after → gives back exactly the same screen, at every step. */
START_TEST(back_is_identical)
{
    static frame_cell saved[80 * 24];
    int n = engine_step_count(eng);
    for (int i = 0; i + 1 < n; i++) {
        engine_goto(eng, i);
        lay(80, 24);
        memcpy(saved, frame_->cells, sizeof saved);
        key(KEYS_K_RIGHT);
        lay(80, 24);
        key(KEYS_K_LEFT);
        lay(80, 24);
        for (int c = 0; c < 80 * 24; c++) {
            ck_assert_msg(strcmp(saved[c].ch, frame_->cells[c].ch) == 0 &&
                              saved[c].attr == frame_->cells[c].attr,
                          "step %d differs at row %d col %d", i, c / 80, c % 80);
        }
    }
}
END_TEST

START_TEST(too_small)
{
    char row[1024];
    lay(79, 24);
    frame_row_text(frame_, 12, row, sizeof row);
    ck_assert_str_eq(row, "            backstep needs at least 80×24 (this terminal is 79×24)");
    lay(60, 20);
    frame_row_text(frame_, 10, row, sizeof row);
    ck_assert_str_eq(row, "   backstep needs at least 80×24 (this terminal is 60×20)");
    ck_assert(!has("Network"));
    lay(80, 24);
    ck_assert(!has("needs at least"));
    ck_assert(has("Network"));
}
END_TEST

/* --ascii: not one byte above 0x7f anywhere, at any step, help included,
 * in the tools too. */
START_TEST(ascii_only)
{
    screen_free(scr);
    use(screen_on(&les, 1));
    for (int i = 0; i <= engine_step_count(eng); i++) {
        if (i < engine_step_count(eng))
            engine_goto(eng, i);
        if (i == 3)
            key('?');
        if (i == engine_step_count(eng))
            key(':');
        lay(80, 24);
        for (int c = 0; c < 80 * 24; c++)
            for (const unsigned char *p = (const unsigned char *)frame_->cells[c].ch; *p; p++)
                ck_assert_msg(*p < 0x80, "step %d: byte %02x at row %d col %d", i, *p,
                              c / 80, c % 80);
        if (i == 3)
            key('?');
    }
    key(KEYS_K_ESC);
    go("backward.2.gradient");
    lay(80, 24);
    ck_assert(has("shapes  (3x2)"));
}
END_TEST

/* The maps every mode looks its keys up in. */
static const keys_map step_maps[] = {KEYS_MAP_STEP, KEYS_MAP_GLOBAL};

START_TEST(key_table)
{
    size_t n;
    const keys_entry *k = keys_table(&n);
    for (int a = KEYS_NEXT; a < KEYS_ACTION_COUNT; a++) {
        int found = 0;
        for (size_t i = 0; i < n; i++)
            if (k[i].action == (keys_action)a && k[i].help && k[i].keys)
                found = 1;
        ck_assert_msg(found, "action %d has no row", a);
    }
    /* Within a map, one key does one thing in any one condition. */
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++)
            for (int x = 0; x < KEYS_PER_ACTION && k[i].code[x]; x++)
                for (int y = 0; y < KEYS_PER_ACTION && k[j].code[y]; y++)
                    ck_assert_msg(k[i].map != k[j].map || k[i].code[x] != k[j].code[y] ||
                                      (k[i].only && k[j].only && !(k[i].only & k[j].only)),
                                  "rows %zu and %zu of one map share key %d", i, j,
                                  k[i].code[x]);
    ck_assert_int_eq(keys_lookup(KEYS_MAP_STEP, KEYS_K_RIGHT, 0), KEYS_NEXT);
    ck_assert_int_eq(keys_lookup(KEYS_MAP_STEP, ' ', 0), KEYS_NEXT);
    ck_assert_int_eq(keys_lookup(KEYS_MAP_STEP, KEYS_K_BACKSPACE, 0), KEYS_PREV);
    ck_assert_int_eq(keys_lookup(KEYS_MAP_STEP, 'G', 0), KEYS_LAST);
    ck_assert_int_eq(keys_lookup(KEYS_MAP_STEP, KEYS_K_BACKTAB, 0), KEYS_PHASE_PREV);
    ck_assert_int_eq(keys_lookup(KEYS_MAP_STEP, ']', 0), KEYS_FOCUS_NEXT);
    ck_assert_int_eq(keys_lookup(KEYS_MAP_STEP, 'N', 0), KEYS_SAMPLE);
    ck_assert_int_eq(keys_lookup(KEYS_MAP_STEP, 'x', 0), KEYS_NONE);
    ck_assert_int_eq(keys_lookup(KEYS_MAP_STEP, 'q', 0), KEYS_NONE);
    ck_assert_int_eq(keys_lookup(KEYS_MAP_GLOBAL, 'q', 0), KEYS_QUIT);
    ck_assert_int_eq(keys_lookup(KEYS_MAP_GLOBAL, KEYS_K_ESC, 0), KEYS_BACK);
    ck_assert_int_eq(keys_lookup(KEYS_MAP_HELP, 'l', 0), KEYS_NONE);
    ck_assert_int_eq(keys_lookup(KEYS_MAP_HELP, KEYS_K_ESC, 0), KEYS_BACK);
    /* The tool screens' keys. */
    ck_assert_int_eq(keys_lookup(KEYS_MAP_BROWSE, 'G', 0), KEYS_BOTTOM);
    ck_assert_int_eq(keys_lookup(KEYS_MAP_BROWSE, 'o', 0), KEYS_BACK);
    ck_assert_int_eq(keys_lookup(KEYS_MAP_CHECK, 'g', 0), KEYS_TOP);
    ck_assert_int_eq(keys_lookup(KEYS_MAP_CHECK, 'q', KEYS_WHEN_DONE), KEYS_BACK);
    ck_assert_int_eq(keys_lookup(KEYS_MAP_CHECK, KEYS_K_ESC, KEYS_WHEN_RUNNING), KEYS_STOP);
    ck_assert_int_eq(keys_lookup(KEYS_MAP_TRAIN, 'L', KEYS_WHEN_PLOTTED), KEYS_LOG_SCALE);
    ck_assert_int_eq(keys_lookup(KEYS_MAP_TRAIN, 'L', KEYS_WHEN_RUNNING), KEYS_NONE);
    ck_assert_int_eq(keys_lookup(KEYS_MAP_TRAIN, KEYS_K_ESC, KEYS_WHEN_RUNNING), KEYS_STOP);
    ck_assert_int_eq(keys_lookup(KEYS_MAP_TRAIN, KEYS_K_ESC, KEYS_WHEN_PLOTTED), KEYS_BACK);
    ck_assert_int_eq(keys_lookup(KEYS_MAP_TEXT, 21, 0), KEYS_CLEAR_LINE);
    char bar[256];
    keys_bar(step_maps, 2, 0, 78, "  ", bar, sizeof bar);
    ck_assert_str_eq(bar, "→ next  ← prev  Tab phase  c rows/cols  a play  N sample  ? help  q quit");
    keys_bar(step_maps, 2, KEYS_WHEN_FOCUS | KEYS_WHEN_AUTOPLAY, 78, "  ", bar, sizeof bar);
    ck_assert_str_eq(bar, "→ next  ← prev  Tab phase  ↑↓ element  c rows/cols  a play  ? help  q quit");
    keys_map check = KEYS_MAP_CHECK;
    keys_bar(&check, 1, KEYS_WHEN_DONE, 78, "  ", bar, sizeof bar);
    ck_assert_str_eq(bar, "↑↓ scroll  Esc/Enter back to the steps");
    /* Every row that opens a mode opens one the screen has: each opens. */
    for (size_t i = 0; i < n; i++) {
        if (k[i].opens == KEYS_MAP_GLOBAL || k[i].opens == KEYS_MAP_EDIT)
            continue;
        screen_free(scr);
        use(screen_on(&les, 0));
        if (k[i].map == KEYS_MAP_CHECK)
            key('v');
        else if (k[i].map == KEYS_MAP_TRAIN)
            type_keys("t\n");
        else if (k[i].map == KEYS_MAP_BROWSE)
            key('o');
        key(k[i].code[0]);
        ck_assert_msg(screen_top(scr) == k[i].opens, "%s (%s) opens no mode", k[i].keys,
                      keys_map_name(k[i].map));
    }
}
END_TEST

/* Whether every key of the maps and the start of its explanation have
 * been seen; seen[] collects over the screens shown so far. */
static int help_seen_all(const keys_map *maps, int n_maps, int *seen)
{
    size_t n;
    const keys_entry *k = keys_table(&n);
    int all = 1;
    for (size_t i = 0; i < n; i++) {
        int listed = 0;
        for (int m = 0; m < n_maps; m++)
            listed |= k[i].map == maps[m];
        if (!listed)
            continue;
        char h[48];
        snprintf(h, sizeof h, "%s", k[i].help);
        h[text_fit(h, 30)] = '\0';
        int r1 = -1, r2 = -1;
        if (frame_find(frame_, k[i].keys, &r1) >= 0 && frame_find(frame_, h, &r2) >= 0)
            seen[i] = 1;
        all &= seen[i];
    }
    return all;
}

/* The first line the help shows, from its footer "lines 11-28 of 38". */
static int help_first_line(void)
{
    int row;
    ck_assert_int_ge(frame_find(frame_, " lines ", &row), 0);
    return atoi(strstr(row_text(row), " lines ") + 7);
}

/* The help on the stepping screen lists every key of stepping and every
 * global one under its group's heading: at 200×60 all at once in two
 * columns, at 80×24 by scrolling. */
START_TEST(help_lists_keys)
{
    int seen[128] = {0};
    size_t n;
    keys_table(&n);
    ck_assert_uint_le(n, 128);
    key('?');
    ck_assert_int_eq(screen_top(scr), KEYS_MAP_HELP);
    lay(200, 60);
    ck_assert_msg(help_seen_all(step_maps, 2, seen), "200x60 help lacks a key");
    static const char *const groups[] = {"stepping", "focus", "display", "views & tools",
                                         "help & quit"};
    int row_of[5], col_of[5];
    for (int g = 0; g < 5; g++) {
        col_of[g] = frame_find(frame_, groups[g], &row_of[g]);
        ck_assert_msg(col_of[g] >= 0, "no heading %s", groups[g]);
    }
    ck_assert_int_gt(col_of[4], col_of[0] + 40); /* a second column */
    ck_assert(has("? or q closes this help"));
    ck_assert(has("↑↓ scroll  PgUp/PgDn page  ? q close"));
    /* Keys of the tools are theirs, not the stepping screen's. */
    ck_assert(!has("loss plot: linear or log scale"));

    memset(seen, 0, sizeof seen);
    lay(80, 24);
    ck_assert(has("lines 1-"));
    ck_assert(!help_seen_all(step_maps, 2, seen)); /* too many keys for one screen */
    int pages = 0;
    while (!help_seen_all(step_maps, 2, seen) && pages++ < 20) {
        key(KEYS_K_PGDN);
        lay(80, 24);
    }
    ck_assert_msg(help_seen_all(step_maps, 2, seen), "80x24 help never shows some key");
    ck_assert(has("views & tools") || has("help & quit"));
    /* ↑ scrolls back a line; the focus did not move meanwhile. */
    int before = help_first_line();
    key(KEYS_K_UP);
    lay(80, 24);
    ck_assert_int_eq(help_first_line(), before - 1);
    ck_assert_int_eq(ctx->focus, 0);
    ck_assert(key('q') == 0); /* closes help first */
    ck_assert_int_eq(screen_top(scr), KEYS_MAP_STEP);
    key('?');
    lay(80, 24);
    ck_assert_int_eq(help_first_line(), 1); /* opens at the top again */
    key('?');
    ck_assert(key('q') == 1);
}
END_TEST

/* ? on a tool screen lists that screen's keys, which the table holds too:
 * the check table's j k g q, the plot's L, the browser's j k g G o. */
START_TEST(help_per_mode)
{
    static const struct {
        const char *open;    /* keys that open the tool */
        keys_map map;        /* its key map */
        const char *has;     /* a line of its help */
        const char *has_not; /* a line of the stepping screen's */
    } tools[] = {
        {"v", KEYS_MAP_CHECK, "scroll down a row", "next step; past the end"},
        {"t\n", KEYS_MAP_TRAIN, "loss plot: linear or log scale", "autoplay faster"},
        {"o", KEYS_MAP_BROWSE, "last lesson", "train some epochs"},
    };
    for (size_t t = 0; t < sizeof tools / sizeof tools[0]; t++) {
        int seen[128] = {0};
        type_keys(tools[t].open);
        ck_assert_int_eq(screen_top(scr), tools[t].map);
        key('?');
        ck_assert_int_eq(screen_top(scr), KEYS_MAP_HELP);
        lay(200, 60);
        ck_assert_msg(has(tools[t].has), "%s: no '%s'", tools[t].open, tools[t].has);
        ck_assert_msg(!has(tools[t].has_not), "%s: '%s'", tools[t].open, tools[t].has_not);
        ck_assert_msg(help_seen_all(&tools[t].map, 1, seen), "%s: a key is missing",
                      tools[t].open);
        key('q');
        ck_assert_int_eq(screen_top(scr), tools[t].map); /* the help closes, the tool stays */
        key(KEYS_K_ESC);
        ck_assert_int_eq(screen_top(scr), KEYS_MAP_STEP);
    }
    /* In a quiz between questions: its keys, then stepping's, then the global ones. */
    key('z');
    key(KEYS_K_TAB);
    key(KEYS_K_TAB);
    key('?');
    lay(200, 60);
    ck_assert(has("end the quiz with its summary (backstep stays)"));
    ck_assert(has("next step; past the end"));
    ck_assert(has("train some epochs"));
    ck_assert(has("the summary: a page down"));
    key('q');
}
END_TEST

static void open_on(lesson *l, int ascii, int conv);

/* b and . blank the screen wherever the help lists them: on the stepping
 * screen, in the tools, in the lesson browser, over the quiz's summary and
 * in the help itself, which lists its own keys last; any key brings back
 * the screen as it was. */
START_TEST(blank_everywhere)
{
    static const struct {
        const char *open; /* keys that open the screen */
        keys_map top;     /* the mode on top then */
        const char *has;  /* a line of it */
    } screens[] = {
        {"", KEYS_MAP_STEP, "Step forward.1.sum"},
        {"v", KEYS_MAP_CHECK, "backprop"},
        {"t\n", KEYS_MAP_TRAIN, "loss"},
        {"o", KEYS_MAP_BROWSE, "Open a lesson"},
        {"z", KEYS_MAP_QUIZ, "Quiz summary"},
        {"?", KEYS_MAP_HELP, "Keys"},
        {"o?", KEYS_MAP_HELP, "Keys"},
    };
    for (size_t i = 0; i < sizeof screens / sizeof screens[0]; i++) {
        for (const char *b = "b."; *b; b++) {
            screen_free(scr);
            open_on(&les, 0, -1);
            type_keys(screens[i].open);
            if (screens[i].top == KEYS_MAP_QUIZ) {
                key(KEYS_K_TAB); /* two questions given up, then the summary */
                key(KEYS_K_TAB);
                key(KEYS_K_ESC);
            }
            ck_assert_int_eq(screen_top(scr), screens[i].top);
            /* The help of the screen (the help's own: itself) lists b. */
            if (screens[i].top != KEYS_MAP_HELP)
                key('?');
            ck_assert_int_eq(screen_top(scr), KEYS_MAP_HELP);
            lay(200, 60);
            ck_assert_msg(has("b .") && has("blank the screen"), "%s: the help lacks b",
                          screens[i].open);
            if (screens[i].top != KEYS_MAP_HELP)
                key('q');
            lay(80, 24);
            ck_assert_msg(has(screens[i].has), "%s: no '%s'", screens[i].open, screens[i].has);
            key(*b);
            ck_assert_msg(screen_top(scr) == KEYS_MAP_BLANK, "%s: %c does not blank",
                          screens[i].open, *b);
            lay(80, 24);
            for (int r = 0; r < 24; r++)
                ck_assert_msg(row_text(r)[0] == '\0', "%s: row %d shows", screens[i].open, r);
            key(KEYS_K_RIGHT); /* unblanks only */
            ck_assert_int_eq(screen_top(scr), screens[i].top);
            lay(80, 24);
            ck_assert_msg(has(screens[i].has), "%s: back without '%s'", screens[i].open,
                          screens[i].has);
        }
    }
}
END_TEST

/* The quiz's summary scrolls when it does not fit: a line, a page, to
 * either end, the rule saying which lines show and marks where more is
 * above or below; a key that does not scroll leaves it. */
START_TEST(quiz_summary_scrolls)
{
    key('z');
    for (int i = 0; i < 40; i++) {
        key(KEYS_K_TAB); /* a pass and more, every question given up */
        key(KEYS_K_RIGHT);
    }
    key(KEYS_K_ESC);
    lay(80, 24);
    ck_assert(has("Quiz summary"));
    int rule = 2, total = 0, a = 0, b = 0;
    const char *side = strstr(row_text(rule), " lines ");
    ck_assert_ptr_nonnull(side);
    ck_assert_int_eq(sscanf(side, " lines %d-%d of %d", &a, &b, &total), 3);
    ck_assert_int_eq(a, 1);
    ck_assert_int_eq(b, 20); /* rows 3 to 22 */
    ck_assert_int_gt(total, 40);
    ck_assert(!has("more")); /* no line is given up */
    ck_assert(has("↑↓ scroll  PgUp/PgDn page  Esc/Enter back to the steps"));
    ck_assert_str_eq(row_text(22) + strlen(row_text(22)) - strlen("↓"), "↓");
    ck_assert(strstr(row_text(3), "↑") == NULL);
    char want[64];
    key('j');
    lay(80, 24);
    ck_assert(has("lines 2-21 of"));
    ck_assert(strstr(row_text(3), "↑") != NULL);
    key(KEYS_K_PGDN);
    lay(80, 24);
    ck_assert(has("lines 21-40 of"));
    key('G');
    lay(80, 24);
    snprintf(want, sizeof want, "lines %d-%d of %d", total - 19, total, total);
    ck_assert_msg(has(want), "no '%s'", want);
    ck_assert(strstr(row_text(22), "↓") == NULL);
    ck_assert(has("update.1: W⁺[1][1]") || has("forward."));
    key(KEYS_K_DOWN); /* stops at the end */
    lay(80, 24);
    ck_assert_msg(has(want), "no '%s'", want);
    key(KEYS_K_PGUP);
    key('k');
    lay(80, 24);
    snprintf(want, sizeof want, "lines %d-%d of %d", total - 39, total - 20, total);
    ck_assert_msg(has(want), "no '%s'", want);
    key(KEYS_K_HOME);
    lay(80, 24);
    ck_assert(has("lines 1-20 of"));
    ck_assert(has("Score: 0 of 40 right at the first try"));
    ck_assert_int_eq(screen_top(scr), KEYS_MAP_QUIZ);
    key('x');
    ck_assert_int_eq(screen_top(scr), KEYS_MAP_STEP);
}
END_TEST

/* Tab and Shift-Tab go to the first step of the next/previous phase. */
START_TEST(phases)
{
    key(KEYS_K_TAB);
    ck_assert_str_eq(engine_current(eng)->id, "backward.2.delta");
    key(KEYS_K_TAB);
    ck_assert_str_eq(engine_current(eng)->id, "update.2");
    key(KEYS_K_BACKTAB);
    ck_assert_str_eq(engine_current(eng)->id, "backward.2.delta");
    key(KEYS_K_END);
    ck_assert_int_eq(engine_step_index(eng), engine_step_count(eng) - 1);
    key(KEYS_K_HOME);
    ck_assert_str_eq(engine_current(eng)->id, "forward.1.sum");
    key('f');
    ck_assert_int_eq(ctx->decimals, 6);
    key('f');
    ck_assert_int_eq(ctx->decimals, 2);
}
END_TEST

/* The update of W_jk side by side: old, −η·G and new, each labelled, with
 * W⁺[1][1] = W − η·G = 0.7 − 0.5·(h_1·δ_1) ≈ 0.7 − 0.5·(0.6106·(−0.6012))
 * ≈ 0.8836, and the sample's loss before and after, the latter by hand. */
START_TEST(update_before_after)
{
    double h[3], d[2];
    by_hand(h, d);
    go("update.2");
    const engine_step *s = engine_current(eng);
    double w11 = s->operand[0].v[0], eta = s->operand[1].v[0], g11 = s->operand[2].v[0];
    ck_assert_double_eq_tol(w11, 0.7, 1e-12);
    ck_assert_double_eq_tol(eta, 0.5, 1e-12);
    ck_assert_double_eq_tol(g11, h[0] * d[0], 1e-12);
    ck_assert_double_eq_tol(g11, -0.3671, 5e-5);
    double w_new = w11 - eta * g11;
    ck_assert_double_eq_tol(w_new, 0.8836, 5e-5);
    ck_assert_double_eq_tol(s->result.v[0], w_new, 1e-12);

    /* At 80×24 the matrices give way to the narration, the loss stays. */
    lay(80, 24);
    ck_assert(!has("Before and after"));
    ck_assert(has("loss of sample 1:  before 0.3377  →  after 0.0901  (change -0.2476)"));
    lay(100, 30);
    int rule = -1, row = -1;
    ck_assert_int_ge(frame_find(frame_, "Before and after", &rule), 0);
    ck_assert_int_ge(frame_find(frame_, "before W_jk  3×2", &row), 0);
    ck_assert_int_eq(row, rule + 1);
    ck_assert(has("change −η·G_jk  3×2"));
    ck_assert(has("after W_jk⁺  3×2"));
    /* The first row of the three matrices: W[1][1], −η·G[1][1], W⁺[1][1]. */
    char line[1024], a[32], b[32], c[32];
    frame_row_text(frame_, row + 1, line, sizeof line);
    num(w11, a, sizeof a);
    num(-eta * g11, b, sizeof b);
    num(w_new, c, sizeof c);
    ck_assert_str_eq(c, "0.8836");
    const char *pa = strstr(line, a), *pb = pa ? strstr(pa, b) : NULL,
               *pc = pb ? strstr(pb + strlen(b), c) : NULL;
    ck_assert_msg(pa && pb && pc, "row lacks %s %s %s: %s", a, b, c, line);

    /* The loss after: y = W⁺ᵀh with the new W_jk, h unchanged. */
    static const double w2[3][2] = {{0.7, -0.2}, {-0.5, 0.4}, {0.3, 0.8}}, t[2] = {1, 0};
    double after = 0, before = 0;
    for (int k = 0; k < 2; k++) {
        double y0 = 0, y1 = 0;
        for (int j = 0; j < 3; j++) {
            double gj = h[j] * (h[0] * w2[0][k] + h[1] * w2[1][k] + h[2] * w2[2][k] - t[k]);
            y0 += h[j] * w2[j][k];
            y1 += h[j] * (w2[j][k] - eta * gj);
        }
        before += 0.5 * (y0 - t[k]) * (y0 - t[k]);
        after += 0.5 * (y1 - t[k]) * (y1 - t[k]);
    }
    ck_assert_double_eq_tol(before, engine_pass_loss(eng), 1e-12);
    char want[128];
    num(before, a, sizeof a);
    num(after, b, sizeof b);
    num(after - before, c, sizeof c);
    snprintf(want, sizeof want, "loss of sample 1:  before %s  →  after %s  (change %s)", a, b, c);
    ck_assert_msg(has(want), "no '%s'", want);
    ck_assert_double_lt(after, before);
    ck_assert(has("downhill"));

    /* Computed once per step: moving the focus or the help costs nothing. */
    long n = draw_update_count(ctx->cache);
    key(KEYS_K_DOWN);
    lay(100, 30);
    key('f');
    lay(120, 40);
    ck_assert_int_eq(draw_update_count(ctx->cache), n);
    key(KEYS_K_RIGHT);
    lay(80, 24);
    ck_assert_int_eq(draw_update_count(ctx->cache), n + 1);
    /* Not on other steps. */
    go("backward.2.gradient");
    lay(80, 24);
    ck_assert(!has("Before and after"));
}
END_TEST

/* v on the default lesson: every weight's relative error below 1e-7,
 * every row "good". */
START_TEST(gradcheck_view)
{
    type_keys("v");
    ck_assert_int_eq(screen_top(scr), KEYS_MAP_CHECK);
    lay(80, 24);
    ck_assert(has("Gradient check · 12 parameters"));
    /* The numbers on the screen are the engine's: every one good. */
    engine_check rows[12];
    ck_assert_int_eq(engine_gradcheck(eng, rows, 12), 12);
    for (int i = 0; i < 12; i++) {
        ck_assert_double_lt(rows[i].rel_error, 1e-7);
        ck_assert_double_lt(fabs(rows[i].analytic), 10);
    }
    int good = 0;
    char line[1024];
    for (int r = 0; r < frame_->height; r++) {
        frame_row_text(frame_, r, line, sizeof line);
        if (strstr(line, "W_") && strstr(line, "good") && !strstr(line, ", good:"))
            good++;
        ck_assert_msg(!strstr(line, "wrong") || strstr(line, "wrong above"), "%s", line);
    }
    ck_assert_int_eq(good, 12);
    ck_assert_str_eq(row_text(23), " rows 1-12 of 12  ↑↓ scroll  Esc/Enter back to the steps");
    /* W_jk[1][1]'s analytic gradient is h_1·δ_1 by hand. */
    double h[3], d[2];
    by_hand(h, d);
    char want[64], g[32];
    text_number(h[0] * d[0], 8, g, sizeof g);
    snprintf(want, sizeof want, "W_jk[1][1]");
    int row = -1;
    ck_assert_int_ge(frame_find(frame_, want, &row), 0);
    frame_row_text(frame_, row, line, sizeof line);
    ck_assert_msg(strstr(line, g + (g[0] == ' ')), "%s lacks %s", line, g);
    type_keys("\033");
    ck_assert_int_eq(screen_top(scr), KEYS_MAP_STEP);
}
END_TEST

/* e with nothing focusable edits the learning rate: the whole caption
 * shows, the typed text after it; on a narrow row the field scrolls and
 * the caption stays whole. */
START_TEST(edit_rate_prompt_layout)
{
    go("forward.1.activation");
    type_keys("e");
    ck_assert_int_eq(screen_top(scr), KEYS_MAP_EDIT);
    lay(100, 30);
    ck_assert_str_eq(row_text(29), " learning rate η = 0.5000, new value: 0.5");
    ck_assert_int_eq(frame_->cursor_row, 29);
    ck_assert_int_eq(frame_->cursor_col, 41);
    ctx->ascii = 1;
    lay(100, 30);
    ck_assert_str_eq(row_text(29), " learning rate eta = 0.5000, new value: 0.5");
    ck_assert_int_eq(frame_->cursor_col, 43);
    ctx->ascii = 0;
    /* The longest value (40 characters) fits whole at 80 columns. */
    type_keys("\025");
    for (int i = 0; i < 45; i++)
        type_keys(i % 10 == 0 ? "1" : "0");
    lay(80, 24);
    ck_assert_str_eq(row_text(23), " learning rate η = 0.5000, new value: "
                                   "1000000000100000000010000000001000000000");
    ck_assert_int_eq(frame_->cursor_col, 78);
    /* A field narrower than the text scrolls it: the caption stays whole,
     * the cursor's end of the text shows, the cursor on the last cell. */
    prompt p;
    prompt_open(&p, "learning rate η = 0.5000, new value: ",
                "1000000000100000000010000000001000000000", 40);
    ck_assert_int_eq(prompt_length(&p), 40);
    lay(80, 24);
    int at = frame_prompt(frame_, 5, 0, 50, &p, FRAME_TITLE, 0);
    ck_assert_int_eq(at, 37);
    ck_assert_ptr_nonnull(strstr(row_text(5), "learning rate η = 0.5000, new value: 001000000000"));
    ck_assert_int_eq(frame_->cursor_row, 5);
    ck_assert_int_eq(frame_->cursor_col, 49);
    /* Home: the field shows the start again. */
    prompt_key(&p, KEYS_K_HOME);
    lay(80, 24);
    frame_prompt(frame_, 5, 0, 50, &p, FRAME_TITLE, 0);
    ck_assert_ptr_nonnull(strstr(row_text(5), "learning rate η = 0.5000, new value: 1000000000100"));
    ck_assert_int_eq(frame_->cursor_col, 37);
    type_keys("\033");
    ck_assert_int_eq(screen_top(scr), KEYS_MAP_STEP);
}
END_TEST

/* 1000 epochs of XOR: the summary quotes the mean loss over the samples
 * with fixed weights before and after, as --print and the lesson do
 * (0.1276 and 0.000591), not the per-epoch means the plot shows. */
START_TEST(train_summary_fixed_weights)
{
    lesson x;
    lesson_error err;
    ck_assert_int_eq(lesson_load_file("lessons/06-xor.yaml", &x, &err), 0);
    screen_free(scr);
    use(screen_on(&x, 0));
    double before = engine_net_mean_loss(engine_network(eng));
    ck_assert_double_eq_tol(before, 0.1276, 5e-5);
    type_keys("t");
    lay(80, 24);
    ck_assert_str_eq(row_text(23), " train how many epochs? 1000");
    type_keys("\n");
    ck_assert_int_eq(screen_top(scr), KEYS_MAP_TRAIN);
    double after = engine_net_mean_loss(engine_network(eng));
    ck_assert_double_eq_tol(after, 0.000591, 5e-7);
    char want[160];
    snprintf(want, sizeof want,
             "Training · 1000 epochs · mean loss over the samples: %.4g → %.4g", before, after);
    lay(100, 30);
    ck_assert_msg(has(want), "no '%s'", want);
    ck_assert(has("Training · 1000 epochs · mean loss over the samples: 0.1276 → 0.000591"));
    ck_assert(has("plot: per-epoch mean of the losses seen while the weights change"));
    ck_assert(has("per-epoch mean loss"));
    ck_assert(has("linear scale"));
    type_keys("L");
    lay(100, 30);
    ck_assert(has("log scale"));
    ck_assert_str_eq(row_text(29),
                     " L linear/log  Esc/Enter back to the steps, from the trained weights");
    /* The steps go on from the trained weights. */
    type_keys("\n");
    ck_assert_int_eq(screen_top(scr), KEYS_MAP_STEP);
    lay(100, 30);
    ck_assert(has("epoch 1001"));
    /* A count that is not one is refused with the reason; the prompt
     * stays to try again, Esc gives up. */
    type_keys("t\025" "abc\n");
    ck_assert_int_eq(screen_top(scr), KEYS_MAP_TRAIN);
    lay(100, 30);
    ck_assert(has("epochs: a whole number from 1 to 1000000"));
    ck_assert_str_eq(row_text(29), " train how many epochs? abc");
    type_keys("\033");
    ck_assert_int_eq(screen_top(scr), KEYS_MAP_STEP);
    screen_free(scr);
    use(screen_on(&les, 0));
    lesson_free(&x);
}
END_TEST

/* The bytes of a file, "" when it cannot be read. */
static void slurp(const char *path, char *buf, size_t size)
{
    FILE *fp = fopen(path, "rb");
    size_t n = fp ? fread(buf, 1, size - 1, fp) : 0;
    buf[n] = '\0';
    if (fp)
        fclose(fp);
}

/* w on a bundled lesson offers a copy in this folder; saving over a file
 * that exists asks first, unless it is the lesson's own, unbundled file. */
START_TEST(save_asks_before_overwriting)
{
    /* A bundled folder wherever the test program lives: the user's lesson
     * folder under a temporary XDG_DATA_HOME, holding a copy of a lesson. */
    char xdg[] = "/tmp/backstep-xdg-XXXXXX", folder[160], bpath[192], cmd[512];
    ck_assert_ptr_nonnull(mkdtemp(xdg));
    snprintf(folder, sizeof folder, "%s/backstep/lessons", xdg);
    snprintf(bpath, sizeof bpath, "%s/bundled.yaml", folder);
    snprintf(cmd, sizeof cmd, "mkdir -p '%s' && cp lessons/01-question.yaml '%s'", folder,
             bpath);
    ck_assert_int_eq(system(cmd), 0);
    const char *old_xdg = getenv("XDG_DATA_HOME");
    char *saved_xdg = old_xdg ? strdup(old_xdg) : NULL;
    setenv("XDG_DATA_HOME", xdg, 1);
    lesson bun;
    lesson_error err;
    ck_assert_int_eq(lesson_load_file(bpath, &bun, &err), 0);
    screen_free(scr);
    use(screen_on(&bun, 0));
    type_keys("w");
    lay(200, 30);
    ck_assert_str_eq(row_text(29), " save as: ./bundled.yaml");
    static char before[1 << 16], after[1 << 16];
    slurp(bpath, before, sizeof before);
    ck_assert(before[0]);
    char typed[256], asked[256];
    snprintf(typed, sizeof typed, "\025%s\n", bpath);
    type_keys(typed);
    ck_assert_int_eq(screen_top(scr), KEYS_MAP_EDIT);
    lay(200, 30);
    snprintf(asked, sizeof asked, " overwrite %s? (y/n)", bpath);
    ck_assert_str_eq(row_text(29), asked);
    type_keys("n");
    ck_assert_int_eq(screen_top(scr), KEYS_MAP_STEP);
    slurp(bpath, after, sizeof after);
    ck_assert_str_eq(after, before);
    lay(200, 30);
    snprintf(asked, sizeof asked, "not saved: %s is left as it was", bpath);
    ck_assert_msg(has(asked), "no '%s'", asked);
    if (saved_xdg)
        setenv("XDG_DATA_HOME", saved_xdg, 1);
    else
        unsetenv("XDG_DATA_HOME");
    free(saved_xdg);
    snprintf(cmd, sizeof cmd, "rm -r '%s'", xdg);
    ck_assert_int_eq(system(cmd), 0);

    /* Some other file that exists: asked, y writes it. */
    char dir[] = "/tmp/backstep-save-XXXXXX", other[128], fresh[128];
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(other, sizeof other, "%s/other.yaml", dir);
    snprintf(fresh, sizeof fresh, "%s/fresh.yaml", dir);
    FILE *fp = fopen(other, "w");
    ck_assert_ptr_nonnull(fp);
    fputs("title: other\n", fp);
    fclose(fp);
    screen_free(scr);
    use(screen_on(&les, 0));
    type_keys("w");
    lay(200, 30);
    ck_assert_str_eq(row_text(29), " save as: ./backstep-lesson.yaml");
    char keys[256], want[256];
    snprintf(keys, sizeof keys, "\025%s\n", other);
    type_keys(keys);
    lay(200, 30);
    snprintf(want, sizeof want, " overwrite %s? (y/n)", other);
    ck_assert_str_eq(row_text(29), want);
    type_keys("y");
    snprintf(want, sizeof want, "saved %s", other);
    ck_assert_str_eq(ctx->message, want);
    slurp(other, after, sizeof after);
    ck_assert_ptr_null(strstr(after, "title: other"));
    /* The message shows until the next key. */
    lay(200, 30);
    ck_assert(has(want));
    type_keys("x");
    lay(200, 30);
    ck_assert(!has(want));
    /* A new file is written without a question; w offers the last path. */
    type_keys("w");
    lay(200, 30);
    snprintf(want, sizeof want, " save as: %s", other);
    ck_assert_str_eq(row_text(29), want);
    snprintf(keys, sizeof keys, "\025%s\n", fresh);
    type_keys(keys);
    ck_assert_int_eq(screen_top(scr), KEYS_MAP_STEP);
    ck_assert_int_eq(access(fresh, F_OK), 0);

    /* The lesson's own file, not bundled: saved over without a question. */
    lesson own;
    ck_assert_int_eq(lesson_load_file(fresh, &own, &err), 0);
    screen_free(scr);
    use(screen_on(&own, 0));
    type_keys("w");
    lay(200, 30);
    snprintf(want, sizeof want, " save as: %s", fresh);
    ck_assert_str_eq(row_text(29), want);
    type_keys("\n");
    ck_assert_int_eq(screen_top(scr), KEYS_MAP_STEP);
    snprintf(want, sizeof want, "saved %s", fresh);
    ck_assert_str_eq(ctx->message, want);
    screen_free(scr);
    use(screen_on(&les, 0));
    ck_assert_int_eq(unlink(other), 0);
    ck_assert_int_eq(unlink(fresh), 0);
    ck_assert_int_eq(rmdir(dir), 0);
    lesson_free(&own);
    lesson_free(&bun);
}
END_TEST

/* e on update.2's W_jk[1][1], then on forward.1.sum's x_1: the prompt names
 * what changes, and the pass starts again from the edited network. */
START_TEST(edit_weight_and_input)
{
    go("update.2");
    type_keys("e");
    ck_assert_int_eq(screen_top(scr), KEYS_MAP_EDIT);
    lay(80, 24);
    ck_assert_str_eq(row_text(23), " W_jk[1][1] = 0.7000, new value: 0.7");
    type_keys("\025" "1.5\n"); /* Ctrl-U empties the line */
    ck_assert_int_eq(ctx->modified, 1);
    ck_assert_double_eq_tol(engine_network(eng)->weights[1][0], 1.5, 1e-15);
    ck_assert_int_eq(engine_step_index(eng), 0);
    lay(80, 24);
    ck_assert(has("[modified]"));
    ck_assert(has("W_jk[1][1] = 1.500000; the pass starts again"));
    /* y_1 = Σ_j h_j·W_jk[j][1] with the new weight: z_j is unchanged, y_1 grows
     * by h_1·0.8. */
    double h[3], d[2];
    by_hand(h, d);
    go("forward.2.sum");
    const engine_step *s = engine_current(eng);
    ck_assert_double_eq_tol(s->result.v[0], d[0] + 1.0 + h[0] * 0.8, 1e-12);

    go("forward.1.sum");
    ctx->focus = 0;
    type_keys("e");
    lay(80, 24);
    ck_assert_str_eq(row_text(23), " x_i[1] = 1.0000, new value: 1");
    type_keys("\025" "2\n");
    ck_assert_double_eq_tol(engine_network(eng)->inputs[0], 2.0, 1e-15);
    /* z_j = W_ij[1][j]·x_1 + W_ij[2][j]·x_2 with x = (2, 0.5). */
    static const double w1[2][3] = {{0.2, -0.4, 0.6}, {0.5, 0.3, -0.1}};
    lay(80, 24);
    s = engine_current(eng);
    ck_assert_str_eq(s->id, "forward.1.sum");
    char z[32];
    for (int j = 0; j < 3; j++) {
        double want = 2.0 * w1[0][j] + 0.5 * w1[1][j];
        ck_assert_double_eq_tol(s->result.v[j], want, 1e-12);
        num(want, z, sizeof z);
        ck_assert_msg(has(z), "z_%d = %s not on screen", j + 1, z);
    }
    ck_assert(has("z_1 = W[1][1]·x_1 + W[2][1]·x_2 = 0.2000×2.0000 + 0.5000×0.5000 = 0.6500"));
    /* A value that is not a number is refused with the reason. */
    type_keys("e\025abc\n");
    lay(80, 24);
    ck_assert(has("x_i[1]: \"abc\" is not a finite number"));
    ck_assert_int_eq(screen_top(scr), KEYS_MAP_EDIT); /* the prompt stays to try again */
    key(KEYS_K_ESC);
    /* With edits not saved, q asks first; n stays, y leaves. */
    ck_assert_int_eq(key('q'), 0);
    lay(80, 24);
    ck_assert_str_eq(row_text(23), " discard unsaved edits? (y/n)");
    ck_assert_int_eq(key('n'), 0);
    ck_assert_int_eq(screen_top(scr), KEYS_MAP_STEP);
    ck_assert_int_eq(key(KEYS_K_ESC), 0); /* Esc only says that q quits */
    ck_assert_int_eq(screen_top(scr), KEYS_MAP_STEP);
    ck_assert_int_eq(key('q'), 0);
    ck_assert_int_eq(key('y'), 1);
}
END_TEST

/* The lesson's description shows on the first step until the user moves;
 * opening a tool and coming back is no move. */
START_TEST(description_panel)
{
    screen_free(scr);
    use(screen_on(&les, 0));
    lay(80, 24);
    ck_assert(has("About this lesson"));
    ck_assert(has("Two inputs, three sigmoid hidden units"));
    ck_assert(!has("── Why"));
    key('f'); /* not a move */
    key(':');
    key(KEYS_K_ESC);
    key('?');
    key('?');
    lay(80, 24);
    ck_assert(has("About this lesson"));
    key(KEYS_K_RIGHT);
    key(KEYS_K_LEFT);
    lay(80, 24);
    ck_assert(!has("About this lesson"));
    ck_assert(has("── Why"));
}
END_TEST

/* Lesson 11 after training: the header names the first step whose values
 * stopped being finite, in place of the convention. */
START_TEST(numeric_fault_header)
{
    lesson big;
    lesson_error err;
    ck_assert_msg(lesson_load_file("lessons/11-learning-rate.yaml", &big, &err) == 0, "%s",
                  err.message);
    screen_free(scr);
    use(screen_on(&big, 0));
    long bad = engine_train(eng, 200, NULL);
    ck_assert_int_ge(bad, 0);
    lay(80, 24);
    int first = -1;
    for (int i = 0; i < engine_step_count(eng) && first < 0; i++)
        if (engine_step_at(eng, i)->nonfinite)
            first = i;
    ck_assert_int_ge(first, 0);
    char want[96];
    snprintf(want, sizeof want, "not finite from step %d (%s)", first + 1,
             engine_step_at(eng, first)->id);
    ck_assert_msg(has(want), "no '%s'", want);
    /* The sample's loss is nan by then, shown as it is, apart from "loss". */
    ck_assert(isnan(engine_pass_loss(eng)));
    ck_assert(has("loss nan"));
    screen_free(scr);
    use(screen_on(&les, 0));
    lesson_free(&big);
}
END_TEST

/* Tab skips a quiz question: counted as missed, the answer shown. */
START_TEST(quiz_tab_skip)
{
    key('z');
    ck_assert_int_eq(screen_top(scr), KEYS_MAP_QUIZ);
    lay(80, 24);
    ck_assert_str_eq(row_text(23), " Tab skip"); /* every other key is typing */
    ck_assert(has("Enter answers · Tab skips · Esc ends the quiz"));
    ck_assert(has("shape of z_j?"));
    ck_assert(has("quiz 0/0"));
    key(KEYS_K_TAB);
    lay(80, 24);
    ck_assert(has("quiz 0/1"));
    ck_assert(has("Skipped, counted as missed."));
    ck_assert(has("z_1 = ?"));
    key(KEYS_K_TAB);
    lay(80, 24);
    ck_assert(has("quiz 0/2"));
    ck_assert(!has("[ ? ]")); /* the result shows */
    ck_assert(has("→ next  ← prev")); /* the stepping keys are back */
    /* Outside a question Tab is the phase key again. */
    ck_assert_int_eq(keys_lookup(KEYS_MAP_QUIZ, KEYS_K_TAB, 0), KEYS_NONE);
    ck_assert_int_eq(keys_lookup(KEYS_MAP_QUIZ, KEYS_K_TAB, KEYS_WHEN_ASKING), KEYS_QUIZ_SKIP);
    ck_assert_int_eq(keys_lookup(KEYS_MAP_QUIZ, 's', KEYS_WHEN_ASKING), KEYS_NONE);
    key(KEYS_K_TAB);
    ck_assert_str_eq(engine_current(eng)->id, "backward.2.delta");
    /* A step not answered yet is asked about when the pass reaches it. */
    key(KEYS_K_END);
    lay(80, 24);
    ck_assert(has("[ ? ]"));
    ck_assert(has("What shape is "));
}
END_TEST

/* After an answer's feedback the prompt is closed; Esc then ends the quiz
 * by way of its summary (any key leaves it) and never quits, not even on
 * the stepping screen, where it says that q quits; q still quits. */
START_TEST(quiz_esc_ends_quiz)
{
    key('z');
    key(KEYS_K_TAB);
    key(KEYS_K_TAB);
    lay(100, 30);
    ck_assert(has("quiz 0/2"));
    ck_assert_int_eq(key(KEYS_K_ESC), 0);
    ck_assert_int_eq(screen_top(scr), KEYS_MAP_QUIZ);
    lay(100, 30);
    ck_assert(has("Quiz summary"));
    ck_assert(has("Score: 0 of 2 right at the first try: shapes of results 0 of 1, values 0 of 1."));
    ck_assert(has("Esc/Enter back to the steps"));
    ck_assert(!has("↑↓ scroll")); /* all of it fits */
    ck_assert_int_eq(key(KEYS_K_RIGHT), 0); /* leaves the summary, steps nowhere */
    ck_assert_int_eq(screen_top(scr), KEYS_MAP_STEP);
    ck_assert_str_eq(engine_current(eng)->id, "forward.1.sum");
    lay(100, 30);
    ck_assert(!has("quiz 0/2"));
    /* With no quiz on, Esc only says how to quit; with the help open it closes it. */
    key('?');
    ck_assert_int_eq(key(KEYS_K_ESC), 0);
    ck_assert_int_eq(screen_top(scr), KEYS_MAP_STEP);
    ck_assert_int_eq(key(KEYS_K_ESC), 0);
    ck_assert_int_eq(screen_top(scr), KEYS_MAP_STEP);
    lay(100, 30);
    ck_assert_str_eq(row_text(29), " q quits");
    /* z twice: on and off, by way of the summary. */
    key('z');
    ck_assert_int_eq(screen_top(scr), KEYS_MAP_QUIZ);
    key(KEYS_K_TAB);
    key(KEYS_K_TAB);
    key('z');
    lay(100, 30);
    ck_assert(has("Quiz summary"));
    key(KEYS_K_ENTER);
    ck_assert_int_eq(screen_top(scr), KEYS_MAP_STEP);
    /* Nothing asked yet: Esc at the question ends the quiz at once. */
    key('z');
    ck_assert_int_eq(key(KEYS_K_ESC), 0);
    ck_assert_int_eq(screen_top(scr), KEYS_MAP_STEP);
    key('z');
    key(KEYS_K_TAB);
    key(KEYS_K_TAB);
    ck_assert_int_eq(key('q'), 1);
}
END_TEST

/* The speed keys are the ASCII '+' and '-', and the screen says so. */
START_TEST(speed_keys_ascii)
{
    char bar[256];
    keys_bar(step_maps, 2, KEYS_WHEN_AUTOPLAY, 200, "  ", bar, sizeof bar);
    ck_assert_ptr_nonnull(strstr(bar, "+/- speed"));
    ck_assert_ptr_null(strstr(bar, "−"));
    size_t n;
    const keys_entry *t = keys_table(&n);
    int found = 0;
    for (size_t i = 0; i < n; i++)
        if (t[i].action == KEYS_SLOWER) {
            ck_assert_str_eq(t[i].keys, "-");
            ck_assert_int_eq(t[i].code[0], '-');
            found = 1;
        }
    ck_assert(found);
    ck_assert_int_eq(keys_lookup(KEYS_MAP_STEP, '-', 0), KEYS_SLOWER);
    key('?');
    lay(80, 24);
    int at;
    ck_assert_int_ge(frame_find(frame_, "autoplay slower", &at), 0);
    ck_assert_ptr_nonnull(strstr(row_text(at), "│ -     "));
    key('?');
    int delay = ctx->delay_ms;
    key('a');
    key('+');
    ck_assert_int_eq(ctx->delay_ms, delay / 2);
    key('-');
    key('-');
    ck_assert_int_eq(ctx->delay_ms, delay * 2);
    lay(80, 24);
    ck_assert(has("▶ 2s"));
}
END_TEST

/* A long title is cut with … and the [modified] mark stays whole. */
START_TEST(modified_long_title)
{
    static const char yaml[] =
        "title: A very long lesson title that goes on and on well past the room there is\n"
        "layers: [2, 2]\nactivations: [sigmoid]\nseed: 1\nsamples:\n"
        "  - input: [1, 0]\n    target: [1, 0]\n";
    lesson lng;
    lesson_error err;
    ck_assert_msg(lesson_load_string("long.yaml", yaml, sizeof yaml - 1, &lng, &err) == 0, "%s",
                  err.message);
    screen_free(scr);
    use(screen_on(&lng, 0));
    lay(80, 24);
    char line[1024];
    frame_row_text(frame_, 0, line, sizeof line);
    ck_assert_msg(strstr(line, "A very long lesson title") && strstr(line, "…"), "%s", line);
    ck_assert(!strstr(line, "[modified]"));
    ctx->modified = 1;
    lay(80, 24);
    frame_row_text(frame_, 0, line, sizeof line);
    ck_assert_msg(strstr(line, "… [modified]") && strstr(line, "loss"), "%s", line);
    ck_assert_int_le(text_width(line), 80);
    ctx->ascii = 1;
    lay(80, 24);
    frame_row_text(frame_, 0, line, sizeof line);
    ck_assert_msg(strstr(line, "... [modified]"), "%s", line);
    screen_free(scr);
    use(screen_on(&les, 0));
    lesson_free(&lng);
}
END_TEST

/* At 200×60 the pass pane lists every step with its shape equation, the
 * current one highlighted; below 140×40 it does not show. */
START_TEST(pass_pane)
{
    go("backward.1.gradient");
    lay(200, 60);
    ck_assert(has("Pass · 16 steps"));
    char line[2048];
    for (int i = 0; i < engine_step_count(eng); i++) {
        const engine_step *o = engine_step_at(eng, i);
        char shp[128], want[256];
        text_sanitize(o->shapes, shp, sizeof shp);
        snprintf(want, sizeof want, "%2d %-26s %s", i + 1, o->id, shp);
        int row = -1;
        int col = frame_find(frame_, want, &row);
        ck_assert_msg(col > 100, "no '%s' on the right", want);
        int cur = engine_step_index(eng) == i;
        ck_assert_int_eq(frame_->cells[row * frame_->width + col + 3].attr == FRAME_FOCUS, cur);
        frame_row_text(frame_, row, line, sizeof line);
    }
    ck_assert(has("(2×3), row i × (2) → (2×3)"));
    /* The step pane is still whole on the left. */
    ck_assert(has("G_ij  2×3"));
    lay(139, 60);
    ck_assert(!has("Pass · 16 steps"));
    lay(200, 39);
    ck_assert(!has("Pass · 16 steps"));
    lay(80, 24);
    ck_assert(!has("Pass · "));
}
END_TEST

/* A 20-vector does not fit at 80×24: the window follows the focus and
 * elision marks show what is cut, above or below. */
START_TEST(tall_result_scrolls)
{
    static const char yaml[] = "title: Wide\nlayers: [12, 20, 3]\n"
                               "activations: [tanh, linear]\nseed: 3\nsamples:\n"
                               "  - input: [1,2,3,4,5,6,7,8,9,10,11,12]\n"
                               "    target: [1, 0, 1]\n";
    lesson wide;
    lesson_error err;
    ck_assert_msg(lesson_load_string("wide.yaml", yaml, sizeof yaml - 1, &wide, &err) == 0,
                  "%s", err.message);
    screen_free(scr);
    use(screen_on(&wide, 0));
    ck_assert(engine_seek(eng, "backward.2.send"));
    const engine_step *s = engine_current(eng);
    ck_assert_int_eq(s->result.rows, 20);
    char runs[16][64], want[32];
    for (int i = 0; i < 20; i++) {
        ctx->focus = i;
        lay(80, 24);
        ck_assert_int_eq(runs_of(FRAME_FOCUS, runs, 16), 1);
        /* The window shows its numbers in the fewest decimals. */
        ck_assert_int_eq(draw_step_decimals(ctx), 2);
        text_number(s->result.v[i], 2, want, sizeof want);
        ck_assert_msg(strcmp(runs[0], want + (want[0] == ' ')) == 0, "focus %d shows %s, want %s",
                      i, runs[0], want);
        int row;
        int col = frame_find(frame_, "⋮", &row);
        ck_assert_msg(col >= 0, "no elision mark at focus %d", i);
        ck_assert_msg(has("a window: ↑↓ moves it"), "no window on the rule at focus %d", i);
    }
    ctx->focus = 0;
    lay(80, 24);
    ck_assert_msg(!has("∂E/∂h_20 ="), "focus 0 shows the last element's arithmetic");
    ck_assert(has("W_jk  20×3"));
    screen_free(scr);
    use(screen_on(&les, 0));
    lesson_free(&wide);
}
END_TEST

/* The matrix columns are measured without printing: the count must equal
 * what text_number prints, at every precision, across the rounding edges
 * (9.99995 → 10.0000), signs, zero, tiny, huge (exponent form), inf, nan. */
START_TEST(number_width_matches_print)
{
    static const double edge[] = {0.0, -0.0, 0.5, -0.5, 0.99995, 0.999949, 9.99995, 9.9999,
                                  99.995, 99.9949999, 1e-9, -1e-9, 123456.789, 999999.99999,
                                  1e9, -9.99999e9, 1e11, 1e15, 1e100, -1e-300, 12.5,
                                  INFINITY, -INFINITY, NAN, 5e-7, 0.000049999, -0.00005};
    static const int decs[] = {0, 2, 4, 6, 17};
    char buf[64];
    int checked = 0;
    for (size_t d = 0; d < sizeof decs / sizeof decs[0]; d++) {
        for (size_t i = 0; i < sizeof edge / sizeof edge[0]; i++) {
            text_number(edge[i], decs[d], buf, sizeof buf);
            ck_assert_msg(frame_number_width(edge[i], decs[d]) == (int)strlen(buf),
                          "%.17g at %d decimals: %d, printed \"%s\"", edge[i], decs[d],
                          frame_number_width(edge[i], decs[d]), buf);
            checked++;
        }
        /* A sweep over 16 orders of magnitude, both signs. */
        for (double v = 1e-6; v < 1e10; v *= 1.0137) {
            for (int sign = -1; sign <= 1; sign += 2) {
                text_number(sign * v, decs[d], buf, sizeof buf);
                ck_assert_msg(frame_number_width(sign * v, decs[d]) == (int)strlen(buf),
                              "%.17g at %d decimals", sign * v, decs[d]);
                checked++;
            }
        }
    }
    ck_assert_int_gt(checked, 10000);
}
END_TEST

/* A column's width is the widest of its numbers' widths, for columns all
 * small (counted from their sizes alone) and for columns with a number
 * near 9, huge, not finite or in the exponent form, at every precision. */
START_TEST(column_width_is_widest_number)
{
    static const double odd[] = {8.999, 9.0, -9.5, 9.99995, 123.4, 1e11, -1e100, NAN, INFINITY,
                                 -INFINITY, -0.0, 5e-7};
    static const int decs[] = {0, 2, 4, 9, 10, 17};
    double col[3 * 7];
    for (size_t d = 0; d < sizeof decs / sizeof decs[0]; d++)
        for (size_t k = 0; k <= sizeof odd / sizeof odd[0]; k++) {
            for (int r = 0; r < 7; r++) /* column 1 of a 7×3 matrix */
                for (int c = 0; c < 3; c++)
                    col[r * 3 + c] = c == 1 ? 0.31 * r - 0.9 : 1e30;
            if (k < sizeof odd / sizeof odd[0])
                col[4 * 3 + 1] = odd[k];
            int want = 0;
            for (int r = 0; r < 7; r++) {
                int w = frame_number_width(col[r * 3 + 1], decs[d]);
                want = w > want ? w : want;
            }
            ck_assert_msg(frame_column_width(col + 1, 7, 3, decs[d]) == want,
                          "%.17g at %d decimals: %d, widest %d", col[13], decs[d],
                          frame_column_width(col + 1, 7, 3, decs[d]), want);
        }
    ck_assert_int_eq(frame_column_width(col, 0, 3, 4), 0);
}
END_TEST

/* The shape checker wraps the closing reason over the free rows: at 80×24
 * its last words show, nothing is cut with …, and the rows below stay
 * plain. */
START_TEST(shape_reason_wraps)
{
    type_keys(":err * x^T + W_jk\n");
    lay(80, 24);
    ck_assert(has("Shape checker"));
    ck_assert(has("→ no shape: column 11"));
    ck_assert(has("operands of the same shape."));
    char line[1024];
    int reason = 0;
    for (int r = 0; r < 23; r++) {
        frame_row_text(frame_, r, line, sizeof line);
        ck_assert_msg(strstr(line, "…") == NULL || strstr(line, "g'(…)") != NULL,
                      "row %d is cut: %s", r, line);
        if (strstr(line, "no shape"))
            reason = r;
    }
    ck_assert_int_gt(reason, 0);
    /* The row under the reason's end is blank and plain. */
    int end = 0;
    frame_find(frame_, "same shape.", &end);
    ck_assert_int_lt(end, 22);
    ck_assert_int_eq(frame_->cells[(size_t)(end + 1) * 80 + 10].attr, FRAME_NORMAL);
    /* The checker's keys are on the key bar; stepping's are not. */
    ck_assert_str_eq(row_text(23), " Enter check  Esc close");
}
END_TEST


/* ---- what the stepping screen draws is what is computed, whole ---- */

/* The bundled lessons, whatever their number. */
static size_t bundled(glob_t *g)
{
    ck_assert_int_eq(glob("lessons/*.yaml", 0, NULL, g), 0);
    ck_assert_uint_ge(g->gl_pathc, 11);
    return g->gl_pathc;
}

/* A screen on lesson l in convention conv, past its description and its
 * shapes tour, at the first step. */
static void open_on(lesson *l, int ascii, int conv)
{
    screen_options opt = {ascii, 0, conv};
    screen *s = screen_new(l, &opt);
    ck_assert_ptr_nonnull(s);
    use(s);
    key(KEYS_K_RIGHT);
    key(KEYS_K_LEFT);
    ctx->tour = 0;
    engine_goto(eng, 0);
}

/* Text as the frame draws it: ASCII when the screen does. */
static void as_drawn(const char *in, char *out, size_t size)
{
    char clean[2048];
    text_sanitize(in, clean, sizeof clean);
    if (ctx->ascii) {
        text_ascii(clean, out, size);
    } else {
        size_t k = strlen(clean) < size ? strlen(clean) : size - 1;
        memcpy(out, clean, k);
        out[k] = '\0';
    }
}

/* The first row at or after `from` whose text starts with a rule's
 * opening "── NAME" ("-- NAME" in ASCII); -1 when there is none. */
static int rule_row(int from, const char *name)
{
    char want[64];
    snprintf(want, sizeof want, "%s %s", ctx->ascii ? "--" : "──", name);
    for (int r = from; r < frame_->height; r++)
        if (strncmp(row_text(r), want, strlen(want)) == 0)
            return r;
    return -1;
}

/* Rows [from, to) of the panes left of the pass pane joined without any
 * blank: wrapped text compared whole. */
static void joined_without_blanks(int from, int to, char *out, size_t size)
{
    size_t n = 0;
    int cols = frame_->width - draw_pass_width(frame_->width, frame_->height);
    for (int r = from; r < to; r++)
        for (int c = 0; c < cols; c++) {
            const char *ch = frame_->cells[r * frame_->width + c].ch;
            size_t k = strlen(ch);
            if (strcmp(ch, " ") != 0 && n + k + 1 < size) {
                memcpy(out + n, ch, k);
                n += k;
            }
        }
    out[n] = '\0';
}

/* What the diagram's rows look like with every value blanked: the nodes,
 * buses and labels that must not move within a pass. */
static void diagram_mask(int from, int to, char *out, size_t size)
{
    size_t n = 0;
    for (int r = from; r < to; r++) {
        for (int c = 0; c < frame_->width; c++) {
            const char *ch = frame_->cells[r * frame_->width + c].ch;
            int value = strchr("0123456789-.", ch[0]) || strcmp(ch, "·") == 0;
            /* the arrows turn round with the pass: the line stays */
            int arrow = strcmp(ch, "◀") == 0 || strcmp(ch, "▶") == 0;
            const char *put = value ? " " : arrow ? "─" : ch;
            size_t k = strlen(put);
            if (n + k + 2 < size) {
                memcpy(out + n, put, k);
                n += k;
            }
        }
        out[n++] = '\n';
    }
    out[n] = '\0';
}

/* Checks the screen of the current step: the whole title; in the step
 * pane no "…", every operand and the result labelled, no window, the
 * focused element's whole arithmetic; the narration whole or saying which
 * of its lines show.  Fills mask with the diagram's look and *net_row
 * with the row of its rule (-1: hidden). */
static void check_whole(const char *where, char *mask, size_t mask_size, int *net_row)
{
    const engine_step *s = engine_current(eng);
    const char *dots = ctx->ascii ? "..." : "…";
    char want[2048], got[8192];
    /* the title, broken onto a third row at most */
    as_drawn(s->title, want, sizeof want);
    int step_rule = rule_row(1, "Step");
    ck_assert_msg(step_rule > 0, "%s: no step pane", where);
    *net_row = rule_row(1, "Network");
    int head_end = *net_row > 0 ? *net_row : step_rule;
    snprintf(got, sizeof got, "%s", row_text(1));
    for (int r = 2; r < head_end; r++) {
        const char *t = row_text(r);
        while (*t == ' ')
            t++;
        text_append(got, sizeof got, " %s", t);
    }
    ck_assert_msg(strstr(got, want) != NULL, "%s: the title '%s' is not whole in '%s'", where,
                  want, got);
    ck_assert_msg(strstr(got, dots) == NULL, "%s: the header is cut: %s", where, got);
    /* the step pane */
    int end = step_rule + 1;
    while (end < frame_->height - 1 && strncmp(row_text(end), ctx->ascii ? "-- " : "── ", 3))
        end++;
    for (int r = step_rule + 1; r < end; r++)
        ck_assert_msg(strstr(row_text(r), dots) == NULL, "%s: row %d is cut: %s", where, r,
                      row_text(r));
    ck_assert_msg(!draw_step_windowed(ctx), "%s: a block shows a window of itself", where);
    for (int o = 0; o <= s->n_operands; o++) {
        char label[128];
        label_of(o < s->n_operands ? &s->operand[o] : &s->result, label, sizeof label);
        as_drawn(label, want, sizeof want);
        int row = -1;
        ck_assert_msg(frame_find(frame_, want, &row) >= 0 && row > step_rule && row < end,
                      "%s: no label '%s' in the step pane", where, want);
    }
    char arith[4096];
    engine_step_explain(s, ctx->focus, draw_step_decimals(ctx), arith, sizeof arith, NULL, 0);
    as_drawn(arith, want, sizeof want);
    char bare[4096];
    size_t n = 0;
    for (const char *p = want; *p && n + 1 < sizeof bare; p++)
        if (*p != ' ')
            bare[n++] = *p;
    bare[n] = '\0';
    joined_without_blanks(step_rule + 1, end, got, sizeof got);
    ck_assert_msg(strstr(got, bare) != NULL, "%s: the arithmetic is not whole: %s", where, want);
    /* the narration: whole, or its rule says which lines show */
    int why = rule_row(step_rule, "Why");
    if (why < 0)
        why = rule_row(step_rule, "About");
    ck_assert_msg(why > 0, "%s: no narration", where);
    if (ctx->cache->text_lines > ctx->cache->text_view) {
        snprintf(want, sizeof want, "of %d, J/K", ctx->cache->text_lines);
        ck_assert_msg(strstr(row_text(why), want) != NULL, "%s: the narration is cut silently: %s",
                      where, row_text(why));
    }
    if (*net_row > 0)
        diagram_mask(*net_row + 1, step_rule, mask, mask_size);
    else
        mask[0] = '\0';
}

/* Every step of the first pass of every bundled lesson, in both
 * conventions, at 80×24 and 200×60, in colour and in ASCII: nothing cut,
 * and the network keeps its look for the whole pass. */
START_TEST(every_screen_whole)
{
    static const int sizes[2][2] = {{80, 24}, {200, 60}};
    static char first[16384], mask[16384];
    glob_t g;
    size_t files = bundled(&g);
    int screens = 0;
    for (size_t i = 0; i < files; i++) {
        lesson l;
        lesson_error err;
        ck_assert_msg(lesson_load_file(g.gl_pathv[i], &l, &err) == 0, "%s", err.message);
        for (int ascii = 0; ascii < 2; ascii++) {
            for (int conv = 0; conv < CONV_COUNT; conv++) {
                screen_free(scr);
                open_on(&l, ascii, conv);
                for (int z = 0; z < 2; z++) {
                    int net_first = -2;
                    for (int k = 0; k < engine_step_count(eng); k++) {
                        engine_goto(eng, k);
                        lay(sizes[z][0], sizes[z][1]);
                        char where[256];
                        snprintf(where, sizeof where, "%s %s%s %dx%d step %d %s",
                                 g.gl_pathv[i], engine_conv_name(conv), ascii ? " ascii" : "",
                                 sizes[z][0], sizes[z][1], k + 1, engine_current(eng)->id);
                        int net_row;
                        check_whole(where, k == 0 ? first : mask, sizeof mask, &net_row);
                        if (k == 0) {
                            net_first = net_row;
                        } else {
                            ck_assert_msg(net_row == net_first, "%s: the network moved", where);
                            ck_assert_msg(ascii || strcmp(first, mask) == 0,
                                          "%s: the network changed its look:\n%s\nwas\n%s", where,
                                          mask, first);
                        }
                        screens++;
                    }
                }
            }
        }
        screen_free(scr);
        use(screen_on(&les, 0));
        lesson_free(&l);
    }
    globfree(&g);
    ck_assert_int_gt(screens, 800);
}
END_TEST

/* The glyphs of every step's picture are its op row's, read back from the
 * screen in order, for every bundled lesson in both conventions, in
 * UTF-8 and ASCII. */
START_TEST(glyphs_are_the_ops)
{
    glob_t g;
    size_t files = bundled(&g);
    int steps = 0;
    for (size_t i = 0; i < files; i++) {
        lesson l;
        lesson_error err;
        ck_assert_msg(lesson_load_file(g.gl_pathv[i], &l, &err) == 0, "%s", err.message);
        for (int ascii = 0; ascii < 2; ascii++) {
            for (int conv = 0; conv < CONV_COUNT; conv++) {
                screen_free(scr);
                open_on(&l, ascii, conv);
                for (int k = 0; k < engine_step_count(eng); k++) {
                    engine_goto(eng, k);
                    const engine_step *s = engine_current(eng);
                    lay(120, 40);
                    /* what the op row says stands between the blocks */
                    ops_piece pc[OPS_MAX_PIECES];
                    int np = ops_step_picture(s, ascii, pc, OPS_MAX_PIECES);
                    char want[512] = "", got[512] = "", label[128], drawn[128];
                    for (int p = 0; p < np; p++)
                        if (pc[p].tensor == OPS_GLYPH) {
                            as_drawn(pc[p].text, drawn, sizeof drawn);
                            text_append(want, sizeof want, "[%s]", drawn);
                        }
                    /* what the screen shows there: the runs of plain text
                     * on the picture's rows that are not a label */
                    int step_rule = rule_row(1, "Step"), top = -1, end = -1;
                    for (int r = step_rule + 1; r < frame_->height && end < 0; r++) {
                        if (top < 0 && strstr(row_text(r), "shapes  "))
                            top = r + 1;
                        else if (top >= 0 && strstr(row_text(r), ascii ? "  > " : "  ▸ "))
                            end = r;
                    }
                    ck_assert_msg(top > 0 && end > top, "%s: no picture", s->id);
                    for (int r = top; r < end; r++) {
                        int is_label = 0;
                        for (int o = 0; o <= s->n_operands; o++) {
                            label_of(o < s->n_operands ? &s->operand[o] : &s->result, label,
                                     sizeof label);
                            as_drawn(label, drawn, sizeof drawn);
                            is_label |= strstr(row_text(r), drawn) != NULL;
                        }
                        if (is_label)
                            continue;
                        char run[128];
                        size_t n = 0;
                        int blanks = 0;
                        for (int c = 0; c <= frame_->width; c++) {
                            const frame_cell *x =
                                c < frame_->width ? &frame_->cells[r * frame_->width + c] : NULL;
                            int plain = x && (x->attr == FRAME_NORMAL || x->attr == FRAME_FORWARD ||
                                              x->attr == FRAME_BACKWARD);
                            int blank = plain && strcmp(x->ch, " ") == 0;
                            if (plain && !blank) {
                                if (n && blanks)
                                    run[n++] = ' ';
                                size_t k2 = strlen(x->ch);
                                memcpy(run + n, x->ch, k2);
                                n += k2;
                                blanks = 0;
                                continue;
                            }
                            if (blank && n && ++blanks < 2)
                                continue;
                            if (n) {
                                run[n] = '\0';
                                text_append(got, sizeof got, "[%s]", run);
                            }
                            n = 0;
                            blanks = 0;
                        }
                    }
                    ck_assert_msg(strcmp(got, want) == 0,
                                  "%s %s%s %s: the screen draws %s, the op row says %s",
                                  g.gl_pathv[i], engine_conv_name(conv), ascii ? " ascii" : "",
                                  s->id, got, want);
                    steps++;
                }
            }
        }
        screen_free(scr);
        use(screen_on(&les, 0));
        lesson_free(&l);
    }
    globfree(&g);
    ck_assert_int_gt(steps, 800);
}
END_TEST

/* From the start of the default lesson, within 12 keys, in both
 * conventions: the screen that reads the question's formula product by
 * product to its 2×1, beside the outer product that gives G_ij its 2×3
 * (rows: 3×2) with the pass's numbers, and why. */
START_TEST(student_formula_in_twelve_keys)
{
    for (int conv = 0; conv < CONV_COUNT; conv++) {
        screen_free(scr);
        screen_options opt = {0, 0, conv};
        use(screen_new(&les, &opt));
        lay(80, 24);
        ck_assert(has("About this lesson"));
        ck_assert(has("Tab Tab ← ← goes to G_ij")); /* the start screen says how */
        static const int path[] = {KEYS_K_TAB, KEYS_K_TAB, KEYS_K_LEFT, KEYS_K_LEFT, 's'};
        int keys = 0;
        for (size_t k = 0; k < sizeof path / sizeof path[0]; k++, keys++)
            key(path[k]);
        ck_assert_int_le(keys, 12);
        ck_assert_str_eq(engine_current(eng)->id, "backward.1.gradient");
        lay(80, 24);
        ck_assert_msg(has("Your formula, shape by shape"), "%s", row_text(2));
        ck_assert(has("W_jk * g'(W_ij * x) * x * err"));
        char want[128];
        snprintf(want, sizeof want, "→ 2×1 as read: 2 numbers, where W_ij has 6 weights (%s)",
                 conv == CONV_COLUMNS ? "2×3" : "3×2");
        ck_assert_msg(has(want), "no '%s'", want);
        ck_assert(has(conv == CONV_COLUMNS ? "G_ij = x_i · δ_jᵀ   → 2×3, the shape of W_ij"
                                           : "G_ij = δ_j · x_iᵀ   → 3×2, the shape of W_ij"));
        ck_assert(has("A gradient has one entry per weight"));
        ck_assert(has(conv == CONV_COLUMNS ? "the 2 comes from x_i (one per input), the 3 from"
                                           : "the 3 comes from δ_j (one per hidden unit), the"));
        ck_assert(has("collapses the dimension that"));
        /* The product's numbers by hand: δ_j = (W_jk·δ_k) ⊙ h(1 − h),
         * G_ij[a][b] = x_a·δ_j[b]. */
        static const double x[2] = {1.0, 0.5};
        static const double w2[3][2] = {{0.7, -0.2}, {-0.5, 0.4}, {0.3, 0.8}};
        double h[3], d[2], dj[3];
        by_hand(h, d);
        for (int j = 0; j < 3; j++)
            dj[j] = (w2[j][0] * d[0] + w2[j][1] * d[1]) * h[j] * (1 - h[j]);
        for (int a = 0; a < 2; a++)
            for (int b = 0; b < 3; b++) {
                char nb[32];
                num(x[a] * dj[b], nb, sizeof nb);
                ck_assert_msg(has(nb), "G_ij[%d][%d] = %s is not on the screen", a + 1, b + 1, nb);
            }
        /* The shape checker agrees, independently of the screen. */
        shape_result r;
        ck_assert_int_eq(shape_check("W_jk * g'(W_ij * x) * x * err", &les.net, conv, &r), 0);
        ck_assert(r.reached);
        ck_assert_int_eq(r.rows, 2);
        ck_assert_int_eq(r.cols, 1);
        shape_result_free(&r);
        /* Nothing is cut, and s or Esc goes back to the step. */
        for (int row = 0; row < 23; row++)
            ck_assert_msg(!strstr(row_text(row), "…") || strstr(row_text(row), "(…)"), "%s",
                          row_text(row));
        key('s');
        lay(80, 24);
        ck_assert(!has("Your formula, shape by shape"));
        ck_assert(has("chain rule:"));
        key('s');
        ck_assert_int_eq(key(KEYS_K_ESC), 0);
        lay(80, 24);
        ck_assert(!has("Your formula, shape by shape"));
        /* It closes when the step moves, and is not there off a gradient. */
        key('s');
        key(KEYS_K_RIGHT);
        lay(80, 24);
        ck_assert(!has("Your formula, shape by shape"));
        key('s');
        lay(80, 24);
        ck_assert(!has("Your formula, shape by shape"));
    }
    screen_free(scr);
    use(screen_on(&les, 0));
}
END_TEST

/* Every element of every gradient of the default lesson shows its chain
 * rule: the names, the numbers, and which part of the matrices each
 * factor is; the question's W_ij[1][2] by hand. */
START_TEST(chain_rule_on_screen)
{
    double h[3], d[2];
    by_hand(h, d);
    go("backward.1.gradient");
    key(KEYS_K_DOWN); /* G_ij[1][2] */
    lay(80, 24);
    ck_assert(has("chain rule: ∂E/∂W_ij[1][2] = x_1·g′(z_2)·Σ_k W_jk[2][k]·δ_k"));
    /* x_1·g′(z_2)·(W_jk[2][1]·δ_1 + W_jk[2][2]·δ_2) */
    double sum = -0.5 * d[0] + 0.4 * d[1], gp = h[1] * (1 - h[1]);
    char a[32], b[32], c1[32], want[256];
    num(gp, a, sizeof a);
    num(d[0], b, sizeof b);
    num(1.0 * gp * sum, c1, sizeof c1);
    snprintf(want, sizeof want, "= 1.0000×%s×((−0.5000)×(−%s) + 0.4000×", a, b + 1);
    ck_assert_msg(has(want), "no '%s'", want);
    snprintf(want, sizeof want, ") = %s", c1);
    ck_assert_msg(has(want), "no '%s'", want);
    ck_assert(has("x_1 is x_i[1] (row 1); the rest is δ_j[2] (column 2)"));
    /* d: δ_k expanded one layer up, its definition said; then back. */
    ck_assert(has("d expand") || has("↑↓ element"));
    key('d');
    lay(80, 24);
    ck_assert_msg(has("with δ_k = g′(z_k)·(y_k − t_k)"), "%s", row_text(17));
    key('d');
    lay(80, 24);
    ck_assert(!has("with δ_k ="));
    /* Every element of both gradients. */
    static const char *const ids[] = {"backward.2.gradient", "backward.1.gradient"};
    for (int g = 0; g < 2; g++) {
        go(ids[g]);
        ctx->focus = 0;
        const engine_step *s = engine_current(eng);
        for (int i = 0; i < s->result.rows * s->result.cols; i++) {
            lay(80, 24);
            snprintf(want, sizeof want, "chain rule: ∂E/∂W_%s[%d][%d] = ", g ? "ij" : "jk",
                     i / s->result.cols + 1, i % s->result.cols + 1);
            ck_assert_msg(has(want), "%s element %d: no '%s'", s->id, i, want);
            /* The chain's numbers whole on the screen, ending in the
             * element, and their product is the element. */
            static engine_chain ch;
            ck_assert_int_eq(engine_chain_of(eng, engine_step_index(eng), i, 1, &ch), 0);
            ck_assert_double_eq_tol(engine_chain_product(&ch), s->result.v[i],
                                    1e-12 * fabs(s->result.v[i]) + 1e-300);
            char text[2048], bare[2048], line[4096];
            engine_chain_text(&ch, 4, 1, text, sizeof text);
            size_t nb = 0;
            for (const char *p = text; *p; p++)
                if (*p != ' ')
                    bare[nb++] = *p;
            bare[nb] = '\0';
            joined_without_blanks(0, 23, line, sizeof line);
            ck_assert_msg(strstr(line, bare), "%s element %d: no chain '%s'", s->id, i, text);
            snprintf(want, sizeof want, "%s%.4f", s->result.v[i] < 0 ? "−" : "",
                     fabs(s->result.v[i]));
            ck_assert_msg(strcmp(bare + nb - strlen(want), want) == 0, "%s ends not in %s", text,
                          want);
            key(KEYS_K_DOWN);
        }
    }
    /* Not on other steps. */
    go("backward.1.send");
    lay(80, 24);
    ck_assert(!has("chain rule"));
}
END_TEST

/* The deeper lesson: the chain of W_ij collapsed to δ of the layer above,
 * d expands it layer by layer, the key bar says so while it can. */
START_TEST(chain_expands_deeper)
{
    lesson deep;
    lesson_error err;
    ck_assert_msg(lesson_load_file("lessons/07-deeper.yaml", &deep, &err) == 0, "%s",
                  err.message);
    screen_free(scr);
    open_on(&deep, 0, -1);
    go("backward.1.gradient");
    lay(80, 24);
    ck_assert(has("chain rule: ∂E/∂W_ij[1][1] = x_1·g′(z_1)·Σ_k W_jk[1][k]·δ_k"));
    ck_assert(has("d expand"));
    key('d');
    lay(80, 24);
    ck_assert(has("with δ_k = g′(z_k)·Σ_l W_kl[k][l]·δ_l"));
    ck_assert(has("d expand"));
    key('d');
    lay(80, 24);
    ck_assert(has("with δ_k = g′(z_k)·Σ_l W_kl[k][l]·δ_l, δ_l = g′(z_l)·(y_l − t_l)"));
    key('d');
    lay(80, 24);
    ck_assert(!has("with δ_k"));
    /* The output layer's own gradient has nothing to expand. */
    go("backward.3.gradient");
    lay(80, 24);
    ck_assert(has("chain rule: ∂E/∂W_kl[1][1] = h²_1·g′(z_1)·(y_1 − t_1)"));
    ck_assert(!has("d expand"));
    screen_free(scr);
    use(screen_on(&les, 0));
    lesson_free(&deep);
}
END_TEST

/* A narration longer than its pane: the rule says which lines show, J and
 * K scroll it a line at a time and stop at the ends; the key bar shows
 * them only when there is more.  The About pane too. */
START_TEST(text_scrolls)
{
    lesson soft;
    lesson_error err;
    ck_assert_msg(lesson_load_file("lessons/04-mazur.yaml", &soft, &err) == 0, "%s",
                  err.message);
    screen_free(scr);
    open_on(&soft, 0, -1);
    go("update.1");
    lay(80, 24);
    int total = ctx->cache->text_lines, view = ctx->cache->text_view;
    ck_assert_int_gt(total, view);
    char want[64];
    snprintf(want, sizeof want, "lines 1-%d of %d, J/K", view, total);
    ck_assert_msg(has(want), "no '%s'", want);
    ck_assert(has("J/K more"));
    char narr[16384];
    narrate_text(&soft, eng, engine_step_index(eng), 4, narr, sizeof narr, NULL);
    ck_assert_msg(strlen(narr) > 200, "%s", narr);
    int why = rule_row(0, "Why");
    char first[FRAME_MAX_WIDTH * FRAME_CELL_BYTES];
    snprintf(first, sizeof first, "%s", row_text(why + 1));
    for (int k = 0; k < total + 3; k++)
        key('J');
    lay(80, 24);
    snprintf(want, sizeof want, "lines %d-%d of %d, J/K", total - view + 1, total, total);
    ck_assert_msg(has(want), "no '%s'", want);
    ck_assert_str_ne(row_text(why + 1), first);
    key('K');
    lay(80, 24);
    snprintf(want, sizeof want, "lines %d-%d of %d, J/K", total - view, total - 1, total);
    ck_assert_msg(has(want), "K: no '%s'", want);
    for (int k = 0; k < total + 3; k++)
        key(KEYS_K_SUP);
    lay(80, 24);
    ck_assert_str_eq(row_text(why + 1), first);
    /* Another step starts at its top; a short text has no marks. */
    key(KEYS_K_LEFT);
    lay(80, 24);
    ck_assert(!has(", J/K"));
    ck_assert(!has("J/K more"));
    screen_free(scr);
    use(screen_on(&les, 0));
    lesson_free(&soft);
}
END_TEST

/* A narration longer than the rows under its rule takes the blank rows
 * the step pane keeps for the pass's tallest step, one blank row staying
 * between: the softmax's six lines of Why read whole at 80×24. */
START_TEST(text_takes_blank_rows)
{
    lesson soft;
    lesson_error err;
    ck_assert_msg(lesson_load_file("lessons/08-softmax.yaml", &soft, &err) == 0, "%s",
                  err.message);
    screen_free(scr);
    open_on(&soft, 0, -1);
    go("backward.2.activation");
    lay(80, 24);
    ck_assert_int_eq(ctx->cache->text_lines, 6);
    ck_assert_int_eq(ctx->cache->text_view, 6);
    ck_assert(!has(", J/K"));
    ck_assert(has("proportion to its probability."));
    int why = rule_row(0, "Why");
    ck_assert_str_eq(row_text(why - 1), "");
    screen_free(scr);
    use(screen_on(&les, 0));
    lesson_free(&soft);
}
END_TEST

/* The network's nodes hold what the pass has computed up to the step,
 * named on the rule: ∂E/∂y at the output, then δ; ∂E/∂h where the send
 * put it; the inputs not computed (·) until ∂E/∂x is, never x. */
START_TEST(diagram_names_its_values)
{
    go("backward.2.delta");
    lay(80, 24);
    ck_assert(has("values: ∂E/∂y_k"));
    ck_assert(has("(   ·   )◀"));
    ck_assert(!has("( 1.0000)")); /* x_1 */
    go("backward.2.send");
    lay(80, 24);
    ck_assert(has("values: δ_k, ∂E/∂h_j"));
    const engine_step *s = engine_current(eng);
    char n[32], want[48];
    for (int j = 0; j < 3; j++) {
        num(s->result.v[j], n, sizeof n);
        snprintf(want, sizeof want, "(%s%s)", s->result.v[j] < 0 ? "" : " ", n);
        ck_assert_msg(has(want), "no node %s", want);
    }
    go("backward.1.activation");
    lay(80, 24);
    ck_assert(has("values: δ_k, δ_j"));
    go("backward.1.send");
    lay(80, 24);
    ck_assert(has("values: δ_k, δ_j, ∂E/∂x_i"));
    s = engine_current(eng);
    num(s->result.v[0], n, sizeof n);
    snprintf(want, sizeof want, "(%s%s)◀", s->result.v[0] < 0 ? "" : " ", n);
    ck_assert_msg(has(want), "no input node %s", want);
    /* ASCII: not computed is ".", never "*" (a product). */
    ctx->ascii = 1;
    go("backward.2.delta");
    lay(80, 24);
    ck_assert(has("(   .   )<"));
    ck_assert(!has("(   *   )"));
    ctx->ascii = 0;
}
END_TEST

/* Text without its blanks, as drawn: what is compared when wrapping may
 * break it anywhere. */
static void bare_of(const char *in, char *out, size_t size)
{
    char drawn[2048];
    as_drawn(in, drawn, sizeof drawn);
    size_t n = 0;
    for (const char *p = drawn; *p && n + 1 < size; p++)
        if (*p != ' ')
            out[n++] = *p;
    out[n] = '\0';
}

/* The first line the quiz pane shows, from its rule's "lines 3-5 of 9". */
static int quiz_first_line(void)
{
    lay(80, 24);
    const char *side = strstr(row_text(rule_row(1, "Quiz")), " lines ");
    return side ? atoi(side + 7) : 1;
}

/* The quiz pane's whole text at 80×24: every line read while scrolling
 * through it with `down` from its top (`up` goes there), joined without
 * blanks; no row ends cut.  Returns the lines it takes. */
static int quiz_pane_text(int down, int up, const char *where, char *out, size_t size)
{
    static char lines[128][FRAME_MAX_WIDTH * FRAME_CELL_BYTES];
    const char *dots = ctx->ascii ? "..." : "…";
    int n = 0;
    for (int guard = 0; guard < 128 && quiz_first_line() > 1; guard++)
        key(up);
    for (int guard = 0; guard < 128; guard++) {
        lay(80, 24);
        int rule = rule_row(1, "Quiz");
        ck_assert_msg(rule > 0, "%s: no quiz pane", where);
        int end = frame_->cursor_row > rule ? frame_->cursor_row : frame_->height - 1;
        int first = 0, last = 0, total = 0;
        const char *side = strstr(row_text(rule), " lines ");
        if (side)
            ck_assert_int_eq(sscanf(side, " lines %d-%d of %d", &first, &last, &total), 3);
        first = side ? first - 1 : 0;
        ck_assert_msg(!side || last - first == end - rule - 1, "%s: %s", where, row_text(rule));
        ck_assert_int_ge(first, 0);
        for (int r = rule + 1; r < end && first + r - rule - 1 < 128; r++) {
            char *line = lines[first >= 0 ? first + r - rule - 1 : 0];
            size_t k = 0;
            for (int col = 0; col < 78; col++) {
                const char *ch = frame_->cells[r * frame_->width + col].ch;
                if (strcmp(ch, " ") != 0 && k + strlen(ch) < sizeof lines[0]) {
                    memcpy(line + k, ch, strlen(ch));
                    k += strlen(ch);
                }
            }
            line[k] = '\0';
            size_t d = strlen(dots);
            ck_assert_msg(k < d || strcmp(line + k - d, dots) != 0, "%s: a row is cut: %s",
                          where, row_text(r));
            n = first + r - rule > n ? first + r - rule : n;
        }
        if (!side || last >= total)
            break;
        key(down);
    }
    out[0] = '\0';
    for (int i = 0; i < n && i < 128; i++)
        text_append(out, size, "%s", lines[i]);
    return n;
}

/* Asserts the quiz pane shows `want` and `then` (texts as quiz.c writes
 * them; "" for none) whole, one after the other.  Returns its lines. */
static int quiz_shows(const char *want, const char *then, int down, int up, const char *where)
{
    static char got[65536];
    char bare[4096];
    int n = quiz_pane_text(down, up, where, got, sizeof got);
    bare_of(want, bare, sizeof bare);
    size_t k = strlen(bare);
    bare_of(then, bare + k, sizeof bare - k);
    ck_assert_msg(strstr(got, bare) != NULL, "%s: not whole on the screen: %s %s\n(shows %s)",
                  where, want, then, got);
    return n;
}

/* A wrong answer to the question open, the one with the longest hint: the
 * transpose of a shape (a vector's as a row), else a shape or number
 * nothing has. */
static void wrong_answer(const quiz *q, const engine_step *s, char *buf, size_t size)
{
    const engine_tensor *t = &s->result;
    if (q->stage == QUIZ_ASK_SHAPE && t->rank == 1 && t->rows > 1)
        snprintf(buf, size, "1x%d", t->rows);
    else if (q->stage == QUIZ_ASK_SHAPE && t->rank == 2 && t->rows != t->cols)
        snprintf(buf, size, "%dx%d", t->cols, t->rows);
    else if (q->stage == QUIZ_ASK_VALUE)
        snprintf(buf, size, "%s", "12345");
    else
        snprintf(buf, size, "%s", "97x89");
}

/* Every quiz question of every bundled lesson, in both conventions and in
 * ASCII too, at 80×24: the question, the hint after a wrong answer, the
 * answer shown when it is given up, and the verdict between questions all
 * show whole (wrapped, scrolled when they do not fit), never cut.  What
 * is asked and said is worked out by a quiz of the test's own, answered
 * the same way. */
START_TEST(every_quiz_text_whole)
{
    glob_t g;
    size_t files = bundled(&g);
    int texts = 0, most = 0, least = 99, scrolls = 0;
    for (size_t i = 0; i < files; i++) {
        lesson l;
        lesson_error err;
        ck_assert_msg(lesson_load_file(g.gl_pathv[i], &l, &err) == 0, "%s", err.message);
        for (int ascii = 0; ascii < 2; ascii++) {
            for (int conv = 0; conv < CONV_COUNT; conv++) {
                screen_free(scr);
                open_on(&l, ascii, conv);
                key('z');
                ck_assert_int_eq(screen_top(scr), KEYS_MAP_QUIZ);
                for (int k = 0; k < engine_step_count(eng); k++) {
                    ctx->focus = 0;
                    engine_goto(eng, k);
                    screen_tick(scr);
                    const engine_step *s = engine_current(eng);
                    quiz mine;
                    quiz_init(&mine);
                    quiz_open(&mine, s, 0, engine_network(eng));
                    char where[512], question[QUIZ_TEXT_SIZE], msg[QUIZ_TEXT_SIZE] = "";
                    char answer[64], typed[80];
                    int n;
                    (void)n;
                    while (mine.stage != QUIZ_FINISHED) {
                        snprintf(where, sizeof where, "%s %s%s step %d %s stage %d", g.gl_pathv[i],
                                 engine_conv_name(conv), ascii ? " ascii" : "", k + 1, s->id,
                                 mine.stage);
                        quiz_question(&mine, s, question, sizeof question);
                        if (mine.stage == QUIZ_ASK_SHAPE)
                            text_append(question, sizeof question,
                                        "  (e.g. 3x2, or 3 for a vector)");
                        /* the question (and what was said of the last one) */
                        quiz_shows(question, msg, KEYS_K_DOWN, KEYS_K_UP, where);
                        /* a wrong answer: the question and its hint */
                        wrong_answer(&mine, s, answer, sizeof answer);
                        ck_assert_int_eq(quiz_answer(&mine, s, answer, msg, sizeof msg),
                                         QUIZ_RETRY);
                        snprintf(typed, sizeof typed, "%s\n", answer);
                        type_keys(typed);
                        n = quiz_shows(question, msg, KEYS_K_DOWN, KEYS_K_UP, where);
                        most = n > most ? n : most;
                        least = ctx->cache->text_view < least ? ctx->cache->text_view : least;
                        scrolls += ctx->cache->text_lines > ctx->cache->text_view;
                        /* given up: the answer shown */
                        char shown[QUIZ_TEXT_SIZE];
                        quiz_skip(&mine, s, shown, sizeof shown);
                        if (snprintf(msg, sizeof msg, "Skipped, counted as missed. %s", shown) < 0)
                            msg[0] = '\0';
                        key(KEYS_K_TAB);
                        texts += 3;
                    }
                    /* between questions: the last verdict, then the way on */
                    n = quiz_shows(msg,
                                   k + 1 < engine_step_count(eng) ? "→ goes on to the next step"
                                                                  : "Score: ",
                                   'J', 'K', where);
                    if (k + 1 < engine_step_count(eng))
                        most = n > most ? n : most;
                }
            }
        }
        screen_free(scr);
        use(screen_on(&les, 0));
        lesson_free(&l);
    }
    globfree(&g);
    /* Some texts do not fit their pane and scroll (the test reaches that
     * way too), and every one has a row at least. */
    ck_assert_int_gt(scrolls, 0);
    ck_assert_int_ge(least, 1);
    ck_assert_int_ge(most, 4);
    ck_assert_int_gt(texts, 1000);
}
END_TEST

/* ---- the pass's panes measured without printing their numbers ---- */

/* Text with every digit made a 0. */
static void zeroed(const char *in, char *out, size_t size)
{
    size_t n = 0;
    for (; in[n] && n + 1 < size; n++)
        out[n] = in[n] >= '0' && in[n] <= '9' ? '0' : in[n];
    out[n] = '\0';
}

/* The arithmetic measured is the arithmetic printed, digit for 0: the
 * same bytes and columns, so it wraps on the same rows.  bad is a
 * description of the case for the message. */
static void measured_as_printed(const engine_step *s, int index, int decimals, const char *bad)
{
    static char printed[DRAW_LINE_BYTES], measured[DRAW_LINE_BYTES];
    static char a[DRAW_LINE_BYTES], b[DRAW_LINE_BYTES];
    int n = engine_step_explain(s, index, decimals, printed, sizeof printed, NULL, 0);
    int m = engine_step_explain_measure(s, index, decimals, measured, sizeof measured);
    zeroed(printed, a, sizeof a);
    zeroed(measured, b, sizeof b);
    ck_assert_msg(strcmp(a, b) == 0, "%s, %d decimals:\nprinted  %s\nmeasured %s", bad, decimals,
                  printed, measured);
    ck_assert_int_eq(n, m);
}

/* Every element of every step of every bundled lesson, in both
 * conventions, at the decimals the screen offers and at the extremes. */
START_TEST(measured_arithmetic_every_lesson)
{
    static const int decimals[] = {0, 1, 2, 4, 6, 12, 13, 17};
    glob_t g;
    size_t files = bundled(&g);
    long cases = 0;
    for (size_t i = 0; i < files; i++) {
        lesson l;
        lesson_error err;
        ck_assert_msg(lesson_load_file(g.gl_pathv[i], &l, &err) == 0, "%s", err.message);
        for (int conv = 0; conv < CONV_COUNT; conv++) {
            screen_free(scr);
            open_on(&l, 0, conv);
            for (int k = 0; k < engine_step_count(eng); k++) {
                const engine_step *s = engine_step_at(eng, k);
                int nres = s->result.rows * s->result.cols;
                for (int e = 0; e < nres; e++)
                    for (size_t d = 0; d < sizeof decimals / sizeof decimals[0]; d++) {
                        char where[256];
                        snprintf(where, sizeof where, "%s %s %s element %d", g.gl_pathv[i],
                                 engine_conv_name(conv), s->id, e + 1);
                        measured_as_printed(s, e, decimals[d], where);
                        cases++;
                    }
            }
        }
        screen_free(scr);
        use(screen_on(&les, 0));
        lesson_free(&l);
    }
    globfree(&g);
    ck_assert_int_gt(cases, 10000);
}
END_TEST

/* Numbers whose width is hard to see: where rounding carries a digit
 * (9.99995 at 4 decimals is 10.0000), just below that, negative ones that
 * round to zero, the exponent's edges, huge ones, and not finite ones. */
START_TEST(measured_arithmetic_edges)
{
    static const double v[] = {
        9.99995,  9.999949, 99.995,  99.99499, 0.99995, 0.5,     0.49999999, 999999.5,
        -9.99995, -0.00004, -0.0,    0.0,      5e-5,    4.9e-5,  1e10,       9999999999.5,
        1e11,     -1e11,    1.5e15,  1e300,    -1e300,  1e-300,  12.345,     -987.654321,
        INFINITY, -INFINITY, NAN,   1.0,      10.0,    100.0,   0.95,       -0.995,
    };
    enum { N = (int)(sizeof v / sizeof v[0]) };
    double x[N], y[N], r[N];
    for (int k = 0; k < N; k++) {
        x[k] = v[k];
        y[k] = v[N - 1 - k];
        r[k] = v[(k + 7) % N];
    }
    engine_step s;
    memset(&s, 0, sizeof s);
    s.op = OP_HADAMARD;
    s.n_operands = 2;
    s.operand[0] = (engine_tensor){"g′(z_j)", 1, N, 1, x};
    s.operand[1] = (engine_tensor){"∂E/∂h_j", 1, N, 1, y};
    s.result = (engine_tensor){"δ_j", 1, N, 1, r};
    for (int k = 0; k < N; k++)
        for (int d = 0; d <= 17; d++) {
            char where[64];
            snprintf(where, sizeof where, "element %d", k + 1);
            measured_as_printed(&s, k, d, where);
        }
    /* A weight update names matrix elements and multiplies by η. */
    s.op = OP_SGD;
    s.n_operands = 3;
    double eta = 0.5;
    s.operand[0] = (engine_tensor){"W_jk", 2, 4, N / 4, x};
    s.operand[1] = (engine_tensor){"η", 0, 1, 1, &eta};
    s.operand[2] = (engine_tensor){"G_jk", 2, 4, N / 4, y};
    s.result = (engine_tensor){"W_jk⁺", 2, 4, N / 4, r};
    for (int k = 0; k < N; k++)
        for (int d = 0; d <= 17; d++) {
            char where[64];
            snprintf(where, sizeof where, "update element %d", k + 1);
            measured_as_printed(&s, k, d, where);
        }
    /* The names themselves, by hand as printf wrote them. */
    char buf[256];
    static const char head[] = "W⁺[2][2] = W[2][2] − η·G[2][2] = ";
    engine_step_explain(&s, N / 4 + 1, 2, buf, sizeof buf, NULL, 0);
    ck_assert_msg(strncmp(buf, head, strlen(head)) == 0, "%s", buf);
}
END_TEST

Suite *view_suite(void)
{
    Suite *s = suite_create("view");
    TCase *tc = tcase_create("layout");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, every_step_labelled);
    tcase_add_test(tc, gradient_shapes);
    tcase_add_test(tc, convention_switch);
    tcase_add_test(tc, focus_walk);
    tcase_add_test(tc, focus_follows_transpose);
    tcase_add_test(tc, diagram_values);
    tcase_add_test(tc, header);
    tcase_add_test(tc, back_is_identical);
    tcase_add_test(tc, too_small);
    tcase_add_test(tc, ascii_only);
    tcase_add_test(tc, key_table);
    tcase_add_test(tc, help_lists_keys);
    tcase_add_test(tc, help_per_mode);
    tcase_add_test(tc, blank_everywhere);
    tcase_add_test(tc, quiz_summary_scrolls);
    tcase_add_test(tc, phases);
    tcase_add_test(tc, tall_result_scrolls);
    tcase_add_test(tc, update_before_after);
    tcase_add_test(tc, gradcheck_view);
    tcase_add_test(tc, edit_weight_and_input);
    tcase_add_test(tc, description_panel);
    tcase_add_test(tc, numeric_fault_header);
    tcase_add_test(tc, quiz_tab_skip);
    tcase_add_test(tc, quiz_esc_ends_quiz);
    tcase_add_test(tc, speed_keys_ascii);
    tcase_add_test(tc, edit_rate_prompt_layout);
    tcase_add_test(tc, train_summary_fixed_weights);
    tcase_add_test(tc, save_asks_before_overwriting);
    tcase_add_test(tc, modified_long_title);
    tcase_add_test(tc, pass_pane);
    tcase_add_test(tc, number_width_matches_print);
    tcase_add_test(tc, column_width_is_widest_number);
    tcase_add_test(tc, shape_reason_wraps);
    tcase_add_test(tc, every_screen_whole);
    tcase_add_test(tc, glyphs_are_the_ops);
    tcase_add_test(tc, student_formula_in_twelve_keys);
    tcase_add_test(tc, chain_rule_on_screen);
    tcase_add_test(tc, chain_expands_deeper);
    tcase_add_test(tc, text_scrolls);
    tcase_add_test(tc, text_takes_blank_rows);
    tcase_add_test(tc, diagram_names_its_values);
    tcase_add_test(tc, measured_arithmetic_every_lesson);
    tcase_add_test(tc, measured_arithmetic_edges);
    suite_add_tcase(s, tc);
    tc = tcase_create("quiz texts");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, every_quiz_text_whole);
    suite_add_tcase(s, tc);
    return s;
}

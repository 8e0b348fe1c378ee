/* check_prompt.c - the one-line text input: typing, moving, deleting over
 * multi-byte characters, the length limit, Enter and Esc, the cursor cell. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine.h"
#include "frame.h"
#include "keys.h"
#include "lesson.h"
#include "prompt.h"
#include "screen.h"
#include "text.h"

/* Types a UTF-8 string one code point at a time. */
static void type(prompt *p, const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    while (*u) {
        int c = *u, n = 1;
        if (c >= 0xF0)
            c &= 0x07, n = 4;
        else if (c >= 0xE0)
            c &= 0x0F, n = 3;
        else if (c >= 0xC0)
            c &= 0x1F, n = 2;
        for (int k = 1; k < n; k++)
            c = c << 6 | (u[k] & 0x3F);
        u += n;
        ck_assert_int_eq(prompt_key(p, c), PROMPT_EDITING);
    }
}

START_TEST(typing_and_enter)
{
    prompt p;
    prompt_open(&p, "shape? ", NULL, 0);
    ck_assert_str_eq(p.caption, "shape? ");
    ck_assert_int_eq(p.max_chars, PROMPT_MAX_CHARS);
    type(&p, "3x2");
    ck_assert_str_eq(prompt_text(&p), "3x2");
    ck_assert_int_eq(prompt_cursor_column(&p), 3);
    ck_assert_int_eq(prompt_key(&p, '\r'), PROMPT_ENTER);
    ck_assert_int_eq(p.open, 0);
    ck_assert_str_eq(prompt_text(&p), "3x2");
    /* A closed prompt takes no more keys. */
    ck_assert_int_eq(prompt_key(&p, 'a'), PROMPT_ESCAPE);
    ck_assert_str_eq(prompt_text(&p), "3x2");
    prompt_open(&p, "", "1", 0);
    ck_assert_int_eq(prompt_key(&p, '\n'), PROMPT_ENTER);
    prompt_open(&p, "", "1", 0);
    ck_assert_int_eq(prompt_key(&p, KEYS_K_ENTER), PROMPT_ENTER);
}
END_TEST

START_TEST(escape_gives_up)
{
    prompt p;
    prompt_open(&p, ": ", "W_ij", 0);
    ck_assert_int_eq(prompt_key(&p, KEYS_K_ESC), PROMPT_ESCAPE);
    ck_assert_int_eq(p.open, 0);
}
END_TEST

START_TEST(multibyte_insert_and_delete)
{
    prompt p;
    prompt_open(&p, ": ", NULL, 0);
    type(&p, "W_jkᵀ·δ");
    ck_assert_str_eq(prompt_text(&p), "W_jkᵀ·δ");
    ck_assert_int_eq(prompt_length(&p), 7);
    ck_assert_int_eq(prompt_cursor_column(&p), 7);
    ck_assert_int_eq(prompt_key(&p, KEYS_K_BACKSPACE), PROMPT_EDITING);
    ck_assert_str_eq(prompt_text(&p), "W_jkᵀ·");
    prompt_key(&p, KEYS_K_LEFT);
    ck_assert_int_eq(prompt_cursor_column(&p), 5);
    prompt_key(&p, KEYS_K_LEFT);
    ck_assert_int_eq(prompt_cursor_column(&p), 4);
    /* Delete takes the whole ᵀ (three bytes), not one byte of it. */
    prompt_key(&p, KEYS_K_DELETE);
    ck_assert_str_eq(prompt_text(&p), "W_jk·");
    type(&p, "′");
    ck_assert_str_eq(prompt_text(&p), "W_jk′·");
    ck_assert_int_eq(prompt_cursor_column(&p), 5);
    prompt_key(&p, 4); /* Ctrl-D deletes under the cursor too */
    ck_assert_str_eq(prompt_text(&p), "W_jk′");
    /* Past the end, Delete and Right do nothing. */
    prompt_key(&p, KEYS_K_DELETE);
    prompt_key(&p, KEYS_K_RIGHT);
    ck_assert_str_eq(prompt_text(&p), "W_jk′");
    ck_assert_uint_eq(p.cursor, strlen("W_jk′"));
}
END_TEST

START_TEST(home_end_and_insert_in_middle)
{
    prompt p;
    prompt_open(&p, "", "x", 0);
    prompt_key(&p, KEYS_K_HOME);
    ck_assert_int_eq(prompt_cursor_column(&p), 0);
    type(&p, "W_ij * ");
    ck_assert_str_eq(prompt_text(&p), "W_ij * x");
    ck_assert_int_eq(prompt_cursor_column(&p), 7);
    prompt_key(&p, KEYS_K_END);
    ck_assert_int_eq(prompt_cursor_column(&p), 8);
    prompt_key(&p, 1); /* Ctrl-A */
    ck_assert_int_eq(prompt_cursor_column(&p), 0);
    /* Backspace and Left at the start change nothing. */
    prompt_key(&p, KEYS_K_BACKSPACE);
    prompt_key(&p, KEYS_K_LEFT);
    ck_assert_str_eq(prompt_text(&p), "W_ij * x");
    ck_assert_int_eq(prompt_cursor_column(&p), 0);
    prompt_key(&p, 5); /* Ctrl-E */
    ck_assert_int_eq(prompt_cursor_column(&p), 8);
}
END_TEST

START_TEST(ctrl_u_empties)
{
    prompt p;
    prompt_open(&p, "", "g'(W_ij * x)", 0);
    prompt_key(&p, KEYS_K_LEFT);
    prompt_key(&p, 21);
    ck_assert_str_eq(prompt_text(&p), "");
    ck_assert_int_eq(prompt_cursor_column(&p), 0);
    ck_assert_int_eq(prompt_length(&p), 0);
    type(&p, "h");
    ck_assert_str_eq(prompt_text(&p), "h");
}
END_TEST

START_TEST(max_length_and_controls)
{
    prompt p;
    prompt_open(&p, "epochs: ", "1000000", 4);
    ck_assert_str_eq(prompt_text(&p), "1000");
    prompt_key(&p, KEYS_K_END); /* keeps the offered text */
    prompt_key(&p, '5');
    ck_assert_str_eq(prompt_text(&p), "1000");
    prompt_key(&p, KEYS_K_BACKSPACE);
    prompt_key(&p, 0x3B4); /* δ: a character, not a byte, counts */
    ck_assert_str_eq(prompt_text(&p), "100δ");
    ck_assert_int_eq(prompt_length(&p), 4);
    prompt_key(&p, KEYS_K_BACKSPACE);
    /* Control characters, C1, surrogates and special keys insert nothing. */
    int bad[] = {7, 0x1B, 0x7F, 0x85, 0xD800, 0x110000, KEYS_K_UP, KEYS_K_TAB, -5};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        ck_assert_int_eq(prompt_key(&p, bad[i]), PROMPT_EDITING);
    ck_assert_str_eq(prompt_text(&p), "100");
    /* The widest characters fit too: a 4-byte emoji takes two cells. */
    prompt_key(&p, 0x1F600);
    ck_assert_str_eq(prompt_text(&p), "100\xF0\x9F\x98\x80");
    ck_assert_int_eq(prompt_cursor_column(&p), 5);
}
END_TEST

START_TEST(full_line_of_four_byte_characters)
{
    prompt p;
    prompt_open(&p, "", NULL, 0);
    for (int i = 0; i < PROMPT_MAX_CHARS + 10; i++)
        prompt_key(&p, 0x10348);
    ck_assert_int_eq(prompt_length(&p), PROMPT_MAX_CHARS);
    ck_assert_uint_eq(p.len, (size_t)PROMPT_MAX_CHARS * 4);
    ck_assert_uint_eq(strlen(prompt_text(&p)), (size_t)PROMPT_MAX_CHARS * 4);
}
END_TEST

/* The initial text is inserted, never obeyed: a newline in a file name is
 * no Enter, a Ctrl-U no emptying, and invalid UTF-8 is left out. */
START_TEST(initial_text_is_text)
{
    prompt p;
    prompt_open(&p, "save as: ", "a\nb\x15" "c\xff" "d", 0);
    ck_assert_int_eq(p.open, 1);
    ck_assert_str_eq(prompt_text(&p), "abcd");
    ck_assert_int_eq(prompt_cursor_column(&p), 4);
}
END_TEST

/* An offered value starts selected: the first character typed replaces
 * it (e on a 1, typing 0.7, gives 0.7, not 10.7); Backspace and Delete
 * take it away; arrows, Home and End keep it and end the selection at
 * its start or end; a key that types nothing keeps it. */
START_TEST(offered_text_is_selected)
{
    prompt p;
    prompt_open(&p, "x_i[1] = 1.0000, new value: ", "1", 40);
    ck_assert_int_eq(p.selected, 1);
    type(&p, "0.7");
    ck_assert_str_eq(prompt_text(&p), "0.7");
    ck_assert_int_eq(p.selected, 0);
    ck_assert_int_eq(prompt_cursor_column(&p), 3);

    static const struct {
        int key;
        const char *then, *want;
    } keys[] = {
        {KEYS_K_LEFT, "9", "90.25"},  {KEYS_K_HOME, "9", "90.25"}, {1, "9", "90.25"},
        {KEYS_K_RIGHT, "9", "0.259"}, {KEYS_K_END, "9", "0.259"},  {5, "9", "0.259"},
        {KEYS_K_BACKSPACE, "9", "9"}, {KEYS_K_DELETE, "9", "9"},   {21, "9", "9"},
        {KEYS_K_UP, "9", "9"},        {KEYS_K_TAB, "", "0.25"},
    };
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        prompt_open(&p, "", "0.25", 40);
        ck_assert_int_eq(prompt_key(&p, keys[i].key), PROMPT_EDITING);
        type(&p, keys[i].then);
        ck_assert_msg(strcmp(prompt_text(&p), keys[i].want) == 0, "key %d then '%s': '%s'",
                      keys[i].key, keys[i].then, prompt_text(&p));
    }
    /* Enter on the offered text answers with it. */
    prompt_open(&p, "", "0.25", 40);
    ck_assert_int_eq(prompt_key(&p, '\r'), PROMPT_ENTER);
    ck_assert_str_eq(prompt_text(&p), "0.25");
    /* No offered text, nothing selected. */
    prompt_open(&p, "shape? ", NULL, 40);
    ck_assert_int_eq(p.selected, 0);
}
END_TEST

/* Trying again: the prompt opens on its own text, selected. */
START_TEST(retry_selects_again)
{
    prompt p;
    prompt_open(&p, "", NULL, 40);
    type(&p, "abc");
    ck_assert_int_eq(prompt_key(&p, KEYS_K_LEFT), PROMPT_EDITING);
    ck_assert_int_eq(prompt_key(&p, '\r'), PROMPT_ENTER);
    ck_assert_int_eq(p.open, 0);
    prompt_retry(&p);
    ck_assert_int_eq(p.open, 1);
    ck_assert_int_eq(p.selected, 1);
    ck_assert_str_eq(prompt_text(&p), "abc");
    ck_assert_int_eq(prompt_cursor_column(&p), 3);
    type(&p, "2");
    ck_assert_str_eq(prompt_text(&p), "2");
}
END_TEST

/* ---- the tools on the screen: quiz, shape checker, expressions, browser ---- */

static lesson les;
static screen *scr;
static engine *eng;
static frame *frame_;

static void screen_setup(void)
{
    lesson_error err;
    ck_assert_int_eq(lesson_load_default(&les, &err), 0);
    screen_options opt = {0, 0, -1};
    scr = screen_new(&les, &opt);
    frame_ = frame_new();
    ck_assert_ptr_nonnull(scr);
    ck_assert_ptr_nonnull(frame_);
    eng = screen_engine(scr);
}

static void screen_teardown(void)
{
    screen_free(scr);
    frame_free(frame_);
    lesson_free(&les);
}

static int on_screen(const char *text)
{
    screen_layout(scr, frame_, 80, 24);
    return frame_find(frame_, text, NULL) >= 0;
}

/* Types an answer into the open prompt and presses Enter. */
static void answer(const char *text)
{
    for (const char *p = text; *p; p++)
        screen_key(scr, (unsigned char)*p);
    screen_key(scr, '\r');
}

static int step_index(const char *id)
{
    for (int i = 0; i < engine_step_count(eng); i++)
        if (strcmp(engine_step_at(eng, i)->id, id) == 0)
            return i;
    return -1;
}

START_TEST(quiz_wrong_then_right)
{
    int i = step_index("backward.2.gradient");
    ck_assert_int_ge(i, 0);
    engine_goto(eng, i);
    screen_key(scr, 'z');
    ck_assert_int_eq(screen_top(scr), KEYS_MAP_QUIZ);
    const engine_step *s = engine_current(eng);
    /* At 80×24 the score shows on the quiz's rule, and the header keeps
     * the lesson's whole title rather than the score. */
    ck_assert(on_screen("── quiz 0/0 ──"));
    ck_assert(on_screen("The 2-3-2 network from the question  "));
    ck_assert(!on_screen("…"));
    ck_assert(on_screen("What shape is G_jk?"));
    /* The result's numbers and shape stay hidden. */
    char num[40];
    snprintf(num, sizeof num, "%.4f", s->result.v[0]);
    ck_assert(!on_screen(num));
    ck_assert(on_screen("[ ? ]"));
    ck_assert(on_screen("shapes  (3×2), row j × (3) → ?"));
    char wrong[32], right[32];
    snprintf(wrong, sizeof wrong, "%dx%d", s->result.cols, s->result.rows + 1);
    snprintf(right, sizeof right, "(%d, %d)", s->result.rows, s->result.cols);
    answer(wrong);
    ck_assert(on_screen("Hint"));
    ck_assert(on_screen("quiz 0/0"));
    ck_assert(on_screen("shape of G_jk?")); /* asked again */
    answer(right); /* right at the second try: not scored */
    ck_assert(on_screen("quiz 0/1"));
    ck_assert(on_screen("What is G[1][1]?"));
    ck_assert(on_screen("G[1][1] = ?")); /* the focused element */
    snprintf(num, sizeof num, "%.6f", s->result.v[0]);
    answer(num);
    ck_assert(on_screen("quiz 1/2"));
    ck_assert(!on_screen("[ ? ]"));
    snprintf(num, sizeof num, "%.4f", s->result.v[0]);
    ck_assert_msg(on_screen(num), "revealed result shows %s", num);
    /* A gradient step ends with the shape a formula for it gives; the
     * result shows by then.  Skipped, it counts as missed. */
    ck_assert(on_screen("A student wrote ∂E/∂W_jk = δ_k * h_j."));
    ck_assert(on_screen(num));
    screen_key(scr, KEYS_K_TAB);
    ck_assert(on_screen("quiz 1/3"));
    /* Answered: keys step again, and the next step is asked about. */
    screen_key(scr, KEYS_K_RIGHT);
    ck_assert(on_screen("Step backward.2.send"));
    ck_assert(on_screen("[ ? ]"));
}
END_TEST

START_TEST(quiz_summary_at_end_of_pass)
{
    engine_goto(eng, engine_step_count(eng) - 1);
    screen_key(scr, 'z');
    answer("17x19");
    ck_assert(on_screen("Hint"));
    answer("nonsense"); /* unreadable: no try used */
    ck_assert(on_screen("What shape is "));
    answer("17x19");
    ck_assert(on_screen("What is "));
    for (int tries = 0; tries < 4 && !on_screen("Score: "); tries++)
        answer("12345");
    ck_assert(on_screen("Score: "));
    ck_assert(on_screen("Missed:"));
}
END_TEST

START_TEST(shape_checker_question_formula)
{
    screen_key(scr, ':');
    ck_assert_int_eq(screen_top(scr), KEYS_MAP_SHAPE);
    ck_assert(on_screen("Shape checker"));
    answer("W_jk * g'(W_ij * x) * x * err");
    ck_assert(on_screen("does not fit: (2×3)·(2×1): 3 ≠ 2"));
    ck_assert(on_screen("read as W_jkᵀ * g'(W_ijᵀ * x)"));
    ck_assert(frame_->cursor_row >= 0);
    /* The expression stays for editing: Ctrl-U, then the right gradient. */
    screen_key(scr, 21);
    answer("x * (W_jk * err .* g'(W_ij' * x))'");
    ck_assert(on_screen("→ 2×3"));
    screen_key(scr, KEYS_K_ESC);
    ck_assert_int_eq(screen_top(scr), KEYS_MAP_STEP);
    ck_assert(on_screen("Step forward.1.sum"));
    /* Opened again, the last expression waits in the prompt. */
    screen_key(scr, ':');
    ck_assert(on_screen(": x * (W_jk * err .* g'(W_ij' * x))'"));
}
END_TEST

START_TEST(expressions_of_lesson_02)
{
    lesson two;
    lesson_error err;
    ck_assert_int_eq(lesson_load_file("lessons/02-two-by-one.yaml", &two, &err), 0);
    screen_options opt = {0, 0, -1};
    screen *s2 = screen_new(&two, &opt);
    ck_assert_ptr_nonnull(s2);
    engine *e2 = screen_engine(s2);
    screen_layout(s2, frame_, 80, 24);
    ck_assert_int_ge(frame_find(frame_, "Shapes 1/", NULL), 0);
    ck_assert_int_ge(frame_find(frame_, "The question's formula: it breaks at W_ij * x", NULL), 0);
    ck_assert_int_ge(frame_find(frame_, "3 ≠ 2", NULL), 0);
    screen_key(s2, KEYS_K_RIGHT);
    screen_layout(s2, frame_, 80, 24);
    ck_assert_int_ge(frame_find(frame_, "Shapes 2/", NULL), 0);
    ck_assert_int_ge(frame_find(frame_, "W_ijᵀ * x  3", NULL), 0);
    ck_assert_int_eq(engine_step_index(e2), 0);
    /* Tab leaves for the pass; ← from its first step comes back. */
    screen_key(s2, KEYS_K_TAB);
    screen_layout(s2, frame_, 80, 24);
    ck_assert_int_ge(frame_find(frame_, "Step forward.1.sum", NULL), 0);
    screen_key(s2, KEYS_K_LEFT);
    ck_assert_int_eq(screen_ctx(s2)->tour, two.n_expressions);
    char want[32];
    snprintf(want, sizeof want, "Shapes %d/%d", two.n_expressions, two.n_expressions);
    screen_layout(s2, frame_, 80, 24);
    ck_assert_int_ge(frame_find(frame_, want, NULL), 0);
    screen_free(s2);
    lesson_free(&two);
}
END_TEST

/* The selected row of the browser. */
static const char *selected(void)
{
    static char line[1024];
    screen_layout(scr, frame_, 80, 24);
    for (int r = 0; r < frame_->height; r++)
        if (frame_at(frame_, r, 2)->attr == FRAME_FOCUS) {
            frame_row_text(frame_, r, line, sizeof line);
            return line;
        }
    return "";
}

START_TEST(browser_lists_every_bundled_lesson)
{
    /* The current folder is one of the places lessons are found; a lesson
     * there that does not load is listed with its reason. */
    char dir[] = "/tmp/backstep-browse-XXXXXX", bad[64], cwd[4096], cmd[256];
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(cmd, sizeof cmd, "cp lessons/*.yaml '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
    snprintf(bad, sizeof bad, "%s/00-broken.yaml", dir);
    FILE *fp = fopen(bad, "w");
    ck_assert_ptr_nonnull(fp);
    fputs("title: broken\nlayers: [2, x]\n", fp);
    fclose(fp);
    ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));
    ck_assert_int_eq(chdir(dir), 0);
    screen_key(scr, 'o');
    ck_assert_int_eq(screen_top(scr), KEYS_MAP_BROWSE);
    ck_assert(on_screen("Open a lesson"));
    ck_assert(on_screen("↑↓ choose  Enter open  Esc back")); /* its own key bar */
    static const char *names[] = {"question", "two-by-one", "xor"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        ck_assert_msg(on_screen(names[i]), "lists %s", names[i]);
    ck_assert(on_screen("does not load (Enter shows why)"));
    /* The broken lesson, first by name: Enter shows why, FILE:LINE:COLUMN,
     * and the browser stays. */
    screen_key(scr, 'g');
    ck_assert_ptr_nonnull(strstr(selected(), "broken"));
    screen_key(scr, KEYS_K_ENTER);
    ck_assert_int_eq(screen_top(scr), KEYS_MAP_BROWSE);
    ck_assert(on_screen("00-broken.yaml:1:1: missing key"));
    /* Another lesson opens in place of this one. */
    for (int i = 0; i < 100 && !strstr(selected(), " xor "); i++)
        screen_key(scr, 'j');
    ck_assert_ptr_nonnull(strstr(selected(), " xor "));
    screen_key(scr, KEYS_K_ENTER);
    ck_assert_msg(screen_top(scr) == KEYS_MAP_STEP, "%s", screen_ctx(scr)->open_error);
    eng = screen_engine(scr);
    ck_assert_int_eq(engine_network(eng)->samples, 4);
    ck_assert_ptr_nonnull(strstr(les.path, "06-xor.yaml"));
    ck_assert(on_screen("XOR"));
    /* Esc leaves the browser with nothing opened. */
    screen_key(scr, 'o');
    ck_assert_int_eq(screen_top(scr), KEYS_MAP_BROWSE);
    screen_key(scr, KEYS_K_ESC);
    ck_assert_int_eq(screen_top(scr), KEYS_MAP_STEP);
    ck_assert_int_eq(chdir(cwd), 0);
    snprintf(cmd, sizeof cmd, "rm -r '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}
END_TEST

/* A caption is kept whole, however wide; only one longer than its buffer
 * is cut, at a whole character (η is two bytes). */
START_TEST(long_caption_kept_whole)
{
    prompt p;
    prompt_open(&p, "learning rate η = 0.5000, new value: ", "0.5", 40);
    ck_assert_str_eq(p.caption, "learning rate η = 0.5000, new value: ");
    char cap[200];
    memset(cap, 'a', sizeof cap);
    memcpy(cap + 124, "η", 2); /* bytes 124-125: fits */
    memcpy(cap + 126, "η", 2); /* bytes 126-127: the buffer holds 127, so it goes */
    cap[sizeof cap - 1] = '\0';
    prompt_open(&p, cap, NULL, 0);
    ck_assert_uint_eq(strlen(p.caption), 126);
    ck_assert_int_eq(memcmp(p.caption + 124, "η", 2), 0);
}
END_TEST

/* ---- work never lost, presenter keys, Esc, a screen too small ---- */

static int key(int code)
{
    int quit = screen_key(scr, code);
    while (screen_timeout(scr) == 0) /* the work a key starts, to its end */
        screen_tick(scr);
    return quit;
}

static void keys_typed(const char *text)
{
    for (const char *p = text; *p; p++)
        key(*p == '\n' ? KEYS_K_ENTER : (unsigned char)*p);
}

static const char *row_at(int w, int h, int row)
{
    static char line[FRAME_MAX_WIDTH * FRAME_CELL_BYTES];
    screen_layout(scr, frame_, w, h);
    frame_row_text(frame_, row, line, sizeof line);
    return line;
}

/* A copy of the network on screen. */
static engine_net net_now(void)
{
    engine_net n;
    memset(&n, 0, sizeof n);
    ck_assert_int_eq(engine_net_copy(&n, engine_network(eng)), 0);
    return n;
}

/* e on W_jk[1][1] at update.2: typing replaces the offered value; a value
 * that does not read keeps the prompt open with the reason, blank too. */
START_TEST(edit_replaces_and_retries)
{
    ck_assert(engine_seek(eng, "update.2"));
    key('e');
    ck_assert_str_eq(row_at(80, 24, 23), " W_jk[1][1] = 0.7000, new value: 0.7");
    /* The offered text shows selected. */
    ck_assert_int_eq(frame_at(frame_, 23, 34)->attr, FRAME_FOCUS);
    keys_typed("abc\n");
    ck_assert_int_eq(screen_top(scr), KEYS_MAP_EDIT);
    ck_assert_str_eq(row_at(80, 24, 22), " W_jk[1][1]: \"abc\" is not a finite number");
    ck_assert_str_eq(row_at(80, 24, 23), " W_jk[1][1] = 0.7000, new value: abc");
    key(KEYS_K_BACKSPACE); /* the whole refused text goes */
    keys_typed("   \n");
    ck_assert_str_eq(row_at(80, 24, 22), " W_jk[1][1]: type a number (Esc keeps it as it is)");
    key(KEYS_CTRL_U);
    keys_typed("1.5\n");
    ck_assert_int_eq(screen_top(scr), KEYS_MAP_STEP);
    ck_assert_double_eq(engine_network(eng)->weights[1][0], 1.5);
    ck_assert_int_eq(screen_ctx(scr)->modified, 1);
    ck_assert(on_screen("W_jk[1][1] = 1.500000; the pass starts again (u undoes it)"));
    /* Esc gives up: nothing changes. */
    key('e');
    keys_typed("7");
    key(KEYS_K_ESC);
    ck_assert_int_eq(screen_top(scr), KEYS_MAP_STEP);
    ck_assert_double_eq(engine_network(eng)->weights[1][0], 1.5);
}
END_TEST

/* u and U over three edits: each undo gives the network before the edit
 * back bit for bit, redo the one after; a new edit forgets the redo. */
START_TEST(undo_redo_on_screen)
{
    engine_net start = net_now();
    ck_assert(engine_seek(eng, "update.2"));
    key('e');
    keys_typed("0.1\n"); /* 0.1 is not 1/10: it must come back as the very same bits */
    engine_net one = net_now();
    ck_assert(engine_seek(eng, "forward.1.sum"));
    key('e');
    keys_typed("0.3\n");
    engine_net two = net_now();
    ck_assert_double_eq(two.inputs[0], 0.3);
    ck_assert_int_eq(screen_ctx(scr)->undoable, 2);
    key('u');
    ck_assert(on_screen("undone: x_i[1] = 0.3 (was 1); the pass starts again (U redoes it)"));
    ck_assert_int_eq(memcmp(engine_network(eng)->inputs, one.inputs, 2 * sizeof(double)), 0);
    ck_assert_int_eq(memcmp(engine_network(eng)->weights[1], one.weights[1], 6 * sizeof(double)), 0);
    key('u');
    ck_assert_int_eq(memcmp(engine_network(eng)->weights[1], start.weights[1], 6 * sizeof(double)), 0);
    ck_assert_int_eq(memcmp(engine_network(eng)->inputs, start.inputs, 2 * sizeof(double)), 0);
    ck_assert_int_eq(screen_ctx(scr)->modified, 0); /* back where it was loaded */
    ck_assert_int_eq(engine_step_index(eng), 0);
    key('u');
    ck_assert(on_screen("nothing to undo"));
    key('U');
    ck_assert_int_eq(memcmp(engine_network(eng)->weights[1], one.weights[1], 6 * sizeof(double)), 0);
    ck_assert_int_eq(screen_ctx(scr)->modified, 1);
    /* A new edit: what was undone (the input) cannot be redone. */
    ck_assert(engine_seek(eng, "update.2"));
    screen_ctx(scr)->focus = 0;
    key('e');
    keys_typed("2\n");
    key('U');
    ck_assert(on_screen("nothing to redo"));
    ck_assert_double_eq(engine_network(eng)->inputs[0], 1.0);
    ck_assert_double_eq(engine_network(eng)->weights[1][0], 2.0);
    engine_net_free(&start);
    engine_net_free(&one);
    engine_net_free(&two);
}
END_TEST

/* r goes to the true start; after edits it asks whether the lesson's own
 * values come back too (and u takes that back); o and q ask before edits
 * are left behind. */
START_TEST(reset_open_quit_ask)
{
    ck_assert(engine_seek(eng, "update.2"));
    key('e');
    keys_typed("1.5\n");
    key(KEYS_K_RIGHT);
    key('r');
    ck_assert_int_eq(screen_top(scr), KEYS_MAP_EDIT);
    ck_assert_int_eq(engine_step_index(eng), 0);
    ck_assert_str_eq(row_at(80, 24, 23), " back to the start; restore the lesson's own values too? (y/n)");
    key('n');
    ck_assert_double_eq(engine_network(eng)->weights[1][0], 1.5);
    ck_assert(on_screen("back to the lesson's start; the edited values stay"));
    key('r');
    key('y');
    ck_assert_double_eq(engine_network(eng)->weights[1][0], 0.7);
    ck_assert(on_screen("the lesson's own values are back (u undoes it)"));
    key('u');
    ck_assert_double_eq(engine_network(eng)->weights[1][0], 1.5);
    ck_assert_int_eq(screen_ctx(scr)->modified, 1);
    /* o: the browser opens; choosing a lesson asks first, n stays.  The
     * browser lists the current folder, here one that holds a lesson
     * whichever folder the test program runs from. */
    char dir[] = "/tmp/backstep-ask-XXXXXX", cwd[4096], cmd[4096 + 64];
    ck_assert_ptr_nonnull(mkdtemp(dir));
    ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));
    snprintf(cmd, sizeof cmd, "cp '%s/lessons/06-xor.yaml' '%s/'", cwd, dir);
    ck_assert_int_eq(system(cmd), 0);
    ck_assert_int_eq(chdir(dir), 0);
    key('o');
    ck_assert_int_eq(screen_top(scr), KEYS_MAP_BROWSE);
    key(KEYS_K_ENTER);
    ck_assert_int_eq(screen_top(scr), KEYS_MAP_BROWSE);
    ck_assert(on_screen("discard unsaved edits and open "));
    key('n');
    ck_assert_int_eq(screen_top(scr), KEYS_MAP_BROWSE);
    ck_assert_double_eq(engine_network(eng)->weights[1][0], 1.5);
    key(KEYS_K_ESC);
    ck_assert_int_eq(chdir(cwd), 0);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
    /* q asks; Esc answers no. */
    ck_assert_int_eq(key('q'), 0);
    ck_assert_str_eq(row_at(80, 24, 23), " discard unsaved edits? (y/n)");
    ck_assert_int_eq(key(KEYS_K_ESC), 0);
    ck_assert_int_eq(screen_top(scr), KEYS_MAP_STEP);
    /* Undone back to the lesson: q leaves at once. */
    key('u');
    ck_assert_int_eq(screen_ctx(scr)->modified, 0);
    ck_assert_int_eq(key('q'), 1);
}
END_TEST

/* Esc closes whatever is open, in every mode, and on the stepping screen
 * only says that q quits. */
START_TEST(esc_in_every_mode)
{
    static const struct {
        const char *open; /* keys that open it */
        keys_map map;     /* what is on top then */
    } modes[] = {
        {"z", KEYS_MAP_QUIZ},  {":", KEYS_MAP_SHAPE}, {"t", KEYS_MAP_TRAIN},
        {"t\n", KEYS_MAP_TRAIN}, {"v", KEYS_MAP_CHECK}, {"e", KEYS_MAP_EDIT},
        {"w", KEYS_MAP_EDIT},  {"o", KEYS_MAP_BROWSE}, {"?", KEYS_MAP_HELP},
        {"b", KEYS_MAP_BLANK}, {".", KEYS_MAP_BLANK},
    };
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
        keys_typed(modes[i].open);
        ck_assert_msg(screen_top(scr) == modes[i].map, "%s opens %d", modes[i].open,
                      screen_top(scr));
        ck_assert_int_eq(key(KEYS_K_ESC), 0);
        ck_assert_msg(screen_top(scr) == KEYS_MAP_STEP, "Esc leaves %s open (%d)",
                      modes[i].open, screen_top(scr));
    }
    ck_assert_int_eq(key(KEYS_K_ESC), 0);
    ck_assert_str_eq(row_at(80, 24, 23), " q quits");
    ck_assert_int_eq(screen_top(scr), KEYS_MAP_STEP);
}
END_TEST

/* Esc stops long work: training and the gradient check keep what they did. */
START_TEST(esc_stops_work)
{
    key('t');
    key(KEYS_CTRL_U);
    for (const char *p = "1000000"; *p; p++)
        screen_key(scr, *p);
    screen_key(scr, KEYS_K_ENTER);
    screen_tick(scr);
    ck_assert_int_eq(screen_top(scr), KEYS_MAP_TRAIN);
    ck_assert_int_eq(screen_timeout(scr), 0); /* work under way */
    screen_key(scr, KEYS_K_ESC);
    ck_assert(on_screen("(stopped by Esc)"));
    ck_assert_int_eq(screen_key(scr, KEYS_K_ESC), 0);
    ck_assert_int_eq(screen_top(scr), KEYS_MAP_STEP);
    screen_key(scr, 'v');
    ck_assert_int_eq(screen_top(scr), KEYS_MAP_CHECK);
    screen_key(scr, KEYS_K_ESC);
    ck_assert(on_screen("stopped by Esc after "));
    ck_assert_int_ne(screen_timeout(scr), 0);
    screen_key(scr, KEYS_K_ESC);
    ck_assert_int_eq(screen_top(scr), KEYS_MAP_STEP);
}
END_TEST

/* Below 80x24 nothing acts unseen: → does not step, no tool opens; q
 * leaves only when nothing would be lost, and the screen says why not. */
START_TEST(too_small_blocks_keys)
{
    screen_resize(scr, 79, 24);
    int codes[] = {KEYS_K_RIGHT, KEYS_K_PGDN, ' ', 'v', 'e', 'z', 'b', KEYS_K_ESC, KEYS_K_END};
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
        ck_assert_int_eq(screen_key(scr, codes[i]), 0);
    ck_assert_int_eq(engine_step_index(eng), 0);
    ck_assert_int_eq(screen_top(scr), KEYS_MAP_STEP);
    screen_resize(scr, 80, 24);
    key(KEYS_K_RIGHT);
    ck_assert_int_eq(engine_step_index(eng), 1);
    ck_assert(engine_seek(eng, "update.2"));
    key('e');
    keys_typed("1.5\n");
    screen_resize(scr, 100, 20);
    ck_assert_int_eq(screen_key(scr, 'q'), 0); /* edits: it waits to ask */
    screen_layout(scr, frame_, 100, 20);
    ck_assert_int_ge(frame_find(frame_, "backstep needs at least 80×24 (this terminal is 100×20)", NULL), 0);
    ck_assert_int_ge(frame_find(frame_, "unsaved edits: q waits for a", NULL), 0);
    screen_resize(scr, 100, 30);
    ck_assert_int_eq(key('q'), 0);
    ck_assert_int_eq(screen_top(scr), KEYS_MAP_EDIT);
    key('n');
    key('u');
    screen_resize(scr, 60, 20);
    ck_assert_int_eq(screen_key(scr, 'q'), 1);
}
END_TEST

/* A clicker's keys: PgDn and PgUp step, b and . blank the screen and any
 * key brings it back without acting, F5 and Home go to the start of the
 * pass, which on a lesson's first pass is its opening tour of shapes. */
START_TEST(presenter_keys)
{
    key(KEYS_K_PGDN);
    key(KEYS_K_PGDN);
    ck_assert_int_eq(engine_step_index(eng), 2);
    key(KEYS_K_PGUP);
    ck_assert_int_eq(engine_step_index(eng), 1);
    for (const char *b = "b."; *b; b++) {
        key(*b);
        ck_assert_int_eq(screen_top(scr), KEYS_MAP_BLANK);
        screen_layout(scr, frame_, 80, 24);
        char line[1024];
        for (int r = 0; r < 24; r++) {
            frame_row_text(frame_, r, line, sizeof line);
            ck_assert_msg(line[0] == '\0', "row %d not blank: %s", r, line);
        }
        ck_assert_int_eq(frame_->cursor_row, -1);
        key(KEYS_K_PGDN); /* unblanks only */
        ck_assert_int_eq(screen_top(scr), KEYS_MAP_STEP);
        ck_assert_int_eq(engine_step_index(eng), 1);
    }
    key(KEYS_K_F5);
    ck_assert_int_eq(engine_step_index(eng), 0);
    ck_assert(on_screen("Step forward.1.sum"));

    lesson two;
    lesson_error err;
    ck_assert_int_eq(lesson_load_file("lessons/02-two-by-one.yaml", &two, &err), 0);
    screen_options opt = {0, 0, -1};
    screen *s2 = screen_new(&two, &opt);
    ck_assert_ptr_nonnull(s2);
    mode_ctx *c2 = screen_ctx(s2);
    ck_assert_int_eq(c2->tour, 1);
    screen_key(s2, KEYS_K_TAB); /* into the pass */
    screen_key(s2, KEYS_K_PGDN);
    screen_key(s2, KEYS_K_PGDN);
    ck_assert_int_eq(c2->tour, 0);
    screen_key(s2, KEYS_K_F5);
    ck_assert_int_eq(c2->tour, 1);
    ck_assert_int_eq(engine_step_index(screen_engine(s2)), 0);
    screen_key(s2, KEYS_K_TAB);
    screen_key(s2, KEYS_K_RIGHT);
    screen_key(s2, KEYS_K_HOME);
    ck_assert_int_eq(c2->tour, 1);
    /* r, without edits, too. */
    screen_key(s2, KEYS_K_TAB);
    screen_key(s2, KEYS_K_RIGHT);
    screen_key(s2, 'r');
    ck_assert_int_eq(c2->tour, 1);
    ck_assert_int_eq(screen_top(s2), KEYS_MAP_STEP);
    screen_free(s2);
    lesson_free(&two);
}
END_TEST

/* The number text a diagram node shows for v, as draw_diagram writes it. */
static int diagram_shows(double v)
{
    char num[40];
    text_number(v, 4, num, sizeof num);
    screen_layout(scr, frame_, 80, 24);
    for (int r = 3; r < 8; r++) {
        char line[2048];
        frame_row_text(frame_, r, line, sizeof line);
        if (strstr(line, num))
            return 1;
    }
    return 0;
}

/* What a quiz question keeps secret is hidden in the diagram too, and
 * only that: δ_k is hidden while its step asks for it, and shows while
 * the copy of δ_k into every row (which shows δ_k anyway) is asked. */
START_TEST(quiz_hides_the_same_numbers)
{
    const double *dk = engine_values(eng, VALUES_DELTA, 2);
    ck_assert(engine_seek(eng, "backward.2.activation"));
    screen_key(scr, 'z');
    ck_assert(on_screen("[ ? ]"));
    ck_assert(screen_ctx(scr)->hide_values);
    ck_assert(!diagram_shows(dk[0]));
    screen_key(scr, KEYS_K_TAB);
    screen_key(scr, KEYS_K_TAB);
    ck_assert(diagram_shows(dk[0])); /* answered: shown */
    screen_key(scr, KEYS_K_RIGHT);
    ck_assert_str_eq(engine_current(eng)->id, "backward.2.gradient.copy");
    ck_assert(on_screen("[ ? ]"));
    ck_assert(!screen_ctx(scr)->hide_values);
    ck_assert(diagram_shows(dk[0]));
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

/* Saving with the stamp taken at load: a read-only file and a file
 * changed on disk are each asked about (y replaces, n leaves it); a link
 * stays a link and the message says where the text went; a file name
 * with a newline in it is offered with the newline visible and saved to
 * under its own name. */
START_TEST(save_asks_and_reports)
{
    char dir[] = "/tmp/backstep-saves-XXXXXX", path[128], link_[128], odd[128], cmd[512];
    static char before[1 << 16], after[1 << 16];
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/mine.yaml", dir);
    snprintf(link_, sizeof link_, "%s/link.yaml", dir);
    snprintf(odd, sizeof odd, "%s/a\nb.yaml", dir);
    snprintf(cmd, sizeof cmd, "cp lessons/01-question.yaml '%s' && cp lessons/01-question.yaml '%s'",
             path, odd);
    ck_assert_int_eq(system(cmd), 0);
    ck_assert_int_eq(symlink("mine.yaml", link_), 0);

    lesson mine;
    lesson_error err;
    ck_assert_int_eq(lesson_load_file(path, &mine, &err), 0);
    screen_free(scr);
    screen_options opt = {0, 0, -1};
    scr = screen_new(&mine, &opt);
    eng = screen_engine(scr);
    ck_assert(engine_seek(eng, "update.2"));
    key('e');
    keys_typed("1.5\n");
    /* Read-only: asked; n leaves it, y replaces it and its mode stays. */
    ck_assert_int_eq(chmod(path, 0444), 0);
    key('w');
    key(KEYS_K_ENTER);
    char want[512];
    snprintf(want, sizeof want, " %s is read-only: replace it? (y/n)", path);
    ck_assert_str_eq(row_at(200, 30, 29), want);
    slurp(path, before, sizeof before);
    key('n');
    slurp(path, after, sizeof after);
    ck_assert_str_eq(after, before);
    ck_assert_int_eq(screen_ctx(scr)->modified, 1);
    key('w');
    key(KEYS_K_ENTER);
    key('y');
    snprintf(want, sizeof want, "saved %s", path);
    ck_assert_str_eq(screen_ctx(scr)->message, want);
    ck_assert_int_eq(screen_ctx(scr)->modified, 0);
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0444);
    ck_assert_int_eq(chmod(path, 0644), 0);
    /* Saved again by backstep: its own write is no change on disk. */
    ck_assert(engine_seek(eng, "update.2"));
    key('e');
    keys_typed("1.25\n");
    key('w');
    key(KEYS_K_ENTER);
    ck_assert_str_eq(screen_ctx(scr)->message, want);
    /* Changed by someone else since: asked. */
    FILE *fp = fopen(path, "a");
    ck_assert_ptr_nonnull(fp);
    fputs("# a comment from elsewhere\n", fp);
    fclose(fp);
    ck_assert(engine_seek(eng, "update.2"));
    key('e');
    keys_typed("1.75\n");
    key('w');
    key(KEYS_K_ENTER);
    snprintf(want, sizeof want, " %s changed on disk since backstep read it: replace it? (y/n)",
             path);
    ck_assert_str_eq(row_at(200, 30, 29), want);
    key('n');
    snprintf(want, sizeof want, "not saved: %s is left as it was", path);
    ck_assert_str_eq(screen_ctx(scr)->message, want);
    slurp(path, after, sizeof after);
    ck_assert_ptr_nonnull(strstr(after, "# a comment from elsewhere"));
    /* Through the link: the link stays, its target gets the text. */
    key('w');
    key(KEYS_CTRL_U);
    keys_typed(link_);
    key(KEYS_K_ENTER);
    key('y'); /* the target changed on disk: replace it */
    snprintf(want, sizeof want, "saved %s through its link, to %s", link_, path);
    ck_assert_str_eq(screen_ctx(scr)->message, want);
    ck_assert_int_eq(lstat(link_, &st), 0);
    ck_assert(S_ISLNK(st.st_mode));
    lesson back;
    ck_assert_int_eq(lesson_load_file(path, &back, &err), 0);
    ck_assert_double_eq(back.net.weights[1][0], 1.75);
    lesson_free(&back);
    screen_free(scr);
    lesson_free(&mine);

    /* A newline in the name: offered as ^J, saved under the name itself. */
    ck_assert_int_eq(lesson_load_file(odd, &mine, &err), 0);
    scr = screen_new(&mine, &opt);
    eng = screen_engine(scr);
    ck_assert(engine_seek(eng, "update.2"));
    key('e');
    keys_typed("2.5\n");
    key('w');
    snprintf(want, sizeof want, " save as: %s/a^Jb.yaml", dir);
    ck_assert_str_eq(row_at(200, 30, 29), want);
    key(KEYS_K_ENTER);
    ck_assert_int_eq(screen_ctx(scr)->modified, 0);
    ck_assert_int_eq(lesson_load_file(odd, &back, &err), 0);
    ck_assert_double_eq(back.net.weights[1][0], 2.5);
    lesson_free(&back);
    snprintf(cmd, sizeof cmd, "%s/a^Jb.yaml", dir);
    ck_assert_int_ne(access(cmd, F_OK), 0);
    screen_free(scr);
    lesson_free(&mine);
    scr = NULL;
    lesson_free(&les);
    ck_assert_int_eq(lesson_load_default(&les, &err), 0);
    scr = screen_new(&les, &opt);
    snprintf(cmd, sizeof cmd, "rm -r '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}
END_TEST

/* Lesson 11 trained until its values overflow: the gradient check's rows
 * carry the engine's verdict, non-finite, and a relative error of nan,
 * and so does the header's worst error. */
START_TEST(gradient_check_says_nan)
{
    lesson big;
    lesson_error err;
    ck_assert_int_eq(lesson_load_file("lessons/11-learning-rate.yaml", &big, &err), 0);
    screen_options opt = {0, 0, -1};
    screen *s2 = screen_new(&big, &opt);
    ck_assert_ptr_nonnull(s2);
    ck_assert_int_ge(engine_train(screen_engine(s2), 200, NULL), 0);
    screen_key(s2, 'v');
    while (screen_timeout(s2) == 0)
        screen_tick(s2);
    screen_layout(s2, frame_, 100, 30);
    ck_assert_int_ge(frame_find(frame_, "worst relative error nan", NULL), 0);
    int row = -1;
    ck_assert_int_ge(frame_find(frame_, "non-finite", &row), 0);
    char line[2048];
    frame_row_text(frame_, row, line, sizeof line);
    ck_assert_msg(strstr(line, " nan "), "%s", line);
    ck_assert_int_lt(frame_find(frame_, "good", NULL), 0);
    screen_free(s2);
    lesson_free(&big);
}
END_TEST

/* The shape checker on the screen: a bare δ means the layer of the step
 * in view; the question's formula derives past 80×24 and scrolls, with
 * marks saying how much more there is, its paragraphs wrapped, not cut. */
START_TEST(shape_checker_scrolls_and_wraps)
{
    ck_assert(engine_seek(eng, "backward.1.activation"));
    key(':');
    keys_typed("d\n");
    ck_assert(on_screen("→ 3"));
    key(KEYS_K_ESC);
    ck_assert(engine_seek(eng, "backward.2.activation"));
    key(':');
    keys_typed("d\n");
    ck_assert(on_screen("→ 2"));
    key(KEYS_CTRL_U);
    keys_typed("W_jk * g'(W_ij * x) * x * err\n");
    ck_assert(on_screen("more below"));
    ck_assert(!on_screen("more above"));
    ck_assert(on_screen("↑↓ scroll"));
    int seen_verdict = 0;
    for (int i = 0; i < 40; i++) {
        screen_layout(scr, frame_, 80, 24);
        for (int r = 8; r < 23; r++) {
            char line[1024];
            frame_row_text(frame_, r, line, sizeof line);
            ck_assert_msg(text_width(line) <= 78, "row %d runs to the edge: %s", r, line);
            seen_verdict |= strstr(line, "→ 2×1 as read above") != NULL;
        }
        key(KEYS_K_DOWN);
    }
    ck_assert(seen_verdict);
    ck_assert(on_screen("more above"));
    ck_assert(!on_screen("more below"));
    key(KEYS_K_PGUP);
    key(KEYS_K_PGUP);
    key(KEYS_K_PGUP);
    ck_assert(!on_screen("more above"));
}
END_TEST

Suite *prompt_suite(void)
{
    Suite *s = suite_create("prompt");
    TCase *tc = tcase_create("edit");
    tcase_add_test(tc, typing_and_enter);
    tcase_add_test(tc, long_caption_kept_whole);
    tcase_add_test(tc, escape_gives_up);
    tcase_add_test(tc, multibyte_insert_and_delete);
    tcase_add_test(tc, home_end_and_insert_in_middle);
    tcase_add_test(tc, ctrl_u_empties);
    tcase_add_test(tc, max_length_and_controls);
    tcase_add_test(tc, full_line_of_four_byte_characters);
    tcase_add_test(tc, initial_text_is_text);
    tcase_add_test(tc, offered_text_is_selected);
    tcase_add_test(tc, retry_selects_again);
    suite_add_tcase(s, tc);
    TCase *sc = tcase_create("screen");
    tcase_add_checked_fixture(sc, screen_setup, screen_teardown);
    tcase_add_test(sc, quiz_wrong_then_right);
    tcase_add_test(sc, quiz_summary_at_end_of_pass);
    tcase_add_test(sc, shape_checker_question_formula);
    tcase_add_test(sc, expressions_of_lesson_02);
    tcase_add_test(sc, browser_lists_every_bundled_lesson);
    suite_add_tcase(s, sc);
    TCase *wc = tcase_create("work");
    tcase_add_checked_fixture(wc, screen_setup, screen_teardown);
    tcase_set_timeout(wc, 30);
    tcase_add_test(wc, edit_replaces_and_retries);
    tcase_add_test(wc, undo_redo_on_screen);
    tcase_add_test(wc, reset_open_quit_ask);
    tcase_add_test(wc, esc_in_every_mode);
    tcase_add_test(wc, esc_stops_work);
    tcase_add_test(wc, too_small_blocks_keys);
    tcase_add_test(wc, presenter_keys);
    tcase_add_test(wc, quiz_hides_the_same_numbers);
    tcase_add_test(wc, save_asks_and_reports);
    tcase_add_test(wc, gradient_check_says_nan);
    tcase_add_test(wc, shape_checker_scrolls_and_wraps);
    suite_add_tcase(s, wc);
    return s;
}

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
    ck_assert(on_screen("quiz 0/0  epoch 1"));
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
    suite_add_tcase(s, tc);
    TCase *sc = tcase_create("screen");
    tcase_add_checked_fixture(sc, screen_setup, screen_teardown);
    tcase_add_test(sc, quiz_wrong_then_right);
    tcase_add_test(sc, quiz_summary_at_end_of_pass);
    tcase_add_test(sc, shape_checker_question_formula);
    tcase_add_test(sc, expressions_of_lesson_02);
    tcase_add_test(sc, browser_lists_every_bundled_lesson);
    suite_add_tcase(s, sc);
    return s;
}

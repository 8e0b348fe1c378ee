/* check_prompt.c - the one-line text input: typing, moving, deleting over
 * multi-byte characters, the length limit, Enter and Esc, the cursor cell. */
#include <check.h>
#include <string.h>
#include <unistd.h>

#include <stdio.h>

#include "catalog.h"
#include "engine.h"
#include "keys.h"
#include "lesson.h"
#include "prompt.h"
#include "view.h"

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

/* ---- the tools on the screen: quiz, shape checker, expressions, browser ---- */

static lesson les;
static engine *eng;
static view_frame *frame;
static view_state st;

static void screen_setup(void)
{
    lesson_error err;
    ck_assert_int_eq(lesson_load_default(&les, &err), 0);
    eng = engine_new(&les.net, les.net.convention);
    frame = view_frame_new();
    ck_assert_ptr_nonnull(eng);
    ck_assert_ptr_nonnull(frame);
    view_state_init(&st, 0);
    view_learn_attach(&st, &les);
}

static void screen_teardown(void)
{
    view_learn_free(&st);
    view_frame_free(frame);
    engine_free(eng);
    lesson_free(&les);
}

static int on_screen(const char *text)
{
    view_layout(frame, 80, 24, eng, &les, &st);
    return view_find(frame, text, NULL) >= 0;
}

/* Types an answer into the open prompt and presses Enter. */
static void answer(const char *text)
{
    for (const char *p = text; *p; p++)
        view_learn_key(&st, eng, (unsigned char)*p);
    view_learn_key(&st, eng, '\r');
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
    view_apply(&st, eng, KEYS_QUIZ);
    ck_assert(view_learn_grab(&st));
    ck_assert(view_quiz_hiding(&st, eng));
    const engine_step *s = engine_current(eng);
    ck_assert(on_screen("quiz 0/0  epoch 1"));
    ck_assert(on_screen("What shape is this step's result?"));
    /* The result's numbers and shape stay hidden. */
    char num[40];
    snprintf(num, sizeof num, "%.4f", s->result.v[0]);
    ck_assert(!on_screen(num));
    ck_assert(on_screen("[ ? ]"));
    char wrong[32], right[32];
    snprintf(wrong, sizeof wrong, "%dx%d", s->result.cols, s->result.rows + 1);
    snprintf(right, sizeof right, "(%d, %d)", s->result.rows, s->result.cols);
    answer(wrong);
    ck_assert_int_eq(st.learn.quiz.tries, 1);
    ck_assert(on_screen("Hint"));
    ck_assert(on_screen("quiz 0/0"));
    answer(right); /* right at the second try: not scored */
    ck_assert(on_screen("quiz 0/1"));
    ck_assert(on_screen("What is the value of this element of the result?"));
    snprintf(num, sizeof num, "%.6f", s->result.v[st.learn.quiz.focus]);
    answer(num);
    ck_assert(on_screen("quiz 1/2"));
    ck_assert(!view_quiz_hiding(&st, eng));
    ck_assert(!view_learn_grab(&st));
    snprintf(num, sizeof num, "%.4f", s->result.v[0]);
    ck_assert_msg(on_screen(num), "revealed result shows %s", num);
}
END_TEST

START_TEST(quiz_summary_at_end_of_pass)
{
    engine_goto(eng, engine_step_count(eng) - 1);
    view_apply(&st, eng, KEYS_QUIZ);
    answer("17x19");
    ck_assert_int_eq(st.learn.quiz.tries, 1);
    answer("nonsense"); /* unreadable: no try used */
    ck_assert_int_eq(st.learn.quiz.tries, 1);
    answer("17x19");
    ck_assert_int_eq(st.learn.quiz.stage, QUIZ_ASK_VALUE);
    while (st.learn.quiz.stage != QUIZ_FINISHED)
        answer("12345");
    ck_assert(on_screen("Score: "));
    ck_assert(on_screen("Missed:"));
}
END_TEST

START_TEST(shape_checker_question_formula)
{
    view_apply(&st, eng, KEYS_SHAPE);
    ck_assert(view_learn_grab(&st));
    ck_assert(on_screen("Shape checker"));
    answer("W_jk * g'(W_ij * x) * x * err");
    ck_assert(on_screen("does not fit: (2×3)·(2×1): 3 ≠ 2"));
    ck_assert(on_screen("read as W_jkᵀ * g'(W_ijᵀ * x)"));
    ck_assert(frame->cursor_row >= 0);
    /* The expression stays for editing: Ctrl-U, then the right gradient. */
    view_learn_key(&st, eng, 21);
    answer("x * (W_jk * err .* g'(W_ij' * x))'");
    ck_assert(on_screen("→ 2×3"));
    view_learn_key(&st, eng, KEYS_K_ESC);
    ck_assert(!view_learn_grab(&st));
    ck_assert(on_screen("Step forward.1.sum"));
}
END_TEST

START_TEST(expressions_of_lesson_02)
{
    lesson two;
    lesson_error err;
    ck_assert_int_eq(lesson_load_file("lessons/02-two-by-one.yaml", &two, &err), 0);
    engine *e2 = engine_new(&two.net, two.net.convention);
    ck_assert_ptr_nonnull(e2);
    view_learn_attach(&st, &two);
    view_layout(frame, 80, 24, e2, &two, &st);
    ck_assert_int_ge(view_find(frame, "Shapes 1/", NULL), 0);
    ck_assert_int_ge(view_find(frame, "The question's formula: it breaks at W_ij * x", NULL), 0);
    ck_assert_int_ge(view_find(frame, "3 ≠ 2", NULL), 0);
    view_apply(&st, e2, KEYS_NEXT);
    view_layout(frame, 80, 24, e2, &two, &st);
    ck_assert_int_ge(view_find(frame, "Shapes 2/", NULL), 0);
    ck_assert_int_ge(view_find(frame, "W_ijᵀ * x  3", NULL), 0);
    ck_assert_int_eq(engine_step_index(e2), 0);
    /* Tab leaves for the pass; ← from its first step comes back. */
    view_apply(&st, e2, KEYS_PHASE_NEXT);
    view_layout(frame, 80, 24, e2, &two, &st);
    ck_assert_int_ge(view_find(frame, "Step forward.1.sum", NULL), 0);
    view_apply(&st, e2, KEYS_PREV);
    ck_assert_int_eq(st.learn.expr, two.n_expressions);
    view_learn_attach(&st, &les);
    engine_free(e2);
    lesson_free(&two);
}
END_TEST

START_TEST(browser_lists_every_bundled_lesson)
{
    /* The current folder is one of the places lessons are found. */
    ck_assert_int_eq(chdir("lessons"), 0);
    view_apply(&st, eng, KEYS_BROWSE);
    ck_assert_int_eq(chdir(".."), 0);
    ck_assert_int_eq(st.learn.tool, VIEW_LEARN_BROWSE);
    ck_assert_int_ge(st.learn.cat.n, 11);
    view_layout(frame, 80, 24, eng, &les, &st);
    ck_assert_int_ge(view_find(frame, "Open a lesson", NULL), 0);
    static const char *names[] = {"question", "two-by-one", "xor"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        ck_assert_msg(view_find(frame, names[i], NULL) >= 0, "lists %s", names[i]);
    for (int i = 0; i < 11; i++) {
        char title[256];
        snprintf(title, sizeof title, "%s", st.learn.cat.entries[i].title ? st.learn.cat.entries[i].title : "");
        title[40] = '\0';
        ck_assert_msg(view_find(frame, title, NULL) >= 0, "title of %s", st.learn.cat.entries[i].name);
    }
    view_learn_key(&st, eng, KEYS_K_DOWN);
    ck_assert_int_eq(st.learn.browse_sel, 1);
    ck_assert_int_eq(view_learn_key(&st, eng, '\r'), VIEW_LEARN_OPEN);
    ck_assert_str_eq(st.learn.open_path, st.learn.cat.entries[1].path);
    view_browse_failed(&st, "x.yaml:3:7: unknown key 'wieghts', expected one of ...");
    view_layout(frame, 80, 24, eng, &les, &st);
    ck_assert_int_ge(view_find(frame, "x.yaml:3:7: unknown key", NULL), 0);
    view_learn_key(&st, eng, KEYS_K_ESC);
    ck_assert_int_eq(st.learn.tool, VIEW_LEARN_NONE);
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

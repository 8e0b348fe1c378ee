/* check_prompt.c - the one-line text input: typing, moving, deleting over
 * multi-byte characters, the length limit, Enter and Esc, the cursor cell. */
#include <check.h>
#include <string.h>

#include "keys.h"
#include "prompt.h"

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

Suite *prompt_suite(void)
{
    Suite *s = suite_create("prompt");
    TCase *tc = tcase_create("edit");
    tcase_add_test(tc, typing_and_enter);
    tcase_add_test(tc, escape_gives_up);
    tcase_add_test(tc, multibyte_insert_and_delete);
    tcase_add_test(tc, home_end_and_insert_in_middle);
    tcase_add_test(tc, ctrl_u_empties);
    tcase_add_test(tc, max_length_and_controls);
    tcase_add_test(tc, full_line_of_four_byte_characters);
    suite_add_tcase(s, tc);
    return s;
}

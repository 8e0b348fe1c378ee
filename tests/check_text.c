/* check_text.c - sanitising, ASCII folding, widths and aligned numbers. */
#include <check.h>
#include <math.h>
#include <string.h>

#include "text.h"

/* Sanitises in and compares with want. */
static void sanitized_is(const char *in, const char *want)
{
    char out[256];
    size_t n = text_sanitize(in, out, sizeof out);
    ck_assert_str_eq(out, want);
    ck_assert_uint_eq(n, strlen(want));
}

/* No byte in s is a C0 control other than '\n', DEL, or a C1 encoding. */
static void no_controls(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        ck_assert_msg(*p == '\n' || (*p >= 0x20 && *p != 0x7F), "control byte 0x%02x", *p);
        if (*p == 0xC2)
            ck_assert_msg(p[1] >= 0xA0, "C1 control encoded as C2 %02x", p[1]);
    }
}

START_TEST(sanitize_escape)
{
    sanitized_is("a\x1b[2Jb", "a^[[2Jb");
    sanitized_is("\x1b]0;title\x07", "^[]0;title^G");
    sanitized_is("tab\there", "tab^Ihere");
    sanitized_is("line\nnext\r", "line\nnext^M");
    sanitized_is("del\x7f", "del^?");
}
END_TEST

START_TEST(sanitize_c1)
{
    /* U+009B is the one-byte CSI; U+009D the one-byte OSC. */
    sanitized_is("x\xc2\x9b" "31m", "x<U+009B>31m");
    sanitized_is("\xc2\x9d" "0;t\xc2\x9c", "<U+009D>0;t<U+009C>");
    sanitized_is("\xc2\x80", "<U+0080>");
    /* A raw C1 byte is not valid UTF-8 at all. */
    sanitized_is("a\x9b" "b", "a\xef\xbf\xbd" "b");
}
END_TEST

START_TEST(sanitize_invalid_utf8)
{
    /* Overlong '/' and overlong ESC. */
    sanitized_is("\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd");
    sanitized_is("\xe0\x80\x9b", "\xef\xbf\xbd");
    /* UTF-16 surrogate U+D800 written as UTF-8. */
    sanitized_is("\xed\xa0\x80", "\xef\xbf\xbd");
    /* Past U+10FFFF. */
    sanitized_is("\xf4\x90\x80\x80", "\xef\xbf\xbd");
    sanitized_is("\xf5\x80", "\xef\xbf\xbd\xef\xbf\xbd");
    /* Truncated: lead byte then ASCII, lead byte at the end. */
    sanitized_is("\xce" "a", "\xef\xbf\xbd" "a");
    sanitized_is("ok\xe2\x88", "ok\xef\xbf\xbd");
    /* Valid symbols pass untouched. */
    sanitized_is("δ_k ⊙ g′(z) → 3×2 ᵀ", "δ_k ⊙ g′(z) → 3×2 ᵀ");
}
END_TEST

START_TEST(sanitize_truncates_at_size)
{
    char out[8];
    /* "^[" does not fit after 6 bytes: it is dropped whole. */
    size_t n = text_sanitize("abcdef\x1b", out, sizeof out);
    ck_assert_str_eq(out, "abcdef");
    ck_assert_uint_eq(n, 6);
    /* δ (2 bytes) is never split. */
    n = text_sanitize("abcdefδ", out, sizeof out);
    ck_assert_str_eq(out, "abcdef");
    n = text_sanitize("abcdeδ", out, sizeof out);
    ck_assert_str_eq(out, "abcdeδ");
    ck_assert_uint_eq(n, 7);
    n = text_sanitize("abc", out, 1);
    ck_assert_str_eq(out, "");
    ck_assert_uint_eq(n, 0);
    ck_assert_uint_eq(text_sanitize("abc", out, 0), 0);
}
END_TEST

START_TEST(sanitize_every_byte)
{
    /* Every single byte and every byte pair leaves no control behind. */
    char in[3], out[64];
    for (int a = 1; a < 256; a++) {
        in[0] = (char)a;
        in[1] = 0;
        text_sanitize(in, out, sizeof out);
        no_controls(out);
        for (int b = 1; b < 256; b++) {
            in[1] = (char)b;
            in[2] = 0;
            text_sanitize(in, out, sizeof out);
            no_controls(out);
        }
    }
}
END_TEST

/* Folds in to ASCII and compares with want. */
static void ascii_is(const char *in, const char *want)
{
    char out[256];
    size_t n = text_ascii(in, out, sizeof out);
    ck_assert_str_eq(out, want);
    ck_assert_uint_eq(n, strlen(want));
}

START_TEST(ascii_folding)
{
    ascii_is("δ_k = ∂E/∂y ⊙ g′(z_k)", "d_k = dE/dy (.) g'(z_k)");
    ascii_is("ΔW = −η·G", "DW = -eta*G");
    ascii_is("(3×2)·(2) → (3)", "(3x2)*(2) -> (3)");
    ascii_is("W_ijᵀ", "W_ijT");
    ascii_is("σ(z) Σ ½ x² ≤ 1…", "sigma(z) sum 1/2 x^2 <= 1...");
    ascii_is("h¹ h² h³ h⁴ w5⁺ Ḡ", "h^1 h^2 h^3 h^4 w5+ Gbar");
    ascii_is("日本 ☃", "?? ?");
    ascii_is("bad\xff", "bad?");
    char out[4];
    /* "eta" does not fit in 3 bytes after "a": it is dropped whole. */
    text_ascii("aη", out, sizeof out);
    ck_assert_str_eq(out, "a");
}
END_TEST

START_TEST(widths)
{
    ck_assert_int_eq(text_width(""), 0);
    ck_assert_int_eq(text_width("W_jk"), 4);
    ck_assert_int_eq(text_width("δ_k ⊙ g′"), 8);
    ck_assert_int_eq(text_width("3×2 → ᵀ"), 7);
    ck_assert_int_eq(text_width("日本"), 4);
    ck_assert_int_eq(text_width("e\xcc\x81"), 1); /* e + combining acute */
    ck_assert_int_eq(text_width("G\xcc\x84"), 1);
    ck_assert_int_eq(text_width("\xef\xbc\xa1"), 2); /* fullwidth A */
    ck_assert_int_eq(text_width("\xf0\x9f\x98\x80"), 2); /* emoji */
    ck_assert_int_eq(text_width("a\xff" "b"), 3); /* shown as U+FFFD */
    ck_assert_uint_eq(text_fit("日本語", 3), 3); /* one wide char, not half */
    ck_assert_uint_eq(text_fit("日本語", 4), 6);
    ck_assert_uint_eq(text_fit("δδδ", 2), 4);
    ck_assert_uint_eq(text_fit("e\xcc\x81x", 1), 3); /* mark stays with e */
    ck_assert_uint_eq(text_fit("abc", 10), 3);
    ck_assert_uint_eq(text_fit("abc", 0), 0);
}
END_TEST

/* Formats v and compares with want. */
static void number_is(double v, int decimals, const char *want)
{
    char buf[64];
    int n = text_number(v, decimals, buf, sizeof buf);
    ck_assert_str_eq(buf, want);
    ck_assert_int_eq(n, (int)strlen(want));
}

START_TEST(numbers)
{
    number_is(0.5, 4, " 0.5000");
    number_is(-0.5, 4, "-0.5000");
    number_is(-0.0, 4, " 0.0000");
    number_is(0.21713, 4, " 0.2171");
    number_is(-0.12955, 2, "-0.13");
    number_is(3.0, 0, " 3");
    number_is(INFINITY, 4, "inf");
    number_is(-INFINITY, 4, "-inf");
    number_is(NAN, 4, "nan");
    number_is(12345.678, 4, " 12345.6780");   /* 11 columns: fixed */
    number_is(123456.78, 4, " 123456.7800");  /* 12 columns: still fixed */
    number_is(1234567.8, 4, " 1.2346e+06");   /* would be 13: %e */
    number_is(-1e20, 2, "-1.00e+20");
    char small[4];
    ck_assert_int_eq(text_number(-0.5, 4, small, sizeof small), 3);
    ck_assert_str_eq(small, "-0.");
}
END_TEST

Suite *text_suite(void)
{
    Suite *s = suite_create("text");
    TCase *tc = tcase_create("text");
    tcase_add_test(tc, sanitize_escape);
    tcase_add_test(tc, sanitize_c1);
    tcase_add_test(tc, sanitize_invalid_utf8);
    tcase_add_test(tc, sanitize_truncates_at_size);
    tcase_add_test(tc, sanitize_every_byte);
    tcase_add_test(tc, ascii_folding);
    tcase_add_test(tc, widths);
    tcase_add_test(tc, numbers);
    suite_add_tcase(s, tc);
    return s;
}

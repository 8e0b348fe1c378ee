/* check_text.c - making text visible, quoting like ls, the ASCII map,
 * widths from the C library, aligned numbers. */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700 /* wcwidth, for the independent widths below */
#endif
#include <check.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "text.h"
#include "utf8.h"

/* Sanitises in and compares with want. */
static void sanitized_is(const char *in, const char *want)
{
    char out[256];
    size_t n = text_sanitize(in, out, sizeof out);
    ck_assert_str_eq(out, want);
    ck_assert_uint_eq(n, strlen(want));
}

/* Cleans in as one line (no newlines kept) and compares with want. */
static void line_is(const char *in, unsigned flags, const char *want)
{
    char out[256];
    size_t n = text_clean(in, out, sizeof out, flags);
    ck_assert_str_eq(out, want);
    ck_assert_uint_eq(n, strlen(want));
}

/* No byte in s is a C0 control other than '\n', DEL, a C1 encoding or a
 * bidi control encoding. */
static void no_controls(const char *s)
{
    size_t n = strlen(s);
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        int k = utf8_decode(s + i, n - i, &cp);
        ck_assert_msg(k > 0, "invalid UTF-8 at byte %zu", i);
        ck_assert_msg(cp == '\n' || !text_is_control(cp), "control U+%04X", (unsigned)cp);
        i += (size_t)k;
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

/* Bidi controls would reorder the rest of the line on the terminal (a
 * name that reads "gpj.exe" as "exe.jpg"); line separators would break it. */
START_TEST(sanitize_bidi)
{
    sanitized_is("a\u202Eb", "a<U+202E>b");
    sanitized_is("\u202A\u202B\u202C\u202D", "<U+202A><U+202B><U+202C><U+202D>");
    sanitized_is("\u2066x\u2067y\u2068z\u2069", "<U+2066>x<U+2067>y<U+2068>z<U+2069>");
    sanitized_is("\u200E\u200F\u061C", "<U+200E><U+200F><U+061C>");
    sanitized_is("a\u2028b\u2029c", "a<U+2028>b<U+2029>c");
    /* Neighbours of the ranges are ordinary characters. */
    sanitized_is("\u2029\u202F\u2065\u206A", "<U+2029>\u202F\u2065\u206A");
    sanitized_is("\u200D\u2010", "\u200D\u2010");
    for (uint32_t cp = 0; cp < 0x3000; cp++) {
        int want = cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0x61C || cp == 0x200E ||
                   cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) ||
                   (cp >= 0x2066 && cp <= 0x2069) || cp == 0x2028 || cp == 0x2029;
        ck_assert_msg(text_is_control(cp) == want, "U+%04X", (unsigned)cp);
    }
}
END_TEST

START_TEST(clean_one_line)
{
    line_is("a\nb", 0, "a^Jb");
    line_is("a\nb", TEXT_NEWLINES, "a\nb");
    line_is("δ × 2×3\u202E\n", TEXT_ASCII, "d * 2x3<U+202E>^J");
    line_is("\xff", TEXT_ASCII, "?");
    char out[6];
    /* "<U+202E>" does not fit whole: dropped whole. */
    ck_assert_uint_eq(text_clean("ab\u202E", out, sizeof out, 0), 2);
    ck_assert_str_eq(out, "ab");
}
END_TEST

START_TEST(sanitize_invalid_utf8)
{
    /* Overlong '/': C0 is never a lead byte, and 80..BF never start. */
    sanitized_is("\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd");
    /* Overlong ESC: E0 needs A0..BF next, so each byte is a maximal
     * invalid part of its own (as Unicode recommends). */
    sanitized_is("\xe0\x80\x9b", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
    /* UTF-16 surrogate U+D800 written as UTF-8. */
    sanitized_is("\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
    /* Past U+10FFFF. */
    sanitized_is("\xf4\x90\x80\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
    sanitized_is("\xf5\x80", "\xef\xbf\xbd\xef\xbf\xbd");
    /* Truncated: lead byte then ASCII, lead byte at the end. */
    sanitized_is("\xce" "a", "\xef\xbf\xbd" "a");
    sanitized_is("ok\xe2\x88", "ok\xef\xbf\xbd\xef\xbf\xbd");
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
    /* And every code point, encoded. */
    for (uint32_t cp = 1; cp <= 0x10FFFF; cp++) {
        char enc[5];
        int k = utf8_encode(cp, enc);
        if (k == 0)
            continue;
        enc[k] = '\0';
        text_sanitize(enc, out, sizeof out);
        for (const char *p = out; *p; p++)
            if ((unsigned char)*p < 0x20 && *p != '\n')
                ck_abort_msg("U+%04X left a control byte", (unsigned)cp);
        if (text_is_control(cp) && cp != '\n' && strncmp(out, enc, (size_t)k) == 0)
            ck_abort_msg("U+%04X passed raw", (unsigned)cp);
    }
}
END_TEST

/* Quotes in as a path and compares with want. */
static void path_is(const char *in, int ascii, const char *want)
{
    char out[512];
    size_t n = text_quote_path(in, out, sizeof out, ascii);
    ck_assert_str_eq(out, want);
    ck_assert_uint_eq(n, strlen(want));
}

START_TEST(quote_like_ls)
{
    /* Names that show as they are stay as they are. */
    path_is("lessons/06-xor.yaml", 0, "lessons/06-xor.yaml");
    path_is("my lesson's copy.yaml", 0, "my lesson's copy.yaml");
    path_is("δ-rule.yaml", 0, "δ-rule.yaml");
    /* What `ls` prints for the same names (GNU ls, shell-escape style). */
    path_is("b\x1b]0;pwned\a.yaml", 0, "'b'$'\\033'']0;pwned'$'\\a''.yaml'");
    path_is("a\nb.yaml", 0, "'a'$'\\n''b.yaml'");
    path_is("\x15x", 0, "$'\\025''x'");
    path_is("tab\t", 0, "'tab'$'\\t'");
    path_is("it's\x01", 0, "'it'\\''s'$'\\001'");
    path_is("bad\xff.yaml", 0, "'bad'$'\\377''.yaml'");
    path_is("", 0, "''");
    /* Bidi controls and C1 as the \u escapes bash reads back. */
    path_is("evil\u202Elmth.yaml", 0, "'evil'$'\\u202E''lmth.yaml'");
    path_is("x\xc2\x9b", 0, "'x'$'\\u009B'");
    /* An ASCII terminal gets every other byte in octal, as ls does in C. */
    path_is("café.yaml", 1, "'caf'$'\\303\\251''.yaml'");
    path_is("evil\u202E", 1, "'evil'$'\\342\\200\\256'");
    path_is("plain.yaml", 1, "plain.yaml");
    /* Arguments are always quoted, for "found 'xml'". */
    char out[64];
    text_quote_arg("xml", out, sizeof out, 0);
    ck_assert_str_eq(out, "'xml'");
    text_quote_arg("it's", out, sizeof out, 0);
    ck_assert_str_eq(out, "'it'\\''s'");
    text_quote_arg("", out, sizeof out, 0);
    ck_assert_str_eq(out, "''");
    text_quote_arg("\x1b[2J", out, sizeof out, 0);
    ck_assert_str_eq(out, "$'\\033''[2J'");
}
END_TEST

/* A long name loses its middle, on character boundaries, never its end. */
START_TEST(quote_shortens_middle)
{
    char name[600], out[64];
    memset(name, 'a', 300);
    strcpy(name + 300, "/ααααααααααααααααααααααααααααααααααααααα/lesson.yaml");
    size_t n = text_quote_path(name, out, sizeof out, 0);
    ck_assert_uint_le(n, sizeof out - 1);
    ck_assert_uint_eq(n, strlen(out));
    ck_assert_ptr_nonnull(strstr(out, "…"));
    ck_assert_str_eq(out + n - strlen("lesson.yaml"), "lesson.yaml");
    ck_assert_int_eq(strncmp(out, "aaaa", 4), 0);
    uint32_t cp;
    for (size_t i = 0; i < n;) {
        int k = utf8_decode(out + i, n - i, &cp);
        ck_assert_msg(k > 0, "cut inside a character at byte %zu: %s", i, out);
        i += (size_t)k;
    }
    n = text_quote_path(name, out, sizeof out, 1);
    ck_assert_ptr_nonnull(strstr(out, "..."));
    for (size_t i = 0; i < n; i++)
        ck_assert_uint_lt((unsigned char)out[i], 0x80);
    /* text_shorten on its own: whole when it fits. */
    char s[32];
    ck_assert_uint_eq(text_shorten("short", s, sizeof s, 10, 0), 5);
    ck_assert_str_eq(s, "short");
    ck_assert_uint_eq(text_shorten("0123456789abcdef", s, sizeof s, 10, 1), 10);
    ck_assert_str_eq(s, "01...bcdef");
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
    /* × is a product (*), except between digits, where it is a shape. */
    ascii_is("(3×2)·(2) → (3)", "(3x2)*(2) -> (3)");
    ascii_is("row j × h_j", "row j * h_j");
    ascii_is("1.0000 × (−0.1267)", "1.0000 * (-0.1267)");
    ascii_is("1.0000×0.2378×(0.7000×(−0.6012)", "1.0000*0.2378*(0.7000*(-0.6012)");
    ascii_is("2×0.5 0.5×2 (2×3)", "2*0.5 0.5*2 (2x3)");
    ascii_is("W × x", "W * x");
    ascii_is("2×x 2× ×3", "2*x 2* *3");
    ascii_is("W_ijᵀ", "W_ij^T");
    ascii_is("a ⊗ b ⋅ c ∘ d", "a (x) b * c (.) d");
    ascii_is("σ(z) Σ ½ x² ≤ 1…", "sigma(z) sum 1/2 x^2 <= 1...");
    ascii_is("h¹ h² h³ h⁴ w5⁺ Ḡ", "h^1 h^2 h^3 h^4 w5+ Gbar");
    ascii_is("日本 ☃", "?? ?");
    /* the screen's own marks, one map for all of them */
    ascii_is("↑↓ element  ↓ j  ↑ k", "Up/Down element  Down j  Up k");
    ascii_is("▸ G ▶ 2s ◀─ ⋮ +2", "> G > 2s <- : +2");
    ascii_is("bad\xff", "bad?");
    char out[4];
    /* "eta" does not fit in 3 bytes after "a": it is dropped whole. */
    text_ascii("aη", out, sizeof out);
    ck_assert_str_eq(out, "a");
}
END_TEST

/* Widths as the terminal's C library gives them: UTF-8 locale or not. */
START_TEST(widths)
{
    char was[64];
    snprintf(was, sizeof was, "%s", setlocale(LC_CTYPE, NULL));
    ck_assert_ptr_nonnull(setlocale(LC_CTYPE, "C.UTF-8"));
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
    /* The ranges where backstep's own table once disagreed with the C
     * library: the Yijing hexagrams are wide (East Asian Width W since
     * Unicode 15), the thermometer U+1F321 is not. */
    for (uint32_t cp = 0x4DC0; cp <= 0x4DFF; cp++)
        ck_assert_msg(text_char_width(cp) == 2, "U+%04X", (unsigned)cp);
    ck_assert_int_eq(text_char_width(0x1F321), 1);
    ck_assert_int_eq(text_char_width(0x1F300), 2);
    ck_assert_int_eq(text_char_width(0x3000), 2);
    ck_assert_int_eq(text_char_width(0x1160), 0);   /* Hangul medial vowel */
    ck_assert_int_eq(text_char_width(0x200B), 0);
    ck_assert_int_eq(text_char_width(0x0378), 1);   /* unassigned: one column */
    ck_assert_int_eq(text_width("䷀䷁ loss 0.3973"), 16);
    ck_assert_uint_eq(text_fit("䷀䷁", 3), 3);
    ck_assert_uint_eq(text_fit("日本語", 3), 3); /* one wide char, not half */
    ck_assert_uint_eq(text_fit("日本語", 4), 6);
    ck_assert_uint_eq(text_fit("δδδ", 2), 4);
    ck_assert_uint_eq(text_fit("e\xcc\x81x", 1), 3); /* mark stays with e */
    ck_assert_uint_eq(text_fit("abc", 10), 3);
    ck_assert_uint_eq(text_fit("abc", 0), 0);
    /* Every printable code point agrees with wcwidth in C.UTF-8 ... */
    static signed char utf8_w[0x110000];
    for (uint32_t cp = 0xA0; cp <= 0x10FFFF; cp++) {
        if (cp >= 0xD800 && cp <= 0xDFFF)
            continue;
        int lib = wcwidth((wchar_t)cp);
        lib = lib < 0 ? 1 : lib; /* unknown to the library: one column */
        utf8_w[cp] = (signed char)text_char_width(cp);
        if (utf8_w[cp] != lib)
            ck_abort_msg("U+%04X: %d, wcwidth says %d", (unsigned)cp, utf8_w[cp], lib);
    }
    /* ... and a locale that is not UTF-8 gives the very same widths. */
    ck_assert_ptr_nonnull(setlocale(LC_CTYPE, "C"));
    for (uint32_t cp = 0xA0; cp <= 0x10FFFF; cp++) {
        if (cp >= 0xD800 && cp <= 0xDFFF)
            continue;
        if (text_char_width(cp) != utf8_w[cp])
            ck_abort_msg("U+%04X: %d in C, %d in C.UTF-8", (unsigned)cp, text_char_width(cp),
                         utf8_w[cp]);
    }
    ck_assert_int_eq(text_width("䷀䷁ loss 0.3973"), 16);
    setlocale(LC_CTYPE, was);
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

START_TEST(append_never_splits)
{
    char buf[8] = "abcde";
    text_append(buf, sizeof buf, "%s", "fδ"); /* δ would need bytes 6 and 7 */
    ck_assert_str_eq(buf, "abcdef");
    char two[8] = "";
    text_append(two, sizeof two, "%s", "abcdeδ"); /* fits exactly: 7 bytes */
    ck_assert_str_eq(two, "abcdeδ");
    char three[8] = "";
    text_append(three, sizeof three, "%s", "ab日本"); /* 本 cut after one byte */
    ck_assert_str_eq(three, "ab日");
}
END_TEST

Suite *text_suite(void)
{
    Suite *s = suite_create("text");
    TCase *tc = tcase_create("text");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, sanitize_escape);
    tcase_add_test(tc, sanitize_c1);
    tcase_add_test(tc, sanitize_bidi);
    tcase_add_test(tc, clean_one_line);
    tcase_add_test(tc, sanitize_invalid_utf8);
    tcase_add_test(tc, sanitize_truncates_at_size);
    tcase_add_test(tc, sanitize_every_byte);
    tcase_add_test(tc, quote_like_ls);
    tcase_add_test(tc, quote_shortens_middle);
    tcase_add_test(tc, ascii_folding);
    tcase_add_test(tc, widths);
    tcase_add_test(tc, numbers);
    tcase_add_test(tc, append_never_splits);
    suite_add_tcase(s, tc);
    return s;
}

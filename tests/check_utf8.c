/* check_utf8.c - the one UTF-8 decoder and encoder, against RFC 3629's
 * boundaries and its list of ill-formed sequences. */
#include <check.h>
#include <string.h>

#include "utf8.h"

/* Decodes s whole; returns the length and the code point. */
static int dec(const char *s, uint32_t *cp)
{
    *cp = 0xDEADBEEF;
    return utf8_decode(s, strlen(s), cp);
}

START_TEST(decode_boundaries)
{
    uint32_t cp;
    ck_assert_int_eq(dec("A", &cp), 1);
    ck_assert_uint_eq(cp, 0x41);
    ck_assert_int_eq(dec("\xc2\x80", &cp), 2);
    ck_assert_uint_eq(cp, 0x80);
    ck_assert_int_eq(dec("\xdf\xbf", &cp), 2);
    ck_assert_uint_eq(cp, 0x7FF);
    ck_assert_int_eq(dec("\xe0\xa0\x80", &cp), 3);
    ck_assert_uint_eq(cp, 0x800);
    ck_assert_int_eq(dec("\xe2\x8a\x99", &cp), 3); /* ⊙ */
    ck_assert_uint_eq(cp, 0x2299);
    ck_assert_int_eq(dec("\xef\xbf\xbf", &cp), 3);
    ck_assert_uint_eq(cp, 0xFFFF);
    ck_assert_int_eq(dec("\xf0\x90\x80\x80", &cp), 4);
    ck_assert_uint_eq(cp, 0x10000);
    ck_assert_int_eq(dec("\xf4\x8f\xbf\xbf", &cp), 4);
    ck_assert_uint_eq(cp, 0x10FFFF);
}
END_TEST

START_TEST(decode_ill_formed)
{
    uint32_t cp;
    ck_assert_int_eq(dec("\x80", &cp), 0);             /* lone continuation */
    ck_assert_int_eq(dec("\xc0\xaf", &cp), 0);         /* overlong '/' */
    ck_assert_int_eq(dec("\xc1\xbf", &cp), 0);
    ck_assert_int_eq(dec("\xe0\x80\xaf", &cp), 0);     /* overlong, 3 bytes */
    ck_assert_int_eq(dec("\xf0\x80\x80\xaf", &cp), 0); /* overlong, 4 bytes */
    ck_assert_int_eq(dec("\xed\xa0\x80", &cp), 0);     /* surrogate D800 */
    ck_assert_int_eq(dec("\xf4\x90\x80\x80", &cp), 0); /* past U+10FFFF */
    ck_assert_int_eq(dec("\xf5\x80\x80\x80", &cp), 0);
    ck_assert_int_eq(dec("\xff", &cp), 0);
    ck_assert_int_eq(dec("\xe2\x8a", &cp), 0);         /* cut short by the NUL */
    ck_assert_int_eq(utf8_decode("\xe2\x8a\x99", 2, &cp), 0); /* cut short by n */
    ck_assert_int_eq(utf8_decode("A", 0, &cp), 0);
}
END_TEST

START_TEST(encode_round_trip)
{
    /* Every scalar value encodes and decodes back to itself (counted, then
     * asserted once: a million ck_asserts would be slow). */
    long bad = 0;
    uint32_t first_bad = 0;
    for (uint32_t c = 1; c <= 0x10FFFF; c++) {
        char buf[5] = {0};
        int n = utf8_encode(c, buf), ok;
        if (c >= 0xD800 && c <= 0xDFFF) {
            ok = n == 0;
        } else {
            uint32_t back = 0;
            ok = n == (c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4) &&
                 utf8_decode(buf, (size_t)n, &back) == n && back == c &&
                 !utf8_is_cont((unsigned char)buf[0]);
            for (int k = 1; k < n; k++)
                ok = ok && utf8_is_cont((unsigned char)buf[k]);
        }
        if (!ok && bad++ == 0)
            first_bad = c;
    }
    ck_assert_msg(bad == 0, "%ld code points fail, the first U+%04X", bad, (unsigned)first_bad);
    char buf[5];
    ck_assert_int_eq(utf8_encode(0x110000, buf), 0);
}
END_TEST

Suite *utf8_suite(void)
{
    Suite *s = suite_create("utf8");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, decode_boundaries);
    tcase_add_test(tc, decode_ill_formed);
    tcase_add_test(tc, encode_round_trip);
    suite_add_tcase(s, tc);
    return s;
}

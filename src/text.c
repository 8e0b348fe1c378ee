/* text.c - UTF-8 helpers: safe display of lesson text, ASCII fallback,
 * terminal width from a table of our own (no locale), aligned numbers.
 *
 * Sanitising: C0 controls (except '\n') and DEL become caret forms ("^[",
 * "^A", "^?"); C1 controls U+0080..U+009F become "<U+009B>" style text, so
 * a teacher can see exactly which byte was in the lesson; every invalid
 * UTF-8 sequence (stray continuation, overlong form, surrogate, value past
 * U+10FFFF, sequence cut short) becomes U+FFFD.  No byte that a terminal
 * could read as the start of an escape sequence survives. */
#include "text.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Decodes one UTF-8 character at s.  Returns its length in bytes (at least
 * 1) and stores the code point in *cp, or -1 when the sequence is invalid
 * (then the length is that of the maximal invalid prefix, at least 1). */
static int utf8_decode(const unsigned char *s, long *cp)
{
    unsigned char c = s[0];
    int len;
    long v, min;
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
        v = c & 0x1F;
        min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        v = c & 0x0F;
        min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        v = c & 0x07;
        min = 0x10000;
    } else {
        *cp = -1; /* continuation byte, C0/C1 overlong lead, F5..FF */
        return 1;
    }
    for (int i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) { /* also stops at the NUL */
            *cp = -1;
            return i;
        }
        v = (v << 6) | (s[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
        *cp = -1;
        return len;
    }
    *cp = v;
    return len;
}

/* Appends n bytes to out if they fit whole (leaving room for the NUL). */
static int put(char *out, size_t size, size_t *at, const char *s, size_t n)
{
    if (*at + n + 1 > size)
        return 0;
    memcpy(out + *at, s, n);
    *at += n;
    return 1;
}

size_t text_sanitize(const char *in, char *out, size_t size)
{
    size_t at = 0;
    if (size == 0)
        return 0;
    const unsigned char *s = (const unsigned char *)(in ? in : "");
    while (*s) {
        long cp;
        int n = utf8_decode(s, &cp);
        char tmp[16];
        int ok;
        if (cp < 0) {
            ok = put(out, size, &at, "\xEF\xBF\xBD", 3);
        } else if (cp == '\n' || (cp >= 0x20 && cp < 0x7F)) {
            ok = put(out, size, &at, (const char *)s, 1);
        } else if (cp < 0x20) {
            tmp[0] = '^';
            tmp[1] = (char)(cp + 0x40);
            ok = put(out, size, &at, tmp, 2);
        } else if (cp == 0x7F) {
            ok = put(out, size, &at, "^?", 2);
        } else if (cp >= 0x80 && cp <= 0x9F) {
            snprintf(tmp, sizeof tmp, "<U+%04lX>", (unsigned long)cp);
            ok = put(out, size, &at, tmp, strlen(tmp));
        } else {
            ok = put(out, size, &at, (const char *)s, (size_t)n);
        }
        if (!ok)
            break;
        s += n;
    }
    out[at] = '\0';
    return at;
}

/* ASCII spellings of the symbols backstep and its lessons use. */
static const struct {
    long cp;
    const char *ascii;
} ascii_map[] = {
    {0x00B2, "^2"},  {0x00B3, "^3"},  {0x00B7, "*"},    {0x00B9, "^1"},
    {0x00BD, "1/2"}, {0x00D7, "x"},   {0x0394, "D"},    {0x03A3, "sum"},
    {0x03B4, "d"},   {0x03B7, "eta"}, {0x03C3, "sigma"}, {0x1D40, "T"},
    {0x1E20, "Gbar"}, {0x2032, "'"},  {0x2026, "..."},  {0x2070, "^0"},
    {0x2074, "^4"},  {0x2075, "^5"},  {0x2076, "^6"},   {0x2077, "^7"},
    {0x2078, "^8"},  {0x2079, "^9"},  {0x207A, "+"},    {0x207B, "-"},
    {0x2192, "->"},  {0x2202, "d"},   {0x2211, "sum"},  {0x2212, "-"},
    {0x2264, "<="},  {0x2265, ">="},  {0x2299, "(.)"},  {0x2013, "-"},
    {0x2014, "--"},  {0x2018, "'"},   {0x2019, "'"},    {0x201C, "\""},
    {0x201D, "\""},  {0x00A0, " "},   {0x2190, "<-"},   {0x2500, "-"},
    {0x2502, "|"},   {0x2248, "~"},   {0x2260, "!="},   {0x2207, "grad "},
};

size_t text_ascii(const char *in, char *out, size_t size)
{
    size_t at = 0;
    if (size == 0)
        return 0;
    const unsigned char *s = (const unsigned char *)(in ? in : "");
    while (*s) {
        long cp;
        int n = utf8_decode(s, &cp);
        const char *rep = "?";
        char one[2] = {0, 0};
        if (cp >= 0 && cp < 0x80) {
            one[0] = (char)cp;
            rep = one;
        } else if (cp == 0x0304 || cp == 0x0305) {
            rep = "bar"; /* combining macron/overline: G + U+0304 = Gbar */
        } else if (cp > 0) {
            for (size_t i = 0; i < sizeof ascii_map / sizeof ascii_map[0]; i++)
                if (ascii_map[i].cp == cp) {
                    rep = ascii_map[i].ascii;
                    break;
                }
        }
        if (!put(out, size, &at, rep, strlen(rep)))
            break;
        s += n;
    }
    out[at] = '\0';
    return at;
}

/* Code point ranges, inclusive, sorted. */
typedef struct {
    long lo, hi;
} range;

/* Characters that take no column: combining marks, zero-width spaces and
 * joiners, variation selectors. */
static const range zero_width[] = {
    {0x0300, 0x036F}, {0x0483, 0x0489}, {0x0591, 0x05BD}, {0x05BF, 0x05BF},
    {0x05C1, 0x05C2}, {0x05C4, 0x05C5}, {0x05C7, 0x05C7}, {0x0610, 0x061A},
    {0x064B, 0x065F}, {0x0670, 0x0670}, {0x06D6, 0x06DC}, {0x06DF, 0x06E4},
    {0x06E7, 0x06E8}, {0x06EA, 0x06ED}, {0x0900, 0x0902}, {0x093A, 0x093A},
    {0x093C, 0x093C}, {0x0941, 0x0948}, {0x094D, 0x094D}, {0x0951, 0x0957},
    {0x0E31, 0x0E31}, {0x0E34, 0x0E3A}, {0x0E47, 0x0E4E}, {0x1AB0, 0x1AFF},
    {0x1DC0, 0x1DFF}, {0x200B, 0x200F}, {0x202A, 0x202E}, {0x2060, 0x2064},
    {0x20D0, 0x20FF}, {0xFE00, 0xFE0F}, {0xFE20, 0xFE2F}, {0xFEFF, 0xFEFF},
    {0xE0100, 0xE01EF},
};

/* East Asian wide and fullwidth characters, and emoji, two columns. */
static const range wide[] = {
    {0x1100, 0x115F},   {0x231A, 0x231B},   {0x2329, 0x232A},
    {0x23E9, 0x23EC},   {0x23F0, 0x23F0},   {0x23F3, 0x23F3},
    {0x25FD, 0x25FE},   {0x2614, 0x2615},   {0x2648, 0x2653},
    {0x267F, 0x267F},   {0x2693, 0x2693},   {0x26A1, 0x26A1},
    {0x26AA, 0x26AB},   {0x26BD, 0x26BE},   {0x26C4, 0x26C5},
    {0x26CE, 0x26CE},   {0x26D4, 0x26D4},   {0x26EA, 0x26EA},
    {0x26F2, 0x26F3},   {0x26F5, 0x26F5},   {0x26FA, 0x26FA},
    {0x26FD, 0x26FD},   {0x2705, 0x2705},   {0x270A, 0x270B},
    {0x2728, 0x2728},   {0x274C, 0x274C},   {0x274E, 0x274E},
    {0x2753, 0x2755},   {0x2757, 0x2757},   {0x2795, 0x2797},
    {0x27B0, 0x27B0},   {0x27BF, 0x27BF},   {0x2B1B, 0x2B1C},
    {0x2B50, 0x2B50},   {0x2B55, 0x2B55},   {0x2E80, 0x303E},
    {0x3041, 0x33FF},   {0x3400, 0x4DBF},   {0x4E00, 0x9FFF},
    {0xA000, 0xA4CF},   {0xA960, 0xA97F},   {0xAC00, 0xD7A3},
    {0xF900, 0xFAFF},   {0xFE10, 0xFE19},   {0xFE30, 0xFE6F},
    {0xFF00, 0xFF60},   {0xFFE0, 0xFFE6},   {0x16FE0, 0x16FE4},
    {0x17000, 0x18CFF}, {0x1B000, 0x1B2FF}, {0x1F004, 0x1F004},
    {0x1F0CF, 0x1F0CF}, {0x1F18E, 0x1F18E}, {0x1F191, 0x1F19A},
    {0x1F200, 0x1F251}, {0x1F300, 0x1F64F}, {0x1F680, 0x1F6FF},
    {0x1F7E0, 0x1F7EB}, {0x1F90C, 0x1F9FF}, {0x1FA70, 0x1FAFF},
    {0x20000, 0x2FFFD}, {0x30000, 0x3FFFD},
};

static int in_ranges(long cp, const range *r, size_t n)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (cp < r[mid].lo)
            hi = mid;
        else if (cp > r[mid].hi)
            lo = mid + 1;
        else
            return 1;
    }
    return 0;
}

/* Columns of one code point; an invalid sequence shows as U+FFFD, one
 * column; controls take none (sanitised text has none). */
static int cp_width(long cp)
{
    if (cp < 0)
        return 1;
    if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F))
        return 0;
    if (cp < 0x300)
        return 1;
    if (in_ranges(cp, zero_width, sizeof zero_width / sizeof zero_width[0]))
        return 0;
    if (in_ranges(cp, wide, sizeof wide / sizeof wide[0]))
        return 2;
    return 1;
}

int text_width(const char *s)
{
    int w = 0;
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    while (*p) {
        long cp;
        p += utf8_decode(p, &cp);
        w += cp_width(cp);
    }
    return w;
}

size_t text_fit(const char *s, int cols)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    const unsigned char *start = p;
    int w = 0;
    while (*p) {
        long cp;
        int n = utf8_decode(p, &cp);
        int cw = cp_width(cp);
        if (w + cw > cols)
            break;
        w += cw;
        p += n;
    }
    return (size_t)(p - start);
}

int text_number(double v, int decimals, char *buf, size_t size)
{
    char tmp[64];
    if (decimals < 0)
        decimals = 0;
    if (decimals > 17)
        decimals = 17;
    if (isnan(v))
        snprintf(tmp, sizeof tmp, "nan");
    else if (isinf(v))
        snprintf(tmp, sizeof tmp, "%s", v < 0 ? "-inf" : "inf");
    else {
        if (v == 0)
            v = 0; /* -0.0 prints as 0: no sign for a true zero */
        int n = snprintf(tmp, sizeof tmp, "% .*f", decimals, v);
        if (n < 0 || n > 12)
            snprintf(tmp, sizeof tmp, "% .*e", decimals, v);
    }
    if (size == 0)
        return 0;
    size_t len = strlen(tmp);
    if (len >= size)
        len = size - 1;
    memcpy(buf, tmp, len);
    buf[len] = '\0';
    return (int)len;
}

void text_append(char *buf, size_t size, const char *fmt, ...)
{
    size_t used = strlen(buf);
    if (used + 1 >= size)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + used, size - used, fmt, ap);
    va_end(ap);
}

/* text.c - text from outside made visible, the one ASCII map, widths from
 * the C library, quoting like ls, aligned numbers.
 *
 * Cleaning: C0 controls and DEL become caret forms ("^[", "^A", "^?");
 * C1 controls, the bidi controls and the line and paragraph separators
 * become "<U+202E>" style text, so a teacher can see exactly what was in
 * the lesson; every invalid UTF-8 sequence becomes U+FFFD.  No byte that a
 * terminal could read as the start of an escape sequence survives, and no
 * character that could reorder what follows it on the line. */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700 /* wcwidth */
#endif
#include "text.h"

#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "utf8.h"

/* The character at s (n bytes left, n > 0): its length, with *cp, or -1
 * in *bad when the bytes are not UTF-8 (then the length is 1). */
static int next_char(const char *s, size_t n, uint32_t *cp, int *bad)
{
    int k = utf8_decode(s, n, cp);
    *bad = k == 0;
    if (k == 0) {
        *cp = 0xFFFD;
        k = 1;
    }
    return k;
}

int text_is_control(uint32_t cp)
{
    return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0x061C || cp == 0x200E ||
           cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) ||
           cp == 0x2028 || cp == 0x2029;
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

static size_t clean_utf8(const char *in, char *out, size_t size, int newlines)
{
    size_t at = 0, n = strlen(in ? in : "");
    const char *s = in ? in : "";
    while (*s) {
        uint32_t cp;
        int bad, k = next_char(s, n, &cp, &bad);
        char tmp[16];
        int ok;
        if (bad)
            ok = put(out, size, &at, UTF8_REPLACEMENT, 3);
        else if (cp == '\n' && newlines)
            ok = put(out, size, &at, "\n", 1);
        else if (cp < 0x20 || cp == 0x7F) {
            tmp[0] = '^';
            tmp[1] = cp == 0x7F ? '?' : (char)(cp + 0x40);
            ok = put(out, size, &at, tmp, 2);
        } else if (text_is_control(cp)) {
            snprintf(tmp, sizeof tmp, "<U+%04X>", (unsigned)cp);
            ok = put(out, size, &at, tmp, strlen(tmp));
        } else {
            ok = put(out, size, &at, s, (size_t)k);
        }
        if (!ok)
            break;
        s += k;
        n -= (size_t)k;
    }
    out[at] = '\0';
    return at;
}

size_t text_clean(const char *in, char *out, size_t size, unsigned flags)
{
    if (size == 0)
        return 0;
    size_t n = clean_utf8(in, out, size, (flags & TEXT_NEWLINES) != 0);
    if (!(flags & TEXT_ASCII))
        return n;
    /* Folding never grows a clean character past 5 bytes ("sigma" for σ,
     * 2 bytes), so fold a copy. */
    char *copy = malloc(n + 1);
    if (!copy) {
        /* Out of memory: keep only the ASCII bytes. */
        size_t o = 0;
        for (size_t i = 0; i < n; i++)
            if ((unsigned char)out[i] < 0x80)
                out[o++] = out[i];
        out[o] = '\0';
        return o;
    }
    memcpy(copy, out, n + 1);
    n = text_ascii(copy, out, size);
    free(copy);
    return n;
}

size_t text_sanitize(const char *in, char *out, size_t size)
{
    return text_clean(in, out, size, TEXT_NEWLINES);
}

/* ASCII spellings of the symbols backstep and its lessons use: the one map
 * of the program (the screen, print, the shape checker and messages). */
static const struct {
    uint32_t cp;
    const char *ascii;
} ascii_map[] = {
    {0x00A0, " "},   {0x00B2, "^2"},  {0x00B3, "^3"},    {0x00B7, "*"},
    {0x00B9, "^1"},  {0x00BD, "1/2"}, {0x00D7, "*"},     {0x0394, "D"},
    {0x03A3, "sum"}, {0x03B4, "d"},   {0x03B7, "eta"},   {0x03C3, "sigma"},
    {0x1D40, "^T"},  {0x1E20, "Gbar"}, {0x2013, "-"},    {0x2014, "--"},
    {0x2018, "'"},   {0x2019, "'"},   {0x201C, "\""},    {0x201D, "\""},
    {0x2026, "..."}, {0x2032, "'"},   {0x2070, "^0"},    {0x2074, "^4"},
    {0x2075, "^5"},  {0x2076, "^6"},  {0x2077, "^7"},    {0x2078, "^8"},
    {0x2079, "^9"},  {0x207A, "+"},   {0x207B, "-"},     {0x2190, "<-"},
    {0x2191, "Up"},  {0x2192, "->"},  {0x2193, "Down"},  {0x2202, "d"},
    {0x2207, "grad "}, {0x2211, "sum"},
    {0x2212, "-"},   {0x2218, "(.)"}, {0x2248, "~"},     {0x2260, "!="},
    {0x2264, "<="},  {0x2265, ">="},  {0x2297, "(x)"},   {0x2299, "(.)"},
    {0x22C5, "*"},   {0x22EE, ":"},   {0x2500, "-"},     {0x2502, "|"},
    {0x25B6, ">"},   {0x25B8, ">"},   {0x25C0, "<"},     {0xFFFD, "?"},
};

static int is_digit(int c)
{
    return c >= '0' && c <= '9';
}

/* Whether the × between the text written so far (out[0..at)) and the
 * text after it joins two whole numbers, as in a shape (2×3), rather than
 * two decimals being multiplied (0.5000×1.0000). */
static int shape_times(const char *out, size_t at, const char *after)
{
    if (at == 0 || !is_digit(out[at - 1]) || !is_digit(after[0]))
        return 0;
    size_t i = at;
    while (i > 0 && is_digit(out[i - 1]))
        i--;
    if (i > 0 && out[i - 1] == '.')
        return 0;
    const char *p = after;
    while (is_digit(*p))
        p++;
    return *p != '.' || !is_digit(p[1]);
}

size_t text_ascii(const char *in, char *out, size_t size)
{
    size_t at = 0;
    if (size == 0)
        return 0;
    const char *s = in ? in : "";
    size_t n = strlen(s);
    while (*s) {
        uint32_t cp;
        int bad, k = next_char(s, n, &cp, &bad);
        const char *rep = "?";
        char one[2] = {0, 0};
        if (!bad && cp < 0x80) {
            one[0] = (char)cp;
            rep = one;
        } else if (bad) {
            rep = "?";
        } else if (cp == 0x0304 || cp == 0x0305) {
            rep = "bar"; /* combining macron/overline: G + U+0304 = Gbar */
        } else if (cp == 0x00D7 && shape_times(out, at, s + k)) {
            rep = "x"; /* a shape, 2×3: never read as the input x */
        } else if (cp == 0x2191 && strncmp(s + k, "↓", strlen("↓")) == 0) {
            rep = "Up/Down"; /* the key pair of a key bar, ↑↓ */
            k += (int)strlen("↓");
        } else {
            for (size_t i = 0; i < sizeof ascii_map / sizeof ascii_map[0]; i++)
                if (ascii_map[i].cp == cp) {
                    rep = ascii_map[i].ascii;
                    break;
                }
        }
        if (!put(out, size, &at, rep, strlen(rep)))
            break;
        s += k;
        n -= (size_t)k;
    }
    out[at] = '\0';
    return at;
}

/* ---- quoting ---- */

/* Output that counts what it would write and keeps what fits. */
typedef struct {
    char *out;
    size_t size, len;
} sink;

static void sink_put(sink *k, const char *s, size_t n)
{
    if (k->len + n + 1 <= k->size)
        memcpy(k->out + k->len, s, n);
    k->len += n;
}

/* Is the character at s shown as it is inside plain single quotes? */
static int visible(uint32_t cp, int bad, int ascii)
{
    return !bad && !text_is_control(cp) && !(ascii && cp >= 0x80);
}

/* One invisible character inside $'...': C escapes for the usual
 * controls, \uXXXX for other characters (UTF-8 output), octal bytes for
 * invalid bytes and for everything in ASCII output. */
static void put_escape(sink *k, const char *s, int len, uint32_t cp, int bad, int ascii)
{
    static const char named[] = "\a\b\t\n\v\f\r";
    static const char letter[] = "abtnvfr";
    char tmp[16];
    const char *c = cp && cp < 0x20 ? strchr(named, (int)cp) : NULL;
    if (!bad && c) {
        tmp[0] = '\\';
        tmp[1] = letter[c - named];
        sink_put(k, tmp, 2);
    } else if (!bad && (cp < 0x80 || !ascii)) {
        int n = cp < 0x80 ? snprintf(tmp, sizeof tmp, "\\%03o", (unsigned)cp)
                          : snprintf(tmp, sizeof tmp, "\\u%04X", (unsigned)cp);
        sink_put(k, tmp, (size_t)n);
    } else {
        for (int i = 0; i < len; i++) {
            int n = snprintf(tmp, sizeof tmp, "\\%03o", (unsigned char)s[i]);
            sink_put(k, tmp, (size_t)n);
        }
    }
}

/* Writes s quoted (or as it is, when it needs no quotes and !always). */
static void quote(sink *k, const char *s, int always, int ascii)
{
    size_t n = strlen(s);
    int needed = always || n == 0;
    for (size_t i = 0; i < n && !needed;) {
        uint32_t cp;
        int bad, len = next_char(s + i, n - i, &cp, &bad);
        needed = !visible(cp, bad, ascii);
        i += (size_t)len;
    }
    if (!needed) {
        sink_put(k, s, n);
        return;
    }
    /* Runs of visible characters in '...', runs of others in $'...', a
     * quote character as \' between them (as ls writes 'it'\''s'). */
    int state = 0; /* 0 outside, 1 in '...', 2 in $'...' */
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        int bad, len = next_char(s + i, n - i, &cp, &bad);
        int want = cp == '\'' && !bad ? 0 : visible(cp, bad, ascii) ? 1 : 2;
        if (want != state) {
            if (state)
                sink_put(k, "'", 1);
            if (want == 1)
                sink_put(k, "'", 1);
            else if (want == 2)
                sink_put(k, "$'", 2);
            state = want;
        }
        if (want == 0)
            sink_put(k, "\\'", 2);
        else if (want == 1)
            sink_put(k, s + i, (size_t)len);
        else
            put_escape(k, s + i, len, cp, bad, ascii);
        i += (size_t)len;
    }
    if (state)
        sink_put(k, "'", 1);
    if (n == 0)
        sink_put(k, "''", 2);
}

size_t text_shorten(const char *in, char *out, size_t size, size_t max, int ascii)
{
    const char *dots = ascii ? "..." : "…";
    size_t n = strlen(in), dn = strlen(dots);
    if (size == 0)
        return 0;
    if (max >= size)
        max = size - 1;
    if (n <= max) {
        memmove(out, in, n + 1);
        return n;
    }
    if (max < dn) {
        out[0] = '\0';
        return 0;
    }
    /* Keep a head and a tail of whole characters around the dots; the
     * tail gets the larger half, where a file's own name is. */
    size_t room = max - dn, head = room / 3, tail = room - head;
    while (head > 0 && utf8_is_cont((unsigned char)in[head]))
        head--;
    size_t from = n - tail;
    while (from < n && utf8_is_cont((unsigned char)in[from]))
        from++;
    char *tmp = malloc(head + dn + (n - from) + 1);
    if (!tmp) {
        out[0] = '\0';
        return 0;
    }
    memcpy(tmp, in, head);
    memcpy(tmp + head, dots, dn);
    memcpy(tmp + head + dn, in + from, n - from);
    size_t len = head + dn + (n - from);
    tmp[len] = '\0';
    memcpy(out, tmp, len + 1);
    free(tmp);
    return len;
}

static size_t quote_fit(const char *s, char *out, size_t size, int always, int ascii)
{
    if (size == 0)
        return 0;
    s = s ? s : "";
    sink k = {out, size, 0};
    quote(&k, s, always, ascii);
    if (k.len < size) {
        out[k.len] = '\0';
        return k.len;
    }
    /* Too long: quote it whole elsewhere, then cut out the middle. */
    char *full = malloc(k.len + 1);
    if (!full) {
        out[0] = '\0';
        return 0;
    }
    sink f = {full, k.len + 1, 0};
    quote(&f, s, always, ascii);
    full[f.len] = '\0';
    size_t len = text_shorten(full, out, size, size - 1, ascii);
    free(full);
    return len;
}

size_t text_quote_path(const char *path, char *out, size_t size, int ascii)
{
    return quote_fit(path, out, size, 0, ascii);
}

size_t text_quote_arg(const char *arg, char *out, size_t size, int ascii)
{
    return quote_fit(arg, out, size, 1, ascii);
}

/* ---- widths ---- */

/* The C.UTF-8 locale, for widths when the current locale is not UTF-8;
 * (locale_t)0 when the C library has none. */
static locale_t utf8_fallback(void)
{
    static int tried;
    static locale_t loc;
    if (!tried) {
        tried = 1;
        loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
    }
    return loc;
}

/* wcwidth in the locale in force (which must be UTF-8). */
static int lib_width(uint32_t cp)
{
    if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0))
        return 0;
    if (cp < 0x7F)
        return 1;
    int w = wcwidth((wchar_t)cp);
    return w < 0 ? 1 : w;
}

/* Measures with the C library, in C.UTF-8 when the locale is not UTF-8. */
typedef struct {
    locale_t old; /* the thread's locale to put back, or 0 */
    int plain;    /* no UTF-8 locale at all: one column a character */
} width_scope;

static void scope_enter(width_scope *w)
{
    w->old = (locale_t)0;
    w->plain = 0;
    if (utf8_locale())
        return;
    locale_t u = utf8_fallback();
    if (u == (locale_t)0)
        w->plain = 1;
    else
        w->old = uselocale(u);
}

static void scope_leave(width_scope *w)
{
    if (w->old != (locale_t)0)
        uselocale(w->old);
}

static int scoped_width(const width_scope *w, uint32_t cp)
{
    if (w->plain)
        return cp < 0x20 || (cp >= 0x7F && cp < 0xA0) ? 0 : 1;
    return lib_width(cp);
}

int text_char_width(uint32_t cp)
{
    width_scope w;
    scope_enter(&w);
    int n = scoped_width(&w, cp);
    scope_leave(&w);
    return n;
}

int text_width(const char *s)
{
    int cols = 0;
    s = s ? s : "";
    size_t n = strlen(s);
    width_scope w;
    scope_enter(&w);
    while (n > 0) {
        uint32_t cp;
        int bad, k = next_char(s, n, &cp, &bad);
        cols += scoped_width(&w, cp);
        s += k;
        n -= (size_t)k;
    }
    scope_leave(&w);
    return cols;
}

size_t text_fit(const char *s, int cols)
{
    s = s ? s : "";
    size_t n = strlen(s), at = 0;
    int used = 0;
    width_scope w;
    scope_enter(&w);
    while (at < n) {
        uint32_t cp;
        int bad, k = next_char(s + at, n - at, &cp, &bad);
        int cw = scoped_width(&w, cp);
        if (used + cw > cols || (cw == 0 && at == 0 && cols <= 0))
            break;
        used += cw;
        at += (size_t)k;
    }
    scope_leave(&w);
    return at;
}

/* ---- numbers ---- */

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
        /* -0.0 == 0 too, and the assignment turns it into +0.0, which
         * prints without a sign: cppcheck takes the store for a no-op. */
        if (v == 0)
            // cppcheck-suppress duplicateConditionalAssign
            v = 0;
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
    int n = vsnprintf(buf + used, size - used, fmt, ap);
    va_end(ap);
    if (n >= 0 && (size_t)n >= size - used) {
        /* Cut: drop a last character that lost some of its bytes. */
        size_t end = size - 1, start = end;
        while (start > used && utf8_is_cont((unsigned char)buf[start - 1]))
            start--;
        if (start > used && (unsigned char)buf[start - 1] >= 0xC0) {
            uint32_t cp;
            if (utf8_decode(buf + start - 1, end - (start - 1), &cp) == 0)
                buf[start - 1] = '\0';
        }
    }
}

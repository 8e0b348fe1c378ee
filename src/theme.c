/* theme.c - the dark, light and mono themes as tables, and the arithmetic
 * that proves them readable.
 *
 * Each colour theme is drawn for its background and checked against
 * xterm's default palette with the WCAG 2 contrast ratio: every class
 * reaches 4.5:1 against what is behind it (tests/check_theme.c).  Two
 * traps shape the tables.  xterm shows bold text in colours 0..7 in the
 * bright colours 8..15, so a bold black becomes grey and a bold red on
 * white falls to 4:1; the 8-colour tables therefore use bold only where
 * the bright colour still reads.  Faint (A_DIM) halves the contrast in
 * many terminals, so no colour theme uses it.  Emphasis never rests on
 * colour alone: the focused element is reversed, the operand elements it
 * used are underlined, numbers carry their sign. */
#include "theme.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "frame.h"

#define D THEME_DEFAULT

/* style(fg, bg, bold, underline, reverse) */
#define S(fg, bg, b, u, r) {(fg), (bg), (b), (u), (r), 0}

_Static_assert(FRAME_ATTR_COUNT == 12, "give the new attribute class a style in every theme below");

/* Colours 0..7 only: black, red3, green3, yellow3, blue2, magenta3, cyan3,
 * grey90 in xterm.  Terminals of 8 colours differ most in how they draw
 * those colours as backgrounds, so the highlights here are reversed in the
 * terminal's own foreground and background, which read on any palette. */
static const theme_style dark8[FRAME_ATTR_COUNT] = {
    [FRAME_NORMAL] = S(D, D, 0, 0, 0),
    [FRAME_TITLE] = S(6, D, 1, 0, 0),    /* bold cyan: #00ffff, 16.7:1 */
    [FRAME_FORWARD] = S(2, D, 1, 0, 0),  /* bold green: #00ff00, 15.3:1 */
    [FRAME_BACKWARD] = S(5, D, 1, 0, 0), /* bold magenta: #ff00ff, 6.7:1 */
    [FRAME_POSITIVE] = S(D, D, 0, 0, 0),
    [FRAME_NEGATIVE] = S(1, D, 1, 0, 0), /* red3 alone is 3.6:1; bold #ff0000 5.3:1 */
    [FRAME_FOCUS] = S(D, D, 1, 0, 1),    /* reversed, in the terminal's own colours */
    [FRAME_USED] = S(3, D, 1, 1, 0),     /* bold yellow, underlined: 19.6:1 */
    [FRAME_WARNING] = S(7, 1, 1, 0, 0),  /* white on red3: 5.8:1 */
    [FRAME_DIM] = S(D, D, 0, 0, 0),      /* no faint: it would fall under 4.5:1 */
    [FRAME_KEYBAR] = S(D, D, 0, 0, 1),   /* reversed, in the terminal's own colours */
    [FRAME_BORDER] = S(6, D, 0, 0, 0),   /* cyan3: 10.6:1 (blue2 is 2.2:1) */
};

static const theme_style light8[FRAME_ATTR_COUNT] = {
    [FRAME_NORMAL] = S(D, D, 0, 0, 0),
    [FRAME_TITLE] = S(D, D, 1, 0, 0),    /* bold black: 21:1 */
    [FRAME_FORWARD] = S(4, D, 0, 0, 0),  /* blue2: 9.4:1 (bold would be 4.7:1) */
    [FRAME_BACKWARD] = S(5, D, 0, 0, 0), /* magenta3: 4.7:1 (bold would be 3.1:1) */
    [FRAME_POSITIVE] = S(D, D, 0, 0, 0),
    [FRAME_NEGATIVE] = S(1, D, 0, 0, 0), /* red3: 5.8:1 (bold would be 4.0:1) */
    [FRAME_FOCUS] = S(D, D, 1, 0, 1),    /* reversed, in the terminal's own colours */
    [FRAME_USED] = S(4, D, 0, 1, 0),     /* blue2, underlined: 9.4:1 (yellow: 1.1:1) */
    [FRAME_WARNING] = S(7, 1, 1, 0, 0),  /* white on red3: 5.8:1 */
    [FRAME_DIM] = S(D, D, 0, 0, 0),
    [FRAME_KEYBAR] = S(D, D, 0, 0, 1),   /* reversed, in the terminal's own colours */
    [FRAME_BORDER] = S(4, D, 0, 0, 0),   /* blue2: 9.4:1 */
};

/* 256 colours: the 6×6×6 cube and the grey ramp, which bold leaves alone. */
static const theme_style dark256[FRAME_ATTR_COUNT] = {
    [FRAME_NORMAL] = S(D, D, 0, 0, 0),
    [FRAME_TITLE] = S(117, D, 1, 0, 0),   /* #87d7ff: 13.2:1 */
    [FRAME_FORWARD] = S(114, D, 1, 0, 0), /* #87d787: 12.1:1 */
    [FRAME_BACKWARD] = S(213, D, 1, 0, 0),/* #ff87ff: 10.2:1 */
    [FRAME_POSITIVE] = S(D, D, 0, 0, 0),
    [FRAME_NEGATIVE] = S(210, D, 0, 0, 0),/* #ff8787: 9.1:1 */
    [FRAME_FOCUS] = S(220, 16, 1, 0, 1),  /* reversed: black on #ffd700, 15:1 */
    [FRAME_USED] = S(220, D, 1, 1, 0),    /* #ffd700, underlined: 15:1 */
    [FRAME_WARNING] = S(231, 124, 1, 0, 0), /* white on #af0000: 7.4:1 */
    [FRAME_DIM] = S(245, D, 0, 0, 0),     /* #8a8a8a: 6.1:1 */
    [FRAME_KEYBAR] = S(16, 152, 0, 0, 0), /* black on #afd7d7: 13.5:1 */
    [FRAME_BORDER] = S(67, D, 0, 0, 0),   /* #5f87af: 5.6:1 */
};

static const theme_style light256[FRAME_ATTR_COUNT] = {
    [FRAME_NORMAL] = S(D, D, 0, 0, 0),
    [FRAME_TITLE] = S(19, D, 1, 0, 0),    /* #0000af: 13:1 */
    [FRAME_FORWARD] = S(22, D, 1, 0, 0),  /* #005f00: 8.0:1 */
    [FRAME_BACKWARD] = S(90, D, 1, 0, 0), /* #870087: 8.8:1 */
    [FRAME_POSITIVE] = S(D, D, 0, 0, 0),
    [FRAME_NEGATIVE] = S(124, D, 0, 0, 0),/* #af0000: 7.4:1 */
    [FRAME_FOCUS] = S(220, 16, 1, 0, 1),  /* reversed: black on #ffd700, 15:1 */
    [FRAME_USED] = S(16, 229, 1, 1, 0),   /* black on #ffffaf, underlined: 20:1 */
    [FRAME_WARNING] = S(231, 124, 1, 0, 0), /* white on #af0000: 7.4:1 */
    [FRAME_DIM] = S(242, D, 0, 0, 0),     /* #6c6c6c: 5.3:1 */
    [FRAME_KEYBAR] = S(16, 152, 0, 0, 0), /* black on #afd7d7: 13.5:1 */
    [FRAME_BORDER] = S(24, D, 0, 0, 0),   /* #005f87: 7.0:1 */
};

/* No colour at all: what NO_COLOR asks for. */
static const theme_style mono[FRAME_ATTR_COUNT] = {
    [FRAME_NORMAL] = S(D, D, 0, 0, 0),
    [FRAME_TITLE] = S(D, D, 1, 0, 0),
    [FRAME_FORWARD] = S(D, D, 1, 0, 0),
    [FRAME_BACKWARD] = S(D, D, 1, 1, 0),
    [FRAME_POSITIVE] = S(D, D, 0, 0, 0),
    [FRAME_NEGATIVE] = S(D, D, 0, 0, 0),
    [FRAME_FOCUS] = S(D, D, 1, 0, 1),
    [FRAME_USED] = S(D, D, 1, 1, 0),
    [FRAME_WARNING] = S(D, D, 1, 1, 0),
    [FRAME_DIM] = {D, D, 0, 0, 0, 1},
    [FRAME_KEYBAR] = S(D, D, 0, 0, 1),
    [FRAME_BORDER] = S(D, D, 0, 0, 0),
};

static const char *const names[THEME_COUNT] = {"dark", "light", "mono"};

const char *theme_name(theme_id t)
{
    return (unsigned)t < THEME_COUNT ? names[t] : "?";
}

int theme_parse(const char *s, theme_id *out)
{
    for (int t = 0; t < THEME_COUNT; t++)
        if (s && strcmp(s, names[t]) == 0) {
            *out = (theme_id)t;
            return 0;
        }
    return -1;
}

theme_style theme_style_of(theme_id t, int colors, int cls)
{
    theme_style none = S(D, D, 0, 0, 0);
    if (cls < 0 || cls >= FRAME_ATTR_COUNT)
        return none;
    switch (t) {
    case THEME_DARK:
        return colors >= 256 ? dark256[cls] : dark8[cls];
    case THEME_LIGHT:
        return colors >= 256 ? light256[cls] : light8[cls];
    case THEME_MONO:
        return mono[cls];
    case THEME_COUNT:
        break;
    }
    return none;
}

/* ------------------------------------------------------------ palette */

/* xterm's default colours 0..15 (its XTerm-col.ad resources). */
static const unsigned char xterm16[16][3] = {
    {0x00, 0x00, 0x00}, {0xcd, 0x00, 0x00}, {0x00, 0xcd, 0x00}, {0xcd, 0xcd, 0x00},
    {0x00, 0x00, 0xee}, {0xcd, 0x00, 0xcd}, {0x00, 0xcd, 0xcd}, {0xe5, 0xe5, 0xe5},
    {0x7f, 0x7f, 0x7f}, {0xff, 0x00, 0x00}, {0x00, 0xff, 0x00}, {0xff, 0xff, 0x00},
    {0x5c, 0x5c, 0xff}, {0xff, 0x00, 0xff}, {0x00, 0xff, 0xff}, {0xff, 0xff, 0xff},
};

void theme_xterm_rgb(int index, double rgb[3])
{
    unsigned char c[3];
    if (index < 0 || index > 255)
        index = 0;
    if (index < 16) {
        memcpy(c, xterm16[index], 3);
    } else if (index < 232) {
        static const unsigned char level[6] = {0, 95, 135, 175, 215, 255};
        int k = index - 16;
        c[0] = level[k / 36];
        c[1] = level[k / 6 % 6];
        c[2] = level[k % 6];
    } else {
        c[0] = c[1] = c[2] = (unsigned char)(8 + 10 * (index - 232));
    }
    for (int i = 0; i < 3; i++)
        rgb[i] = c[i] / 255.0;
}

/* WCAG 2 relative luminance of an sRGB colour. */
static double luminance(const double rgb[3])
{
    static const double weight[3] = {0.2126, 0.7152, 0.0722};
    double l = 0;
    for (int i = 0; i < 3; i++) {
        double c = rgb[i];
        c = c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
        l += weight[i] * c;
    }
    return l;
}

double theme_contrast(const double a[3], const double b[3])
{
    double la = luminance(a), lb = luminance(b);
    return la > lb ? (la + 0.05) / (lb + 0.05) : (lb + 0.05) / (la + 0.05);
}

void theme_shown_rgb(theme_id t, theme_style s, double fg[3], double bg[3])
{
    static const double white[3] = {1, 1, 1}, black[3] = {0, 0, 0},
                        grey90[3] = {0xe5 / 255.0, 0xe5 / 255.0, 0xe5 / 255.0};
    int light = t == THEME_LIGHT;
    if (s.fg == D) {
        memcpy(fg, light ? black : grey90, sizeof black);
    } else {
        int c = s.fg;
        if (s.bold && c < 8)
            c += 8; /* boldColors */
        theme_xterm_rgb(c, fg);
    }
    if (s.bg == D)
        memcpy(bg, light ? white : black, sizeof black);
    else
        theme_xterm_rgb(s.bg, bg);
    if (s.reverse)
        for (int i = 0; i < 3; i++) {
            double x = fg[i];
            fg[i] = bg[i];
            bg[i] = x;
        }
}

/* ---------------------------------------------------------- detection */

/* Light when black text on this background reads better than white. */
static theme_id theme_for_background(const double rgb[3])
{
    static const double white[3] = {1, 1, 1}, black[3] = {0, 0, 0};
    return theme_contrast(rgb, black) > theme_contrast(rgb, white) ? THEME_LIGHT : THEME_DARK;
}

int theme_from_colorfgbg(const char *value, theme_id *out)
{
    if (!value || !*value)
        return 0;
    const char *last = strrchr(value, ';');
    if (!last)
        return 0; /* "fg;bg" at least */
    last++;
    char *end;
    long bg = strtol(last, &end, 10);
    if (end == last || *end != '\0' || bg < 0 || bg > 15)
        return 0; /* "default" or garbage */
    double rgb[3];
    theme_xterm_rgb((int)bg, rgb);
    *out = theme_for_background(rgb);
    return 1;
}

/* Reads 1..4 hex digits as a fraction of their full scale; advances *p. */
static int hex_component(const char **p, const char *end, double *out)
{
    unsigned long v = 0;
    int digits = 0;
    while (*p < end && digits < 5) {
        char c = **p;
        int d = c >= '0' && c <= '9' ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (d < 0)
            break;
        v = v * 16 + (unsigned long)d;
        digits++;
        (*p)++;
    }
    if (digits < 1 || digits > 4)
        return 0;
    *out = (double)v / (double)((1UL << (4 * digits)) - 1);
    return 1;
}

int theme_from_osc11(const char *reply, size_t n, theme_id *out)
{
    static const char head[] = "\033]11;rgb:";
    const char *end = reply + n, *p = NULL;
    for (const char *q = reply; q + sizeof head - 1 <= end; q++)
        if (memcmp(q, head, sizeof head - 1) == 0) {
            p = q + sizeof head - 1;
            break;
        }
    if (!p)
        return 0;
    double rgb[3];
    for (int i = 0; i < 3; i++) {
        if (!hex_component(&p, end, &rgb[i]))
            return 0;
        if (i < 2) {
            if (p >= end || *p != '/')
                return 0;
            p++;
        }
    }
    /* The answer must be whole: BEL or ESC \ (ST) ends it. */
    if (!(p < end && (*p == '\a' || (*p == '\033' && p + 1 < end && p[1] == '\\'))))
        return 0;
    *out = theme_for_background(rgb);
    return 1;
}

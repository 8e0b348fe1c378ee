/* theme.h - the colour themes: for each theme and colour depth, the style
 * of every attribute class of the frame, plus what is needed to choose a
 * theme (COLORFGBG, the terminal's answer to OSC 11) and to prove the
 * themes readable (xterm's default palette and the WCAG contrast ratio).
 * No curses: tui.c turns a theme_style into curses attributes. */
#ifndef BACKSTEP_THEME_H
#define BACKSTEP_THEME_H

#include <stddef.h>

/* The themes, in the order the theme key cycles through them. */
typedef enum {
    THEME_DARK,  /* light text on a dark background */
    THEME_LIGHT, /* dark text on a light background */
    THEME_MONO,  /* no colour: bold, underline and reverse only (NO_COLOR) */
    THEME_COUNT
} theme_id;

/* The terminal's own foreground or background colour. */
#define THEME_DEFAULT (-1)

/* How one attribute class looks. */
typedef struct {
    short fg, bg;           /* colour index 0..255, or THEME_DEFAULT */
    unsigned char bold;      /* A_BOLD */
    unsigned char underline; /* A_UNDERLINE */
    unsigned char reverse;   /* A_REVERSE */
    unsigned char dim;       /* A_DIM: the mono theme only (faint halves contrast) */
} theme_style;

/* The theme's name as --theme spells it: "dark", "light", "mono". */
const char *theme_name(theme_id t);
/* Reads a theme name; returns 0 and sets *out, or -1 when unknown. */
int theme_parse(const char *s, theme_id *out);
/* The style of attribute class cls (a frame attribute class) in theme t on
 * a terminal with `colors` colours (256 or more uses the 256-colour table,
 * fewer the 8-colour one; mono ignores it). */
theme_style theme_style_of(theme_id t, int colors, int cls);

/* Decides dark or light from the COLORFGBG variable ("15;0", "0;default;15"):
 * returns 1 and sets *out, or 0 when it says nothing usable. */
int theme_from_colorfgbg(const char *value, theme_id *out);
/* Decides dark or light from a terminal's answer to OSC 11 ("ESC ] 11 ;
 * rgb:RRRR/GGGG/BBBB" ended by BEL or ESC \, n bytes): 1 and *out, or 0. */
int theme_from_osc11(const char *reply, size_t n, theme_id *out);

/* The sRGB colour (0..1 each) of palette index 0..255 in xterm's defaults. */
void theme_xterm_rgb(int index, double rgb[3]);
/* WCAG 2 contrast ratio of two sRGB colours, 1..21. */
double theme_contrast(const double a[3], const double b[3]);
/* The colours a cell of style s shows in xterm with its default palette and
 * the theme's background (white for light, black otherwise; foreground
 * black or grey90): reverse swaps them, and bold turns colours 0..7 into
 * 8..15 (xterm's boldColors, on by default). */
void theme_shown_rgb(theme_id t, theme_style s, double fg[3], double bg[3]);

#endif

/* check_theme.c - the colour themes keep their contrast: every attribute
 * class of the dark and light themes, in 8 and 256 colours, reaches WCAG's
 * 4.5:1 against what is behind it in xterm's default palette; emphasis is
 * never colour alone; the background is read right from COLORFGBG and from
 * a terminal's answer to OSC 11. */
#include <check.h>
#include <math.h>
#include <string.h>

#include "theme.h"
#include "frame.h"

static const char *const class_names[FRAME_ATTR_COUNT] = {
    "normal", "title", "forward", "backward", "positive", "negative",
    "focus", "used", "warning", "dim", "keybar", "border",
};

/* An sRGB colour from 0xRRGGBB. */
static void rgb_of(unsigned long hex, double rgb[3])
{
    rgb[0] = (double)(hex >> 16 & 0xff) / 255.0;
    rgb[1] = (double)(hex >> 8 & 0xff) / 255.0;
    rgb[2] = (double)(hex & 0xff) / 255.0;
}

static double contrast_hex(unsigned long a, unsigned long b)
{
    double x[3], y[3];
    rgb_of(a, x);
    rgb_of(b, y);
    return theme_contrast(x, y);
}

START_TEST(contrast_formula)
{
    /* Reference values: black on white is 21:1 by the formula's ends;
     * WebAIM's checker gives #767676 on white 4.54:1 and #777777 4.48:1,
     * the classic pair either side of the 4.5 line; #0000ff on white
     * 8.59:1; #ff0000 on white 4.00:1. */
    ck_assert_double_eq_tol(contrast_hex(0x000000, 0xffffff), 21.0, 1e-9);
    ck_assert_double_eq_tol(contrast_hex(0xffffff, 0x000000), 21.0, 1e-9);
    ck_assert_double_eq_tol(contrast_hex(0x767676, 0xffffff), 4.54, 0.005);
    ck_assert_double_eq_tol(contrast_hex(0x777777, 0xffffff), 4.48, 0.005);
    ck_assert_double_eq_tol(contrast_hex(0x0000ff, 0xffffff), 8.59, 0.005);
    ck_assert_double_eq_tol(contrast_hex(0xff0000, 0xffffff), 4.00, 0.005);
    ck_assert_double_eq_tol(contrast_hex(0x123456, 0x123456), 1.0, 1e-12);
}
END_TEST

START_TEST(xterm_palette)
{
    /* xterm's defaults: the 16 from XTerm-col.ad, then the 6×6×6 cube on
     * levels 0, 95, 135, …, 255 and the grey ramp 8, 18, …, 238. */
    static const struct {
        int index;
        unsigned long hex;
    } want[] = {
        {0, 0x000000}, {1, 0xcd0000}, {4, 0x0000ee}, {7, 0xe5e5e5}, {8, 0x7f7f7f},
        {12, 0x5c5cff}, {15, 0xffffff}, {16, 0x000000}, {17, 0x00005f}, {67, 0x5f87af},
        {196, 0xff0000}, {220, 0xffd700}, {231, 0xffffff}, {232, 0x080808}, {255, 0xeeeeee},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        double got[3], exp[3];
        theme_xterm_rgb(want[i].index, got);
        rgb_of(want[i].hex, exp);
        for (int c = 0; c < 3; c++)
            ck_assert_msg(fabs(got[c] - exp[c]) < 1e-12, "colour %d component %d", want[i].index, c);
    }
}
END_TEST

/* Every class of theme t at `colors` colours reaches 4.5:1. */
static void theme_readable(theme_id t, int colors)
{
    for (int cls = 0; cls < FRAME_ATTR_COUNT; cls++) {
        theme_style s = theme_style_of(t, colors, cls);
        double fg[3], bg[3];
        theme_shown_rgb(t, s, fg, bg);
        double c = theme_contrast(fg, bg);
        ck_assert_msg(!s.dim, "%s theme: %s is faint", theme_name(t), class_names[cls]);
        ck_assert_msg(c >= 4.5, "%s theme, %d colours: %s is %.2f:1", theme_name(t), colors,
                      class_names[cls], c);
    }
}

START_TEST(dark_readable)
{
    theme_readable(THEME_DARK, 8);
    theme_readable(THEME_DARK, 256);
}
END_TEST

START_TEST(light_readable)
{
    theme_readable(THEME_LIGHT, 8);
    theme_readable(THEME_LIGHT, 256);
}
END_TEST

START_TEST(model_of_bold_and_reverse)
{
    /* The model must see what made the old colours fail: bold black turns
     * grey (the focus was grey on olive), yellow vanishes on white. */
    theme_style grey_on_olive = {0, 3, 1, 0, 0, 0};
    double fg[3], bg[3];
    theme_shown_rgb(THEME_LIGHT, grey_on_olive, fg, bg);
    ck_assert_double_lt(theme_contrast(fg, bg), 2.5);
    theme_style yellow = {3, THEME_DEFAULT, 1, 1, 0, 0};
    theme_shown_rgb(THEME_LIGHT, yellow, fg, bg);
    ck_assert_double_lt(theme_contrast(fg, bg), 1.1);
    /* Reverse swaps the shown colours. */
    theme_style rev = {3, 0, 0, 0, 1, 0};
    theme_shown_rgb(THEME_DARK, rev, fg, bg);
    double black[3] = {0, 0, 0}, yellow3[3];
    theme_xterm_rgb(3, yellow3);
    ck_assert(memcmp(fg, black, sizeof black) == 0);
    ck_assert(memcmp(bg, yellow3, sizeof yellow3) == 0);
}
END_TEST

START_TEST(emphasis_not_colour_alone)
{
    for (int t = 0; t < THEME_COUNT; t++)
        for (int colors = 8; colors <= 256; colors *= 32) {
            theme_style f = theme_style_of((theme_id)t, colors, FRAME_FOCUS);
            theme_style u = theme_style_of((theme_id)t, colors, FRAME_USED);
            theme_style w = theme_style_of((theme_id)t, colors, FRAME_WARNING);
            ck_assert_msg(f.reverse, "%s: the focus is not reversed", theme_name((theme_id)t));
            ck_assert_msg(u.underline, "%s: used elements are not underlined",
                          theme_name((theme_id)t));
            ck_assert_msg(w.bold, "%s: warnings are not bold", theme_name((theme_id)t));
        }
}
END_TEST

START_TEST(mono_has_no_colour)
{
    for (int cls = 0; cls < FRAME_ATTR_COUNT; cls++) {
        theme_style s = theme_style_of(THEME_MONO, 256, cls);
        ck_assert_int_eq(s.fg, THEME_DEFAULT);
        ck_assert_int_eq(s.bg, THEME_DEFAULT);
    }
}
END_TEST

START_TEST(names)
{
    theme_id t;
    ck_assert_int_eq(theme_parse("light", &t), 0);
    ck_assert_int_eq(t, THEME_LIGHT);
    ck_assert_int_eq(theme_parse("dark", &t), 0);
    ck_assert_int_eq(t, THEME_DARK);
    ck_assert_int_eq(theme_parse("mono", &t), 0);
    ck_assert_int_eq(t, THEME_MONO);
    ck_assert_int_eq(theme_parse("Light", &t), -1);
    ck_assert_int_eq(theme_parse("", &t), -1);
    ck_assert_int_eq(theme_parse(NULL, &t), -1);
    ck_assert_str_eq(theme_name(THEME_LIGHT), "light");
}
END_TEST

START_TEST(colorfgbg)
{
    theme_id t = THEME_MONO;
    ck_assert_int_eq(theme_from_colorfgbg("15;0", &t), 1);
    ck_assert_int_eq(t, THEME_DARK);
    ck_assert_int_eq(theme_from_colorfgbg("0;15", &t), 1);
    ck_assert_int_eq(t, THEME_LIGHT);
    ck_assert_int_eq(theme_from_colorfgbg("0;default;15", &t), 1); /* rxvt with xpm */
    ck_assert_int_eq(t, THEME_LIGHT);
    ck_assert_int_eq(theme_from_colorfgbg("0;7", &t), 1); /* grey90 */
    ck_assert_int_eq(t, THEME_LIGHT);
    ck_assert_int_eq(theme_from_colorfgbg("7;4", &t), 1); /* blue2 */
    ck_assert_int_eq(t, THEME_DARK);
    t = THEME_MONO;
    ck_assert_int_eq(theme_from_colorfgbg("default;default", &t), 0);
    ck_assert_int_eq(theme_from_colorfgbg("15", &t), 0);
    ck_assert_int_eq(theme_from_colorfgbg("", &t), 0);
    ck_assert_int_eq(theme_from_colorfgbg(NULL, &t), 0);
    ck_assert_int_eq(theme_from_colorfgbg("0;16", &t), 0);
    ck_assert_int_eq(theme_from_colorfgbg("0;1x", &t), 0);
    ck_assert_int_eq(t, THEME_MONO); /* untouched when undecided */
}
END_TEST

/* Feeds a whole reply string to theme_from_osc11. */
static int osc(const char *s, theme_id *t)
{
    return theme_from_osc11(s, strlen(s), t);
}

START_TEST(osc11)
{
    theme_id t = THEME_MONO;
    ck_assert_int_eq(osc("\033]11;rgb:ffff/ffff/ffff\033\\", &t), 1);
    ck_assert_int_eq(t, THEME_LIGHT);
    ck_assert_int_eq(osc("\033]11;rgb:0000/0000/0000\a", &t), 1);
    ck_assert_int_eq(t, THEME_DARK);
    ck_assert_int_eq(osc("\033]11;rgb:fdfd/f6f6/e3e3\a", &t), 1); /* a cream background */
    ck_assert_int_eq(t, THEME_LIGHT);
    ck_assert_int_eq(osc("\033]11;rgb:1e/1e/2e\a", &t), 1); /* two digits each */
    ck_assert_int_eq(t, THEME_DARK);
    ck_assert_int_eq(osc("\033]11;rgb:8/8/8\a", &t), 1); /* one digit: 8/15, light grey */
    ck_assert_int_eq(t, THEME_LIGHT);
    ck_assert_int_eq(osc("junk\033]11;rgb:0/0/0\033\\", &t), 1); /* keys typed before it */
    ck_assert_int_eq(t, THEME_DARK);
    t = THEME_MONO;
    ck_assert_int_eq(osc("\033]11;rgb:ffff/ffff/ffff", &t), 0);    /* cut short */
    ck_assert_int_eq(osc("\033]11;rgb:ffff/ffff\a", &t), 0);        /* two components */
    ck_assert_int_eq(osc("\033]11;rgb:fffff/0/0\a", &t), 0);        /* five digits */
    ck_assert_int_eq(osc("\033]11;rgba:ff/ff/ff/ff\a", &t), 0);
    ck_assert_int_eq(osc("\033]10;rgb:ffff/ffff/ffff\a", &t), 0);   /* the foreground */
    ck_assert_int_eq(osc("", &t), 0);
    ck_assert_int_eq(t, THEME_MONO);
}
END_TEST

Suite *theme_suite(void)
{
    Suite *s = suite_create("theme");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, contrast_formula);
    tcase_add_test(tc, xterm_palette);
    tcase_add_test(tc, dark_readable);
    tcase_add_test(tc, light_readable);
    tcase_add_test(tc, model_of_bold_and_reverse);
    tcase_add_test(tc, emphasis_not_colour_alone);
    tcase_add_test(tc, mono_has_no_colour);
    tcase_add_test(tc, names);
    tcase_add_test(tc, colorfgbg);
    tcase_add_test(tc, osc11);
    suite_add_tcase(s, tc);
    return s;
}

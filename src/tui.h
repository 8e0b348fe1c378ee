/* tui.h - the terminal: the only module that includes curses. */
#ifndef BACKSTEP_TUI_H
#define BACKSTEP_TUI_H

#include "frame.h"
#include "lesson.h"
#include "theme.h"

/* How the screen was asked to look. */
typedef struct {
    int ascii;      /* draw with ASCII only (also when the locale is not UTF-8) */
    int theme;      /* a theme_id (--theme, --no-color, NO_COLOR), or -1 to choose one
                       for the terminal's background: COLORFGBG, else the terminal's
                       answer to OSC 11, else dark */
    int quiz;       /* start in quiz mode */
    int convention; /* -1 = the lesson's, else an engine_conv */
} tui_options;

/* Runs the screen on a loaded lesson until the user quits, the terminal
 * goes away or a signal ends it, and gives the terminal back as it was in
 * every case.  l may be replaced in place by a lesson the user opens.
 * Returns the process exit status: 0, 128 + the signal that ended it, or 2
 * when there is no usable terminal (one line on stderr says why). */
int tui_run(lesson *l, const tui_options *opt);

/* Sets up the attribute of every frame_attr class on the current curses
 * screen from theme t (theme.h): its 256-colour table where the terminal
 * has 256 colours, else its 8-colour one; mono (bold, underline, reverse)
 * when the terminal has no colours.  Returns the theme in force.  For the
 * tests too. */
theme_id tui_colors(theme_id t);
/* Puts frame f on the current curses screen, touching only the cells that
 * differ from *prev (all of them when prev's size differs), refreshes, and
 * copies f into *prev. */
void tui_draw(const frame *f, frame *prev);

#endif

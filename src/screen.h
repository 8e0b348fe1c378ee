/* screen.h - the screen without curses: the dispatcher that keeps the modes
 * on a stack over one lesson and its engine, routes every key, gives time
 * to the modes that work in slices, and lays the modes out into a frame.
 *
 * How backstep's screen is built, one box after another; data flows one
 * way, down this list, and no file calls a file above it:
 *
 *   lesson   lesson.[ch] reads a YAML lesson into a network, its samples
 *            and the author's words (title, description, notes,
 *            expressions); catalog.[ch] lists the lessons there are.
 *
 *   engine   engine.[ch] runs the network: one forward and one backward
 *            pass over one sample, as a list of steps, each a value that
 *            can be inspected (operands, result, shapes, formula); history
 *            to go back, training, the gradient check.  shape.[ch] and
 *            quiz.[ch] judge what a student types about those steps;
 *            narrate.[ch] has the words for each kind of step.
 *
 *   steps    engine_step (engine.h): what the screen shows of the current
 *            step, and engine_step_explain for the focused element.
 *
 *   modes    mode.h declares the interface every mode implements (open,
 *            key, tick, layout, close) and the state they share (mode_ctx);
 *            mode_step.c (stepping, the bottom of the stack), mode_quiz.c,
 *            mode_shape.c, mode_train.c, mode_check.c, mode_edit.c (with
 *            its edit stack, edits.[ch]), mode_browse.c, mode_help.c and
 *            mode_blank.c implement it, one file each.
 *            keys.[ch] is the one table of every mode's keys: what they
 *            do, the key bars, the help.  screen.[ch], this file, is the
 *            dispatcher: a key goes to the top mode, which handles it or
 *            passes it down; a key row that opens a mode (t, v, e, w, r,
 *            u, U, z, :, o, b, ?, q) is opened here, so no mode calls
 *            another.  Below 80×24 no key reaches the modes but q.
 *
 *   frame    frame.[ch] is a grid of cells, each a character and an
 *            attribute class, with what every mode draws with (text in
 *            ASCII when asked, rules, wrapped text, prompts, numbers);
 *            draw.h declares the pieces the modes compose their screens of,
 *            one file each named after what it draws: draw_header.c,
 *            draw_diagram.c, draw_matrix.c, draw_step.c, draw_update.c,
 *            draw_narration.c, draw_pass.c, draw_keybar.c, draw_help.c,
 *            draw_derivation.c.  plot.[ch] turns a series into text rows,
 *            prompt.[ch] edits one line of text.
 *
 *   terminal tui.[ch], the only code that includes curses: sets the
 *            terminal up and gives it back (on every signal that ends the
 *            program too), turns the terminal's keys into key codes for
 *            screen_key, waits screen_timeout between screen_tick calls,
 *            and puts each frame on the terminal, changed cells only.
 *
 * A key's way: tui.c reads it and calls screen_key; the dispatcher offers
 * it to the top mode's key function, which looks it up in its own rows of
 * the key table and acts, or answers MODE_PASS; then the mode below (when
 * the mode passes keys on) gets it, and past the bottom the global rows
 * (tools, help, quit).  A row that opens a mode makes the dispatcher open
 * it, or close it when it is open already (z).  Then every mode's tick
 * runs, bottom first, so a mode above can follow what moved below it (the
 * quiz asks about the step the engine moved to).  tui.c then calls
 * screen_layout: the modes draw bottom first into the frame, from the
 * topmost one that covers the whole screen, and tui_draw puts the cells
 * that changed on the terminal. */
#ifndef BACKSTEP_SCREEN_H
#define BACKSTEP_SCREEN_H

#include "engine.h"
#include "frame.h"
#include "keys.h"
#include "lesson.h"
#include "mode.h"

/* How the screen starts. */
typedef struct {
    int ascii;      /* draw with ASCII only */
    int quiz;       /* start in quiz mode */
    int convention; /* -1 = the lesson's, else an engine_conv */
} screen_options;

/* The dispatcher and everything it owns.  Opaque. */
typedef struct screen screen;

/* A screen on lesson l (not owned, but replaced in place when the browser
 * opens another); its engine starts at the first step.  NULL when out of
 * memory. */
screen *screen_new(lesson *l, const screen_options *opt);
/* Frees the screen, its modes and its engine (NULL is fine). */
void screen_free(screen *s);
/* The terminal's size, before its keys: below the minimum (80×24) the
 * screen shows only that it needs more room, and no key acts unseen but q,
 * which leaves when no edit would be lost.  Until it is called every key
 * acts. */
void screen_resize(screen *s, int width, int height);
/* Gives a key code (a character or KEYS_K_*) to the modes.  Returns 1 when
 * the user asked to leave. */
int screen_key(screen *s, int code);
/* Lets time pass without a key: the modes' ticks (autoplay, a slice of
 * training).  Returns 1 when the screen changed. */
int screen_tick(screen *s);
/* The longest the terminal may wait for a key before screen_tick is due,
 * in ms: 0 while work is under way. */
int screen_timeout(const screen *s);
/* Lays the screen out for a terminal of width x height (clamped to the
 * maximum; below the minimum only the "needs at least" message). */
void screen_layout(const screen *s, frame *f, int width, int height);

/* The engine on screen. */
engine *screen_engine(screen *s);
/* The state the modes share (for the tests: focus, decimals, the cache). */
mode_ctx *screen_ctx(screen *s);
/* The mode on top of the stack. */
keys_map screen_top(const screen *s);

#endif

/* narrate.h - the words for each step: the lesson's note with its live
 * numbers, or the built-in explanation of the kind of step, written for a
 * student.  Used alike by the screen and by --print.  No curses.
 *
 * A note may name the values it talks about instead of quoting them:
 * {NAME} (a scalar, or a whole vector or matrix), {NAME[i]}, {NAME[r][c]}
 * (1-based, in the lesson's convention; NAME as the screen spells it, such
 * as z_j, δ_k, W_jk, ∂E/∂y_k, g′(z_j), W_jk⁺; the step's own tensors first,
 * then any step of the pass), and {loss}, {loss_after} (this sample's loss
 * once the updates up to this step are made), {loss_after_pass},
 * {mean_loss}, {mean_loss_after}, {eta}, {epoch}, {sample}.  ":N" after a
 * name asks for at least N decimals ({out:9}); "{{" and "}}" write braces. */
#ifndef BACKSTEP_NARRATE_H
#define BACKSTEP_NARRATE_H

#include <stddef.h>
#include "engine.h"
#include "lesson.h"

/* Writes the built-in explanation of step s of a pass over net into buf
 * (UTF-8, paragraphs separated by blank lines, naming the convention in
 * force when it matters).  Always NUL-terminates; returns the length. */
size_t narrate_step(const engine_step *s, const engine_net *net, char *buf, size_t size);

/* Where a step's narration came from. */
typedef enum { NARRATE_BUILT_IN, NARRATE_NOTE } narrate_source;

/* The narration of step `step` of e's current pass, as the screen and the
 * handout show it: the lesson's note for the step when the steps are shown
 * in the lesson's own convention, its placeholders filled with the engine's
 * current numbers at `decimals` places; otherwise (or without a note) the
 * built-in explanation, which names the convention in force.  The text is
 * UTF-8 as written in the lesson: sanitise it before display.  Returns the
 * length; *source (when not NULL) says which it was. */
size_t narrate_text(const lesson *l, const engine *e, int step, int decimals, char *buf,
                    size_t size, narrate_source *source);

/* Fills the placeholders of text with the values they name at step `step`
 * of e's current pass; one that names nothing is left as written. */
size_t narrate_fill(const char *text, const engine *e, int step, int decimals, char *buf,
                    size_t size);

/* 0 when every placeholder of text names a value at step `step`, else -1
 * with a sentence in why saying which does not and what names exist. */
int narrate_check(const char *text, const engine *e, int step, char *why, size_t size);

#endif

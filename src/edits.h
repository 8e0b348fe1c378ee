/* edits.h - the edit stack behind u and U: every change of a network kept
 * as the whole network before and after it, so that taking an edit back
 * or making it again gives the network back bit for bit, and whether the
 * network in force is the one last saved.  Plain data over engine_net: no
 * screen, no I/O. */
#ifndef BACKSTEP_EDITS_H
#define BACKSTEP_EDITS_H

#include "engine.h"

enum {
    EDITS_MAX = 100,             /* edits remembered at most */
    EDITS_VALUES = 4 << 20,      /* numbers the kept networks may hold in all (32 MiB) */
    EDITS_WHAT_SIZE = 160,       /* bytes for what an edit did */
};

/* One change: the whole network before and after it. */
typedef struct {
    engine_net before, after;
    char what[EDITS_WHAT_SIZE]; /* "W_jk[1][1] = 1.5 (was 0.7)", for the messages */
} edits_entry;

/* The stack: entries [0, at) are in force, [at, n) were taken back and can
 * be made again. */
typedef struct {
    edits_entry *v;
    int n, at, cap;
    int saved_at; /* `at` when the network was last saved or loaded; -1 when that
                     state is no longer on the stack */
} edits;

/* Empties the stack: nothing to undo, the network as loaded (saved). */
void edits_clear(edits *s);
/* Records a change from before to after, forgetting what had been taken
 * back; the oldest entries go when the stack is over EDITS_MAX entries or
 * EDITS_VALUES numbers.  Returns 0, or -1 when out of memory (the stack is
 * as it was). */
int edits_push(edits *s, const engine_net *before, const engine_net *after, const char *what);
/* Takes the last edit in force back: returns it (its `before` is the
 * network to restore), or NULL when there is none. */
const edits_entry *edits_undo(edits *s);
/* Makes the edit taken back last again: returns it (its `after` is the
 * network to restore), or NULL when there is none. */
const edits_entry *edits_redo(edits *s);
/* Puts a step of edits_undo or edits_redo back, when restoring its network failed. */
void edits_unstep(edits *s, int was_undo);
/* The network in force is now the saved one. */
void edits_saved(edits *s);
/* 1 when the edits in force differ from the ones last saved. */
int edits_modified(const edits *s);
/* 1 when two networks hold the same numbers, bit for bit, in the same shapes. */
int edits_same_values(const engine_net *a, const engine_net *b);

#endif

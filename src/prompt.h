/* prompt.h - a one-line text input for the screen, without curses: the
 * shape checker's expression, quiz answers, an epoch count, an edited value.
 *
 * How to use it:
 *   prompt p;
 *   prompt_open(&p, "epochs: ", "1000", 12);   // caption, initial text, max characters
 *   ... for every key code (keys.h: characters or KEYS_K_*):
 *   switch (prompt_key(&p, code)) {
 *   case PROMPT_EDITING: redraw; break;          // the text or cursor may have moved
 *   case PROMPT_ENTER: use prompt_text(&p); break; // the prompt is closed
 *   case PROMPT_ESCAPE: drop it; break;           // the prompt is closed
 *   }
 * Drawing: the caption, then the text; the cursor sits prompt_cursor_column()
 * cells after the text's first cell.
 *
 * Keys: the key table's typing rows (keys.h, KEYS_MAP_TEXT): ← → move by
 * one character, Home/End or Ctrl-A/Ctrl-E to the ends; Backspace deletes
 * before the cursor, Delete or Ctrl-D under it; Ctrl-U empties the line;
 * Enter and Esc finish.  Every other printable character inserts at the
 * cursor (UTF-8, no control characters).
 *
 * Selection: an initial text starts selected, as a field offering a value
 * does: the first character typed replaces it, Backspace or Delete remove
 * it, and ← → Home End keep it, leaving the cursor at its start or end.
 * Plain data, no allocation. */
#ifndef BACKSTEP_PROMPT_H
#define BACKSTEP_PROMPT_H

#include <stddef.h>

enum {
    PROMPT_MAX_CHARS = 200,                 /* longest line, in characters */
    PROMPT_TEXT_BYTES = PROMPT_MAX_CHARS * 4 + 1,
    PROMPT_CAPTION_BYTES = 128,
};

/* What a key did to the prompt. */
typedef enum {
    PROMPT_EDITING, /* still open */
    PROMPT_ENTER,   /* Enter: the text is the answer; the prompt is closed */
    PROMPT_ESCAPE,  /* Esc: given up; the prompt is closed */
} prompt_result;

/* One line being edited. */
typedef struct {
    int open;                           /* being edited now */
    char caption[PROMPT_CAPTION_BYTES]; /* shown before the text, e.g. "shape? " */
    char text[PROMPT_TEXT_BYTES];       /* UTF-8, NUL-terminated */
    size_t len;                         /* bytes of text */
    size_t cursor;                      /* byte offset of the cursor, on a character start */
    int max_chars;                      /* characters allowed, 1 .. PROMPT_MAX_CHARS */
    int selected;                       /* the whole text is selected (the cursor at its end) */
} prompt;

/* Opens the prompt with a caption and initial text (NULL for none; cut to
 * max_chars; control characters in it are left out, never obeyed), the
 * cursor at the end and the text selected. max_chars <= 0 or too large
 * means PROMPT_MAX_CHARS. */
void prompt_open(prompt *p, const char *caption, const char *initial, int max_chars);
/* Opens the prompt again on its own text, selected, to try again. */
void prompt_retry(prompt *p);
/* Closes the prompt without an answer. */
void prompt_close(prompt *p);
/* Applies one key code (a Unicode character or a KEYS_K_* code). */
prompt_result prompt_key(prompt *p, int code);
/* The text typed so far. */
const char *prompt_text(const prompt *p);
/* Characters in the text. */
int prompt_length(const prompt *p);
/* Terminal cells between the text's start and the cursor. */
int prompt_cursor_column(const prompt *p);

#endif

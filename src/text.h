/* text.h - making text from outside safe to show, ASCII fallback, display
 * width from the C library, quoting of file names and arguments, aligned
 * numbers.  No curses. */
#ifndef BACKSTEP_TEXT_H
#define BACKSTEP_TEXT_H

#include <stddef.h>
#include <stdint.h>

/* How text_clean shows text. */
enum {
    TEXT_NEWLINES = 1, /* keep '\n' as a line break; without it '\n' shows as ^J */
    TEXT_ASCII = 2,    /* fold the result to ASCII (text_ascii) */
};

/* 1 when cp would act on a terminal or reorder a line instead of showing:
 * C0 controls, DEL, C1 controls, the bidi controls (U+061C, U+200E/F,
 * U+202A..U+202E, U+2066..U+2069) and the line and paragraph separators. */
int text_is_control(uint32_t cp);

/* Copies UTF-8 text from outside (a lesson, a file name, an argument) so
 * that every byte is visible: C0 controls and DEL as caret forms ("^[",
 * "^?"), the other controls of text_is_control as "<U+202E>", invalid
 * UTF-8 as U+FFFD.  Never splits a character; always NUL-terminates;
 * returns the length written. */
size_t text_clean(const char *in, char *out, size_t size, unsigned flags);
/* text_clean keeping line breaks: lesson text for the screen and print. */
size_t text_sanitize(const char *in, char *out, size_t size);
/* Copies text, replacing the symbols backstep uses by ASCII: δ→d, ⊙→(.),
 * ·→*, × between whole numbers (a shape, 2×3)→x and any other ×→*, ᵀ→^T, →→->,
 * …→..., the screen's ↑↓→Up/Down, ▸ ▶→>, ◀→<, ⋮→:; other non-ASCII
 * characters become '?'.  Always NUL-terminates;
 * returns the length. */
size_t text_ascii(const char *in, char *out, size_t size);

/* Quotes a file name for a message the way ls does, so that every byte
 * is visible and nothing in it can act on the terminal: as it is when it
 * holds only visible characters (only ASCII ones when ascii is set), else
 * in single quotes with each invisible run as $'...' ('b'$'\033'']0;x').
 * Shortened in the middle ("…", or "..." with ascii) when it does not fit
 * in size bytes.  Always NUL-terminates; returns the length. */
size_t text_quote_path(const char *path, char *out, size_t size, int ascii);
/* Like text_quote_path, but always in quotes: 'xml', for "found 'xml'". */
size_t text_quote_arg(const char *arg, char *out, size_t size, int ascii);
/* Copies UTF-8 text cut to at most max bytes (max < size) by replacing its
 * middle with "…" ("..." with ascii), on character boundaries.  Returns
 * the length. */
size_t text_shorten(const char *in, char *out, size_t size, size_t max, int ascii);

/* Columns one character takes on the terminal, from the C library's
 * wcwidth (in the C.UTF-8 locale when the current one is not UTF-8):
 * 0 for combining marks and controls, 2 for wide characters, 1 for
 * characters the library does not know. */
int text_char_width(uint32_t cp);
/* Columns the UTF-8 text takes on a terminal; an invalid byte shows as
 * U+FFFD, one column. */
int text_width(const char *s);
/* Bytes of s that fit in `cols` columns (never splits a character, and
 * keeps combining marks with their base). */
size_t text_fit(const char *s, int cols);

/* Formats v with `decimals` places and a leading space or minus sign so
 * signs line up; "inf", "-inf", "nan" as they are; switches to %e when the
 * fixed form would be wider than 12 columns.  Returns the length. */
int text_number(double v, int decimals, char *buf, size_t size);

/* Appends printf-style text at the end of the NUL-terminated buf of
 * `size` bytes, never overflowing (the text is cut when it does not fit). */
void text_append(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif

/* text.h - UTF-8 helpers shared by the views: safe display, ASCII fallback,
 * display width and aligned numbers.  No curses. */
#ifndef BACKSTEP_TEXT_H
#define BACKSTEP_TEXT_H

#include <stddef.h>

/* Copies UTF-8 text from a lesson so it is safe to show: control characters
 * (C0 except newline, DEL, C1) become visible as "^[" style or U+FFFD-free
 * escapes, invalid UTF-8 becomes U+FFFD.  Always NUL-terminates; returns the
 * length written. */
size_t text_sanitize(const char *in, char *out, size_t size);
/* Copies text, replacing the symbols backstep uses by ASCII (δ→d, ⊙→(.),
 * ′→', ×→x, ᵀ→T, ·→*, →→->, …).  Always NUL-terminates; returns length. */
size_t text_ascii(const char *in, char *out, size_t size);
/* Columns the UTF-8 text takes on a terminal. */
int text_width(const char *s);
/* Bytes of s that fit in `cols` columns (never splits a character). */
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

/* utf8.h - the one UTF-8 decoder and encoder every module uses, and the
 * question whether the locale's characters are UTF-8.  No curses. */
#ifndef BACKSTEP_UTF8_H
#define BACKSTEP_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* The replacement character U+FFFD, UTF-8. */
#define UTF8_REPLACEMENT "\xef\xbf\xbd"

/* Decodes the character at s (n bytes available, a NUL ends it early);
 * returns its length 1..4 with the code point in *cp, or 0 for an invalid,
 * overlong, surrogate, out-of-range or cut-off sequence. */
int utf8_decode(const char *s, size_t n, uint32_t *cp);
/* Writes cp as UTF-8 into out (room for 4 bytes); returns the length, or 0
 * for a surrogate or a value past U+10FFFF. */
int utf8_encode(uint32_t cp, char *out);
/* 1 when byte c continues a character (10xxxxxx). */
int utf8_is_cont(unsigned char c);
/* 1 when the C library's LC_CTYPE character set is UTF-8 (call after
 * setlocale). */
int utf8_locale(void);

#endif

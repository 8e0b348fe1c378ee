/* prompt.c - the one-line text input: editing a UTF-8 buffer by key codes. */
#include "prompt.h"

#include <string.h>

#include "keys.h"
#include "text.h"

enum {
    CTRL_A = 1,
    CTRL_D = 4,
    CTRL_E = 5,
    CTRL_U = 21,
};

/* Whether byte c continues a UTF-8 sequence. */
static int continuation(unsigned char c)
{
    return (c & 0xC0) == 0x80;
}

/* Encodes code point c; returns the bytes written (0 for what may not be typed). */
static int encode(int c, char out[4])
{
    if (c < 0x20 || c == 0x7F || (c >= 0x80 && c < 0xA0) || (c >= 0xD800 && c <= 0xDFFF) ||
        c > 0x10FFFF)
        return 0;
    if (c < 0x80) {
        out[0] = (char)c;
        return 1;
    }
    if (c < 0x800) {
        out[0] = (char)(0xC0 | c >> 6);
        out[1] = (char)(0x80 | (c & 0x3F));
        return 2;
    }
    if (c < 0x10000) {
        out[0] = (char)(0xE0 | c >> 12);
        out[1] = (char)(0x80 | (c >> 6 & 0x3F));
        out[2] = (char)(0x80 | (c & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | c >> 18);
    out[1] = (char)(0x80 | (c >> 12 & 0x3F));
    out[2] = (char)(0x80 | (c >> 6 & 0x3F));
    out[3] = (char)(0x80 | (c & 0x3F));
    return 4;
}

static int count_chars(const char *s, size_t len)
{
    int n = 0;
    for (size_t i = 0; i < len; i++)
        n += !continuation((unsigned char)s[i]);
    return n;
}

/* Byte offset of the character before / after offset at. */
static size_t back_one(const prompt *p, size_t at)
{
    if (at == 0)
        return 0;
    at--;
    while (at > 0 && continuation((unsigned char)p->text[at]))
        at--;
    return at;
}

static size_t forward_one(const prompt *p, size_t at)
{
    if (at >= p->len)
        return p->len;
    at++;
    while (at < p->len && continuation((unsigned char)p->text[at]))
        at++;
    return at;
}

/* Removes the bytes [from, to). */
static void cut(prompt *p, size_t from, size_t to)
{
    memmove(p->text + from, p->text + to, p->len - to + 1);
    p->len -= to - from;
}

void prompt_open(prompt *p, const char *caption, const char *initial, int max_chars)
{
    memset(p, 0, sizeof *p);
    p->open = 1;
    p->max_chars = max_chars > 0 && max_chars <= PROMPT_MAX_CHARS ? max_chars : PROMPT_MAX_CHARS;
    if (caption) {
        /* Whole characters up to the buffer's size: the screen scrolls the
         * input field after it, never the caption. */
        size_t n = strlen(caption);
        if (n >= sizeof p->caption) {
            n = sizeof p->caption - 1;
            while (n > 0 && continuation((unsigned char)caption[n]))
                n--;
        }
        memcpy(p->caption, caption, n);
        p->caption[n] = '\0';
    }
    /* Typed one character at a time, so the initial text obeys the same rules. */
    for (const unsigned char *s = (const unsigned char *)(initial ? initial : ""); *s;) {
        int c = *s, n = 1;
        if (c >= 0xF0)
            c &= 0x07, n = 4;
        else if (c >= 0xE0)
            c &= 0x0F, n = 3;
        else if (c >= 0xC0)
            c &= 0x1F, n = 2;
        int k = 1;
        for (; k < n && continuation(s[k]); k++)
            c = c << 6 | (s[k] & 0x3F);
        s += k;
        if (k == n)
            prompt_key(p, c);
    }
}

void prompt_close(prompt *p)
{
    p->open = 0;
}

prompt_result prompt_key(prompt *p, int code)
{
    if (!p->open)
        return PROMPT_ESCAPE;
    switch (code) {
    case '\r':
    case '\n':
    case KEYS_K_ENTER:
        p->open = 0;
        return PROMPT_ENTER;
    case KEYS_K_ESC:
        p->open = 0;
        return PROMPT_ESCAPE;
    case KEYS_K_LEFT:
        p->cursor = back_one(p, p->cursor);
        return PROMPT_EDITING;
    case KEYS_K_RIGHT:
        p->cursor = forward_one(p, p->cursor);
        return PROMPT_EDITING;
    case KEYS_K_HOME:
    case CTRL_A:
        p->cursor = 0;
        return PROMPT_EDITING;
    case KEYS_K_END:
    case CTRL_E:
        p->cursor = p->len;
        return PROMPT_EDITING;
    case KEYS_K_BACKSPACE: {
        size_t from = back_one(p, p->cursor);
        cut(p, from, p->cursor);
        p->cursor = from;
        return PROMPT_EDITING;
    }
    case KEYS_K_DELETE:
    case CTRL_D:
        cut(p, p->cursor, forward_one(p, p->cursor));
        return PROMPT_EDITING;
    case CTRL_U:
        p->len = p->cursor = 0;
        p->text[0] = '\0';
        return PROMPT_EDITING;
    default:
        break;
    }
    char bytes[4];
    int n = encode(code, bytes);
    if (n == 0 || prompt_length(p) >= p->max_chars || p->len + (size_t)n >= sizeof p->text)
        return PROMPT_EDITING;
    memmove(p->text + p->cursor + n, p->text + p->cursor, p->len - p->cursor + 1);
    memcpy(p->text + p->cursor, bytes, (size_t)n);
    p->len += (size_t)n;
    p->cursor += (size_t)n;
    return PROMPT_EDITING;
}

const char *prompt_text(const prompt *p)
{
    return p->text;
}

int prompt_length(const prompt *p)
{
    return count_chars(p->text, p->len);
}

int prompt_cursor_column(const prompt *p)
{
    char before[PROMPT_TEXT_BYTES];
    memcpy(before, p->text, p->cursor);
    before[p->cursor] = '\0';
    return text_width(before);
}

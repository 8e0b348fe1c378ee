/* prompt.c - the one-line text input: editing a UTF-8 buffer by key codes. */
#include "prompt.h"

#include <stdint.h>
#include <string.h>

#include "keys.h"
#include "text.h"
#include "utf8.h"

/* Whether code may be typed into the text: no control character (C0,
 * DEL, C1), no surrogate, nothing past U+10FFFF. */
static int typable(int c)
{
    return c >= 0x20 && c != 0x7F && !(c >= 0x80 && c < 0xA0) && c <= 0x10FFFF;
}

static int count_chars(const char *s, size_t len)
{
    int n = 0;
    for (size_t i = 0; i < len; i++)
        n += !utf8_is_cont((unsigned char)s[i]);
    return n;
}

/* Byte offset of the character before / after offset at. */
static size_t back_one(const prompt *p, size_t at)
{
    if (at > p->len)
        at = p->len;
    while (at > 0) {
        at--;
        if (!utf8_is_cont((unsigned char)p->text[at]))
            break;
    }
    return at;
}

static size_t forward_one(const prompt *p, size_t at)
{
    if (at >= p->len)
        return p->len;
    at++;
    while (at < p->len && utf8_is_cont((unsigned char)p->text[at]))
        at++;
    return at;
}

/* Removes the bytes [from, to). */
static void cut(prompt *p, size_t from, size_t to)
{
    memmove(p->text + from, p->text + to, p->len - to + 1);
    p->len -= to - from;
}

/* Inserts character c at the cursor when it may be typed and there is room. */
static void insert(prompt *p, int c)
{
    char bytes[4];
    int n = typable(c) ? utf8_encode((uint32_t)c, bytes) : 0;
    if (n == 0 || prompt_length(p) >= p->max_chars || p->len + (size_t)n >= sizeof p->text)
        return;
    memmove(p->text + p->cursor + n, p->text + p->cursor, p->len - p->cursor + 1);
    memcpy(p->text + p->cursor, bytes, (size_t)n);
    p->len += (size_t)n;
    p->cursor += (size_t)n;
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
            while (n > 0 && utf8_is_cont((unsigned char)caption[n]))
                n--;
        }
        memcpy(p->caption, caption, n);
        p->caption[n] = '\0';
    }
    /* Inserted one character at a time, so the initial text obeys the
     * same rules as typing; a control character in it (a newline in a file
     * name) is left out, never taken for Enter or Ctrl-U. */
    const char *t = initial ? initial : "";
    size_t left = strlen(t);
    while (left > 0) {
        uint32_t cp;
        int n = utf8_decode(t, left, &cp);
        if (n == 0) {
            t++, left--;
            continue;
        }
        insert(p, (int)cp);
        t += n, left -= (size_t)n;
    }
    p->selected = p->len > 0;
}

void prompt_retry(prompt *p)
{
    p->open = 1;
    p->cursor = p->len;
    p->selected = p->len > 0;
}

void prompt_close(prompt *p)
{
    p->open = 0;
}

prompt_result prompt_key(prompt *p, int code)
{
    if (!p->open)
        return PROMPT_ESCAPE;
    /* The editing keys are the key table's; every other key types. */
    keys_action a = keys_lookup(KEYS_MAP_TEXT, code, 0);
    if (p->selected) {
        /* What a key does to the selection: moving keeps the text and
         * ends the selection at its start or end; deleting or typing a
         * character takes the whole text away first. */
        switch (a) {
        case KEYS_CURSOR_LEFT:
        case KEYS_LINE_START:
            p->selected = 0;
            p->cursor = 0;
            return PROMPT_EDITING;
        case KEYS_CURSOR_RIGHT:
        case KEYS_LINE_END:
            p->selected = 0;
            p->cursor = p->len;
            return PROMPT_EDITING;
        case KEYS_DELETE_BACK:
        case KEYS_DELETE:
        case KEYS_CLEAR_LINE:
            a = KEYS_CLEAR_LINE;
            break;
        case KEYS_NONE:
            if (!typable(code))
                return PROMPT_EDITING; /* a key that types nothing keeps the selection */
            p->len = p->cursor = 0;
            p->text[0] = '\0';
            break;
        default:
            break;
        }
        p->selected = 0;
    }
    switch (a) {
    case KEYS_ENTER:
        p->open = 0;
        return PROMPT_ENTER;
    case KEYS_CANCEL:
        p->open = 0;
        return PROMPT_ESCAPE;
    case KEYS_CURSOR_LEFT:
        p->cursor = back_one(p, p->cursor);
        return PROMPT_EDITING;
    case KEYS_CURSOR_RIGHT:
        p->cursor = forward_one(p, p->cursor);
        return PROMPT_EDITING;
    case KEYS_LINE_START:
        p->cursor = 0;
        return PROMPT_EDITING;
    case KEYS_LINE_END:
        p->cursor = p->len;
        return PROMPT_EDITING;
    case KEYS_DELETE_BACK: {
        size_t from = back_one(p, p->cursor);
        cut(p, from, p->cursor);
        p->cursor = from;
        return PROMPT_EDITING;
    }
    case KEYS_DELETE:
        cut(p, p->cursor, forward_one(p, p->cursor));
        return PROMPT_EDITING;
    case KEYS_CLEAR_LINE:
        p->len = p->cursor = 0;
        p->text[0] = '\0';
        return PROMPT_EDITING;
    default:
        break;
    }
    insert(p, code);
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

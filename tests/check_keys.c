/* check_keys.c - the key lists of the README and the man page are the key
 * table's: both are made from it here and must match the files word for
 * word.  BACKSTEP_GOLDEN_WRITE=1 (make golden) writes them into README.md
 * and src/backstep.1 anew, so a change of keys is a reviewed diff. */
#include <check.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keys.h"
#include "utf8.h"

enum { DOC_BYTES = 1 << 16 };

/* The maps in the order the documentation lists them. */
static const keys_map doc_order[] = {
    KEYS_MAP_STEP,  KEYS_MAP_GLOBAL, KEYS_MAP_QUIZ,   KEYS_MAP_SHAPE, KEYS_MAP_TRAIN,
    KEYS_MAP_CHECK, KEYS_MAP_EDIT,   KEYS_MAP_BROWSE, KEYS_MAP_HELP,  KEYS_MAP_TEXT,
};

static const char intro[] =
    "The key bar at the bottom of the screen shows the keys that matter at the\n"
    "moment; `?` lists those of the screen you are on.";

/* Appends printf-style text to buf. */
static void add(char *buf, const char *fmt, ...)
{
    size_t len = strlen(buf);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + len, DOC_BYTES - len, fmt, ap);
    va_end(ap);
}

/* A map's name as a heading: its first letter a capital. */
static void heading(keys_map m, char *buf, size_t size)
{
    snprintf(buf, size, "%s", keys_map_name(m));
    if (buf[0] >= 'a' && buf[0] <= 'z')
        buf[0] = (char)(buf[0] - 'a' + 'A');
}

/* The README's key list: one table per map. */
static void markdown(char *out)
{
    size_t n;
    const keys_entry *k = keys_table(&n);
    out[0] = '\0';
    add(out, "\n%s\n", intro);
    for (size_t m = 0; m < sizeof doc_order / sizeof doc_order[0]; m++) {
        char title[128];
        heading(doc_order[m], title, sizeof title);
        add(out, "\n**%s**\n\n| key | does |\n| --- | --- |\n", title);
        for (size_t i = 0; i < n; i++) {
            if (k[i].map != doc_order[m])
                continue;
            /* Keys that are characters in backticks: → `l` `n` Space. */
            char keys[128] = "";
            const char *p = k[i].keys;
            while (*p) {
                size_t w = strcspn(p, " ");
                int one = w == 1 && (unsigned char)*p < 0x80;
                size_t len = strlen(keys);
                snprintf(keys + len, sizeof keys - len, "%s%s%.*s%s", len ? " " : "",
                         one ? "`" : "", (int)w, p, one ? "`" : "");
                p += w;
                while (*p == ' ')
                    p++;
            }
            add(out, "| %s | %s |\n", keys, k[i].help);
        }
    }
}

/* Text for troff: non-ASCII as \[uXXXX] (arrows by their names), a
 * backslash as \e, a leading dot or quote protected. */
static void troff(const char *s, int key, char *out, size_t size)
{
    size_t len = 0;
    out[0] = '\0';
    if (*s == '.' || *s == '\'')
        len += (size_t)snprintf(out, size, "\\&");
    while (*s && len + 12 < size) {
        uint32_t cp;
        int n = utf8_decode(s, strlen(s), &cp);
        if (n <= 0)
            n = 1, cp = '?';
        const char *rep = NULL;
        char tmp[16];
        switch (cp) {
        case 0x2192: rep = "\\(->"; break;
        case 0x2190: rep = "\\(<-"; break;
        case 0x2191: rep = "\\(ua"; break;
        case 0x2193: rep = "\\(da"; break;
        case '\\': rep = "\\e"; break;
        case '-': rep = key ? "\\-" : "-"; break;
        default:
            if (cp >= 0x80) {
                snprintf(tmp, sizeof tmp, "\\[u%04X]", (unsigned)cp);
                rep = tmp;
            }
        }
        if (rep)
            len += (size_t)snprintf(out + len, size - len, "%s", rep);
        else
            out[len++] = (char)cp, out[len] = '\0';
        s += n;
    }
}

/* The man page's KEYS section: one subsection per map. */
static void man(char *out)
{
    size_t n;
    const keys_entry *k = keys_table(&n);
    char buf[512];
    out[0] = '\0';
    add(out, ".SH KEYS\nThe key bar at the bottom of the screen shows the keys that matter at\n"
             "the moment;\n.B ?\\&\nlists those of the screen you are on.\n");
    for (size_t m = 0; m < sizeof doc_order / sizeof doc_order[0]; m++) {
        char title[128];
        heading(doc_order[m], title, sizeof title);
        troff(title, 0, buf, sizeof buf);
        add(out, ".SS %s\n", buf);
        int first = 1;
        for (size_t i = 0; i < n; i++) {
            if (k[i].map != doc_order[m])
                continue;
            add(out, first ? ".TP 18\n" : ".TP\n");
            first = 0;
            troff(k[i].keys, 1, buf, sizeof buf);
            add(out, ".B %s\n", buf);
            troff(k[i].help, 0, buf, sizeof buf);
            buf[0] = buf[0] >= 'a' && buf[0] <= 'z' ? (char)(buf[0] - 'a' + 'A') : buf[0];
            add(out, "%s.\n", buf);
        }
    }
}

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot read %s", path);
    char *buf = calloc(1, 1 << 20);
    ck_assert_ptr_nonnull(buf);
    size_t len = fread(buf, 1, (1 << 20) - 1, f);
    buf[len] = '\0';
    fclose(f);
    return buf;
}

/* The section of text from the line `start` (kept) to the next line that
 * begins with `next` (not part of it): *from and *to are its bounds. */
static void section(const char *text, const char *start, const char *next, size_t *from,
                    size_t *to)
{
    const char *a = strstr(text, start);
    ck_assert_msg(a != NULL, "no '%s'", start);
    const char *body = strchr(a, '\n');
    ck_assert_ptr_nonnull(body);
    body++;
    const char *b = body;
    while (*b && strncmp(b, next, strlen(next)) != 0) {
        const char *nl = strchr(b, '\n');
        b = nl ? nl + 1 : b + strlen(b);
    }
    *from = (size_t)(body - text);
    *to = (size_t)(b - text);
}

/* Compares the part of `path` between the `start` line and the next line
 * beginning with `next` with `want`, or writes want there. */
static void compare(const char *path, const char *start, const char *next, const char *want,
                    int whole)
{
    char *text = read_file(path);
    size_t from, to;
    section(text, start, next, &from, &to);
    if (whole)
        from -= strlen(start); /* the heading line is generated too */
    const char *w = getenv("BACKSTEP_GOLDEN_WRITE");
    if (w && strcmp(w, "1") == 0) {
        FILE *f = fopen(path, "wb");
        ck_assert_ptr_nonnull(f);
        fwrite(text, 1, from, f);
        fputs(want, f);
        fputs(whole ? "" : "\n", f);
        fputs(text + to, f);
        ck_assert_int_eq(fclose(f), 0);
        free(text);
        return;
    }
    size_t len = to - from;
    char *have = strndup(text + from, len);
    char expect[DOC_BYTES + 2];
    snprintf(expect, sizeof expect, "%s%s", want, whole ? "" : "\n");
    if (strcmp(have, expect) != 0) {
        size_t i = 0;
        while (have[i] && have[i] == expect[i])
            i++;
        ck_abort_msg("%s: the key list differs from the key table at \"%.60s\" "
                     "(want \"%.60s\"); make golden writes it anew",
                     path, have + i, expect + i);
    }
    free(have);
    free(text);
}

START_TEST(readme_keys_are_the_tables)
{
    static char md[DOC_BYTES];
    markdown(md);
    /* Every key of every map is in it. */
    size_t n;
    const keys_entry *k = keys_table(&n);
    for (size_t i = 0; i < n; i++)
        ck_assert_msg(strstr(md, k[i].help), "no '%s'", k[i].help);
    ck_assert_ptr_nonnull(strstr(md, "| → `l` `n` Space PgDn | next step"));
    ck_assert_ptr_nonnull(strstr(md, "**The lesson browser (o)**"));
    compare("README.md", "## Keys\n", "## ", md, 0);
}
END_TEST

START_TEST(man_keys_are_the_tables)
{
    static char page[DOC_BYTES];
    man(page);
    ck_assert_ptr_nonnull(strstr(page, ".B \\(-> l n Space PgDn\nNext step"));
    ck_assert_ptr_nonnull(strstr(page, ".B Shift\\-Tab\n"));
    compare("src/backstep.1", ".SH KEYS\n", ".SH ", page, 1);
}
END_TEST

Suite *keys_suite(void)
{
    Suite *s = suite_create("keys");
    TCase *tc = tcase_create("docs");
    tcase_add_test(tc, readme_keys_are_the_tables);
    tcase_add_test(tc, man_keys_are_the_tables);
    suite_add_tcase(s, tc);
    return s;
}

/* mode_browse.c - the lesson browser (key o): every lesson file there is,
 * sorted, with a count; a lesson is read for its title and description
 * (or the reason it does not load) only once it is selected or near it,
 * a few at a time between keys, so a folder of hundreds of large lessons
 * opens at once and never holds a key up for long.  Choosing one asks the
 * dispatcher to open it in place of this one, asking first when edits
 * would be lost. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "catalog.h"
#include "draw.h"
#include "mode.h"
#include "save.h"
#include "text.h"

enum {
    SLICE_MS = 20, /* reading lessons in one tick, at least one */
    NEAR = 80,     /* lessons this far from the selection are read: all a screen shows */
    PAGE = 10,     /* rows a page key moves */
};

/* The browser between keys; the list is made once per screen. */
typedef struct {
    catalog cat;
    int loaded;                     /* cat holds a listing */
    int sel;                        /* the selected entry */
    int asking;                     /* "discard unsaved edits and open …? (y/n)" */
    char error[MODE_MESSAGE_BYTES]; /* why the selected lesson does not load */
} browse_mode;

/* Monotonic seconds, to time the slices. */
static double seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *browse_create(void)
{
    return calloc(1, sizeof(browse_mode));
}

static void browse_destroy(void *self)
{
    browse_mode *m = self;
    if (m && m->loaded)
        catalog_free(&m->cat);
    free(m);
}

static mode_reply browse_open(mode_ctx *c, void *self, keys_action why)
{
    browse_mode *m = self;
    (void)why;
    m->error[0] = '\0';
    m->asking = 0;
    c->open_error[0] = '\0';
    if (!m->loaded) {
        if (catalog_list_default(&m->cat) != 0)
            snprintf(m->error, sizeof m->error, "%s", "out of memory while listing the lessons");
        m->loaded = 1;
        m->sel = 0;
        /* Start on the lesson that is open. */
        const lesson *l = c->lesson;
        for (int i = 0; l && l->path && i < m->cat.n; i++)
            if (strcmp(m->cat.entries[i].path, l->path) == 0)
                m->sel = i;
    }
    return MODE_DONE;
}

/* The chosen lesson, to be opened in place of this one. */
static mode_reply open_chosen(mode_ctx *c, browse_mode *m)
{
    const catalog_entry *e = &m->cat.entries[m->sel];
    save_clean_stale(e->path); /* what an interrupted save of it left behind */
    snprintf(c->open_path, sizeof c->open_path, "%s", e->path);
    return MODE_LESSON;
}

static mode_reply browse_key(mode_ctx *c, void *self, int code)
{
    browse_mode *m = self;
    int n = m->cat.n;
    if (m->asking) {
        m->asking = 0;
        if (keys_lookup(KEYS_MAP_EDIT, code, 0) == KEYS_YES)
            return open_chosen(c, m);
        return MODE_DONE; /* no: the browser stays, the edits too */
    }
    keys_action a = keys_lookup(KEYS_MAP_BROWSE, code, 0);
    if (a == KEYS_BLANK)
        return MODE_PASS; /* its row blanks the screen; the browser stays as it was */
    if (a != KEYS_CHOOSE && a != KEYS_NONE) {
        m->error[0] = '\0';
        c->open_error[0] = '\0';
    }
    switch (a) {
    case KEYS_DOWN:
        m->sel++;
        break;
    case KEYS_UP:
        m->sel--;
        break;
    case KEYS_PAGE_DOWN:
        m->sel += PAGE;
        break;
    case KEYS_PAGE_UP:
        m->sel -= PAGE;
        break;
    case KEYS_TOP:
        m->sel = 0;
        break;
    case KEYS_BOTTOM:
        m->sel = n - 1;
        break;
    case KEYS_BACK:
        return MODE_CLOSE;
    case KEYS_CHOOSE: {
        if (n == 0)
            return MODE_DONE;
        catalog_describe(&m->cat, m->sel);
        const catalog_entry *e = &m->cat.entries[m->sel];
        if (e->error) {
            snprintf(m->error, sizeof m->error, "%s", e->error);
            return MODE_DONE;
        }
        if (c->modified) {
            m->asking = 1;
            return MODE_DONE;
        }
        return open_chosen(c, m);
    }
    default:
        return MODE_PASS;
    }
    m->sel = m->sel >= n ? n - 1 : m->sel;
    m->sel = m->sel < 0 ? 0 : m->sel;
    return MODE_DONE;
}

/* The next lesson to read: the selected one, then the nearest ones
 * below and above it; -1 when every one near it is read. */
static int next_unread(const browse_mode *m)
{
    for (int d = 0; d <= NEAR; d++)
        for (int s = 0; s < 2; s++) {
            int i = s ? m->sel - d : m->sel + d;
            if (i >= 0 && i < m->cat.n && !m->cat.entries[i].described)
                return i;
        }
    return -1;
}

/* Reads the lessons near the selection for about SLICE_MS. */
static int browse_tick(mode_ctx *c, void *self)
{
    browse_mode *m = self;
    if (!m->loaded)
        return 0;
    double t0 = seconds();
    int read = 0, i;
    while ((i = next_unread(m)) >= 0) {
        if (read > 0 && seconds() - t0 > SLICE_MS / 1000.0)
            break;
        if (catalog_describe(&m->cat, i) != 0) {
            snprintf(m->error, sizeof m->error, "%s", "out of memory while reading the lessons");
            return 1;
        }
        read++;
    }
    if (next_unread(m) >= 0)
        c->wake_ms = 0;
    return read > 0;
}

/* The list over the stepping screen's body (its header stays), the chosen
 * lesson's path and description or error below it. */
static void browse_layout(const mode_ctx *c, const void *self, frame *f)
{
    const browse_mode *m = self;
    int w = f->cols, top = 2, rows = f->height - 3, end = top + rows;
    int right = draw_text_right(f);
    frame_clear_rows(f, top, rows);
    char count[96];
    snprintf(count, sizeof count, "%d of %d lesson%s%s", m->cat.n ? m->sel + 1 : 0, m->cat.n,
             m->cat.n == 1 ? "" : "s", m->cat.truncated ? " (more not listed)" : "");
    frame_rule(f, top, "Open a lesson", count);
    /* Below the list: a rule and at least five rows for the chosen lesson
     * (the key bar says the keys); a short list leaves the rest to the
     * lesson's words. */
    int list_rows = rows - 7;
    if (list_rows > m->cat.n)
        list_rows = m->cat.n;
    if (list_rows < 3)
        list_rows = 3;
    int first = 0;
    if (m->sel >= list_rows)
        first = m->sel - list_rows + 1;
    int namew = 0;
    for (int i = first; i < m->cat.n && i - first < list_rows; i++) {
        char name[256];
        text_quote_path(m->cat.entries[i].name, name, sizeof name, f->ascii);
        int nw = frame_width(f, name);
        namew = nw > namew ? nw : namew;
    }
    if (namew > 24)
        namew = 24;
    for (int i = first; i < m->cat.n && i - first < list_rows; i++) {
        const catalog_entry *e = &m->cat.entries[i];
        int row = top + 1 + i - first, sel = i == m->sel;
        char name[256], title[512];
        text_quote_path(e->name, name, sizeof name, f->ascii);
        if (sel)
            frame_fill(f, row, 1, w - 1, FRAME_FOCUS);
        frame_put(f, row, 2, w, sel ? "▸" : " ", sel ? FRAME_FOCUS : FRAME_NORMAL);
        frame_put(f, row, 4, 4 + namew, name, sel ? FRAME_FOCUS : FRAME_TITLE);
        int attr = sel ? FRAME_FOCUS : FRAME_NORMAL;
        if (!e->described) {
            snprintf(title, sizeof title, "%s", "reading…");
            attr = sel ? FRAME_FOCUS : FRAME_DIM;
        } else if (e->error) {
            snprintf(title, sizeof title, "%s", "does not load (Enter shows why)");
            attr = sel ? FRAME_FOCUS : FRAME_WARNING;
        } else {
            text_sanitize(e->title ? e->title : "", title, sizeof title);
        }
        frame_put(f, row, 6 + namew, w - 2, title, attr);
    }
    if (first > 0)
        frame_put(f, top + 1, w - 2, w, "↑", FRAME_DIM);
    if (first + list_rows < m->cat.n)
        frame_put(f, top + list_rows, w - 2, w, "↓", FRAME_DIM);
    if (m->cat.n == 0)
        frame_put(f, top + 1, 4, w, "no lessons found", FRAME_DIM);
    int r = top + 1 + list_rows;
    const char *error = m->error[0] ? m->error : c->open_error;
    if (m->cat.n > 0) {
        const catalog_entry *e = &m->cat.entries[m->sel];
        char path[1024], text[2048];
        text_quote_path(e->path, path, sizeof path, f->ascii);
        frame_rule(f, r, "About", NULL);
        frame_put(f, r + 1, 2, w - 1, path, FRAME_DIM);
        if (error[0]) {
            text_sanitize(error, text, sizeof text);
            frame_wrap(f, r + 2, end - (r + 2), 2, right, text);
            for (int k = r + 2; k < end; k++)
                for (int col = 0; col < w; col++)
                    if (frame_at(f, k, col)->ch[0] != ' ')
                        frame_at(f, k, col)->attr = FRAME_WARNING;
        } else if (e->description) {
            text_sanitize(e->description, text, sizeof text);
            frame_wrap(f, r + 2, end - (r + 2), 2, right, text);
        }
    }
    keys_map map = KEYS_MAP_BROWSE;
    draw_keybar(f, f->height - 1, &map, 1, 0);
    if (m->asking) {
        /* The question waits on the bottom row. */
        char name[256], q[512];
        text_quote_path(m->cat.entries[m->sel].name, name, sizeof name, f->ascii);
        snprintf(q, sizeof q, "discard unsaved edits and open %s? (y/n)", name);
        frame_fill(f, f->height - 1, 0, w, FRAME_NORMAL);
        frame_put(f, f->height - 1, 1, w, q, FRAME_TITLE);
    }
}

const mode_ops mode_browse = {
    .map = KEYS_MAP_BROWSE,
    .passes = 0,
    .create = browse_create,
    .destroy = browse_destroy,
    .open = browse_open,
    .key = browse_key,
    .tick = browse_tick,
    .layout = browse_layout,
};

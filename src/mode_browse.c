/* mode_browse.c - the lesson browser (key o): every lesson catalog_load()
 * finds, with its title and description or the message of why it does not
 * load; choosing one asks the dispatcher to open it in place of this one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "draw.h"
#include "mode.h"
#include "text.h"

/* The browser between keys; the catalog is read once per screen. */
typedef struct {
    catalog cat;
    int loaded;                     /* cat holds a scan */
    int sel;                        /* the selected entry */
    char error[MODE_MESSAGE_BYTES]; /* why the selected lesson does not load */
} browse_mode;

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
    c->open_error[0] = '\0';
    if (!m->loaded) {
        if (catalog_load(&m->cat) != 0)
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

static mode_reply browse_key(mode_ctx *c, void *self, int code)
{
    browse_mode *m = self;
    int n = m->cat.n;
    keys_action a = keys_lookup(KEYS_MAP_BROWSE, code, 0);
    if (a != KEYS_CHOOSE && a != KEYS_NONE) {
        m->error[0] = '\0';
        c->open_error[0] = '\0';
    }
    switch (a) {
    case KEYS_DOWN:
        if (m->sel + 1 < n)
            m->sel++;
        return MODE_DONE;
    case KEYS_UP:
        if (m->sel > 0)
            m->sel--;
        return MODE_DONE;
    case KEYS_TOP:
        m->sel = 0;
        return MODE_DONE;
    case KEYS_BOTTOM:
        m->sel = n > 0 ? n - 1 : 0;
        return MODE_DONE;
    case KEYS_BACK:
        return MODE_CLOSE;
    case KEYS_CHOOSE: {
        if (n == 0)
            return MODE_DONE;
        const catalog_entry *e = &m->cat.entries[m->sel];
        if (e->error) {
            snprintf(m->error, sizeof m->error, "%s", e->error);
            return MODE_DONE;
        }
        snprintf(c->open_path, sizeof c->open_path, "%s", e->path);
        return MODE_LESSON;
    }
    default:
        return MODE_PASS;
    }
}

/* The list over the stepping screen's body (its header stays), the chosen
 * lesson's path and description or error below it. */
static void browse_layout(const mode_ctx *c, const void *self, frame *f)
{
    const browse_mode *m = self;
    int w = f->cols, top = 2, rows = f->height - 3, end = top + rows;
    int right = draw_text_right(f);
    frame_clear_rows(f, top, rows);
    char count[64];
    snprintf(count, sizeof count, "%d lesson%s%s", m->cat.n, m->cat.n == 1 ? "" : "s",
             m->cat.truncated ? " (more not listed)" : "");
    frame_rule(f, top, "Open a lesson", count);
    /* Below the list: a rule, four rows for the chosen lesson, one of keys. */
    int list_rows = rows - 7;
    if (list_rows < 3)
        list_rows = 3;
    int first = 0;
    if (m->sel >= list_rows)
        first = m->sel - list_rows + 1;
    int namew = 0;
    for (int i = 0; i < m->cat.n; i++) {
        int nw = frame_width(f, m->cat.entries[i].name);
        namew = nw > namew ? nw : namew;
    }
    if (namew > 24)
        namew = 24;
    for (int i = first; i < m->cat.n && i - first < list_rows; i++) {
        const catalog_entry *e = &m->cat.entries[i];
        int row = top + 1 + i - first, sel = i == m->sel;
        char name[256], title[512];
        text_sanitize(e->name, name, sizeof name);
        if (sel)
            frame_fill(f, row, 1, w - 1, FRAME_FOCUS);
        frame_put(f, row, 2, w, sel ? "▸" : " ", sel ? FRAME_FOCUS : FRAME_NORMAL);
        frame_put(f, row, 4, 4 + namew, name, sel ? FRAME_FOCUS : FRAME_TITLE);
        if (e->error)
            snprintf(title, sizeof title, "%s", "does not load (Enter shows why)");
        else
            text_sanitize(e->title ? e->title : "", title, sizeof title);
        frame_put(f, row, 6 + namew, w - 2, title,
                  sel ? FRAME_FOCUS : e->error ? FRAME_WARNING : FRAME_NORMAL);
    }
    if (m->cat.n == 0)
        frame_put(f, top + 1, 4, w, "no lessons found", FRAME_DIM);
    int r = top + 1 + list_rows;
    const char *error = m->error[0] ? m->error : c->open_error;
    if (m->cat.n > 0) {
        const catalog_entry *e = &m->cat.entries[m->sel];
        char path[1024], text[2048];
        text_sanitize(e->path, path, sizeof path);
        frame_rule(f, r, "About", NULL);
        frame_put(f, r + 1, 2, w - 1, path, FRAME_DIM);
        if (error[0]) {
            text_sanitize(error, text, sizeof text);
            frame_wrap(f, r + 2, end - 1 - (r + 2), 2, right, text);
            for (int k = r + 2; k < end - 1; k++)
                for (int col = 0; col < w; col++)
                    if (frame_at(f, k, col)->ch[0] != ' ')
                        frame_at(f, k, col)->attr = FRAME_WARNING;
        } else if (e->description) {
            text_sanitize(e->description, text, sizeof text);
            frame_wrap(f, r + 2, end - 1 - (r + 2), 2, right, text);
        }
    }
    frame_put(f, end - 1, 2, w, "↑↓ choose · Enter opens · Esc back", FRAME_DIM);
    keys_map map = KEYS_MAP_BROWSE;
    draw_keybar(f, f->height - 1, &map, 1, 0);
}

const mode_ops mode_browse = {
    .map = KEYS_MAP_BROWSE,
    .passes = 0,
    .create = browse_create,
    .destroy = browse_destroy,
    .open = browse_open,
    .key = browse_key,
    .layout = browse_layout,
};

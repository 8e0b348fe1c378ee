/* view_browse.c - the lesson browser (key o): every lesson catalog_load()
 * finds, with its title and description or the message of why it does not
 * load; Enter asks the caller to open the chosen one. */
#include "view.h"

#include <stdio.h>
#include <string.h>

#include "keys.h"
#include "text.h"

/* Declared for view_shape.c, which dispatches the keys. */
void view_browse_open(view_state *st);
view_learn_request view_browse_key(view_state *st, int code);
void view_browse_layout(view_frame *f, int ascii, int top, int rows, const view_state *st);

void view_browse_open(view_state *st)
{
    view_learn *t = &st->learn;
    t->tool = VIEW_LEARN_BROWSE;
    t->browse_error[0] = '\0';
    if (!t->browse_loaded) {
        if (catalog_load(&t->cat) != 0)
            snprintf(t->browse_error, sizeof t->browse_error, "%s",
                     "out of memory while listing the lessons");
        t->browse_loaded = 1;
        t->browse_sel = 0;
        /* Start on the lesson that is open. */
        for (int i = 0; t->lesson && t->lesson->path && i < t->cat.n; i++)
            if (strcmp(t->cat.entries[i].path, t->lesson->path) == 0)
                t->browse_sel = i;
    }
}

view_learn_request view_browse_key(view_state *st, int code)
{
    view_learn *t = &st->learn;
    int n = t->cat.n;
    switch (code) {
    case KEYS_K_DOWN:
    case 'j':
        if (t->browse_sel + 1 < n)
            t->browse_sel++;
        break;
    case KEYS_K_UP:
    case 'k':
        if (t->browse_sel > 0)
            t->browse_sel--;
        break;
    case KEYS_K_HOME:
    case 'g':
        t->browse_sel = 0;
        break;
    case KEYS_K_END:
    case 'G':
        t->browse_sel = n > 0 ? n - 1 : 0;
        break;
    case KEYS_K_ESC:
    case 'q':
    case 'o':
        t->tool = VIEW_LEARN_NONE;
        break;
    case '\r':
    case '\n':
    case KEYS_K_ENTER:
    case KEYS_K_RIGHT: {
        if (n == 0)
            break;
        const catalog_entry *c = &t->cat.entries[t->browse_sel];
        if (c->error) {
            snprintf(t->browse_error, sizeof t->browse_error, "%s", c->error);
            break;
        }
        snprintf(t->open_path, sizeof t->open_path, "%s", c->path);
        return VIEW_LEARN_OPEN;
    }
    default:
        return VIEW_LEARN_DONE;
    }
    if (code != '\r' && code != '\n' && code != KEYS_K_ENTER && code != KEYS_K_RIGHT)
        t->browse_error[0] = '\0';
    return VIEW_LEARN_DONE;
}

void view_browse_failed(view_state *st, const char *message)
{
    view_learn *t = &st->learn;
    t->tool = VIEW_LEARN_BROWSE;
    snprintf(t->browse_error, sizeof t->browse_error, "%s", message);
}

void view_browse_layout(view_frame *f, int ascii, int top, int rows, const view_state *st)
{
    const view_learn *t = &st->learn;
    int w = f->width, end = top + rows;
    int right = w - 2 < 102 ? w - 2 : 102;
    char count[64];
    snprintf(count, sizeof count, "%d lesson%s%s", t->cat.n, t->cat.n == 1 ? "" : "s",
             t->cat.truncated ? " (more not listed)" : "");
    view_rule(f, ascii, top, "Open a lesson", count);
    /* Below the list: a rule, four rows for the chosen lesson, one of keys. */
    int list_rows = rows - 7;
    if (list_rows < 3)
        list_rows = 3;
    int first = 0;
    if (t->browse_sel >= list_rows)
        first = t->browse_sel - list_rows + 1;
    int namew = 0;
    for (int i = 0; i < t->cat.n; i++) {
        int nw = view_width(ascii, t->cat.entries[i].name);
        namew = nw > namew ? nw : namew;
    }
    if (namew > 24)
        namew = 24;
    for (int i = first; i < t->cat.n && i - first < list_rows; i++) {
        const catalog_entry *c = &t->cat.entries[i];
        int row = top + 1 + i - first, sel = i == t->browse_sel;
        char name[256], title[512];
        text_sanitize(c->name, name, sizeof name);
        if (sel)
            view_fill(f, row, 1, w - 1, VIEW_FOCUS);
        view_put(f, ascii, row, 2, w, sel ? "▸" : " ", sel ? VIEW_FOCUS : VIEW_NORMAL);
        view_put(f, ascii, row, 4, 4 + namew, name, sel ? VIEW_FOCUS : VIEW_TITLE);
        if (c->error)
            snprintf(title, sizeof title, "%s", "does not load (Enter shows why)");
        else
            text_sanitize(c->title ? c->title : "", title, sizeof title);
        view_put(f, ascii, row, 6 + namew, w - 2, title,
                 sel ? VIEW_FOCUS : c->error ? VIEW_WARNING : VIEW_NORMAL);
    }
    if (t->cat.n == 0)
        view_put(f, ascii, top + 1, 4, w, "no lessons found", VIEW_DIM);
    int r = top + 1 + list_rows;
    if (t->cat.n > 0) {
        const catalog_entry *c = &t->cat.entries[t->browse_sel];
        char path[1024], text[2048];
        text_sanitize(c->path, path, sizeof path);
        view_rule(f, ascii, r, "About", NULL);
        view_put(f, ascii, r + 1, 2, w - 1, path, VIEW_DIM);
        if (t->browse_error[0]) {
            text_sanitize(t->browse_error, text, sizeof text);
            view_wrap(f, ascii, r + 2, end - 1 - (r + 2), 2, right, text);
            for (int k = r + 2; k < end - 1; k++)
                for (int col = 0; col < w; col++)
                    if (f->cells[(size_t)k * (size_t)w + (size_t)col].ch[0] != ' ')
                        f->cells[(size_t)k * (size_t)w + (size_t)col].attr = VIEW_WARNING;
        } else if (c->description) {
            text_sanitize(c->description, text, sizeof text);
            view_wrap(f, ascii, r + 2, end - 1 - (r + 2), 2, right, text);
        }
    }
    view_put(f, ascii, end - 1, 2, w, "↑↓ choose · Enter opens · Esc back", VIEW_DIM);
}

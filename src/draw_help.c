/* draw_help.c - the help: a box over the screen listing the keys of the
 * given maps from the key table, under their groups' headings; two columns
 * when the screen is wide enough, else one column that scrolls. */
#include <stdio.h>
#include <string.h>

#include "draw.h"
#include "text.h"

enum { HEADINGS = 32 };

/* Lays the keys of the maps out as lines, grouped, explanations wrapped to
 * fit `width` columns after the keys.  Returns the number of lines; *keyw
 * gets the keys' column width, starts[] the first line of each heading and
 * *n_starts their number. */
static int help_plan(const frame *f, int width, const keys_map *maps, int n_maps,
                     draw_help_line *out, int *keyw, int *starts, int *n_starts)
{
    size_t n;
    const keys_entry *k = keys_table(&n);
    int kw = 0;
    for (int m = 0; m < n_maps; m++)
        for (size_t i = 0; i < n; i++) {
            int w = k[i].map == maps[m] ? frame_width(f, k[i].keys) : 0;
            kw = w > kw ? w : kw;
        }
    *keyw = kw;
    *n_starts = 0;
    int tw = width - kw - 2, count = 0;
    if (tw < 10)
        tw = 10;
    for (int m = 0; m < n_maps; m++) {
        for (int g = 0; g < KEYS_GROUP_COUNT; g++) {
            int headed = 0;
            for (size_t i = 0; i < n; i++) {
                if (k[i].map != maps[m] || (int)k[i].group != g)
                    continue;
                if (!headed) {
                    /* A heading, after a blank line. */
                    headed = 1;
                    if (*n_starts < HEADINGS)
                        starts[(*n_starts)++] = count;
                    if (count > 0 && count < DRAW_HELP_LINES)
                        out[count++] = (draw_help_line){NULL, "", 0};
                    if (count < DRAW_HELP_LINES) {
                        out[count] = (draw_help_line){NULL, "", 1};
                        snprintf(out[count].text, sizeof out[count].text, "%s",
                                 keys_group_name((keys_group)g));
                        count++;
                    }
                }
                char buf[FRAME_TEXT_BYTES];
                const char *p = frame_shown(f, k[i].help, buf, sizeof buf);
                int first = 1;
                while (*p && count < DRAW_HELP_LINES) {
                    size_t fit = strlen(p);
                    if (text_width(p) > tw) {
                        fit = text_fit(p, tw);
                        size_t sp = fit;
                        while (sp > 0 && p[sp] != ' ')
                            sp--;
                        if (sp > 0)
                            fit = sp;
                    }
                    draw_help_line *h = &out[count++];
                    h->keys = first ? k[i].keys : NULL;
                    h->heading = 0;
                    snprintf(h->text, sizeof h->text, "%.*s", (int)fit, p);
                    p += fit;
                    while (*p == ' ')
                        p++;
                    first = 0;
                }
            }
        }
    }
    return count;
}

int draw_help_scroll_max(const mode_ctx *c, const keys_map *maps, int n_maps)
{
    frame probe;
    memset(&probe, 0, sizeof probe);
    probe.ascii = c->ascii;
    int keyw, starts[HEADINGS], n_starts;
    int n = help_plan(&probe, FRAME_MIN_WIDTH - 12, maps, n_maps, c->cache->help, &keyw, starts,
                      &n_starts);
    int rows = FRAME_MIN_HEIGHT - 2 - 4;
    return n > rows ? n - rows : 0;
}

void draw_help(frame *f, const mode_ctx *c, const keys_map *maps, int n_maps, int scroll)
{
    draw_help_line *lines = c->cache->help;
    int w = f->cols, h = f->height;
    int two = w >= 160;
    int bw = two ? (w - 8 < 180 ? w - 8 : 180) : (w - 8 < 84 ? w - 8 : 84);
    int inner = bw - 4;
    int colw = two ? (inner - 4) / 2 : inner;
    int keyw, starts[HEADINGS], n_starts;
    int n = help_plan(f, colw, maps, n_maps, lines, &keyw, starts, &n_starts);
    int rows_max = h - 2 - 4; /* a row above and below the box, borders, a blank row */
    /* Two columns split at the heading nearest the middle. */
    int split = n;
    if (two) {
        int best = n;
        for (int g = 1; g < n_starts; g++) {
            int at = starts[g];
            int longer = at > n - at ? at : n - at;
            int bl = best > n - best ? best : n - best;
            if (longer < bl)
                best = at;
        }
        split = best;
    }
    int tall = split > n - split ? split : n - split;
    /* Column 2 starts after its group's blank separator. */
    if (two && split < n && lines[split].text[0] == '\0' && !lines[split].heading)
        tall = split > n - split - 1 ? split : n - split - 1;
    int rows = tall < rows_max ? tall : rows_max;
    int max_scroll = tall - rows;
    if (scroll > max_scroll)
        scroll = max_scroll;
    if (scroll < 0)
        scroll = 0;
    int bh = rows + 4;
    int x = (w - bw) / 2, y = (h - bh) / 2;
    if (y < 0)
        y = 0;
    for (int r = 0; r < bh; r++) {
        frame_fill(f, y + r, x, x + bw, FRAME_NORMAL);
        int edge = r == 0 || r == bh - 1;
        for (int col = x; col < x + bw; col++) {
            int corner = (col == x || col == x + bw - 1) && edge;
            if (corner) {
                const char *u = r == 0 ? (col == x ? "┌" : "┐") : (col == x ? "└" : "┘");
                frame_box(f, y + r, col, u, '+', FRAME_BORDER);
            } else if (edge) {
                frame_box(f, y + r, col, "─", '-', FRAME_BORDER);
            } else if (col == x || col == x + bw - 1) {
                frame_box(f, y + r, col, "│", '|', FRAME_BORDER);
            }
        }
    }
    frame_put(f, y, x + 2, x + bw - 1, " Keys ", FRAME_TITLE);
    for (int col = 0; col < (two ? 2 : 1); col++) {
        int from = col == 0 ? 0 : split, to = two && col == 0 ? split : n;
        if (col == 1 && from < n && lines[from].text[0] == '\0' && !lines[from].heading)
            from++;
        int left = x + 2 + col * (colw + 4);
        for (int r = 0; r < rows && from + scroll + r < to; r++) {
            const draw_help_line *hl = &lines[from + scroll + r];
            int row = y + 2 + r;
            if (hl->heading) {
                frame_put(f, row, left, left + colw, hl->text, FRAME_FORWARD);
                continue;
            }
            if (hl->keys)
                frame_put(f, row, left, left + keyw, hl->keys, FRAME_TITLE);
            /* The text is already as drawn. */
            frame_put_raw(f, row, left + keyw + 2, left + colw, hl->text, FRAME_NORMAL);
        }
    }
    if (scroll > 0)
        frame_put(f, y + 1, x + bw - 4, x + bw - 1, "↑", FRAME_DIM);
    char foot[96];
    if (max_scroll > 0) {
        snprintf(foot, sizeof foot, " lines %d-%d of %d %s ↑↓ PgUp PgDn scroll %s ? or q closes ",
                 scroll + 1, scroll + rows, tall, frame_sep(f), frame_sep(f));
        frame_put(f, y + bh - 2, x + bw - 4, x + bw - 1, scroll < max_scroll ? "↓" : " ",
                  FRAME_DIM);
    } else {
        snprintf(foot, sizeof foot, " ? or q closes this help ");
    }
    int fw = frame_width(f, foot);
    frame_put(f, y + bh - 1, x + bw - 2 - fw, x + bw - 1, foot, FRAME_DIM);
}

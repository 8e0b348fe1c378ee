/* mode_help.c - the help (key ?): the keys of the screen it was opened on,
 * then its own, from the key table, over that screen; it scrolls when it
 * does not fit. */
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "mode.h"

enum { PAGE = 10 }; /* lines a page key scrolls */

/* The help between keys. */
typedef struct {
    keys_map maps[MODE_MAX_MAPS]; /* the maps it lists: those answering where it opened,
                                     then its own */
    int n_maps;
    int scroll;       /* first line shown */
} help_mode;

static void *help_create(void)
{
    return calloc(1, sizeof(help_mode));
}

static void help_destroy(void *self)
{
    free(self);
}

static mode_reply help_open(mode_ctx *c, void *self, keys_action why)
{
    help_mode *m = self;
    (void)why;
    m->n_maps = c->n_maps < MODE_MAX_MAPS - 1 ? c->n_maps : MODE_MAX_MAPS - 1;
    memcpy(m->maps, c->maps, sizeof m->maps[0] * (size_t)m->n_maps);
    m->maps[m->n_maps++] = KEYS_MAP_HELP; /* and last its own keys */
    m->scroll = 0;
    return MODE_DONE;
}

static mode_reply help_key(mode_ctx *c, void *self, int code)
{
    help_mode *m = self;
    int by = 0;
    switch (keys_lookup(KEYS_MAP_HELP, code, 0)) {
    case KEYS_BACK:
        return MODE_CLOSE;
    case KEYS_BLANK:
        return MODE_PASS; /* its row blanks the screen; the help comes back as it was */
    case KEYS_DOWN:
        by = 1;
        break;
    case KEYS_UP:
        by = -1;
        break;
    case KEYS_PAGE_DOWN:
        by = PAGE;
        break;
    case KEYS_PAGE_UP:
        by = -PAGE;
        break;
    default:
        return MODE_DONE; /* the help takes every key */
    }
    int most = draw_help_scroll_max(c, m->maps, m->n_maps);
    m->scroll += by;
    m->scroll = m->scroll > most ? most : m->scroll;
    m->scroll = m->scroll < 0 ? 0 : m->scroll;
    return MODE_DONE;
}

static void help_layout(const mode_ctx *c, const void *self, frame *f)
{
    const help_mode *m = self;
    keys_map own = KEYS_MAP_HELP;
    draw_keybar(f, f->height - 1, &own, 1, 0);
    draw_help(f, c, m->maps, m->n_maps, m->scroll);
}

const mode_ops mode_help = {
    .map = KEYS_MAP_HELP,
    .passes = 0,
    .create = help_create,
    .destroy = help_destroy,
    .open = help_open,
    .key = help_key,
    .layout = help_layout,
};

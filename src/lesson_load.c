/* lesson_load.c - lesson text (YAML) to an engine_net and the words
 * around it, with FILE:LINE:COLUMN errors: refuses tabs and UTF-16 or
 * UTF-32 text, builds the tree of values (lesson_tree.c), checks it
 * against the schema one value at a time, and keeps the author's text with
 * where every number is written in it, so that a save changes just those;
 * frees a lesson and gives the note it has for a step. */
#include "lesson_impl.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const top_keys[] = {
    "title", "description", "layers", "activations", "loss", "convention",
    "mode", "learning_rate", "seed", "weights", "biases", "train_biases",
    "samples", "notes", "expressions",
};
enum { N_TOP_KEYS = sizeof top_keys / sizeof top_keys[0] };

/* ---- values ---- */

static const node *map_get(const node *map, const char *key)
{
    for (int i = 0; i + 1 < map->n; i += 2)
        if (strcmp(map->kids[i].text, key) == 0)
            return &map->kids[i + 1];
    return NULL;
}

static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* Edit distance, ignoring case; large for long words (no suggestion). */
static int distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    int row[WHAT_SIZE + 1];
    if (la > WHAT_SIZE || lb > WHAT_SIZE)
        return INT_MAX;
    for (size_t j = 0; j <= lb; j++)
        row[j] = (int)j;
    for (size_t i = 1; i <= la; i++) {
        int diag = row[0];
        row[0] = (int)i;
        for (size_t j = 1; j <= lb; j++) {
            int up = row[j];
            int best = diag + (lower(a[i - 1]) != lower(b[j - 1]));
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

/* The nearest of names to word, or NULL when none is close. */
static const char *suggest(const char *word, const char *const *names, int n)
{
    const char *best = NULL;
    int best_d = strlen(word) >= 4 ? 3 : 2;
    for (int i = 0; i < n; i++) {
        int d = distance(word, names[i]);
        if (d < best_d) {
            best_d = d;
            best = names[i];
        }
    }
    return best;
}

/* ", found X" messages share one form: "WHAT must be EXPECTED, found X". */
static int fail_found(loader *ld, const node *n, const char *what, const char *expected)
{
    char found[SHOW_MAX + 128];
    return fail(ld, n, "%s must be %s, found %s", what, expected,
                lesson_describe(n, found, sizeof found));
}

static int want_text(loader *ld, const node *n, const char *what, char **out)
{
    if (n->kind != NODE_SCALAR || lesson_is_null(n))
        return fail_found(ld, n, what, "text");
    *out = strdup(n->text);
    if (!*out) {
        lesson_out_of_memory(ld);
        return -1;
    }
    return 0;
}

static int is_nonfinite_word(const char *s)
{
    if (*s == '+' || *s == '-')
        s++;
    if (*s == '.')
        s++;
    return strcasecmp(s, "inf") == 0 || strcasecmp(s, "nan") == 0 ||
           strcasecmp(s, "infinity") == 0;
}

/* A decimal number as written: sign, digits, point, digits, exponent. */
int lesson_is_decimal(const char *s, int whole)
{
    int digits = 0;
    if (*s == '+' || *s == '-')
        s++;
    while (*s >= '0' && *s <= '9')
        s++, digits++;
    if (whole)
        return digits && !*s;
    if (*s == '.')
        for (s++; *s >= '0' && *s <= '9'; s++)
            digits++;
    if (!digits)
        return 0;
    if (*s == 'e' || *s == 'E') {
        s++;
        if (*s == '+' || *s == '-')
            s++;
        if (!(*s >= '0' && *s <= '9'))
            return 0;
        while (*s >= '0' && *s <= '9')
            s++;
    }
    return !*s;
}

static int want_number(loader *ld, const node *n, const char *what, double *out)
{
    if (n->kind != NODE_SCALAR || lesson_is_null(n))
        return fail_found(ld, n, what, "a number");
    if (!n->plain) {
        char v[SHOW_MAX + 16];
        lesson_show_bytes(n->text, n->len, v, sizeof v);
        return fail(ld, n, "%s must be a number without quotes, found \"%s\"", what, v);
    }
    if (is_nonfinite_word(n->text))
        return fail_found(ld, n, what, "a finite number");
    if (!lesson_is_decimal(n->text, 0))
        return fail_found(ld, n, what, "a number");
    char *end;
    errno = 0;
    double d = strtod(n->text, &end);
    if (*end || !isfinite(d) || (errno == ERANGE && fabs(d) > 1.0)) {
        char v[SHOW_MAX + 16];
        lesson_show_bytes(n->text, n->len, v, sizeof v);
        return fail(ld, n, "%s must be a finite number, found %s (too large for a double)",
                    what, v);
    }
    *out = d;
    return 0;
}

static int want_whole(loader *ld, const node *n, const char *what, const char *expected,
                      long long *out)
{
    if (n->kind != NODE_SCALAR || !n->plain || !lesson_is_decimal(n->text, 1))
        return fail_found(ld, n, what, expected);
    char *end;
    errno = 0;
    long long v = strtoll(n->text, &end, 10);
    if (*end || errno == ERANGE)
        return fail_found(ld, n, what, expected);
    *out = v;
    return 0;
}

/* One of a fixed set of names; "unknown KIND 'x' (did you mean 'y'?)". */
static int want_name(loader *ld, const node *n, const char *kind, const char *what,
                     const char *const *names, int count, int *out)
{
    char v[SHOW_MAX + 16], list[256];
    if (n->kind != NODE_SCALAR || lesson_is_null(n)) {
        size_t o = 0;
        for (int i = 0; i < count; i++)
            o += (size_t)snprintf(list + o, sizeof list - o, "%s%s", i == 0 ? "" : i == count - 1 ? " or " : ", ", names[i]);
        return fail_found(ld, n, what, list);
    }
    for (int i = 0; i < count; i++)
        if (strcmp(n->text, names[i]) == 0) {
            *out = i;
            return 0;
        }
    lesson_show_bytes(n->text, n->len, v, sizeof v);
    const char *s = suggest(n->text, names, count);
    if (s)
        return fail(ld, n, "unknown %s '%s' (did you mean '%s'?)", kind, v, s);
    size_t o = 0;
    for (int i = 0; i < count; i++)
        o += (size_t)snprintf(list + o, sizeof list - o, "%s%s", i == 0 ? "" : i == count - 1 ? " or " : ", ", names[i]);
    return fail(ld, n, "unknown %s '%s', expected %s", kind, v, list);
}

/* Where scalar n is written. */
static lesson_span span_of(const node *n)
{
    lesson_span sp = {n->start, n->end > n->start ? n->end - n->start : 0};
    return sp;
}

/* A list of exactly count numbers into out, and where each is written into
 * spans. */
static int want_vector(loader *ld, const node *n, const char *what, int count,
                       const char *why, double *out, lesson_span *spans)
{
    char expected[WHAT_SIZE + 32];
    snprintf(expected, sizeof expected, "a list of %d number%s", count, count == 1 ? "" : "s");
    if (n->kind != NODE_LIST)
        return fail_found(ld, n, what, expected);
    if (n->n != count)
        return fail(ld, n, "%s must have %d number%s (%s), found %d", what, count,
                    count == 1 ? "" : "s", why, n->n);
    for (int i = 0; i < count; i++) {
        char item[WHAT_SIZE + 16];
        snprintf(item, sizeof item, "%s[%d]", what, i);
        if (want_number(ld, &n->kids[i], item, &out[i]))
            return -1;
        spans[i] = span_of(&n->kids[i]);
    }
    return 0;
}

/* ---- the schema ---- */

static int check_keys(loader *ld, const node *map, const char *where,
                      const char *const *keys, int count)
{
    for (int i = 0; i < map->n; i += 2) {
        const node *k = &map->kids[i];
        int known = 0;
        for (int j = 0; j < count && !known; j++)
            known = strcmp(k->text, keys[j]) == 0;
        if (known)
            continue;
        char v[SHOW_MAX + 16], in[WHAT_SIZE + 8] = "";
        lesson_show_bytes(k->text, k->len, v, sizeof v);
        if (where)
            snprintf(in, sizeof in, " in %s", where);
        const char *s = suggest(k->text, keys, count);
        if (s)
            return fail(ld, k, "unknown key '%s'%s (did you mean '%s'?)", v, in, s);
        char list[256];
        size_t o = 0;
        for (int j = 0; j < count; j++)
            o += (size_t)snprintf(list + o, sizeof list - o, "%s%s", j ? ", " : "", keys[j]);
        return fail(ld, k, "unknown key '%s'%s, expected one of %s", v, in, list);
    }
    return 0;
}

static int read_layers(loader *ld, const node *n, engine_net *net)
{
    if (n->kind != NODE_LIST)
        return fail_found(ld, n, "layers", "a list of widths such as [2, 3, 2]");
    if (n->n < 2 || n->n > ENGINE_MAX_LAYERS + 1)
        return fail(ld, n, "layers must have 2 to %d widths (1 to %d weight layers), found %d",
                    ENGINE_MAX_LAYERS + 1, ENGINE_MAX_LAYERS, n->n);
    char expected[64];
    snprintf(expected, sizeof expected, "a width from 1 to %d", ENGINE_MAX_WIDTH);
    for (int i = 0; i < n->n; i++) {
        char what[WHAT_SIZE];
        long long w;
        snprintf(what, sizeof what, "layers[%d]", i);
        if (want_whole(ld, &n->kids[i], what, expected, &w))
            return -1;
        if (w < 1 || w > ENGINE_MAX_WIDTH)
            return fail_found(ld, &n->kids[i], what, expected);
        net->width[i] = (int)w;
    }
    net->layers = n->n - 1;
    return 0;
}

static int read_activations(loader *ld, const node *n, engine_net *net)
{
    const char *names[ACT_COUNT];
    for (int a = 0; a < ACT_COUNT; a++)
        names[a] = engine_act_name((engine_act)a);
    char expected[64];
    snprintf(expected, sizeof expected, "a list of %d activation%s such as [sigmoid, linear]",
             net->layers, net->layers == 1 ? "" : "s");
    if (n->kind != NODE_LIST)
        return fail_found(ld, n, "activations", expected);
    if (n->n != net->layers)
        return fail(ld, n, "activations must have one entry per weight layer (%d), found %d",
                    net->layers, n->n);
    for (int i = 0; i < n->n; i++) {
        char what[WHAT_SIZE];
        int a;
        snprintf(what, sizeof what, "activations[%d]", i);
        if (want_name(ld, &n->kids[i], "activation", what, names, ACT_COUNT, &a))
            return -1;
        if (a == ACT_SOFTMAX && i != n->n - 1)
            return fail(ld, &n->kids[i],
                        "%s: softmax is allowed only in the output layer (layer %d), found it "
                        "in layer %d", what, n->n, i + 1);
        net->act[i] = (engine_act)a;
    }
    return 0;
}

/* A matrix written in the lesson's convention into canonical columns layout. */
static int read_matrix(loader *ld, const node *m, int layer, engine_net *net)
{
    int in = net->width[layer], out = net->width[layer + 1];
    int rows_conv = net->convention == CONV_ROWS;
    int R = rows_conv ? out : in, C = rows_conv ? in : out;
    char what[WHAT_SIZE], expected[WHAT_SIZE + 64];
    snprintf(what, sizeof what, "weights[%d]", layer);
    snprintf(expected, sizeof expected, "a %d×%d matrix (a list of %d rows)", R, C, R);
    if (m->kind != NODE_LIST)
        return fail_found(ld, m, what, expected);
    for (int r = 0; r < m->n; r++)
        if (m->kids[r].kind != NODE_LIST) {
            char row[WHAT_SIZE + 16], rowexp[64];
            snprintf(row, sizeof row, "%s[%d]", what, r);
            snprintf(rowexp, sizeof rowexp, "a row of %d number%s", C, C == 1 ? "" : "s");
            return fail_found(ld, &m->kids[r], row, rowexp);
        }
    int found_c = m->n ? m->kids[0].n : 0;
    if (m->n != R || found_c != C)
        return fail(ld, m, "%s must be %d×%d (layers %d → %d, %s convention), found %d×%d", what,
                    R, C, in, out, engine_conv_name(net->convention), m->n, found_c);
    for (int r = 0; r < R; r++) {
        const node *row = &m->kids[r];
        if (row->n != C)
            return fail(ld, row, "%s[%d] must have %d numbers like %s[0], found %d", what, r, C,
                        what, row->n);
        for (int c = 0; c < C; c++) {
            char item[WHAT_SIZE + 32];
            double v;
            snprintf(item, sizeof item, "%s[%d][%d]", what, r, c);
            if (want_number(ld, &row->kids[c], item, &v))
                return -1;
            int i = rows_conv ? c : r, j = rows_conv ? r : c;
            net->weights[layer][i * out + j] = v;
            ld->src->weights[layer][i * out + j] = span_of(&row->kids[c]);
        }
    }
    return 0;
}

static int read_weights(loader *ld, const node *n, engine_net *net)
{
    char expected[64];
    snprintf(expected, sizeof expected, "a list of %d matri%s", net->layers,
             net->layers == 1 ? "x" : "ces");
    if (n->kind != NODE_LIST)
        return fail_found(ld, n, "weights", expected);
    if (n->n != net->layers)
        return fail(ld, n, "weights must have one matrix per weight layer (%d), found %d",
                    net->layers, n->n);
    for (int l = 0; l < net->layers; l++)
        if (read_matrix(ld, &n->kids[l], l, net))
            return -1;
    return 0;
}

static int read_biases(loader *ld, const node *n, engine_net *net)
{
    if (n->kind == NODE_SCALAR && n->plain && strcmp(n->text, "zero") == 0) {
        ld->src->biases_word = span_of(n);
        return 0; /* engine_net_alloc zeroed them */
    }
    if (n->kind != NODE_LIST)
        return fail_found(ld, n, "biases", "'zero' or one list per weight layer");
    if (n->n != net->layers)
        return fail(ld, n, "biases must have one vector per weight layer (%d), found %d",
                    net->layers, n->n);
    for (int l = 0; l < net->layers; l++) {
        char what[WHAT_SIZE], why[WHAT_SIZE];
        snprintf(what, sizeof what, "biases[%d]", l);
        snprintf(why, sizeof why, "layer %d has %d unit%s", l + 1, net->width[l + 1],
                 net->width[l + 1] == 1 ? "" : "s");
        ld->src->biases[l] = calloc((size_t)net->width[l + 1], sizeof *ld->src->biases[l]);
        if (!ld->src->biases[l])
            return lesson_out_of_memory(ld);
        if (want_vector(ld, &n->kids[l], what, net->width[l + 1], why, net->biases[l],
                        ld->src->biases[l]))
            return -1;
    }
    return 0;
}

static int read_samples(loader *ld, const node *n, engine_net *net)
{
    static const char *const keys[] = {"input", "target"};
    int L = net->layers;
    for (int s = 0; s < n->n; s++) {
        const node *m = &n->kids[s];
        char what[WHAT_SIZE], why[WHAT_SIZE];
        snprintf(what, sizeof what, "samples[%d]", s);
        if (m->kind != NODE_MAP)
            return fail_found(ld, m, what, "a mapping {input, target}");
        if (check_keys(ld, m, what, keys, 2))
            return -1;
        const node *in = map_get(m, "input"), *tg = map_get(m, "target");
        if (!in || !tg)
            return fail(ld, m, "%s is missing '%s' (a list of %d numbers)", what,
                        in ? "target" : "input", in ? net->width[L] : net->width[0]);
        snprintf(what, sizeof what, "samples[%d].input", s);
        snprintf(why, sizeof why, "one per input");
        if (want_vector(ld, in, what, net->width[0], why, net->inputs + (size_t)s * net->width[0],
                        ld->src->inputs + (size_t)s * net->width[0]))
            return -1;
        snprintf(what, sizeof what, "samples[%d].target", s);
        snprintf(why, sizeof why, "one per output");
        if (want_vector(ld, tg, what, net->width[L], why, net->targets + (size_t)s * net->width[L],
                        ld->src->targets + (size_t)s * net->width[L]))
            return -1;
    }
    return 0;
}

static const char *const step_forms[] = {
    "forward.*.sum", "forward.*.activation", "loss", "backward.*.delta",
    "backward.*.activation", "backward.*.gradient.copy", "backward.*.gradient",
    "backward.*.bias", "backward.*.send", "batch.*.mean", "batch.*.mean.bias",
    "update.*", "update.*.bias",
};
enum { N_STEP_FORMS = sizeof step_forms / sizeof step_forms[0] };

/* Checks a notes key: one of step_forms with '*' or a layer 1..L for '*'. */
static int check_step(loader *ld, const node *k, int layers)
{
    char v[SHOW_MAX + 16], form[WHAT_SIZE + 8], layer[WHAT_SIZE] = "";
    lesson_show_bytes(k->text, k->len, v, sizeof v);
    /* the layer is the second dot-separated field: replace it with '*' */
    const char *dot = strchr(k->text, '.');
    if (dot && k->len < WHAT_SIZE) {
        const char *dot2 = strchr(dot + 1, '.');
        size_t pre = (size_t)(dot - k->text) + 1;
        size_t llen = dot2 ? (size_t)(dot2 - dot - 1) : strlen(dot + 1);
        memcpy(layer, dot + 1, llen);
        layer[llen] = '\0';
        snprintf(form, sizeof form, "%.*s*%s", (int)pre, k->text, dot2 ? dot2 : "");
    } else {
        snprintf(form, sizeof form, "%.*s", WHAT_SIZE, k->text);
    }
    int known = 0;
    for (int i = 0; i < N_STEP_FORMS && !known; i++)
        known = strcmp(form, step_forms[i]) == 0;
    int layer_ok = strcmp(layer, "*") == 0 || (lesson_is_decimal(layer, 1) && layer[0] != '+' &&
                                              layer[0] != '-');
    if (known && !dot)
        return 0; /* "loss" */
    if (known && layer_ok) {
        long n = strcmp(layer, "*") == 0 ? 1 : strtol(layer, NULL, 10);
        if (strlen(layer) > 3 || n < 1 || n > layers)
            return fail(ld, k, "notes: step '%s' names layer %s, expected a layer from 1 to %d or *",
                        v, layer, layers);
        /* the loss's gradient with respect to the outputs is a step of the
         * output layer alone */
        if (strcmp(form, "backward.*.delta") == 0 && strcmp(layer, "*") != 0 && n != layers)
            return fail(ld, k, "notes: step '%s' names layer %s, expected backward.%d.delta "
                        "(the loss's gradient is a step of the output layer %d only) or "
                        "backward.*.delta", v, layer, layers, layers);
        return 0;
    }
    const char *s = suggest(form, step_forms, N_STEP_FORMS);
    if (s && layer_ok && dot) {
        char full[WHAT_SIZE + 8];
        const char *star = strchr(s, '*');
        if (star)
            snprintf(full, sizeof full, "%.*s%s%s", (int)(star - s), s, layer, star + 1);
        else
            snprintf(full, sizeof full, "%s", s);
        return fail(ld, k, "unknown step '%s' in notes (did you mean '%s'?)", v, full);
    }
    if (s && !dot)
        return fail(ld, k, "unknown step '%s' in notes (did you mean '%s'?)", v, s);
    return fail(ld, k, "unknown step '%s' in notes, expected an id such as forward.1.sum, loss, "
                "backward.*.gradient or update.2", v);
}

static int read_notes(loader *ld, const node *n, lesson *out)
{
    if (n->kind != NODE_MAP)
        return fail_found(ld, n, "notes", "a mapping from step ids to text");
    int count = n->n / 2;
    out->notes = calloc(count ? (size_t)count : 1, sizeof *out->notes);
    if (!out->notes) {
        lesson_out_of_memory(ld);
        return -1;
    }
    for (int i = 0; i < count; i++) {
        const node *k = &n->kids[2 * i];
        char what[WHAT_SIZE + 16], v[SHOW_MAX + 16];
        if (check_step(ld, k, out->net.layers))
            return -1;
        lesson_show_bytes(k->text, k->len, v, sizeof v);
        snprintf(what, sizeof what, "notes.%s", v);
        if (want_text(ld, &n->kids[2 * i + 1], what, &out->notes[i].text))
            return -1;
        out->notes[i].pattern = strdup(k->text);
        out->n_notes++;
        if (!out->notes[i].pattern) {
            lesson_out_of_memory(ld);
            return -1;
        }
    }
    return 0;
}

static int read_expressions(loader *ld, const node *n, lesson *out)
{
    static const char *const keys[] = {"caption", "expr"};
    if (n->kind != NODE_LIST)
        return fail_found(ld, n, "expressions", "a list of {caption, expr}");
    out->expressions = calloc(n->n ? (size_t)n->n : 1, sizeof *out->expressions);
    if (!out->expressions) {
        lesson_out_of_memory(ld);
        return -1;
    }
    for (int i = 0; i < n->n; i++) {
        const node *m = &n->kids[i];
        char what[WHAT_SIZE], item[WHAT_SIZE + 16];
        snprintf(what, sizeof what, "expressions[%d]", i);
        if (m->kind != NODE_MAP)
            return fail_found(ld, m, what, "a mapping {caption, expr}");
        if (check_keys(ld, m, what, keys, 2))
            return -1;
        const node *c = map_get(m, "caption"), *e = map_get(m, "expr");
        if (!c || !e)
            return fail(ld, m, "%s is missing '%s' (%s)", what, c ? "expr" : "caption",
                        c ? "the expression, as text" : "a caption, as text");
        lesson_expression *x = &out->expressions[out->n_expressions++];
        snprintf(item, sizeof item, "%s.caption", what);
        if (want_text(ld, c, item, &x->caption))
            return -1;
        snprintf(item, sizeof item, "%s.expr", what);
        if (want_text(ld, e, item, &x->expr))
            return -1;
    }
    return 0;
}

/* A key's name list for the ", expected a or b" of enum-like values. */
static int read_enum(loader *ld, const node *n, const char *key,
                     const char *(*name)(int), int count, int *out)
{
    const char *names[8];
    for (int i = 0; i < count && i < 8; i++)
        names[i] = name(i);
    return want_name(ld, n, key, key, names, count, out);
}

static const char *loss_name(int i) { return engine_loss_name((engine_loss)i); }
static const char *conv_name(int i) { return engine_conv_name((engine_conv)i); }
static const char *mode_name(int i) { return engine_mode_name((engine_mode)i); }

static int read_lesson(loader *ld, const node *root, lesson *out)
{
    static const char *const required[][2] = {
        {"title", "the lesson's title, as text"},
        {"layers", "the widths from input to output, such as [2, 3, 2]"},
        {"activations", "one per weight layer, such as [sigmoid, linear]"},
        {"samples", "a list of {input, target}"},
    };
    engine_net *net = &out->net;
    const node *n;
    if (root->kind != NODE_MAP)
        return lesson_fail_at(ld, 1, 1, "the lesson is empty, expected a mapping with title, "
                                        "layers, activations and samples");
    if (check_keys(ld, root, NULL, top_keys, N_TOP_KEYS))
        return -1;
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++)
        if (!map_get(root, required[i][0]))
            return fail(ld, root, "missing key '%s' (%s)", required[i][0], required[i][1]);

    if (want_text(ld, map_get(root, "title"), "title", &out->title))
        return -1;
    if ((n = map_get(root, "description")) && want_text(ld, n, "description", &out->description))
        return -1;
    if (read_layers(ld, map_get(root, "layers"), net) ||
        read_activations(ld, map_get(root, "activations"), net))
        return -1;

    int v = LOSS_MSE;
    const node *loss = map_get(root, "loss");
    if (loss && read_enum(ld, loss, "loss", loss_name, LOSS_COUNT, &v))
        return -1;
    net->loss = (engine_loss)v;
    engine_act last = net->act[net->layers - 1];
    const node *last_node = &map_get(root, "activations")->kids[net->layers - 1];
    if (net->loss == LOSS_CROSS_ENTROPY && last != ACT_SOFTMAX)
        return fail(ld, loss, "loss cross_entropy needs softmax in the output layer, found %s",
                    engine_act_name(last));
    if (net->loss != LOSS_CROSS_ENTROPY && last == ACT_SOFTMAX)
        return fail(ld, last_node, "activations[%d]: softmax needs loss: cross_entropy, found %s",
                    net->layers - 1, engine_loss_name(net->loss));
    v = CONV_COLUMNS;
    if ((n = map_get(root, "convention")) &&
        read_enum(ld, n, "convention", conv_name, CONV_COUNT, &v))
        return -1;
    net->convention = (engine_conv)v;
    v = MODE_ONLINE;
    if ((n = map_get(root, "mode")) && read_enum(ld, n, "mode", mode_name, MODE_COUNT, &v))
        return -1;
    net->mode = (engine_mode)v;

    net->learning_rate = 0.1;
    if ((n = map_get(root, "learning_rate"))) {
        if (want_number(ld, n, "learning_rate", &net->learning_rate))
            return -1;
        if (!(net->learning_rate > 0))
            return fail(ld, n, "learning_rate must be greater than 0, found %s", n->text);
        out->source.learning_rate = span_of(n);
    }
    if ((n = map_get(root, "seed")) && want_whole(ld, n, "seed", "a whole number", &out->seed))
        return -1;
    net->train_bias = 1;
    if ((n = map_get(root, "train_biases"))) {
        static const char *const t[] = {"true", "True", "TRUE"};
        static const char *const f[] = {"false", "False", "FALSE"};
        int is_t = 0, is_f = 0;
        for (int i = 0; i < 3 && n->kind == NODE_SCALAR && n->plain; i++) {
            is_t |= strcmp(n->text, t[i]) == 0;
            is_f |= strcmp(n->text, f[i]) == 0;
        }
        if (!is_t && !is_f)
            return fail_found(ld, n, "train_biases", "true or false");
        net->train_bias = is_t;
    }

    const node *samples = map_get(root, "samples");
    if (samples->kind != NODE_LIST)
        return fail_found(ld, samples, "samples", "a list of {input, target}");
    if (samples->n < 1 || samples->n > ENGINE_MAX_SAMPLES)
        return fail(ld, samples, "samples must have 1 to %d entries, found %d",
                    ENGINE_MAX_SAMPLES, samples->n);
    net->samples = samples->n;
    const node *biases = map_get(root, "biases");
    net->has_bias = biases != NULL;
    if (engine_net_alloc(net))
        return lesson_out_of_memory(ld);
    lesson_source *src = &out->source;
    src->inputs = calloc((size_t)net->samples * (size_t)net->width[0], sizeof *src->inputs);
    src->targets = calloc((size_t)net->samples * (size_t)net->width[net->layers],
                          sizeof *src->targets);
    if (!src->inputs || !src->targets)
        return lesson_out_of_memory(ld);
    if ((n = map_get(root, "weights"))) {
        for (int l = 0; l < net->layers; l++) {
            src->weights[l] = calloc((size_t)(net->width[l] * net->width[l + 1]),
                                     sizeof *src->weights[l]);
            if (!src->weights[l])
                return lesson_out_of_memory(ld);
        }
        if (read_weights(ld, n, net))
            return -1;
    } else {
        engine_rng rng;
        engine_rng_seed(&rng, (uint64_t)out->seed);
        for (int l = 1; l <= net->layers; l++)
            engine_glorot(net, l, &rng);
    }
    if (biases && read_biases(ld, biases, net))
        return -1;
    if (read_samples(ld, samples, net))
        return -1;
    if ((n = map_get(root, "notes")) && read_notes(ld, n, out))
        return -1;
    if ((n = map_get(root, "expressions")) && read_expressions(ld, n, out))
        return -1;
    const char *why = engine_net_validate(net);
    if (why)
        return fail(ld, root, "%s", why);
    return 0;
}

char *lesson_name(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    const char *p = base;
    while (*p >= '0' && *p <= '9')
        p++;
    if (p > base && *p == '-' && p[1])
        base = p + 1;
    size_t len = strlen(base);
    if (len > 5 && strcmp(base + len - 5, ".yaml") == 0)
        len -= 5;
    char *name = malloc(len + 1);
    if (name) {
        memcpy(name, base, len);
        name[len] = '\0';
    }
    return name;
}

/* The first tab of the input, reported before libyaml's less direct words. */
static int check_tabs(loader *ld)
{
    const char *tab = memchr(ld->text, '\t', ld->len);
    if (!tab)
        return 0;
    int line, col;
    lesson_place(ld->text, ld->len, (size_t)(tab - ld->text), &line, &col);
    return lesson_fail_at(ld, line, col, "tab character, indent with spaces");
}

/* Refuses UTF-16 and UTF-32 text, with or without a byte order mark (which
 * libyaml would otherwise convert, or read as control characters), the way
 * YAML itself tells them apart: by the zero bytes among the first four. */
static int check_encoding(loader *ld)
{
    const unsigned char *u = (const unsigned char *)ld->text;
    size_t n = ld->len;
    const char *what = NULL;
    if (n >= 4 && u[0] == 0 && u[1] == 0 && u[2] == 0xFE && u[3] == 0xFF)
        what = "UTF-32 (big-endian, with a byte order mark)";
    else if (n >= 4 && u[0] == 0xFF && u[1] == 0xFE && u[2] == 0 && u[3] == 0)
        what = "UTF-32 (little-endian, with a byte order mark)";
    else if (n >= 2 && u[0] == 0xFE && u[1] == 0xFF)
        what = "UTF-16 (big-endian, with a byte order mark)";
    else if (n >= 2 && u[0] == 0xFF && u[1] == 0xFE)
        what = "UTF-16 (little-endian, with a byte order mark)";
    else if (n >= 4 && u[0] == 0 && u[1] == 0 && u[2] == 0 && u[3] != 0)
        what = "UTF-32 (big-endian)";
    else if (n >= 4 && u[0] != 0 && u[1] == 0 && u[2] == 0 && u[3] == 0)
        what = "UTF-32 (little-endian)";
    else if (n >= 2 && u[0] == 0 && u[1] != 0)
        what = "UTF-16 (big-endian)";
    else if (n >= 2 && u[0] != 0 && u[1] == 0)
        what = "UTF-16 (little-endian)";
    if (!what)
        return 0;
    return lesson_fail_at(ld, 1, 1, "the file is %s text, expected UTF-8: save it as UTF-8", what);
}

/* Where a new top-level key can go, and how it is indented: in a block
 * mapping, on a line of its own just before "samples:" (so that nothing
 * written before, not even a block scalar's trailing lines, changes), or
 * at the end (before a "..."); in a { } mapping, right after its last value. */
static void find_insert(loader *ld, const node *root, lesson_source *src)
{
    src->indent = root->col > 0 ? root->col - 1 : 0;
    src->flow = root->kind == NODE_MAP && ld->root_end < ld->len &&
                ld->text[ld->root_end] == '}';
    src->insert_at = ld->doc_end;
    if (root->kind != NODE_MAP || root->n < 2)
        return;
    if (src->flow) {
        src->insert_at = root->kids[root->n - 1].end;
        return;
    }
    for (int i = 0; i < root->n; i += 2) {
        const node *k = &root->kids[i];
        if (strcmp(k->text, "samples") != 0)
            continue;
        size_t at = k->start;
        while (at > 0 && ld->text[at - 1] == ' ')
            at--;
        if (k->start - at == (size_t)src->indent &&
            (at == 0 || ld->text[at - 1] == '\n' || ld->text[at - 1] == '\r' ||
             (at == ld->bom && ld->bom > 0)))
            src->insert_at = at;
    }
}

static int load(const char *path, const char *name, const char *text, size_t len,
                lesson *out, lesson_error *err)
{
    err->message[0] = '\0';
    err->name_bytes = 0;
    memset(out, 0, sizeof *out);
    loader ld = {path, err, text, len, 0, 0, 0, NULL, len, len};
    node root;
    yaml_parser_t parser;
    int rc = -1;
    memset(&root, 0, sizeof root);
    ld.src = &out->source;
    if (len > LESSON_MAX_BYTES) {
        lesson_set_error(err, path, "file larger than 1 MiB, expected a lesson of at most %d bytes",
                         LESSON_MAX_BYTES);
        return -1;
    }
    if (check_encoding(&ld) || check_tabs(&ld))
        return -1;
    ld.bom = len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    ld.mark_byte = ld.bom;
    if (!yaml_parser_initialize(&parser)) {
        lesson_set_error(err, path, "out of memory");
        return -1;
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    if (lesson_tree_build(&ld, &parser, &root) == 0) {
        out->path = strdup(path);
        out->name = name ? strdup(name) : lesson_name(path);
        out->source.text = malloc(len + 1);
        if (!out->path || !out->name || !out->source.text) {
            lesson_set_error(err, path, "out of memory");
        } else {
            memcpy(out->source.text, text, len);
            out->source.text[len] = '\0';
            out->source.len = len;
            find_insert(&ld, &root, &out->source);
            rc = read_lesson(&ld, &root, out);
        }
    }
    yaml_parser_delete(&parser);
    lesson_node_clear(&root);
    if (rc)
        lesson_free(out);
    return rc;
}

int lesson_load_string(const char *path, const char *text, size_t len, lesson *out,
                       lesson_error *err)
{
    return load(path, NULL, text, len, out, err);
}

int lesson_load_default(lesson *out, lesson_error *err)
{
    return load("(built-in)", "default", lesson_default_yaml, lesson_default_len, out, err);
}

void lesson_free(lesson *l)
{
    if (!l)
        return;
    free(l->path);
    free(l->name);
    free(l->title);
    free(l->description);
    for (int i = 0; i < l->n_notes; i++) {
        free(l->notes[i].pattern);
        free(l->notes[i].text);
    }
    free(l->notes);
    for (int i = 0; i < l->n_expressions; i++) {
        free(l->expressions[i].caption);
        free(l->expressions[i].expr);
    }
    free(l->expressions);
    engine_net_free(&l->net);
    free(l->source.text);
    for (int i = 0; i < ENGINE_MAX_LAYERS; i++) {
        free(l->source.weights[i]);
        free(l->source.biases[i]);
    }
    free(l->source.inputs);
    free(l->source.targets);
    memset(l, 0, sizeof *l);
}

/* Does pattern (with '*' for a layer number) match id? */
static int note_matches(const char *pattern, const char *id)
{
    while (*pattern && *id) {
        if (*pattern == '*') {
            if (!(*id >= '0' && *id <= '9'))
                return 0;
            while (*id >= '0' && *id <= '9')
                id++;
            pattern++;
        } else if (*pattern++ != *id++) {
            return 0;
        }
    }
    return !*pattern && !*id;
}

const char *lesson_note_for(const lesson *l, const char *step_id)
{
    const char *wild = NULL;
    if (!l || !step_id)
        return NULL;
    for (int i = 0; i < l->n_notes; i++) {
        if (strcmp(l->notes[i].pattern, step_id) == 0)
            return l->notes[i].text;
        if (!wild && strchr(l->notes[i].pattern, '*') && note_matches(l->notes[i].pattern, step_id))
            wild = l->notes[i].text;
    }
    return wild;
}

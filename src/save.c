/* save.c - lesson YAML out of a network: the author's text with its numbers
 * edited, or a fresh lesson; checked by loading it back; written
 * atomically, through symbolic links, keeping hard links. */
#include "save.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "text.h"
#include "utf8.h"

enum {
    MAX_LINKS = 40,        /* symbolic links followed, as the kernel does */
    TEMP_SUFFIX_LEN = 6,   /* the XXXXXX of the temporary file's name */
    STALE_MARGIN = 2,      /* seconds of doubt about when this process started */
    ORIGINAL_MAX = 64 << 20, /* bytes of an original kept to put it back */
};

static const char temp_mark[] = ".backstep-";

/* ---- numbers ---- */

int save_number(double v, char *buf, size_t size)
{
    char tmp[SAVE_NUMBER_SIZE];
    int n = 0;
    /* 15 significant digits give every double that has a decimal of 15 or
     * fewer digits (DBL_DIG), 17 every double; subnormals hold fewer
     * digits, so they are tried from 1 up. */
    int first = fabs(v) < 2.2250738585072014e-308 && v != 0 ? 1 : 15;
    for (int digits = first; digits <= 17; digits++) {
        n = snprintf(tmp, sizeof tmp, "%.*g", digits, v);
        char *end;
        double back = strtod(tmp, &end);
        if (*end == '\0' && memcmp(&back, &v, sizeof v) == 0)
            break;
    }
    if (size > 0) {
        size_t len = (size_t)n < size ? (size_t)n : size - 1;
        memcpy(buf, tmp, len);
        buf[len] = '\0';
    }
    return n;
}

/* ---- a growing buffer ---- */

typedef struct {
    char *s;
    size_t len, cap;
    int oom;
} buffer;

static void put(buffer *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (b->len + n + 1 > cap)
            cap *= 2;
        char *p = realloc(b->s, cap);
        if (!p) {
            b->oom = 1;
            return;
        }
        b->s = p;
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void puts_b(buffer *b, const char *s)
{
    put(b, s, strlen(s));
}

static void put_number(buffer *b, double v)
{
    char num[SAVE_NUMBER_SIZE];
    int n = save_number(v, num, sizeof num);
    put(b, num, (size_t)n);
}

static void put_spaces(buffer *b, int n)
{
    for (int i = 0; i < n; i++)
        put(b, " ", 1);
}

/* ---- strings ---- */

/* Characters YAML lets stand as they are inside a double-quoted scalar or a
 * block scalar: printable, and neither a line break nor a byte order mark. */
static int yaml_printable(uint32_t c)
{
    if (c >= 0x20 && c <= 0x7E)
        return 1;
    if (c == 0x85 || c == 0x2028 || c == 0x2029 || c == 0xFEFF)
        return 0;
    return (c >= 0xA0 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD) ||
           (c >= 0x10000 && c <= 0x10FFFF);
}

/* Writes s as a YAML double-quoted scalar; invalid UTF-8 becomes U+FFFD. */
static void put_quoted(buffer *b, const char *s)
{
    size_t n = strlen(s ? s : "");
    s = s ? s : "";
    put(b, "\"", 1);
    while (n > 0) {
        uint32_t c;
        int k = utf8_decode(s, n, &c);
        char tmp[16];
        if (k == 0) {
            put(b, UTF8_REPLACEMENT, 3);
            s++, n--;
            continue;
        }
        if (c == '"')
            puts_b(b, "\\\"");
        else if (c == '\\')
            puts_b(b, "\\\\");
        else if (yaml_printable(c))
            put(b, s, (size_t)k);
        else if (c == '\n')
            puts_b(b, "\\n");
        else if (c == '\t')
            puts_b(b, "\\t");
        else if (c == '\r')
            puts_b(b, "\\r");
        else {
            snprintf(tmp, sizeof tmp, c <= 0xFF ? "\\x%02X" : "\\u%04X", (unsigned)c);
            puts_b(b, tmp);
        }
        s += k;
        n -= (size_t)k;
    }
    put(b, "\"", 1);
}

/* The chomping of a literal block scalar that holds s exactly, or NULL
 * when s is better double-quoted: several lines of printable text, the
 * first not starting with a space, no line of spaces only, at most one
 * line break at the end. */
static const char *block_style(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || !strchr(s, '\n') || s[0] == ' ' || s[0] == '\n')
        return NULL;
    if (n >= 2 && s[n - 1] == '\n' && s[n - 2] == '\n')
        return NULL;
    int line_blank = 1, line_empty = 1;
    for (size_t i = 0; i < n;) {
        uint32_t c;
        int k = utf8_decode(s + i, n - i, &c);
        if (k == 0)
            return NULL;
        if (c == '\n') {
            if (line_blank && !line_empty)
                return NULL;
            line_blank = line_empty = 1;
        } else if (!yaml_printable(c)) {
            return NULL;
        } else {
            line_empty = 0;
            if (c != ' ')
                line_blank = 0;
        }
        i += (size_t)k;
    }
    if (line_blank && !line_empty)
        return NULL;
    return s[n - 1] == '\n' ? "|" : "|-";
}

/* Writes text as the value of a key at column indent: a literal block when
 * block is set and YAML allows it, else double-quoted. */
static void put_text(buffer *b, const char *s, int indent, int block)
{
    const char *style = block && s ? block_style(s) : NULL;
    if (!style) {
        put_quoted(b, s);
        return;
    }
    puts_b(b, style);
    put(b, "\n", 1);
    while (*s) {
        const char *nl = strchr(s, '\n');
        size_t len = nl ? (size_t)(nl - s) : strlen(s);
        if (len > 0) {
            put_spaces(b, indent + 2);
            put(b, s, len);
        }
        s += len;
        if (*s == '\n')
            s++;
        if (*s || nl)
            put(b, "\n", 1);
    }
    if (b->len > 0 && b->s[b->len - 1] == '\n')
        b->len--, b->s[b->len] = '\0'; /* the caller ends the line */
}

/* ---- the numbers of a net as YAML ---- */

static void put_vector(buffer *b, const double *v, int n)
{
    put(b, "[", 1);
    for (int i = 0; i < n; i++) {
        if (i)
            put(b, ", ", 2);
        put_number(b, v[i]);
    }
    put(b, "]", 1);
}

/* Weight layer n (0-based) in the lesson's convention as a flow matrix,
 * one row a line, the rows after the first at column cont (or all on one
 * line when br is NULL). */
static void put_matrix(buffer *b, const engine_net *net, int n, int cont, const char *br)
{
    int in = net->width[n], out = net->width[n + 1];
    const double *w = net->weights[n];
    int rows = net->convention == CONV_ROWS ? out : in;
    int cols = net->convention == CONV_ROWS ? in : out;
    put(b, "[", 1);
    for (int r = 0; r < rows; r++) {
        if (r) {
            put(b, ",", 1);
            if (br) {
                puts_b(b, br);
                put_spaces(b, cont);
            } else {
                put(b, " ", 1);
            }
        }
        put(b, "[", 1);
        for (int c = 0; c < cols; c++) {
            if (c)
                put(b, ", ", 2);
            put_number(b, net->convention == CONV_ROWS ? w[c * out + r] : w[r * out + c]);
        }
        put(b, "]", 1);
    }
    put(b, "]", 1);
}

/* "weights:" and one "- [[...]]" item per layer, keys at column indent. */
static void put_weights_block(buffer *b, const engine_net *net, int indent, const char *br)
{
    put_spaces(b, indent);
    puts_b(b, "weights:");
    puts_b(b, br);
    for (int n = 0; n < net->layers; n++) {
        put_spaces(b, indent + 2);
        puts_b(b, "- ");
        put_matrix(b, net, n, indent + 5, br);
        puts_b(b, br);
    }
}

/* All biases as one flow list: [[b, b], [b]]. */
static void put_biases_flow(buffer *b, const engine_net *net)
{
    put(b, "[", 1);
    for (int n = 0; n < net->layers; n++) {
        if (n)
            put(b, ", ", 2);
        put_vector(b, net->biases[n], net->width[n + 1]);
    }
    put(b, "]", 1);
}

static int all_finite(const double *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(v[i]))
            return 0;
    return 1;
}

/* Every number a lesson can hold must be finite to be read back. */
static int net_finite(const engine_net *net)
{
    if (!isfinite(net->learning_rate))
        return 0;
    for (int n = 0; n < net->layers; n++) {
        if (!net->weights[n] ||
            !all_finite(net->weights[n], (size_t)net->width[n] * (size_t)net->width[n + 1]))
            return 0;
        if (net->has_bias && (!net->biases[n] || !all_finite(net->biases[n], (size_t)net->width[n + 1])))
            return 0;
    }
    return net->inputs && net->targets &&
           all_finite(net->inputs, (size_t)net->samples * (size_t)net->width[0]) &&
           all_finite(net->targets, (size_t)net->samples * (size_t)net->width[net->layers]);
}

/* ---- a fresh lesson ---- */

static void emit_fresh(buffer *b, const engine_net *net, const lesson *words, int block)
{
    int L = net->layers;
    puts_b(b, "# saved by backstep\ntitle: ");
    put_text(b, words && words->title ? words->title : "Saved network", 0, block);
    put(b, "\n", 1);
    if (words && words->description) {
        puts_b(b, "description: ");
        put_text(b, words->description, 0, block);
        put(b, "\n", 1);
    }
    char tmp[64];
    puts_b(b, "layers: [");
    for (int n = 0; n <= L; n++) {
        snprintf(tmp, sizeof tmp, "%s%d", n ? ", " : "", net->width[n]);
        puts_b(b, tmp);
    }
    puts_b(b, "]\nactivations: [");
    for (int n = 0; n < L; n++) {
        puts_b(b, n ? ", " : "");
        puts_b(b, engine_act_name(net->act[n]));
    }
    puts_b(b, "]\nloss: ");
    puts_b(b, engine_loss_name(net->loss));
    puts_b(b, "\nconvention: ");
    puts_b(b, engine_conv_name(net->convention));
    puts_b(b, "\nmode: ");
    puts_b(b, engine_mode_name(net->mode));
    puts_b(b, "\nlearning_rate: ");
    put_number(b, net->learning_rate);
    put(b, "\n", 1);
    if (words && words->seed != 0) {
        snprintf(tmp, sizeof tmp, "seed: %lld\n", words->seed);
        puts_b(b, tmp);
    }
    put_weights_block(b, net, 0, "\n");
    if (net->has_bias) {
        puts_b(b, "biases:\n");
        for (int n = 0; n < L; n++) {
            puts_b(b, "  - ");
            put_vector(b, net->biases[n], net->width[n + 1]);
            put(b, "\n", 1);
        }
        puts_b(b, net->train_bias ? "train_biases: true\n" : "train_biases: false\n");
    }
    puts_b(b, "samples:\n");
    for (int s = 0; s < net->samples; s++) {
        puts_b(b, "  - input: ");
        put_vector(b, net->inputs + (size_t)s * net->width[0], net->width[0]);
        puts_b(b, "\n    target: ");
        put_vector(b, net->targets + (size_t)s * net->width[L], net->width[L]);
        put(b, "\n", 1);
    }
    if (words && words->n_notes > 0) {
        puts_b(b, "notes:\n");
        for (int i = 0; i < words->n_notes; i++) {
            puts_b(b, "  ");
            put_quoted(b, words->notes[i].pattern);
            puts_b(b, ": ");
            put_text(b, words->notes[i].text, 2, block);
            put(b, "\n", 1);
        }
    }
    if (words && words->n_expressions > 0) {
        puts_b(b, "expressions:\n");
        for (int i = 0; i < words->n_expressions; i++) {
            puts_b(b, "  - caption: ");
            put_quoted(b, words->expressions[i].caption);
            puts_b(b, "\n    expr: ");
            put_quoted(b, words->expressions[i].expr);
            put(b, "\n", 1);
        }
    }
}

int save_emit(FILE *f, const engine_net *net, const lesson *words)
{
    if (engine_net_validate(net) != NULL || !net_finite(net)) {
        errno = EDOM;
        return -1;
    }
    buffer b = {0};
    emit_fresh(&b, net, words, 1);
    if (b.oom) {
        free(b.s);
        errno = ENOMEM;
        return -1;
    }
    size_t w = fwrite(b.s, 1, b.len, f);
    free(b.s);
    return w != b.len || ferror(f) ? -1 : 0;
}

/* ---- the author's text, edited ---- */

/* One change to the text: bytes [start, start+len) become rep. */
typedef struct {
    size_t start, len;
    char *rep;
} edit;

typedef struct {
    edit *v;
    int n, cap, oom;
} edits;

static void edit_add(edits *e, size_t start, size_t len, buffer *rep)
{
    if (!rep->s && !rep->oom)
        rep->s = calloc(1, 1);
    if (!rep->s || rep->oom || e->oom) {
        free(rep->s);
        rep->s = NULL;
        e->oom = 1;
        return;
    }
    if (e->n == e->cap) {
        int cap = e->cap ? 2 * e->cap : 64;
        edit *v = realloc(e->v, (size_t)cap * sizeof *v);
        if (!v) {
            free(rep->s);
            e->oom = 1;
            return;
        }
        e->v = v;
        e->cap = cap;
    }
    e->v[e->n++] = (edit){start, len, rep->s};
    rep->s = NULL;
}

static int same_bits(double a, double b)
{
    return memcmp(&a, &b, sizeof a) == 0;
}

/* The number written at sp in text, as the loader read it: every digit
 * of it, however long (NaN, which no number equals, when there is no
 * memory to copy a long one). */
static double written(const char *text, lesson_span sp)
{
    char tmp[64];
    char *buf = sp.len < sizeof tmp ? tmp : malloc(sp.len + 1);
    if (buf == NULL)
        return NAN;
    memcpy(buf, text + sp.start, sp.len);
    buf[sp.len] = '\0';
    double v = strtod(buf, NULL);
    if (buf != tmp)
        free(buf);
    return v;
}

/* Replaces the numbers of `now` that differ from what is written at sp. */
static void edit_numbers(edits *e, const char *text, const double *now, const lesson_span *sp,
                         size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (sp[i].len > 0 && !same_bits(now[i], written(text, sp[i]))) {
            buffer rep = {0};
            put_number(&rep, now[i]);
            edit_add(e, sp[i].start, sp[i].len, &rep);
        }
}

static int differs(const double *a, const double *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!same_bits(a[i], b[i]))
            return 1;
    return 0;
}

static int nonzero(const double *a, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!same_bits(a[i], 0.0))
            return 1;
    return 0;
}

/* Do net's weights differ from those the lesson's seed gives? */
static int weights_unseeded(const engine_net *net, long long seed)
{
    engine_net g = *net;
    for (int n = 0; n < net->layers; n++)
        g.weights[n] = NULL;
    int rc = 1;
    for (int n = 0; n < net->layers; n++) {
        g.weights[n] = calloc((size_t)net->width[n] * (size_t)net->width[n + 1], sizeof(double));
        if (!g.weights[n])
            goto out;
    }
    engine_rng rng;
    engine_rng_seed(&rng, (uint64_t)seed);
    for (int l = 1; l <= net->layers; l++)
        engine_glorot(&g, l, &rng);
    rc = 0;
    for (int n = 0; n < net->layers && !rc; n++)
        rc = differs(net->weights[n], g.weights[n],
                     (size_t)net->width[n] * (size_t)net->width[n + 1]);
out:
    for (int n = 0; n < net->layers; n++)
        free(g.weights[n]);
    return rc;
}

/* The same layers, activations, loss, convention, mode, biases and samples:
 * only numbers changed, so the author's text can take them. */
static int same_shape(const engine_net *a, const engine_net *b)
{
    if (a->layers != b->layers || a->loss != b->loss || a->convention != b->convention ||
        a->mode != b->mode || a->has_bias != b->has_bias || a->train_bias != b->train_bias ||
        a->samples != b->samples)
        return 0;
    for (int n = 0; n <= a->layers; n++)
        if (a->width[n] != b->width[n])
            return 0;
    for (int n = 0; n < a->layers; n++)
        if (a->act[n] != b->act[n])
            return 0;
    return 1;
}

/* The line break the text uses: "\r\n", "\r" or "\n". */
static const char *line_break_of(const char *text, size_t len)
{
    const char *cr = memchr(text, '\r', len);
    if (!cr)
        return "\n";
    return (size_t)(cr - text) + 1 < len && cr[1] == '\n' ? "\r\n" : "\r";
}

static int edit_order(const void *a, const void *b)
{
    const edit *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return (x->len == 0) - (y->len == 0); /* an insertion after a replacement */
}

/* The author's text with net's numbers in it; -1 when out of memory. */
static int emit_edited(buffer *out, const engine_net *net, const lesson *words)
{
    const lesson_source *src = &words->source;
    const char *t = src->text;
    edits e = {0};
    int L = net->layers;
    const char *br = line_break_of(src->text, src->len);
    int need_weights = 0, need_rate = 0;

    for (int n = 0; n < L; n++)
        if (src->weights[n])
            edit_numbers(&e, t, net->weights[n], src->weights[n],
                         (size_t)net->width[n] * (size_t)net->width[n + 1]);
    need_weights = !src->weights[0] && weights_unseeded(net, words->seed);
    if (net->has_bias) {
        int zero_changed = 0;
        for (int n = 0; n < L; n++) {
            size_t count = (size_t)net->width[n + 1];
            if (src->biases[n])
                edit_numbers(&e, t, net->biases[n], src->biases[n], count);
            else if (nonzero(net->biases[n], count))
                zero_changed = 1;
        }
        if (zero_changed && src->biases_word.len > 0) {
            buffer rep = {0};
            put_biases_flow(&rep, net);
            edit_add(&e, src->biases_word.start, src->biases_word.len, &rep);
        }
    }
    edit_numbers(&e, t, net->inputs, src->inputs, (size_t)net->samples * (size_t)net->width[0]);
    edit_numbers(&e, t, net->targets, src->targets,
                 (size_t)net->samples * (size_t)net->width[L]);
    if (src->learning_rate.len > 0)
        edit_numbers(&e, t, &net->learning_rate, &src->learning_rate, 1);
    else
        need_rate = !same_bits(net->learning_rate, 0.1);

    if (need_weights || need_rate) {
        /* New top-level keys where the loader found room for them (before
         * "samples:", at the end, or after the last value of a { } lesson),
         * in the text's own indentation and line breaks. */
        buffer rep = {0};
        size_t at = src->insert_at;
        if (src->flow) {
            if (need_rate) {
                puts_b(&rep, ", learning_rate: ");
                put_number(&rep, net->learning_rate);
            }
            if (need_weights) {
                puts_b(&rep, ", weights: [");
                for (int n = 0; n < L; n++) {
                    if (n)
                        puts_b(&rep, ", ");
                    put_matrix(&rep, net, n, 0, NULL);
                }
                puts_b(&rep, "]");
            }
        } else {
            if (at > 0 && src->text[at - 1] != '\n' && src->text[at - 1] != '\r')
                puts_b(&rep, br);
            if (need_rate) {
                put_spaces(&rep, src->indent);
                puts_b(&rep, "learning_rate: ");
                put_number(&rep, net->learning_rate);
                puts_b(&rep, br);
            }
            if (need_weights)
                put_weights_block(&rep, net, src->indent, br);
        }
        edit_add(&e, at, 0, &rep);
    }
    if (e.oom) {
        for (int i = 0; i < e.n; i++)
            free(e.v[i].rep);
        free(e.v);
        return -1;
    }
    if (e.n > 1)
        qsort(e.v, (size_t)e.n, sizeof *e.v, edit_order);
    size_t at = 0;
    for (int i = 0; i < e.n; i++) {
        put(out, src->text + at, e.v[i].start - at);
        puts_b(out, e.v[i].rep);
        at = e.v[i].start + e.v[i].len;
        free(e.v[i].rep);
    }
    put(out, src->text + at, src->len - at);
    free(e.v);
    return out->oom ? -1 : 0;
}

/* ---- checking what would be written ---- */

/* The next character of s as a save writes it: an invalid byte is U+FFFD. */
static uint32_t next_written(const char **s)
{
    uint32_t cp;
    int k = utf8_decode(*s, strlen(*s), &cp);
    *s += k ? k : 1;
    return k ? cp : 0xFFFD;
}

/* Does text a (read back) equal b (in memory) once b is written? */
static int same_text(const char *a, const char *b)
{
    if (!a || !b)
        return !a && !b;
    while (*a && *b)
        if (next_written(&a) != next_written(&b))
            return 0;
    return !*a && !*b;
}

/* NULL when l (loaded from the text) is net with words' words, else what differs. */
static const char *same_lesson(const lesson *l, const engine_net *net, const lesson *words)
{
    const engine_net *a = &l->net;
    if (!same_shape(a, net))
        return "the network's shape";
    if (!same_bits(a->learning_rate, net->learning_rate))
        return "the learning rate";
    for (int n = 0; n < net->layers; n++) {
        if (differs(a->weights[n], net->weights[n], (size_t)net->width[n] * (size_t)net->width[n + 1]))
            return "a weight";
        if (net->has_bias && differs(a->biases[n], net->biases[n], (size_t)net->width[n + 1]))
            return "a bias";
    }
    if (differs(a->inputs, net->inputs, (size_t)net->samples * (size_t)net->width[0]) ||
        differs(a->targets, net->targets, (size_t)net->samples * (size_t)net->width[net->layers]))
        return "a sample";
    if (!words)
        return NULL;
    if (!same_text(l->title, words->title) || !same_text(l->description, words->description))
        return "the title or description";
    if (l->n_notes != words->n_notes || l->n_expressions != words->n_expressions)
        return "the notes or expressions";
    for (int i = 0; i < l->n_notes; i++)
        if (!same_text(l->notes[i].pattern, words->notes[i].pattern) ||
            !same_text(l->notes[i].text, words->notes[i].text))
            return "a note";
    for (int i = 0; i < l->n_expressions; i++)
        if (!same_text(l->expressions[i].caption, words->expressions[i].caption) ||
            !same_text(l->expressions[i].expr, words->expressions[i].expr))
            return "an expression";
    return NULL;
}

/* Loads text back; 0 when it gives net and words, else -1 with why. */
static int check_text(const buffer *b, const engine_net *net, const lesson *words, char *why,
                      size_t size)
{
    if (b->len > LESSON_MAX_BYTES) {
        snprintf(why, size, "the lesson would be %zu bytes, more than the %d a lesson may "
                 "have, so it could not be opened again", b->len, LESSON_MAX_BYTES);
        return -1;
    }
    lesson l;
    lesson_error err;
    if (lesson_load_string("x", b->s ? b->s : "", b->len, &l, &err) != 0) {
        int line = 0, col = 0, at = 0;
        if (sscanf(err.message, "x:%d:%d: %n", &line, &col, &at) == 2 && at > 0)
            snprintf(why, size, "the saved lesson would not load back (line %d, column %d: %s)",
                     line, col, err.message + at);
        else
            snprintf(why, size, "the saved lesson would not load back (%s)", err.message + 3);
        return -1;
    }
    const char *what = same_lesson(&l, net, words);
    lesson_free(&l);
    if (what) {
        snprintf(why, size, "the saved lesson would load back with %s changed", what);
        return -1;
    }
    return 0;
}

int save_text(const engine_net *net, const lesson *words, char **text, size_t *len,
              int *fresh, char *why, size_t size)
{
    *text = NULL;
    *len = 0;
    *fresh = 0;
    if (size > 0)
        why[0] = '\0';
    if (engine_net_validate(net) != NULL || !net_finite(net)) {
        snprintf(why, size, "the network holds a number that is not finite");
        return -1;
    }
    buffer b = {0};
    int rc = -1;
    char first[SAVE_ERROR_SIZE] = "";
    /* The author's text when it can take the numbers; else a fresh lesson,
     * with block scalars, then (should those not read back) quotes only. */
    if (words && words->source.text && same_shape(net, &words->net)) {
        if (emit_edited(&b, net, words) == 0)
            rc = check_text(&b, net, words, first, sizeof first);
        if (rc == 0 || (b.len > LESSON_MAX_BYTES && !b.oom))
            goto done;
        b.len = 0;
    }
    *fresh = 1;
    for (int block = 1; block >= 0 && rc != 0; block--) {
        b.len = 0;
        emit_fresh(&b, net, words, block);
        if (b.oom)
            break;
        rc = check_text(&b, net, words, why, size);
        if (b.len > LESSON_MAX_BYTES)
            break;
    }
done:
    if (b.oom) {
        snprintf(why, size, "out of memory");
        rc = -1;
    } else if (rc != 0 && first[0] && !*fresh) {
        snprintf(why, size, "%s", first);
    }
    if (rc != 0) {
        free(b.s);
        return -1;
    }
    *text = b.s ? b.s : calloc(1, 1);
    *len = b.len;
    return *text ? 0 : -1;
}

/* ---- files ---- */

/* "cannot save PATH: reason" (or "PATH reason" without the prefix), the
 * path visible and shortened so that the reason stays whole. */
static void say(char *msg, size_t size, const char *prefix, const char *path, const char *sep,
                const char *reason)
{
    if (size == 0)
        return;
    char q[SAVE_ERROR_SIZE];
    size_t fixed = strlen(prefix) + strlen(sep) + strlen(reason);
    size_t room = size - 1 > fixed + 16 ? size - 1 - fixed : 16;
    text_quote_path(path, q, sizeof q, 0);
    text_shorten(q, q, sizeof q, room, 0);
    snprintf(msg, size, "%s%s%s%s", prefix, q, sep, reason);
}

static int fail(const char *path, const char *reason, char *msg, size_t size)
{
    say(msg, size, "cannot save ", path, ": ", reason);
    return SAVE_FAILED;
}

static int fail_errno(const char *path, int err, char *msg, size_t size)
{
    return fail(path, strerror(err), msg, size);
}

/* The file path names once its symbolic links are followed, into out;
 * *links counts the links.  0, or -1 with errno (ELOOP, ENAMETOOLONG, or
 * what readlink said).  A missing final file is fine: it will be made. */
static int resolve(const char *path, char *out, size_t size, int *links)
{
    char link[SAVE_PATH_SIZE];
    *links = 0;
    if (snprintf(out, size, "%s", path) >= (int)size) {
        errno = ENAMETOOLONG;
        return -1;
    }
    for (;;) {
        struct stat st;
        if (lstat(out, &st) != 0 || !S_ISLNK(st.st_mode))
            return 0;
        if (++*links > MAX_LINKS) {
            errno = ELOOP;
            return -1;
        }
        ssize_t k = readlink(out, link, sizeof link - 1);
        if (k < 0)
            return -1;
        link[k] = '\0';
        if (link[0] == '/') {
            if ((size_t)k >= size) {
                errno = ENAMETOOLONG;
                return -1;
            }
            memcpy(out, link, (size_t)k + 1);
        } else {
            /* relative to the folder that holds the link */
            char *slash = strrchr(out, '/');
            size_t keep = slash ? (size_t)(slash - out) + 1 : 0;
            if (keep + (size_t)k >= size) {
                errno = ENAMETOOLONG;
                return -1;
            }
            memcpy(out + keep, link, (size_t)k + 1);
        }
    }
}

/* The folder and file name of path. */
static void split_path(const char *path, char *dir, size_t size, const char **base)
{
    const char *slash = strrchr(path, '/');
    *base = slash ? slash + 1 : path;
    if (!slash)
        snprintf(dir, size, ".");
    else if (slash == path)
        snprintf(dir, size, "/");
    else
        snprintf(dir, size, "%.*s", (int)(slash - path), path);
}

/* When this process started (seconds since the epoch), from /proc; the
 * first call's time when /proc cannot tell. */
static time_t process_start(void)
{
    static time_t start;
    if (start)
        return start;
    start = time(NULL);
    FILE *f = fopen("/proc/self/stat", "r");
    char line[1024];
    unsigned long long ticks = 0, boot = 0;
    int have = 0;
    if (f) {
        if (fgets(line, sizeof line, f)) {
            char *p = strrchr(line, ')');
            for (int field = 2; p && field < 22; field++)
                p = strchr(p + 1, ' ');
            have = p && sscanf(p + 1, "%llu", &ticks) == 1;
        }
        fclose(f);
    }
    f = have ? fopen("/proc/stat", "r") : NULL;
    if (f) {
        while (fgets(line, sizeof line, f))
            if (sscanf(line, "btime %llu", &boot) == 1)
                break;
        fclose(f);
    }
    long hz = sysconf(_SC_CLK_TCK);
    if (have && boot > 0 && hz > 0)
        start = (time_t)(boot + ticks / (unsigned long long)hz);
    return start;
}

/* Is name ".BASE.backstep-XXXXXX" for base? */
static int is_temp_of(const char *name, const char *base)
{
    size_t bl = strlen(base), ml = sizeof temp_mark - 1;
    if (name[0] != '.' || strncmp(name + 1, base, bl) != 0 ||
        strncmp(name + 1 + bl, temp_mark, ml) != 0)
        return 0;
    const char *x = name + 1 + bl + ml;
    if (strlen(x) != TEMP_SUFFIX_LEN)
        return 0;
    for (; *x; x++)
        if (!((*x >= 'a' && *x <= 'z') || (*x >= 'A' && *x <= 'Z') || (*x >= '0' && *x <= '9')))
            return 0;
    return 1;
}

int save_clean_stale(const char *path)
{
    char target[SAVE_PATH_SIZE], dir[SAVE_PATH_SIZE], file[SAVE_PATH_SIZE];
    const char *base;
    int links, removed = 0;
    if (!path || resolve(path, target, sizeof target, &links) != 0)
        return 0;
    split_path(target, dir, sizeof dir, &base);
    if (!*base)
        return 0;
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    time_t start = process_start();
    struct dirent *ent;
    while ((ent = readdir(d)) != NULL) {
        struct stat st;
        if (!is_temp_of(ent->d_name, base))
            continue;
        if (snprintf(file, sizeof file, "%s/%s", dir, ent->d_name) >= (int)sizeof file)
            continue;
        if (lstat(file, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == geteuid() &&
            st.st_mtime + STALE_MARGIN < start && unlink(file) == 0)
            removed++;
    }
    closedir(d);
    return removed;
}

static FILE *open_mkstemp(char *tmpl, void *ctx)
{
    (void)ctx;
    int fd = mkstemp(tmpl);
    if (fd < 0)
        return NULL;
    FILE *f = fdopen(fd, "w");
    if (!f) {
        int e = errno;
        close(fd);
        unlink(tmpl);
        errno = e;
    }
    return f;
}

/* Makes a rename durable; the save has already succeeded, so a folder
 * that cannot be synced is not an error. */
static void sync_folder(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

/* The whole of a file, at most max bytes (malloc'd), or NULL. */
static char *read_file(const char *path, size_t max, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return NULL;
    size_t cap = 65536, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        if (n == cap) {
            if (cap >= max) {
                free(buf);
                buf = NULL;
                break;
            }
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
        ssize_t k = read(fd, buf + n, cap - n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0) {
            free(buf);
            buf = NULL;
            break;
        }
        if (k == 0)
            break;
        n += (size_t)k;
    }
    close(fd);
    *len = n;
    return buf;
}

/* Has the file at target changed since stamp?  0 no, 1 yes (why says how). */
static int changed_since(const char *target, const lesson_stamp *stamp, const char **why)
{
    struct stat st;
    if (stat(target, &st) != 0) {
        *why = "was removed since backstep read it";
        return 1;
    }
    if ((unsigned long long)st.st_dev != stamp->dev || (unsigned long long)st.st_ino != stamp->ino) {
        *why = "was replaced since backstep read it";
        return 1;
    }
    *why = "changed on disk since backstep read it";
    if ((long long)st.st_size != stamp->size)
        return 1;
    if ((long long)st.st_mtim.tv_sec == stamp->mtime_sec && st.st_mtim.tv_nsec == stamp->mtime_nsec)
        return 0;
    size_t n;
    char *text = read_file(target, LESSON_MAX_BYTES + 1, &n);
    if (!text)
        return 1;
    lesson_stamp now;
    lesson_stamp_take(&now, &st, text, n);
    free(text);
    return now.hash != stamp->hash;
}

/* Writes all of text at the start of fd and cuts the file there. */
static int write_in_place(int fd, const char *text, size_t len)
{
    size_t done = 0;
    while (done < len) {
        ssize_t k = pwrite(fd, text + done, len - done, (off_t)done);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return -1;
        done += (size_t)k;
    }
    return ftruncate(fd, (off_t)len) != 0 || fsync(fd) != 0 ? -1 : 0;
}

/* The text into a new temporary file beside target, synced; its name in tmpl. */
static int write_temp(const char *dir, const char *base, const char *text, size_t len,
                      mode_t mode, const struct stat *old, save_open_fn open_temp, void *ctx,
                      char *tmpl, size_t tsize)
{
    if (snprintf(tmpl, tsize, "%s/.%s%sXXXXXX", dir, base, temp_mark) >= (int)tsize) {
        errno = ENAMETOOLONG;
        return -1;
    }
    FILE *f = open_temp(tmpl, ctx);
    if (!f)
        return -1;
    int err = 0;
    if (fchmod(fileno(f), mode) != 0)
        err = errno;
    /* The owner stays, where this user may say so (root may). */
    if (!err && old && (old->st_uid != geteuid() || old->st_gid != getegid()) &&
        fchown(fileno(f), old->st_uid, old->st_gid) != 0)
        errno = 0;
    if (!err && fwrite(text, 1, len, f) != len)
        err = errno ? errno : EIO;
    if (!err && fflush(f) != 0)
        err = errno;
    if (!err && fsync(fileno(f)) != 0)
        err = errno;
    if (fclose(f) != 0 && !err)
        err = errno;
    if (err) {
        unlink(tmpl);
        errno = err;
        return -1;
    }
    return 0;
}

int save_write_via(const char *path, const engine_net *net, const lesson *words,
                   lesson_stamp *stamp, unsigned flags, save_report *rep,
                   save_open_fn open_temp, void *ctx, char *msg, size_t size)
{
    save_report own;
    char target[SAVE_PATH_SIZE], dir[SAVE_PATH_SIZE], tmpl[SAVE_PATH_SIZE];
    char why[SAVE_ERROR_SIZE];
    const char *base;
    struct stat st;
    int links;
    if (!rep)
        rep = &own;
    memset(rep, 0, sizeof *rep);
    if (size > 0)
        msg[0] = '\0';
    if (!open_temp)
        open_temp = open_mkstemp;
    if (!path || !*path)
        return fail("", strerror(ENOENT), msg, size);

    /* Refuse before touching the disk when the text would not load back. */
    char *text;
    size_t len;
    if (save_text(net, words, &text, &len, &rep->fresh, why, sizeof why) != 0)
        return fail(path, why, msg, size);

    int rc = SAVE_FAILED;
    if (resolve(path, target, sizeof target, &links) != 0) {
        rc = fail_errno(path, errno, msg, size);
        goto out;
    }
    rep->through_link = links > 0;
    snprintf(rep->written, sizeof rep->written, "%s", target);
    split_path(target, dir, sizeof dir, &base);
    int exists = lstat(target, &st) == 0;
    if (!exists && errno != ENOENT) {
        rc = fail_errno(path, errno, msg, size);
        goto out;
    }
    if (!*base || (exists && S_ISDIR(st.st_mode))) {
        rc = fail_errno(path, EISDIR, msg, size);
        goto out;
    }
    if (exists && !S_ISREG(st.st_mode)) {
        rc = fail(path, "not a regular file", msg, size);
        goto out;
    }
    const char *how;
    if (stamp && stamp->known && !(flags & SAVE_REPLACE_CHANGED) &&
        changed_since(target, stamp, &how)) {
        say(msg, size, "", path, " ", how);
        rc = SAVE_CHANGED;
        goto out;
    }
    int read_only = exists && ((st.st_mode & 0222) == 0 || access(target, W_OK) != 0);
    if (read_only && !(flags & SAVE_REPLACE_READ_ONLY)) {
        say(msg, size, "", path, " ", "is read-only");
        rc = SAVE_READ_ONLY;
        goto out;
    }
    save_clean_stale(target);

    mode_t mode;
    if (exists) {
        mode = st.st_mode & 07777;
    } else {
        mode_t mask = umask(022);
        umask(mask);
        mode = 0666 & ~mask;
    }
    /* The full text goes to a temporary file first either way: a disk
     * that is full, or a folder that refuses new files, shows here, before
     * the original is touched. */
    if (write_temp(dir, base, text, len, mode, exists ? &st : NULL, open_temp, ctx, tmpl,
                   sizeof tmpl) != 0) {
        rc = fail_errno(path, errno, msg, size);
        goto out;
    }
    size_t old_len = 0;
    char *old = NULL;
    int fd = -1;
    if (exists && st.st_nlink > 1 && !read_only) {
        /* Other hard links would keep the old text after a rename: write in
         * place, keeping the original in memory to put back if that fails.
         * Only then: a rewrite in place is not atomic. */
        old = read_file(target, ORIGINAL_MAX, &old_len);
        fd = old ? open(target, O_WRONLY | O_CLOEXEC) : -1;
    }
    if (fd >= 0) {
        if (write_in_place(fd, text, len) != 0) {
            int e = errno;
            write_in_place(fd, old, old_len);
            close(fd);
            free(old);
            unlink(tmpl);
            rc = fail_errno(path, e, msg, size);
            goto out;
        }
        close(fd);
        unlink(tmpl);
        rep->in_place = 1;
    } else if (rename(tmpl, target) != 0) {
        int e = errno;
        unlink(tmpl);
        free(old);
        rc = fail_errno(path, e, msg, size);
        goto out;
    } else {
        rep->links_split = exists && st.st_nlink > 1;
        sync_folder(dir);
    }
    free(old);
    rep->bytes = len;
    if (stamp && stat(target, &st) == 0)
        lesson_stamp_take(stamp, &st, text, len);
    rc = SAVE_DONE;
out:
    free(text);
    return rc;
}

int save_write(const char *path, const engine_net *net, const lesson *words,
               lesson_stamp *stamp, unsigned flags, save_report *rep, char *msg, size_t size)
{
    return save_write_via(path, net, words, stamp, flags, rep, NULL, NULL, msg, size);
}

int save_lesson(const char *path, const engine_net *net, const lesson *words,
                char *msg, size_t size)
{
    return save_write(path, net, words, NULL, 0, NULL, msg, size);
}

/* shape_impl.h - what the shape checker's own files share and nothing
 * else includes: the tokens, the nodes and the parser's state, and the
 * functions each stage of a check hands on to the next.  The stages call
 * downward only: shape_check.c runs the lexer (shape_lex.c), the parser
 * (shape_parse.c), the inference (shape_infer.c) and the gradients' advice
 * (shape_advice.c); shape_render.c lays out what they found.  Not part of
 * the checker's interface, which is shape.h. */
#ifndef BACKSTEP_SHAPE_IMPL_H
#define BACKSTEP_SHAPE_IMPL_H

#include <stddef.h>
#include <stdint.h>
#include "engine.h"
#include "shape.h"

enum {
    SHORT_CHARS = 20,  /* operands quoted in readings are cut to this */
    ABBREV_CHARS = 40, /* operands quoted in messages are cut to this */
    PAD_MAX = 40,      /* the shape column starts no further right than this */
    SCAN_BYTES = SHAPE_MAX_CHARS * 4 + 8,
};

/* ------------------------------------------------------------ the types */

typedef enum {
    T_END, T_NAME, T_NUM, T_LP, T_RP, T_COMMA, T_MUL, T_HAD, T_OUTER, T_ADD, T_SUB,
    T_TR, T_PRIME, T_EQ
} tok_kind;

typedef struct {
    tok_kind kind;
    int b0, b1; /* bytes of the token in the expression */
    int c0, c1; /* 1-based character columns, c1 one past the end */
    int gx;     /* ∂E/∂X and dE/dX: the byte where X starts; -1 otherwise */
} token;

/* What a node computes.  One row per kind in node_ops (shape_infer.c). */
typedef enum {
    N_LEAF, N_NEG, N_TR, N_GPRIME, N_GACT, N_MUL, N_HAD, N_OUTER, N_ADD, N_SUB, N_EQ,
    N_KIND_COUNT
} node_kind;

/* The ways a product that does not fit may have been meant. */
typedef enum {
    RD_NONE,         /* as written */
    RD_HADAMARD,     /* l ⊙ r */
    RD_T_LEFT,       /* lᵀ op r */
    RD_T_RIGHT,      /* l op rᵀ */
    RD_SWAP,         /* r op l */
    RD_T_BOTH,       /* lᵀ op rᵀ */
    RD_SWAP_T_LEFT,  /* r op lᵀ */
    RD_SWAP_T_RIGHT, /* rᵀ op l */
    RD_PRODUCT,      /* l * r, for an element-wise product that does not fit */
    RD_COUNT
} reading_kind;

/* What a name stands for. */
typedef enum {
    B_NONE, B_W, B_G, B_X, B_H, B_Y, B_T, B_ERR, B_Z, B_DELTA, B_B, B_SCALAR
} base_kind;

typedef struct {
    node_kind kind;
    int a, b;           /* children, -1 when absent */
    int ob0, ob1;       /* outer bytes, with any parentheses around it */
    int oc0, oc1;       /* outer columns */
    int tb0, tb1;       /* bytes of its own text */
    int tc0, tc1;       /* columns of its own text */
    int op;             /* operator token, -1 for leaves */
    int call;           /* outer(a, b) written as a call, not a ⊗ b */
    int rows, cols, scalar; /* the shape, as read */
    int wa, wb;         /* a weight leaf joins layers wa and wb; -1 otherwise */
    int vlayer;         /* a vector leaf's layer; -1 otherwise */
    base_kind base;     /* a leaf's kind of name */
    int grad;           /* a leaf naming a gradient: ∂E/∂X, dX or G_ij */
    base_kind of;       /* what that gradient is of */
    int ok;             /* fits as written */
    int reached;        /* has a shape, as written or read */
    reading_kind rd;    /* the reading taken when !ok */
    char note[SHAPE_NOTE_SIZE];
} node;

/* Everything one check needs, allocated once. */
typedef struct {
    const char *s;
    const engine_net *net;
    const int *width;
    int layers;
    int layer;          /* the caller's layer for bare δ, z, b; 0 none */
    engine_conv conv;
    int gradient_lhs;   /* the left side of = names a gradient */
    int ntok, pos;
    int nn;
    int depth;
    int failed;
    int err_col;
    char msg[SHAPE_MESSAGE_SIZE];
    /* room for one token and one node per character, and the end: sized
     * to the expression, since most are a few characters long */
    token *tok;
    node *nodes;
    char **rd;          /* each node as read, worked out with its shape */
} parser;

/* Layer letter, i for the input. */
static inline char letter(int n)
{
    return engine_layer_letter(n);
}

/* shape_lex.c: characters, tokens, and the names they stand for */

/* Length of the NUL-terminated s, looking at no more than max bytes. */
size_t shape_bounded_len(const char *s, size_t max);
/* A character the checker reads besides printable ASCII (others echo as '?'). */
int shape_known_symbol(uint32_t c);
/* Cuts a UTF-8 string back to its last whole character. */
void shape_trim_utf8(char *s);
/* Records the first problem of a check, at character column col. */
void shape_fail(parser *p, int col, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The screen's name of layer n's output: x_i, h_j (h¹_j …), y_k. */
void shape_act_name(const parser *p, int n, char *buf, size_t size);
/* A shape the way the screen writes it: "3" for a column, "2×3", "scalar". */
void shape_screen_shape(int rows, int cols, int scalar, char *buf, size_t size);
/* Splits the expression into tokens; stops at the first problem. */
void shape_lex(parser *p);
/* Examples of vectors of layer n, for messages. */
void shape_layer_examples(const parser *p, int n, char *buf, size_t size);
/* Gives leaf nd the shape of the name in token t; 0, or -1 after shape_fail(). */
int shape_resolve_name(parser *p, node *nd, const token *t);

/* shape_parse.c: the nodes, children first */

/* Bytes of s[0..len) that hold at most max characters; *cut when shorter. */
int shape_cut_chars(const char *s, int len, int max, int *cut);
/* Parses sum [= sum] END; the root node, or -1 after shape_fail(). */
int shape_parse(parser *p);

/* shape_infer.c: shapes, readings and why a product does not fit */

/* Infers node id's shape from its children: 1 when it fits as written, 0
 * when read another way, -1 when no reading fits. */
int shape_infer(parser *p, int id, int first_misfit);
/* Works out p->rd[id], node id as read; 0, or -1 when out of memory. */
int shape_read_text(parser *p, int id);
/* Reading k of node id into buf, operands cut to max characters. */
void shape_reading_text(const parser *p, int id, reading_kind k, int max, char *buf,
                        size_t size);

/* shape_advice.c: how a gradient is built */

/* What the gradient named by leaf lhs has one entry per, and of what. */
void shape_gradient_of(const parser *p, const node *lhs, char *of, size_t osize, char *unit,
                       size_t usize);
/* How the gradient named by lhs is built in the convention in force. */
void shape_gradient_advice(const parser *p, const node *lhs, const char *target, char *buf,
                           size_t size);

#endif

/* rules/scan.c: reads a rule file's name and domains from its text, with a Lua tokenizer (strings, long
 * brackets, comments) and bracket/block depth, never running it. Anything outside the one plain shape
 * (`return rule { name = "w", domains = {"a", ...}, ... }` ending the file) is "not sure": the runner then
 * runs the file. Checking what the rule holds is scripts/lib/rule.lua's job, not this. */
#include "rules/scan.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

enum tok { T_EOF, T_ERR, T_NAME, T_STR, T_NUM, T_OP, T_PUNCT };

struct lex {
    const char *p, *end;
    enum tok t;
    const char *s;    /* the token's text (a string: its contents) */
    size_t n;
    int plain;        /* a string without escapes or long brackets */
};

/* Length of a long bracket opening at p ("[[", "[==["), or 0; *level gets its '=' count. */
static size_t long_open(const char *p, const char *end, size_t *level)
{
    const char *q = p + 1;
    while (q < end && *q == '=')
        q++;
    if (q >= end || *q != '[')
        return 0;
    *level = (size_t)(q - p - 1);
    return (size_t)(q - p + 1);
}

/* Skip to past the long bracket's close (level '='s); 0, or -1 when it never closes. */
static int long_close(struct lex *x, size_t level)
{
    for (const char *q = x->p; q < x->end; q++) {
        if (*q != ']' || (size_t)(x->end - q) < level + 2)
            continue;
        size_t k = 0;
        while (k < level && q[1 + k] == '=')
            k++;
        if (k == level && q[1 + k] == ']') {
            x->p = q + level + 2;
            return 0;
        }
    }
    return -1;
}

static void skip_space_comments(struct lex *x)
{
    for (;;) {
        while (x->p < x->end && isspace((unsigned char)*x->p))
            x->p++;
        if (x->end - x->p < 2 || x->p[0] != '-' || x->p[1] != '-')
            return;
        x->p += 2;
        size_t level, o = x->p < x->end && *x->p == '[' ? long_open(x->p, x->end, &level) : 0;
        if (o) {
            x->p += o;
            if (long_close(x, level)) {
                x->p = x->end;
                return;
            }
        } else {
            while (x->p < x->end && *x->p != '\n')
                x->p++;
        }
    }
}

static enum tok lex_string(struct lex *x)
{
    char q = *x->p++;
    x->s = x->p;
    x->plain = 1;
    while (x->p < x->end && *x->p != q) {
        if (*x->p == '\n')
            return x->t = T_ERR;
        if (*x->p == '\\') {
            x->plain = 0;
            x->p++;
        }
        x->p++;
    }
    if (x->p >= x->end)
        return x->t = T_ERR;
    x->n = (size_t)(x->p - x->s);
    x->p++;
    return x->t = T_STR;
}

static enum tok next(struct lex *x)
{
    skip_space_comments(x);
    if (x->p >= x->end)
        return x->t = T_EOF;
    const char *st = x->p;
    unsigned char c = (unsigned char)*x->p;
    x->s = st;
    x->n = 1;
    size_t level, o;
    if (c == '"' || c == '\'')
        return lex_string(x);
    if (c == '[' && (o = long_open(x->p, x->end, &level))) {
        x->p += o;
        x->plain = 0;
        return x->t = long_close(x, level) ? T_ERR : T_STR;
    }
    if (isalpha(c) || c == '_') {
        while (x->p < x->end && (isalnum((unsigned char)*x->p) || *x->p == '_'))
            x->p++;
        x->n = (size_t)(x->p - st);
        return x->t = T_NAME;
    }
    if (isdigit(c) || (c == '.' && x->end - x->p > 1 && isdigit((unsigned char)x->p[1]))) {
        for (x->p++; x->p < x->end && (isalnum((unsigned char)*x->p) || *x->p == '.' || *x->p == '_'); x->p++)
            if (strchr("eEpP", *x->p) && x->end - x->p > 1 && (x->p[1] == '+' || x->p[1] == '-'))
                x->p++;
        return x->t = T_NUM;
    }
    if (c >= 0x80)
        return x->t = T_ERR;
    x->p++;
    if (strchr("{}()[],;", c) || (c == '=' && (x->p >= x->end || *x->p != '=')))
        return x->t = T_PUNCT;
    while (x->p < x->end && strchr("=.<>/:~", *x->p))   /* ==, ~=, <=, .., //, ::, ... */
        x->p++;
    x->n = (size_t)(x->p - st);
    return x->t = T_OP;
}

static int is(const struct lex *x, enum tok t, const char *text)
{
    return x->t == t && x->n == strlen(text) && !memcmp(x->s, text, x->n);
}

/* +1 / -1 for what opens or closes a bracket or a block (function/if/do/repeat ... end/until), else 0 */
static int depth_step(const struct lex *x)
{
    if (x->t == T_PUNCT)
        return strchr("{([", *x->s) ? 1 : strchr("})]", *x->s) ? -1 : 0;
    if (x->t != T_NAME)
        return 0;
    if (is(x, T_NAME, "function") || is(x, T_NAME, "if") || is(x, T_NAME, "do") || is(x, T_NAME, "repeat"))
        return 1;
    return is(x, T_NAME, "end") || is(x, T_NAME, "until") ? -1 : 0;
}

/* After a field's value: at ',' or ';' (consumed: 1) or the table's '}' (not consumed: 2); 0 otherwise. */
static int field_end(struct lex *x)
{
    if (is(x, T_PUNCT, ",") || is(x, T_PUNCT, ";")) {
        next(x);
        return 1;
    }
    return is(x, T_PUNCT, "}") ? 2 : 0;
}

/* Skip one value expression (the current token starts it) up to its field end. */
static int skip_value(struct lex *x)
{
    int d = 0;
    for (;;) {
        if (x->t == T_EOF || x->t == T_ERR || is(x, T_NAME, "_ENV") || is(x, T_NAME, "rule"))
            return 0;
        if (d == 0 && (is(x, T_PUNCT, ",") || is(x, T_PUNCT, ";") || is(x, T_PUNCT, "}")))
            return field_end(x);
        d += depth_step(x);
        if (d < 0)
            return 0;
        next(x);
    }
}

static char *plain_string(struct lex *x)
{
    if (x->t != T_STR || !x->plain)
        return NULL;
    char *s = strndup(x->s, x->n);
    next(x);
    return s;
}

static int word(const char *s)
{
    if (!s || !*s)
        return 0;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-')
            return 0;
    return 1;
}

static int add_domain(struct mw_rule_scan *o, char *d)
{
    char **p = d ? realloc(o->domains, (o->ndomains + 1) * sizeof *p) : NULL;
    if (!p) {
        free(d);
        return 0;
    }
    o->domains = p;
    o->domains[o->ndomains++] = d;
    return 1;
}

static int scan_domains(struct lex *x, struct mw_rule_scan *o)
{
    if (x->t == T_STR)
        return add_domain(o, plain_string(x));
    if (!is(x, T_PUNCT, "{"))
        return 0;
    next(x);
    while (!is(x, T_PUNCT, "}")) {
        if (!add_domain(o, plain_string(x)))
            return 0;
        if (is(x, T_PUNCT, ",") || is(x, T_PUNCT, ";"))
            next(x);
        else if (!is(x, T_PUNCT, "}"))
            return 0;
    }
    next(x);
    return o->ndomains > 0;
}

/* The fields of the rule table (its '{' consumed) up to and past its '}'. */
static int scan_table(struct lex *x, struct mw_rule_scan *o)
{
    int have_domains = 0, r;
    for (;;) {
        if (is(x, T_PUNCT, "}")) {
            next(x);
            return o->name && have_domains;
        }
        if (is(x, T_PUNCT, "["))
            return 0;   /* a computed key might be "name" */
        struct lex look = *x;
        if (x->t == T_NAME && next(&look) == T_PUNCT && *look.s == '=') {
            int is_name = is(x, T_NAME, "name"), is_dom = is(x, T_NAME, "domains");
            *x = look;
            next(x);
            if (is_name) {
                if (o->name || !(o->name = plain_string(x)) || !word(o->name))
                    return 0;
                r = field_end(x);
            } else if (is_dom) {
                if (have_domains++ || !scan_domains(x, o))
                    return 0;
                r = field_end(x);
            } else {
                r = skip_value(x);
            }
        } else {
            r = skip_value(x);
        }
        if (!r)
            return 0;
    }
}

static int scan(struct lex *x, struct mw_rule_scan *o)
{
    int d = 0, after_return = 0;
    for (next(x); x->t != T_EOF; ) {
        if (x->t == T_ERR || is(x, T_NAME, "_ENV"))
            return 0;
        if (is(x, T_NAME, "rule")) {
            if (!after_return || d)
                return 0;
            next(x);
            int paren = is(x, T_PUNCT, "(");
            if (paren)
                next(x);
            if (!is(x, T_PUNCT, "{"))
                return 0;
            next(x);
            if (!scan_table(x, o))
                return 0;
            if (paren && !is(x, T_PUNCT, ")"))
                return 0;
            if (paren)
                next(x);
            if (is(x, T_PUNCT, ";"))
                next(x);
            return x->t == T_EOF;
        }
        after_return = is(x, T_NAME, "return");
        d += depth_step(x);
        next(x);
    }
    return 0;
}

int mw_rule_scan(const char *text, size_t len, struct mw_rule_scan *out)
{
    memset(out, 0, sizeof *out);
    struct lex x = {.p = text, .end = text + len};
    if (len >= 1 && text[0] == '#')   /* a shebang line, as lua_load skips it */
        while (x.p < x.end && *x.p != '\n')
            x.p++;
    if (scan(&x, out))
        return 1;
    mw_rule_scan_clear(out);
    return 0;
}

void mw_rule_scan_clear(struct mw_rule_scan *s)
{
    if (!s)
        return;
    free(s->name);
    for (size_t i = 0; i < s->ndomains; i++)
        free(s->domains[i]);
    free(s->domains);
    memset(s, 0, sizeof *s);
}

/* lua/pattern.c: string.find, match, gmatch and gsub for the sandbox: Lua 5.4's pattern language matched by
 * our own backtracking matcher, which charges every step to the state's budget (lua/budget.c), so a
 * pathological pattern ends as a budget stop instead of running for minutes inside C. Semantics follow
 * the Lua 5.4 manual, section 6.4.1; the code is ours. */
#include "lua/std.h"
#include "lua/budget.h"

#include <ctype.h>
#include <lauxlib.h>
#include <string.h>

#define ESC '%'
#define SPECIALS "^$*+?.([%-"
#define CAPS_MAX 32                /* Lua's LUA_MAXCAPTURES */
#define DEPTH_MAX 200              /* nested match calls in one match, as Lua's MAXCCALLS */
#define STACK_MAX (4u << 20)       /* C stack a match may find in use (gsub callbacks nest matches) */
#define STEP_CHUNK 4096            /* steps between charges */
#define CAP_OPEN (-1)
#define CAP_POS (-2)

struct cap {
    const char *at;
    ptrdiff_t len;                 /* CAP_OPEN, CAP_POS or the length */
};

struct m {
    lua_State *L;
    const char *s0, *s_end;        /* the subject */
    const char *p_end;             /* end of the pattern (patterns are Lua strings: *p_end == '\0') */
    int depth;                     /* nested calls left */
    int ncap;
    long long steps;               /* not charged yet */
    struct cap cap[CAPS_MAX];
};

static void m_init(struct m *m, lua_State *L, const char *s, size_t ls, const char *p, size_t lp)
{
    m->L = L;
    m->s0 = s;
    m->s_end = s + ls;
    m->p_end = p + lp;
    m->steps = 0;
}

static void m_reset(struct m *m)
{
    m->ncap = 0;
    m->depth = DEPTH_MAX;
}

static void m_flush(struct m *m)
{
    if (m->steps) {
        long long n = m->steps;
        m->steps = 0;
        mw_budget_charge(m->L, n);
    }
}

static void step(struct m *m, long long n)
{
    m->steps += n;
    if (m->steps >= STEP_CHUNK)
        m_flush(m);
}

/* ---- single characters ---- */

static int in_class(int c, int cl)
{
    int r;
    switch (tolower(cl)) {
    case 'a': r = isalpha(c); break;
    case 'c': r = iscntrl(c); break;
    case 'd': r = isdigit(c); break;
    case 'g': r = isgraph(c); break;
    case 'l': r = islower(c); break;
    case 'p': r = ispunct(c); break;
    case 's': r = isspace(c); break;
    case 'u': r = isupper(c); break;
    case 'w': r = isalnum(c); break;
    case 'x': r = isxdigit(c); break;
    case 'z': r = c == 0; break;   /* deprecated in 5.2, still in 5.4 (fuzz_pattern found it missing) */
    default: return cl == c;       /* %. and the like: the character itself */
    }
    r = r != 0;
    return isupper(cl) ? !r : r;
}

/* c against the set [...] from p (its '[') to close (its ']') */
static int in_set(int c, const char *p, const char *close)
{
    int yes = 1;
    if (p[1] == '^') {
        yes = 0;
        p++;
    }
    while (++p < close) {
        if (*p == ESC) {
            p++;
            if (in_class(c, (unsigned char)*p))
                return yes;
        } else if (p[1] == '-' && p + 2 < close) {
            int lo = (unsigned char)p[0], hi = (unsigned char)p[2];
            p += 2;
            if (lo <= c && c <= hi)
                return yes;
        } else if ((unsigned char)*p == c) {
            return yes;
        }
    }
    return !yes;
}

/* Past the single-character item at p: ".", "%x", "[set]" or a literal. */
static const char *item_end(struct m *m, const char *p)
{
    char c = *p++;
    if (c == ESC) {
        if (p == m->p_end)
            luaL_error(m->L, "malformed pattern (ends with '%%')");
        return p + 1;
    }
    if (c != '[')
        return p;
    if (*p == '^')
        p++;
    do {   /* the first character of a set is literal, even ']' */
        if (p == m->p_end)
            luaL_error(m->L, "malformed pattern (missing ']')");
        c = *p++;
        if (c == ESC && p < m->p_end)
            p++;
    } while (*p != ']');
    return p + 1;
}

static int one(const struct m *m, const char *s, const char *p, const char *ep)
{
    if (s >= m->s_end)
        return 0;
    int c = (unsigned char)*s;
    switch (*p) {
    case '.': return 1;
    case ESC: return in_class(c, (unsigned char)p[1]);
    case '[': return in_set(c, p, ep - 1);
    default: return (unsigned char)*p == c;
    }
}

/* ---- the matcher ---- */

static const char *do_match(struct m *m, const char *s, const char *p);

static const char *greedy(struct m *m, const char *s, const char *p, const char *ep)
{
    ptrdiff_t i = 0;
    while (one(m, s + i, p, ep)) {
        i++;
        step(m, 1);
    }
    for (; i >= 0; i--) {
        const char *r = do_match(m, s + i, ep + 1);
        if (r)
            return r;
    }
    return NULL;
}

static const char *lazy(struct m *m, const char *s, const char *p, const char *ep)
{
    for (;;) {
        const char *r = do_match(m, s, ep + 1);
        if (r)
            return r;
        if (!one(m, s, p, ep))
            return NULL;
        s++;
    }
}

static const char *open_cap(struct m *m, const char *s, const char *p, ptrdiff_t what)
{
    if (m->ncap >= CAPS_MAX)
        luaL_error(m->L, "too many captures");
    m->cap[m->ncap].at = s;
    m->cap[m->ncap].len = what;
    m->ncap++;
    const char *r = do_match(m, s, p);
    if (!r)
        m->ncap--;
    return r;
}

static const char *close_cap(struct m *m, const char *s, const char *p)
{
    int l = m->ncap - 1;
    while (l >= 0 && m->cap[l].len != CAP_OPEN)
        l--;
    if (l < 0)
        luaL_error(m->L, "invalid pattern capture");
    m->cap[l].len = s - m->cap[l].at;
    const char *r = do_match(m, s, p);
    if (!r)
        m->cap[l].len = CAP_OPEN;
    return r;
}

static const char *backref(struct m *m, const char *s, int digit)
{
    int l = digit - '1';
    if (l < 0 || l >= m->ncap || m->cap[l].len == CAP_OPEN)
        luaL_error(m->L, "invalid capture index %%%d", l + 1);
    size_t len = (size_t)m->cap[l].len;   /* a position capture is huge here, so it never matches */
    if ((size_t)(m->s_end - s) < len)
        return NULL;
    step(m, (long long)(len / 16));
    return memcmp(m->cap[l].at, s, len) ? NULL : s + len;
}

/* %bxy at p (p points at x) */
static const char *balance(struct m *m, const char *s, const char *p)
{
    if (p >= m->p_end - 1)
        luaL_error(m->L, "malformed pattern (missing arguments to '%%b')");
    if (s >= m->s_end || *s != *p)
        return NULL;
    char open = p[0], close = p[1];
    long depth = 1;
    const char *start = s;
    while (++s < m->s_end) {
        if (*s == close) {
            if (--depth == 0) {
                step(m, (s - start) / 8);
                return s + 1;
            }
        } else if (*s == open) {
            depth++;
        }
    }
    step(m, (s - start) / 8);
    return NULL;
}

/* %f[set] at p (p points at the '['); NULL when the frontier is not here */
static const char *frontier(struct m *m, const char *s, const char *p)
{
    if (*p != '[')
        luaL_error(m->L, "missing '[' after '%%f' in pattern");
    const char *ep = item_end(m, p);
    int prev = s == m->s0 ? '\0' : (unsigned char)s[-1];
    int cur = s < m->s_end ? (unsigned char)*s : '\0';
    return !in_set(prev, p, ep - 1) && in_set(cur, p, ep - 1) ? ep : NULL;
}

/* The end of the match of pattern p at s, or NULL. */
static const char *do_match(struct m *m, const char *s, const char *p)
{
    if (m->depth-- == 0 || mw_budget_deep(STACK_MAX))
        luaL_error(m->L, "pattern too complex");
    while (s && p != m->p_end) {
        step(m, 1);
        if (*p == '(') {
            s = p[1] == ')' ? open_cap(m, s, p + 2, CAP_POS) : open_cap(m, s, p + 1, CAP_OPEN);
            break;
        }
        if (*p == ')') {
            s = close_cap(m, s, p + 1);
            break;
        }
        if (*p == '$' && p + 1 == m->p_end) {
            s = s == m->s_end ? s : NULL;
            break;
        }
        if (*p == ESC && p[1] == 'b') {
            s = balance(m, s, p + 2);
            p += 4;
            continue;
        }
        if (*p == ESC && p[1] == 'f') {
            const char *next = frontier(m, s, p + 2);
            if (!next)
                s = NULL;
            p = next;
            continue;
        }
        if (*p == ESC && isdigit((unsigned char)p[1])) {
            s = backref(m, s, (unsigned char)p[1]);
            p += 2;
            continue;
        }
        /* a single-character item, maybe with a repetition after it */
        const char *ep = item_end(m, p);
        char rep = ep < m->p_end ? *ep : '\0';
        if (!one(m, s, p, ep)) {
            if (rep == '*' || rep == '?' || rep == '-') {
                p = ep + 1;
                continue;
            }
            s = NULL;
            break;
        }
        if (rep == '?') {
            const char *r = do_match(m, s + 1, ep + 1);
            if (r) {
                s = r;
                break;
            }
            p = ep + 1;
            continue;
        }
        if (rep == '+' || rep == '*') {
            s = greedy(m, rep == '+' ? s + 1 : s, p, ep);
            break;
        }
        if (rep == '-') {
            s = lazy(m, s, p, ep);
            break;
        }
        s++;
        p = ep;
    }
    m->depth++;
    return s;
}

/* ---- results ---- */

static void push_cap(struct m *m, int i, const char *s, const char *e)
{
    lua_State *L = m->L;
    if (i >= m->ncap) {
        if (i != 0)
            luaL_error(L, "invalid capture index %%%d", i + 1);
        lua_pushlstring(L, s, (size_t)(e - s));   /* no captures: the whole match */
        return;
    }
    ptrdiff_t len = m->cap[i].len;
    if (len == CAP_OPEN)
        luaL_error(L, "unfinished capture");
    if (len == CAP_POS)
        lua_pushinteger(L, (lua_Integer)(m->cap[i].at - m->s0) + 1);
    else
        lua_pushlstring(L, m->cap[i].at, (size_t)len);
}

/* s NULL (string.find): only the captures there are */
static int push_caps(struct m *m, const char *s, const char *e)
{
    int n = (m->ncap == 0 && s) ? 1 : m->ncap;
    luaL_checkstack(m->L, n, "too many captures");
    for (int i = 0; i < n; i++)
        push_cap(m, i, s, e);
    return n;
}

static size_t start_at(lua_Integer pos, size_t len)
{
    if (pos > 0)
        return (size_t)pos;
    if (pos == 0 || pos < -(lua_Integer)len)
        return 1;
    return len + (size_t)pos + 1;
}

static int no_specials(const char *p, size_t lp)
{
    size_t at = 0;
    do {   /* strpbrk stops at '\0': look at each piece between embedded zeros */
        if (strpbrk(p + at, SPECIALS))
            return 0;
        at += strlen(p + at) + 1;
    } while (at <= lp);
    return 1;
}

static int find_aux(lua_State *L, int find)
{
    size_t ls, lp;
    const char *s = luaL_checklstring(L, 1, &ls);
    const char *p = luaL_checklstring(L, 2, &lp);
    size_t init = start_at(luaL_optinteger(L, 3, 1), ls) - 1;
    if (init > ls) {
        luaL_pushfail(L);
        return 1;
    }
    if (find && (lua_toboolean(L, 4) || no_specials(p, lp))) {
        mw_budget_charge(L, 1 + (long long)((ls - init) / 16));
        const char *hit = memmem(s + init, ls - init, p, lp);
        if (!hit) {
            luaL_pushfail(L);
            return 1;
        }
        lua_pushinteger(L, (lua_Integer)(hit - s) + 1);
        lua_pushinteger(L, (lua_Integer)(hit - s + lp));
        return 2;
    }
    int anchor = *p == '^';
    if (anchor) {
        p++;
        lp--;
    }
    struct m m;
    m_init(&m, L, s, ls, p, lp);
    const char *at = s + init;
    do {
        m_reset(&m);
        const char *e = do_match(&m, at, p);
        if (e) {
            m_flush(&m);
            if (!find)
                return push_caps(&m, at, e);
            lua_pushinteger(L, (lua_Integer)(at - s) + 1);
            lua_pushinteger(L, (lua_Integer)(e - s));
            return push_caps(&m, NULL, NULL) + 2;
        }
    } while (at++ < m.s_end && !anchor);
    m_flush(&m);
    luaL_pushfail(L);
    return 1;
}

int mw_std_find(lua_State *L) { return find_aux(L, 1); }
int mw_std_match(lua_State *L) { return find_aux(L, 0); }

/* ---- gmatch: the iterator keeps offsets, never pointers, and matches on whichever thread calls it ---- */

struct gm {
    size_t pos;          /* where the next search starts */
    ptrdiff_t last;      /* end of the last match, -1 before the first (an empty match may not repeat it) */
};

static int gmatch_next(lua_State *L)
{
    size_t ls, lp;
    const char *s = lua_tolstring(L, lua_upvalueindex(1), &ls);
    const char *p = lua_tolstring(L, lua_upvalueindex(2), &lp);
    struct gm *g = lua_touserdata(L, lua_upvalueindex(3));
    struct m m;
    m_init(&m, L, s, ls, p, lp);
    for (size_t at = g->pos; at <= ls; at++) {
        m_reset(&m);
        const char *e = do_match(&m, s + at, p);
        if (e && e - s != g->last) {
            g->pos = (size_t)(e - s);
            g->last = e - s;
            m_flush(&m);
            return push_caps(&m, s + at, e);
        }
    }
    g->pos = ls + 1;
    m_flush(&m);
    return 0;
}

int mw_std_gmatch(lua_State *L)
{
    size_t ls;
    luaL_checklstring(L, 1, &ls);
    luaL_checkstring(L, 2);
    size_t init = start_at(luaL_optinteger(L, 3, 1), ls) - 1;
    lua_settop(L, 2);
    struct gm *g = lua_newuserdatauv(L, sizeof *g, 0);
    g->pos = init > ls ? ls + 1 : init;
    g->last = -1;
    lua_pushcclosure(L, gmatch_next, 3);
    return 1;
}

/* ---- gsub ---- */

/* The replacement string at index 3, with %0-%9 and %%. */
static void add_string(struct m *m, luaL_Buffer *b, const char *s, const char *e)
{
    lua_State *L = m->L;
    size_t l;
    const char *r = lua_tolstring(L, 3, &l);
    step(m, (long long)(l / 16));
    const char *q;
    while ((q = memchr(r, ESC, l)) != NULL) {
        luaL_addlstring(b, r, (size_t)(q - r));
        q++;   /* r is a Lua string: q may point at its terminating '\0' */
        if (*q == ESC) {
            luaL_addchar(b, *q);
        } else if (*q == '0') {
            luaL_addlstring(b, s, (size_t)(e - s));
        } else if (isdigit((unsigned char)*q)) {
            push_cap(m, *q - '1', s, e);
            luaL_addvalue(b);   /* a position capture is a number: added as its text */
        } else {
            luaL_error(L, "invalid use of '%c' in replacement string", ESC);
        }
        l -= (size_t)(q + 1 - r);
        r = q + 1;
    }
    luaL_addlstring(b, r, l);
}

/* 1 when the match was replaced, 0 when kept (a false or nil replacement) */
static int add_value(struct m *m, luaL_Buffer *b, const char *s, const char *e, int tr)
{
    lua_State *L = m->L;
    if (tr == LUA_TFUNCTION) {
        lua_pushvalue(L, 3);
        int n = push_caps(m, s, e);
        lua_call(L, n, 1);
    } else if (tr == LUA_TTABLE) {
        push_cap(m, 0, s, e);
        lua_gettable(L, 3);
    } else {
        add_string(m, b, s, e);
        return 1;
    }
    if (!lua_toboolean(L, -1)) {
        lua_pop(L, 1);
        luaL_addlstring(b, s, (size_t)(e - s));
        return 0;
    }
    if (!lua_isstring(L, -1))
        return luaL_error(L, "invalid replacement value (a %s)", luaL_typename(L, -1));
    luaL_addvalue(b);
    return 1;
}

int mw_std_gsub(lua_State *L)
{
    size_t ls, lp;
    const char *src = luaL_checklstring(L, 1, &ls);
    const char *p = luaL_checklstring(L, 2, &lp);
    int tr = lua_type(L, 3);
    lua_Integer max_n = luaL_optinteger(L, 4, (lua_Integer)ls + 1);
    luaL_argexpected(L, tr == LUA_TNUMBER || tr == LUA_TSTRING || tr == LUA_TFUNCTION || tr == LUA_TTABLE, 3,
                     "string/function/table");
    int anchor = *p == '^';
    if (anchor) {
        p++;
        lp--;
    }
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    struct m m;
    m_init(&m, L, src, ls, p, lp);
    const char *s = src, *last = NULL;
    lua_Integer n = 0;
    int changed = 0;
    while (n < max_n) {
        m_reset(&m);
        const char *e = do_match(&m, s, p);
        if (e && e != last) {
            n++;
            changed |= add_value(&m, &b, s, e, tr);
            s = last = e;
        } else if (s < m.s_end) {
            luaL_addchar(&b, *s++);
        } else {
            break;
        }
        if (anchor)
            break;
    }
    m_flush(&m);
    if (!changed) {
        lua_pushvalue(L, 1);
    } else {
        luaL_addlstring(&b, s, (size_t)(m.s_end - s));
        luaL_pushresult(&b);
    }
    lua_pushinteger(L, n);
    return 2;
}

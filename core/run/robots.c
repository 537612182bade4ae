/* run/robots.c: robots.txt parsing and matching (RFC 9309, plus the common Crawl-delay and Sitemap lines).
 * Only text in, decisions out: which host's file it is and when it was fetched is run/crawl.c's. */
#include "run/robots.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define ROBOTS_MAX_RULES 4096   /* a hostile file cannot make matching quadratic in memory */

struct rule {
    char *pat;
    int allow;
};

struct mw_robots {
    struct rule *rules;
    size_t nrules;
    long delay_ms;
    char **sitemaps;
    size_t nsitemaps;
    int deny_all;
};

void mw_robots_free(struct mw_robots *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->nrules; i++)
        free(r->rules[i].pat);
    free(r->rules);
    for (size_t i = 0; i < r->nsitemaps; i++)
        free(r->sitemaps[i]);
    free(r->sitemaps);
    free(r);
}

struct mw_robots *mw_robots_deny_all(void)
{
    struct mw_robots *r = calloc(1, sizeof *r);
    if (r) {
        r->deny_all = 1;
        r->delay_ms = -1;
    }
    return r;
}

static int push_str(char ***v, size_t *n, const char *s, size_t len)
{
    char **p = realloc(*v, (*n + 1) * sizeof *p);
    if (!p)
        return -1;
    *v = p;
    if (!(p[*n] = strndup(s, len)))
        return -1;
    (*n)++;
    return 0;
}

/* Rules collected for one kind of group: ours (the agent token) or "*". */
struct side {
    struct rule *rules;
    size_t n;
    long delay_ms;
    int seen;
};

static int side_add(struct side *s, const char *v, size_t len, int allow)
{
    if (s->n >= ROBOTS_MAX_RULES)
        return 0;
    struct rule *p = realloc(s->rules, (s->n + 1) * sizeof *p);
    if (!p)
        return -1;
    s->rules = p;
    if (!(p[s->n].pat = strndup(v, len)))
        return -1;
    p[s->n++].allow = allow;
    return 0;
}

static void side_free(struct side *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->rules[i].pat);
    free(s->rules);
}

/* The user-agent value names us when its product token (up to '/' or space) equals agent. */
static int agent_matches(const char *v, size_t len, const char *agent)
{
    size_t t = 0;
    while (t < len && v[t] != '/' && v[t] != ' ' && v[t] != '\t')
        t++;
    return agent && t == strlen(agent) && !strncasecmp(v, agent, t);
}

/* The parse: a group is a run of user-agent lines followed by rules; the rules go to each side its agents
 * named (ours, "*"). */
struct rparse {
    struct mw_robots *r;
    struct side ours, star;
    const char *agent;
    int in_agents, g_ours, g_star;
};

/* One line's key and value, spaces trimmed, the comment cut off. 0: no colon, not a key: value line. */
static int line_kv(const char *p, const char *le, const char **k, size_t *kl, const char **v, size_t *vl)
{
    const char *hash = memchr(p, '#', (size_t)(le - p));
    const char *ce = hash ? hash : le;
    const char *colon = memchr(p, ':', (size_t)(ce - p));
    if (!colon)
        return 0;
    const char *ks = p, *ke = colon, *vs = colon + 1, *ve = ce;
    while (ks < ke && isspace((unsigned char)*ks))
        ks++;
    while (ke > ks && isspace((unsigned char)ke[-1]))
        ke--;
    while (vs < ve && isspace((unsigned char)*vs))
        vs++;
    while (ve > vs && isspace((unsigned char)ve[-1]))
        ve--;
    *k = ks;
    *kl = (size_t)(ke - ks);
    *v = vs;
    *vl = (size_t)(ve - vs);
    return 1;
}

/* Allow and Disallow of the current group; an empty Disallow allows everything: it adds no rule. -1: no memory */
static int group_rule(struct rparse *ps, const char *v, size_t vl, int allow)
{
    if (vl && ps->g_ours && side_add(&ps->ours, v, vl, allow))
        return -1;
    if (vl && ps->g_star && side_add(&ps->star, v, vl, allow))
        return -1;
    ps->ours.seen |= ps->g_ours;
    ps->star.seen |= ps->g_star;
    return 0;
}

/* Crawl-delay of the current group, in seconds (fractions too), under a day */
static void group_delay(struct rparse *ps, const char *v, size_t vl)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%.*s", (int)(vl < 31 ? vl : 31), v);
    char *e;
    double secs = strtod(buf, &e);
    if (e != buf && secs >= 0 && secs < 86400) {
        if (ps->g_ours)
            ps->ours.delay_ms = (long)(secs * 1000);
        if (ps->g_star)
            ps->star.delay_ms = (long)(secs * 1000);
    }
    ps->ours.seen |= ps->g_ours;
    ps->star.seen |= ps->g_star;
}

/* One key: value line. -1: no memory */
static int on_line(struct rparse *ps, const char *k, size_t kl, const char *v, size_t vl)
{
    if (kl == 10 && !strncasecmp(k, "user-agent", 10)) {
        if (!ps->in_agents)
            ps->g_ours = ps->g_star = 0;
        ps->in_agents = 1;
        if (vl == 1 && *v == '*')
            ps->g_star = 1;
        else if (agent_matches(v, vl, ps->agent))
            ps->g_ours = 1;
        return 0;
    }
    if (kl == 7 && !strncasecmp(k, "sitemap", 7))   /* Sitemap lines stand outside groups */
        return vl && ps->r->nsitemaps < 1000 && push_str(&ps->r->sitemaps, &ps->r->nsitemaps, v, vl) ? -1 : 0;
    ps->in_agents = 0;
    if ((kl == 5 && !strncasecmp(k, "allow", 5)) || (kl == 8 && !strncasecmp(k, "disallow", 8)))
        return group_rule(ps, v, vl, kl == 5);
    if (kl == 11 && !strncasecmp(k, "crawl-delay", 11) && vl)
        group_delay(ps, v, vl);
    return 0;
}

struct mw_robots *mw_robots_parse(const char *txt, size_t len, const char *agent)
{
    struct rparse ps = {.agent = agent};
    if (!(ps.r = calloc(1, sizeof *ps.r)))
        return NULL;
    struct mw_robots *r = ps.r;
    r->delay_ms = -1;
    ps.ours.delay_ms = ps.star.delay_ms = -1;
    int fail = 0;
    const char *p = txt, *end = txt ? txt + len : NULL;
    while (p && p < end && !fail) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        const char *k, *v;
        size_t kl, vl;
        if (line_kv(p, eol ? eol : end, &k, &kl, &v, &vl) && on_line(&ps, k, kl, v, vl))
            fail = 1;
        p = eol ? eol + 1 : end;
    }
    /* a group that names us wins over "*" even when it is empty: the site chose its words for us */
    int use_ours = ps.ours.seen || ps.g_ours;
    struct side *s = use_ours ? &ps.ours : &ps.star;
    struct side *other = use_ours ? &ps.star : &ps.ours;
    r->rules = s->rules;
    r->nrules = s->n;
    r->delay_ms = s->delay_ms;
    s->rules = NULL;
    s->n = 0;
    side_free(other);
    if (fail) {
        mw_robots_free(r);
        return NULL;
    }
    return r;
}

/* robots patterns: '*' any run of characters, '$' at the end anchors; otherwise a prefix match. */
static int pat_match(const char *pat, const char *s)
{
    const char *star_p = NULL, *star_s = NULL;
    for (;;) {
        if (*pat == '$' && pat[1] == '\0')
            return *s == '\0';
        if (*pat == '\0')
            return 1;
        if (*pat == '*') {
            star_p = ++pat;
            star_s = s;
            continue;
        }
        if (*s && *s == *pat) {
            pat++;
            s++;
            continue;
        }
        if (star_p && *star_s) {
            pat = star_p;
            s = ++star_s;
            continue;
        }
        return 0;
    }
}

int mw_robots_allowed(const struct mw_robots *r, const char *path)
{
    if (!r)
        return 1;
    if (r->deny_all)
        return 0;
    if (!path || !*path)
        path = "/";
    if (!strcmp(path, "/robots.txt"))
        return 1;
    size_t best = 0;
    int allowed = 1, any = 0;
    for (size_t i = 0; i < r->nrules; i++) {
        size_t l = strlen(r->rules[i].pat);
        if (!pat_match(r->rules[i].pat, path))
            continue;
        if (!any || l > best || (l == best && r->rules[i].allow)) {
            best = l;
            allowed = r->rules[i].allow;
            any = 1;
        }
    }
    return allowed;
}

long mw_robots_delay_ms(const struct mw_robots *r) { return r ? r->delay_ms : -1; }
size_t mw_robots_sitemap_count(const struct mw_robots *r) { return r ? r->nsitemaps : 0; }
const char *mw_robots_sitemap(const struct mw_robots *r, size_t i)
{
    return r && i < r->nsitemaps ? r->sitemaps[i] : NULL;
}

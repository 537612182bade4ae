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

struct mw_robots *mw_robots_parse(const char *txt, size_t len, const char *agent)
{
    struct mw_robots *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->delay_ms = -1;
    struct side ours = {0}, star = {0};
    ours.delay_ms = star.delay_ms = -1;
    /* a group is a run of user-agent lines followed by rules; the rules go to each side the agents named */
    int in_agents = 0, g_ours = 0, g_star = 0, fail = 0;
    const char *p = txt, *end = txt ? txt + len : NULL;
    while (p && p < end && !fail) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        const char *le = eol ? eol : end;
        const char *hash = memchr(p, '#', (size_t)(le - p));
        const char *ce = hash ? hash : le;
        const char *colon = memchr(p, ':', (size_t)(ce - p));
        if (colon) {
            const char *k = p, *ke = colon, *v = colon + 1, *ve = ce;
            while (k < ke && isspace((unsigned char)*k))
                k++;
            while (ke > k && isspace((unsigned char)ke[-1]))
                ke--;
            while (v < ve && isspace((unsigned char)*v))
                v++;
            while (ve > v && isspace((unsigned char)ve[-1]))
                ve--;
            size_t kl = (size_t)(ke - k), vl = (size_t)(ve - v);
            if (kl == 10 && !strncasecmp(k, "user-agent", 10)) {
                if (!in_agents)
                    g_ours = g_star = 0;
                in_agents = 1;
                if (vl == 1 && *v == '*')
                    g_star = 1;
                else if (agent_matches(v, vl, agent))
                    g_ours = 1;
            } else if (kl == 7 && !strncasecmp(k, "sitemap", 7)) {
                /* Sitemap lines stand outside groups */
                if (vl && r->nsitemaps < 1000 && push_str(&r->sitemaps, &r->nsitemaps, v, vl))
                    fail = 1;
            } else {
                in_agents = 0;
                int allow = kl == 5 && !strncasecmp(k, "allow", 5);
                int disallow = kl == 8 && !strncasecmp(k, "disallow", 8);
                int delay = kl == 11 && !strncasecmp(k, "crawl-delay", 11);
                if (allow || disallow) {
                    /* an empty Disallow allows everything: it adds no rule */
                    if (vl && g_ours && side_add(&ours, v, vl, allow))
                        fail = 1;
                    if (vl && g_star && side_add(&star, v, vl, allow))
                        fail = 1;
                    ours.seen |= g_ours;
                    star.seen |= g_star;
                } else if (delay && vl) {
                    char buf[32];
                    snprintf(buf, sizeof buf, "%.*s", (int)(vl < 31 ? vl : 31), v);
                    char *e;
                    double secs = strtod(buf, &e);
                    if (e != buf && secs >= 0 && secs < 86400) {
                        if (g_ours)
                            ours.delay_ms = (long)(secs * 1000);
                        if (g_star)
                            star.delay_ms = (long)(secs * 1000);
                    }
                    ours.seen |= g_ours;
                    star.seen |= g_star;
                }
            }
        }
        p = eol ? eol + 1 : end;
    }
    /* a group that names us wins over "*" even when it is empty: the site chose its words for us */
    int use_ours = ours.seen || g_ours;
    struct side *s = use_ours ? &ours : &star;
    struct side *other = use_ours ? &star : &ours;
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

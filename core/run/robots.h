/* run/robots.h: robots.txt (RFC 9309) for one host: the group for our agent token (else "*"), Allow/Disallow
 * with '*' and '$' (longest match wins, Allow on a tie), Crawl-delay and Sitemap lines. Fetching it and
 * caching it per host is run/crawl.c's. */
#ifndef MW_ROBOTS_H
#define MW_ROBOTS_H

#include <stddef.h>

struct mw_robots;

/* Parse robots.txt text for agent (a product token such as "moonwire", matched case-insensitively).
 * txt may be NULL (allow everything). Owned: mw_robots_free. NULL only when memory runs out. */
struct mw_robots *mw_robots_parse(const char *txt, size_t len, const char *agent);
/* A robots that refuses every path (RFC 9309: robots.txt unreachable through a server error). */
struct mw_robots *mw_robots_deny_all(void);
void mw_robots_free(struct mw_robots *r);

/* 1 when path (path plus query, starting with '/') may be fetched. */
int mw_robots_allowed(const struct mw_robots *r, const char *path);
/* Crawl-delay of the chosen group in ms, or -1 when it has none. */
long mw_robots_delay_ms(const struct mw_robots *r);
/* Sitemap: URLs (any group; borrowed, valid until mw_robots_free). */
size_t mw_robots_sitemap_count(const struct mw_robots *r);
const char *mw_robots_sitemap(const struct mw_robots *r, size_t i);

#endif

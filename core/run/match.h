/* run/match.h: Lua patterns (string.find semantics) over URLs, for rules' `article` patterns. A tiny Lua state
 * with only the string library: patterns come from rule files, never from pages. */
#ifndef MW_MATCH_H
#define MW_MATCH_H

#include "common/err.h"

struct mw_match;
/* Owned: mw_match_free. NULL with err when memory runs out. */
struct mw_match *mw_match_new(struct mw_err *err);
void mw_match_free(struct mw_match *m);
/* 1 when pattern matches somewhere in s (anchor with '^'/'$'), 0 when not, -1 for a malformed pattern
 * (err says which). */
int mw_match(struct mw_match *m, const char *pattern, const char *s, struct mw_err *err);

#endif

/* run/lease_pick.h: which rows one lease takes, and in what order, from the candidates a store read in
 * discovery order: each pick looks at the first MW_LEASE_WINDOW candidates not yet taken and takes at most
 * per_host of a host, spread over hosts (every host's first row, then every host's second, ...; ties in
 * discovery order). Reading the candidates and leasing the rows is the store's (run/store_sqlite.c). */
#ifndef MW_LEASE_PICK_H
#define MW_LEASE_PICK_H

#include <stddef.h>
#include <stdint.h>

#define MW_LEASE_WINDOW 4096

struct mw_lease_pick;
/* Owned: mw_lease_pick_free. NULL when memory runs out. */
struct mw_lease_pick *mw_lease_pick_new(void);
void mw_lease_pick_free(struct mw_lease_pick *p);
/* Forget the candidates (the memory stays for the next lease). */
void mw_lease_pick_reset(struct mw_lease_pick *p);
/* The next candidate in discovery order: row id on host (any bytes, len of them; NULL is ""). -1 when memory
 * runs out. */
int mw_lease_pick_add(struct mw_lease_pick *p, int64_t id, const char *host, size_t len);
/* The row ids of up to want candidates of the window (at most per_host of a host) into out[], in lease order;
 * they are taken. Returns how many. */
long mw_lease_pick_next(struct mw_lease_pick *p, long per_host, long want, int64_t *out);

#endif

/* net/warc.h: reading WARC files (1.0 and 1.1; plain, one gzip member per record, or one gzip stream for the
 * whole file) record by record, with response payloads de-chunked and content-decoded. Writing WARC files is
 * the warc plugin (plugins/warc). */
#ifndef MW_WARC_H
#define MW_WARC_H

#include <stddef.h>
#include "common/err.h"

struct mw_warc_opts {
    size_t max_body;   /* decoded payload bytes kept per record, default 64 MB; more is cut (truncated = 1) */
    int html_only;     /* yield only response records with a 2xx status and an HTML Content-Type (or, when
                          it is absent, a body that starts like HTML); others are skipped undecoded */
};

/* One record; every pointer is owned by the reader and valid until the next mw_warc_next or free. */
struct mw_warc_record {
    long long offset;          /* where to seek to read it: the start of its gzip member when it begins one
                                  (.warc.gz written one member per record), else its byte offset in the
                                  (decompressed) stream */
    const char *version;       /* "WARC/1.0" */
    const char *type;          /* WARC-Type: "response", "request", "warcinfo", ... ("" when absent) */
    const char *target_uri;    /* WARC-Target-URI without <> (NULL when absent) */
    const char *date;          /* WARC-Date (NULL when absent) */
    const char *record_id;     /* WARC-Record-ID (NULL when absent) */
    const char *warc_headers;  /* all WARC header lines, unfolded, "Name: value\n"... */
    unsigned long long length; /* Content-Length of the block */
    /* response records with an application/http block (else 0 / NULL): */
    long status;               /* HTTP status */
    const char *http_headers;  /* HTTP header lines, "Name: value\n"... */
    const char *content_type;  /* the HTTP Content-Type value, NULL when absent */
    const char *body;          /* the payload: chunked undone, gzip/deflate undone; NUL-terminated */
    size_t body_len;
    int truncated;             /* cut at max_body here, or marked WARC-Truncated by the writer */
    const char *error;         /* the payload could not be decoded (body then holds the raw bytes) */
};

struct mw_warc_reader;
/* opts may be NULL (defaults). Owned: mw_warc_reader_free. NULL with err (stage "warc") when the file cannot
 * be opened. */
struct mw_warc_reader *mw_warc_reader_new(const char *path, const struct mw_warc_opts *opts, struct mw_err *err);
void mw_warc_reader_free(struct mw_warc_reader *r);

/* The next record: 0 with *out set, or 0 with *out NULL at the end of the file. MW_EPARSE / MW_EIO / MW_ENOMEM
 * with err ("<path>: record at offset N: ...") when the file is damaged; the reader stops there. */
int mw_warc_next(struct mw_warc_reader *r, const struct mw_warc_record **out, struct mw_err *err);

/* A header's value from a "Name: value\n" block (rec->warc_headers, rec->http_headers), case-insensitive
 * name; malloc'd copy (free()), NULL when absent. */
char *mw_warc_header(const char *headers, const char *name);

#endif

/* cli/format.h: how extract, fetch and export print records: jsonl (default), json (one array), csv (every
 * field), txt, markdown and xml (TEI P5, as trafilatura's --xml-tei). Reading pages and stores is theirs. */
#ifndef MW_CLI_FORMAT_H
#define MW_CLI_FORMAT_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

#define CLI_FORMATS "json, jsonl, csv, txt, markdown or xml"

struct cli_out;

/* An output in format name on f; with_metadata puts a front matter (txt, markdown) before each body.
 * one: the caller knows there is a single record (xml prints a bare <TEI> rather than a <teiCorpus>).
 * NULL for an unknown name (or no memory). The header (CSV's row of names, json's "[") is printed at once. */
struct cli_out *cli_out_new(const char *name, int with_metadata, int one, FILE *f);
/* Print one record. page (may be NULL) is the HTML it came from: markdown and xml take the body's headings,
 * list items, quotes and code blocks from it (the record's body is plain text); without it every block of the
 * body is a paragraph. Error records are printed by jsonl, json and csv; txt, markdown and xml leave them to
 * the caller's line on stderr. 0, or -1 when f fails. */
int cli_out_record(struct cli_out *o, const json_t *rec, const char *page, size_t page_len, const char *ctype);
/* The same for a record that is also at hand as its compact JSON text (json, len: what json_dumps(rec,
 * JSON_COMPACT) writes): JSON lines write the text as it is; rec may be NULL (then it is parsed when needed). */
int cli_out_record_text(struct cli_out *o, const json_t *rec, const char *json, size_t len, const char *page,
                        size_t page_len, const char *ctype);
/* 1 for a format name cli_out_new takes. */
int cli_out_known(const char *name);
/* 1 when the format wants the page passed to cli_out_record. */
int cli_out_wants_page(const struct cli_out *o);
/* Print the footer (json's "]", xml's corpus end) and free. 0, or -1 when f failed at any point. NULL is fine. */
int cli_out_free(struct cli_out *o);

#endif

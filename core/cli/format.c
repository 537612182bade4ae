/* cli/format.c: one record in the output format asked for (jsonl, json, csv, txt, markdown, TEI xml).
 * The body's block kinds (headings, list items, quotes) are found by matching its paragraphs against the
 * page's block elements; the extractors themselves stay plain-text. */
#include "cli/format.h"
#include "cli/csv.h"

#include <stdlib.h>
#include <string.h>

#include "doc/html.h"
#include "doc/text.h"

#ifndef MW_VERSION
#define MW_VERSION "0.0.0"
#endif

enum fmt { F_JSONL, F_JSON, F_CSV, F_TXT, F_MD, F_XML };

struct cli_out {
    enum fmt fmt;
    int meta, one, n, failed;
    FILE *f;
    struct mw_buf row, cell;   /* csv from a record's text (cli/csv.c) */
};

/* what a paragraph of the body was on the page */
enum kind { K_P = 0, K_H2 = 2, K_H3, K_H4, K_H5, K_H6, K_UL = 10, K_OL, K_QUOTE, K_CODE };

static const char *const CSV_COLS[] = {"url", "canonical_url", "outlet", "rule", "kind", "title", "authors",
                                       "published", "published_relative", "modified", "section", "tags", "lang", "lead", "dateline", "body", "images",
                                       "fetched", "status", "error", "warnings", "file", NULL};

/* ---------- block kinds from the page ---------- */

struct ctx {
    enum kind list;   /* K_UL/K_OL when inside a list item */
    int quote, code;
};

static enum kind kind_of(const char *name, const struct ctx *c)
{
    if (name[0] == 'h' && name[1] >= '1' && name[1] <= '6' && !name[2])
        return name[1] == '1' ? K_H2 : (enum kind)(K_H2 + name[1] - '2');
    if (c->code)
        return K_CODE;
    if (c->list)
        return c->list;
    if (c->quote)
        return K_QUOTE;
    return K_P;
}

static int is_text_block(const char *n)
{
    static const char *const B[] = {"p", "li", "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "dd",
                                    "dt", NULL};
    for (int i = 0; B[i]; i++)
        if (!strcmp(n, B[i]))
            return 1;
    return 0;
}

/* Every text block's folded text -> its kind; the first (outermost, earliest) element with a text wins. */
static void walk(xmlNodePtr n, struct ctx c, json_t *map)
{
    for (; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        const char *name = (const char *)n->name;
        struct ctx in = c;
        if (!strcmp(name, "li")) {
            xmlNodePtr p = n->parent;
            in.list = p && p->name && !strcmp((const char *)p->name, "ol") ? K_OL : K_UL;
        } else if (!strcmp(name, "blockquote")) {
            in.quote = 1;
        } else if (!strcmp(name, "pre")) {
            in.code = 1;
        }
        if (is_text_block(name)) {
            char *t = mw_text_inline(n);
            if (t && *t && !json_object_get(map, t))
                json_object_set_new(map, t, json_integer(kind_of(name, &in)));
            free(t);
        }
        walk(n->children, in, map);
    }
}

static json_t *page_blocks(const char *page, size_t len, const char *ctype)
{
    if (!page || !len)
        return NULL;
    struct mw_err err = {0};
    htmlDocPtr doc = mw_html_parse_bytes(page, len, ctype, NULL, NULL, &err);
    if (!doc)
        return NULL;
    json_t *map = json_object();
    if (map)
        walk(xmlDocGetRootElement(doc), (struct ctx){0}, map);
    xmlFreeDoc(doc);
    return map;
}

/* The body's paragraphs, each {"t": text, "k": kind}. */
static json_t *body_blocks(const char *body, const json_t *map)
{
    json_t *out = json_array();
    for (const char *p = body ? body : ""; out && *p;) {
        const char *e = strstr(p, "\n\n");
        size_t n = e ? (size_t)(e - p) : strlen(p);
        char *t = mw_text_fold(p, n, 1);
        if (t && *t) {
            char *flat = mw_text_fold(p, n, 0);
            json_t *k = flat ? json_object_get(map, flat) : NULL;
            json_array_append_new(out, json_pack("{s:s, s:I}", "t", t, "k", k ? json_integer_value(k) : 0));
            free(flat);
        }
        free(t);
        p += n;
        while (*p == '\n')
            p++;
    }
    return out;
}

/* ---------- small writers ---------- */

static const char *str(const json_t *rec, const char *k)
{
    return json_string_value(json_object_get(rec, k));
}

static int is_error(const json_t *rec)
{
    json_t *e = json_object_get(rec, "error");
    return e && !json_is_null(e);
}

/* A list of strings joined by sep (malloc'd). */
static char *joined(const json_t *v, const char *sep)
{
    size_t cap = 1, i;
    json_t *e;
    json_array_foreach(v, i, e) if (json_is_string(e)) cap += json_string_length(e) + strlen(sep);
    char *s = malloc(cap);
    if (!s)
        return NULL;
    s[0] = '\0';
    size_t n = 0;
    json_array_foreach(v, i, e) {
        if (!json_is_string(e))
            continue;
        n += (size_t)snprintf(s + n, cap - n, "%s%s", n ? sep : "", json_string_value(e));
    }
    return s;
}

/* XML 1.0 text: escaped, with characters XML cannot hold (C0 controls, U+FFFE/U+FFFF) dropped. */
static void xml_text(FILE *f, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        if (*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r')
            continue;
        if (p[0] == 0xEF && p[1] == 0xBF && (p[2] == 0xBE || p[2] == 0xBF)) {
            p += 2;
            continue;
        }
        switch (*p) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        default: fputc(*p, f);
        }
    }
}

static void xml_elem(FILE *f, const char *indent, const char *tag, const char *attrs, const char *text)
{
    if (!text || !*text)
        return;
    fprintf(f, "%s<%s%s>", indent, tag, attrs ? attrs : "");
    xml_text(f, text);
    fprintf(f, "</%s>\n", tag);
}

static void csv_cell(FILE *f, const char *s, int last)
{
    if (s && s[strcspn(s, ",\"\r\n")] == '\0' && s[0] != ' ') {
        fputs(s, f);
    } else if (s) {
        fputc('"', f);
        for (const char *p = s; *p; p++) {
            if (*p == '"')
                fputc('"', f);
            fputc(*p, f);
        }
        fputc('"', f);
    }
    fputs(last ? "\r\n" : ",", f);
}

/* ---------- the formats ---------- */

static void put_csv(struct cli_out *o, const json_t *rec)
{
    for (int i = 0; CSV_COLS[i]; i++) {
        const char *k = CSV_COLS[i];
        json_t *v = json_object_get(rec, k);
        int last = !CSV_COLS[i + 1];
        char *tmp = NULL, num[32];
        const char *s = json_string_value(v);
        if (!strcmp(k, "images") && json_array_size(v)) {
            s = tmp = json_dumps(v, JSON_COMPACT);
        } else if (json_is_array(v)) {
            s = tmp = joined(v, "; ");
        } else if (json_is_integer(v)) {
            snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
            s = num;
        } else if (!strcmp(k, "error") && json_is_object(v)) {
            const char *st = str(v, "stage"), *m = str(v, "message");
            size_t n = strlen(st ? st : "") + strlen(m ? m : "") + 3;
            if ((tmp = malloc(n)))
                snprintf(tmp, n, "%s: %s", st ? st : "", m ? m : "");
            s = tmp;
        }
        csv_cell(o->f, s, last);
        free(tmp);
    }
}

static const char *const META_KEYS[] = {"title", "authors", "outlet", "url", "published", "modified", "section",
                                        "tags", "lang", "dateline", "fetched", NULL};

/* "---" front matter; values as JSON, which YAML reads as they are. */
static void front_matter(FILE *f, const json_t *rec)
{
    fputs("---\n", f);
    for (int i = 0; META_KEYS[i]; i++) {
        json_t *v = json_object_get(rec, META_KEYS[i]);
        if (!v || json_is_null(v) || (json_is_array(v) && !json_array_size(v)))
            continue;
        char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
        if (s)
            fprintf(f, "%s: %s\n", META_KEYS[i], s);
        free(s);
    }
    fputs("---\n", f);
}

/* A paragraph that would read as Markdown syntax ("# x", "- x", "1. x", "> x") gets its marker escaped. */
static void md_para(FILE *f, const char *t)
{
    size_t d = strspn(t, "0123456789");
    if (strchr("#>-+*=", t[0]) || (d && d < 10 && (t[d] == '.' || t[d] == ')') && t[d + 1] == ' '))
        fputc('\\', f);
    fputs(t, f);
}

static void put_markdown(struct cli_out *o, const json_t *rec, const json_t *blocks)
{
    FILE *f = o->f;
    if (o->n)
        fputc('\n', f);
    const char *sep = "";   /* what goes before the next block: the line end of the last, and a blank line */
    if (o->meta) {
        front_matter(f, rec);
        sep = "\n";
    }
    if (str(rec, "title")) {
        fprintf(f, "%s# %s", sep, str(rec, "title"));
        sep = "\n\n";
    }
    size_t i;
    json_t *b;
    int prev = -1, num = 0;
    json_array_foreach(blocks, i, b) {
        int k = (int)json_integer_value(json_object_get(b, "k"));
        const char *t = str(b, "t");
        int tight = (k == K_UL || k == K_OL) && k == prev;
        fputs(tight ? "\n" : sep, f);
        num = k == K_OL ? (tight ? num + 1 : 1) : 0;
        if (k >= K_H2 && k <= K_H6)
            fprintf(f, "%.*s %s", k, "######", t);
        else if (k == K_UL)
            fprintf(f, "- %s", t);
        else if (k == K_OL)
            fprintf(f, "%d. %s", num, t);
        else if (k == K_QUOTE)
            fprintf(f, "> %s", t);
        else if (k == K_CODE)
            fprintf(f, "```\n%s\n```", t);
        else
            md_para(f, t);
        prev = k;
        sep = "\n\n";
    }
    if (strcmp(sep, "\n"))
        fputc('\n', f);
}

static void put_txt(struct cli_out *o, const json_t *rec)
{
    if (o->n)
        fputc('\n', o->f);
    if (o->meta)
        front_matter(o->f, rec);
    const char *b = str(rec, "body");
    fprintf(o->f, "%s\n", b ? b : "");
}

static void tei_header(FILE *f, const json_t *rec)
{
    const json_t *authors = json_object_get(rec, "authors");
    size_t i;
    json_t *a;
    fputs("  <teiHeader>\n    <fileDesc>\n      <titleStmt>\n", f);
    fputs("        <title type=\"main\">", f);
    xml_text(f, str(rec, "title") ? str(rec, "title") : str(rec, "url"));
    fputs("</title>\n", f);
    json_array_foreach(authors, i, a) xml_elem(f, "        ", "author", NULL, json_string_value(a));
    fputs("      </titleStmt>\n      <publicationStmt>\n", f);
    fprintf(f, "        <publisher>moonwire %s</publisher>\n", MW_VERSION);
    if (str(rec, "fetched")) {
        fputs("        <date type=\"fetched\" when=\"", f);
        xml_text(f, str(rec, "fetched"));
        fputs("\"/>\n", f);
    }
    fputs("      </publicationStmt>\n      <sourceDesc>\n        <bibl>\n", f);
    xml_elem(f, "          ", "title", " type=\"main\"", str(rec, "title"));
    json_array_foreach(authors, i, a) xml_elem(f, "          ", "author", NULL, json_string_value(a));
    xml_elem(f, "          ", "publisher", NULL, str(rec, "outlet"));
    const char *dates[] = {"published", "modified", NULL};
    for (int d = 0; dates[d]; d++)
        if (str(rec, dates[d])) {
            fprintf(f, "          <date type=\"%s\" when=\"", dates[d]);
            xml_text(f, str(rec, dates[d]));
            fputs("\">", f);
            xml_text(f, str(rec, dates[d]));
            fputs("</date>\n", f);
        }
    const char *urls[] = {"url", "canonical_url", NULL};
    for (int u = 0; urls[u]; u++)
        if (str(rec, urls[u])) {
            fprintf(f, "          <ptr type=\"%s\" target=\"", u ? "canonical" : "URL");
            xml_text(f, str(rec, urls[u]));
            fputs("\"/>\n", f);
        }
    fputs("        </bibl>\n      </sourceDesc>\n    </fileDesc>\n", f);
    fputs("    <encodingDesc>\n      <appInfo>\n", f);
    fprintf(f, "        <application ident=\"moonwire\" version=\"%s\">\n          <label>moonwire</label>\n"
               "        </application>\n", MW_VERSION);
    fputs("      </appInfo>\n    </encodingDesc>\n", f);
    const json_t *tags = json_object_get(rec, "tags");
    if (str(rec, "lang") || str(rec, "lead") || json_array_size(tags) || str(rec, "section")) {
        fputs("    <profileDesc>\n", f);
        if (str(rec, "lead")) {
            fputs("      <abstract>\n", f);
            xml_elem(f, "        ", "p", NULL, str(rec, "lead"));
            fputs("      </abstract>\n", f);
        }
        if (str(rec, "lang")) {
            fputs("      <langUsage>\n        <language ident=\"", f);
            xml_text(f, str(rec, "lang"));
            fputs("\"/>\n      </langUsage>\n", f);
        }
        if (json_array_size(tags) || str(rec, "section")) {
            fputs("      <textClass>\n", f);
            xml_elem(f, "        ", "classCode", " scheme=\"section\"", str(rec, "section"));
            if (json_array_size(tags)) {
                fputs("        <keywords>\n", f);
                json_array_foreach(tags, i, a) xml_elem(f, "          ", "term", NULL, json_string_value(a));
                fputs("        </keywords>\n", f);
            }
            fputs("      </textClass>\n", f);
        }
        fputs("    </profileDesc>\n", f);
    }
    fputs("  </teiHeader>\n", f);
}

/* The body as TEI: paragraphs, then one <div type="section"> per heading (TEI keeps a <head> first in its
 * div); list items gathered into <list>. */
static void tei_body(FILE *f, const json_t *rec, const json_t *blocks)
{
    fputs("  <text>\n    <body>\n      <div type=\"article\">\n", f);
    if (str(rec, "dateline")) {
        fputs("        <opener>\n", f);
        xml_elem(f, "          ", "dateline", NULL, str(rec, "dateline"));
        fputs("        </opener>\n", f);
    }
    size_t i;
    json_t *b;
    int in_section = 0, list = 0, any = 0;
    const char *ind = "        ";
    json_array_foreach(blocks, i, b) {
        int k = (int)json_integer_value(json_object_get(b, "k"));
        const char *t = str(b, "t");
        if (list && k != list) {
            fprintf(f, "%s</list>\n", ind);
            list = 0;
        }
        if (k >= K_H2 && k <= K_H6) {
            if (in_section)
                fputs("        </div>\n", f);
            fputs("        <div type=\"section\">\n", f);
            in_section = 1;
            ind = "          ";
            xml_elem(f, ind, "head", NULL, t);
            continue;
        }
        any = 1;
        if ((k == K_UL || k == K_OL) && !list) {
            fprintf(f, "%s<list rend=\"%s\">\n", ind, k == K_OL ? "numbered" : "bulleted");
            list = k;
        }
        if (list)
            fprintf(f, "%s  <item>", ind);
        else if (k == K_QUOTE)
            fprintf(f, "%s<quote>", ind);
        else if (k == K_CODE)
            fprintf(f, "%s<ab type=\"code\">", ind);
        else
            fprintf(f, "%s<p>", ind);
        xml_text(f, t);
        fputs(list ? "</item>\n" : k == K_QUOTE ? "</quote>\n" : k == K_CODE ? "</ab>\n" : "</p>\n", f);
    }
    if (list)
        fprintf(f, "%s</list>\n", ind);
    if (!any && !in_section)
        fputs("        <p/>\n", f);   /* TEI wants some content in a div */
    if (in_section)
        fputs("        </div>\n", f);
    const json_t *imgs = json_object_get(rec, "images");
    json_array_foreach(imgs, i, b) {
        if (!str(b, "url"))
            continue;
        fputs("        <figure>\n          <graphic url=\"", f);
        xml_text(f, str(b, "url"));
        fputs("\"/>\n", f);
        xml_elem(f, "          ", "figDesc", NULL, str(b, "caption"));
        fputs("        </figure>\n", f);
    }
    fputs("      </div>\n    </body>\n  </text>\n", f);
}

static void put_xml(struct cli_out *o, const json_t *rec, const json_t *blocks)
{
    FILE *f = o->f;
    fputs(o->one ? "<TEI xmlns=\"http://www.tei-c.org/ns/1.0\"" : "<TEI", f);
    if (str(rec, "lang")) {
        fputs(" xml:lang=\"", f);
        xml_text(f, str(rec, "lang"));
        fputc('"', f);
    }
    fputs(">\n", f);
    tei_header(f, rec);
    tei_body(f, rec, blocks);
    fputs("</TEI>\n", f);
}

/* ---------- the interface ---------- */

static const struct { const char *name; enum fmt fmt; } NAMES[] = {
    {"jsonl", F_JSONL}, {"json", F_JSON}, {"csv", F_CSV}, {"txt", F_TXT}, {"text", F_TXT},
    {"markdown", F_MD}, {"md", F_MD}, {"xml", F_XML}, {"tei", F_XML}};

int cli_out_known(const char *name)
{
    for (size_t i = 0; i < sizeof NAMES / sizeof NAMES[0]; i++)
        if (!strcmp(name, NAMES[i].name))
            return 1;
    return 0;
}

struct cli_out *cli_out_new(const char *name, int with_metadata, int one, FILE *f)
{
    for (size_t i = 0; i < sizeof NAMES / sizeof NAMES[0]; i++) {
        if (strcmp(name, NAMES[i].name))
            continue;
        struct cli_out *o = calloc(1, sizeof *o);
        if (!o)
            return NULL;
        *o = (struct cli_out){NAMES[i].fmt, with_metadata, one, 0, 0, f, {0}, {0}};
        if (o->fmt == F_CSV)
            for (int c = 0; CSV_COLS[c]; c++)
                csv_cell(f, CSV_COLS[c], !CSV_COLS[c + 1]);
        if (o->fmt == F_JSON)
            fputs("[", f);
        if (o->fmt == F_XML) {
            fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", f);
            if (!one)
                fprintf(f, "<teiCorpus xmlns=\"http://www.tei-c.org/ns/1.0\">\n  <teiHeader>\n    <fileDesc>\n"
                           "      <titleStmt>\n        <title>Articles extracted by moonwire</title>\n"
                           "      </titleStmt>\n      <publicationStmt>\n        <publisher>moonwire %s</publisher>\n"
                           "      </publicationStmt>\n      <sourceDesc>\n        <p>Web pages; each TEI names its "
                           "source.</p>\n      </sourceDesc>\n    </fileDesc>\n  </teiHeader>\n", MW_VERSION);
        }
        fflush(f);
        return o;
    }
    return NULL;
}

int cli_out_wants_page(const struct cli_out *o) { return o && (o->fmt == F_MD || o->fmt == F_XML); }

int cli_out_record(struct cli_out *o, const json_t *rec, const char *page, size_t page_len, const char *ctype)
{
    FILE *f = o->f;
    if (o->fmt == F_JSONL || o->fmt == F_JSON) {
        char *s = json_dumps(rec, JSON_COMPACT);
        if (s)
            fprintf(f, "%s%s", o->fmt == F_JSON ? (o->n ? ",\n" : "\n") : "", s);
        if (o->fmt == F_JSONL)
            fputc('\n', f);
        free(s);
    } else if (o->fmt == F_CSV) {
        put_csv(o, rec);
    } else if (!is_error(rec)) {
        json_t *map = cli_out_wants_page(o) ? page_blocks(page, page_len, ctype) : NULL;
        json_t *blocks = o->fmt == F_TXT ? NULL : body_blocks(str(rec, "body"), map);
        if (o->fmt == F_TXT)
            put_txt(o, rec);
        else if (o->fmt == F_MD)
            put_markdown(o, rec, blocks);
        else
            put_xml(o, rec, blocks);
        json_decref(blocks);
        json_decref(map);
    } else {
        return ferror(f) ? -1 : 0;
    }
    o->n++;
    fflush(f);
    if (ferror(f))
        o->failed = 1;
    return o->failed ? -1 : 0;
}

int cli_out_record_text(struct cli_out *o, const json_t *rec, const char *json, size_t len, const char *page,
                        size_t page_len, const char *ctype)
{
    if (o->fmt == F_JSONL) {   /* the text is the line: nothing to parse or write again */
        fwrite(json, 1, len, o->f);
        fputc('\n', o->f);
        o->n++;
        if (ferror(o->f))
            o->failed = 1;
        return o->failed ? -1 : 0;
    }
    if (o->fmt == F_CSV && json && !cli_csv_row(&o->row, &o->cell, json, len, CSV_COLS)) {
        fwrite(o->row.data, 1, o->row.len, o->f);   /* the same row as put_csv's, without the tree */
        o->n++;
        if (ferror(o->f))
            o->failed = 1;
        return o->failed ? -1 : 0;
    }
    json_t *parsed = rec ? NULL : json_loadb(json, len, 0, NULL);
    int rc = rec || parsed ? cli_out_record(o, rec ? rec : parsed, page, page_len, ctype) : 0;
    json_decref(parsed);
    return rc;
}

int cli_out_free(struct cli_out *o)
{
    if (!o)
        return 0;
    if (o->fmt == F_JSON)
        fputs(o->n ? "\n]\n" : "]\n", o->f);
    if (o->fmt == F_XML && !o->one)
        fputs("</teiCorpus>\n", o->f);
    fflush(o->f);
    int rc = o->failed || ferror(o->f) ? -1 : 0;
    mw_buf_free(&o->row);
    mw_buf_free(&o->cell);
    free(o);
    return rc;
}

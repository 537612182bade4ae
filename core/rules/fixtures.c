/* rules/fixtures.c: `moonwire test` — runs rules over saved pages and compares field by field with the
 * expectations beside them; the body by word 4-gram shingle F1 as ../shared/tools/score.py counts it.
 * Reading pages is common/file.c; extracting is rules/runner.c. */
#include "rules/fixtures.h"
#include "common/buf.h"
#include "common/dir.h"
#include "common/file.h"
#include "doc/text.h"
#include "extract/article.h"
#include "meta/date.h"
#include "rules/wordchars.h"

#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---- shingles ---- */

/* Python's \w on UTF-8 (score.py's word tokens): ASCII letters, digits and '_', and above ASCII the ranges
 * of rules/wordchars.h, generated from Python's own Unicode tables. */
static int word_cp(uint32_t c)
{
    if (c < 128)
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    size_t lo = 0, hi = sizeof MW_WORD_RANGES / sizeof MW_WORD_RANGES[0];
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c < MW_WORD_RANGES[mid][0])
            hi = mid;
        else if (c > MW_WORD_RANGES[mid][1])
            lo = mid + 1;
        else
            return 1;
    }
    return 0;
}

static size_t next_cp(const unsigned char *s, uint32_t *c)
{
    if (s[0] < 0x80) { *c = s[0]; return 1; }
    if ((s[0] & 0xE0) == 0xC0 && s[1]) { *c = ((uint32_t)(s[0] & 0x1F) << 6) | (s[1] & 0x3F); return 2; }
    if ((s[0] & 0xF0) == 0xE0 && s[1] && s[2]) {
        *c = ((uint32_t)(s[0] & 0x0F) << 12) | ((uint32_t)(s[1] & 0x3F) << 6) | (s[2] & 0x3F);
        return 3;
    }
    if ((s[0] & 0xF8) == 0xF0 && s[1] && s[2] && s[3]) {
        *c = ((uint32_t)(s[0] & 0x07) << 18) | ((uint32_t)(s[1] & 0x3F) << 12) | ((uint32_t)(s[2] & 0x3F) << 6) |
             (s[3] & 0x3F);
        return 4;
    }
    *c = 0xFFFD;
    return 1;
}

/* Token hashes of a text (FNV-1a 64 of each \w+ run). *n set; malloc'd array. */
static uint64_t *tokens(const char *text, size_t *n)
{
    size_t cap = 64, k = 0;
    uint64_t *v = malloc(cap * sizeof *v);
    const unsigned char *p = (const unsigned char *)(text ? text : "");
    while (v && *p) {
        uint32_t c;
        size_t l = next_cp(p, &c);
        if (!word_cp(c)) {
            p += l;
            continue;
        }
        uint64_t h = 1469598103934665603ULL;
        while (*p) {
            l = next_cp(p, &c);
            if (!word_cp(c))
                break;
            for (size_t i = 0; i < l; i++)
                h = (h ^ p[i]) * 1099511628211ULL;
            p += l;
        }
        if (k == cap) {
            cap *= 2;
            uint64_t *q = realloc(v, cap * sizeof *v);
            if (!q) {
                free(v);
                return NULL;
            }
            v = q;
        }
        v[k++] = h;
    }
    *n = k;
    return v;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Sorted shingle hashes (4 tokens; all tokens as one when fewer). */
static uint64_t *shingles(const char *text, size_t *n)
{
    size_t nt = 0;
    uint64_t *t = tokens(text, &nt);
    if (!t) {
        *n = 0;
        return NULL;
    }
    size_t ns = nt == 0 ? 0 : nt < 4 ? 1 : nt - 3;
    uint64_t *s = malloc((ns ? ns : 1) * sizeof *s);
    for (size_t i = 0; s && i < ns; i++) {
        uint64_t h = 0x9E3779B97F4A7C15ULL;
        size_t w = nt < 4 ? nt : 4;
        for (size_t j = 0; j < w; j++)
            h = (h ^ t[i + j]) * 0xBF58476D1CE4E5B9ULL + (h >> 31);
        s[i] = h;
    }
    free(t);
    if (s)
        qsort(s, ns, sizeof *s, cmp_u64);
    *n = s ? ns : 0;
    return s;
}

void mw_shingle_f1(const char *pred, const char *truth, double *precision, double *recall, double *f1)
{
    size_t np, nt;
    uint64_t *p = shingles(pred, &np), *t = shingles(truth, &nt);
    size_t i = 0, j = 0, tp = 0;
    while (i < np && j < nt) {
        if (p[i] == t[j]) { tp++; i++; j++; }
        else if (p[i] < t[j]) i++;
        else j++;
    }
    free(p);
    free(t);
    size_t fp = np - tp, fn = nt - tp;
    double pp = tp + fp ? (double)tp / (double)(tp + fp) : (fn == 0 ? 1.0 : 0.0);
    double rr = tp + fn ? (double)tp / (double)(tp + fn) : 1.0;
    if (precision) *precision = pp;
    if (recall) *recall = rr;
    if (f1) *f1 = pp + rr > 0 ? 2 * pp * rr / (pp + rr) : 0.0;
}

/* ---- comparing fields ---- */

static char *fold(const char *s)
{
    return mw_text_fold(s ? s : "", s ? strlen(s) : 0, 0);
}

static int same_string(const char *a, const char *b)
{
    char *x = fold(a), *y = fold(b);
    int r = x && y && !strcmp(x, y);
    free(x);
    free(y);
    return r;
}

/* Same instant; when the expectation has no zone, the same wall clock (as score.py). */
static int same_time(const char *pred, const char *truth)
{
    char tn[MW_DATE_MAX], pn[MW_DATE_MAX];
    if (!pred || !truth || mw_date_parse(truth, NULL, tn, NULL) || mw_date_parse(pred, NULL, pn, NULL))
        return 0;
    double te, pe;
    int tz_t, tz_p;
    if (mw_date_epoch(tn, &te, &tz_t) || mw_date_epoch(pn, &pe, &tz_p))
        return 0;
    if (!tz_t) {
        char wall[MW_DATE_MAX];
        snprintf(wall, sizeof wall, "%.19s", pn);   /* the wall clock the prediction states */
        if (mw_date_epoch(wall, &pe, &tz_p))
            return 0;
    } else if (!tz_p) {
        return 0;
    }
    return fabs(pe - te) < 60;
}

static int cmp_str_ci(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Authors/tags as a set, case-folded (ASCII) and whitespace-folded. */
static int same_set(const json_t *pred, const json_t *truth)
{
    size_t np = json_is_array(pred) ? json_array_size(pred) : 0, nt = json_array_size(truth);
    if (np != nt)
        return 0;
    char **a = calloc(np + 1, sizeof *a), **b = calloc(nt + 1, sizeof *b);
    int same = a && b;
    for (size_t i = 0; same && i < np; i++) {
        a[i] = fold(json_string_value(json_array_get(pred, i)));
        b[i] = fold(json_string_value(json_array_get(truth, i)));
        for (char *p = a[i]; p && *p; p++) *p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
        for (char *p = b[i]; p && *p; p++) *p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
        same = a[i] && b[i];
    }
    if (same) {
        qsort(a, np, sizeof *a, cmp_str_ci);
        qsort(b, nt, sizeof *b, cmp_str_ci);
        for (size_t i = 0; same && i < np; i++)
            same = !strcmp(a[i], b[i]);
    }
    for (size_t i = 0; a && b && i < np; i++) {
        free(a[i]);
        free(b[i]);
    }
    free(a);
    free(b);
    return same;
}

static void show(FILE *out, const char *label, const json_t *v)
{
    char *s = v ? json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;
    size_t n = s ? strlen(s) : 0;
    if (n > 300)
        fprintf(out, "      %s %.300s… (%zu chars)\n", label, s, n);
    else
        fprintf(out, "      %s %s\n", label, s ? s : "null");
    free(s);
}

/* Paragraphs of a that are not in b (folded), printed as missing/extra, at most max. */
static void para_diff(FILE *out, const char *label, const char *a, const char *b, int max)
{
    int shown = 0, more = 0;
    const char *p = a ? a : "";
    while (*p) {
        const char *e = strstr(p, "\n\n");
        size_t l = e ? (size_t)(e - p) : strlen(p);
        char *para = strndup(p, l), *f = para ? fold(para) : NULL;
        free(para);
        if (f && *f) {
            char *fb = fold(b);
            int found = fb && strstr(fb, f);
            free(fb);
            if (!found) {
                if (shown < max) {
                    size_t fl = strlen(f);
                    fprintf(out, "      %s \"%.*s%s\"\n", label, fl > 160 ? 160 : (int)fl, f, fl > 160 ? "…" : "");
                    shown++;
                } else {
                    more++;
                }
            }
        }
        free(f);
        p += l;
        while (*p == '\n')
            p++;
    }
    if (more)
        fprintf(out, "      … and %d more %s paragraph%s\n", more, label, more == 1 ? "" : "s");
}

static const char *const FIELDS[] = {"title", "authors", "published", "modified", "section", "tags", "lead",
                                     "dateline", "body", NULL};

/* 1 when got matches want for field f; the body's F1 figures go to p/r/f. A null want means "none": the
 * output must be empty too (null, or [] for a list field). */
static int same_field(const char *f, const json_t *g, const json_t *w, double min_f1, double *p, double *r,
                      double *f1)
{
    if (json_is_null(w))
        return mw_article_empty(g);
    if (!strcmp(f, "body")) {
        mw_shingle_f1(json_string_value(g), json_string_value(w), p, r, f1);
        return *f1 >= min_f1;
    }
    if (json_is_array(w))
        return same_set(g, w);
    if (!strcmp(f, "published") || !strcmp(f, "modified"))
        return same_time(json_string_value(g), json_string_value(w));
    return json_is_string(g) && same_string(json_string_value(g), json_string_value(w));
}

/* What one fixture is compared with: its expectations, and the known-issues entries of its directory. */
struct expect {
    const json_t *want;
    const json_t *known;   /* the "known" object of the directory's known-issues file, or NULL */
    json_t *used;          /* known keys met on a checked page (key -> true) */
    const char *known_src; /* that file's path, for messages */
    const char *page;      /* the page's name (file name without extensions) */
};

struct tally {
    int known, stale;
};

static void fail_head(FILE *out, int *printed_head, const char *head)
{
    if (!*printed_head) {
        fputs(head, out);
        *printed_head = 1;
    }
}

/* 1 when rec matches the expectations; prints the failing fields, and the known and stale entries. */
static int compare(FILE *out, const json_t *rec, const struct expect *x, double min_f1, int *printed_head,
                   const char *head, struct tally *t)
{
    int ok = 1;
    for (int i = 0; FIELDS[i]; i++) {
        const char *f = FIELDS[i];
        const json_t *w = json_object_get(x->want, f);
        if (!w || (json_is_string(w) && !json_string_length(w)))
            continue;   /* not annotated: the key left out, or "" (how the corpus says "none marked") */
        const json_t *g = json_object_get(rec, f);
        double p = 0, r = 0, f1 = 0;
        int same = same_field(f, g, w, min_f1, &p, &r, &f1);
        char key[600];
        snprintf(key, sizeof key, "%s#%s", x->page, f);
        const json_t *k = json_object_get(x->known, key);
        if (same && !k)
            continue;
        if (k) {
            json_object_set_new(x->used, key, json_true());
            double kp, kr, kf;
            if (same) {
                fprintf(out, "stale %s (%s): the output now matches the expectation; remove the entry\n", key,
                        x->known_src);
                t->stale++;
                continue;
            }
            if (same_field(f, g, json_object_get(k, "page"), min_f1, &kp, &kr, &kf)) {
                fprintf(out, "known %s: the expectation contradicts the page (%s)\n", key,
                        json_string_value(json_object_get(k, "why")));
                t->known++;
                continue;
            }
        }
        fail_head(out, printed_head, head);
        ok = 0;
        if (!strcmp(f, "body") && !json_is_null(w)) {
            fprintf(out, "    body: F1 %.3f < %.2f (precision %.3f, recall %.3f)\n", f1, min_f1, p, r);
            para_diff(out, "missing:", json_string_value(w), json_string_value(g), 5);
            para_diff(out, "extra:  ", json_string_value(g), json_string_value(w), 5);
        } else {
            fprintf(out, "    %s:\n", f);
            show(out, "expected", w);
            if (k)
                show(out, "known   ", json_object_get(k, "page"));
            show(out, "got     ", g);
        }
        if (k)
            fprintf(out, "      (%s lists %s as known with another value: the output changed)\n", x->known_src,
                    key);
    }
    return ok;
}

/* ---- known-issues files ---- */

json_t *mw_fixtures_known_load(const char *path, struct mw_err *err)
{
    json_error_t je;
    json_t *j = json_load_file(path, 0, &je);
    if (!j) {
        mw_err_set(err, MW_EPARSE, "test", "%s:%d: %s", path, je.line, je.text);
        return NULL;
    }
    const json_t *known = json_object_get(j, "known");
    const json_t *dir = json_object_get(j, "fixtures");
    const char *bad = !json_is_object(j) ? "expected an object {\"fixtures\": DIR, \"known\": {...}}"
                      : !json_is_object(known) ? "\"known\" must be an object {\"PAGE#field\": {\"page\": VALUE, \"why\": TEXT}}"
                      : dir && !json_is_string(dir) ? "\"fixtures\" must be a directory name" : NULL;
    const char *k;
    json_t *v;
    if (!bad)
        json_object_foreach((json_t *)known, k, v) {
            if (!json_is_object(v) || !json_object_get(v, "page") ||
                !json_is_string(json_object_get(v, "why")) || !strchr(k, '#')) {
                mw_err_set(err, MW_EPARSE, "test",
                           "%s: known entry \"%.200s\": give \"PAGE#field\": {\"page\": what the page shows, "
                           "\"why\": the evidence}", path, k);
                json_decref(j);
                return NULL;
            }
        }
    if (bad) {
        mw_err_set(err, MW_EPARSE, "test", "%s: %s", path, bad);
        json_decref(j);
        return NULL;
    }
    return j;
}

/* 1 when the known file at path names dir (its "fixtures" resolved against path's own directory). */
static int names_dir(const json_t *kf, const char *path, const char *real_dir)
{
    const char *d = json_string_value(json_object_get(kf, "fixtures"));
    if (!d)
        return 0;
    char joined[8192], real[PATH_MAX];
    const char *slash = strrchr(path, '/');
    if (d[0] == '/' || !slash)
        snprintf(joined, sizeof joined, "%s", d);
    else
        snprintf(joined, sizeof joined, "%.*s/%s", (int)(slash - path), path, d);
    return realpath(joined, real) && !strcmp(real, real_dir);
}

json_t *mw_fixtures_known_find(const char *dir, const char *const *known_dirs, char *found, size_t cap,
                               struct mw_err *err)
{
    char path[4200], real_dir[PATH_MAX];
    struct stat st;
    snprintf(path, sizeof path, "%s/known.json", dir);
    if (stat(path, &st) == 0) {
        if (found)
            snprintf(found, cap, "%s", path);
        return mw_fixtures_known_load(path, err);
    }
    if (!realpath(dir, real_dir))
        return NULL;
    for (int i = 0; known_dirs && known_dirs[i]; i++) {
        size_t n;
        char **names = mw_dir_list(known_dirs[i], &n);
        json_t *hit = NULL;
        for (size_t j = 0; j < n && !hit; j++) {
            size_t l = strlen(names[j]);
            if (l < 10 || strcmp(names[j] + l - 10, "known.json"))
                continue;
            snprintf(path, sizeof path, "%s/%s", known_dirs[i], names[j]);
            json_t *kf = mw_fixtures_known_load(path, err);
            if (!kf) {
                mw_dir_list_free(names, n);
                return NULL;
            }
            if (names_dir(kf, path, real_dir)) {
                hit = kf;
                if (found)
                    snprintf(found, cap, "%s", path);
            } else {
                json_decref(kf);
            }
        }
        mw_dir_list_free(names, n);
        if (hit)
            return hit;
    }
    return NULL;
}

/* ---- walking fixture directories ---- */

struct walk {
    struct mw_runner *r;
    const struct mw_fixture_opts *o;
    FILE *out;
    struct mw_fixture_result *res;
    int found;
    json_t *counts;      /* counting mode: rule name -> fixtures, nothing extracted */
    const json_t *known; /* the current directory's known entries (may be NULL) */
    const char *known_src;
    json_t *used;        /* known keys met (key -> true) */
    json_t *pages;       /* page names checked (name -> true) */
};

/* The rule a fixture is checked with: always the rule `moonwire extract` picks by its URL, so the two agree.
 * With rules named, a fixture is checked when one of them covers its URL; *other is set when another rule
 * (one claiming the same domain) would run there instead, which fails the page. *skip when the fixture is none
 * of the named rules' business. */
static const char *rule_for(struct mw_runner *r, const struct mw_fixture_opts *o, const char *url, int *skip,
                            const char **other)
{
    *skip = 0;
    *other = NULL;
    const char *picked = mw_runner_pick(r, url);
    if (!o->rules || !o->rules[0])
        return picked;
    for (int i = 0; o->rules[i]; i++)
        if (mw_runner_handles(r, o->rules[i], url)) {
            if (!picked || strcmp(picked, o->rules[i]))
                *other = picked ? picked : "generic";
            return o->rules[i];
        }
    *skip = 1;
    return NULL;
}

static void check_one(struct walk *w, const char *page, const char *jpath)
{
    json_error_t je;
    json_t *want = json_load_file(jpath, 0, &je);
    const char *url = json_string_value(json_object_get(want, "url"));
    if (!want || !url) {
        fprintf(w->out, "SKIP %s: %s\n", jpath, want ? "no \"url\"" : je.text);
        w->res->skipped++;
        json_decref(want);
        return;
    }
    int skip = 0;
    const char *other = NULL;
    const char *rule = w->counts ? mw_runner_pick(w->r, url) : rule_for(w->r, w->o, url, &skip, &other);
    if (w->counts) {
        const char *k = rule ? rule : "generic";
        json_object_set_new(w->counts, k, json_integer(json_integer_value(json_object_get(w->counts, k)) + 1));
        json_decref(want);
        return;
    }
    if (skip) {
        json_decref(want);
        return;
    }
    w->found++;
    char *bytes = NULL;
    size_t len = 0;
    struct mw_err err = {0};
    char head[4600];
    snprintf(head, sizeof head, "FAIL %-14s %s\n", rule ? rule : "(generic)", page);
    int printed = 0, ok;
    char name[512];
    const char *b = strrchr(page, '/') ? strrchr(page, '/') + 1 : page;
    snprintf(name, sizeof name, "%.*s", (int)strcspn(b, "."), b);
    json_object_set_new(w->pages, name, json_true());
    if (other) {
        fprintf(w->out, "%s    `moonwire extract` runs rule %s on %s, not %s (both claim its domain; see the warning "
                "above)\n", head, other, url, rule);
        ok = 0;
    } else if (mw_file_read(page, 64u << 20, &bytes, &len, &err)) {
        fprintf(w->out, "%s    %s\n", head, err.msg);
        ok = 0;
    } else {
        json_t *rec = mw_runner_extract_rule(w->r, rule, bytes, len, url, NULL);
        free(bytes);
        if (!rec) {
            fprintf(w->out, "%s    out of memory\n", head);
            ok = 0;
        } else {
            struct expect x = {want, w->known, w->used, w->known_src, name};
            struct tally t = {0, 0};
            ok = compare(w->out, rec, &x, w->o->min_f1 > 0 ? w->o->min_f1 : 0.98, &printed, head, &t);
            w->res->known += t.known;
            w->res->stale += t.stale;
            const json_t *warns = json_object_get(rec, "warnings");
            size_t i;
            json_t *v;
            if (!ok || w->o->verbose)
                json_array_foreach(warns, i, v) fprintf(w->out, "    warning: %s\n", json_string_value(v));
            json_decref(rec);
        }
    }
    if (ok) {
        w->res->passed++;
        if (w->o->verbose)
            fprintf(w->out, "ok   %-14s %s\n", rule ? rule : "(generic)", page);
    } else {
        w->res->failed++;
    }
    json_decref(want);
}

static void walk_dir(struct walk *w, const char *dir, int depth)
{
    if (depth > 8)
        return;
    size_t n;
    char **names = mw_dir_list(dir, &n);
    for (size_t i = 0; i < n; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        struct stat st;
        if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
            walk_dir(w, path, depth + 1);
            continue;
        }
        size_t l = strlen(names[i]);
        const char *ext = l > 8 && !strcmp(names[i] + l - 8, ".html.gz") ? ".html.gz"
                          : l > 5 && !strcmp(names[i] + l - 5, ".html") ? ".html" : NULL;
        if (!ext)
            continue;
        char jpath[4096];
        snprintf(jpath, sizeof jpath, "%.*s.json", (int)(strlen(path) - strlen(ext)), path);
        if (stat(jpath, &st) == 0)
            check_one(w, path, jpath);
    }
    mw_dir_list_free(names, n);
}

/* Known entries never met: stale when their page was checked (the field is not annotated or not compared),
 * or, when every fixture was checked (no rules named), when no page of that name exists. */
static void report_unused(struct walk *w, const json_t *known, const char *src)
{
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)known, k, v) {
        if (json_object_get(w->used, k))
            continue;
        char page[512];
        snprintf(page, sizeof page, "%.*s", (int)strcspn(k, "#"), k);
        int seen = json_object_get(w->pages, page) != NULL;
        if (!seen && w->o->rules && w->o->rules[0])
            continue;
        fprintf(w->out, "stale %s (%s): %s; remove the entry\n", k, src,
                seen ? "the fixture does not annotate that field" : "no fixture page of that name");
        w->res->stale++;
    }
}

/* One directory with its known-issues file. */
static int check_dir(struct walk *w, const char *dir, struct mw_err *err)
{
    char src[4200] = "--known";
    json_t *kf = NULL;
    if (!w->o->no_known && !w->o->known) {
        kf = mw_fixtures_known_find(dir, w->o->known_dirs, src, sizeof src, err);
        if (!kf && err && err->code)
            return err->code;
    }
    const json_t *file = w->o->no_known ? NULL : w->o->known ? w->o->known : kf;
    w->known = json_object_get(file, "known");
    w->known_src = src;
    json_object_clear(w->used);
    json_object_clear(w->pages);
    walk_dir(w, dir, 0);
    if (w->known)
        report_unused(w, w->known, src);
    w->known = NULL;
    json_decref(kf);
    return MW_OK;
}

int mw_fixtures_check(struct mw_runner *r, const struct mw_fixture_opts *o, FILE *out,
                      struct mw_fixture_result *res, struct mw_err *err)
{
    memset(res, 0, sizeof *res);
    struct walk w = {r, o, out, res, 0, NULL, NULL, NULL, json_object(), json_object()};
    int rc = MW_OK;
    for (int i = 0; !rc && o->dirs && o->dirs[i]; i++) {
        struct stat st;
        if (stat(o->dirs[i], &st) || !S_ISDIR(st.st_mode))
            rc = mw_err_set(err, MW_ENOTFOUND, "test", "%s: no such fixture directory", o->dirs[i]);
        else
            rc = check_dir(&w, o->dirs[i], err);
    }
    json_decref(w.used);
    json_decref(w.pages);
    if (rc)
        return rc;
    fprintf(out, "%d passed, %d failed", res->passed, res->failed);
    if (res->skipped)
        fprintf(out, ", %d skipped", res->skipped);
    if (res->known)
        fprintf(out, ", %d known", res->known);
    if (res->stale)
        fprintf(out, ", %d stale", res->stale);
    fputc('\n', out);
    if (!w.found)
        return mw_err_set(err, MW_ENOTFOUND, "test", "no fixture found for the rules asked");
    return MW_OK;
}

int mw_fixtures_count(struct mw_runner *r, const char *const *dirs, json_t *counts)
{
    struct mw_fixture_opts o = {0};
    struct mw_fixture_result res = {0};
    struct walk w = {r, &o, stderr, &res, 0, counts, NULL, NULL, NULL, NULL};
    for (int i = 0; dirs && dirs[i]; i++)
        walk_dir(&w, dirs[i], 0);
    return MW_OK;
}

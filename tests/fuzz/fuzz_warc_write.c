/* tests/fuzz/fuzz_warc_write.c: the warc plugin (plugins/warc/warc.c, compiled in) writes fetch events made of
 * the input's fields, net/warc.c reads the file back: every event must come back as exactly one request and
 * one response record whose WARC headers carry no byte an event smuggled in (no header injection), and the
 * config parser must take any bytes. Input: config \0 url \0 final_url \0 request headers \0 status line
 * \0 response headers \0 remote ip \0 fetched \0 body. */
#include "fuzz.h"
#include "net/warc.h"

#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../plugins/warc/warc.c"

static char dir[64];

static void check_record(const struct mw_warc_record *rec)
{
    if (!rec->target_uri || strpbrk(rec->target_uri, "\r\n \t"))
        abort();
    for (const char *h = rec->warc_headers; *h; h = strchr(h, '\n') + 1) {   /* every line is a known name */
        static const char *const names[] = {"WARC-Type:", "WARC-Record-ID:", "WARC-Date:", "Content-Length:",
                                            "WARC-Target-URI:", "WARC-Warcinfo-ID:", "WARC-Concurrent-To:",
                                            "WARC-IP-Address:", "WARC-Block-Digest:", "Content-Type:",
                                            "WARC-Payload-Digest:", "Moonwire-Requested-URI:", "WARC-Truncated:"};
        int known = 0;
        for (size_t i = 0; i < sizeof names / sizeof names[0] && !known; i++)
            known = !strncmp(h, names[i], strlen(names[i]));
        if (!known)
            abort();
        if (!strchr(h, '\n'))
            break;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!dir[0]) {
        snprintf(dir, sizeof dir, "/tmp/mw-fuzz-warc-%d", (int)getpid());
        mkdir(dir, 0700);
    }
    const uint8_t *p = data, *end = data + size;
    char *f[9];
    for (int i = 0; i < 8; i++)
        f[i] = fz_field(&p, end, '\0');
    size_t blen = p <= end ? (size_t)(end - p) : 0;
    f[8] = fz_dup(p <= end ? p : data, blen);
    for (int i = 0; i < 8; i++)
        if (!f[i])
            f[i] = fz_dup(data, 0);

    /* the config as given: any bytes, parsed and refused or taken (then freed) without a leak or a crash */
    struct config junk = {0};
    char err[256];
    if (parse_config(f[0], &junk, err, sizeof err) == 0 || 1) {
        free(junk.path);
        free(junk.dir);
        free(junk.prefix);
    }

    char path[128], config[256];
    snprintf(path, sizeof path, "%s/w.warc%s", dir, size & 1 ? ".gz" : "");
    snprintf(config, sizeof config, "{\"path\": \"%s\", \"max_body\": %d}", path, size & 2 ? 64 : 0);
    unlink(path);
    void *st = NULL;
    if (warc_open(&st, config, err, sizeof err))
        abort();
    struct mw_fetch_event ev = {.url = *f[1] ? f[1] : "https://fuzz.example/", .final_url = *f[2] ? f[2] : NULL,
                                .method = "GET", .request_headers = f[3], .status = 200,
                                .status_line = *f[4] ? f[4] : NULL, .response_headers = f[5],
                                .remote_ip = *f[6] ? f[6] : NULL, .fetched = f[7], .body = f[8], .body_len = blen};
    int events = 0;
    for (int k = 0; k < 2; k++)
        if (warc_on_fetch(st, &ev, err, sizeof err) == 0)
            events++;
    warc_close(st);

    struct mw_err e = {0};
    struct mw_warc_reader *r = mw_warc_reader_new(path, NULL, &e);
    if (!r)
        abort();
    const struct mw_warc_record *rec;
    int n = 0;
    while (mw_warc_next(r, &rec, &e) == 0 && rec) {
        if (n++ == 0) {
            if (strcmp(rec->type, "warcinfo"))
                abort();
            continue;
        }
        check_record(rec);
    }
    if (e.code || n != 1 + events * (*f[3] ? 2 : 1)) {   /* each event is its records: none forged, none lost */
        fprintf(stderr, "%d records for %d events: %s\n", n, events, e.msg);
        abort();
    }
    mw_warc_reader_free(r);
    for (int i = 0; i < 9; i++)
        free(f[i]);
    return 0;
}

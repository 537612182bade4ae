/* tests/fuzz/fuzz_warc_read.c: WARC files (plain, gzip per record, whole-file gzip) read record by record
 * (net/warc.c), payloads de-chunked and decoded. The bytes go through a memfd, as the reader reads paths. */
#include "fuzz.h"
#include "net/warc.h"

#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!size)
        return 0;
    int fd = memfd_create("fuzz.warc", 0);
    if (fd < 0)
        abort();
    if (size > 1 && write(fd, data + 1, size - 1) != (ssize_t)(size - 1))
        abort();
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    struct mw_warc_opts o = {.max_body = (size_t)1 << (10 + data[0] % 12), .html_only = data[0] & 0x80};
    struct mw_err err = {0};
    struct mw_warc_reader *r = mw_warc_reader_new(path, &o, &err);
    const struct mw_warc_record *rec;
    for (int i = 0; r && i < 10000; i++) {
        if (mw_warc_next(r, &rec, &err) || !rec)
            break;
        if (rec->body && rec->body[rec->body_len] != '\0')
            abort();   /* the body is NUL-terminated, as net/warc.h promises */
        if (rec->target_uri)
            free(mw_warc_header(rec->warc_headers, "WARC-Target-URI"));
    }
    mw_warc_reader_free(r);
    close(fd);
    return 0;
}

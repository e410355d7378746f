/*
 * logpriv.c - the kiosk log's allow-list (see logpriv.h).
 */
#include "logpriv.h"

#include <stdbool.h>
#include <string.h>

static bool public_key(const char *key, size_t n)
{
    const char *list = KM_LOG_PUBLIC_KEYS;
    for (const char *p = list; *p;) {
        size_t k = strcspn(p, " ");
        if (k == n && strncmp(p, key, n) == 0)
            return true;
        p += k;
        p += strspn(p, " ");
    }
    return false;
}

void km_log_redact(char *line)
{
    char *out = line;
    bool first = true;
    for (const char *p = line; *p;) {
        p += strspn(p, " ");
        size_t n = strcspn(p, " ");
        if (!n)
            break;
        const char *eq = memchr(p, '=', n);
        bool keep = first || !eq || public_key(p, (size_t)(eq - p));
        if (keep) {
            if (!first)
                *out++ = ' ';
            memmove(out, p, n);
            out += n;
            first = false;
        }
        p += n;
    }
    *out = '\0';
}

/*
 * handoff.c - hand-off codes (see handoff.h).
 */
#include "handoff.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

void km_handoff_code(const uint8_t rnd[KM_HANDOFF_LEN], char out[KM_HANDOFF_LEN + 1])
{
    const size_t n = sizeof KM_HANDOFF_ALPHABET - 1;
    for (int i = 0; i < KM_HANDOFF_LEN; i++)
        out[i] = KM_HANDOFF_ALPHABET[rnd[i] % n];
    out[KM_HANDOFF_LEN] = '\0';
}

bool km_handoff_parse(const char *typed, char out[KM_HANDOFF_LEN + 1])
{
    int n = 0;
    for (const char *p = typed; p && *p; p++) {
        if (*p == '-' || *p == ' ')
            continue;
        char c = (char)toupper((unsigned char)*p);
        if (n >= KM_HANDOFF_LEN || !strchr(KM_HANDOFF_ALPHABET, c))
            return false;
        out[n++] = c;
    }
    out[n] = '\0';
    return n == KM_HANDOFF_LEN;
}

void km_handoff_show(const char *code, char out[KM_HANDOFF_LEN + 2])
{
    if (strlen(code) != KM_HANDOFF_LEN)
        snprintf(out, KM_HANDOFF_LEN + 2, "%s", code);
    else
        snprintf(out, KM_HANDOFF_LEN + 2, "%.3s-%.3s", code, code + 3);
}

void km_handoff_name(const char *code, const char *ext, char *out, size_t n)
{
    snprintf(out, n, "knotmap-handoff-%s.%s", code, ext);
}

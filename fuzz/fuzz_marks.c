/*
 * fuzz_marks.c - libFuzzer target for the marks file (saved pain drawings
 * and selections), checked against the lookup fixture atlas.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "app/marks.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static km_atlas *atlas;

static void load_atlas(void)
{
    km_diag d;
    km_diag_init(&d);
    atlas = km_atlas_load(KM_FUZZ_ATLAS, &d);
    km_diag_release(&d);
    if (!atlas) {
        fprintf(stderr, "fuzz_marks: cannot load %s\n", KM_FUZZ_ATLAS);
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!atlas)
        load_atlas();
    km_diag d;
    km_diag_init(&d);
    km_marks m;
    km_marks_init(&m);
    int rc = km_marks_load_buffer("fuzz-marks.json", (const char *)data, size, atlas, &m, &d);
    if (rc != 0 && d.count == 0 && d.dropped == 0)
        __builtin_trap();
    if (rc == 0) { /* what loaded must be usable: replay it into a history */
        km_mark_history h;
        km_history_init(&h);
        km_history_load(&h, &m);
        km_history_release(&h);
    }
    km_marks_release(&m);
    km_diag_release(&d);
    return 0;
}

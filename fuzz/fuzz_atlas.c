/*
 * fuzz_atlas.c - libFuzzer target for the data-file loader: any bytes must
 * give either an atlas or a list of problems; never a crash, a hang, a leak
 * or undefined behaviour (the target is built with ASan and UBSan).
 */
#include <stddef.h>
#include <stdint.h>

#include "core/atlas.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    km_diag d;
    km_diag_init(&d);
    km_atlas *a = km_atlas_load_buffer("fuzz.json", (const char *)data, size, &d);
    if (a && d.count)
        __builtin_trap(); /* success with problems reported would be a lie */
    if (!a && d.count == 0 && d.dropped == 0)
        __builtin_trap(); /* failure must say why */
    km_atlas_free(a);
    km_diag_release(&d);
    return 0;
}

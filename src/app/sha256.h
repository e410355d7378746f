/*
 * sha256.h - SHA-256 (FIPS 180-4), used to check the kiosk administrator's
 * PIN against the hash stored in the configuration, so the PIN itself is
 * never written down on the kiosk.  Debian links no hashing library into
 * knotmap, and this is small enough to own.
 */
#ifndef KM_SHA256_H
#define KM_SHA256_H

#include <stddef.h>
#include <stdint.h>

typedef struct km_sha256 {
    uint32_t h[8];      /* chaining state */
    uint64_t bytes;     /* message length so far */
    uint8_t block[64];  /* pending partial block */
    size_t fill;        /* bytes used in block */
} km_sha256;

void km_sha256_init(km_sha256 *s);
void km_sha256_update(km_sha256 *s, const void *data, size_t n);
void km_sha256_final(km_sha256 *s, uint8_t out[32]);
/* One call: lowercase hex digest of n bytes into hex (65 bytes incl. NUL). */
void km_sha256_hex(const void *data, size_t n, char hex[65]);

#endif

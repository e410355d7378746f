/*
 * pinhash.c - PIN hashing with libcrypt's yescrypt (see pinhash.h).
 *
 * crypt_r's work area is large (about 32 KiB), so it lives on the heap for
 * the one call; it is wiped before it is freed because it held the PIN.
 */
#define _GNU_SOURCE
#include "pinhash.h"

#include <crypt.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool km_pin_valid(const char *pin)
{
    size_t n = pin ? strlen(pin) : 0;
    if (n < KM_PIN_MIN || n > KM_PIN_MAX)
        return false;
    for (size_t i = 0; i < n; i++)
        if (pin[i] < '0' || pin[i] > '9')
            return false;
    return true;
}

bool km_pin_hash_valid(const char *hash)
{
    return hash && strncmp(hash, "$y$", 3) == 0 && strlen(hash) < KM_PIN_HASH_MAX &&
           crypt_checksalt(hash) == CRYPT_SALT_OK;
}

/* crypt_r into a heap work area; the result copied to out.  false on failure. */
static bool hash_with(const char *pin, const char *setting, char *out, size_t outlen)
{
    struct crypt_data *cd = calloc(1, sizeof *cd);
    if (!cd)
        return false;
    const char *h = crypt_r(pin, setting, cd);
    bool ok = h && h[0] != '*' && strlen(h) < outlen;
    if (ok)
        memcpy(out, h, strlen(h) + 1);
    explicit_bzero(cd, sizeof *cd);
    free(cd);
    return ok;
}

bool km_pin_hash(const char *pin, char *out, size_t outlen, char *err, size_t errlen)
{
    if (!km_pin_valid(pin)) {
        snprintf(err, errlen, "expected a PIN of %d to %d digits", KM_PIN_MIN, KM_PIN_MAX);
        return false;
    }
    char salt[CRYPT_GENSALT_OUTPUT_SIZE];
    /* NULL random bytes: libcrypt takes them from the kernel (getrandom). */
    if (!crypt_gensalt_rn("$y$", 0, NULL, 0, salt, sizeof salt)) {
        snprintf(err, errlen, "cannot make a salt: %s", strerror(errno));
        return false;
    }
    if (!hash_with(pin, salt, out, outlen)) {
        snprintf(err, errlen, "cannot hash the PIN: %s", strerror(errno));
        return false;
    }
    return true;
}

bool km_pin_verify(const char *pin, const char *hash)
{
    char got[CRYPT_OUTPUT_SIZE];
    if (!km_pin_valid(pin) || !km_pin_hash_valid(hash) || !hash_with(pin, hash, got, sizeof got))
        return false;
    /* Constant time over the stored hash's length: no early exit. */
    size_t n = strlen(hash), m = strlen(got);
    unsigned char diff = (unsigned char)(n != m);
    for (size_t i = 0; i < n; i++)
        diff |= (unsigned char)(hash[i] ^ (i < m ? got[i] : 0));
    explicit_bzero(got, sizeof got);
    return diff == 0;
}

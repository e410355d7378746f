/*
 * pinhash.h - the kiosk's administrator PIN, stored as a salted, slow
 * yescrypt hash in the standard crypt format ("$y$..."), through Debian's
 * libcrypt (crypt_gensalt_rn + crypt_r).  The PIN itself is never stored.
 */
#ifndef KM_PINHASH_H
#define KM_PINHASH_H

#include <stdbool.h>
#include <stddef.h>

#define KM_PIN_MIN 4  /* digits */
#define KM_PIN_MAX 12
#define KM_PIN_HASH_MAX 256 /* room for a crypt string with its NUL */

/* True if pin is KM_PIN_MIN..KM_PIN_MAX ASCII digits and nothing else. */
bool km_pin_valid(const char *pin);
/* A fresh random salt and the yescrypt hash of pin into out.  Returns
 * true, or false with the reason in err. */
bool km_pin_hash(const char *pin, char *out, size_t outlen, char *err, size_t errlen);
/* True if hash is a yescrypt setting libcrypt accepts ("$y$..."). */
bool km_pin_hash_valid(const char *hash);
/* True if pin hashes to hash (compared in constant time). */
bool km_pin_verify(const char *pin, const char *hash);

#endif

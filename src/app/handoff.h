/*
 * handoff.h - the kiosk's hand-off code: a patient's drawing saved under a
 * short code that they read out at reception ("K7P-4QX"), and that the
 * clinician types to open it (`knotmap run --code K7P-4QX`).
 *
 * Six characters from an alphabet with no look-alikes (no 0/O, 1/I/L, 2/Z,
 * 5/S, 8/B, 6/G): 23^6, about 148 million codes, shown as two groups of
 * three.  The files are "knotmap-handoff-K7P4QX.png" and ".json" in the
 * export folder.  Pure functions: the host supplies the random bytes.
 */
#ifndef KM_HANDOFF_H
#define KM_HANDOFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KM_HANDOFF_LEN 6
#define KM_HANDOFF_ALPHABET "ACDEFHJKMNPQRTUVWXY3479"
#define KM_HANDOFF_INBOX 8

/* One drawing waiting in the export folder, newest first in a list. */
typedef struct km_handoff_entry {
    char code[KM_HANDOFF_LEN + 1];
    char when[32]; /* "2026-11-25 14:32", local time, filled by the host */
} km_handoff_entry;

/* A code from 6 random bytes (each taken modulo the alphabet; the bias is
 * irrelevant for a hand-off code).  out gets 7 bytes. */
void km_handoff_code(const uint8_t rnd[KM_HANDOFF_LEN], char out[KM_HANDOFF_LEN + 1]);
/* A code as typed ("k7p-4qx", "K7P 4QX") to its 6 characters; false when
 * it is not one (wrong length or a character outside the alphabet). */
bool km_handoff_parse(const char *typed, char out[KM_HANDOFF_LEN + 1]);
/* "K7P4QX" as shown: "K7P-4QX".  out gets 8 bytes. */
void km_handoff_show(const char *code, char out[KM_HANDOFF_LEN + 2]);
/* The file name of a code's drawing: ext "png" or "json". */
void km_handoff_name(const char *code, const char *ext, char *out, size_t n);

#endif

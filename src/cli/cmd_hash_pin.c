/*
 * cmd_hash_pin.c - `knotmap hash-pin`: read an administrator PIN (4 to 12
 * digits) from standard input and print the configuration line to paste,
 *   admin_pin_hash = $y$...
 * The hash is yescrypt with a fresh random salt (app/pinhash.h), so the
 * same PIN gives a different line each time; every line checks.
 */
#define _DEFAULT_SOURCE /* explicit_bzero */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <termios.h>
#include <unistd.h>

#include "app/pinhash.h"
#include "cli.h"

/* One line from stdin without its newline; false if too long or empty.
 * Typed at a terminal, the PIN is not echoed. */
static bool read_pin(char *pin, size_t n)
{
    struct termios old, quiet;
    bool tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &old) == 0;
    if (tty) {
        quiet = old;
        quiet.c_lflag &= (tcflag_t)~ECHO;
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
    char *got = fgets(pin, (int)n, stdin);
    if (tty) {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
        fputc('\n', stderr);
    }
    if (!got)
        return false;
    size_t len = strcspn(pin, "\r\n");
    bool whole = pin[len] == '\n' || pin[len] == '\r' || feof(stdin);
    pin[len] = '\0';
    return whole;
}

int km_cmd_hash_pin(km_cli *cli, int argc, char **argv)
{
    (void)cli;
    (void)argv;
    if (argc > 0)
        return km_cli_usage_error("hash-pin: takes no arguments; type the PIN on standard input");
    if (isatty(STDIN_FILENO))
        fprintf(stderr, "PIN (%d to %d digits): ", KM_PIN_MIN, KM_PIN_MAX);
    char pin[64] = "", hash[KM_PIN_HASH_MAX], err[256];
    bool ok = read_pin(pin, sizeof pin) && km_pin_valid(pin);
    if (!ok) {
        explicit_bzero(pin, sizeof pin);
        return km_cli_usage_error("hash-pin: expected a PIN of %d to %d digits on standard input", KM_PIN_MIN,
                                  KM_PIN_MAX);
    }
    ok = km_pin_hash(pin, hash, sizeof hash, err, sizeof err);
    explicit_bzero(pin, sizeof pin);
    if (!ok) {
        fprintf(stderr, "knotmap: hash-pin: %s\n", err);
        return KM_EXIT_FAIL;
    }
    printf("admin_pin_hash = %s\n", hash);
    return KM_EXIT_OK;
}
